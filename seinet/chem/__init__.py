"""Chemistry kernel: fragment graphs to names, formulas and classes.

Pure functions: :func:`perceive` (bond orders, formal charges, canonical
SMILES and an order-independent skeleton key of a covalent fragment graph),
:func:`hill_formula`, :func:`common_name` and :func:`classify`.
"""

from seinet.chem.formula import hill_formula
from seinet.chem.names import CLASSES, COMMON_NAMES, classify, common_name
from seinet.chem.perception import Perception, perceive, skeleton_key, symmetry_classes

__all__ = [
    "CLASSES",
    "COMMON_NAMES",
    "Perception",
    "classify",
    "common_name",
    "hill_formula",
    "perceive",
    "skeleton_key",
    "symmetry_classes",
]
