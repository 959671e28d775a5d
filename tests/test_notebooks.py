"""The notebooks in analysis_notebooks/ run from top to bottom on the shipped data (public API only)."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "analysis_notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    private = [c.source for c in nb.cells if c.cell_type == "code" and "seinet." in c.source
               and any(f".{p}_" in c.source for p in ("", "seinet"))]
    assert not [s for s in private if "._" in s], "notebooks use the public API only"
