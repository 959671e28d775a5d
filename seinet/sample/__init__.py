"""Interface Reactor sampling: carve, explore, select, label, train, test, repeat (docs/sampling.md).

>>> from seinet.sample import SamplingSettings, sample
>>> result = sample(interface_atoms, "SAMPLING", SamplingSettings.toy())   # doctest: +SKIP
"""

from .loop import SamplingResult, SamplingSettings, sample
from .reactor import ReactorSettings, carve_reactor, carve_reactors, reactor_windows
from .stability import StabilityCriteria, StabilityResult, check_stability

__all__ = ["ReactorSettings", "carve_reactor", "carve_reactors", "reactor_windows", "SamplingSettings",
           "SamplingResult", "sample", "StabilityCriteria", "StabilityResult", "check_stability"]
