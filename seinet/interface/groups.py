"""Named groups of species for transport diagrams, SEI composition and gas tables.

A group is chosen by a short spec string, resolved against a species' name, label
(SMILES or aggregate composition), class and kind:

* ``solvent``, ``salt anion``, ``gas``, ``organic SEI``, ``inorganic SEI``,
  ``radical/fragment``: every species of that class;
* ``Na+``: free alkali ions (kind ``ion``); ``metal``: metallic alkali atoms;
* ``NaF aggregates``: ionic aggregates made of Na and F only ((NaF)n nuclei);
* anything else: the species whose common name or label equals the spec
  (``PF6-``, ``F-``, ``CO3 2-``, ``C2H4``, ``CO``, ``O=C1OCCO1``).

Sodium-bearing SEI is counted through its units: an Na2CO3 aggregate is one unit
of class ``inorganic SEI`` with 6 atoms.
"""

from __future__ import annotations

import re

from ..chem.names import CLASSES, INORGANIC_SEI, ORGANIC_SEI

__all__ = ["DEFAULT_TRANSPORT_GROUPS", "SEI_CLASSES", "group_matches", "elements_of"]

#: Transport-diagram groups written by default (issue 4's list, plus free Na+).
DEFAULT_TRANSPORT_GROUPS: tuple[str, ...] = ("solvent", "PF6-", "F-", "CO3 2-", "C2H4", "CO", "NaF aggregates",
                                             "Na+")
#: Classes whose units make up the SEI (inorganic first).
SEI_CLASSES: tuple[str, ...] = (INORGANIC_SEI, ORGANIC_SEI)

_ELEMENT = re.compile(r"([A-Z][a-z]?)(\d*)")


def elements_of(formula: str) -> set[str]:
    """Elements of a Hill formula (``F2Na3`` -> {"F", "Na"})."""
    return {m.group(1) for m in _ELEMENT.finditer(str(formula))}


def group_matches(spec: str, name: str, label: str, klass: str, kind: str, formula: str) -> bool:
    """Whether a species (given by its table fields) belongs to the group ``spec`` (module docstring)."""
    if spec in CLASSES and spec != "ion":
        return klass == spec
    if spec in ("Na+", "ion"):
        return kind == "ion" and (spec == "ion" or name == "Na+")
    if spec == "metal":
        return kind == "metal"
    if spec == "NaF aggregates":
        return kind == "aggregate" and elements_of(formula) == {"F", "Na"}
    return spec in (name, label)
