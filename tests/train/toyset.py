"""A toy training set built in code: rattled small molecules and clusters of H, C, O, F, Na, P.

EC, HF, NaF, Na4 and PF6- (total charge -1), each rattled four times (0.05 Å, seeded), alternating
config_type iter0/iter1. GFN1-xTB converges on all of them (checked); labelling takes ~0.2 s.
"""

from __future__ import annotations

import numpy as np


def toy_structures(n_per: int = 4, seed: int = 0) -> list:
    from ase import Atoms

    from seinet.simulate.builders import molecule

    pf6 = molecule("PF6-")
    pf6.info["charge"] = -1
    base = [molecule("EC"),
            Atoms("HF", positions=[[0, 0, 0], [0.92, 0, 0]]),
            Atoms("NaF", positions=[[0, 0, 0], [1.93, 0, 0]]),
            Atoms("Na4", positions=[[0, 0, 0], [3.0, 0, 0], [1.5, 2.6, 0], [1.5, 0.87, 2.45]]),
            pf6]
    rng = np.random.default_rng(seed)
    out = []
    for template in base:
        for k in range(n_per):
            atoms = Atoms(template.get_chemical_symbols(),
                          positions=template.positions + rng.normal(0.0, 0.05, template.positions.shape))
            atoms.info["config_type"] = f"iter{k % 2}"
            if "charge" in template.info:
                atoms.info["charge"] = template.info["charge"]
            out.append(atoms)
    return out


def toy_labelled(n_per: int = 4, seed: int = 0) -> list:
    from seinet.simulate.labelling import label

    return label(toy_structures(n_per, seed), "xtb", scheduler="synchronous")
