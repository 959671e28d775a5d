"""Distance rules: covalent bond cutoffs with hysteresis, and alkali contact cutoffs.

Covalent bonds (non-alkali pairs)
---------------------------------
A bond forms when the distance drops below ``r_form`` and breaks only when it
exceeds ``r_break`` (> ``r_form``); in the first frame a pair is bonded when
closer than ``r_form``. The explicit defaults below sit between the longest
thermally stretched bond (equilibrium length + ~0.25 Å at 450-600 K) and the
shortest non-bonded contact of the same pair in the electrolyte (1-3 distances
inside a molecule, hydrogen bonds, F...F in PF6-). Equilibrium lengths from the
CRC Handbook (bond lengths in organic/inorganic molecules). Pairs not listed get
``r_form = 1.2 (r_cov,A + r_cov,B)`` with Cordero 2008 covalent radii and
``r_break = r_form + 0.15``. Docs: docs/bonding.md.

Alkali contacts
---------------
Alkali atoms never bond covalently. Their contacts define the ionic layer: an
alkali-X contact within the first-shell cutoff (first minimum of the X-M radial
distribution) and alkali-alkali neighbours for the metal/ion decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..elements import ALKALI, COVALENT_RADIUS
from ..errors import ConfigError

__all__ = ["BondRules", "ContactRules", "DEFAULT_BONDS", "DEFAULT_CONTACTS", "DEFAULT_METAL_CUTOFF",
           "PRESETS", "parse_bond_override"]

#: (A, B) -> (r_form, r_break) in Å; key order irrelevant.  Equilibrium length; shortest non-bonded contact.
DEFAULT_BONDS: dict[tuple[str, str], tuple[float, float]] = {
    ("H", "H"): (0.95, 1.10),   # H2 0.74; H...H in CH2 1.78
    ("C", "H"): (1.30, 1.45),   # 1.09; geminal C...H 2.1
    ("H", "O"): (1.25, 1.40),   # 0.96; O-H...O hydrogen bond H...O >= 1.6
    ("F", "H"): (1.20, 1.35),   # HF 0.92; F...H-O hydrogen bond >= 1.5
    ("H", "P"): (1.65, 1.80),   # 1.42
    ("C", "C"): (1.75, 1.95),   # 1.54 single, 1.20 triple; 1-3 C...C 2.5
    ("C", "O"): (1.70, 1.90),   # 1.43 single, 1.20 C=O; 1-3 C...O 2.3 (EC ring)
    ("C", "F"): (1.65, 1.85),   # 1.35; 1-3 F...C 2.35
    ("C", "P"): (2.05, 2.25),   # 1.85
    ("O", "O"): (1.70, 1.90),   # peroxide 1.48; 1-3 O...O in carbonate 2.22
    ("F", "O"): (1.65, 1.85),   # 1.42 (OF2)
    ("F", "F"): (1.65, 1.85),   # F2 1.42; cis F...F in PF6- 2.26
    ("F", "P"): (1.95, 2.15),   # 1.60 in PF6-, 1.53 in PF5
    ("O", "P"): (1.95, 2.15),   # 1.45 P=O, 1.60 P-O
    ("P", "P"): (2.45, 2.65),   # 2.21
}

#: Named cutoff sets replacing DEFAULT_BONDS for the pairs they list.
#: ``reaxff-cho``: distances that reproduce ReaxFF's own bond definition (bond order
#: >= 0.3, ffield.reax.cho) with the fewest misclassified pairs, fitted on the 3500 K
#: EC reference run only (validation/calibrate_cutoffs.py); r_break = r_form because
#: bond orders have no memory. H-H rests on one bonded example in that run.
PRESETS: dict[str, dict[tuple[str, str], tuple[float, float]]] = {
    "default": {},
    "reaxff-cho": {
        ("C", "C"): (2.07, 2.07),
        ("C", "H"): (1.52, 1.52),
        ("C", "O"): (1.90, 1.90),
        ("H", "H"): (0.96, 0.96),
        ("H", "O"): (1.52, 1.52),
    },
}

#: (alkali, X) -> first-shell contact cutoff in Å (first minimum of the M-X RDF).
DEFAULT_CONTACTS: dict[tuple[str, str], float] = {
    ("Na", "F"): 2.95,   # rock-salt NaF: first shell 2.31, second 3.27 (DESIGN.md)
    ("Na", "O"): 3.10,   # Na+-O(carbonyl/ether) RDF first minimum 3.0-3.2 in EC/DME
    ("Na", "N"): 3.20,
    ("Na", "Cl"): 3.40,  # NaCl 2.82 / 3.99
    ("Na", "H"): 2.90,   # NaH 2.44 / 3.45
    ("Na", "C"): 2.90,   # carbanion / acetylide contacts
    ("Na", "P"): 3.30,
    ("Na", "S"): 3.40,
    ("Li", "F"): 2.45,   # LiF 2.01 / 2.85
    ("Li", "O"): 2.65,   # Li+-O RDF first minimum 2.6-2.7
    ("Li", "N"): 2.75,
    ("Li", "H"): 2.40,
    ("Li", "C"): 2.60,
    ("Li", "Cl"): 3.00,
    ("K", "F"): 3.35,    # KF 2.67 / 3.78
    ("K", "O"): 3.50,
    ("K", "N"): 3.55,
    ("K", "Cl"): 3.80,
    ("K", "H"): 3.30,
    ("K", "C"): 3.30,
}

#: alkali -> alkali-alkali neighbour cutoff for the metal test (between bcc first and second shells).
DEFAULT_METAL_CUTOFF: dict[str, float] = {"Li": 3.25, "Na": 3.95, "K": 4.90, "Rb": 5.20, "Cs": 5.60}


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def parse_bond_override(text: str) -> tuple[str, str, float, float | None]:
    """Parse ``C-O=1.9`` or ``C-O=1.6:1.9`` into ``("C", "O", 1.6, 1.9)``.

    A single number sets ``r_form``; ``r_break`` then keeps the pair's default gap.
    """
    try:
        pair, value = text.split("=")
        a, b = (s.strip() for s in pair.split("-"))
        if ":" in value:
            f, r = value.split(":")
            return a, b, float(f), float(r)
        return a, b, float(value), None
    except ValueError:
        raise ConfigError(f"bad bond cutoff {text!r}; expected e.g. C-O=1.9 or C-O=1.7:1.9 (Å)") from None


@dataclass(frozen=True)
class BondRules:
    """Covalent bond rules.

    Parameters
    ----------
    overrides : tuple of (A, B, r_form, r_break or None)
        User cutoffs replacing the defaults for these pairs.
    preset : str
        A name in :data:`PRESETS` whose pairs replace :data:`DEFAULT_BONDS`
        (overrides still win).
    bond_order_cutoff : float
        For files that list bond orders: a bond counts when its order exceeds this
        (0.3, as LAMMPS ``fix reaxff/species``).
    hysteresis : bool
        False makes ``r_break = r_form`` (plain cutoffs, as most peer tools).
    """

    overrides: tuple[tuple[str, str, float, float | None], ...] = ()
    preset: str = "default"
    bond_order_cutoff: float = 0.3
    hysteresis: bool = True

    def cutoff(self, a: str, b: str) -> tuple[float, float] | None:
        """``(r_form, r_break)`` for a pair; None when the pair never bonds (alkali)."""
        if a in ALKALI or b in ALKALI:
            return None
        key = _pair(a, b)
        if self.preset not in PRESETS:
            raise ConfigError(f"unknown bond preset {self.preset!r}; known: {', '.join(PRESETS)}")
        default = PRESETS[self.preset].get(key, DEFAULT_BONDS.get(key))
        if default is None:
            if a not in COVALENT_RADIUS or b not in COVALENT_RADIUS:
                default = None
            else:
                r = round(1.2 * (COVALENT_RADIUS[a] + COVALENT_RADIUS[b]), 3)
                default = (r, round(r + 0.15, 3))
        for oa, ob, form, brk in self.overrides:
            if _pair(oa, ob) == key:
                gap = (default[1] - default[0]) if default else 0.15
                default = (form, brk if brk is not None else form + gap)
        if default is None:
            raise ConfigError(f"no default bond cutoff for {a}-{b}; pass --bond-cutoff {a}-{b}=R")
        form, brk = default
        if brk < form:
            raise ConfigError(f"bond cutoff {a}-{b}: r_break {brk} < r_form {form}")
        return (form, brk) if self.hysteresis else (form, form)

    def matrices(self, elements: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """``r_form`` and ``r_break`` matrices over ``elements`` (0 where no bond is allowed)."""
        n = len(elements)
        form = np.zeros((n, n))
        brk = np.zeros((n, n))
        for i, a in enumerate(elements):
            for j, b in enumerate(elements):
                c = self.cutoff(a, b)
                if c is not None:
                    form[i, j], brk[i, j] = c
        return form, brk

    def as_dict(self) -> dict:
        return {"preset": self.preset, "overrides": [list(o) for o in self.overrides],
                "bond_order_cutoff": self.bond_order_cutoff, "hysteresis": self.hysteresis}


@dataclass(frozen=True)
class ContactRules:
    """Alkali contact rules for the ionic layer.

    Parameters
    ----------
    contacts : dict
        ``(alkali, X) -> cutoff`` overriding :data:`DEFAULT_CONTACTS`.
    metal_cutoff : dict
        ``alkali -> cutoff`` for alkali-alkali neighbours (:data:`DEFAULT_METAL_CUTOFF`).
    metal_min_alkali : int
        An alkali atom is metallic with at least this many alkali neighbours ...
    metal_max_hetero : int
        ... and at most this many contacts with O, N, F, S or halogens (bcc Na(100) surface atoms have
        4 metal neighbours and 1-2 solvent O; an ion in NaF has 6 F).
    """

    contacts: dict = field(default_factory=dict)
    metal_cutoff: dict = field(default_factory=dict)
    metal_min_alkali: int = 4
    metal_max_hetero: int = 2

    def contact(self, alkali: str, other: str) -> float:
        if (alkali, other) in self.contacts:
            return float(self.contacts[(alkali, other)])
        if (alkali, other) in DEFAULT_CONTACTS:
            return DEFAULT_CONTACTS[(alkali, other)]
        if alkali in COVALENT_RADIUS and other in COVALENT_RADIUS:
            return round(1.3 * (COVALENT_RADIUS[alkali] + COVALENT_RADIUS[other]), 3)
        raise ConfigError(f"no contact cutoff for {alkali}-{other}")

    def metal(self, alkali: str) -> float:
        return float(self.metal_cutoff.get(alkali, DEFAULT_METAL_CUTOFF.get(alkali, 4.0)))

    def as_dict(self) -> dict:
        return {"contacts": {f"{a}-{b}": v for (a, b), v in self.contacts.items()},
                "metal_cutoff": dict(self.metal_cutoff), "metal_min_alkali": self.metal_min_alkali,
                "metal_max_hetero": self.metal_max_hetero}
