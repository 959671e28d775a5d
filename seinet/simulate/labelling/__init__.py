"""Labelling: energies and forces of sampled structures for training (q)NEP models.

``label(structures, backend, **options)`` returns copies of the structures carrying energy (eV),
forces (eV/Å), the stress of periodic cells (eV/Å^3) and, for xTB, Mulliken charges, as
ASE ``SinglePointCalculator`` results; :func:`write_training_xyz` writes them as a NEP
``train.xyz``. Backends:

========  ===========================================================  ==========================
backend   what                                                         needs
========  ===========================================================  ==========================
``xtb``   GFN1-xTB single points (tblite), molecules and periodic      ``pip install tblite``
``cp2k``  PBE(-D3) with GTH pseudopotentials and MOLOPT basis sets      ``apt-get install cp2k``
``vasp``  PBE single-point input folders (POSCAR, INCAR, KPOINTS,       nothing (VASP runs
          POTCAR.spec); nothing is run                                  elsewhere)
========  ===========================================================  ==========================

Jobs run on dask.distributed (:mod:`.parallel`): a LocalCluster of ``n_workers`` single-thread
processes by default, a running scheduler by address, an existing ``client``, or
``scheduler="synchronous"`` in this process. Results come back in input order and do not
depend on the way structures are spread over workers.
"""

from __future__ import annotations

import functools
import logging
import os

import numpy as np

from ..errors import LabellingError, SimulationConfigError
from .core import LabelResult, attach, charge_and_multiplicity, structure_name
from .cp2k import (
                   CP2K_DATA_ENV,
                   CP2K_ENV,
                   CP2KSettings,
                   cp2k_input,
                   find_cp2k,
                   find_cp2k_data,
                   label_cp2k,
)
from .parallel import SYNCHRONOUS, run_tasks
from .trainset import write_training_xyz
from .vasp import RECOMMENDED_POTCARS, VASPSettings, write_vasp_inputs
from .xtb import XTB_METHODS, XTBSettings, label_xtb

__all__ = ["BACKENDS", "LABEL_SETTINGS", "NET_FORCE_WARNING_EV_A", "SYNCHRONOUS", "CP2K_ENV", "CP2K_DATA_ENV", "RECOMMENDED_POTCARS",
           "XTB_METHODS", "LabelResult", "XTBSettings", "CP2KSettings", "VASPSettings", "label", "label_settings",
           "label_xtb", "label_cp2k", "write_vasp_inputs", "write_training_xyz", "find_cp2k", "find_cp2k_data",
           "cp2k_input", "charge_and_multiplicity", "run_tasks", "attach"]

log = logging.getLogger(__name__)

#: Labelling backends.
BACKENDS = ("xtb", "cp2k", "vasp")
#: Settings class of each backend (its fields are the ``**options`` of :func:`label`).
LABEL_SETTINGS = {"xtb": XTBSettings, "cp2k": CP2KSettings, "vasp": VASPSettings}
_COMPUTE = {"xtb": label_xtb, "cp2k": label_cp2k}
#: Forces summing to more than this (eV/Å) get a warning: the total force on a free structure is zero,
#: so a larger sum is numerical error (CP2K: the grid's egg-box effect, a Martyna-Tuckerman box too small).
NET_FORCE_WARNING_EV_A = 0.05
_NET_FORCE_HINT = {"cp2k": "raise cutoff_Ry (grid egg-box effect) or vacuum_A (isolated structures)",
                   "xtb": "check the structure"}


def label_settings(backend: str, **options):
    """The settings object of ``backend`` built from ``options``.

    Raises
    ------
    SimulationConfigError
        An unknown backend or option.
    """
    if backend not in LABEL_SETTINGS:
        raise SimulationConfigError(f"labelling backend must be one of {', '.join(BACKENDS)} (got {backend!r})")
    cls = LABEL_SETTINGS[backend]
    known = set(cls.__dataclass_fields__)
    unknown = sorted(set(options) - known)
    if unknown:
        raise SimulationConfigError(f"unknown {backend} option(s) {', '.join(unknown)}; "
                                    f"valid: {', '.join(sorted(known))}")
    return cls(**options)


def label(structures, backend: str = "xtb", *, client=None, scheduler: str | None = None, n_workers: int = 2,
          workdir: str | os.PathLike | None = None, progress: bool = False, settings=None, on_error: str = "raise",
          **options) -> list:
    """Label structures with energies and forces.

    Parameters
    ----------
    structures : ase.Atoms or iterable of ase.Atoms
        Molecules, clusters (no periodic direction) or periodic cells. ``atoms.info["charge"]``
        and ``atoms.info["multiplicity"]`` set a structure's charge and spin.
    backend : {"xtb", "cp2k", "vasp"}
    client : distributed.Client, optional
        Run on this client.
    scheduler : str, optional
        ``"synchronous"`` (in this process, no dask) or a dask scheduler address.
    n_workers : int
        Processes of the LocalCluster started when neither ``client`` nor ``scheduler`` is given.
    workdir : path, optional
        cp2k: keep every CP2K input/output in ``workdir/cp2k_<index>`` (default: temporary
        directories); vasp: where the input folders go (required).
    progress : bool
        Progress bar.
    settings : XTBSettings or CP2KSettings or VASPSettings, optional
        A settings object instead of ``**options``.
    on_error : {"raise", "skip"}
        ``"skip"``: a structure whose single point fails (an SCF that does not converge) is
        logged with its reason and comes back as None; the others are labelled. Samplers use
        it: one hard configuration must not cost the rest.
    **options
        Fields of the backend's settings class (:data:`LABEL_SETTINGS`), for example
        ``method="GFN1-xTB"``, ``cutoff_Ry=400``, ``dispersion="D3BJ"``.

    Returns
    -------
    list of ase.Atoms
        Copies of the inputs, in input order, with a SinglePointCalculator (energy, forces,
        stress for periodic cells, charges for xTB) and ``info`` keys ``label_backend``,
        ``label_method``, ``charge``, ``multiplicity``. vasp: the copies carry no results, only
        ``info["vasp_directory"]`` (VASP is not run).

    Raises
    ------
    SimulationConfigError
        Unknown backend or option, missing tblite or dask.distributed.
    ExecutableNotFoundError
        cp2k: no CP2K executable on this machine (checked before any job starts, unless the
        jobs go to a remote scheduler or client).
    LabellingError
        A single point failed; names the structure.

    Notes
    -----
    Forces of a structure without constraints must sum to zero; a sum above
    :data:`NET_FORCE_WARNING_EV_A` is logged as a warning (CP2K's grid at a low cutoff).
    Cost: one single point per structure on one core; GFN1-xTB takes milliseconds for 10 atoms
    and 10 s for a periodic cell of 100 water molecules (measured), CP2K seconds to minutes.
    Parallel speed-up approaches ``n_workers`` for structures that take much longer than dask's
    per-task overhead (about a millisecond).
    """
    if hasattr(structures, "get_positions"):
        structures = [structures]
    structures = list(structures)
    if backend not in LABEL_SETTINGS:
        raise SimulationConfigError(f"labelling backend must be one of {', '.join(BACKENDS)} (got {backend!r})")
    if settings is None:
        settings = label_settings(backend, **options)
    elif options:
        raise SimulationConfigError("pass either settings= or backend options, not both")
    elif not isinstance(settings, LABEL_SETTINGS[backend]):
        raise SimulationConfigError(f"settings for the {backend} backend must be {LABEL_SETTINGS[backend].__name__}")
    if backend == "vasp":
        if workdir is None:
            raise SimulationConfigError("the vasp backend writes input folders: pass workdir=DIRECTORY")
        folders = write_vasp_inputs(structures, workdir, settings)
        out = []
        for atoms, folder in zip(structures, folders):
            copy = atoms.copy()
            copy.info.update(label_backend="vasp", label_method=settings.method, vasp_directory=str(folder))
            out.append(copy)
        return out
    if backend == "cp2k" and client is None and (scheduler is None or scheduler == SYNCHRONOUS):
        from .cp2k import resolve

        settings = resolve(settings)  # fail before starting workers; the workers get absolute paths
    if on_error not in ("raise", "skip"):
        raise SimulationConfigError(f"on_error must be raise or skip (got {on_error!r})")
    task = functools.partial(_COMPUTE[backend], settings=settings,
                             workdir=None if workdir is None else os.fspath(os.path.abspath(workdir)))
    if on_error == "skip":
        task = functools.partial(_skipping, task)
    results = run_tasks(task, list(enumerate(structures)), client=client, scheduler=scheduler, n_workers=n_workers,
                        progress=progress, desc=f"{backend} labelling")
    for atoms, result in zip(structures, results):
        if isinstance(result, LabellingError):
            log.warning("skipped: %s", result)
            continue
        net = float(np.linalg.norm(np.asarray(result.forces).sum(axis=0)))
        if net > NET_FORCE_WARNING_EV_A and not atoms.constraints:
            log.warning("%s: the %s forces sum to %.3f eV/A instead of 0; %s", structure_name(result.index, atoms),
                        result.method, net, _NET_FORCE_HINT[backend])
    return [None if isinstance(result, LabellingError) else attach(atoms, result, backend)
            for atoms, result in zip(structures, results)]


def _skipping(task, item):
    """``task(item)``, or the LabellingError it raised (returned, so the other jobs go on)."""
    try:
        return task(item)
    except LabellingError as exc:
        return exc
