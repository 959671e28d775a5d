"""Distance cutoffs that reproduce ReaxFF's bond definition (bond order >= 0.3), per element pair.

Trained on ONE reference run (default: tests/data/reaxff/ec): for every frame the
dump gives distances and the bond file says which pairs LAMMPS bonds. For each
element pair the cutoff minimising misclassified pairs (bonded beyond it plus
non-bonded inside it) over all frames is chosen. The other systems (dme,
ec_h2o) are held out for validation (validation/compare_species.py).

Usage: .venv/bin/python validation/calibrate_cutoffs.py [--system ec]
Prints the table that seinet.bonds.cutoffs.PRESETS["reaxff-cho"] holds.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

import numpy as np

from seinet.bonds.neighbors import neighbor_pairs
from seinet.io import iter_frames


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--system", default="ec")
    ap.add_argument("--data", type=Path, default=Path("tests/data/reaxff"))
    args = ap.parse_args()
    d = args.data / args.system
    elements = ["C", "H", "O"]
    bonds = iter_frames(d / "bonds.reaxff.gz", elements=elements)
    traj = iter_frames(d / "traj.lammpstrj.gz", elements=elements)
    bonded, other = defaultdict(list), defaultdict(list)
    for b, t in zip(bonds, traj):
        assert b.step == t.step
        el, codes = np.unique(t.symbols, return_inverse=True)
        i, j, dist = neighbor_pairs(t.positions, t.cell, codes, np.full((len(el), len(el)), 2.6))
        n = t.n_atoms
        keys = np.minimum(i, j) * n + np.maximum(i, j)
        listed = b.bonds.pairs[b.bonds.orders >= 0.3]
        is_bond = np.isin(keys, listed[:, 0] * n + listed[:, 1])
        for a, c, r, x in zip(el[codes[i]], el[codes[j]], dist, is_bond):
            (bonded if x else other)[tuple(sorted((str(a), str(c))))].append(r)
    print("| pair | cutoff (Å) | bonded pairs | misclassified | bonded max | non-bonded min |")
    print("|---|---|---|---|---|---|")
    for pair in sorted(set(bonded) | set(other)):
        bd, nb = np.array(bonded[pair]), np.array(other[pair])
        if len(bd) == 0:
            print(f"| {'-'.join(pair)} | (default) | 0 | - | - | {nb.min():.2f} |")
            continue
        cands = np.round(np.arange(0.80, 2.601, 0.01), 2)
        errors = np.array([(bd >= c).sum() + (nb < c).sum() for c in cands])
        best = cands[int(np.argmin(errors))]
        print(f"| {'-'.join(pair)} | {best:.2f} | {len(bd)} | {errors.min()} | {bd.max():.2f} | "
              f"{nb.min() if len(nb) else float('nan'):.2f} |")


if __name__ == "__main__":
    main()
