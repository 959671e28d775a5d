"""``report.html``: one self-contained page summarising a run directory.

The page is built from the run directory's tables only (no chemistry is recomputed):
manifest summary, species table with inline structure drawings, the figures, the
reaction list and an interactive species network drawn by a small inline script
(:mod:`seinet.report.assets`). Every script, style and image is inline (PNG as base64
data URIs, SVG figures as data URIs so that the ids of different figures cannot clash),
so the file opens offline; no URL of any kind is written. Text is HTML-escaped and the
embedded JSON cannot close its ``<script>`` element. The same run directory gives a
byte-identical report.
"""

from __future__ import annotations

import base64
import json
import logging
import math
import os
import re
import tempfile
from html import escape
from pathlib import Path

import pandas as pd

from .. import __version__
from ..errors import SeinetError
from ..species.catalogue import species_labels
from .assets import CSS, GUARD_JS, NETWORK_JS, PALETTE

__all__ = ["build_report", "REPORT_NAME"]

log = logging.getLogger(__name__)

#: File name of the report inside a run directory.
REPORT_NAME = "report.html"

#: Seed and iteration count of the in-browser layout (deterministic).
LAYOUT_SEED = 20240607
LAYOUT_ITERATIONS = 400

_FIGURE_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
_MAX_FIGURE_BYTES = 3 << 20  # a larger figure is skipped with a note (keeps the report a sane size)
_SVG_NAMESPACES = re.compile(r"\s+xmlns(?::\w+)?=(['\"])[^'\"]*\1|\s+xml:space=(['\"])[^'\"]*\2")


def build_report(run_dir: str | os.PathLike, path: str | os.PathLike | None = None, top_species: int = 60,
                 top_reactions: int = 80, title: str | None = None) -> Path:
    """Write the HTML report of a run directory.

    Parameters
    ----------
    run_dir : path
        Run directory written by ``seinet analyze`` (needs species.csv and
        species_counts.csv; reactions.csv, manifest.json and figures/ are used when present).
    path : path, optional
        Output file; default ``run_dir/report.html``. Written atomically.
    top_species : int
        Rows of the species table (most abundant by maximum count).
    top_reactions : int
        Rows of the reaction list and reactions kept in the network (most frequent).
    title : str, optional
        Page title; default the run directory's name.

    Returns
    -------
    Path
        The report file.

    Raises
    ------
    SeinetError
        When ``run_dir`` is not a run directory.

    Notes
    -----
    O(S + R + F) for S species, R reactions and F figure bytes; the in-browser layout is
    O(iterations * n^2) for the n species of the network.
    """
    run = Path(run_dir)
    for name in ("species.csv", "species_counts.csv"):
        if not (run / name).is_file():
            raise SeinetError(f"{run / name} not found; is {run} a run directory of seinet analyze?")
    species = _read_csv(run / "species.csv")
    counts = _read_csv(run / "species_counts.csv")
    reactions = _read_csv(run / "reactions.csv") if (run / "reactions.csv").is_file() else pd.DataFrame()
    manifest = json.loads((run / "manifest.json").read_text()) if (run / "manifest.json").is_file() else {}
    title = title or run.resolve().name

    stats = _species_stats(species, counts)
    colors = _class_colors(species)
    network = _network_data(species, reactions, stats, colors, top_reactions)
    body = "\n".join([
        f"<h1>{escape(title)}</h1>",
        f'<p class="muted">seinet {escape(str(manifest.get("seinet_version", __version__)))} run report'
        f" &middot; written by seinet {escape(__version__)}</p>",
        '<nav><a href="#summary">Summary</a><a href="#species">Species</a><a href="#network-section">Network</a>'
        '<a href="#reactions">Reactions</a><a href="#figures">Figures</a></nav>',
        _summary_section(manifest, species, reactions),
        _species_section(species, stats, colors, top_species),
        _network_section(network, colors),
        _reactions_section(reactions, top_reactions),
        _figures_section(run / "figures"),
    ])
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} - seinet report</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<pre id="errors"></pre>\n<script>{GUARD_JS}</script>\n{body}\n'
        f'<script type="application/json" id="network-data">{_json_for_script(network)}</script>\n'
        f"<script>{NETWORK_JS}</script>\n</body>\n</html>\n"
    )
    out = Path(path) if path is not None else run / REPORT_NAME
    _write_atomic(out, page)
    log.info("report: %s (%.0f kB)", out, out.stat().st_size / 1024)
    return out


# --- data ---------------------------------------------------------------------------------

def _read_csv(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()


def _species_stats(species: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """label, max_count, final_count for every species row (0 when a label has no column)."""
    labels = species_labels(species) if len(species) else pd.Series([], dtype=str)
    max_count, final_count = [], []
    for label in labels:
        if label in counts.columns and len(counts):
            column = pd.to_numeric(counts[label], errors="coerce").fillna(0)
            max_count.append(int(column.max()))
            final_count.append(int(column.iloc[-1]))
        else:
            max_count.append(0)
            final_count.append(0)
    return pd.DataFrame({"label": labels.tolist(), "max_count": max_count, "final_count": final_count},
                        index=species.index)


def _class_colors(species: pd.DataFrame) -> dict[str, str]:
    classes = sorted({str(c) for c in species.get("class", pd.Series([], dtype=str)).fillna("unknown")}
                     | {"unknown"})
    return {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(classes)}


def _network_data(species, reactions, stats, colors, top_reactions) -> dict:
    """Species projection of the top reactions as {nodes, edges} for the inline script."""
    data = {"seed": LAYOUT_SEED, "iterations": LAYOUT_ITERATIONS, "nodes": [], "edges": [],
            "n_reactions": int(len(reactions)), "empty_message": "no reactions"}
    if not len(reactions) or "reaction_key" not in reactions.columns:
        return data
    from ..network import build_network, prune, species_projection

    graph = prune(build_network(species, reactions), top_n=top_reactions)
    projection = species_projection(graph)
    by_label = dict(zip(stats["label"], zip(stats["max_count"], stats["final_count"])))
    index = {}
    for node, attrs in projection.nodes(data=True):
        label = str(attrs.get("label", node))
        max_count, final_count = by_label.get(label, (0, 0))
        cls = str(attrs.get("class", "unknown"))
        index[node] = len(data["nodes"])
        data["nodes"].append({"id": str(node), "label": label, "name": str(attrs.get("name") or label),
                              "class": cls, "formula": str(attrs.get("formula") or ""),
                              "color": colors.get(cls, PALETTE[-1]), "max_count": int(max_count),
                              "final_count": int(final_count), "out_count": int(attrs.get("out_count", 0))})
    for u, v, attrs in projection.edges(data=True):
        data["edges"].append({"source": index[u], "target": index[v], "count": int(attrs.get("count", 0)),
                              "reactions": str(attrs.get("reactions", ""))})
    data["n_reactions_shown"] = sum(1 for _, d in graph.nodes(data=True) if d.get("kind") == "reaction")
    return data


def _json_for_script(data) -> str:
    """JSON that cannot end its <script> element or open a comment: ``<``, ``>``, ``&`` as \\u escapes."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# --- sections -----------------------------------------------------------------------------

def _fmt(value, digits: int = 4) -> str:
    """A number for people: integers as such, floats to ``digits`` significant digits; '' for missing."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.{digits}g}"
    return str(value)


def _summary_section(manifest: dict, species: pd.DataFrame, reactions: pd.DataFrame) -> str:
    rows: list[tuple[str, str]] = []
    for i, item in enumerate(manifest.get("inputs", [])):
        size = item.get("size_bytes")
        text = f"{item.get('path', '?')} ({item.get('format', '?')}"
        text += f", {size / 1e6:.1f} MB" if isinstance(size, (int, float)) else ""
        text += f", sha256 {item['sha256'][:12]}" if item.get("sha256") else ""
        rows.append((f"input {i + 1}" if len(manifest["inputs"]) > 1 else "input", text + ")"))
    if "n_atoms" in manifest:
        elements = ", ".join(f"{e} {n}" for e, n in manifest.get("elements", {}).items())
        rows.append(("atoms", f"{manifest['n_atoms']}" + (f" ({elements})" if elements else "")))
    if "n_frames" in manifest:
        rows.append(("frames", str(manifest["n_frames"])))
    span = manifest.get("time_ps") or {}
    if span.get("first") is not None and span.get("last") is not None:
        rows.append(("time span", f"{_fmt(span['first'])} - {_fmt(span['last'])} ps"))
    cell = manifest.get("cell")
    if cell:
        lengths = " x ".join(_fmt(x, 5) for x in cell.get("first_lengths_A", []))
        rows.append(("cell", f"{lengths} \u00c5" + (" (variable volume)" if cell.get("variable") else "")))
    rows.append(("species", str(manifest.get("n_species", len(species)))))
    events = manifest.get("events", {})
    n_reactions = events.get("n_reactions", len(reactions))
    rows.append(("reactions", f"{n_reactions} distinct" + (
        f", {events['n_reaction_events']} reaction events, {events.get('n_redox_events', 0)} redox events"
        if "n_reaction_events" in events else "")))
    settings = manifest.get("settings", {})
    bonds = settings.get("bonds", {})
    if bonds:
        overrides = ", ".join(str(o) for o in bonds.get("overrides", [])) or "none"
        rows.append(("bonding", f"preset {bonds.get('preset')}, bond order cutoff {bonds.get('bond_order_cutoff')}, "
                                f"hysteresis {'on' if bonds.get('hysteresis') else 'off'}, overrides {overrides}"))
    if settings:
        rows.append(("frames read", f"start {settings.get('start')}, stop {settings.get('stop')}, "
                                    f"step {settings.get('step')}"))
    tau = events.get("settings", {}).get("tau")
    if tau is not None:
        rows.append(("event window", f"{tau} frames"))
    rows += _interface_rows(manifest.get("interface") or {})
    if "wall_time_s" in manifest:
        rows.append(("analysis time", f"{manifest['wall_time_s']} s"))
    if not manifest:
        rows.append(("manifest", "manifest.json not found"))
    items = "\n".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
    return f'<section id="summary">\n<h2>Summary</h2>\n<dl class="summary">\n{items}\n</dl>\n</section>'


def _interface_rows(info: dict) -> list[tuple[str, str]]:
    """Headline numbers of the interface stage (manifest ``interface``); docs/interface.md defines them."""
    rows = []
    if info.get("note"):
        rows.append(("electrode", info["note"]))
    sei = info.get("final_sei")
    if sei:
        ratio = "n/a (no organic SEI)" if sei.get("ratio") is None else _fmt(sei["ratio"], 3)
        rows.append(("SEI at the last frame", f"{_fmt(sei['thickness_A'], 3)} \u00c5 thick, {sei['inorganic']} inorganic "
                                               f"/ {sei['organic']} organic atoms, ratio {ratio}"))
    if info.get("sodium_lost") is not None:
        frac = info.get("sodium_lost_fraction")
        rows.append(("sodium lost", f"{info['sodium_lost']} atoms" + (f" ({100 * frac:.1f} % of the initial metal)"
                                                                       if frac is not None else "")))
    tau = {k: v for k, v in (info.get("residence_time_ps") or {}).items() if v is not None}
    if tau:
        rows.append(("Na+ shell residence", ", ".join(f"{k} {_fmt(v, 3)} ps" for k, v in tau.items())))
    return rows


def _inline_structure(smiles: str) -> str:
    """RDKit's SVG, without namespace declarations (not needed inline in HTML) and comments."""
    from ..plot.structures import structure_svg

    svg = structure_svg(smiles) if smiles else ""
    if not svg:
        return ""
    svg = _SVG_NAMESPACES.sub("", svg)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    return svg.replace("<svg", f'<svg role="img" aria-label="{escape(smiles)}"', 1)


def _species_section(species, stats, colors, top_species) -> str:
    if not len(species):
        return '<section id="species">\n<h2>Species</h2>\n<p>No species.</p>\n</section>'
    table = species.join(stats[["max_count", "final_count"]])
    first = table["first_time_ps"] if "first_time_ps" in table.columns else pd.Series(math.nan, index=table.index)
    order = table.assign(_first=pd.to_numeric(first, errors="coerce"))
    order = order.sort_values(["max_count", "_first", "species_id"], ascending=[False, True, True], kind="stable")
    shown = order.head(max(int(top_species), 0))
    rows = []
    for _, row in shown.iterrows():
        smiles = "" if pd.isna(row.get("smiles")) else str(row.get("smiles"))
        cls = "unknown" if pd.isna(row.get("class")) else str(row.get("class"))
        swatch = f'<span class="swatch" style="background:{colors.get(cls, PALETTE[-1])}"></span>'
        rows.append(
            "<tr>"
            f'<td class="structure">{_inline_structure(smiles)}</td>'
            f"<td>{escape(_fmt(row.get('name')))}</td>"
            f'<td class="smiles">{escape(smiles)}</td>'
            f"<td>{escape(_fmt(row.get('formula')))}</td>"
            f'<td class="num">{escape(_fmt(row.get("charge")))}</td>'
            f'<td class="legend cls">{swatch}{escape(cls)}</td>'
            f'<td class="num">{int(row["max_count"])}</td>'
            f'<td class="num">{int(row["final_count"])}</td>'
            f'<td class="num">{escape(_fmt(row.get("first_time_ps")))}</td>'
            "</tr>")
    head = ("<tr><th>structure</th><th>name</th><th>SMILES</th><th>formula</th><th class=\"num\">charge</th>"
            "<th>class</th><th class=\"num\">max count</th><th class=\"num\">final count</th>"
            "<th class=\"num\">first seen (ps)</th></tr>")
    note = f"{len(shown)} of {len(species)} species, most abundant first (maximum count over the frames)."
    return (f'<section id="species">\n<h2>Species</h2>\n<p class="muted">{escape(note)}</p>\n'
            f"<table>\n<thead>{head}</thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>\n</section>")


def _network_section(network: dict, colors: dict) -> str:
    if network["nodes"]:
        used = sorted({n["class"] for n in network["nodes"]})
        legend = "".join(f'<span class="swatch" style="background:{colors.get(c, PALETTE[-1])}"></span>{escape(c)}'
                         for c in used)
        note = (f"Species network of the {network['n_reactions_shown']} most frequent of "
                f"{network['n_reactions']} reactions: an arrow reactant \u2192 product per reaction, width ~ "
                f"log(events). Drag nodes; hover for details.")
        intro = f'<p class="muted">{escape(note)}</p>\n<p class="legend">{legend}</p>'
    else:
        intro = '<p>No reactions were detected in this run: the network is empty.</p>'
    return (f'<section id="network-section">\n<h2>Reaction network</h2>\n{intro}\n'
            f'<div class="network-box">\n<svg id="network" viewBox="0 0 960 640" data-rendered="false" '
            f'data-nodes="0" role="img" aria-label="species reaction network"></svg>\n'
            f'<div id="tooltip"></div>\n</div>\n</section>')


def _reactions_section(reactions: pd.DataFrame, top_reactions: int) -> str:
    if not len(reactions) or "equation" not in reactions.columns:
        return '<section id="reactions">\n<h2>Reactions</h2>\n<p>No reactions.</p>\n</section>'
    table = reactions.copy()
    for col in ("forward_count", "reverse_count"):
        table[col] = pd.to_numeric(table.get(col, 0), errors="coerce").fillna(0).astype(int)
    table["_total"] = table["forward_count"] + table["reverse_count"]
    table = table.sort_values(["_total", "reaction_id"], ascending=[False, True], kind="stable")
    shown = table.head(max(int(top_reactions), 0))
    has_k = "k" in table.columns
    rows = []
    for _, row in shown.iterrows():
        k = ""
        if has_k and pd.notna(row.get("k")):
            k = f"{_fmt(float(row['k']), 3)} {'' if pd.isna(row.get('k_units')) else row.get('k_units', '')}".strip()
        rows.append(
            "<tr>"
            f'<td class="num">{escape(_fmt(row.get("reaction_id")))}</td>'
            f'<td class="eq">{escape(_fmt(row.get("equation")))}</td>'
            f'<td class="num">{int(row["forward_count"])}</td>'
            f'<td class="num">{int(row["reverse_count"])}</td>'
            f'<td class="num">{escape(_fmt(row.get("net")))}</td>'
            f'<td class="num">{escape(_fmt(row.get("first_time_ps")))}</td>'
            + (f'<td class="num">{escape(k)}</td>' if has_k else "") +
            "</tr>")
    head = ("<tr><th class=\"num\">id</th><th>equation</th><th class=\"num\">forward</th>"
            "<th class=\"num\">reverse</th><th class=\"num\">net</th><th class=\"num\">first seen (ps)</th>"
            + ("<th class=\"num\">k</th>" if has_k else "") + "</tr>")
    note = f"{len(shown)} of {len(reactions)} reactions, most frequent first."
    return (f'<section id="reactions">\n<h2>Reactions</h2>\n<p class="muted">{escape(note)}</p>\n'
            f"<table>\n<thead>{head}</thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>\n</section>")


def _figures_section(folder: Path) -> str:
    """Every figure once (SVG preferred over PNG of the same name), as a data URI."""
    chosen: dict[str, Path] = {}
    if folder.is_dir():
        for f in sorted(folder.iterdir()):
            if f.suffix.lower() in _FIGURE_TYPES and f.is_file():
                best = chosen.get(f.stem)
                if best is None or (f.suffix.lower() == ".svg" and f.stat().st_size <= _MAX_FIGURE_BYTES):
                    chosen[f.stem] = f
    items = []
    for stem, f in sorted(chosen.items()):
        caption = escape(f"{f.name}")
        if f.stat().st_size > _MAX_FIGURE_BYTES:
            items.append(f"<figure><figcaption>{caption}: too large to embed "
                         f"({f.stat().st_size / 1e6:.1f} MB); see figures/ in the run directory</figcaption></figure>")
            continue
        data = base64.b64encode(f.read_bytes()).decode("ascii")
        items.append(f'<figure><img alt="{escape(stem)}" src="data:{_FIGURE_TYPES[f.suffix.lower()]};base64,{data}">'
                     f"<figcaption>{caption}</figcaption></figure>")
    body = "\n".join(items) if items else "<p>No figures.</p>"
    return f'<section id="figures">\n<h2>Figures</h2>\n{body}\n</section>'


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
