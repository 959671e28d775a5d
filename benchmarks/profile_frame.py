"""Time per stage for one 99,456-atom frame (median of repeats): where species detection spends time.

Usage: .venv/bin/python benchmarks/profile_frame.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from _common import WORK, tiled_frames, write_extxyz


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    from seinet.io.extxyz import ExtXYZTrajectory
    from seinet.species import Partitioner
    from seinet.species.fragments import find_fragments

    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / "profile_2.extxyz"
    if not path.exists():
        write_extxyz(path, tiled_frames(2))
    traj = ExtXYZTrajectory(path, properties=("charge",))
    f0, f1 = traj.read_frame(0), traj.read_frame(1)
    p = Partitioner(f0.symbols)
    p.partition(f0)  # warm caches and numba
    stages = {"parse (extended XYZ)": [], "covalent bonds": [], "fragments": [], "species look-up": [],
              "ionic layer": [], "whole partition": []}
    for _ in range(args.repeats):
        t = time.perf_counter()
        traj.read_frame(1)
        stages["parse (extended XYZ)"].append(time.perf_counter() - t)
        p.tracker._prev = None
        t = time.perf_counter()
        pairs = p.tracker.update(f1)
        stages["covalent bonds"].append(time.perf_counter() - t)
        t = time.perf_counter()
        frags = find_fragments(f1.n_atoms, pairs, p.covalent)
        stages["fragments"].append(time.perf_counter() - t)
        t = time.perf_counter()
        _, sites = p._identify(frags, f1)
        stages["species look-up"].append(time.perf_counter() - t)
        site = np.zeros(f1.n_atoms, bool)
        site[sites] = True
        t = time.perf_counter()
        p._ionic(f1, frags, site)
        stages["ionic layer"].append(time.perf_counter() - t)
        t = time.perf_counter()
        p.partition(f1)
        stages["whole partition"].append(time.perf_counter() - t)
    print(f"| stage ({f1.n_atoms} atoms) | median ms |\n|---|---|")
    for name, values in stages.items():
        print(f"| {name} | {1000 * statistics.median(values):.1f} |")


if __name__ == "__main__":
    main()
