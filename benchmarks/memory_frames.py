"""Does memory grow with the number of frames? Python/numpy heap (tracemalloc) and RSS per frame.

Usage: .venv/bin/python benchmarks/memory_frames.py [--frames 60]
(needs benchmarks/_work/bench_60.extxyz from bench_species.py)
"""

from __future__ import annotations

import argparse
import resource
import tracemalloc

from _common import WORK


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=60)
    args = ap.parse_args()
    from seinet.io.extxyz import ExtXYZTrajectory
    from seinet.species import Partitioner

    frames = ExtXYZTrajectory(WORK / f"bench_{args.frames}.extxyz", properties=("charge",)).iter_frames()
    first = next(frames)
    p = Partitioner(first.symbols)
    p.partition(first)
    tracemalloc.start()
    print("| frame | traced heap (MiB) | peak RSS (MiB) |\n|---|---|---|")
    for k, frame in enumerate(frames, start=1):
        p.partition(frame)
        if k % 10 == 0:
            heap = tracemalloc.get_traced_memory()[0] / 2**20
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"| {k} | {heap:.1f} | {rss:.0f} |")


if __name__ == "__main__":
    main()
