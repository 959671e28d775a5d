"""Solvation of alkali cations: radial distribution functions, first shells, residence times.

Layers (DESIGN.md): pure kernels on numpy arrays (:func:`pair_histogram`,
:func:`shell_contacts`, :func:`classify_shells`, :func:`residence_correlation`),
per-frame drivers over :class:`~seinet.frame.Frame` and
:class:`~seinet.species.partition.FramePartition` (:func:`rdf`,
:func:`solvation_shells`), and table-only summaries (:func:`solvation_summary`,
:func:`residence_time`) that are tested without a trajectory.
"""

from .columns import AGG, CATEGORIES, CIP, ROLE_ANION, ROLE_OTHER, ROLE_SOLVENT, SSIP
from .rdf import pair_histogram, rdf
from .residence import residence_correlation, residence_time
from .shells import (SolvationShells, anion_species, classify_shells, shell_contacts, solvation_shells,
                     solvation_summary)

__all__ = ["AGG", "CATEGORIES", "CIP", "SSIP", "ROLE_ANION", "ROLE_OTHER", "ROLE_SOLVENT", "SolvationShells",
           "anion_species", "classify_shells", "pair_histogram", "rdf", "residence_correlation", "residence_time",
           "shell_contacts", "solvation_shells", "solvation_summary"]
