"""Species detection speed and memory at 100k atoms, and the ratio to ReacNetGenerator 1.6.15.

Frames are the NEP89 demo trajectory (data/demo/na_ec.extxyz.gz, 592 atoms) tiled
8 x 7 x 3 into 99,456-atom periodic supercells: real MD configurations at scale.

Measured (each a separate process, as a user runs it):

1. ``seinet analyze`` on extended XYZ (GPUMD dump_xyz layout, species + pos),
   parse included, with N1 and N2 frames: the marginal rate (N2 - N1) * atoms /
   (t2 - t1) excludes interpreter start-up and numba loading; the end-to-end rate
   is reported too.
2. Peak RSS with N1 and N2 frames: memory must not grow with frames.
3. seinet and ReacNetGenerator on the same LAMMPS dump (K frames), end to end.

Usage::

    .venv/bin/python benchmarks/bench_species.py [--frames 10 30] [--rng-frames 3]
        [--rng-bin .venv-validate/bin/reacnetgenerator]

Writes benchmarks/results/bench_species.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from pathlib import Path

from _common import ROOT, WORK, run_timed, tiled_frames, write_extxyz, write_lammps_dump

SEINET = str(ROOT / ".venv" / "bin" / "seinet")


def seinet_run(path: Path, out: Path, extra=()) -> tuple[float, float]:
    shutil.rmtree(out, ignore_errors=True)
    wall, rss, _ = run_timed([SEINET, "analyze", str(path), "--out", str(out), "--quiet", *extra])
    return wall, rss


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, nargs=2, default=[10, 30])
    ap.add_argument("--rng-frames", type=int, default=3)
    ap.add_argument("--rng-bin", default=str(ROOT / ".venv-validate" / "bin" / "reacnetgenerator"))
    ap.add_argument("--rng-budget", type=float, default=50.0,
                    help="stop ReacNetGenerator after this many times seinet's wall time on the same file")
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    n1, n2 = args.frames
    results: dict = {"date": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count()}

    files = {}
    for n in (n1, n2):
        files[n] = WORK / f"bench_{n}.extxyz"
        if not files[n].exists():
            write_extxyz(files[n], tiled_frames(n))
    with open(files[n1]) as fh:
        atoms = int(fh.readline())
    results["atoms"] = atoms
    # warm the numba cache once so both timed runs see the same state
    seinet_run(files[n1], WORK / "warm")
    t1, rss1 = seinet_run(files[n1], WORK / "run1")
    t2, rss2 = seinet_run(files[n2], WORK / "run2")
    results["seinet_extxyz"] = {
        "frames": [n1, n2], "wall_s": [round(t1, 2), round(t2, 2)], "peak_rss_MiB": [round(rss1), round(rss2)],
        "marginal_atom_frames_per_s": round((n2 - n1) * atoms / (t2 - t1)),
        "end_to_end_atom_frames_per_s": round(n2 * atoms / t2),
        "rss_growth_ratio": round(rss2 / rss1, 3),
    }

    k = args.rng_frames
    dump = WORK / f"bench_{k}.lammpstrj"
    elements = ["C", "H", "O", "F", "Na", "P"]
    if not dump.exists():
        write_lammps_dump(dump, tiled_frames(k), {e: i + 1 for i, e in enumerate(elements)})
    ts, _ = seinet_run(dump, WORK / "run_dump", ["--elements", ",".join(elements)])
    entry = {"frames": k, "seinet_wall_s": round(ts, 2)}
    if Path(args.rng_bin).exists():
        rng_dir = WORK / "rng"
        shutil.rmtree(rng_dir, ignore_errors=True)
        rng_dir.mkdir()
        local = rng_dir / dump.name
        os.symlink(dump, local)
        cmd = [args.rng_bin, "-i", str(local), "--type", "dump", "-a", *elements, "--nohmm"]
        budget = max(60.0, args.rng_budget * ts)
        try:
            tr, rss_r, _ = run_timed(cmd, timeout=budget)
            entry.update({"rng_wall_s": round(tr, 2), "rng_peak_rss_MiB": round(rss_r), "speedup": round(tr / ts, 1)})
        except TimeoutError:
            entry.update({"rng_wall_s": f"> {budget:.0f}",
                          "note": f"ReacNetGenerator did not finish within {budget:.0f} s "
                                  f"({args.rng_budget:.0f} x seinet's time): speed-up > {budget / ts:.0f}"})
        entry["rng_command"] = "reacnetgenerator " + " ".join(cmd[1:])
    results["same_lammps_dump"] = entry

    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "bench_species.json").write_text(json.dumps(results, indent=2) + "\n")
    s = results["seinet_extxyz"]
    print(f"| atoms | {atoms} |\n|---|---|")
    print(f"| marginal rate (atom-frames/s) | {s['marginal_atom_frames_per_s']:,} |")
    print(f"| end-to-end rate, {n2} frames | {s['end_to_end_atom_frames_per_s']:,} |")
    print(f"| peak RSS {n1} / {n2} frames (MiB) | {s['peak_rss_MiB'][0]} / {s['peak_rss_MiB'][1]} |")
    print(f"| same dump, {k} frames: seinet / RNG (s) | {entry['seinet_wall_s']} / {entry.get('rng_wall_s', 'n/a')} |")
    print(f"| speed-up over ReacNetGenerator | {entry.get('speedup', entry.get('note', 'n/a'))} |")


if __name__ == "__main__":
    main()
