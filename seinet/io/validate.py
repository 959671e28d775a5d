"""Checks every frame passes before any analysis sees it.

One mechanism for all readers: the atom count and element list may not change
within a trajectory, elements must be real, coordinates finite, and a periodic
cell present (or supplied by the user) when positions are used for bonding.
:class:`FrameValidator` checks one frame at a time, so a reader applies it inside
its own error handling (a frame that fails is a bad frame like one that does not
parse, see :meth:`seinet.io.base.TextTrajectory.iter_frames`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

import numpy as np

from ..elements import is_element
from ..errors import TrajectoryError
from ..frame import Frame
from .base import ErrorHandler, FrameCheck

__all__ = ["FrameValidator", "validated", "checked"]


class FrameValidator:
    """Check frames one by one against the first frame that passed.

    Parameters
    ----------
    path : str
        File name for messages.
    cell : ndarray (3, 3), optional
        User-supplied cell that replaces the file's cell (``--cell``).

    Notes
    -----
    Calling the validator with a frame returns the frame (with the user's cell and the
    reference symbol array) or raises :class:`TrajectoryError`. A frame that fails does
    not become the reference, so after a skipped bad frame the next frames are still
    compared with a good one.
    """

    def __init__(self, path: str, cell: np.ndarray | None = None) -> None:
        self.path = str(path)
        self.cell = None if cell is None else np.asarray(cell, dtype=float)
        self.reference: Frame | None = None

    def __call__(self, frame: Frame) -> Frame:
        path, index, ref = self.path, frame.index, self.reference
        if ref is None:
            bad = sorted({s for s in frame.symbols.tolist() if not is_element(s)})
            if bad:
                raise TrajectoryError(path, index, f"unknown element(s) {', '.join(map(repr, bad[:5]))}; "
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
        if self.cell is not None:
            frame = replace(frame, cell=self.cell)
        if frame.positions is not None:
            if frame.positions.shape != (frame.n_atoms, 3):
                raise TrajectoryError(path, index, f"positions have shape {frame.positions.shape}, "
                                      f"expected ({frame.n_atoms}, 3)")
            finite = np.isfinite(frame.positions).all(axis=1)
            if not finite.all():
                atom = int(np.flatnonzero(~finite)[0])
                raise TrajectoryError(path, index, f"non-finite coordinate (NaN or inf) for atom {atom}")
            if frame.cell is None:
                raise TrajectoryError(path, index, "no periodic cell in the file; pass --cell a,b,c (Å) "
                                      "or a Lattice= key")
            if frame.cell.shape != (3, 3) or not np.isfinite(frame.cell).all():
                raise TrajectoryError(path, index, "degenerate or non-finite cell")
            volume = abs(np.linalg.det(frame.cell))
            if not np.isfinite(volume) or volume < 1e-6:
                raise TrajectoryError(path, index, "degenerate or non-finite cell")
        if ref is None:
            self.reference = frame
        return frame


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
    check = FrameValidator(path, cell)
    for frame in frames:
        yield check(frame)


def checked(frames: Iterable[Frame], check: FrameCheck | None = None,
            on_error: ErrorHandler | None = None) -> Iterator[Frame]:
    """``check`` every frame of a reader that cannot resume after a parse error (ASE, MDAnalysis).

    A frame that fails ``check`` goes to ``on_error`` (when given) and is skipped; errors
    raised by the reader itself end the iteration.
    """
    for frame in frames:
        if check is not None:
            try:
                frame = check(frame)
            except TrajectoryError as exc:
                if on_error is None:
                    raise
                on_error(exc)
                continue
        yield frame
