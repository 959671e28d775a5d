"""Fixtures of the simulation-stack tests (helpers in sim_helpers.py)."""

import pytest
from sim_helpers import HAVE_PACKMOL


@pytest.fixture(scope="session")
def tiny_interface():
    """Na(100) 2x2, 4 layers + 12 EC + 1 NaPF6: 144 atoms."""
    if not HAVE_PACKMOL:
        pytest.skip("packmol is not installed")
    from seinet.simulate import interface, slab

    return interface(slab("100", (2, 2), 4), "EC", 1.0, 12, seed=3)
