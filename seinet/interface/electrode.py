"""The metal electrode of one frame: which atoms form it, where its surfaces are, how rough they are.

Definition (docs/interface.md)
------------------------------
The electrode is found among the alkali atoms the ionic layer calls **metal**
(``FramePartition.state == 1``). Their heights along the surface normal are
sorted around the periodic direction; a gap wider than ``gap_A`` (4 Å, more than
any bcc Na interlayer spacing: 2.15 Å for (100), 3.03 Å for (110)) separates two
metal regions. The region holding most metal atoms is the electrode; metal atoms
elsewhere (small clusters that left the slab) are not. When no gap is wider than
``gap_A`` the metal fills the cell along the normal (bulk metal, no surface) and
there is no electrode; when the region has fewer than ``min_atoms`` atoms there
is none either. Both faces of a periodic slab are surfaces.

A surface is the plane of the outermost atom centres. The lateral plane is cut
into a grid of ``grid_A`` (7 Å) squares; in every column the highest (top face)
and lowest (bottom face) electrode atom give the local surface height, empty
columns take the mean. The surface position is the mean over columns, the
roughness their standard deviation. The signed distance of a point from the
electrode is its height above the local surface of the nearer face (the face on
its side of the slab centre): positive in the electrolyte, negative inside the metal.

Heights are measured along the normal of the lattice plane spanned by the two
other cell vectors (``axis`` 2: the a x b plane), so triclinic cells work; the
period along the normal is the perpendicular cell width.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Electrode", "find_electrode", "largest_gap_axis", "fractional"]


def fractional(positions: np.ndarray, cell: np.ndarray) -> np.ndarray:
    """Fractional coordinates wrapped into [0, 1)."""
    frac = np.asarray(positions, dtype=float) @ np.linalg.inv(cell)
    frac -= np.floor(frac)
    frac[frac >= 1.0] = 0.0
    return frac


def _width(cell: np.ndarray, axis: int) -> float:
    """Perpendicular width of the cell along ``axis`` (distance between the two lattice planes)."""
    other = [k for k in range(3) if k != axis]
    cross = np.cross(cell[other[0]], cell[other[1]])
    return float(abs(np.linalg.det(cell)) / np.linalg.norm(cross))


def _circular_gaps(h: np.ndarray, width: float) -> tuple[np.ndarray, np.ndarray]:
    """Sorted heights and the gap after each of them (the last one wraps around)."""
    hs = np.sort(h)
    gaps = np.empty_like(hs)
    gaps[:-1] = np.diff(hs)
    gaps[-1] = hs[0] + width - hs[-1]
    return hs, gaps


def largest_gap_axis(frac: np.ndarray, cell: np.ndarray) -> int:
    """The cell axis along which the metal atoms leave the widest empty gap (the slab normal).

    Notes
    -----
    O(M log M) for M metal atoms.
    """
    best, best_gap = 2, -1.0
    for axis in range(3):
        w = _width(cell, axis)
        if len(frac) == 0:
            continue
        _, gaps = _circular_gaps(frac[:, axis] * w, w)
        if gaps.max() > best_gap + 1e-9:
            best, best_gap = axis, float(gaps.max())
    return best


@dataclass(frozen=True)
class Electrode:
    """The electrode of one frame.

    Attributes
    ----------
    atoms : ndarray of int64
        Indices (into the frame) of the electrode's atoms.
    axis : int
        Cell axis of the surface normal.
    width_A : float
        Period along the normal (perpendicular cell width).
    center_A : float
        Height of the slab centre along the normal, in [0, width_A).
    top_map, bottom_map : ndarray (ga, gb)
        Local surface heights relative to the centre (top > 0, bottom < 0).
    """

    atoms: np.ndarray
    axis: int
    width_A: float
    center_A: float
    top_map: np.ndarray
    bottom_map: np.ndarray

    @property
    def n_atoms(self) -> int:
        return int(len(self.atoms))

    @property
    def top_A(self) -> float:
        """Mean height of the top face above the slab centre."""
        return float(self.top_map.mean())

    @property
    def bottom_A(self) -> float:
        """Mean height of the bottom face (negative: below the centre)."""
        return float(self.bottom_map.mean())

    @property
    def thickness_A(self) -> float:
        """Distance between the two faces (outermost atom centres)."""
        return self.top_A - self.bottom_A

    @property
    def roughness_top_A(self) -> float:
        return float(self.top_map.std())

    @property
    def roughness_bottom_A(self) -> float:
        return float(self.bottom_map.std())

    def surface_heights(self) -> tuple[float, float]:
        """Absolute heights of the (top, bottom) faces along the normal, wrapped into [0, width)."""
        return ((self.center_A + self.top_A) % self.width_A, (self.center_A + self.bottom_A) % self.width_A)

    def _columns(self, frac: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        other = [k for k in range(3) if k != self.axis]
        ga, gb = self.top_map.shape
        ia = np.minimum((frac[:, other[0]] * ga).astype(np.int64), ga - 1)
        ib = np.minimum((frac[:, other[1]] * gb).astype(np.int64), gb - 1)
        return ia, ib

    def relative_height(self, frac: np.ndarray) -> np.ndarray:
        """Height above the slab centre in [-width/2, width/2)."""
        h = frac[:, self.axis] * self.width_A - self.center_A
        return h - self.width_A * np.round(h / self.width_A)

    def distance(self, frac: np.ndarray) -> np.ndarray:
        """Signed distance (Å) of points from the nearer face's local surface; negative inside the metal.

        Parameters
        ----------
        frac : ndarray (P, 3)
            Fractional coordinates of the points (any image).

        Notes
        -----
        O(P).
        """
        frac = np.asarray(frac, dtype=float)
        frac = frac - np.floor(frac)
        rel = self.relative_height(frac)
        ia, ib = self._columns(frac)
        return np.where(rel >= 0.0, rel - self.top_map[ia, ib], self.bottom_map[ia, ib] - rel)


def find_electrode(frac: np.ndarray, metal: np.ndarray, cell: np.ndarray, axis: int = 2, gap_A: float = 4.0,
                   min_atoms: int = 8, grid_A: float = 7.0) -> Electrode | None:
    """Find the electrode among the metal atoms of one frame (module docstring).

    Parameters
    ----------
    frac : ndarray (N, 3)
        Fractional coordinates of all atoms, wrapped into [0, 1).
    metal : ndarray of int
        Indices of the metallic alkali atoms.
    cell : ndarray (3, 3)
        Cell vectors as rows (Å).
    axis : int
        Cell axis of the surface normal.
    gap_A : float
        An empty stretch wider than this along the normal separates metal regions.
    min_atoms : int
        Fewest atoms an electrode has.
    grid_A : float
        Lateral column size for local surface heights and roughness.

    Returns
    -------
    Electrode or None
        None when there is no metal region of ``min_atoms`` atoms with a gap around it.

    Notes
    -----
    O(M log M) for M metal atoms.
    """
    metal = np.asarray(metal, dtype=np.int64)
    if len(metal) < min_atoms:
        return None
    width = _width(cell, axis)
    h = frac[metal, axis] * width
    order = np.argsort(h, kind="stable")
    hs, gaps = _circular_gaps(h, width)
    cuts = np.flatnonzero(gaps > gap_A)
    if len(cuts) == 0:
        return None  # metal all along the normal: bulk, no surface
    # circular runs between cuts: run k goes from cuts[k-1]+1 to cuts[k] (indices in sorted order)
    starts = (cuts + 1) % len(hs)
    sizes = (cuts - np.roll(cuts, 1)) % len(hs)
    sizes[sizes == 0] = len(hs)  # a single cut: one run holding everything
    k = int(np.argmax(sizes))
    first, size = int(starts[np.roll(np.arange(len(cuts)), 1)[k]]), int(sizes[k])
    members = (first + np.arange(size)) % len(hs)
    if size < min_atoms:
        return None
    lo, hi = hs[members[0]], hs[members[-1]]
    if hi < lo:
        hi += width
    center = (0.5 * (lo + hi)) % width
    atoms = np.sort(metal[order[members]])
    rel = frac[atoms, axis] * width - center
    rel -= width * np.round(rel / width)
    other = [a for a in range(3) if a != axis]
    ga = max(1, int(_width(cell, other[0]) // grid_A))
    gb = max(1, int(_width(cell, other[1]) // grid_A))
    ia = np.minimum((frac[atoms, other[0]] * ga).astype(np.int64), ga - 1)
    ib = np.minimum((frac[atoms, other[1]] * gb).astype(np.int64), gb - 1)
    top = np.full((ga, gb), -np.inf)
    bottom = np.full((ga, gb), np.inf)
    np.maximum.at(top, (ia, ib), rel)
    np.minimum.at(bottom, (ia, ib), rel)
    filled = np.isfinite(top)
    top[~filled] = top[filled].mean()
    bottom[~filled] = bottom[filled].mean()
    return Electrode(atoms=atoms, axis=axis, width_A=width, center_A=float(center), top_map=top, bottom_map=bottom)
