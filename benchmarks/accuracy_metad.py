"""Accuracy of well-tempered metadynamics on an analytic double well, over many seeds.

The protocol is the acceptance test's (``tests/simulate/test_metad.py::_brownian_double_well``,
imported, not copied): V(z) = Eb ((z/a)^2 - 1)^2, Eb = 5 kT at 300 K, a = 1 Å; 64 overdamped
Langevin walkers sharing one well-tempered bias (gamma = 6, h0 = 0.05 kT, sigma = 0.06 Å, a hill
per walker every 20 steps, bias on a 400-bin grid), 20,000 steps; the free energy is minus the sum
of the hills read back from the HILLS file, and the barrier is F(0) - min(F(-a), F(a)).

Usage::

    .venv/bin/python benchmarks/accuracy_metad.py [--seeds 30]

Writes benchmarks/results/accuracy_metad.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "simulate"))

from seinet.simulate.fes import free_energy_surface  # noqa: E402
from test_metad import KT, _brownian_double_well  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=30)
    args = parser.parse_args()
    rows = []
    for seed in range(args.seeds):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            hills, eb, a = _brownian_double_well(Path(tmp), seed=seed)
            fes = free_energy_surface(hills, extent=[(-1.8, 1.8)], bins=360)
            left, top, right = fes.at([-a, 0.0, a])
            rows.append({"seed": seed, "barrier_kT": float((top - min(left, right)) / KT),
                         "wells_kT": float((left - right) / KT), "wall_s": time.perf_counter() - t0})
        print(f"seed {seed}: barrier {rows[-1]['barrier_kT']:.3f} kT", flush=True)
    err = np.array([r["barrier_kT"] - 5.0 for r in rows])
    summary = {"Eb_kT": 5.0, "seeds": args.seeds, "mean_error_kT": float(err.mean()),
               "rms_error_kT": float(np.sqrt((err ** 2).mean())), "max_abs_error_kT": float(np.abs(err).max()),
               "max_abs_well_difference_kT": float(max(abs(r["wells_kT"]) for r in rows)),
               "median_wall_s": float(np.median([r["wall_s"] for r in rows]))}
    out = ROOT / "benchmarks" / "results" / "accuracy_metad.json"
    out.write_text(json.dumps({"summary": summary, "runs": rows}, indent=1) + "\n")
    print("\n| seeds | mean error | rms error | max abs error | max well asymmetry | wall per run |")
    print("|---|---|---|---|---|---|")
    print(f"| {args.seeds} | {summary['mean_error_kT']:+.3f} kT | {summary['rms_error_kT']:.3f} kT | "
          f"{summary['max_abs_error_kT']:.3f} kT | {summary['max_abs_well_difference_kT']:.3f} kT | "
          f"{summary['median_wall_s']:.1f} s |")


if __name__ == "__main__":
    main()
