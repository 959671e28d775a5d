"""Named systems ready to simulate: sodium | electrolyte interfaces and bulk electrolyte boxes.

- ``na-ec``: Na(100) 4x4, 6 layers + 56 EC + 4 NaPF6 (1 M) on both faces: 688 atoms.
- ``na-dme``: Na(100) 4x4, 6 layers + 36 DME + 4 NaPF6 (1 M) on both faces: 704 atoms.
- ``bulk-ec-0.5M``: 29 EC + 1 NaPF6 (298 atoms); ``bulk-ec-1M``: 28 EC + 2 NaPF6 (296);
  ``bulk-ec-2M``: 26 EC + 4 NaPF6 (292).
- ``bulk-dme-0.5M``: 19 DME + 1 NaPF6 (312 atoms); ``bulk-dme-1M``: 18 DME + 2 NaPF6 (304);
  ``bulk-dme-2M``: 17 DME + 4 NaPF6 (304).

The default solvent counts give about 300 atoms per bulk box and a rounded number of salt pairs
within 2.5 % of the nominal molarity (the molarity built is in ``atoms.info["seinet"]``).
``n_solvent`` scales a preset up (or down, for tests); ``seed`` makes it reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .builders import electrolyte_box, interface, slab
from .errors import SimulationConfigError

__all__ = ["Preset", "PRESETS", "build_preset"]


@dataclass(frozen=True)
class Preset:
    """A named system.

    Parameters
    ----------
    name : str
    description : str
    solvents : tuple of (str, float)
        Solvent names and mole fractions.
    molarity_M : float
        Nominal NaPF6 molarity.
    n_solvent : int
        Default number of solvent molecules.
    facet : str or None
        Na slab facet for an interface; None for a bulk electrolyte box.
    slab_size : tuple of 2 int
    slab_layers : int
    gap_A : float
    """

    name: str
    description: str
    solvents: tuple[tuple[str, float], ...]
    molarity_M: float
    n_solvent: int
    facet: str | None = None
    slab_size: tuple[int, int] = (4, 4)
    slab_layers: int = 6
    gap_A: float = 2.0

    def as_dict(self) -> dict:
        return {"name": self.name, "description": self.description, "solvents": dict(self.solvents),
                "molarity_M": self.molarity_M, "n_solvent": self.n_solvent, "facet": self.facet,
                "slab_size": list(self.slab_size), "slab_layers": self.slab_layers, "gap_A": self.gap_A}


def _bulk(solvent: str, molarity: float, n: int) -> Preset:
    label = f"{molarity:g}M"
    return Preset(f"bulk-{solvent.lower()}-{label}", f"{molarity:g} M NaPF6 in {solvent}, cubic periodic box",
                  ((solvent, 1.0),), molarity, n)


#: Every preset by name.
PRESETS: dict[str, Preset] = {p.name: p for p in [
    Preset("na-ec", "Na(100) slab | 1 M NaPF6 in EC on both faces, periodic along z", (("EC", 1.0),), 1.0, 56,
           facet="100"),
    Preset("na-dme", "Na(100) slab | 1 M NaPF6 in DME on both faces, periodic along z", (("DME", 1.0),), 1.0,
           36, facet="100"),
    _bulk("EC", 0.5, 29), _bulk("EC", 1.0, 28), _bulk("EC", 2.0, 26),
    _bulk("DME", 0.5, 19), _bulk("DME", 1.0, 18), _bulk("DME", 2.0, 17),
]}


def build_preset(name: str, *, n_solvent: int | None = None, seed: int = 0, slab_size: tuple[int, int] | None = None,
                 slab_layers: int | None = None):
    """Build a preset system.

    Parameters
    ----------
    name : str
        A key of :data:`PRESETS`.
    n_solvent : int, optional
        Solvent molecules (default: the preset's).
    seed : int
        Seed of the molecule embedding and of packmol.
    slab_size, slab_layers : optional
        Override the slab of an interface preset.

    Returns
    -------
    ase.Atoms
        ``info["seinet"]["preset"]`` holds the preset as built (its ``n_solvent``, ``slab_size``
        and ``slab_layers`` are the values used, overrides included).

    Raises
    ------
    SimulationConfigError
        Unknown name; ``slab_size`` or ``slab_layers`` for a bulk preset.
    """
    if name not in PRESETS:
        raise SimulationConfigError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}")
    p = PRESETS[name]
    if p.facet is None and (slab_size is not None or slab_layers is not None):
        raise SimulationConfigError(f"{name} is a bulk electrolyte preset; slab_size and slab_layers apply to "
                                    f"interface presets ({', '.join(k for k, v in PRESETS.items() if v.facet)})")
    p = replace(p, n_solvent=p.n_solvent if n_solvent is None else int(n_solvent),
                slab_size=p.slab_size if slab_size is None else tuple(int(v) for v in slab_size),
                slab_layers=p.slab_layers if slab_layers is None else int(slab_layers))
    solvents = dict(p.solvents)
    if p.facet is None:
        atoms = electrolyte_box(solvents, p.molarity_M, p.n_solvent, seed=seed)
    else:
        metal = slab(p.facet, p.slab_size, p.slab_layers)
        atoms = interface(metal, solvents, p.molarity_M, p.n_solvent, gap_A=p.gap_A, seed=seed)
    atoms.info["seinet"]["preset"] = p.as_dict()
    return atoms
