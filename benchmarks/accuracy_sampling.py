"""A small Interface Reactor campaign on the CPU: does the loop make the model better?

Larger than the toy of the test suite, far smaller than production: the ``na-ec`` preset, two
reactors of at most 80 atoms (top face), NEP89 for the first exploration, a 300/600/900 K
ladder of 400 steps per reactor, 16 structures per iteration labelled with GFN1-xTB on a dask
LocalCluster of 2 workers, a committee of two qNEP models (16 neurons, 1000 neppo steps), an
NVE stability run of 1000 steps at 400 K on the whole 688-atom input interface (``--stability-on
reactor``: on the largest reactor, a far easier test).

The loop's own test RMSE is on a test set that grows each iteration, so iterations are not
compared on the same structures. This script also evaluates every iteration's first model on
one fixed set, the test structures of all iterations together (held out from every model),
with calorine's CPUNEP, and reports that learning curve.

Usage::

    .venv/bin/python benchmarks/accuracy_sampling.py [--iterations 4] [--work DIR]

The sampling directory (default benchmarks/_work/sampling) resumes, and a larger
``--iterations`` extends a finished run. Writes benchmarks/results/accuracy_sampling.json and
prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def settings(iterations: int, stability_on: str = "interface", per_iteration: int = 16):
    from seinet.sample import ReactorSettings, SamplingSettings, StabilityCriteria
    from seinet.train import NEPSettings

    return SamplingSettings(
        iterations=iterations, temperatures_K=(300.0, 600.0, 900.0), md_steps=400, dump_every=40,
        per_iteration=per_iteration, committee=2,
        train=NEPSettings.toy(neuron=16, generation=1000, batch=8, output_interval=100),
        max_reactors=2, reactor=ReactorSettings(max_atoms=80, faces=("top",)),
        stability=StabilityCriteria(steps=1000, dump_every=20, temperature_K=400.0),
        stability_on=stability_on, seed=0)


def fixed_set_errors(directory: Path, n_iterations: int) -> list[dict]:
    """Energy and force RMSE of each iteration's first model on every test structure of the run."""
    import ase.io
    from calorine.calculators import CPUNEP

    test = [a for k in range(n_iterations)
            for a in ase.io.read(directory / f"iter_{k:03d}" / "label" / "labelled.xyz", ":")
            if a.info.get("split") == "test"]
    rows = []
    for k in range(n_iterations):
        model = directory / f"iter_{k:03d}" / "train" / "model_0"
        refs = json.loads((model / "reference_energies.json").read_text()) \
            if (model / "reference_energies.json").exists() else {}
        calc = CPUNEP(str(model / "nep.txt"))
        de, df = [], []
        for atoms in test:
            work = atoms.copy()
            work.calc = calc
            shift = sum(refs.get(s, 0.0) for s in atoms.get_chemical_symbols())
            de.append((work.get_potential_energy() + shift - atoms.get_potential_energy()) / len(atoms))
            df.append((work.get_forces() - atoms.get_forces()).ravel())
        rows.append({"iteration": k, "n_fixed_test": len(test),
                     "fixed_energy_rmse_meV_atom": float(1e3 * np.sqrt(np.mean(np.square(de)))),
                     "fixed_force_rmse_meV_A": float(1e3 * np.sqrt(np.mean(np.square(np.concatenate(df))))),
                     "fixed_force_spread_meV_A": float(1e3 * np.concatenate([a.get_forces().ravel()
                                                                            for a in test]).std())})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=4)
    parser.add_argument("--stability-on", choices=["interface", "reactor"], default="interface")
    parser.add_argument("--per-iteration", type=int, default=16)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "_work" / "sampling")
    args = parser.parse_args()

    import pandas as pd

    from seinet.sample import sample
    from seinet.simulate.presets import build_preset

    t0 = time.perf_counter()
    chosen = settings(args.iterations, args.stability_on, args.per_iteration)
    result = sample(build_preset("na-ec", seed=0), args.work, chosen, n_workers=2)
    wall = time.perf_counter() - t0
    table = pd.read_csv(args.work / "iterations.csv")
    fixed = pd.DataFrame(fixed_set_errors(args.work, len(table)))
    table = table.merge(fixed, on="iteration")
    manifest = json.loads((args.work / "manifest.json").read_text())
    out = ROOT / "benchmarks" / "results" / "accuracy_sampling.json"
    out.write_text(json.dumps({"settings": manifest["settings"], "wall_s_this_call": wall,
                               "converged": result.converged, "iterations": table.to_dict("records")},
                              indent=1, default=str) + "\n")
    cols = ["iteration", "n_labelled", "n_failed_labels", "n_training_total", "sigma_max_eV_A", "force_rmse_meV_A",
            "fixed_force_rmse_meV_A", "fixed_energy_rmse_meV_atom", "stable", "stability_reasons"]
    print(f"\n{len(table)} iterations, converged: {result.converged}, {wall:.0f} s in this call; "
          f"fixed test set: {int(fixed['n_fixed_test'].iloc[0])} structures, force spread "
          f"{fixed['fixed_force_spread_meV_A'].iloc[0]:.0f} meV/Å\n")
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for _, row in table[cols].iterrows():
        print("| " + " | ".join(f"{v:.4g}" if isinstance(v, float) else str(v) for v in row) + " |")


if __name__ == "__main__":
    main()
