#!/usr/bin/env python3
"""Run ReacNetGenerator 1.6.15 on the ReaxFF reference trajectories (tests/data/reaxff/<system>).

For every system and for both input routes (``--type bond`` on fix reaxff/bonds output,
``--type dump`` on the custom dump, where RNG perceives bonds itself with Open Babel
ConnectTheDots + PerceiveBondOrders under PBC) and with the HMM filter off (``--nohmm``) and on
(the default), it decompresses the input into a scratch folder, runs the ``reacnetgenerator``
command of .venv-validate, times it, and copies RNG's text outputs (.species, .reaction,
.reactionabcd, .table, .route and .moname = per-frame molecules with 0-based atom indices and bonds; gzipped when over 50 kB) to validation/rng_outputs/<system>/<run>/.
The commands, exit codes and wall times go to validation/rng_outputs/<system>/rng_runs.json.

    .venv-validate/bin/python validation/rng_runs.py [--system ec dme] [--nproc 1]
"""

from __future__ import annotations

import argparse
import gzip
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "reaxff"
OUT = ROOT / "validation" / "rng_outputs"
RNG = pathlib.Path(sys.prefix) / "bin" / "reacnetgenerator"
KEEP = (".species", ".reaction", ".reactionabcd", ".table", ".route", ".moname")
ROUTES = {"bond": "bonds.reaxff", "dump": "traj.lammpstrj"}


def run_one(system: str, route: str, hmm: bool, nproc: int) -> dict:
    name = f"{route}_{'hmm' if hmm else 'nohmm'}"
    dest = OUT / system / name
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix=f"rng_{system}_{name}_") as tmp:
        tmp = pathlib.Path(tmp)
        fname = ROUTES[route]
        with gzip.open(DATA / system / (fname + ".gz"), "rb") as fi, open(tmp / fname, "wb") as fo:
            shutil.copyfileobj(fi, fo)
        cmd = [str(RNG), "-i", fname, "-a", "C", "H", "O", "--type", route, "-n", str(nproc)]
        if not hmm:
            cmd.append("--nohmm")
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        (dest / "rng.log").write_text(proc.stdout + proc.stderr)
        produced = sorted(p.name for p in tmp.iterdir() if p.name != fname)
        kept = []
        for p in sorted(tmp.iterdir()):
            if p.name.startswith(fname) and p.suffix in KEEP:
                if p.stat().st_size > 50_000:
                    with open(p, "rb") as fi, gzip.GzipFile(str(dest / (p.name + ".gz")), "wb", 9, mtime=0) as fo:
                        shutil.copyfileobj(fi, fo)
                    kept.append(p.name + ".gz")
                else:
                    shutil.copy(p, dest / p.name)
                    kept.append(p.name)
    shown = ["reacnetgenerator"] + cmd[1:]
    return {"system": system, "run": name, "command": " ".join(shown), "returncode": proc.returncode,
            "wall_s": round(wall, 2), "produced": produced, "kept": kept}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--system", nargs="+", default=["ec", "dme"])
    ap.add_argument("--nproc", type=int, default=1)
    ap.add_argument("--route", nargs="+", default=["bond", "dump"], choices=sorted(ROUTES))
    args = ap.parse_args(argv)
    for system in args.system:
        summary_path = OUT / system / "rng_runs.json"
        summary_path.parent.mkdir(parents=True, exist_ok=True)
        results = json.loads(summary_path.read_text()) if summary_path.exists() else []
        for route in args.route:
            for hmm in (False, True):
                r = run_one(system, route, hmm, args.nproc)
                print(json.dumps(r), flush=True)
                results = [x for x in results if (x["system"], x["run"]) != (system, r["run"])]
                results.append(r)
                summary_path.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
