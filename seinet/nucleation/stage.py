"""Nucleation inside ``seinet analyze`` and ``seinet nucleation``: per-frame detection beside the species
stage, then the tables, wulff.json and the figures.

The species stage already knows which Na atoms are metal (ionic layer), so the
nucleation stage takes its partitions: a nucleus touching metal is "on the
electrode". The Wulff prediction uses the surface energies the user gives, or by
default the NEP89 values computed by ``validation/naf_surface_energies.py``
(docs/wulff.md): the potential of the shipped demo runs. For a trajectory made with
another potential, pass that potential's energies (``--surface-energies``).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

from ..frame import Frame
from .analysis import NucleationAnalysis, NucleationResults, NucleationSettings

__all__ = ["NucleationStage", "NEP89_SURFACE_ENERGIES", "run_nucleation", "write_nucleation"]

log = logging.getLogger(__name__)

#: gamma(hkl) of NaF with NEP89 in J/m^2 (relaxed slabs, converged in thickness; docs/wulff.md).
NEP89_SURFACE_ENERGIES = {"100": 0.5810, "110": 0.8279, "111": 1.0917}
STATE_METAL = 1


class NucleationStage:
    """Streaming nucleation: :meth:`add` every FramePartition (with positions, cell, symbols)."""

    def __init__(self, settings: NucleationSettings = NucleationSettings()) -> None:
        self.analysis = NucleationAnalysis(settings)
        self.largest = None  # the largest nucleus seen (for the rendering)
        self.n_frames = 0

    def __call__(self, part) -> None:
        self.add(part)

    def add(self, part) -> None:
        if part.positions is None or part.cell is None:
            return
        frame = Frame(index=part.frame, symbols=part.symbols, positions=part.positions, cell=part.cell,
                      time_ps=part.time_ps)
        res = self.analysis.update(frame, metal=np.asarray(part.state) == STATE_METAL)
        self.n_frames += 1
        if res.nuclei and (self.largest is None or res.nuclei[0].size > self.largest.size):
            self.largest = res.nuclei[0]

    def results(self) -> NucleationResults:
        return self.analysis.results()


def write_nucleation(results: NucleationResults, out: str | Path, largest=None, surface_energies=None,
                     energy_source: str | None = None) -> dict:
    """Write the nucleation tables, wulff.json and figures into ``out``; returns a summary for the manifest.

    Parameters
    ----------
    results : NucleationResults
    out : path
    largest : Nucleus, optional
        Rendered in figures/nucleus.png.
    surface_energies : mapping, optional
        gamma(hkl) in J/m^2 by family ("100", "110", "111"); default :data:`NEP89_SURFACE_ENERGIES`.
    energy_source : str, optional
        Where the energies come from (written to wulff.json).
    """
    from ..plot.nucleation import plot_facet_fractions, plot_nucleation, plot_nucleus

    out = Path(out)
    results.write(out)
    figures = out / "figures"
    figures.mkdir(exist_ok=True)
    plot_nucleation(results.nucleation, figures / "nucleation.png")
    if surface_energies is None:
        surface_energies = NEP89_SURFACE_ENERGIES
        energy_source = energy_source or "NEP89, validation/naf_surface_energies.py (docs/wulff.md)"
    wulff = {"surface_energies_J_m2": {str(k): float(v) for k, v in dict(surface_energies).items()},
             "source": energy_source or "user"}
    try:
        from .wulff import facet_agreement, wulff_shape

        prediction = wulff_shape(surface_energies, keep_shape=False)
        wulff["prediction"] = prediction.to_dict()
        if len(results.facets):
            wulff["agreement"] = facet_agreement(results.facets, prediction).to_dict()
        else:
            wulff["agreement"] = None
            wulff["note"] = "no nucleus large enough for facets (facet_min_size); nothing to compare"
    except ImportError as exc:  # wulffpack is an optional dependency
        wulff["prediction"] = None
        wulff["note"] = f"Wulff prediction skipped: {exc}"
        prediction = None
    (out / "wulff.json").write_text(json.dumps(wulff, indent=2, default=_jsonable) + "\n")
    if len(results.facets):
        plot_facet_fractions(results.facets, figures / "facet_fractions.png", nuclei=results.nuclei,
                             wulff=None if prediction is None else dict(prediction.facet_fractions))
    if largest is not None:
        plot_nucleus(largest, figures / "nucleus.png")
    nuc = results.nucleation
    summary = {"settings": results.settings, "surface_energies_J_m2": wulff["surface_energies_J_m2"],
               "n_max": int(nuc["n_max"].max()) if len(nuc) else 0,
               "final_n_max": int(nuc["n_max"].iloc[-1]) if len(nuc) else 0,
               "max_crystalline_fraction": float(nuc["crystalline_fraction"].max()) if len(nuc) else 0.0}
    if wulff.get("agreement"):
        summary["wulff_score"] = wulff["agreement"].get("score")
    return summary


def _jsonable(x):
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating,)):
        return float(x)
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, tuple):
        return list(x)
    return str(x)


def run_nucleation(source, out: str | Path, settings: NucleationSettings = NucleationSettings(),
                   surface_energies=None, species_settings=None, overwrite: bool = False) -> NucleationResults:
    """``seinet nucleation``: a trajectory, or a run directory (its trajectory is read again), into a
    nucleation directory (tables, wulff.json, figures, manifest.json), written atomically.

    Parameters
    ----------
    source : path
        A trajectory, or a run directory of ``seinet analyze`` (its manifest names the inputs
        and the reader settings).
    out : path
        Directory to create.
    settings : NucleationSettings
    surface_energies : mapping, optional
        See :func:`write_nucleation`.
    species_settings : AnalysisSettings, optional
        Reader and bonding settings for a trajectory (a run directory brings its own).
    """
    import time

    from .. import __version__
    from ..errors import SeinetError
    from ..run import RunDirectory
    from ..species.analysis import AnalysisSettings, SpeciesAnalysis

    t0 = time.perf_counter()
    source = Path(source)
    species_settings = species_settings or AnalysisSettings()
    inputs = [source]
    if source.is_dir():
        manifest_path = source / "manifest.json"
        if not manifest_path.is_file():
            raise SeinetError(f"{source}: neither a trajectory nor a run directory (no manifest.json)")
        manifest = json.loads(manifest_path.read_text())
        inputs = [Path(i["path"]) for i in manifest.get("inputs", [])]
        missing = [str(p) for p in inputs if not p.is_file()]
        if not inputs or missing:
            raise SeinetError(f"{source}: the trajectory of this run is not found ({', '.join(missing) or 'none'}); "
                              f"run seinet nucleation on the trajectory itself")
        s = manifest.get("settings", {})
        species_settings = AnalysisSettings(format=s.get("format", "auto"),
                                            elements=tuple(s["elements"]) if s.get("elements") else None,
                                            cell=tuple(s["cell"]) if s.get("cell") else None,
                                            timestep_fs=s.get("timestep_fs"), start=s.get("start", 0),
                                            stop=s.get("stop"), step=s.get("step", 1))
    stage = NucleationStage(settings)
    with RunDirectory(out, overwrite=overwrite) as tmp:
        SpeciesAnalysis(inputs, species_settings, sink=stage.add).run()
        results = stage.results()
        summary = write_nucleation(results, tmp, stage.largest, surface_energies,
                                   None if surface_energies is None else "user")
        manifest = {"seinet_version": __version__, "created_by": "seinet nucleation",
                    "inputs": [str(p.resolve()) for p in inputs], "n_frames": stage.n_frames, **summary,
                    "wall_time_s": round(time.perf_counter() - t0, 3)}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, default=_jsonable) + "\n")
    return results
