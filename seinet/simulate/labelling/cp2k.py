"""PBE(-D3) single points with CP2K (Quickstep, GPW) driven through ``cp2k_shell``.

ASE's :class:`ase.calculators.cp2k.CP2K` talks to CP2K's shell mode; seinet gives it a
small, explicit input: GTH pseudopotentials (Goedecker, Teter, Hutter; Krack for PBE),
MOLOPT Gaussian basis sets (VandeVondele, Hutter, J. Chem. Phys. 127, 114105 (2007)),
a plane-wave density cutoff (default 600 Ry, relative cutoff 50 Ry: see
docs/simulation.md for the force convergence that sets it) and orbital-transformation
SCF (OT, DIIS, FULL_SINGLE_INVERSE preconditioner, outer loop) converged to ``EPS_SCF``
1e-6. ``smearing_K`` switches to diagonalisation with Fermi-Dirac smearing and Broyden mixing,
which metallic sodium needs. ``dispersion="D3"`` or ``"D3BJ"`` adds Grimme's D3 pair potential
(zero or Becke-Johnson damping, PBE parameters from ``dftd3.dat``).

Geometry: a structure without periodic directions gets a cubic box of its largest extent
plus ``2 x vacuum_A`` and the Martyna-Tuckerman Poisson solver (isolated system; the energy
does not depend on the box once it holds the density). A structure periodic in some
direction is computed fully periodic (a slab needs vacuum along its normal), Gamma point
only: use cells of at least ~10 Å. The stress is returned for fully periodic cells.

Where things are found
----------------------
- the executable: ``executable=``, else ``$SEINET_CP2K`` (a file or the directory holding it),
  else the first of ``cp2k_shell``, ``cp2k_shell.psmp``, ``cp2k_shell.ssmp``, ``cp2k.psmp``,
  ``cp2k.ssmp``, ``cp2k`` on ``PATH`` (``cp2k.*`` binaries are started with ``-s``, shell mode).
  Debian's ``cp2k`` package (``apt-get install cp2k``, CP2K 2023.1 on bookworm) installs
  ``/usr/bin/cp2k_shell``.
- the basis and potential files: ``data_dir=``, else ``$SEINET_CP2K_DATA``, else
  ``$CP2K_DATA_DIR``, else ``/usr/share/cp2k/data`` (upstream and conda layout),
  ``/usr/share/cp2k`` (Debian's ``cp2k-data`` package) and ``<prefix>/share/cp2k[/data]``
  next to the executable; the first holding ``BASIS_MOLOPT`` and ``GTH_POTENTIALS``.

CP2K runs with ``OMP_NUM_THREADS=threads`` (1 by default: one worker, one core; the result
does not depend on how structures are spread over workers).
"""

from __future__ import annotations

import functools
import logging
import os
import re
import shlex
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from ..errors import ExecutableNotFoundError, LabellingError, SimulationConfigError
from ..executables import find_executable
from .core import LabelResult, charge_and_multiplicity, structure_name

__all__ = ["CP2K_ENV", "CP2K_DATA_ENV", "CP2K_NAMES", "DISPERSIONS", "CP2KSettings", "find_cp2k", "find_cp2k_data",
           "cp2k_command", "cp2k_input", "check_library", "label_cp2k"]

log = logging.getLogger(__name__)

#: Environment variable naming the CP2K executable (or its directory).
CP2K_ENV = "SEINET_CP2K"
#: Environment variable naming the directory with BASIS_MOLOPT, GTH_POTENTIALS, dftd3.dat.
CP2K_DATA_ENV = "SEINET_CP2K_DATA"
#: Executables tried on PATH, in order.
CP2K_NAMES = ("cp2k_shell", "cp2k_shell.psmp", "cp2k_shell.ssmp", "cp2k.psmp", "cp2k.ssmp", "cp2k")
#: ``dispersion`` values and CP2K's DFT-D3 ``TYPE``.
DISPERSIONS = {"D3": "DFTD3", "D3BJ": "DFTD3(BJ)"}
_HINT = "Debian/Ubuntu: apt-get install cp2k"
_DATA_CANDIDATES = ("/usr/share/cp2k/data", "/usr/share/cp2k")


@dataclass(frozen=True)
class CP2KSettings:
    """CP2K Quickstep settings of a labelling single point.

    Parameters
    ----------
    xc : str
        Exchange-correlation functional CP2K knows by name (``PBE``; ``BLYP``, ``PADE`` work too).
    dispersion : {None, "D3", "D3BJ"}
        Grimme D3 with zero or Becke-Johnson damping (parameters for ``xc``).
    basis_set, basis_set_file : str
        Basis of every element and the library file (in the data directory, or a path).
    potential, potential_file : str
        Pseudopotential family (``GTH-PBE``) and its library file.
    cutoff_Ry, rel_cutoff_Ry : float
        Density plane-wave cutoff and the Gaussian mapping threshold, in Rydberg.
    eps_scf : float
        SCF convergence (CP2K's EPS_SCF, on the density/gradient).
    max_scf, outer_max_scf : int
        Inner SCF steps and outer-loop iterations.
    smearing_K : float, optional
        Fermi-Dirac electronic temperature; switches the SCF from OT to diagonalisation with
        Broyden mixing (metals: sodium clusters and slabs). None: OT, integer occupations.
    added_mos : int, optional
        Empty orbitals with smearing (default max(10, number of atoms)).
    charge : int
        Total charge (``atoms.info["charge"]`` overrides it per structure).
    multiplicity : int, optional
        Spin multiplicity (``atoms.info["multiplicity"]`` overrides it); None: 1 or 2 by the
        parity of the electron count. Above 1 the calculation is unrestricted (UKS).
    vacuum_A : float
        Space on each side of an isolated structure inside its Martyna-Tuckerman box (5 Å holds
        compact molecules such as H2O; sodium clusters need more, see docs/simulation.md).
    threads : int
        OpenMP threads of CP2K.
    executable, data_dir : str, optional
        Override the search for ``cp2k_shell`` and for the data directory.
    extra_input : str
        Raw CP2K input merged into the generated one (ASE's ``inp``), for anything else.
    """

    xc: str = "PBE"
    dispersion: str | None = None
    basis_set: str = "DZVP-MOLOPT-SR-GTH"
    basis_set_file: str = "BASIS_MOLOPT"
    potential: str = "GTH-PBE"
    potential_file: str = "GTH_POTENTIALS"
    cutoff_Ry: float = 600.0
    rel_cutoff_Ry: float = 50.0
    eps_scf: float = 1e-6
    max_scf: int = 50
    outer_max_scf: int = 10
    smearing_K: float | None = None
    added_mos: int | None = None
    charge: int = 0
    multiplicity: int | None = None
    vacuum_A: float = 5.0
    threads: int = 1
    executable: str | None = None
    data_dir: str | None = None
    extra_input: str = ""

    def __post_init__(self) -> None:
        problems = []
        if self.dispersion is not None and self.dispersion not in DISPERSIONS:
            problems.append(f"dispersion must be None, 'D3' or 'D3BJ' (got {self.dispersion!r})")
        if not self.cutoff_Ry > 0 or not self.rel_cutoff_Ry > 0:
            problems.append("cutoff_Ry and rel_cutoff_Ry must be > 0")
        if not self.eps_scf > 0 or int(self.max_scf) < 1 or int(self.outer_max_scf) < 0:
            problems.append("eps_scf must be > 0, max_scf >= 1, outer_max_scf >= 0")
        if self.smearing_K is not None and not self.smearing_K > 0:
            problems.append(f"smearing_K must be > 0 (got {self.smearing_K})")
        if not self.vacuum_A > 0 or int(self.threads) < 1:
            problems.append("vacuum_A must be > 0 and threads >= 1")
        if problems:
            raise SimulationConfigError("; ".join(problems))

    @property
    def method(self) -> str:
        """Level of theory without spaces: ``PBE-D3BJ/DZVP-MOLOPT-SR-GTH/GTH-PBE/600Ry[/FD300K]``."""
        xc = self.xc + (f"-{self.dispersion}" if self.dispersion else "")
        smear = f"/FD{self.smearing_K:g}K" if self.smearing_K else ""
        return f"{xc}/{self.basis_set}/{self.potential}/{self.cutoff_Ry:g}Ry{smear}"

    def as_dict(self) -> dict:
        return asdict(self)


def find_cp2k(executable: str | os.PathLike | None = None) -> Path:
    """The CP2K executable: ``executable``, ``$SEINET_CP2K`` (file or directory), or PATH.

    Raises
    ------
    ExecutableNotFoundError
    """
    return find_executable(CP2K_NAMES, CP2K_ENV, _HINT, executable, what="a CP2K executable")


def cp2k_command(executable: str | os.PathLike, threads: int = 1) -> str:
    """Shell command starting CP2K in shell mode with ``threads`` OpenMP threads."""
    path = Path(executable)
    shell_flag = "" if path.name.startswith("cp2k_shell") else " -s"
    return f"env OMP_NUM_THREADS={int(threads)} {shlex.quote(str(path))}{shell_flag}"


def find_cp2k_data(data_dir: str | os.PathLike | None = None, executable: str | os.PathLike | None = None,
                   files: tuple[str, ...] = ("BASIS_MOLOPT", "GTH_POTENTIALS")) -> Path:
    """The directory holding CP2K's basis and pseudopotential libraries (``files``).

    Raises
    ------
    SimulationConfigError
        No candidate holds them.
    """
    if data_dir is not None:
        candidates = [Path(data_dir)]
    else:
        candidates = [Path(v) for v in (os.environ.get(CP2K_DATA_ENV), os.environ.get("CP2K_DATA_DIR")) if v]
        candidates += [Path(p) for p in _DATA_CANDIDATES]
        if executable is not None:
            prefix = Path(executable).resolve().parent.parent
            candidates += [prefix / "share" / "cp2k" / "data", prefix / "share" / "cp2k"]
    for directory in candidates:
        if all((directory / name).is_file() for name in files):
            return directory.resolve()
    raise SimulationConfigError(
        f"CP2K's data files ({', '.join(files)}) were not found in {', '.join(str(c) for c in candidates)}: set "
        f"{CP2K_DATA_ENV} to the directory holding them (Debian: apt-get install cp2k-data, /usr/share/cp2k)")


@functools.lru_cache(maxsize=16)
def _library_names(path: str, mtime: float) -> dict[str, frozenset[str]]:
    """Element -> names defined in a CP2K basis or potential library file."""
    names: dict[str, set[str]] = {}
    with open(path, errors="replace") as fh:
        for line in fh:
            tokens = line.split()
            if len(tokens) >= 2 and tokens[0].isalpha() and tokens[0][0].isupper() and len(tokens[0]) <= 2:
                names.setdefault(tokens[0], set()).update(tokens[1:])
    return {el: frozenset(v) for el, v in names.items()}


def check_library(symbols, name: str, path: str | os.PathLike) -> None:
    """Raise SimulationConfigError if ``path`` defines no ``name`` for one of ``symbols``."""
    path = str(path)
    table = _library_names(path, os.path.getmtime(path))
    missing = sorted({s for s in symbols if name not in table.get(s, ())})
    if missing:
        raise SimulationConfigError(f"{os.path.basename(path)} ({path}) has no {name} for {', '.join(missing)}; "
                                    "choose another basis_set/potential")


def _library_path(name: str, data: Path) -> Path:
    path = Path(name)
    return path if path.is_absolute() else data / name


def _set_default(root, path: str, line: str) -> None:
    """Add ``line`` to the section at ``path`` unless the section already sets that keyword."""
    section = root.get_subsection(path)
    key = line.split()[0].upper()
    if key == "_SECTION_PARAMETERS_":
        if section.params is None:
            section.params = line.split(" ", 1)[1].strip()
    elif key not in [k.split()[0].upper() for k in section.keywords]:
        section.keywords.append(line)


def cp2k_input(settings: CP2KSettings, n_atoms: int, dftd3_file: str | os.PathLike | None = None) -> str:
    """The CP2K input seinet adds to ASE's generated one (SCF, grids, smearing, dispersion).

    ASE's calculator writes the cell, coordinates, kinds, XC functional, cutoff, ``MAX_SCF``,
    charge, multiplicity and (isolated systems) the Martyna-Tuckerman Poisson section itself.
    ``settings.extra_input`` is parsed first: a keyword it sets wins over seinet's default.
    """
    from ase.calculators.cp2k import parse_input

    root = parse_input(settings.extra_input)
    dft, scf = "FORCE_EVAL/DFT", "FORCE_EVAL/DFT/SCF"
    _set_default(root, f"{dft}/MGRID", f"REL_CUTOFF [Ry] {settings.rel_cutoff_Ry:g}")
    _set_default(root, scf, f"EPS_SCF {settings.eps_scf:.3E}")
    _set_default(root, scf, "SCF_GUESS ATOMIC")
    if settings.smearing_K is None:
        _set_default(root, f"{scf}/OT", "MINIMIZER DIIS")
        _set_default(root, f"{scf}/OT", "PRECONDITIONER FULL_SINGLE_INVERSE")
        _set_default(root, f"{scf}/OUTER_SCF", f"MAX_SCF {int(settings.outer_max_scf)}")
        _set_default(root, f"{scf}/OUTER_SCF", f"EPS_SCF {settings.eps_scf:.3E}")
    else:
        added = settings.added_mos if settings.added_mos is not None else max(10, n_atoms)
        _set_default(root, scf, f"ADDED_MOS {int(added)}")
        _set_default(root, f"{scf}/DIAGONALIZATION", "ALGORITHM STANDARD")
        _set_default(root, f"{scf}/MIXING", "METHOD BROYDEN_MIXING")
        _set_default(root, f"{scf}/MIXING", "ALPHA 0.2")
        _set_default(root, f"{scf}/MIXING", "NBROYDEN 8")
        _set_default(root, f"{scf}/SMEAR", "_SECTION_PARAMETERS_ ON")
        _set_default(root, f"{scf}/SMEAR", "METHOD FERMI_DIRAC")
        _set_default(root, f"{scf}/SMEAR", f"ELECTRONIC_TEMPERATURE [K] {settings.smearing_K:g}")
    if settings.dispersion:
        vdw = f"{dft}/XC/VDW_POTENTIAL"
        _set_default(root, vdw, "POTENTIAL_TYPE PAIR_POTENTIAL")
        _set_default(root, f"{vdw}/PAIR_POTENTIAL", f"TYPE {DISPERSIONS[settings.dispersion]}")
        _set_default(root, f"{vdw}/PAIR_POTENTIAL", f"PARAMETER_FILE_NAME {dftd3_file or 'dftd3.dat'}")
        _set_default(root, f"{vdw}/PAIR_POTENTIAL", f"REFERENCE_FUNCTIONAL {settings.xc}")
    return "\n".join(root.write())


def _prepare_geometry(atoms, vacuum_A: float):
    """The structure CP2K sees: isolated ones centred in a cubic box, partly periodic ones fully periodic."""
    work = atoms.copy()
    work.set_constraint()
    if not work.pbc.any():
        extent = float(np.ptp(work.positions, axis=0).max()) if len(work) > 1 else 0.0
        side = extent + 2.0 * vacuum_A
        work.set_cell([side, side, side])
        work.center()
    elif not work.pbc.all():
        work.pbc = True
    return work


_SCF_LINE = re.compile(r"(SCF run (NOT )?converged|outer SCF loop (FAILED to converge|converged))")


def _scf_failed(out_file: Path) -> bool:
    """True when the last SCF verdict in a CP2K output is a failure."""
    if not out_file.is_file():
        return False
    verdicts = _SCF_LINE.findall(out_file.read_text(errors="replace"))
    return bool(verdicts) and ("NOT" in verdicts[-1][0] or "FAILED" in verdicts[-1][0])


def _tail(path: Path, n: int = 6) -> str:
    if not path.is_file():
        return "no CP2K output"
    lines = [ln.strip() for ln in path.read_text(errors="replace").splitlines() if ln.strip()]
    error = [ln for ln in lines if "ABORT" in ln or "ERROR" in ln.upper() or ln.startswith("*")]
    return " | ".join((error or lines)[-n:])


def resolve(settings: CP2KSettings) -> CP2KSettings:
    """``settings`` with the executable and data directory found (absolute paths).

    Raises
    ------
    ExecutableNotFoundError, SimulationConfigError
    """
    exe = find_cp2k(settings.executable)
    files = tuple(f for f in (settings.basis_set_file, settings.potential_file) if not Path(f).is_absolute())
    data = find_cp2k_data(settings.data_dir, exe, files or ("BASIS_MOLOPT",))
    return replace(settings, executable=str(exe), data_dir=str(data))


def label_cp2k(item, settings: CP2KSettings, workdir: str | os.PathLike | None = None) -> LabelResult:
    """PBE(-D3) energy and forces (and stress for periodic cells) of one structure.

    Parameters
    ----------
    item : tuple of (int, ase.Atoms)
        Index in the input list and the structure (not modified).
    settings : CP2KSettings
    workdir : path, optional
        Keep CP2K's input and output in ``workdir/cp2k_<index:06d>``; None: a temporary
        directory removed afterwards.

    Returns
    -------
    LabelResult

    Raises
    ------
    LabellingError
        CP2K is missing on this machine, stopped with an error, or its SCF did not converge
        (the message carries the end of CP2K's output).
    SimulationConfigError
        The basis or pseudopotential library lacks an element of the structure.
    """
    from ase.calculators.cp2k import CP2K
    from ase.units import Rydberg

    index, atoms = item
    name = structure_name(index, atoms)
    try:
        settings = resolve(settings)
    except ExecutableNotFoundError as exc:  # re-raised as a plain message: it has to cross process boundaries
        raise LabellingError(f"{name}: {exc}") from None
    data = Path(settings.data_dir)
    basis_file = _library_path(settings.basis_set_file, data)
    potential_file = _library_path(settings.potential_file, data)
    symbols = set(atoms.get_chemical_symbols())
    check_library(symbols, settings.basis_set, basis_file)
    check_library(symbols, settings.potential, potential_file)
    charge, multiplicity = charge_and_multiplicity(atoms, settings.charge, settings.multiplicity)
    work = _prepare_geometry(atoms, settings.vacuum_A)
    periodic = bool(work.pbc.all())
    dftd3 = data / "dftd3.dat" if settings.dispersion else None
    if dftd3 is not None and not dftd3.is_file():
        raise SimulationConfigError(f"D3 needs dftd3.dat in {data}")

    if workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="seinet-cp2k-")
        rundir = Path(tmp.name)
    else:
        tmp = None
        rundir = Path(workdir).resolve() / f"cp2k_{index:06d}"
        rundir.mkdir(parents=True, exist_ok=True)
    prefix = rundir / "cp2k"
    calc = None
    start = time.perf_counter()
    try:
        try:
            calc = CP2K(command=cp2k_command(settings.executable, settings.threads), label=str(prefix),
                        xc=settings.xc, basis_set=settings.basis_set, basis_set_file=str(basis_file),
                        pseudo_potential=settings.potential, potential_file=str(potential_file),
                        cutoff=settings.cutoff_Ry * Rydberg, max_scf=int(settings.max_scf), charge=charge,
                        uks=multiplicity > 1, multiplicity=multiplicity if multiplicity > 1 else None,
                        stress_tensor=periodic, print_level="LOW",
                        inp=cp2k_input(settings, len(work), dftd3))
            work.calc = calc
            energy = float(work.get_potential_energy())
            forces = np.array(work.get_forces(apply_constraint=False))
            stress = np.array(work.get_stress()) if periodic and bool(np.all(atoms.pbc)) else None
        except Exception as exc:  # ASE's shell wrapper asserts on a dead CP2K; CP2K's own message is in the .out
            raise LabellingError(f"{name}: CP2K failed ({type(exc).__name__}: {' '.join(str(exc).split())}); "
                                 f"CP2K output: {_tail(Path(str(prefix) + '.out'))}") from None
        if _scf_failed(Path(str(prefix) + ".out")):
            raise LabellingError(f"{name}: CP2K's SCF did not converge ({settings.method}); raise max_scf or "
                                 "set smearing_K for metallic systems")
    finally:
        if calc is not None:
            try:
                calc.close()
            except Exception:  # pragma: no cover - a CP2K that died already
                pass
        if tmp is not None:
            tmp.cleanup()
    wall = time.perf_counter() - start
    log.debug("%s: CP2K %s, E = %.6f eV, %.1f s", name, settings.method, energy, wall)
    return LabelResult(index=index, energy=energy, forces=forces, stress=stress, charges=None, method=settings.method,
                       charge=charge, multiplicity=multiplicity, wall_s=wall)
