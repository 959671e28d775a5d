#!/usr/bin/env python3
"""Compare formula counts per frame: LAMMPS species.out, the bonds.reaxff components (BO > 0.3),
and each ReacNetGenerator run's .species file (SMILES reduced to formulas).  Standard library only.

    python3 validation/compare_rng.py ec dme ec_h2o   > validation/rng_outputs/comparison.md
"""

from __future__ import annotations

import collections
import gzip
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import check_consistency as cc  # noqa: E402

ROOT = HERE.parent
ATOM = re.compile(r"\[([A-Z][a-z]?)")  # RNG writes every atom in brackets, H explicit


def smiles_formula(smi: str) -> str:
    c = collections.Counter(ATOM.findall(smi))
    return "".join(e + (str(c[e]) if c[e] > 1 else "") for e in cc.ELEMENTS if c[e])


def read_rng_species(path: pathlib.Path):
    """{timestep: (Counter formula, Counter smiles)} from RNG's .species file."""
    opener = gzip.open if path.suffix == ".gz" else open
    out = {}
    with opener(path, "rt") as f:
        for line in f:
            head, _, rest = line.partition(":")
            step = int(head.split()[1])
            tok = rest.split()
            smi = collections.Counter()
            for s, n in zip(tok[0::2], tok[1::2]):
                smi[s] += int(n)
            form = collections.Counter()
            for s, n in smi.items():
                form[smiles_formula(s)] += n
            out[step] = (form, smi)
    return out


def main(systems) -> int:
    print("| system | source | frames | frames equal to species.out | distinct formulas | distinct SMILES |")
    print("|---|---|---|---|---|---|")
    for system in systems:
        d = ROOT / "tests" / "data" / "reaxff" / system
        ref = cc.read_species(d / "species.out.gz")
        forms = set().union(*ref.values())
        print(f"| {system} | LAMMPS species.out | {len(ref)} | - | {len(forms)} | - |")
        comp = {s: cc.components(t, b, 0.3) for s, t, b in cc.read_bonds(d / "bonds.reaxff.gz")}
        eq = sum(comp[s] == ref.get(s) for s in comp)
        print(f"| {system} | bonds.reaxff components (all listed bonds) | {len(comp)} | {eq} | "
              f"{len(set().union(*comp.values()))} | - |")
        for run in ("bond_nohmm", "bond_hmm", "dump_nohmm", "dump_hmm"):
            rd = ROOT / "validation" / "rng_outputs" / system / run
            files = sorted(rd.glob("*.species*")) if rd.exists() else []
            if not files:
                continue
            rng = read_rng_species(files[0])
            eq = sum(f == ref.get(s) for s, (f, _) in rng.items())
            nform = len(set().union(*(f for f, _ in rng.values())))
            nsmi = len(set().union(*(m for _, m in rng.values())))
            print(f"| {system} | RNG {run} | {len(rng)} | {eq} | {nform} | {nsmi} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["ec", "dme"]))
