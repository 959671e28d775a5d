"""seinet against LAMMPS fix reaxff/species, by route, on the ReaxFF reference runs.

For every system in tests/data/reaxff/ this compares per-frame formula counts with
the like-for-like LAMMPS records (species_next.out: the record at step N+1 holds the
molecules of the bond orders of step N) for

* bond route: seinet on bonds.reaxff (bond order > 0.3), must agree in every frame;
* coordinate route: seinet on traj.lammpstrj with its default distance cutoffs,
  with and without hysteresis. Distances are not ReaxFF bond orders, so the
  deviation measures how well geometric bonding reproduces the force field's
  own molecule definition.

Usage: .venv/bin/python validation/compare_species.py [--data tests/data/reaxff] [--out docs/validation_species.md]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from seinet.bonds import BondRules
from seinet.peers import counts_by_formula, read_lammps_species
from seinet.species.analysis import AnalysisSettings, SpeciesAnalysis


def _file(d: Path, stem: str) -> Path:
    return d / stem if (d / stem).exists() else d / (stem + ".gz")


def reference(d: Path) -> pd.DataFrame:
    ref = read_lammps_species(_file(d, "species_next.out"))
    ref = ref[ref["step"] % 100 == 1].assign(step=lambda t: t["step"] - 1)
    return ref


def agreement(ours: pd.DataFrame, ref: pd.DataFrame) -> dict:
    ours = ours[ours["step"].isin(ref["step"].unique())]  # the last frame has no step N+1 record
    a = ours.set_index(["step", "formula"])["count"]
    b = ref.set_index(["step", "formula"])["count"]
    both = pd.concat({"seinet": a, "lammps": b}, axis=1).fillna(0)
    both["absdiff"] = (both["seinet"] - both["lammps"]).abs()
    per_frame = both.groupby(level="step")["absdiff"].sum()
    molecules = both.groupby(level="step")["lammps"].sum()
    return {"frames": len(per_frame), "frames_equal": int((per_frame == 0).sum()),
            "misassigned_molecules_per_frame": round(float((per_frame / 2).mean()), 3),
            "molecules_per_frame": round(float(molecules.mean()), 1)}


def run(d: Path, route: str) -> dict:
    elements = ("C", "H", "O")
    if route == "bonds":
        settings = AnalysisSettings(format="lammps-bonds", elements=elements)
        src = _file(d, "bonds.reaxff")
    elif route == "coordinates reaxff-cho":
        settings = AnalysisSettings(format="lammps-dump", elements=elements, bond_rules=BondRules(preset="reaxff-cho"))
        src = _file(d, "traj.lammpstrj")
    else:
        rules = BondRules(hysteresis=route == "coordinates+hysteresis")
        settings = AnalysisSettings(format="lammps-dump", elements=elements, bond_rules=rules)
        src = _file(d, "traj.lammpstrj")
    t0 = time.perf_counter()
    res = SpeciesAnalysis(src, settings).run().results
    wall = time.perf_counter() - t0
    ours = counts_by_formula(res.counts, res.species, steps=res.steps)
    out = agreement(ours, reference(d))
    out.update({"route": route, "wall_s": round(wall, 2), "species": len(res.species)})
    return out


def rng_route(d: Path, run: str) -> dict | None:
    """ReacNetGenerator 1.6.15's per-frame formulas (validation/rng_outputs) against the same reference."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from compare_rng import read_rng_species

    rd = Path(__file__).parent / "rng_outputs" / d.name / run
    files = sorted(rd.glob("*.species*")) if rd.exists() else []
    if not files:
        return None
    rows = [(step, f, n) for step, (form, _) in read_rng_species(files[0]).items() for f, n in form.items()]
    ours = pd.DataFrame(rows, columns=["step", "formula", "count"])
    out = agreement(ours, reference(d))
    n_smiles = len(set().union(*(m for _, m in read_rng_species(files[0]).values())))
    out.update({"route": f"ReacNetGenerator {run}", "wall_s": float("nan"), "species": n_smiles})
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path("tests/data/reaxff"))
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    rows = []
    for d in sorted(p for p in args.data.iterdir() if (p / "species_next.out.gz").exists()
                    or (p / "species_next.out").exists()):
        for route in ("bonds", "coordinates reaxff-cho", "coordinates+hysteresis", "coordinates"):
            r = run(d, route)
            r["system"] = d.name
            rows.append(r)
        for rng_run in ("bond_nohmm", "dump_nohmm", "dump_hmm"):
            r = rng_route(d, rng_run)
            if r is not None:
                r["system"] = d.name
                rows.append(r)
    table = pd.DataFrame(rows)[["system", "route", "frames", "frames_equal", "misassigned_molecules_per_frame",
                                "molecules_per_frame", "species", "wall_s"]]
    cols = list(table.columns)
    md = "\n".join(["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
                   + ["| " + " | ".join(str(v) for v in row) + " |" for row in table.itertuples(index=False)])
    print(md)
    if args.out:
        args.out.write_text(md + "\n")


if __name__ == "__main__":
    main()
