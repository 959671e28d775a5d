"""Molecular formulas in Hill order.

The Hill system (Hill 1900, used by Chemical Abstracts) writes carbon first,
hydrogen second and every other element in alphabetical order; a formula
without carbon is written entirely in alphabetical order, hydrogen included.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

__all__ = ["hill_formula"]


def hill_formula(symbols: Iterable[str]) -> str:
    """Return the Hill-order formula of a collection of element symbols.

    Parameters
    ----------
    symbols : iterable of str
        Element symbols, one per atom, in any order (e.g. ``["O", "H", "H"]``).

    Returns
    -------
    str
        The formula, counts of one omitted: ethylene carbonate ``"C3H4O3"``,
        hexafluorophosphate ``"F6P"``, hydrogen fluoride ``"FH"``.  An empty
        input gives ``""``.

    Notes
    -----
    With carbon present the order is C, H, then the remaining elements
    alphabetically; without carbon all elements (H included) are alphabetical.
    Symbols are used as given (``"Na"``, not ``"NA"``); charges are not part of
    the formula.  Complexity O(n + k log k) for n atoms and k distinct elements.

    Examples
    --------
    >>> hill_formula(["O", "C", "O"])
    'CO2'
    >>> hill_formula(["H", "F"])
    'FH'
    """
    counts = Counter(symbols)
    if "C" in counts:
        order = ["C"] + (["H"] if "H" in counts else [])
        order += sorted(el for el in counts if el not in ("C", "H"))
    else:
        order = sorted(counts)
    return "".join(el if counts[el] == 1 else f"{el}{counts[el]}" for el in order)
