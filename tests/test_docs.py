"""The documentation builds with Sphinx (MyST pages + API reference from the docstrings)."""

import shutil
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_sphinx_builds_the_guide_and_the_api_reference(tmp_path):
    src = tmp_path / "docs"
    shutil.copytree(DOCS, src, ignore=shutil.ignore_patterns("api", "_build"))
    out = tmp_path / "html"
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", str(src), str(out)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    bad = [line for line in proc.stderr.splitlines() if "WARNING" in line and
           ("toctree" in line or "document isn't included" in line or "failed to import" in line)]
    assert not bad, "\n".join(bad)
    for page in ("index", "guide", "interface", "comparison", "chemistry", "validation", "performance"):
        assert (out / f"{page}.html").is_file(), page
    api = (out / "api" / "seinet.interface.html").read_text()
    assert "find_electrode" in api and "InterfaceSettings" in api
    assert "analyze" in (out / "api" / "seinet.pipeline.html").read_text()
