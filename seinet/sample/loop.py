"""The Interface Reactor loop: carve, explore, select, label, train, test, until stable.

One iteration k (docs/sampling.md gives the reasons for each choice):

1. **explore** - every reactor runs NVT MD at every temperature of the ladder with the
   current model (the starting model, NEP89 by default, at k = 0; the first committee
   member of iteration k - 1 after). Hot rungs make bond breaking happen within ps.
   A run that fails (a young model can blow up) is recorded, and its frames up to the
   failure still count as candidates: that is where the model is worst.
2. **select** - candidates are the MD frames. With a committee (k >= 1, >= 2 models) a
   candidate is kept when its force disagreement (:mod:`.committee`) lies between
   ``sigma_low`` (already known) and ``sigma_high`` (unphysical); farthest-point sampling in
   the current model's descriptor space (:mod:`.fps`), away from the training set so far,
   picks ``per_iteration`` of them.
3. **label** - the labelling backend (GFN1-xTB by default, CP2K PBE for production) runs on
   dask; a structure whose SCF fails is recorded and left out. Each labelled structure is
   put in the training or the test set once, by a seeded draw, and stays there.
4. **train** - ``committee`` models, identical settings and different seeds, on all labelled
   structures so far (:func:`seinet.train.train`).
5. **test** - the first model runs the stability test (:mod:`.stability`) on the input
   interface (or the largest reactor).

The loop stops after ``iterations``, or earlier when the stability test passes and the test
force RMSE improved by less than ``rmse_tolerance`` (relative) over the previous iteration.
Every step is a directory entered in the manifest when complete (:mod:`.state`), so a killed
run started again with the same command goes on from where it stopped.
"""

from __future__ import annotations

import csv
import logging
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from ..errors import ConfigError
from .committee import committee_forces
from .contacts import contact_ratio
from .fps import farthest_points, structure_descriptors
from .reactor import ReactorSettings, carve_reactors
from .stability import StabilityCriteria, check_stability
from .state import SamplingState

__all__ = ["SamplingSettings", "SamplingResult", "sample", "LABEL_DEFAULTS"]

log = logging.getLogger(__name__)


#: labelling options of each backend when ``SamplingSettings.label_options`` is None
LABEL_DEFAULTS = {"xtb": {"electronic_temperature_K": 3000.0, "max_iterations": 150},
                  "cp2k": {"smearing_K": 1000.0}}


@dataclass(frozen=True)
class SamplingSettings:
    """Settings of :func:`sample` (module docstring).

    Parameters
    ----------
    iterations : int
        Most iterations.
    temperatures_K : tuple of float
        The exploration ladder.
    md_steps, timestep_fs, dump_every : int, float, int
        Exploration MD per reactor and temperature.
    per_iteration : int
        Structures selected (and labelled) per iteration.
    committee : int
        Models trained per iteration (>= 2 for disagreement).
    sigma_low_eV_A, sigma_high_eV_A : float
        Force-disagreement window of a useful candidate.
    min_contact_ratio : float
        Candidates whose closest pair is nearer than this times the sum of the covalent radii
        are unphysical and never labelled (:mod:`.contacts`).
    label_backend : {"xtb", "cp2k"}
    label_options : dict, optional
        Options of the labelling backend (:func:`seinet.simulate.labelling.label`); None takes
        :data:`LABEL_DEFAULTS` of the backend. For GFN1-xTB that is 3000 K Fermi smearing and
        150 SCF cycles: on 16 hot frames of a 49-atom Na(100) | EC + PF6- reactor 1, 4 and 10
        converged at 300, 1000 and 3000 K (500 cycles at 300 K: still 1), so a metal-electrode
        reactor needs the smearing (docs/sampling.md). For CP2K, 1000 K Fermi-Dirac smearing
        with Broyden mixing (metallic Na).
    test_fraction : float
        Share of labelled structures held out as the test set.
    reference_energies : "fit" or None
        ``"fit"``: per-element energies fitted to the training set are subtracted before
        training (:func:`seinet.train.reference.fit_reference_energies`). xTB and DFT total
        energies run from -7 to -130 eV/atom between elements, more than one output bias of a
        small network absorbs; forces, MD and the committee are unchanged by the shift.
    train : NEPSettings, optional
        Model and training settings (default :class:`seinet.train.NEPSettings`).
    reactor : ReactorSettings
    max_reactors : int, optional
        Use only the first reactors (in carving order).
    stability : StabilityCriteria
    stability_on : {"interface", "reactor"}
        Run the stability test on the input configuration or on the largest reactor.
    rmse_tolerance : float
        Relative improvement of the test force RMSE below which errors "stop improving".
    seed : int
    """

    iterations: int = 5
    temperatures_K: tuple[float, ...] = (300.0, 600.0, 900.0)
    md_steps: int = 2000
    timestep_fs: float = 0.5
    dump_every: int = 50
    per_iteration: int = 20
    committee: int = 2
    sigma_low_eV_A: float = 0.05
    sigma_high_eV_A: float = 5.0
    min_contact_ratio: float = 0.7
    label_backend: str = "xtb"
    train_backend: str = "auto"
    label_options: dict | None = None
    test_fraction: float = 0.2
    reference_energies: str | None = "fit"
    train: object = None
    reactor: ReactorSettings = ReactorSettings()
    max_reactors: int | None = None
    stability: StabilityCriteria = StabilityCriteria()
    stability_on: str = "interface"
    rmse_tolerance: float = 0.05
    seed: int = 0

    def __post_init__(self) -> None:
        problems = []
        if int(self.iterations) < 1 or int(self.per_iteration) < 1 or int(self.md_steps) < 1:
            problems.append("iterations, per_iteration and md_steps must be >= 1")
        if int(self.committee) < 1:
            problems.append(f"committee must be >= 1 (got {self.committee})")
        if not self.temperatures_K or min(self.temperatures_K) <= 0:
            problems.append("temperatures_K must be positive")
        if not 0 <= self.test_fraction < 1:
            problems.append(f"test_fraction must be in [0, 1) (got {self.test_fraction})")
        if self.label_backend not in ("xtb", "cp2k"):
            problems.append(f"label_backend must be xtb or cp2k (got {self.label_backend!r}); VASP inputs are "
                            "written by seinet.simulate.labelling, not run")
        if self.reference_energies not in ("fit", None):
            problems.append(f"reference_energies must be 'fit' or None (got {self.reference_energies!r})")
        if self.stability_on not in ("interface", "reactor"):
            problems.append("stability_on must be interface or reactor")
        if not 0 <= self.min_contact_ratio < 1.5:
            problems.append(f"min_contact_ratio must be in [0, 1.5) (got {self.min_contact_ratio})")
        if not 0 <= self.sigma_low_eV_A < self.sigma_high_eV_A:
            problems.append("need 0 <= sigma_low_eV_A < sigma_high_eV_A")
        if not problems:  # options the backend does not know fail now, not after hours of exploration
            from ..simulate.labelling import label_settings

            try:
                label_settings(self.label_backend, **self.labelling_options())
            except ConfigError as exc:
                problems.append(str(exc))
        if problems:
            raise ConfigError("sampling settings: " + "; ".join(problems))

    @classmethod
    def toy(cls, **changes) -> "SamplingSettings":
        """Minutes on a laptop CPU: two iterations on one small reactor, a tiny qNEP, a short test.
        For the test suite and a first look, not for a potential."""
        from ..train import NEPSettings

        # short exploration runs with a frame every 10 steps: a toy model drifts off within tens of
        # steps, and its later frames are unphysical (the contact filter drops them)
        base = dict(iterations=2, temperatures_K=(300.0, 700.0), md_steps=60, dump_every=10, per_iteration=8,
                    committee=2, train=NEPSettings.toy(), max_reactors=1,
                    reactor=ReactorSettings(max_atoms=60, faces=("top",)),
                    stability=StabilityCriteria(steps=200, dump_every=20, max_drift_meV_atom_ps=50.0),
                    stability_on="reactor")
        base.update(changes)
        return cls(**base)

    def labelling_options(self) -> dict:
        """The options given to the labelling backend (``label_options`` or its defaults)."""
        return dict(LABEL_DEFAULTS[self.label_backend] if self.label_options is None else self.label_options)

    def train_settings(self):
        from ..train import NEPSettings

        return self.train if self.train is not None else NEPSettings()

    def as_dict(self) -> dict:
        d = {k: v for k, v in asdict(self).items() if k not in ("train", "reactor", "stability")}
        d["label_options"] = self.labelling_options()
        d["temperatures_K"] = [float(t) for t in self.temperatures_K]
        d["train"] = self.train_settings().as_dict()
        d["reactor"] = self.reactor.as_dict()
        d["stability"] = self.stability.as_dict()
        return d


@dataclass(frozen=True)
class SamplingResult:
    """What :func:`sample` left in its directory."""

    directory: Path
    iterations: list
    model: Path | None
    converged: bool
    n_labelled: int


def _write_xyz(path: Path, structures) -> None:
    import ase.io

    ase.io.write(path, list(structures), format="extxyz")


def _read_xyz(path: Path) -> list:
    import ase.io

    return ase.io.read(path, ":", format="extxyz") if path.exists() and path.stat().st_size else []


def _explore(reactors, model: str, settings: SamplingSettings, out: Path, iteration: int) -> dict:
    from ..simulate.cpu import make_calculator, run_md
    from ..simulate.settings import MDSettings

    frames, runs = [], []
    calc = make_calculator(model)  # loaded once (NEP89: 15 MB, ~1 s), shared by every run of the ladder
    for r, reactor in enumerate(reactors):
        for t, temperature in enumerate(settings.temperatures_K):
            run_dir = out / f"reactor{r:02d}_{int(round(temperature))}K"
            run_dir.mkdir()
            md = MDSettings(steps=settings.md_steps, timestep_fs=settings.timestep_fs, temperature_K=temperature,
                            thermostat="langevin", tau_fs=100.0, dump_every=settings.dump_every,
                            dump_velocities=False, dump_forces=False, dump_charges=False,
                            seed=settings.seed + 1000 * iteration + 10 * r + t)
            status = "ok"
            try:
                run_md(reactor, calc, md, run_dir)
            except Exception as exc:  # a young model may blow up: its frames so far are the best candidates
                status = f"failed: {type(exc).__name__}: {exc}"
                log.warning("explore reactor %d at %g K: %s", r, temperature, status)
            got = _read_dump(run_dir / "dump.xyz")
            for k, atoms in enumerate(got):
                atoms.info.update(reactor=r, temperature_K=float(temperature), frame=k, iteration=iteration)
                frames.append(atoms)
            runs.append({"reactor": r, "temperature_K": float(temperature), "frames": len(got), "status": status})
    _write_xyz(out / "candidates.xyz", frames)
    return {"n_candidates": len(frames), "runs": runs}


def _read_dump(path: Path) -> list:
    """Frames of a CPU-backend dump as plain Atoms (cell, pbc); a frame cut by a crash is dropped."""
    from ase import Atoms

    from ..io.extxyz import ExtXYZTrajectory

    if not path.exists():
        return []
    out = []
    try:
        for frame in ExtXYZTrajectory(path).iter_frames():
            out.append(Atoms(frame.symbols.tolist(), positions=frame.positions, cell=frame.cell, pbc=True))
    except Exception as exc:  # noqa: BLE001 - a truncated last frame after a crash
        log.warning("%s: kept %d frames (%s)", path, len(out), exc)
    return [a for a in out if np.isfinite(a.positions).all()]


def _select(candidates, training, model: str, committee: list, settings: SamplingSettings, out: Path) -> dict:
    n = len(candidates)
    sigma = np.full(n, np.nan)
    contact = np.array([contact_ratio(a) for a in candidates])
    eligible = contact >= settings.min_contact_ratio
    if len(committee) >= 2 and n:
        sigma = committee_forces(candidates, committee)
        eligible &= (sigma >= settings.sigma_low_eV_A) & (sigma <= settings.sigma_high_eV_A)
    elements = sorted({s for a in list(candidates) + list(training) for s in a.get_chemical_symbols()})
    idx = np.flatnonzero(eligible)
    if n and not len(idx):
        log.warning("no eligible candidate among %d (%d unphysical contacts; disagreement window %g-%g eV/A): "
                    "nothing new to label this iteration", n, int((contact < settings.min_contact_ratio).sum()),
                    settings.sigma_low_eV_A, settings.sigma_high_eV_A)
    chosen = []
    if len(idx):
        X = structure_descriptors([candidates[i] for i in idx], model, elements)
        E = structure_descriptors(training, model, elements) if training else None
        chosen = [int(idx[k]) for k in farthest_points(X, settings.per_iteration, E)]
    with open(out / "candidates.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["candidate", "reactor", "temperature_K", "frame", "contact_ratio", "sigma_eV_A", "eligible",
                    "selected"])
        chosen_set = set(chosen)
        for i, atoms in enumerate(candidates):
            w.writerow([i, atoms.info.get("reactor"), atoms.info.get("temperature_K"), atoms.info.get("frame"),
                        f"{contact[i]:.4f}", "" if np.isnan(sigma[i]) else f"{sigma[i]:.6g}", int(eligible[i]),
                        int(i in chosen_set)])
    _write_xyz(out / "selected.xyz", [candidates[i] for i in chosen])
    finite = sigma[np.isfinite(sigma)]
    return {"n_candidates": n, "n_eligible": int(eligible.sum()), "n_selected": len(chosen),
            "n_unphysical": int((contact < settings.min_contact_ratio).sum()),
            "sigma_max_eV_A": float(finite.max()) if len(finite) else None,
            "sigma_median_eV_A": float(np.median(finite)) if len(finite) else None}


def _label(selected, settings: SamplingSettings, iteration: int, out: Path, labelling: dict) -> dict:
    from ..simulate.labelling import label

    structures = []
    for atoms in selected:
        a = atoms.copy()
        a.info["charge"] = 0
        structures.append(a)
    labelled = label(structures, settings.label_backend, on_error="skip", **labelling,
                     **settings.labelling_options()) if structures else []
    rng = np.random.default_rng([settings.seed, iteration])
    keep, failed = [], []
    draws = rng.random(len(structures))
    for k, (atoms, result) in enumerate(zip(structures, labelled)):
        if result is None:
            failed.append(k)
            continue
        result.info["config_type"] = f"iter{iteration}"
        result.info["split"] = "test" if draws[k] < settings.test_fraction else "train"
        keep.append(result)
    _write_xyz(out / "labelled.xyz", keep)
    with open(out / "failed.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["selected_index"])
        w.writerows([[k] for k in failed])
    return {"n_labelled": len(keep), "n_failed": len(failed),
            "n_test": sum(a.info["split"] == "test" for a in keep)}


def _train(labelled, settings: SamplingSettings, iteration: int, out: Path, key: str, types) -> dict:
    from ..train import train

    train_set = [a for a in labelled if a.info.get("split") != "test"]
    test_set = [a for a in labelled if a.info.get("split") == "test"]
    if not test_set and len(train_set) >= 2:  # a test set of one beats none
        test_set, train_set = train_set[-1:], train_set[:-1]
    base = settings.train_settings()
    models = []
    for m in range(settings.committee):
        result = train(train_set, out / f"model_{m}", base.replace(seed=base.seed + 100 * iteration + m),
                       test=test_set or None, types=types, backend=settings.train_backend,
                       reference_energies=settings.reference_energies)
        # the path the model will have once the step directory is renamed, relative to the sampling directory
        models.append({"model": f"{key}/model_{m}/{Path(result.model_path).name}", "rmse": _finite(result.rmse),
                       "wall_s": round(float(result.wall_s), 2)})
    return {"n_train": len(train_set), "n_test": len(test_set), "models": models}


def _finite(value):
    """NaN (a quantity the set does not have) as None, so the manifest stays valid JSON."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def _test(structure, root: Path, model_key: str, settings: SamplingSettings, out: Path) -> dict:
    """The stability run of ``root / model_key`` (recorded relative, so the directory can move)."""
    from ..simulate.cpu import make_calculator, run_md
    from ..simulate.settings import MDSettings
    from ..simulate.thermo import read_thermo

    c = settings.stability
    md = MDSettings(steps=c.steps, timestep_fs=c.timestep_fs, temperature_K=c.temperature_K, thermostat="nve",
                    dump_every=c.dump_every, thermo_every=c.dump_every, dump_velocities=False, dump_forces=False,
                    dump_charges=False, seed=settings.seed)
    error = None
    try:
        run_md(structure, make_calculator(os.fspath(root / model_key)), md, out)
    except Exception as exc:  # noqa: BLE001 - a blown-up run is a failed test, not a crash of the loop
        error = f"{type(exc).__name__}: {exc}"
    frames = [(a.positions, a.cell.array) for a in _read_dump(out / "dump.xyz")]
    try:
        thermo = read_thermo(out / "thermo.out", c.timestep_fs, c.dump_every)
    except Exception:  # noqa: BLE001
        import pandas as pd

        thermo = pd.DataFrame({"time_ps": [], "kinetic_eV": [], "potential_eV": []})
    result = {"model": model_key, **check_stability(frames, thermo, len(structure), c).as_dict()}
    if error is not None:
        result["passed"] = False
        result["reasons"] = result["reasons"] + [f"run failed: {error}"]
    if len(frames) * c.dump_every < c.steps:
        result["passed"] = False
        result["reasons"] = result["reasons"] + [f"run ended after {len(frames) * c.dump_every} of {c.steps} steps"]
    import json

    (out / "stability.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def _start_model(model) -> str:
    from ..models import nep89_path

    if model in (None, "nep89"):
        return os.fspath(nep89_path())
    path = Path(model)
    if not path.is_file():
        raise ConfigError(f"model file {path} not found")
    return os.fspath(path.resolve())


def sample(structure, out: str | os.PathLike, settings: SamplingSettings = SamplingSettings(), *, model="nep89",
           client=None, scheduler: str | None = None, n_workers: int = 2) -> SamplingResult:
    """Run (or resume) Interface Reactor sampling in ``out`` (module docstring).

    Parameters
    ----------
    structure : ase.Atoms
        The interface configuration the reactors are carved from (a preset, or a frame of a
        production run).
    out : path
        Sampling directory; an existing one with the same settings and input is resumed.
    settings : SamplingSettings
    model : "nep89" or path
        Model of the first exploration.
    client, scheduler, n_workers
        Where the labelling jobs run (:func:`seinet.simulate.labelling.label`).

    Returns
    -------
    SamplingResult

    Raises
    ------
    ConfigError
        Inconsistent settings, a directory holding another sampling run, no electrode.
    """
    import hashlib

    start = _start_model(model)
    positions = np.ascontiguousarray(structure.positions, dtype=float)
    inputs = {"structure": hashlib.sha256(positions.tobytes() + "".join(structure.get_chemical_symbols()).encode()
                                          + np.asarray(structure.cell.array, float).tobytes()).hexdigest(),
              "model": os.path.basename(start), "model_bytes": os.path.getsize(start)}
    fresh = not Path(out).exists()
    state = SamplingState(out, settings.as_dict(), inputs)
    try:
        if state.resumed:
            log.info("resuming the sampling run in %s", out)
        labelling = {"client": client, "scheduler": scheduler, "n_workers": n_workers}

        if not state.done("carve"):
            tmp = state.begin("carve")
            reactors = carve_reactors(structure, settings.reactor)
            if settings.max_reactors is not None:
                reactors = reactors[: int(settings.max_reactors)]
            if not reactors:
                raise ConfigError("no reactor with electrolyte could be carved from the structure")
            _write_xyz(tmp / "reactors.xyz", reactors)
            _write_xyz(tmp / "structure.xyz", [structure])
            state.finish("carve", {"n_reactors": len(reactors), "atoms": [len(r) for r in reactors]})
        reactors = _read_xyz(state.step_dir("carve") / "reactors.xyz")
        from ..train import model_types

        # every element of the input, in a fixed order: the models of all iterations share their types,
        # and a model can run the whole interface even if no selected structure held one of its elements
        types = model_types([structure])
        test_structure = structure if settings.stability_on == "interface" else max(reactors, key=len)

        current, committee, labelled = start, [], []
        prev_rmse, converged, summaries = None, False, []
        for k in range(int(settings.iterations)):
            it = f"iter_{k:03d}"
            steps = {}
            for name, run in (
                    ("explore", lambda tmp: _explore(reactors, current, settings, tmp, k)),
                    ("select", lambda tmp: _select(_read_xyz(state.step_dir(f"{it}/explore") / "candidates.xyz"),
                                                   labelled, current, committee, settings, tmp)),
                    ("label", lambda tmp: _label(_read_xyz(state.step_dir(f"{it}/select") / "selected.xyz"),
                                                 settings, k, tmp, labelling)),
                    ("train", lambda tmp: _train(labelled + _read_xyz(state.step_dir(f"{it}/label") / "labelled.xyz"),
                                                 settings, k, tmp, f"{it}/train", types)),
                    ("test", lambda tmp: _test(test_structure, state.dir, steps["train"]["models"][0]["model"],
                                               settings, tmp))):
                key = f"{it}/{name}"
                record = state.done(key)
                if record is None:
                    log.info("iteration %d: %s", k, name)
                    record = run(state.begin(key))
                    state.finish(key, record)
                steps[name] = record
            labelled = labelled + _read_xyz(state.step_dir(f"{it}/label") / "labelled.xyz")
            committee = [os.fspath(state.dir / m["model"]) for m in steps["train"]["models"]]
            current = committee[0]
            rmse = steps["train"]["models"][0]["rmse"].get("test") or steps["train"]["models"][0]["rmse"].get("train")
            force = None if not rmse else rmse.get("force_meV_per_A")
            improvement = None if prev_rmse is None or force is None else (prev_rmse - force) / prev_rmse
            stable = bool(steps["test"]["passed"])
            converged = stable and improvement is not None and improvement < settings.rmse_tolerance
            summary = {"iteration": k, "n_candidates": steps["explore"]["n_candidates"],
                       "n_selected": steps["select"]["n_selected"], "n_labelled": steps["label"]["n_labelled"],
                       "n_failed_labels": steps["label"]["n_failed"], "n_training_total": len(labelled),
                       "sigma_max_eV_A": steps["select"]["sigma_max_eV_A"],
                       "force_rmse_meV_A": force,
                       "energy_rmse_meV_atom": None if not rmse else rmse.get("energy_meV_per_atom"),
                       "rmse_improvement": improvement, "stable": stable,
                       "stability_reasons": steps["test"]["reasons"], "model": steps["train"]["models"][0]["model"],
                       "converged": converged}
            state.record_iteration(summary)
            summaries.append(summary)
            prev_rmse = force if force is not None else prev_rmse
            if converged:
                break
        state.set(converged=converged, model=summaries[-1]["model"] if summaries else None)
        _write_summary(state.dir, summaries)
        return SamplingResult(directory=state.dir, iterations=summaries,
                              model=state.dir / summaries[-1]["model"] if summaries else None,
                              converged=converged, n_labelled=len(labelled))
    except BaseException:
        if fresh and not state.data["steps"]:  # nothing finished: a bad input leaves no directory behind
            import shutil

            shutil.rmtree(state.dir, ignore_errors=True)
        raise


def _write_summary(directory: Path, summaries: list) -> None:
    """iterations.csv and figures/sampling.png (errors, labelled structures and stability per iteration)."""
    import pandas as pd

    from ..plot.sampling import plot_sampling

    table = pd.DataFrame(summaries)
    if "stability_reasons" in table:
        table["stability_reasons"] = ["; ".join(r) for r in table["stability_reasons"]]
    table.to_csv(directory / "iterations.csv", index=False)
    (directory / "figures").mkdir(exist_ok=True)
    plot_sampling(table, directory / "figures" / "sampling.png")
