"""PLUMED input for GPUMD: the same CVs and metadynamics settings as the CPU calculator.

:func:`plumed_input` writes ``plumed.dat``::

    # seinet: well-tempered metadynamics
    UNITS LENGTH=A TIME=fs ENERGY=eV
    dz_ref: CENTER ATOMS=97-112
    dz_d: DISTANCE ATOMS=dz_ref,150 COMPONENTS
    dz: COMBINE ARG=dz_d.z PERIODIC=NO
    cn: COORDINATION GROUPA=150 GROUPB=160-165,170 SWITCH={RATIONAL R_0=2.95 D_0=0 NN=6 MM=12}
    metad: METAD ARG=dz,cn SIGMA=0.2,0.1 HEIGHT=0.01 PACE=500 TEMP=400 BIASFACTOR=10 FILE=HILLS
    PRINT ARG=dz,cn,metad.bias STRIDE=500 FILE=COLVAR
    FLUSH STRIDE=500

Units are Å, fs and eV (GPUMD's own, and seinet's HILLS), so ``SIGMA`` of a height is in Å,
``HEIGHT`` in eV, and the HILLS time column in fs. Atom numbers are 1-based, in model.xyz order.

:func:`add_plumed` puts ``plumed plumed.dat 1 0`` into a GPUMD run.in (GPUMD's
``doc/gpumd/input_parameters/plumed.rst``: ``plumed <file> <interval> <if_restart>``; the interval
must be 1 when PLUMED biases the run; the keyword does not carry over to the next ``run``, so it is
written before every ``run``). GPUMD must be built with PLUMED (``-DUSE_PLUMED``, PLUMED's
``Plumed.h`` and library).
"""

from __future__ import annotations

import os
from pathlib import Path

from .bias import MetadynamicsSettings
from .errors import RunInError, SimulationConfigError
from .gpumd import check_run_in

__all__ = ["PLUMED_UNITS", "plumed_input", "write_plumed_input", "add_plumed"]

#: Unit line of every plumed.dat seinet writes.
PLUMED_UNITS = "UNITS LENGTH=A TIME=fs ENERGY=eV"


def _num(x: float) -> str:
    return f"{x:.10g}"


def plumed_input(cvs, settings: MetadynamicsSettings, *, hills_file: str = "HILLS", colvar_file: str = "COLVAR",
                 colvar_stride: int | None = None, comment: str = "") -> str:
    """plumed.dat text for well-tempered (or plain) metadynamics on ``cvs``.

    Parameters
    ----------
    cvs : sequence of CollectiveVariable
        CVs with a ``plumed()`` method (:mod:`seinet.simulate.colvars`).
    settings : MetadynamicsSettings
        ``sigma`` per CV, ``height_eV``, ``pace``, ``biasfactor`` (None: no ``BIASFACTOR``, plain
        metadynamics), ``temperature_K``; a grid becomes ``GRID_MIN/GRID_MAX/GRID_BIN``.
    hills_file, colvar_file : str
        Output file names (no spaces).
    colvar_stride : int, optional
        Steps between COLVAR rows (default: ``pace``).
    comment : str
        First-line comment.

    Returns
    -------
    str
    """
    cvs = list(cvs)
    if len(cvs) != settings.ncv:
        raise SimulationConfigError(f"plumed: {len(cvs)} CVs but {settings.ncv} sigma values")
    for name in (hills_file, colvar_file):
        if not name or any(c.isspace() for c in name):
            raise SimulationConfigError(f"plumed: file name {name!r} must be non-empty without spaces")
    labels = [cv.label for cv in cvs]
    if len(set(labels)) != len(labels) or "metad" in labels:
        raise SimulationConfigError(f"plumed: CV labels must differ and not be 'metad' (got {', '.join(labels)})")
    stride = int(colvar_stride) if colvar_stride is not None else settings.pace
    kind = "plain" if settings.biasfactor is None else "well-tempered"
    lines = [f"# {comment}".rstrip() if comment else f"# seinet: {kind} metadynamics", PLUMED_UNITS]
    for cv in cvs:
        lines += cv.plumed()
    metad = [f"metad: METAD ARG={','.join(labels)}", f"SIGMA={','.join(_num(s) for s in settings.sigma)}",
             f"HEIGHT={_num(settings.height_eV)}", f"PACE={settings.pace}", f"TEMP={_num(settings.temperature_K)}"]
    if settings.biasfactor is not None:
        metad.append(f"BIASFACTOR={_num(settings.biasfactor)}")
    if settings.grid_bins is not None:
        metad += [f"GRID_MIN={','.join(_num(x) for x in settings.grid_min)}",
                  f"GRID_MAX={','.join(_num(x) for x in settings.grid_max)}",
                  f"GRID_BIN={','.join(str(n) for n in settings.grid_bins)}"]
    metad.append(f"FILE={hills_file}")
    lines += [" ".join(metad), f"PRINT ARG={','.join(labels)},metad.bias STRIDE={stride} FILE={colvar_file}",
              f"FLUSH STRIDE={settings.pace}"]
    return "\n".join(lines) + "\n"


def write_plumed_input(path: str | os.PathLike, cvs, settings: MetadynamicsSettings, **kwargs) -> Path:
    """Write :func:`plumed_input` to ``path``; returns the path."""
    path = Path(path)
    path.write_text(plumed_input(cvs, settings, **kwargs))
    return path


def add_plumed(run_in: str, plumed_file: str = "plumed.dat", interval: int = 1, restart: bool = False) -> str:
    """A GPUMD run.in with ``plumed <plumed_file> <interval> <0|1>`` before every ``run``.

    Parameters
    ----------
    run_in : str
        A run.in that passes :func:`seinet.simulate.gpumd.check_run_in` (e.g. from
        :func:`~seinet.simulate.gpumd.write_run_in`).
    plumed_file : str
        PLUMED input, relative to the run directory (no spaces).
    interval : int
        Steps between PLUMED calls; 1 for a biased run.
    restart : bool
        PLUMED restart (append to its outputs, read old hills).

    Returns
    -------
    str
        The new run.in. :func:`~seinet.simulate.gpumd.check_run_in` does not know the ``plumed``
        keyword, so the input is checked before the lines are added.

    Raises
    ------
    RunInError
        The run.in breaks the grammar or already calls PLUMED; a bad file name or interval.
    """
    if any(line.split("#", 1)[0].split()[:1] == ["plumed"] for line in run_in.splitlines()):
        raise RunInError("run.in already has a plumed line")
    check_run_in(run_in)
    if not plumed_file or any(c.isspace() for c in plumed_file):
        raise RunInError(f"plumed: the file name {plumed_file!r} must be non-empty without spaces")
    if int(interval) != interval or interval < 1:
        raise RunInError(f"plumed: interval must be an integer >= 1 (got {interval})")
    out = []
    for line in run_in.splitlines():
        if line.split("#", 1)[0].split()[:1] == ["run"]:
            out.append(f"plumed {plumed_file} {int(interval)} {int(bool(restart))}")
        out.append(line)
    return "\n".join(out) + "\n"
