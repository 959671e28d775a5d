"""``train``: labelled structures in, a trained NEP / qNEP model and its report out.

``train(structures, "runs/nep0")`` splits the structures (seeded), writes ``train.xyz``,
``test.xyz`` and ``nep.in``, runs the trainer (:mod:`.backends`), reads the predictions back
(:mod:`.results`), writes ``metrics.json`` and the figures, and returns a :class:`TrainResult`.
The directory is written atomically (:class:`seinet.run.RunDirectory`): a failed training
leaves no directory, and an existing one is replaced only with ``overwrite=True`` and only once
the new one is complete.

Directory contents: ``nep.in``, ``train.xyz``, ``test.xyz`` (when there is a test set),
``nep.txt`` (the model after the last step; neppo also writes ``nep_best.txt``, the model with
the lowest test loss), ``loss.out``, the prediction files ``{energy,force,virial,stress,charge}_
{train,test}.out``, ``reference_charge_{train,test}.out`` (labels' partial charges),
``reference_energies.json`` (when energies were shifted), ``train.log`` (the trainer's output),
``metrics.json`` and ``figures/`` (``parity.png``, ``loss.png``, ``descriptor_pca.png``).
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import __version__
from ..elements import ATOMIC_NUMBER
from ..run import RunDirectory
from ..simulate.errors import SimulationConfigError
from .backends import neppo_version, resolve_backend, run_nep, run_neppo
from .reference import fit_reference_energies
from .results import RMSE_COLUMNS, compute_rmse, read_loss, read_parity, write_reference_charges
from .settings import NEPSettings
from .split import split_train_test

__all__ = ["TrainResult", "train", "write_figures", "load_result", "model_types"]

log = logging.getLogger(__name__)

_SETS = ("train", "test")


@dataclass(frozen=True)
class TrainResult:
    """A finished training.

    Attributes
    ----------
    directory : pathlib.Path
    model_path : pathlib.Path
        ``directory / "nep.txt"``, the trained model.
    backend : {"neppo", "nep"}
    settings : NEPSettings
    types : tuple of str
        Elements of the model, in its type order.
    rmse : dict
        ``{"train": {...}, "test": {...}}`` with the columns of
        :data:`seinet.train.results.RMSE_COLUMNS` (energy meV/atom, force meV/Å, virial meV/atom,
        charge e/atom for a qNEP, partial charges e; NaN where they do not apply); no ``test``
        without a test set.
    n_train, n_test : int
        Structures in each set.
    wall_s : float
        Wall time of the whole call.
    reference_energies : dict or None
        eV per element subtracted from the energies before training.
    figures : tuple of pathlib.Path
    """

    directory: Path
    model_path: Path
    backend: str
    settings: NEPSettings
    types: tuple[str, ...]
    rmse: dict
    n_train: int
    n_test: int
    wall_s: float
    reference_energies: dict | None = None
    figures: tuple[Path, ...] = field(default=())

    def to_dataframe(self) -> pd.DataFrame:
        """The RMSE table: one row per set (index ``set``), the :data:`RMSE_COLUMNS`."""
        rows = [{"set": label, **self.rmse[label]} for label in _SETS if label in self.rmse]
        return pd.DataFrame(rows, columns=["set", *RMSE_COLUMNS]).set_index("set")


def _as_list(structures) -> list:
    if structures is None:
        return []
    if hasattr(structures, "get_positions"):
        return [structures]
    return list(structures)


def _z(symbol: str) -> tuple[int, str]:
    return ATOMIC_NUMBER.get(symbol, 10_000), symbol


def model_types(structures, types=None) -> tuple[str, ...]:
    """The model's elements: ``types`` if given (checked to cover every structure), else the
    elements present, ordered by atomic number.

    Raises
    ------
    SimulationConfigError
        An element of a structure missing from ``types``.
    """
    present = {s for atoms in structures for s in atoms.get_chemical_symbols()}
    if types is None:
        return tuple(sorted(present, key=_z))
    types = tuple(str(t) for t in types)
    missing = sorted(present - set(types), key=_z)
    if missing:
        raise SimulationConfigError(f"types {' '.join(types)} lack {', '.join(missing)}, present in the structures")
    return types


def _json_ready(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if isinstance(value, (np.floating, np.integer)):
        return _json_ready(value.item())
    return value


def _from_json(value):
    return {k: (math.nan if v is None else v) for k, v in value.items()}


def train(structures, directory: str | os.PathLike, settings: NEPSettings | None = None, *, test=None,
          test_fraction: float = 0.2, seed: int = 0, backend: str = "auto", types=None,
          reference_energies: dict | str | None = None, threads: int = 1, device: str = "cpu",
          executable: str | os.PathLike | None = None, figures: bool = True, overwrite: bool = False) -> TrainResult:
    """Train a NEP / qNEP model on labelled structures.

    Parameters
    ----------
    structures : ase.Atoms or sequence of ase.Atoms
        Labelled structures (energy and forces; stress for periodic cells; partial charges
        optional), as :func:`seinet.simulate.labelling.label` returns them. ``info["charge"]``
        is the total charge (qNEP), ``info["config_type"]`` is kept (the PCA colours by it).
    directory : path
        Training directory to create (module docstring for its contents).
    settings : NEPSettings, optional
        Model and training settings (default ``NEPSettings()``: a qNEP, ``charge_mode`` 1).
    test : sequence of ase.Atoms, optional
        An explicit test set; then every structure of ``structures`` trains and
        ``test_fraction`` is ignored.
    test_fraction : float
        Fraction of ``structures`` held out for testing, drawn with ``seed``
        (:func:`seinet.train.split.split_train_test`: at least one structure in each set when
        there are two or more; 0 for no test set).
    seed : int
        Seed of the split (``settings.seed`` seeds the training).
    backend : {"auto", "neppo", "nep"}
        ``auto``: GPUMD's nep when it is found (``$SEINET_NEP`` or PATH), else neppo.
    types : sequence of str, optional
        The model's elements in order (default: those present, by atomic number); give them to
        keep the type order fixed between sampling rounds.
    reference_energies : dict or "fit", optional
        eV per element subtracted from every energy before training; ``"fit"`` fits them to the
        training structures (:func:`seinet.train.reference.fit_reference_energies`).
    threads : int
        CPU threads of neppo.
    device : str
        neppo's torch device (``cpu``).
    executable : path, optional
        GPUMD's nep executable.
    figures : bool
        Write ``figures/`` (parity, loss curves, descriptor PCA).
    overwrite : bool
        Replace an existing ``directory`` once the new one is complete.

    Returns
    -------
    TrainResult

    Raises
    ------
    SimulationConfigError
        Bad settings, no structures, missing neppo/torch (one line naming
        ``pip install 'seinet[train]'``), an unknown backend, types lacking an element.
    ExecutableNotFoundError
        ``backend="nep"`` without GPUMD's nep.
    TrainingError
        The trainer failed (the directory and the last line of its log).
    SeinetError
        ``directory`` exists and ``overwrite`` is False.

    Notes
    -----
    neppo with a seed is deterministic on the CPU: two runs give a byte-identical ``nep.txt``
    (tests/train/test_train_neppo.py), also with 2 threads. GPUMD's nep (SNES) takes no seed.
    """
    start = time.perf_counter()
    settings = NEPSettings() if settings is None else settings
    if not isinstance(settings, NEPSettings):
        raise SimulationConfigError(f"settings must be a NEPSettings (got {type(settings).__name__})")
    name, executable = resolve_backend(backend, executable)
    structures = _as_list(structures)
    if not structures:
        raise SimulationConfigError("no structures to train on")
    if test is None:
        train_set, test_set = split_train_test(structures, test_fraction, seed)
    else:
        train_set, test_set = structures, _as_list(test)
    types = model_types(train_set + test_set, types)
    if isinstance(reference_energies, str):
        if reference_energies != "fit":
            raise SimulationConfigError(f"reference_energies must be a dict or 'fit' (got {reference_energies!r})")
        reference_energies = fit_reference_energies(train_set)
    target = Path(directory)
    with RunDirectory(target, overwrite=overwrite) as tmp:
        from ..simulate.labelling import write_training_xyz

        write_training_xyz(train_set, tmp / "train.xyz", reference_energies=reference_energies)
        write_reference_charges(train_set, tmp / "reference_charge_train.out")
        if test_set:
            write_training_xyz(test_set, tmp / "test.xyz", reference_energies=reference_energies)
            write_reference_charges(test_set, tmp / "reference_charge_test.out")
        (tmp / "nep.in").write_text(settings.nep_in(types, backend=name))
        if reference_energies is not None:
            (tmp / "reference_energies.json").write_text(json.dumps(reference_energies, indent=2) + "\n")
        log.info("training %s (%d train, %d test structures, types %s) in %s", name, len(train_set), len(test_set),
                 " ".join(types), target)
        train_start = time.perf_counter()
        if name == "neppo":
            run_neppo(tmp, threads=threads, device=device, shown=str(target))
        else:
            run_nep(tmp, executable, shown=str(target))
        train_s = time.perf_counter() - train_start
        rmse = {}
        for label in _SETS:
            parity = read_parity(tmp, label)
            if parity is not None:
                rmse[label] = compute_rmse(parity)
        metrics = {
            "seinet": __version__, "backend": name,
            "trainer": str(executable) if executable else f"neppo {neppo_version()}",
            "device": device if name == "neppo" else "gpu", "threads": int(threads) if name == "neppo" else None,
            "types": list(types), "settings": settings.as_dict(),
            "split": {"seed": int(seed), "test_fraction": None if test is not None else float(test_fraction),
                      "explicit_test_set": test is not None},
            "n_train": len(train_set), "n_test": len(test_set),
            "n_atoms_train": int(sum(len(a) for a in train_set)), "n_atoms_test": int(sum(len(a) for a in test_set)),
            "reference_energies": reference_energies, "rmse": rmse,
            "train_s": round(train_s, 3),
        }
        figure_paths = write_figures(tmp) if figures else []
        metrics["wall_s"] = round(time.perf_counter() - start, 3)
        (tmp / "metrics.json").write_text(json.dumps(_json_ready(metrics), indent=2) + "\n")
    return TrainResult(directory=target, model_path=target / "nep.txt", backend=name, settings=settings, types=types,
                       rmse=rmse, n_train=len(train_set), n_test=len(test_set), wall_s=metrics["wall_s"],
                       reference_energies=reference_energies,
                       figures=tuple(target / p.relative_to(tmp) for p in figure_paths))


def write_figures(directory: str | os.PathLike, out: str | os.PathLike | None = None) -> list[Path]:
    """Draw the figures of a training directory into ``out`` (default ``directory/figures``).

    ``parity.png`` (energy, force, virial when present, charge for a qNEP; train and test),
    ``loss.png`` (loss curves) and ``descriptor_pca.png`` (mean descriptors of the training and
    test structures in the trained model, coloured by ``config_type``).

    Returns
    -------
    list of pathlib.Path
        The figures written.
    """
    from ..plot.training import plot_descriptor_pca, plot_loss, plot_parity
    from .pca import descriptor_pca

    directory = Path(directory)
    out = directory / "figures" if out is None else Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    parities = {label: read_parity(directory, label) for label in _SETS}
    plot_parity(parities, out / "parity.png")
    written.append(out / "parity.png")
    if (directory / "loss.out").is_file():
        plot_loss(read_loss(directory), out / "loss.png")
        written.append(out / "loss.png")
    import ase.io

    sets = {label: ase.io.read(directory / f"{label}.xyz", ":", format="extxyz")
            for label in _SETS if (directory / f"{label}.xyz").is_file()}
    try:
        pca = descriptor_pca(sets, directory / "nep.txt")
    except Exception as exc:  # calorine cannot read the model: the other figures still stand
        log.warning("no descriptor PCA for %s: %s", directory, exc)
    else:
        pca.table.to_csv(out / "descriptor_pca.csv", index=False, float_format="%.8g")
        plot_descriptor_pca(pca, out / "descriptor_pca.png")
        written.append(out / "descriptor_pca.png")
    return written


def load_result(directory: str | os.PathLike) -> TrainResult:
    """The :class:`TrainResult` of a finished training directory (from its ``metrics.json``)."""
    directory = Path(directory)
    path = directory / "metrics.json"
    if not path.is_file():
        raise SimulationConfigError(f"{path} not found: is {directory} a training directory of seinet train?")
    m = json.loads(path.read_text())
    figures = tuple(sorted((directory / "figures").glob("*.png"))) if (directory / "figures").is_dir() else ()
    return TrainResult(directory=directory, model_path=directory / "nep.txt", backend=m["backend"],
                       settings=NEPSettings(**m["settings"]), types=tuple(m["types"]),
                       rmse={k: _from_json(v) for k, v in m["rmse"].items()}, n_train=m["n_train"],
                       n_test=m["n_test"], wall_s=m["wall_s"], reference_energies=m["reference_energies"],
                       figures=figures)
