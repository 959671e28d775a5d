"""seinet: reactive MD trajectories of battery interfaces into chemistry."""

__version__ = "0.1.0"

from .io import mda_reader as _mda_reader  # noqa: E402,F401  registers GPUMDXYZ/EXTXYZ with MDAnalysis


def __getattr__(name):  # lazy public API: importing seinet stays cheap
    if name == "analyze":
        from .pipeline import analyze

        return analyze
    if name in ("AnalysisSettings", "SpeciesAnalysis"):
        from .species import analysis

        return getattr(analysis, name)
    if name in ("BondRules", "ContactRules"):
        from . import bonds

        return getattr(bonds, name)
    if name == "open_trajectory":
        from .io import open_trajectory

        return open_trajectory
    raise AttributeError(f"module 'seinet' has no attribute {name!r}")


__all__ = ["__version__", "analyze", "AnalysisSettings", "SpeciesAnalysis", "BondRules", "ContactRules",
           "open_trajectory"]
