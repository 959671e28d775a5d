"""Element data seinet needs: symbols, covalent radii, which elements are alkali metals.

Covalent radii are from B. Cordero et al., "Covalent radii revisited",
Dalton Trans. 2008, 2832-2838 (sp3 carbon; low-spin values for Mn, Fe, Co).
They are used only for default bond cutoffs of element pairs that
:mod:`seinet.bonds.cutoffs` does not list explicitly.
"""

from __future__ import annotations

__all__ = ["OXIDISING", "SYMBOLS", "ATOMIC_NUMBER", "COVALENT_RADIUS", "ALKALI", "is_element", "ANION_FORMERS"]

SYMBOLS: tuple[str, ...] = (
    "X", "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S",
    "Cl", "Ar", "K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge",
    "As", "Se", "Br", "Kr", "Rb", "Sr", "Y", "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd",
    "In", "Sn", "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd",
    "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg",
    "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U", "Np", "Pu", "Am", "Cm",
    "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr", "Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn",
    "Nh", "Fl", "Mc", "Lv", "Ts", "Og",
)
ATOMIC_NUMBER: dict[str, int] = {s: z for z, s in enumerate(SYMBOLS) if z > 0}

COVALENT_RADIUS: dict[str, float] = {
    "H": 0.31, "He": 0.28, "Li": 1.28, "Be": 0.96, "B": 0.84, "C": 0.76, "N": 0.71, "O": 0.66,
    "F": 0.57, "Ne": 0.58, "Na": 1.66, "Mg": 1.41, "Al": 1.21, "Si": 1.11, "P": 1.07, "S": 1.05,
    "Cl": 1.02, "Ar": 1.06, "K": 2.03, "Ca": 1.76, "Sc": 1.70, "Ti": 1.60, "V": 1.53, "Cr": 1.39,
    "Mn": 1.39, "Fe": 1.32, "Co": 1.26, "Ni": 1.24, "Cu": 1.32, "Zn": 1.22, "Ga": 1.22, "Ge": 1.20,
    "As": 1.19, "Se": 1.20, "Br": 1.20, "Kr": 1.16, "Rb": 2.20, "Sr": 1.95, "Y": 1.90, "Zr": 1.75,
    "Nb": 1.64, "Mo": 1.54, "Tc": 1.47, "Ru": 1.46, "Rh": 1.42, "Pd": 1.39, "Ag": 1.45, "Cd": 1.44,
    "In": 1.42, "Sn": 1.39, "Sb": 1.39, "Te": 1.38, "I": 1.39, "Xe": 1.40, "Cs": 2.44, "Ba": 2.15,
}

#: Alkali metals never take part in covalent bonds (DESIGN.md, chemistry conventions).
ALKALI: frozenset[str] = frozenset({"Li", "Na", "K", "Rb", "Cs"})

#: Elements whose negatively charged atoms bind alkali cations into ionic aggregates.
#: Hypervalent centres (P in PF6-/PF4-, B in BF4-, Si, As, Al) carry the formal charge
#: of weakly coordinating anions but no cation ever binds to them: Na+ touching the F
#: of PF6- is a contact ion pair (solvation), not an ionic SEI phase.
ANION_FORMERS: frozenset[str] = frozenset({"H", "C", "N", "O", "F", "S", "Cl", "Br", "I"})


def is_element(symbol: str) -> bool:
    """True for a real element symbol (case-sensitive, e.g. ``Na`` not ``NA``)."""
    return symbol in ATOMIC_NUMBER

#: Contacts with these elements count against an alkali atom being metallic
#: (C-H...Na contacts are van der Waals and do not oxidise a surface atom).
OXIDISING: frozenset[str] = frozenset({"N", "O", "F", "S", "Cl", "Br", "I"})
