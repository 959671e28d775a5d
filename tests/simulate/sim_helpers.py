"""Helpers of the simulation-stack tests: availability of packmol and NEP89, cheap calculators, fake models."""

import importlib.util

import numpy as np
import pytest

from seinet.models import default_cache_dir
from seinet.simulate.errors import ExecutableNotFoundError


def _packmol_available() -> bool:
    from seinet.simulate.packmol import find_packmol

    try:
        find_packmol()
    except ExecutableNotFoundError:
        return False
    return True


HAVE_PACKMOL = _packmol_available()
HAVE_CALORINE = importlib.util.find_spec("calorine") is not None
NEP89_CACHED = (default_cache_dir() / "nep89.txt").is_file()

needs_packmol = pytest.mark.skipif(not HAVE_PACKMOL, reason="packmol is not installed (pip install packmol)")
needs_nep89 = pytest.mark.skipif(not (HAVE_CALORINE and NEP89_CACHED and HAVE_PACKMOL),
                                 reason="needs calorine, packmol and a cached NEP89 model (no download in tests)")


def lj_calculator(charges: bool = False):
    """A cheap ASE calculator for any element (Lennard-Jones), optionally reporting charges."""
    from ase.calculators.lj import LennardJones

    class ChargedLJ(LennardJones):
        implemented_properties = [*LennardJones.implemented_properties, "charges"]

        def calculate(self, atoms=None, properties=None, system_changes=None):
            super().calculate(atoms, ["energy", "forces", "stress"], system_changes or [])
            q = {"Na": 0.8, "F": -0.5, "P": 1.5, "O": -0.4, "C": 0.1, "H": 0.05}
            self.results["charges"] = np.array([q.get(s, 0.0) for s in self.atoms.get_chemical_symbols()])

    cls = ChargedLJ if charges else LennardJones
    return cls(sigma=1.0, epsilon=0.01, rc=3.0, smooth=True)


def write_fake_model(path, kind: str = "nep4_zbl", elements=("H", "C", "O", "F", "Na", "P")):
    """A file with a NEP header line only (enough for resolve_model and run.in writing)."""
    path.write_text(f"{kind} {len(elements)} {' '.join(elements)}\ncutoff 6 5 20 20\n")
    return path
