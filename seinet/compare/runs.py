"""A run directory read back as tables: what ``seinet compare`` works from (never the trajectory)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import SeinetError

__all__ = ["RunTables", "load_run"]

_OPTIONAL_CSV = ("sei", "na_inventory", "gases", "solvation", "electrode", "reactions", "nucleation")


@dataclass(frozen=True)
class RunTables:
    """The tables of one run directory; optional tables are None when the run has none.

    Attributes
    ----------
    path : Path
    label : str
        Condition label (replicas share it).
    manifest : dict
    species, counts : DataFrame
        species.csv and species_counts.csv.
    sei, na_inventory, gases, solvation, electrode, reactions, nucleation : DataFrame or None
    transport : DataFrame or None
        transport.parquet.
    """

    path: Path
    label: str
    manifest: dict
    species: pd.DataFrame
    counts: pd.DataFrame
    sei: pd.DataFrame | None = None
    na_inventory: pd.DataFrame | None = None
    gases: pd.DataFrame | None = None
    solvation: pd.DataFrame | None = None
    electrode: pd.DataFrame | None = None
    reactions: pd.DataFrame | None = None
    nucleation: pd.DataFrame | None = None
    transport: pd.DataFrame | None = None

    @property
    def name(self) -> str:
        return self.path.name


def load_run(path: str | os.PathLike, label: str | None = None) -> RunTables:
    """Read a run directory written by ``seinet analyze``.

    Raises
    ------
    SeinetError
        When ``path`` is not a run directory (no manifest.json / species tables) or a table is unreadable.
    """
    path = Path(path)
    manifest_path = path / "manifest.json"
    if not manifest_path.is_file() or not (path / "species_counts.csv").is_file():
        raise SeinetError(f"{path}: not a run directory of seinet analyze (no manifest.json or species_counts.csv)")
    try:
        manifest = json.loads(manifest_path.read_text())
        tables = {"species": pd.read_csv(path / "species.csv"), "counts": pd.read_csv(path / "species_counts.csv")}
        for name in _OPTIONAL_CSV:
            f = path / f"{name}.csv"
            tables[name] = pd.read_csv(f) if f.is_file() else None
        f = path / "transport.parquet"
        tables["transport"] = pd.read_parquet(f) if f.is_file() else None
    except (OSError, ValueError, json.JSONDecodeError) as exc:
        raise SeinetError(f"{path}: cannot read the run directory ({type(exc).__name__}: {exc})") from None
    if label is None:
        label = default_label(path, manifest)
    return RunTables(path=path, label=label, manifest=manifest, **tables)


def default_label(path: Path, manifest: dict) -> str:
    """The condition a run belongs to when the user names none: the run directory's name."""
    return path.name
