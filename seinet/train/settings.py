"""Settings of a NEP / qNEP model and its training, written as ``nep.in``.

One frozen :class:`NEPSettings` serves both trainers: ``neppo`` (PyTorch, gradient descent, CPU
or GPU) and GPUMD's ``nep`` (SNES, GPU). :meth:`NEPSettings.nep_in` writes the keywords both
read; ``seed``, ``learning_rate`` and ``output_interval`` exist only in neppo (GPUMD's parser
stops at an unknown keyword), so they are left out for ``backend="nep"``. ``charge_mode`` is
written for a qNEP only (0 is both trainers' default).

=====================  ===========================================  ==========================================
keyword                field (default)                              meaning
=====================  ===========================================  ==========================================
``version``            ``version`` (4)                              NEP4, the version both trainers take
``type``               the ``types`` argument                       elements, in the model's type order
``charge_mode``        ``charge_mode`` (1; written for qNEP only)   1: qNEP, real and reciprocal space;
                                                                    2: qNEP, reciprocal space only
``cutoff``             ``cutoff`` ((6.0, 4.0))                      radial and angular cutoffs in Å
``n_max``              ``n_max`` ((4, 4))                           radial / angular descriptor sizes - 1
``basis_size``         ``basis_size`` ((8, 8))                      radial / angular basis sizes
``l_max``              ``l_max`` ((4, 2, 0))                        3-body l_max; 4-body 0|2; 5-body 0|1
``neuron``             ``neuron`` (30)                              neurons of the one hidden layer
``lambda_e/f/v``       ``lambda_e`` 1, ``lambda_f`` 1,              loss weights of energy, force, virial
                       ``lambda_v`` 0.1
``lambda_q``           ``lambda_q`` (0.1; qNEP only)                loss weight of the total charge
``batch``              ``batch`` (32)                               structures per batch
``generation``         ``generation`` (10000)                       steps (neppo) or SNES generations (nep)
``seed``               ``seed`` (0; neppo only)                     initial parameters and batch order
``learning_rate``      ``learning_rate`` ((1e-2, 1e-4); neppo)      cosine decay from start to stop
``output_interval``    ``output_interval`` (100; neppo only)        steps between rows of ``loss.out``
=====================  ===========================================  ==========================================

The limits are GPUMD's (``src/main_nep/parameters.cu``): 3 Å <= angular cutoff <= radial cutoff
<= 100 Å, n_max <= (12, 8), basis_size <= (16, 12), 2 <= l_max <= 8, 1 <= neuron <= 120 (within
them the angular descriptor has at most GPUMD's 90 components).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

from ..simulate.errors import SimulationConfigError

__all__ = ["NEPSettings", "NEP_IN_BACKENDS"]

#: Trainers whose ``nep.in`` dialect :meth:`NEPSettings.nep_in` writes.
NEP_IN_BACKENDS = ("neppo", "nep")


def _pair(value, name: str, kind=float) -> tuple:
    values = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(values) != 2:
        raise SimulationConfigError(f"{name} takes two values (radial, angular), got {value!r}")
    try:
        return tuple(kind(v) for v in values)
    except (TypeError, ValueError):
        raise SimulationConfigError(f"{name} must be numbers, got {value!r}") from None


@dataclass(frozen=True)
class NEPSettings:
    """A NEP4 / qNEP model and how to train it (the keywords of ``nep.in``; module table).

    Parameters
    ----------
    version : int
        NEP version; 4 only.
    charge_mode : {0, 1, 2}
        0: NEP without charges; 1 (default): qNEP with real- and reciprocal-space electrostatics;
        2: qNEP, reciprocal space only.
    cutoff : (float, float)
        Radial and angular cutoffs in Å.
    n_max, basis_size : (int, int)
        Radial and angular descriptor sizes and basis sizes.
    l_max : (int, int, int)
        l_max of the 3-body terms, then 2 to add the 4-body (0 to leave it out), then 1 to add the
        5-body term (0 to leave it out).
    neuron : int
        Neurons of the hidden layer (qNEP allows one hidden layer).
    lambda_e, lambda_f, lambda_v, lambda_q : float
        Loss weights of energy, forces, virial and total charge (``lambda_q`` qNEP only).
    batch : int
        Structures per batch.
    generation : int
        Training steps (neppo) or generations (GPUMD ``nep``).
    seed : int
        Seed of the initial parameters and the batches (neppo; GPUMD's nep is not seeded).
    learning_rate : (float, float)
        Start and end of the cosine learning-rate schedule (neppo).
    output_interval : int
        Steps between rows of ``loss.out``.

    Raises
    ------
    SimulationConfigError
        A value outside the limits of the module docstring (one line naming every problem).
    """

    version: int = 4
    charge_mode: int = 1
    cutoff: tuple[float, float] = (6.0, 4.0)
    n_max: tuple[int, int] = (4, 4)
    basis_size: tuple[int, int] = (8, 8)
    l_max: tuple[int, int, int] = (4, 2, 0)
    neuron: int = 30
    lambda_e: float = 1.0
    lambda_f: float = 1.0
    lambda_v: float = 0.1
    lambda_q: float = 0.1
    batch: int = 32
    generation: int = 10000
    seed: int = 0
    learning_rate: tuple[float, float] = (1e-2, 1e-4)
    output_interval: int = 100

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "cutoff", _pair(self.cutoff, "cutoff"))
        set_(self, "n_max", _pair(self.n_max, "n_max", int))
        set_(self, "basis_size", _pair(self.basis_size, "basis_size", int))
        set_(self, "learning_rate", _pair(self.learning_rate, "learning_rate"))
        l_max = tuple(self.l_max) if isinstance(self.l_max, (tuple, list)) else (self.l_max, 2, 0)
        if len(l_max) != 3:
            raise SimulationConfigError(f"l_max takes three values (3-body, 4-body 0|2, 5-body 0|1), "
                                        f"got {self.l_max!r}")
        set_(self, "l_max", tuple(int(v) for v in l_max))
        problems = []
        if self.version != 4:
            problems.append(f"version must be 4 (got {self.version})")
        if self.charge_mode not in (0, 1, 2):
            problems.append(f"charge_mode must be 0, 1 or 2 (got {self.charge_mode})")
        radial, angular = self.cutoff
        if not 3.0 <= angular <= radial <= 100.0:
            problems.append(f"cutoff must satisfy 3 <= angular <= radial <= 100 A (got {radial:g} {angular:g})")
        if not (0 <= self.n_max[0] <= 12 and 0 <= self.n_max[1] <= 8):
            problems.append(f"n_max must be within (0..12, 0..8) (got {self.n_max})")
        if not (0 <= self.basis_size[0] <= 16 and 0 <= self.basis_size[1] <= 12):
            problems.append(f"basis_size must be within (0..16, 0..12) (got {self.basis_size})")
        l3, l4, l5 = self.l_max
        if not 2 <= l3 <= 8 or l4 not in (0, 2) or l5 not in (0, 1):
            problems.append(f"l_max must be (2..8, 0|2, 0|1) (got {self.l_max})")
        if not 1 <= int(self.neuron) <= 120:
            problems.append(f"neuron must be 1..120 (got {self.neuron})")
        for name in ("lambda_e", "lambda_f", "lambda_v", "lambda_q"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and 0 <= value < math.inf):
                problems.append(f"{name} must be >= 0 and finite (got {value})")
        for name in ("batch", "generation", "output_interval"):
            if int(getattr(self, name)) < 1:
                problems.append(f"{name} must be >= 1 (got {getattr(self, name)})")
        if int(self.seed) < 0:
            problems.append(f"seed must be >= 0 (got {self.seed}; a training is always seeded)")
        if not min(self.learning_rate) > 0:
            problems.append(f"learning_rate must be positive (got {self.learning_rate})")
        if problems:
            raise SimulationConfigError("; ".join(problems))

    @classmethod
    def toy(cls, **changes) -> NEPSettings:
        """A tiny qNEP that trains in seconds on a CPU: tests, demos and the toy sampling loop.

        cutoff (5, 4) Å, n_max (4, 4), basis_size (6, 6), l_max (4, 0, 0), 8 neurons, batch 4,
        200 steps, a loss.out row every 50; ``changes`` override any field.
        """
        base = dict(cutoff=(5.0, 4.0), n_max=(4, 4), basis_size=(6, 6), l_max=(4, 0, 0), neuron=8,
                    batch=4, generation=200, output_interval=50)
        return cls(**{**base, **changes})

    def replace(self, **changes) -> NEPSettings:
        """A copy with ``changes`` (validated again)."""
        return replace(self, **changes)

    @property
    def is_charge_model(self) -> bool:
        """True for a qNEP (``charge_mode`` 1 or 2)."""
        return self.charge_mode != 0

    def as_dict(self) -> dict:
        """The fields as JSON-ready values (tuples become lists)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    def nep_in(self, types, backend: str = "neppo") -> str:
        """The text of ``nep.in`` for a model of the elements ``types``.

        Parameters
        ----------
        types : sequence of str
            Element symbols, in the order of the model's types.
        backend : {"neppo", "nep"}
            ``nep`` leaves out ``seed``, ``learning_rate`` and ``output_interval``, which GPUMD's nep
            does not read (it writes ``loss.out`` every 100 generations).

        Raises
        ------
        SimulationConfigError
            No types, a repeated type, or an unknown backend.
        """
        types = [str(t) for t in types]
        if not types or len(set(types)) != len(types):
            raise SimulationConfigError(f"types must be distinct element symbols (got {types})")
        if backend not in NEP_IN_BACKENDS:
            raise SimulationConfigError(f"nep.in backend must be one of {', '.join(NEP_IN_BACKENDS)} (got {backend!r})")
        lines = [
            f"version {self.version}",
            f"type {len(types)} {' '.join(types)}",
            f"cutoff {self.cutoff[0]:g} {self.cutoff[1]:g}",
            f"n_max {self.n_max[0]} {self.n_max[1]}",
            f"basis_size {self.basis_size[0]} {self.basis_size[1]}",
            f"l_max {self.l_max[0]} {self.l_max[1]} {self.l_max[2]}",
            f"neuron {self.neuron}",
            f"lambda_e {self.lambda_e:g}",
            f"lambda_f {self.lambda_f:g}",
            f"lambda_v {self.lambda_v:g}",
        ]
        if self.is_charge_model:
            lines[2:2] = [f"charge_mode {self.charge_mode}"]
            lines.append(f"lambda_q {self.lambda_q:g}")
        lines += [f"batch {self.batch}", f"generation {self.generation}"]
        if backend == "neppo":
            lines += [f"seed {self.seed}", f"learning_rate {self.learning_rate[0]:g} {self.learning_rate[1]:g}",
                      f"output_interval {self.output_interval}"]
        return "\n".join(lines) + "\n"
