"""Well-tempered metadynamics on the CPU: an ASE calculator that adds the bias to another calculator.

:class:`MetadynamicsCalculator` wraps any ASE calculator (calorine's ``CPUNEP`` in production):
energy ``E + V(s(x))``, forces ``F - sum_a dV/ds_a grad_x s_a``, with the bias ``V`` of
:class:`seinet.simulate.bias.WellTemperedBias` and the CVs of :mod:`seinet.simulate.colvars`.
Other properties (charges, stress) are the wrapped calculator's; the bias adds no stress (the
CVs are evaluated at fixed cell; use NVT).

Hills are deposited by the MD loop, not by the force call (a force call happens in minimisers,
in property look-ups and at step 0 too): :meth:`MetadynamicsCalculator.attach` registers an
observer on an ASE dynamics object that deposits a hill at steps pace, 2 pace, ... (as PLUMED
does; no hill at step 0) at the CV values of the current positions, time ``step x timestep_fs``::

    calc = MetadynamicsCalculator(CPUNEP("nep89.txt"), [HeightCV(ion, surface=top)],
                                  MetadynamicsSettings(sigma=0.2, height_eV=0.01, pace=200,
                                                       biasfactor=10, temperature_K=400),
                                  hills_path="HILLS")
    atoms.calc = calc
    dyn = Langevin(atoms, 1 * units.fs, temperature_K=400, friction=0.01, fixcm=False)
    calc.attach(dyn)
    dyn.run(100_000)

After a deposition the calculator's cached results are cleared (the bias changed) but the wrapped
calculator's are kept, so the next force call costs one bias evaluation, not a second NEP call.
The same CVs and settings written for PLUMED (:func:`seinet.simulate.plumed.plumed_input`) give the
GPUMD run.
"""

from __future__ import annotations

import os

import numpy as np
from ase.calculators.calculator import Calculator, all_changes

from .bias import MetadynamicsSettings, WellTemperedBias
from .colvars import CollectiveVariable
from .errors import SimulationConfigError

__all__ = ["MetadynamicsCalculator", "evaluate_cvs"]


def evaluate_cvs(cvs, positions, cell=None, pbc=False) -> tuple[np.ndarray, np.ndarray]:
    """Values (d,) and gradients (d, N, 3) of several CVs."""
    values, grads = zip(*(cv.evaluate(positions, cell, pbc) for cv in cvs))
    return np.array(values, dtype=float), np.stack(grads)


class MetadynamicsCalculator(Calculator):
    """An ASE calculator: the wrapped calculator plus a metadynamics bias on collective variables.

    Parameters
    ----------
    calculator : ase.calculators.calculator.Calculator
        The physical potential.
    cvs : sequence of CollectiveVariable
        One to three CVs (:class:`~seinet.simulate.colvars.HeightCV`,
        :class:`~seinet.simulate.colvars.CoordinationCV`).
    settings : MetadynamicsSettings
        One sigma per CV.
    hills_path : path, optional
        HILLS file in PLUMED's format (written now, appended at each deposition).

    Attributes
    ----------
    bias : WellTemperedBias
    cv_values : numpy.ndarray or None
        CV values of the last calculation.
    bias_energy : float
        Bias of the last calculation, eV.
    """

    def __init__(self, calculator, cvs, settings: MetadynamicsSettings,
                 hills_path: str | os.PathLike | None = None) -> None:
        super().__init__()
        self.calculator = calculator
        self.cvs = tuple(cvs)
        if not self.cvs or not all(isinstance(cv, CollectiveVariable) for cv in self.cvs):
            raise SimulationConfigError("MetadynamicsCalculator needs collective variables (seinet.simulate.colvars)")
        if len(self.cvs) != settings.ncv:
            raise SimulationConfigError(f"metadynamics: {len(self.cvs)} CVs but {settings.ncv} sigma values")
        labels = [cv.label for cv in self.cvs]
        if len(set(labels)) != len(labels):
            raise SimulationConfigError(f"metadynamics: CV labels must differ (got {', '.join(labels)})")
        self.settings = settings
        self.bias = WellTemperedBias(settings, labels, [cv.period for cv in self.cvs], hills_path)
        base = list(getattr(calculator, "implemented_properties", ()))
        self.implemented_properties = ["energy", "free_energy", "forces"] + \
            [p for p in base if p not in ("energy", "free_energy", "forces", "energies")]
        self.cv_values: np.ndarray | None = None
        self.bias_energy = 0.0
        self._last_deposit = 0

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes) -> None:
        """Wrapped energy and forces plus the bias; other properties from the wrapped calculator."""
        super().calculate(atoms, properties, system_changes)
        atoms = self.atoms
        energy = self.calculator.get_potential_energy(atoms)
        forces = np.array(self.calculator.get_forces(atoms), dtype=float)
        s, grads = evaluate_cvs(self.cvs, atoms.positions, atoms.cell.array, atoms.pbc)
        v, dv = self.bias.evaluate(s)
        self.cv_values, self.bias_energy = s, v
        self.results = {"energy": energy + v, "free_energy": energy + v,
                        "forces": forces - np.einsum("a,aij->ij", dv, grads)}
        for name in properties:
            if name not in self.results:
                self.results[name] = self.calculator.get_property(name, atoms)

    def deposit(self, atoms, step: int) -> bool:
        """Deposit a hill at ``atoms``' CV values if ``step`` is a positive multiple of pace (once per step).

        Parameters
        ----------
        atoms : ase.Atoms
        step : int
            MD step number (``dyn.nsteps``).

        Returns
        -------
        bool
            Whether a hill was deposited.
        """
        pace = self.settings.pace
        if step <= 0 or step % pace or step <= self._last_deposit:
            return False
        s, _ = evaluate_cvs(self.cvs, atoms.positions, atoms.cell.array, atoms.pbc)
        self.bias.deposit(s, time=step * self.settings.timestep_fs)
        self._last_deposit = step
        self.results = {}  # the bias changed; the wrapped calculator keeps its own cache
        return True

    def attach(self, dynamics) -> None:
        """Deposit hills from an ASE dynamics object (every ``pace`` steps, none at step 0)."""
        dynamics.attach(lambda: self.deposit(dynamics.atoms, dynamics.nsteps), interval=self.settings.pace)
