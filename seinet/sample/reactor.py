"""Interface reactors: small periodic cells carved from an interface configuration.

Definition (docs/sampling.md)
-----------------------------
A reactor is one lateral tile of the electrode surface with the electrolyte touching it:

1. seinet's own chemistry partitions the configuration (:class:`seinet.species.Partitioner`):
   covalent fragments (molecules, anions) are units that are never cut; alkali atoms are
   metal or ions, as in ``seinet analyze``. The electrode and its faces come from
   :func:`seinet.interface.electrode.find_electrode`, as in the interface stage.
2. The lateral cell is cut into ``divisions`` = (ka, kb) tiles of a/ka x b/kb. A tile of a
   slab with a multiple of ka x kb surface cells is commensurate with the lattice, so the
   carved metal is a perfect periodic slab again; after MD the tile edges carry the
   disorder the metal had.
3. Kept: metal atoms of the tile within ``slab_depth_A`` below the chosen face, and every
   unit (whole) whose centroid lies over the tile and whose lowest atom is within
   ``liquid_depth_A`` above the face.
4. The cell is the tile laterally, and along the normal the content plus ``vacuum_A``:
   periodic in all directions (qNEP and the labelling codes need it), with a vacuum gap
   that keeps the back of the slab from the top of the liquid (more than a NEP cutoff).
5. Units that come closer than ``clash_factor`` x (sum of covalent radii) to another atom
   across the new lateral boundaries are removed (farthest from the surface first), then
   units farthest from the surface until at most ``max_atoms`` remain (the metal is never
   cut below its tile).
6. The cell is neutral (``info["charge"] = 0``): the metal holds or gives the electrons that
   the carved ions do not balance, which is what a metal electrode does.

The bottom face is carved by mirroring the configuration along the normal, so both faces
give reactors with the metal below and the liquid above.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ..errors import ConfigError
from ..frame import Frame
from .contacts import covalent_radii

__all__ = ["ReactorSettings", "carve_reactor", "carve_reactors", "reactor_windows"]


@dataclass(frozen=True)
class ReactorSettings:
    """How reactors are carved (module docstring).

    Parameters
    ----------
    divisions : tuple of 2 int
        Lateral tiles along a and b.
    slab_depth_A : float
        Metal kept below the face (4.5 Å: three Na(100) layers at 2.15 Å spacing).
    liquid_depth_A : float
        Units whose lowest atom is at most this high above the face are kept.
    vacuum_A : float
        Empty gap along the normal between periodic images.
    max_atoms : int
        Largest reactor (labelling cost grows as N^3 in DFT).
    clash_factor : float
        Atoms of different units closer than this times the sum of their covalent radii
        clash across the new boundaries.
    faces : tuple of str
        ``"top"``, ``"bottom"`` or both.
    """

    divisions: tuple[int, int] = (2, 2)
    slab_depth_A: float = 4.5
    liquid_depth_A: float = 6.0
    vacuum_A: float = 8.0
    max_atoms: int = 150
    clash_factor: float = 0.7
    faces: tuple[str, ...] = ("top", "bottom")

    def __post_init__(self) -> None:
        ka, kb = (int(k) for k in self.divisions)
        problems = []
        if ka < 1 or kb < 1:
            problems.append(f"divisions must be positive (got {self.divisions})")
        if not (self.slab_depth_A > 0 and self.liquid_depth_A > 0 and self.vacuum_A > 0):
            problems.append("slab_depth_A, liquid_depth_A and vacuum_A must be > 0")
        if int(self.max_atoms) < 2:
            problems.append(f"max_atoms must be >= 2 (got {self.max_atoms})")
        if not 0 < self.clash_factor < 1.5:
            problems.append(f"clash_factor must be in (0, 1.5) (got {self.clash_factor})")
        if not self.faces or set(self.faces) - {"top", "bottom"}:
            problems.append(f"faces must be top and/or bottom (got {self.faces})")
        if problems:
            raise ConfigError("reactor settings: " + "; ".join(problems))

    def as_dict(self) -> dict:
        d = asdict(self)
        d["divisions"], d["faces"] = list(self.divisions), list(self.faces)
        return d


def reactor_windows(settings: ReactorSettings) -> list[tuple[int, int, str]]:
    """Every (tile a, tile b, face) of a configuration, in carving order."""
    ka, kb = settings.divisions
    return [(i, j, face) for face in settings.faces for i in range(ka) for j in range(kb)]


def _partition(atoms):
    from ..species import Partitioner

    symbols = np.asarray(atoms.get_chemical_symbols())
    frame = Frame(index=0, symbols=symbols, positions=np.asarray(atoms.positions, dtype=float),
                  cell=np.asarray(atoms.cell.array, dtype=float))
    return Partitioner(symbols).partition(frame)


def carve_reactor(atoms, tile: tuple[int, int] = (0, 0), face: str = "top",
                  settings: ReactorSettings = ReactorSettings(), *, partition=None):
    """Carve one reactor (module docstring).

    Parameters
    ----------
    atoms : ase.Atoms
        A periodic interface configuration (metal slab and electrolyte, normal along c).
    tile : (int, int)
        Which lateral tile.
    face : {"top", "bottom"}
    settings : ReactorSettings
    partition : FramePartition, optional
        The configuration's partition, when already computed (:func:`carve_reactors`).

    Returns
    -------
    ase.Atoms
        Metal first (by height), then the units in order of height; ``info`` holds
        ``charge`` 0 and ``reactor`` (tile, face, counts, what was removed).

    Raises
    ------
    ConfigError
        No cell, no electrode, or a metal tile larger than ``max_atoms``.
    """
    from ase import Atoms

    from ..interface.electrode import find_electrode, fractional

    cell = np.asarray(atoms.cell.array, dtype=float)
    if abs(np.linalg.det(cell)) < 1e-6 or not np.all(atoms.pbc):
        raise ConfigError("a reactor is carved from a periodic configuration with a full cell")
    ka, kb = (int(k) for k in settings.divisions)
    i, j = (int(t) for t in tile)
    if not (0 <= i < ka and 0 <= j < kb):
        raise ConfigError(f"tile {tile} outside the {ka} x {kb} divisions")
    if face not in ("top", "bottom"):
        raise ConfigError(f"face must be top or bottom (got {face!r})")
    part = _partition(atoms) if partition is None else partition
    frac = fractional(atoms.positions, cell)
    metal = np.flatnonzero(part.state == 1)
    electrode = find_electrode(frac, metal, cell, axis=2)
    if electrode is None:
        raise ConfigError("no metal electrode with a surface in the configuration (a reactor needs a slab)")
    # heights above the slab centre, mirrored for the bottom face so the chosen face is on top
    sign = 1.0 if face == "top" else -1.0
    rel = sign * electrode.relative_height(frac)
    face_h = electrode.top_A if face == "top" else -electrode.bottom_A
    em = electrode.atoms
    shift = _tile_origin(frac[em, :2] * (ka, kb))
    # tile-fractional lateral coordinates, tile = [0,1)^2, its edges between metal rows
    periods = np.array([ka, kb], dtype=float)
    lateral = np.mod(frac[:, :2] * periods - shift, periods) - (i, j)

    in_tile = lambda x: np.all((x >= 0.0) & (x < 1.0), axis=-1)  # noqa: E731
    keep_metal = np.zeros(len(atoms), dtype=bool)
    keep_metal[em] = in_tile(lateral[em]) & (rel[em] >= face_h - settings.slab_depth_A)
    # units: covalent fragments whole; alkali atoms that are not electrode atoms one by one
    is_electrode = np.zeros(len(atoms), dtype=bool)
    is_electrode[em] = True
    unit = np.where(is_electrode, -1, part.fragment).astype(np.int64)
    units = np.unique(unit[unit >= 0])
    tile_cell = np.array([cell[0] / ka, cell[1] / kb])
    kept_units, unit_atoms = [], {}
    for u in units:
        members = np.flatnonzero(unit == u)
        # unwrap the unit around its first atom (minimum image in the full cell)
        d = frac[members] - frac[members[0]]
        d -= np.round(d)
        f = frac[members[0]] + d
        centroid = f.mean(axis=0)
        lat = np.mod(centroid[:2] * periods - shift, periods) - (i, j)
        if not in_tile(lat):
            continue
        h = sign * (electrode.relative_height(f - np.floor(f)))
        if h.min() < face_h - 1.0 or h.min() > face_h + settings.liquid_depth_A:
            continue
        kept_units.append((float(h.min()), int(u)))
        unit_atoms[int(u)] = (members, f)
    kept_units.sort()
    metal_idx = np.flatnonzero(keep_metal)
    if len(metal_idx) > settings.max_atoms:
        raise ConfigError(f"the metal of one tile has {len(metal_idx)} atoms, more than max_atoms="
                          f"{settings.max_atoms}: use more divisions or a smaller slab_depth_A")
    normal = np.cross(cell[0], cell[1])
    normal /= np.linalg.norm(normal)

    def place(f_atoms: np.ndarray, heights: np.ndarray) -> np.ndarray:
        lat = f_atoms[:, :2] * (ka, kb) - (i, j) - shift
        return lat @ tile_cell + np.outer(heights - (face_h - settings.slab_depth_A), normal)

    pieces_sym, pieces_pos, origin = [], [], []
    if len(metal_idx):
        order = metal_idx[np.argsort(rel[metal_idx], kind="stable")]
        pieces_sym.append(np.asarray(atoms.get_chemical_symbols())[order])
        pieces_pos.append(place(frac[order], rel[order]))
        origin.append(order)
    symbols_all = np.asarray(atoms.get_chemical_symbols())
    for _, u in kept_units:
        members, f = unit_atoms[u]
        pieces_sym.append(symbols_all[members])
        pieces_pos.append(place(f, sign * electrode.relative_height(f - np.floor(f))))
        origin.append(members)
    symbols = np.concatenate(pieces_sym)
    positions = np.vstack(pieces_pos)
    source = np.concatenate(origin)
    owner = np.concatenate([np.full(len(metal_idx), -1)] + [np.full(len(unit_atoms[u][0]), k)
                                                          for k, (_, u) in enumerate(kept_units)])
    height = float((positions @ normal).max()) if len(positions) else 0.0
    new_cell = np.array([tile_cell[0], tile_cell[1], normal * (max(height, 0.0) + settings.vacuum_A)])
    reactor = Atoms(symbols.tolist(), positions=positions, cell=new_cell, pbc=True)
    reactor, removed_clash, removed_budget = _prune(reactor, owner, source, settings)
    reactor.wrap()
    reactor.info["charge"] = 0
    reactor.info["reactor"] = {"tile": [i, j], "face": face, "divisions": [ka, kb], "n_metal": int(len(metal_idx)),
                               "n_units": int(len(kept_units) - removed_clash - removed_budget),
                               "removed_clash": int(removed_clash), "removed_budget": int(removed_budget),
                               "n_atoms": int(len(reactor))}
    return reactor


def _tile_origin(tile_coords: np.ndarray) -> np.ndarray:
    """Offset (in tile units, per lateral axis) that puts the tile edges in the middle of the
    widest empty stripe between metal atoms, so no atom sits on an edge and a perfect lattice
    gives every tile the same atoms."""
    shift = np.zeros(2)
    for axis in range(2):
        v = np.sort(np.mod(tile_coords[:, axis], 1.0))
        if len(v) == 0:
            continue
        gaps = np.append(np.diff(v), v[0] + 1.0 - v[-1])
        k = int(np.argmax(gaps))
        shift[axis] = (v[k] + 0.5 * gaps[k]) % 1.0
    return shift


def _prune(reactor, owner: np.ndarray, source: np.ndarray, settings: ReactorSettings):
    """Remove clashing units, then the highest units beyond ``max_atoms``; metal stays."""
    from ase.neighborlist import neighbor_list

    radii = covalent_radii(reactor.get_chemical_symbols())
    removed: set[int] = set()
    i, j, d = neighbor_list("ijd", reactor, float(2 * settings.clash_factor * radii.max()))
    close = (d < settings.clash_factor * (radii[i] + radii[j])) & (owner[i] != owner[j])
    # a clash is new only across the tile boundaries; resolve it by removing the higher unit
    # (units are numbered bottom-up, so the larger owner index is the higher one)
    for a, b in zip(i[close], j[close]):
        oa, ob = int(owner[a]), int(owner[b])
        if oa in removed or ob in removed:
            continue
        removed.add(max(oa, ob))  # metal (-1) is never the larger
    n_clash = len(removed)
    n_units = int(owner.max()) + 1 if len(owner) else 0
    sizes = np.bincount(owner[owner >= 0], minlength=n_units)
    total = len(reactor) - int(sum(sizes[u] for u in removed))
    n_budget = 0
    for u in range(n_units - 1, -1, -1):
        if total <= settings.max_atoms:
            break
        if u in removed:
            continue
        removed.add(u)
        total -= int(sizes[u])
        n_budget += 1
    keep = ~np.isin(owner, sorted(removed))
    return reactor[keep], n_clash, n_budget


def carve_reactors(atoms, settings: ReactorSettings = ReactorSettings()) -> list:
    """Every reactor of one configuration (:func:`reactor_windows` order); empty tiles are skipped.

    Returns
    -------
    list of ase.Atoms
    """
    part = _partition(atoms)
    out = []
    for i, j, face in reactor_windows(settings):
        reactor = carve_reactor(atoms, (i, j), face, settings, partition=part)
        if reactor.info["reactor"]["n_units"] > 0:
            out.append(reactor)
    return out
