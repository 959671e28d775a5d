"""Distributed species detection: serial (threads) vs a dask LocalCluster, same 99,456-atom frames.

Usage: .venv/bin/python benchmarks/bench_distributed.py [--frames 30] [--workers 2]
Writes benchmarks/results/bench_distributed.json. Alternates the runs (serial, dask, serial, dask)
and keeps the best of each, because these machines are shared.
"""

from __future__ import annotations

import argparse
import json
import os
import time

from _common import ROOT, WORK, tiled_frames, write_extxyz

from seinet.species.analysis import AnalysisSettings, SpeciesAnalysis
from seinet.species.distributed import make_client


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=30)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"bench_{args.frames}.extxyz"
    if not path.exists():
        write_extxyz(path, tiled_frames(args.frames))
    client = make_client(args.workers)
    SpeciesAnalysis(path, AnalysisSettings(stop=2), client=client).run()  # warm the workers (numba, imports)
    SpeciesAnalysis(path, AnalysisSettings(stop=2)).run()
    serial, dist = [], []
    for _ in range(args.repeats):
        t = time.perf_counter()
        a = SpeciesAnalysis(path).run().results
        serial.append(time.perf_counter() - t)
        t = time.perf_counter()
        b = SpeciesAnalysis(path, client=client).run().results
        dist.append(time.perf_counter() - t)
        assert a.counts.equals(b.counts)
    client.close()
    atoms = a.n_atoms
    res = {"date": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count(), "atoms": atoms, "frames": args.frames,
           "workers": args.workers, "serial_s": [round(x, 2) for x in serial], "dask_s": [round(x, 2) for x in dist],
           "speedup": round(min(serial) / min(dist), 3),
           "serial_atom_frames_per_s": round(args.frames * atoms / min(serial)),
           "dask_atom_frames_per_s": round(args.frames * atoms / min(dist))}
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "bench_distributed.json").write_text(json.dumps(res, indent=2) + "\n")
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
