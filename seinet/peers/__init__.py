"""Readers for what peer tools write, so seinet can be compared with them."""

from .lammps_species import read_lammps_species
from .compare import counts_by_formula

__all__ = ["read_lammps_species", "counts_by_formula"]
