"""Bonds from coordinates (or from files that list them), with hysteresis."""

from .cutoffs import BondRules, ContactRules, DEFAULT_BONDS, parse_bond_override
from .neighbors import neighbor_pairs
from .tracker import BondTracker, bonds_from_orders

__all__ = ["BondRules", "ContactRules", "DEFAULT_BONDS", "parse_bond_override", "neighbor_pairs",
           "BondTracker", "bonds_from_orders"]
