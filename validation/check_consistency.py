#!/usr/bin/env python3
"""Cross-check the three LAMMPS outputs of one reference system with the standard library only.

Reads tests/data/reaxff/<system>/{bonds.reaxff.gz, species.out.gz}, builds per frame the graph of
bonds with printed bond order >= cutoff (default 0.3, the fix reaxff/species default; LAMMPS
lists only BO > 0.3, so with the default every listed bond counts), takes connected
components, names them like fix reaxff/species (elements in the order C H O, count 1 omitted)
and compares the formula counts with species.out frame by frame.

    python3 validation/check_consistency.py ec [--cutoff 0.3]
"""

from __future__ import annotations

import argparse
import collections
import gzip
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
ELEMENTS = ("C", "H", "O")  # LAMMPS types 1, 2, 3


def read_bonds(path):
    """Yield (timestep, {id: type}, [(i, j, bo)]) per frame of a fix reaxff/bonds file."""
    step, types, bonds, natoms = None, {}, [], None
    with gzip.open(path, "rt") as f:
        for line in f:
            if line.startswith("# Timestep"):
                if step is not None:
                    yield step, types, bonds
                step, types, bonds = int(line.split()[-1]), {}, []
            elif line.startswith("# Number of particles"):
                natoms = int(line.split()[-1])
            elif line.startswith("#") or not line.strip():
                continue
            else:
                s = line.split()
                i, t, nb = int(s[0]), int(s[1]), int(s[2])
                types[i] = t
                for j, bo in zip(s[3:3 + nb], s[4 + nb:4 + 2 * nb]):
                    bonds.append((i, int(j), float(bo)))
    if step is not None and len(types) == natoms:  # a truncated last frame is dropped
        yield step, types, bonds


def read_species(path):
    """{timestep: Counter(formula -> count)} from fix reaxff/species output."""
    out, header = {}, None
    with gzip.open(path, "rt") as f:
        for line in f:
            s = line.split()
            if not s:
                continue
            if s[0] == "#":
                header = s[4:]  # after '#', 'Timestep', 'No_Moles', 'No_Specs'
            else:
                out[int(s[0])] = collections.Counter(dict(zip(header, map(int, s[3:]))))
    return out


def formula(atoms, types):
    c = collections.Counter(ELEMENTS[types[a] - 1] for a in atoms)
    return "".join(e + (str(c[e]) if c[e] > 1 else "") for e in ELEMENTS if c[e])


def components(types, bonds, cutoff):
    parent = {i: i for i in types}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j, bo in bonds:
        if bo >= cutoff:  # printed with 3 decimals: '0.300' means 0.3 < BO < 0.3005, listed = bonded
            parent[find(i)] = find(j)
    groups = collections.defaultdict(list)
    for i in types:
        groups[find(i)].append(i)
    return collections.Counter(formula(g, types) for g in groups.values())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("system")
    ap.add_argument("--cutoff", type=float, default=0.3)
    a = ap.parse_args(argv)
    d = ROOT / "tests" / "data" / "reaxff" / a.system
    species = read_species(d / "species.out.gz")
    n = bad = 0
    for step, types, bonds in read_bonds(d / "bonds.reaxff.gz"):
        if step not in species:
            continue
        n += 1
        mine = components(types, bonds, a.cutoff)
        if mine != species[step]:
            bad += 1
            if bad <= 5:
                print(f"step {step}: bonds-file components {dict(mine - species[step])} "
                      f"vs species.out {dict(species[step] - mine)}")
    print(f"{a.system}: {n} frames compared, {bad} differ (cutoff {a.cutoff})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
