"""NaF nucleation detection speed on a ~100k-atom interface frame.

The frame is an interface model built in code (no MD): a bcc Na(100) metal slab,
then 20,000 Na+/F- ions at NaF-melt density (0.040 ions/Å^3, random, no two ions
closer than 2.0 Å) holding four rock-salt nanocrystals (truncated cubes of
1,000-2,000 ions, random orientations, 0.15 Å thermal jitter; one on the metal),
then ~78,000 inert solvent-like atoms (C, H, O at 0.10 atoms/Å^3). Per frame the
analysis selects free fluoride (no covalent partner within 1.9 Å) and Na that is
not metal, computes q4, solid bonds, surface growth, clusters, unwrapping,
orientation, convex-hull facets and tracking.

Usage::

    .venv/bin/python benchmarks/bench_nucleation.py [--frames 5]

Writes benchmarks/results/bench_nucleation.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
from _common import ROOT

sys.path.insert(0, str(ROOT / "tests" / "nucleation"))
sys.path.insert(0, str(ROOT / "tests"))

from builders import bcc_slab  # noqa: E402
from naf_crystals import CRYSTAL_DENSITY, crystal, liquid_species, random_liquid, random_rotation  # noqa: E402

from seinet.frame import Frame  # noqa: E402
from seinet.nucleation import NucleationSettings, analyze_nucleation, detect_frame  # noqa: E402

A_NA = 4.23


def interface_frame(seed: int = 0, n_ions: int = 20_000, n_inert: int = 78_000, index: int = 0,
                    jitter: float = 0.15) -> tuple[Frame, np.ndarray, int]:
    """The benchmark frame, its metal mask and the number of crystal ions."""
    rng = np.random.default_rng(seed)
    nx = 19
    lx = nx * A_NA
    metal_sym, metal_pos = bcc_slab(nx, nx, 6, a=A_NA)
    z_metal = metal_pos[:, 2].max()
    ion_z0 = z_metal + 2.4
    ion_lz = n_ions / 0.040 / lx ** 2
    ion_cell = np.diag([lx, lx, ion_lz])
    crystals = []
    centres = [(lx * 0.25, lx * 0.25, 9.7), (lx * 0.75, lx * 0.3, ion_lz * 0.5), (lx * 0.3, lx * 0.7, ion_lz * 0.6),
               (lx * 0.7, lx * 0.75, ion_lz * 0.35)]
    shapes = [(4, 9), (5, 11), (5, 12), (4, 10)]
    for k, (centre, (n, m)) in enumerate(zip(centres, shapes)):
        crystals.append(crystal("truncated_cube", n=n, m=m, rotation=np.eye(3) if k == 0 else random_rotation(seed + k),
                                center=centre, jitter=jitter, seed=seed + 10 + k))
    cpos = np.concatenate([c.positions for c in crystals])
    csym = np.concatenate([c.symbols for c in crystals])
    n_liq = int(round(0.040 * (lx * lx * ion_lz - len(cpos) / CRYSTAL_DENSITY)))
    liq = random_liquid(ion_cell, n_liq, seed, 2.0, cpos)
    ion_pos = np.concatenate([cpos, liq]) + [0.0, 0.0, ion_z0]
    ion_sym = np.concatenate([csym, liquid_species(n_liq)])
    inert_z0 = ion_z0 + ion_lz + 3.0
    inert_lz = n_inert / 0.10 / lx ** 2
    inert_pos = rng.random((n_inert, 3)) * [lx, lx, inert_lz] + [0.0, 0.0, inert_z0]
    inert_sym = rng.choice(np.array(["C", "H", "O"]), size=n_inert, p=[0.3, 0.5, 0.2])
    lz = inert_z0 + inert_lz + 3.0
    symbols = np.concatenate([np.asarray(metal_sym), ion_sym, inert_sym])
    positions = np.concatenate([metal_pos, ion_pos, inert_pos])
    metal = np.zeros(len(symbols), dtype=bool)
    metal[:len(metal_sym)] = True
    frame = Frame(index=index, symbols=symbols, positions=positions, cell=np.diag([lx, lx, lz]),
                  time_ps=0.1 * index)
    return frame, metal, len(cpos)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=5)
    args = ap.parse_args()
    frames, metal, n_crystal = [], None, 0
    for k in range(args.frames):
        f, metal, n_crystal = interface_frame(seed=k, index=k)
        frames.append(f)
    settings = NucleationSettings()
    detect_frame(frames[0], settings, metal)  # warm the numba cache and imports
    per_frame = []
    for f in frames:
        t0 = time.perf_counter()
        res = detect_frame(f, settings, metal)
        per_frame.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    results = analyze_nucleation(frames, settings, metal=metal)
    total = time.perf_counter() - t0
    nuclei = results.nuclei[results.nuclei["frame"] == 0]
    out = {
        "date": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count(),
        "atoms": frames[0].n_atoms, "ions": int(len(res.ions)), "crystal_ions": n_crystal,
        "frames": args.frames,
        "detect_frame_s": {"median": round(float(np.median(per_frame)), 3), "min": round(min(per_frame), 3),
                           "max": round(max(per_frame), 3)},
        "analyze_nucleation_s_per_frame": round(total / args.frames, 3),
        "nuclei_frame0": int(len(nuclei)), "n_max_frame0": int(results.nucleation["n_max"].iloc[0]),
        "on_electrode_frame0": int(nuclei["on_electrode"].sum()),
    }
    path = ROOT / "benchmarks" / "results"
    path.mkdir(exist_ok=True)
    (path / "bench_nucleation.json").write_text(json.dumps(out, indent=2) + "\n")
    print(f"| atoms per frame (ions) | {out['atoms']:,} ({out['ions']:,}) |\n|---|---|")
    print(f"| crystal ions built in / nuclei found (frame 0) | {n_crystal} / {out['nuclei_frame0']} "
          f"(n_max {out['n_max_frame0']}, {out['on_electrode_frame0']} on the electrode) |")
    print(f"| detect_frame, median of {args.frames} frames (s) | {out['detect_frame_s']['median']} |")
    print(f"| analyze_nucleation incl. tracking and tables (s per frame) | {out['analyze_nucleation_s_per_frame']} |")


if __name__ == "__main__":
    main()
