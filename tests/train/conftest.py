"""Fixtures of the training tests: a GFN1-xTB-labelled toy set and one real neppo training."""

import importlib.util

import pytest

HAVE_TBLITE = importlib.util.find_spec("tblite") is not None
HAVE_NEPPO = importlib.util.find_spec("neppo") is not None and importlib.util.find_spec("torch") is not None


@pytest.fixture(scope="session")
def labelled():
    """20 labelled structures (tests/train/toyset.py)."""
    if not HAVE_TBLITE:
        pytest.skip("tblite is not installed (pip install tblite)")
    from toyset import toy_labelled

    return toy_labelled()


@pytest.fixture(scope="session")
def trained(labelled, tmp_path_factory):
    """One real toy qNEP training with neppo (NEPSettings.toy(), fitted reference energies)."""
    if not HAVE_NEPPO:
        pytest.skip("neppo/torch are not installed (pip install 'seinet[train]')")
    from seinet.train import NEPSettings, train

    out = tmp_path_factory.mktemp("train") / "nep0"
    return train(labelled, out, NEPSettings.toy(), backend="neppo", reference_energies="fit", seed=0)
