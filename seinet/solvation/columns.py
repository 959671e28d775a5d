"""Names shared by the solvation tables: categories, partner roles, column names.

One module so that the driver and the table-only models (summary, residence) agree.
"""

from __future__ import annotations

__all__ = ["SSIP", "CIP", "AGG", "CATEGORIES", "ROLE_SOLVENT", "ROLE_ANION", "ROLE_OTHER", "ROLES",
           "ION_COLUMNS", "PARTNER_COLUMNS", "RDF_COLUMNS", "SUMMARY_COLUMNS", "RESIDENCE_COLUMNS"]

#: Solvent-separated ion pair: no anion in the cation's first shell.
SSIP = "SSIP"
#: Contact ion pair: exactly one anion in the first shell, and it touches no other cation.
CIP = "CIP"
#: Aggregate: two or more anions in the first shell, or an anion shared with another cation.
AGG = "AGG"
CATEGORIES: tuple[str, ...] = (SSIP, CIP, AGG)

#: Role of a first-shell partner atom, from the class/charge of its covalent fragment.
ROLE_SOLVENT = 0
ROLE_ANION = 1
ROLE_OTHER = 2
ROLES: tuple[str, ...] = ("solvent", "anion", "other")

ION_COLUMNS = ["frame", "time_ps", "ion", "element", "cn", "n_solvent_O", "n_solvent", "n_anion_atoms",
               "n_anions", "n_other", "category"]
PARTNER_COLUMNS = ["frame", "time_ps", "ion", "atom", "element", "distance_A", "fragment", "species_id", "role"]
RDF_COLUMNS = ["r_A", "g_r", "cn"]
SUMMARY_COLUMNS = ["frame", "time_ps", "n_ions", "frac_SSIP", "frac_CIP", "frac_AGG", "mean_cn",
                   "mean_n_solvent_O", "mean_n_anions"]
RESIDENCE_COLUMNS = ["lag", "time_ps", "c_t", "n_origins"]
