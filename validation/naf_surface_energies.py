"""NEP89 surface energies of rock-salt NaF: gamma(100), gamma(110), gamma(111) and their Wulff shape.

Relaxes the bulk lattice constant, then relaxed slabs of increasing thickness for each
facet ((111) octopolar, both terminations), a 2x2 in-plane check at one thickness, and the
Wulff shape the converged energies predict (seinet.nucleation.surface_energy / .wulff).

Usage: .venv/bin/python validation/naf_surface_energies.py [--fmax 0.01] [--out validation/naf_surface_energies.json]
Writes the JSON and prints markdown tables (the numbers in docs/wulff.md). About a minute on
one core.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from seinet.models import NEP89_SHA256
from seinet.nucleation.surface_energy import (
    SurfaceEnergies,
    default_calculator,
    relax_bulk,
    slab_surface_energy,
    surface_energies,
)
from seinet.nucleation.wulff import halfspace_wulff_fractions, winterbottom_shape, wulff_shape

PLANES = {"100": (4, 6, 8, 10, 12, 14), "110": (4, 6, 8, 10, 12, 14), "111": (7, 9, 11, 13, 15, 17)}
LATERAL = {"100": 10, "110": 10, "111": 11}  # thickness of the 2x2 in-plane check
NACL_LITERATURE = {"100": 0.16, "110": 0.33, "111": 0.52}  # DESIGN.md, (111) reconstructed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fmax", type=float, default=0.01, help="force criterion, eV/Å")
    ap.add_argument("--vacuum", type=float, default=15.0)
    ap.add_argument("--out", type=Path, default=Path(__file__).with_suffix(".json"))
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    t0 = time.perf_counter()

    calc = default_calculator()
    bulk = relax_bulk(calc)
    series: SurfaceEnergies = surface_energies(calc, planes=PLANES, bulk=bulk, fmax=args.fmax,
                                               vacuum=args.vacuum)
    gamma = series.gamma()
    conv = series.convergence()

    lateral = []
    for label, n in LATERAL.items():
        miller = tuple(int(c) for c in label)
        for term in (("Na", "F") if label == "111" else (None,)):
            big = slab_surface_energy(bulk, calc, miller, n, fmax=args.fmax, vacuum=args.vacuum,
                                      termination=term, repeat=(2, 2), rattle=0.05, seed=1)
            small = next(s for s in series.slabs if s.surface == label and s.n_planes == n
                         and s.termination == term)
            lateral.append({"surface": label, "termination": term, "n_planes": n,
                            "gamma_1x1_J_m2": small.gamma_J_m2, "gamma_2x2_J_m2": big.gamma_J_m2,
                            "n_atoms_2x2": big.n_atoms, "converged_2x2": big.converged})

    wulff = wulff_shape(gamma, lattice_a=bulk.lattice_a_A, keep_shape=False)
    check = halfspace_wulff_fractions(gamma)
    ratios = {"g110_over_g100": gamma["110"] / gamma["100"], "g111_over_g100": gamma["111"] / gamma["100"],
              "cube_limits": {"g110_over_g100": float(np.sqrt(2)), "g111_over_g100": float(np.sqrt(3))}}
    winter = [winterbottom_shape(gamma, x * gamma["100"], (1, 0, 0), lattice_a=bulk.lattice_a_A,
                                 keep_shape=False).to_dict() for x in (-0.5, 0.0, 0.5)]
    nacl = wulff_shape(NACL_LITERATURE, keep_shape=False)
    sensitivity = []
    for fam in ("110", "111"):
        for scale in (0.98, 0.95, 0.90, 0.85):
            g = dict(gamma, **{fam: gamma[fam] * scale})
            sensitivity.append({"scaled": fam, "scale": scale, "fractions": halfspace_wulff_fractions(g)})
    wall = time.perf_counter() - t0

    out = {
        "what": "NEP89 surface energies of rock-salt NaF (seinet.nucleation.surface_energy)",
        "model_sha256": NEP89_SHA256,
        "settings": {"fmax_eV_A": args.fmax, "vacuum_A": args.vacuum, "optimizer": "BFGS",
                     "planes": {k: list(v) for k, v in PLANES.items()}, "in_plane": "1x1 cubic-cell surface cell",
                     "reconstruction_111": "octopolar (Wolf 1992), Na- and F-apex"},
        "bulk": asdict(bulk),
        "gamma_J_m2": gamma,
        "convergence": conv.replace({np.nan: None}).to_dict(orient="records"),
        "lateral_2x2": lateral,
        "slabs": [asdict(s) for s in series.slabs],
        "wulff": wulff.to_dict(),
        "wulff_halfspace_check": check,
        "energy_ratios": ratios,
        "winterbottom_100_on_metal": winter,
        "nacl_literature_wulff": nacl.to_dict(),
        "wulff_sensitivity": sensitivity,
        "wall_s": wall,
        "platform": {"python": platform.python_version(), "machine": platform.machine()},
    }
    args.out.write_text(json.dumps(out, indent=1) + "\n")

    print(f"\nBulk NaF: a = {bulk.lattice_a_A:.4f} Å, E = {bulk.energy_per_formula_eV:.5f} eV/f.u.\n")
    print("| surface | termination | planes | atoms | thickness (Å) | gamma cleaved (J/m²) | gamma relaxed (J/m²) | steps |")
    print("|---|---|---|---|---|---|---|---|")
    for s in series.slabs:
        print(f"| ({s.surface}) | {s.termination or '-'} | {s.n_planes} | {s.n_atoms} | {s.thickness_A:.2f} | "
              f"{s.gamma_unrelaxed_J_m2:.4f} | {s.gamma_J_m2:.4f} | {s.n_steps} |")
    print("\n| surface | termination | gamma (J/m²) thickest | change from next thinner | "
          "Fiorentini-Methfessel gamma | FM bulk - bulk (meV/f.u.) |")
    print("|---|---|---|---|---|---|")
    for r in conv.itertuples():
        print(f"| ({r.surface}) | {r.termination if isinstance(r.termination, str) else '-'} | "
              f"{r.gamma_J_m2:.4f} | {r.delta_last_J_m2:+.4f} | "
              f"{r.gamma_fit_J_m2:.4f} | {r.bulk_fit_minus_bulk_meV:+.2f} |")
    print("\n| surface | termination | planes | gamma 1x1 | gamma 2x2 (rattled 0.05 Å) |")
    print("|---|---|---|---|---|")
    for r in lateral:
        print(f"| ({r['surface']}) | {r['termination'] or '-'} | {r['n_planes']} | {r['gamma_1x1_J_m2']:.4f} | "
              f"{r['gamma_2x2_J_m2']:.4f} |")
    print(f"\ngamma: {json.dumps({k: round(v, 4) for k, v in gamma.items()})}")
    print(f"ratios: g110/g100 = {ratios['g110_over_g100']:.3f} (sqrt2 = 1.414), "
          f"g111/g100 = {ratios['g111_over_g100']:.3f} (sqrt3 = 1.732)")
    print(f"Wulff facet fractions (wulffpack): {wulff.facet_fractions}; half-space check: {check}")
    for w in winter:
        print(f"Winterbottom on Na, (100) contact, gamma_int = {w['interface_energy_J_m2']:+.3f} J/m²: "
              f"free {w['facet_fractions']}, contact fraction {w['interface_fraction']:.3f}")
    print(f"NaCl literature energies -> {nacl.facet_fractions}")
    print("\n| gamma scaled | factor | 100 | 110 | 111 |")
    print("|---|---|---|---|---|")
    for r in sensitivity:
        f = r["fractions"]
        print(f"| {r['scaled']} | {r['scale']} | {f.get('100', 0):.3f} | {f.get('110', 0):.3f} | {f.get('111', 0):.3f} |")
    print(f"wall time {wall:.1f} s -> {args.out}")


if __name__ == "__main__":
    main()
