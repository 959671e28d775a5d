"""Lattice orientation and facets of a rock-salt nucleus.

**Orientation.** In rock salt every cation-anion first-shell bond points along one
of the six cube directions ±x, ±y, ±z of the crystal. The rotation R (crystal frame
to sample frame, ``r_sample = R @ r_crystal``) is found by Kabsch fits: each bond
direction is assigned to the nearest of ±R e_x, ±R e_y, ±R e_z, R is refitted to
those targets, and the two steps repeat until the assignment is stable. The
starting frame is the most populated bond axis and the most populated axis
perpendicular to it. R is defined up to the 24 proper rotations of the cube;
:func:`misorientation_deg` takes the smallest angle over them and
:func:`canonical_orientation` picks the representative closest to the identity.

**Facets.** The convex hull of the (unwrapped) nucleus is triangulated by qhull.
Each triangle's outward normal is expressed in the crystal frame and assigned to
the nearest of the 26 low-index directions (<100>, <110>, <111>) when within
``tolerance_deg`` (15°; the windows do not overlap since <110> and <111> are
35.3° apart), otherwise to ``other``. Adjacent triangles on the same direction,
or coplanar within ``coplanar_deg``, merge into one facet; the facet's family is
that of its area-weighted mean normal. A small facet off every low-index
direction then joins a larger adjacent low-index facet whose direction is within
``absorb_deg`` (25°) of its normal: an adatom on a face raises a low pyramid whose
sides lean 15-25° away, and since the area-weighted normals of a pyramid add up
to its base's, the merged facet keeps the face's normal and family. Area
fractions are facet areas by family over the hull area.

**Surface ions.** An ion is on the surface when it has fewer than six first-shell
neighbours inside the nucleus (or, without that information, when it is a hull
vertex); it belongs to the facet of largest area among the hull triangles it
spans, or to the facet plane it lies closest to.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import ConvexHull, QhullError

__all__ = ["FAMILIES", "NucleusFacets", "cubic_rotations", "lattice_orientation", "misorientation_deg",
           "canonical_orientation", "rotation_to_quaternion", "lattice_directions", "classify_normals",
           "nucleus_facets"]

#: Facet families in table order.
FAMILIES: tuple[str, ...] = ("{100}", "{110}", "{111}", "other")


def cubic_rotations() -> np.ndarray:
    """The 24 proper rotations of the cube (signed permutation matrices with det +1), shape (24, 3, 3)."""
    mats = []
    for perm in itertools.permutations(range(3)):
        for signs in itertools.product((1, -1), repeat=3):
            m = np.zeros((3, 3))
            m[np.arange(3), perm] = signs
            if np.linalg.det(m) > 0:
                mats.append(m)
    return np.array(mats)


def _directions() -> tuple[np.ndarray, np.ndarray]:
    dirs, fam = [], []
    for v in itertools.product((-1, 0, 1), repeat=3):
        k = int(np.count_nonzero(v))
        if k:
            dirs.append(np.asarray(v, float) / np.sqrt(k))
            fam.append(k - 1)
    dirs, fam = np.array(dirs), np.array(fam)
    dirs.flags.writeable = False
    fam.flags.writeable = False
    return dirs, fam


_DIRECTIONS = _directions()


def lattice_directions() -> tuple[np.ndarray, np.ndarray]:
    """The 26 signed low-index unit directions of a cubic lattice and their family index into FAMILIES."""
    return _DIRECTIONS


def _kabsch(targets: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Rotation R minimising sum |R t - v|^2."""
    h = targets.T @ vectors
    u, _, vt = np.linalg.svd(h)
    d = np.sign(np.linalg.det(vt.T @ u.T)) or 1.0
    return vt.T @ np.diag([1.0, 1.0, d]) @ u.T


def _evenly(n: int, k: int) -> np.ndarray:
    """At most ``k`` evenly spaced indices into ``range(n)`` (deterministic subsample)."""
    return np.unique(np.linspace(0, n - 1, min(k, n)).astype(np.int64))


def _dominant_axis(u: np.ndarray, candidates: np.ndarray, cos_tol: float, n_votes: int = 2048) -> np.ndarray:
    """The candidate direction shared (up to sign) by most of ``u``, averaged over its members."""
    votes = u[_evenly(len(u), n_votes)]
    counts = (np.abs(candidates @ votes.T) > cos_tol).sum(axis=1)
    axis = candidates[int(np.argmax(counts))]
    dots = u @ axis
    close = np.abs(dots) > cos_tol
    mean = (u[close] * np.sign(dots[close])[:, None]).sum(axis=0)
    return mean / np.linalg.norm(mean)


def lattice_orientation(bond_vectors: np.ndarray, max_iter: int = 50, n_candidates: int = 64
                        ) -> tuple[np.ndarray, float]:
    """Crystal-to-sample rotation of a rock-salt crystal from its cation-anion bond vectors.

    Parameters
    ----------
    bond_vectors : ndarray (B, 3)
        First-shell bond vectors of the crystal (any sign, any length).
    max_iter : int
        Assignment/Kabsch iterations at most.
    n_candidates : int
        Bonds tried as starting axes (evenly spaced through the list; deterministic).

    Returns
    -------
    R : ndarray (3, 3)
        Proper rotation with ``r_sample = R @ r_crystal``; NaN when fewer than two
        non-parallel bonds are given.
    spread_deg : float
        RMS angle between the bonds and their assigned cube axes.

    Notes
    -----
    O(B * (n_candidates + max_iter)).
    """
    v = np.asarray(bond_vectors, dtype=np.float64).reshape(-1, 3)
    length = np.linalg.norm(v, axis=1)
    v, length = v[length > 0], length[length > 0]
    nan = np.full((3, 3), np.nan), float("nan")
    if len(v) < 2:
        return nan
    u = v / length[:, None]
    cand = u[_evenly(len(u), n_candidates)]
    cos15, sin15 = np.cos(np.radians(15)), np.sin(np.radians(15))
    a1 = _dominant_axis(u, cand, cos15)
    perp = np.abs(u @ a1) < sin15
    if not perp.any():
        perp = np.abs(u @ a1) < np.sin(np.radians(45))
        if not perp.any():
            return nan
    c2 = u[perp]
    c2 = c2[_evenly(len(c2), n_candidates)]
    a2 = _dominant_axis(u[perp], c2, cos15)
    a2 = a2 - (a2 @ a1) * a1
    a2 /= np.linalg.norm(a2)
    rot = np.column_stack([a1, a2, np.cross(a1, a2)])
    eye = np.eye(3)
    previous = None
    for _ in range(max_iter):
        c = u @ rot  # bond directions in the crystal frame
        k = np.abs(c).argmax(axis=1)
        sign = np.sign(c[np.arange(len(c)), k])
        key = k * 2 + (sign > 0)
        if previous is not None and np.array_equal(key, previous):
            break
        previous = key
        rot = _kabsch(eye[k] * sign[:, None], u)
    c = u @ rot
    spread = np.degrees(np.arccos(np.clip(np.abs(c).max(axis=1), -1.0, 1.0)))
    return rot, float(np.sqrt(np.mean(spread ** 2)))


def misorientation_deg(r1: np.ndarray, r2: np.ndarray) -> float:
    """Smallest rotation angle (degrees) taking orientation ``r1`` to ``r2`` under cubic symmetry."""
    if not (np.all(np.isfinite(r1)) and np.all(np.isfinite(r2))):
        return float("nan")
    d = r1.T @ r2
    traces = np.einsum("ij,sji->s", d, cubic_rotations())
    return float(np.degrees(np.arccos(np.clip((traces.max() - 1) / 2, -1.0, 1.0))))


def canonical_orientation(rot: np.ndarray) -> np.ndarray:
    """The symmetry-equivalent orientation ``rot @ S`` closest to the identity (largest trace)."""
    if not np.all(np.isfinite(rot)):
        return rot
    cands = rot[None] @ cubic_rotations()
    return cands[int(np.argmax(np.trace(cands, axis1=1, axis2=2).round(12)))]


def rotation_to_quaternion(rot: np.ndarray) -> np.ndarray:
    """Unit quaternion (w, x, y, z) with w >= 0 of a proper rotation matrix."""
    if not np.all(np.isfinite(rot)):
        return np.full(4, np.nan)
    m = rot
    t = np.trace(m)
    cands = np.array([[1 + t, m[2, 1] - m[1, 2], m[0, 2] - m[2, 0], m[1, 0] - m[0, 1]],
                      [m[2, 1] - m[1, 2], 1 + 2 * m[0, 0] - t, m[0, 1] + m[1, 0], m[0, 2] + m[2, 0]],
                      [m[0, 2] - m[2, 0], m[0, 1] + m[1, 0], 1 + 2 * m[1, 1] - t, m[1, 2] + m[2, 1]],
                      [m[1, 0] - m[0, 1], m[0, 2] + m[2, 0], m[1, 2] + m[2, 1], 1 + 2 * m[2, 2] - t]])
    q = cands[int(np.argmax(np.diag(cands)))]
    q = q / np.linalg.norm(q)
    return -q if q[0] < 0 else q


def classify_normals(normals: np.ndarray, rot: np.ndarray, tolerance_deg: float = 15.0
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nearest low-index lattice direction of sample-frame unit normals.

    Returns
    -------
    direction : ndarray of int (K,)
        Index into :func:`lattice_directions`, -1 when farther than ``tolerance_deg``.
    family : ndarray of int (K,)
        Index into :data:`FAMILIES` (3 = other).
    angle_deg : ndarray (K,)
        Angle to the nearest direction.
    """
    dirs, fam = lattice_directions()
    dots = (np.atleast_2d(normals) @ rot) @ dirs.T
    best = dots.argmax(axis=1)
    angle = np.degrees(np.arccos(np.clip(dots[np.arange(len(dots)), best], -1.0, 1.0)))
    ok = angle <= tolerance_deg
    return np.where(ok, best, -1), np.where(ok, fam[best], 3), angle


@dataclass(frozen=True)
class NucleusFacets:
    """Convex-hull facets of one nucleus.

    Attributes
    ----------
    points : ndarray (M, 3)
        Unwrapped ion positions (Å).
    triangles : ndarray of int (T, 3)
        Hull triangles as indices into ``points``.
    triangle_facet : ndarray of int (T,)
        Facet of each triangle.
    normals : ndarray (F, 3)
        Area-weighted outward unit normal of each facet (sample frame).
    areas : ndarray (F,)
        Facet areas (Å^2).
    family : ndarray of int (F,)
        Index into :data:`FAMILIES`.
    angle_deg : ndarray (F,)
        Angle between the facet normal and the nearest low-index direction.
    surface : ndarray of bool (M,)
        Surface ions.
    ion_facet : ndarray of int (M,)
        Facet of each surface ion, -1 for bulk ions.
    """

    points: np.ndarray
    triangles: np.ndarray
    triangle_facet: np.ndarray
    normals: np.ndarray
    areas: np.ndarray
    family: np.ndarray
    angle_deg: np.ndarray
    surface: np.ndarray
    ion_facet: np.ndarray

    @property
    def total_area(self) -> float:
        return float(self.areas.sum())

    def family_areas(self) -> dict[str, float]:
        """Hull area of each family (Å^2), every family present as a key."""
        return {name: float(self.areas[self.family == k].sum()) for k, name in enumerate(FAMILIES)}

    def family_fractions(self) -> dict[str, float]:
        """Area fraction of each family (sums to 1)."""
        total = self.total_area
        return {k: (a / total if total > 0 else float("nan")) for k, a in self.family_areas().items()}

    def family_counts(self) -> dict[str, int]:
        """Number of merged facets of each family."""
        return {name: int(np.count_nonzero(self.family == k)) for k, name in enumerate(FAMILIES)}

    def ion_family(self) -> np.ndarray:
        """Family index of each ion's facet, -1 for bulk ions."""
        return np.where(self.ion_facet >= 0, self.family[np.maximum(self.ion_facet, 0)], -1)


def _absorb(facet: np.ndarray, a: np.ndarray, b: np.ndarray, area: np.ndarray, normals: np.ndarray,
            rot: np.ndarray, tolerance_deg: float, absorb_deg: float) -> np.ndarray:
    """Merge small off-lattice facets into a larger adjacent lattice facet.

    A facet whose mean normal is not within ``tolerance_deg`` of a low-index
    direction joins the larger adjacent facet whose lattice direction is closest to
    its normal, if closer than ``absorb_deg``. Facets are visited from the smallest
    and passes repeat until nothing changes. Returns the new facet of every
    triangle, renumbered by first triangle.
    """
    n_f = int(facet.max()) + 1
    f_area = np.bincount(facet, area, n_f)
    f_vec = np.stack([np.bincount(facet, area * normals[:, k], n_f) for k in range(3)], axis=1)
    dirs, _ = lattice_directions()
    sample_dirs = dirs @ rot.T

    f_dir, _, _ = classify_normals(f_vec / np.maximum(np.linalg.norm(f_vec, axis=1), 1e-300)[:, None], rot,
                                   tolerance_deg)
    fa, fb = facet[a], facet[b]
    cross = fa != fb
    adjacent: list[set] = [set() for _ in range(n_f)]
    for x, y in zip(fa[cross].tolist(), fb[cross].tolist()):
        adjacent[x].add(y)
    parent = np.arange(n_f)
    cos_max = np.cos(np.radians(absorb_deg))
    changed = True
    while changed:
        changed = False
        for f in np.lexsort((np.arange(n_f), f_area)).tolist():
            if parent[f] != f or f_dir[f] >= 0 or not adjacent[f]:
                continue
            nf = f_vec[f] / max(np.linalg.norm(f_vec[f]), 1e-300)
            best, best_cos = -1, cos_max
            for g in sorted(adjacent[f]):
                if f_dir[g] < 0 or (f_area[g], g) <= (f_area[f], f):
                    continue
                c = float(nf @ sample_dirs[f_dir[g]])
                if c > best_cos:
                    best, best_cos = g, c
            if best < 0:
                continue
            parent[f] = best
            f_area[best] += f_area[f]
            f_vec[best] += f_vec[f]
            for h in adjacent[f]:
                adjacent[h].discard(f)
                if h != best:
                    adjacent[h].add(best)
                    adjacent[best].add(h)
            adjacent[best].discard(f)
            adjacent[f] = set()
            changed = True
    root = parent.copy()
    while True:  # follow chains of absorptions to the final facet
        nxt = parent[root]
        if np.array_equal(nxt, root):
            break
        root = nxt
    merged = root[facet]
    _, first, new = np.unique(merged, return_index=True, return_inverse=True)
    return np.argsort(np.argsort(first))[new]


def nucleus_facets(points: np.ndarray, rot: np.ndarray, tolerance_deg: float = 15.0,
                   coplanar_deg: float = 2.0, surface: np.ndarray | None = None,
                   hull_mask: np.ndarray | None = None, absorb_deg: float = 25.0) -> NucleusFacets | None:
    """Hull facets of a nucleus classified in its crystal frame (module docstring).

    Parameters
    ----------
    points : ndarray (M, 3)
        Unwrapped positions of the nucleus ions.
    rot : ndarray (3, 3)
        Orientation from :func:`lattice_orientation`.
    tolerance_deg : float
        Largest angle between a facet normal and a low-index direction.
    coplanar_deg : float
        Adjacent triangles with normals closer than this merge whatever their direction.
    surface : ndarray of bool (M,), optional
        Surface ions (e.g. fewer than six neighbours in the nucleus); hull vertices are
        always surface ions (the default is hull vertices only).
    hull_mask : ndarray of bool (M,), optional
        Ions that shape the hull (default: all). Ions left out (adatoms) are
        surface ions assigned to the nearest facet plane.
    absorb_deg : float
        A facet off every low-index direction joins a larger adjacent {100}/{110}/{111}
        facet whose lattice direction is closer than this to its normal (the sides
        of the low pyramid an adatom raises over a face, rounding of jittered
        edges); below the 35.3° between the closest families; 0 disables.

    Returns
    -------
    NucleusFacets or None
        None when the hull is degenerate (fewer than four non-coplanar points) or
        the orientation is undefined.

    Notes
    -----
    O(M log M) for the hull, O(T) for the merge, O(S F) for assigning S surface ions to F facets.
    """
    points = np.asarray(points, dtype=np.float64)
    use = np.arange(len(points)) if hull_mask is None else np.flatnonzero(hull_mask)
    if len(use) < 4 or not np.all(np.isfinite(rot)):
        return None
    try:
        hull = ConvexHull(points[use])
    except (QhullError, ValueError):
        return None
    tri = use[hull.simplices]
    n_tri = len(tri)
    normals = hull.equations[:, :3]
    area = 0.5 * np.linalg.norm(np.cross(points[tri[:, 1]] - points[tri[:, 0]],
                                         points[tri[:, 2]] - points[tri[:, 0]]), axis=1)
    direction, _, _ = classify_normals(normals, rot, tolerance_deg)
    a = np.repeat(np.arange(n_tri), 3)
    b = hull.neighbors.ravel()
    same_dir = (direction[a] == direction[b]) & (direction[a] >= 0)
    coplanar = np.einsum("ij,ij->i", normals[a], normals[b]) > np.cos(np.radians(coplanar_deg))
    merge = same_dir | coplanar
    graph = coo_matrix((np.ones(int(merge.sum()), np.int8), (a[merge], b[merge])), shape=(n_tri, n_tri))
    _, raw = connected_components(graph, directed=False)
    # facets numbered by first triangle, so the numbering follows qhull's deterministic output
    _, first, facet = np.unique(raw, return_index=True, return_inverse=True)
    facet = np.argsort(np.argsort(first))[facet]
    if absorb_deg > 0:
        facet = _absorb(facet, a, b, area, normals, rot, tolerance_deg, absorb_deg)
    n_f = int(facet.max()) + 1
    f_area = np.bincount(facet, area, n_f)
    f_norm = np.stack([np.bincount(facet, area * normals[:, k], n_f) for k in range(3)], axis=1)
    f_norm /= np.maximum(np.linalg.norm(f_norm, axis=1), 1e-300)[:, None]
    _, f_family, f_angle = classify_normals(f_norm, rot, tolerance_deg)
    surface = np.zeros(len(points), dtype=bool) if surface is None else np.array(surface, dtype=bool)
    surface[use[hull.vertices]] = True  # a hull vertex is on the surface whatever its coordination
    if hull_mask is not None:
        surface[~np.asarray(hull_mask, dtype=bool)] = True
    ion_facet = np.full(len(points), -1, dtype=np.int64)
    # hull vertices: the facet of largest area among the triangles they span
    vert = tri.ravel()
    owner = np.repeat(facet, 3)
    order = np.lexsort((owner, -f_area[owner]))
    v_u, first_v = np.unique(vert[order], return_index=True)
    ion_facet[v_u] = owner[order][first_v]
    rest = np.flatnonzero(surface & (ion_facet < 0))
    if len(rest):
        centroid = points[tri].mean(axis=1)
        offset = np.bincount(facet, area * np.einsum("ij,ij->i", normals, centroid), n_f) / np.maximum(f_area, 1e-300)
        depth = offset[None, :] - points[rest] @ f_norm.T
        ion_facet[rest] = np.abs(depth).argmin(axis=1)
    return NucleusFacets(points=points, triangles=tri, triangle_facet=facet, normals=f_norm, areas=f_area,
                         family=f_family, angle_deg=f_angle, surface=surface, ion_facet=ion_facet)
