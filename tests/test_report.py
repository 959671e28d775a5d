"""report.html: self-contained (no external reference), renders in headless Chromium without errors."""

import json
from html import escape as html_escape
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from builders import Box, write_extxyz
from seinet.cli import main
from seinet.report import build_report

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo" / "na_dme.extxyz.gz"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """The first 60 frames of the Na | NaPF6/DME demo: a few reactions (DME and PF6- decomposition)."""
    out = tmp_path_factory.mktemp("demo") / "na_dme"
    assert main(["analyze", str(DEMO), "--out", str(out), "--stop", "60", "--quiet", "--no-membership"]) == 0
    return out


@pytest.fixture(scope="module")
def quiet_run(tmp_path_factory):
    """Two H2 molecules that never react: a run directory with an empty reactions.csv."""
    folder = tmp_path_factory.mktemp("quiet")
    box = Box([20.0, 20.0, 20.0])
    box.add(["H", "H"], [[0, 0, 0], [0.74, 0, 0]], (10, 10, 10))
    box.add(["H", "H"], [[0, 0, 0], [0.74, 0, 0]], (4, 4, 4))
    write_extxyz(folder / "h2.extxyz", [box.frame(k, time_ps=0.01 * k) for k in range(6)])
    out = folder / "RUN"
    assert main(["analyze", str(folder / "h2.extxyz"), "--out", str(out), "--quiet"]) == 0
    assert len(pd.read_csv(out / "reactions.csv")) == 0
    return out


def render(html: Path, tmp_path: Path) -> tuple[str, str]:
    """DOM after the page's scripts ran, and Chromium's log (console messages are 'CONSOLE' lines)."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} not found: run `make install` (it installs Debian's chromium for this test)")
    cmd = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'chromium-profile'}", "--virtual-time-budget=5000",
           "--enable-logging=stderr", "--dump-dom", html.resolve().as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, proc.stderr


def network_state(dom: str) -> dict:
    tag = re.search(r'<svg id="network"[^>]*>', dom)
    assert tag, "no <svg id=network> in the rendered page"
    attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', tag.group(0)))
    errors = re.search(r'<pre id="errors"[^>]*>(.*?)</pre>', dom, flags=re.S)
    assert errors, "no <pre id=errors> in the rendered page"
    return {"rendered": attrs.get("data-rendered"), "nodes": int(attrs.get("data-nodes", -1)),
            "errors": errors.group(1)}


def external_references(html: str) -> list[str]:
    """Anything that would make the browser fetch something (data: URIs are removed first)."""
    text = re.sub(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+", "data:", html)
    patterns = [r"https?://", r"""(?:src|href)\s*=\s*["']?//""", r"<script[^>]*\ssrc\s*=", r"<link\b",
                r"@import", r"url\(\s*['\"]?(?!#)", r"<iframe", r"<object", r"<embed",
                r"""(?:src|href)\s*=\s*["']?(?!data:|#)[\w.-]+\.(?:js|css|png|svg|woff2?)"""]
    return [m.group(0) for p in patterns for m in re.finditer(p, text, flags=re.I)]


def test_analyze_writes_a_self_contained_report(demo_run):
    html = (demo_run / "report.html").read_text(encoding="utf-8")
    assert external_references(html) == []
    assert html.count("<svg") > 10  # structure drawings are inline
    assert 'src="data:image/png;base64,' in html  # species_evolution.png
    assert 'src="data:image/svg+xml;base64,' in html  # network.svg
    for text in ("DME", "PF6-", "ps^-1", "na_dme"):
        assert text in html, text
    reactions = pd.read_csv(demo_run / "reactions.csv")
    assert any(r.startswith("COCCOC>") for r in reactions["reaction_key"])  # the DME C-O cleavage is in there
    for equation in reactions["equation"]:  # every reaction is listed, escaped
        assert html_escape(equation) in html, equation
    assert (demo_run / "report.html").stat().st_size < 5e6


def test_report_renders_the_network_without_errors(demo_run, tmp_path):
    dom, log = render(demo_run / "report.html", tmp_path)
    state = network_state(dom)
    assert state["errors"] == ""
    assert state["rendered"] == "true"
    data = json.loads(re.search(r'<script type="application/json" id="network-data">(.*?)</script>', dom,
                                flags=re.S).group(1))
    assert state["nodes"] == len(data["nodes"]) > 0
    assert dom.count('class="node"') == state["nodes"] and dom.count('class="edge"') == len(data["edges"]) > 0
    assert "CONSOLE" not in log, [line for line in log.splitlines() if "CONSOLE" in line]


def test_report_without_reactions_is_still_a_valid_page(quiet_run, tmp_path):
    html = (quiet_run / "report.html").read_text(encoding="utf-8")
    assert "No reactions were detected" in html and external_references(html) == []
    dom, log = render(quiet_run / "report.html", tmp_path)
    assert network_state(dom) == {"rendered": "true", "nodes": 0, "errors": ""}
    assert "CONSOLE" not in log


def test_report_command_regenerates_the_same_file(demo_run, tmp_path):
    out = tmp_path / "again.html"
    assert main(["report", str(demo_run), "--out", str(out), "--quiet"]) == 0
    assert out.read_bytes() == (demo_run / "report.html").read_bytes()  # deterministic, title from the run
    assert main(["report", str(demo_run), "--out", str(out), "--top-species", "3", "--top-reactions", "1",
                 "--quiet"]) == 0
    html = out.read_text(encoding="utf-8")
    n_species = len(pd.read_csv(demo_run / "species.csv"))
    n_reactions = len(pd.read_csv(demo_run / "reactions.csv"))
    assert n_species > 3 and n_reactions > 1
    assert f"3 of {n_species} species" in html and f"1 of {n_reactions} reactions" in html


def test_report_command_on_a_non_run_directory_is_one_error_line(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("seinet: error:") and "run directory" in err[0]


def test_text_from_the_tables_cannot_inject_markup(demo_run, tmp_path):
    run = tmp_path / "RUN"
    shutil.copytree(demo_run, run)
    species = pd.read_csv(run / "species.csv")
    evil = "</script><script>alert(1)</script><b>"
    species.loc[species["smiles"] == "COCCOC", "name"] = evil  # DME is in the network
    species.to_csv(run / "species.csv", index=False)
    html = build_report(run).read_text(encoding="utf-8")
    assert evil not in html and "<script>alert" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html  # the table shows it as text
    dom, _ = render(run / "report.html", tmp_path)
    state = network_state(dom)
    assert state["rendered"] == "true" and state["nodes"] > 0 and state["errors"] == ""
