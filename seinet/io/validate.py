"""Checks every frame passes before any analysis sees it.

One mechanism for all readers: the atom count and element list may not change
within a trajectory, elements must be real, coordinates finite, and a periodic
cell present (or supplied by the user) when positions are used for bonding.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

import numpy as np

from ..elements import is_element
from ..errors import TrajectoryError
from ..frame import Frame

__all__ = ["validated"]


def validated(frames: Iterable[Frame], path: str, cell: np.ndarray | None = None) -> Iterator[Frame]:
    """Yield frames after checking them; raise :class:`TrajectoryError` at the first bad one.

    Parameters
    ----------
    frames : iterable of Frame
    path : str
        File name for messages.
    cell : ndarray (3, 3), optional
        User-supplied cell that replaces the file's cell (``--cell``).
    """
    ref: Frame | None = None
    for frame in frames:
        index = frame.index
        if ref is None:
            bad = sorted({s for s in frame.symbols.tolist() if not is_element(s)})
            if bad:
                raise TrajectoryError(path, index, f"unknown element(s) {', '.join(map(repr, bad))}; "
                                      f"for LAMMPS types pass --elements")
        else:
            if frame.n_atoms != ref.n_atoms:
                raise TrajectoryError(path, index, f"atom count changed from {ref.n_atoms} to {frame.n_atoms}; "
                                      f"seinet needs a fixed set of atoms (split the file where atoms are added)")
            if frame.symbols is not ref.symbols and not np.array_equal(frame.symbols, ref.symbols):
                first = int(np.flatnonzero(frame.symbols != ref.symbols)[0])
                raise TrajectoryError(path, index, f"element of atom {first} changed from "
                                      f"{ref.symbols[first]} to {frame.symbols[first]}")
            if frame.symbols is not ref.symbols:
                frame = replace(frame, symbols=ref.symbols)
        if cell is not None:
            frame = replace(frame, cell=np.asarray(cell, dtype=float))
        if frame.positions is not None:
            finite = np.isfinite(frame.positions).all(axis=1)
            if not finite.all():
                atom = int(np.flatnonzero(~finite)[0])
                raise TrajectoryError(path, index, f"non-finite coordinate (NaN or inf) for atom {atom}")
            if frame.cell is None:
                raise TrajectoryError(path, index, "no periodic cell in the file; pass --cell a,b,c (Å) "
                                      "or a Lattice= key")
            if not np.isfinite(frame.cell).all() or abs(np.linalg.det(frame.cell)) < 1e-6:
                raise TrajectoryError(path, index, "degenerate or non-finite cell")
        if ref is None:
            ref = frame
        yield frame
