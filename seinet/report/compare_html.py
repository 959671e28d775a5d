"""comparison.html: the tables and figures of ``seinet compare`` in one offline page (no script needed)."""

from __future__ import annotations

from html import escape
from pathlib import Path

import numpy as np
import pandas as pd

from .. import __version__
from .assets import CSS, GUARD_JS
from .html import _figures_section, _fmt, _write_atomic

__all__ = ["build_comparison_page"]


def _table(df: pd.DataFrame, columns: list[str], header: list[str] | None = None) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in (header or columns))
    rows = []
    for rec in df[columns].itertuples(index=False):
        cells = []
        for v in rec:
            if isinstance(v, (float, np.floating)):
                cells.append(f"<td>{'' if not np.isfinite(v) else escape(_fmt(v, 4))}</td>")
            else:
                cells.append(f"<td>{escape(str(v))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"


def build_comparison_page(out: Path, runs, conditions: pd.DataFrame, diffs: pd.DataFrame, reactions: pd.DataFrame,
                          dominant: dict[str, pd.DataFrame], title: str = "seinet comparison") -> Path:
    """Write ``out/comparison.html`` from the comparison tables and ``out/figures``."""
    run_rows = pd.DataFrame([(r.label, r.name, str(r.path), len(r.counts),
                              _fmt(r.counts["time_ps"].iloc[-1]) if len(r.counts) else "") for r in runs],
                            columns=["condition", "run", "path", "frames", "last time (ps)"])
    wide = conditions.assign(value=[f"{_fmt(m, 4)}" + ("" if not np.isfinite(h) else f" ± {_fmt(h, 3)}")
                                    for m, h in zip(conditions["mean"], conditions["ci_half"])])
    wide = wide.pivot_table(index="metric", columns="condition", values="value", aggfunc="first", sort=False)
    wide = wide.reset_index()
    sections = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="muted">written by seinet {escape(__version__)}; values are means with 95 % intervals '
        f"(over replicas, or from block averages of a single run); see docs/comparison.md</p>",
        '<nav><a href="#runs">Runs</a><a href="#headline">Headline numbers</a><a href="#differences">Differences</a>'
        '<a href="#reactions">Reactions</a><a href="#figures">Figures</a></nav>',
        f'<section id="runs">\n<h2>Runs</h2>\n{_table(run_rows, list(run_rows.columns))}\n</section>',
        f'<section id="headline">\n<h2>Headline numbers</h2>\n{_table(wide, list(wide.columns))}\n</section>',
        '<section id="differences">\n<h2>Differences</h2>\n<p class="muted">"different" only when the difference '
        'exceeds the combined 95 % intervals; "cannot tell" when an interval is unknown (one replica, no '
        "time series).</p>\n" + (_table(diffs, list(diffs.columns)) if len(diffs) else "<p>One condition.</p>")
        + "\n</section>",
    ]
    react = ['<section id="reactions">\n<h2>Reactions</h2>']
    for cond, top in dominant.items():
        react.append(f"<h3>Dominant reactions: {escape(cond)}</h3>")
        cols = ["equation_names", f"events:{cond}", f"rate_per_ps:{cond}", "status"]
        react.append(_table(top, cols, ["reaction", "events", "rate (1/ps)", "status"]) if len(top) else "<p>None.</p>")
    if len(reactions):
        counts = reactions["status"].value_counts()
        react.append("<p>" + escape(", ".join(f"{k}: {v}" for k, v in counts.items())) + " reactions; all in "
                     "reactions_comparison.csv</p>")
    react.append("</section>")
    sections += react
    sections.append(_figures_section(out / "figures"))
    page = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            f'<pre id="errors"></pre>\n<script>{GUARD_JS}</script>\n' + "\n".join(sections) + "\n</body>\n</html>\n")
    path = out / "comparison.html"
    _write_atomic(path, page)
    return path
