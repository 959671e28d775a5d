"""How well does the mass-action kinetic model replay the MD species counts?

Runs `seinet analyze` on a ReaxFF reference run (bond-file route), builds the kinetic model
from reactions.csv (rate constants estimated from the same run), integrates it from the
first frame's counts over the simulated time and compares with the MD counts
(covalent layer, fragment_counts.parquet).

Usage: .venv/bin/python validation/kinetic_replay.py [--system ec] [--tau 3]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import pandas as pd

from seinet.pipeline import analyze
from seinet.network import KineticModel, replay_error
from seinet.reactions import EventSettings
from seinet.species.analysis import AnalysisSettings


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--system", default="ec")
    ap.add_argument("--tau", type=int, default=3)
    ap.add_argument("--top", type=int, default=8)
    args = ap.parse_args()
    src = Path("tests/data/reaxff") / args.system / "bonds.reaxff.gz"
    with tempfile.TemporaryDirectory() as tmp:
        run = Path(tmp) / "run"
        res = analyze(src, run, AnalysisSettings(format="lammps-bonds", elements=("C", "H", "O"), timestep_fs=0.25),
                      events=EventSettings(tau=args.tau), membership=False)
        reactions = pd.read_csv(run / "reactions.csv")
        counts = pd.read_parquet(run / "fragment_counts.parquet")
    volume = float(res.cells["volume_A3"].mean()) if not res.cells.empty else None
    if volume is None:  # bond files carry no cell: take it from the run's metadata
        import json

        meta = json.loads((src.parent / "run.json").read_text())
        volume = meta["box_A"] ** 3
        from seinet.network import rate_constants

        reactions = rate_constants(reactions, counts, volume)
    model = KineticModel(reactions, volume_A3=volume)
    err = replay_error(model, counts).sort_values("mean_count", ascending=False)
    print(f"{args.system}: {len(reactions)} reactions, {len(model.species)} species in the model, "
          f"{counts['time_ps'].iloc[-1]:.2f} ps, volume {volume:.0f} A^3")
    print("| species | MD mean count | MD first -> last | replay RMSE | normalised RMSE |\n|---|---|---|---|---|")
    for _, row in err.head(args.top).iterrows():
        lab = row["species"]
        print(f"| {lab} | {row['mean_count']:.2f} | {counts[lab].iloc[0]} -> {counts[lab].iloc[-1]} | "
              f"{row['rmse']:.2f} | {row['nrmse']:.2f} |")


if __name__ == "__main__":
    main()
