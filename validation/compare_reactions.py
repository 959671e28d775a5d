"""Reactions from seinet and ReacNetGenerator 1.6.15 on the same ReaxFF bond files: how many are spurious?

A reported reaction is **spurious** when one molecule turns into the same molecular
graph (same skeleton key, bond orders ignored): no bond was made or broken, only a
bond order was rounded differently. When several molecules turn into the same
multiset of graphs, atoms were exchanged (e.g. a proton transfer between carbonate
and bicarbonate): real, but with no net change; these are counted as **degenerate
exchanges**. ReacNetGenerator's SMILES (every H written explicitly) are parsed with
RDKit and reduced to seinet's skeleton key; seinet's labels are canonical already.

Usage: .venv/bin/python validation/compare_reactions.py [ec dme ec_h2o]
"""

from __future__ import annotations

import gzip
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pandas as pd
from rdkit import Chem, rdBase

from seinet.pipeline import analyze
from seinet.chem import skeleton_key
from seinet.species.analysis import AnalysisSettings

HERE = Path(__file__).parent


def skeleton_of(smiles: str) -> str:
    with rdBase.BlockLogs():
        mol = Chem.MolFromSmiles(smiles, sanitize=False)
    if mol is None:
        return "?" + smiles
    symbols = [a.GetSymbol() for a in mol.GetAtoms()]
    bonds = [(b.GetBeginAtomIdx(), b.GetEndAtomIdx()) for b in mol.GetBonds()]
    # RNG writes every H explicitly ([H]), so the parsed graph is the full skeleton
    return skeleton_key(symbols, bonds)[0]


def side(text: str) -> Counter:
    return Counter(skeleton_of(s) for s in text.split("+"))


def rng_reactions(system: str) -> pd.DataFrame:
    d = HERE / "rng_outputs" / system / "bond_nohmm"
    f = next(p for p in sorted(d.glob("*.reaction*")) if p.name.endswith((".reaction", ".reaction.gz")))
    opener = gzip.open if f.suffix == ".gz" else open
    rows = []
    with opener(f, "rt") as fh:
        for line in fh:
            if not line.strip():
                continue
            count, eq = line.split(maxsplit=1)
            left, right = eq.strip().split("->")
            same = side(left) == side(right)
            single = len(left.split("+")) == 1 and len(right.split("+")) == 1
            rows.append((int(count), eq.strip(), same and single, same and not single))
    return pd.DataFrame(rows, columns=["count", "reaction", "spurious", "degenerate"])


def seinet_reactions(system: str) -> pd.DataFrame:
    src = Path("tests/data/reaxff") / system / "bonds.reaxff.gz"
    with tempfile.TemporaryDirectory() as tmp:
        analyze(src, Path(tmp) / "run", AnalysisSettings(format="lammps-bonds", elements=("C", "H", "O")),
                membership=False)
        events = pd.read_csv(Path(tmp) / "run" / "events.csv")
    events = events[events["kind"] == "reaction"]
    same = [sorted(r.split(";")) == sorted(p.split(";")) for r, p in zip(events["reactants"], events["products"])]
    single = [";" not in r and ";" not in p for r, p in zip(events["reactants"], events["products"])]
    events = events.assign(spurious=[a and b for a, b in zip(same, single)],
                           degenerate=[a and not b for a, b in zip(same, single)])
    return events.groupby("reaction_key").agg(count=("event_id", "size"), spurious=("spurious", "all"),
                                              degenerate=("degenerate", "all")).reset_index()


def main(systems) -> None:
    print("| system | tool | distinct reactions | events | spurious reactions (events) | degenerate exchanges (events) |")
    print("|---|---|---|---|---|---|")
    tops = {}
    for system in systems:
        r = rng_reactions(system)
        s = seinet_reactions(system)
        for name, t in (("ReacNetGenerator 1.6.15 (bond, no HMM)", r), ("seinet", s)):
            print(f"| {system} | {name} | {len(t)} | {t['count'].sum()} | {int(t['spurious'].sum())} "
                  f"({int(t.loc[t['spurious'], 'count'].sum())}) | {int(t['degenerate'].sum())} "
                  f"({int(t.loc[t['degenerate'], 'count'].sum())}) |")
        tops[system] = r.sort_values("count", ascending=False).head(5)
    for system, t in tops.items():
        print(f"\n{system}: ReacNetGenerator's five most frequent reactions")
        for _, row in t.iterrows():
            print(f"- {row['count']} x `{row['reaction']}`{' (spurious: same graph)' if row['spurious'] else ''}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["ec", "dme", "ec_h2o"])
