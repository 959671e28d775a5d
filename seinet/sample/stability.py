"""The stability test of a trained potential: an interface run that must not break.

A model passes when an NVE run of the interface (velocity Verlet, no thermostat to hide
errors) of ``steps`` steps:

- keeps every pair of atoms farther apart than ``min_distance_A`` (0.7 Å: shorter than any
  bond, H2's 0.74 Å aside, so reaching it means the repulsive wall failed), in every frame;
- conserves the total energy: the drift, |slope| of a straight-line fit of E_total per atom
  against time, stays below ``max_drift_meV_atom_ps`` (a broken potential heats or cools
  a run by orders of magnitude more);
- loses no atoms: positions stay finite and no atom moves more than ``max_jump_A`` between
  two frames (an atom shot through the cell is lost to the physics even when periodic
  boundaries keep it in the box).

GPUMD's own run guards are of the same kind; the numbers are in docs/sampling.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["StabilityCriteria", "StabilityResult", "check_stability"]


@dataclass(frozen=True)
class StabilityCriteria:
    """Thresholds of the stability test (module docstring)."""

    steps: int = 2000
    timestep_fs: float = 0.5
    temperature_K: float = 400.0
    dump_every: int = 20
    min_distance_A: float = 0.7
    max_drift_meV_atom_ps: float = 5.0
    max_jump_A: float = 2.0

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class StabilityResult:
    """What the test found; ``passed`` when every criterion holds."""

    passed: bool
    min_distance_A: float
    drift_meV_atom_ps: float
    lost_atoms: int
    n_frames: int
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        d = asdict(self)
        d["reasons"] = list(self.reasons)
        return d


def _min_distance(positions: np.ndarray, cell: np.ndarray) -> float:
    from ase import Atoms
    from ase.neighborlist import neighbor_list

    atoms = Atoms(positions=positions, cell=cell, pbc=True)
    d = neighbor_list("d", atoms, 2.0)
    return float(d.min()) if len(d) else np.inf


def check_stability(frames, thermo, n_atoms: int, criteria: StabilityCriteria = StabilityCriteria()) -> StabilityResult:
    """Judge a finished run.

    Parameters
    ----------
    frames : sequence of (positions (N, 3), cell (3, 3))
        The run's frames in order.
    thermo : pandas.DataFrame
        ``read_thermo`` of the run (columns ``time_ps``, ``kinetic_eV``, ``potential_eV``).
    n_atoms : int
    criteria : StabilityCriteria

    Returns
    -------
    StabilityResult
    """
    reasons = []
    dmin, lost, prev = np.inf, 0, None
    for positions, cell in frames:
        positions = np.asarray(positions, dtype=float)
        bad = ~np.isfinite(positions).all(axis=1)
        if bad.any():
            lost = max(lost, int(bad.sum()))
            break
        if prev is not None:
            step = positions - prev
            frac = step @ np.linalg.inv(cell)
            step = (frac - np.round(frac)) @ cell  # minimum image: crossing the boundary is not a jump
            lost = max(lost, int((np.linalg.norm(step, axis=1) > criteria.max_jump_A).sum()))
        prev = positions
        dmin = min(dmin, _min_distance(positions, cell))
    total = (thermo["kinetic_eV"] + thermo["potential_eV"]).to_numpy(float) / n_atoms * 1000.0  # meV/atom
    t = thermo["time_ps"].to_numpy(float)
    if len(t) >= 2 and np.isfinite(total).all():
        drift = float(abs(np.polyfit(t, total, 1)[0]))
    else:
        drift = float("inf")
    if dmin < criteria.min_distance_A:
        reasons.append(f"atoms {dmin:.2f} A apart (< {criteria.min_distance_A} A)")
    if not drift <= criteria.max_drift_meV_atom_ps:
        reasons.append(f"energy drift {drift:.3g} meV/atom/ps (> {criteria.max_drift_meV_atom_ps})")
    if lost:
        reasons.append(f"{lost} atoms lost (non-finite or jumped > {criteria.max_jump_A} A)")
    return StabilityResult(passed=not reasons, min_distance_A=float(dmin), drift_meV_atom_ps=drift, lost_atoms=lost,
                           n_frames=int(len(thermo)), reasons=tuple(reasons))
