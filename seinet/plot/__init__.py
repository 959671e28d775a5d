"""Figures (matplotlib, Agg backend; no display needed)."""

from .species import plot_species_evolution

__all__ = ["plot_species_evolution"]
