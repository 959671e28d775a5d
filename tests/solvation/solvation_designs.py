"""Designed first solvation shells of known composition (built in code, no files)."""

from __future__ import annotations

import numpy as np

from builders import Box, molecule, octahedral

R_NA_O = 2.30   # Na+-O(carbonyl) placed
R_NA_F = 2.30   # Na+-F placed
OCTA = np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]], dtype=float)


def _rotation(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Rotation matrix taking unit vector a onto unit vector b."""
    a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
    v, c = np.cross(a, b), float(np.dot(a, b))
    if c < -1 + 1e-9:  # antiparallel: half turn about any axis normal to a
        n = np.cross(a, [1.0, 0, 0] if abs(a[0]) < 0.9 else [0, 1.0, 0])
        n /= np.linalg.norm(n)
        return 2 * np.outer(n, n) - np.eye(3)
    k = np.array([[0, -v[2], v[1]], [v[2], 0, -v[0]], [-v[1], v[0], 0]])
    return np.eye(3) + k + k @ k / (1 + c)


def ligand(symbols, pos, tip: int, base: int, na: np.ndarray, u, r: float):
    """Place a molecule so that atom ``tip`` sits at ``na + r u`` with the ``base -> tip`` bond pointing at Na."""
    u = np.asarray(u, float) / np.linalg.norm(u)
    rot = _rotation(pos[tip] - pos[base], -u)
    p = (pos - pos[tip]) @ rot.T
    return symbols, p + na + r * u


EC = molecule("O=C1OCCO1")        # atom 0 carbonyl O, atom 1 carbonyl C
PF6 = octahedral()                # atom 0 P, atoms 1..6 F


def add_ec(box, na, u, tag="EC"):
    s, p = ligand(*EC, 0, 1, na, u, R_NA_O)
    box.add(s, p, (0, 0, 0), tag)


def add_pf6(box, na, u, tag="PF6-"):
    s, p = ligand(*PF6, 1, 0, na, u, R_NA_F)
    box.add(s, p, (0, 0, 0), tag)


def add_pf6_bidentate(box, na, u, tag="PF6-"):
    """PF6- touching Na with the edge of two cis F (both at 2.40 Å): Na on the F1-F3 edge bisector."""
    u = np.asarray(u, float) / np.linalg.norm(u)
    s, p = PF6
    w = 2.297  # (w - 1.6)^2 + w^2 = 2.40^2
    edge = np.array([w, w, 0.0])          # Na position relative to P in the PF6 frame
    rot = _rotation(-edge, u)             # Na->P direction along u
    box.add(s, (p - edge) @ rot.T + na, (0, 0, 0), tag)


def add_f(box, na, u, tag="F-"):
    u = np.asarray(u, float) / np.linalg.norm(u)
    box.add(["F"], [na + R_NA_F * u], (0, 0, 0), tag)


def add_na(box, at, tag="Na+"):
    box.add(["Na"], [np.asarray(at, float)], (0, 0, 0), tag)
    return np.asarray(at, float)


#: expected (cn, n_solvent_O, n_anion_atoms, n_anions, category) per Na, in order of creation
EXPECTED = [
    (4, 4, 0, 0, "SSIP"),
    (6, 6, 0, 0, "SSIP"),
    (5, 5, 0, 0, "SSIP"),
    (4, 3, 1, 1, "CIP"),
    (5, 4, 1, 1, "CIP"),
    (5, 3, 2, 1, "CIP"),
    (4, 3, 1, 1, "AGG"),
    (4, 3, 1, 1, "AGG"),
    (4, 2, 2, 2, "AGG"),
]


def designed_box(length: float = 80.0, spacing: float = 20.0) -> Box:
    """Nine Na+ with designed first shells (3 SSIP, 3 CIP, 3 AGG) and one free PF6-, far apart."""
    box = Box([length] * 3)
    sites = iter(np.array([(i, j, k) for k in range(4) for j in range(4) for i in range(4)]) * spacing + 10.0)
    x, y, z = OCTA[0], OCTA[2], OCTA[4]
    na = add_na(box, next(sites))                       # SSIP, 4 EC
    for u in OCTA[:4]:
        add_ec(box, na, u)
    na = add_na(box, next(sites))                       # SSIP, 6 EC
    for u in OCTA:
        add_ec(box, na, u)
    na = add_na(box, next(sites))                       # SSIP, 5 EC
    for u in OCTA[:5]:
        add_ec(box, na, u)
    na = add_na(box, next(sites))                       # CIP, monodentate PF6- + 3 EC
    add_pf6(box, na, x)
    for u in OCTA[1:4]:
        add_ec(box, na, u)
    na = add_na(box, next(sites))                       # CIP, F- + 4 EC
    add_f(box, na, x)
    for u in OCTA[1:5]:
        add_ec(box, na, u)
    na = add_na(box, next(sites))                       # CIP, bidentate PF6- + 3 EC
    add_pf6_bidentate(box, na, -(x + y))
    for u in (x + y, z, -z):
        add_ec(box, na, u)
    c = next(sites)                                     # AGG pair sharing one F-
    box.add(["F"], [c], (0, 0, 0), "F-")
    for sign in (1, -1):
        na = add_na(box, c + sign * R_NA_F * x)
        for u in (sign * x, y, -y):
            add_ec(box, na, u)
    na = add_na(box, next(sites))                       # AGG, PF6- + F- + 2 EC
    add_pf6(box, na, x)
    add_f(box, na, -x)
    for u in (y, -y):
        add_ec(box, na, u)
    box.add(*PF6, next(sites), "free PF6-")             # an anion touching no cation
    return box


def min_foreign_distance(box: Box) -> float:
    """Smallest distance between atoms of different groups, Na excluded (design sanity)."""
    pos = np.concatenate(box.positions)
    group = np.concatenate([np.full(len(idx), g) for g, (_, idx) in enumerate(box.groups)])
    keep = np.asarray(box.symbols) != "Na"
    pos, group = pos[keep], group[keep]
    d = np.linalg.norm(pos[:, None] - pos[None], axis=2)
    d[group[:, None] == group[None]] = np.inf
    return float(d.min())
