"""Inline stylesheet and scripts of ``report.html``: plain CSS and vanilla JavaScript.

Nothing here refers to a URL: the report must open offline. The SVG namespace is taken
from the ``<svg>`` element in the page instead of being written out.

``GUARD_JS`` runs first and collects every error (``window.onerror``, unhandled promise
rejections, ``console.error``) into ``<pre id="errors">``, so a headless browser test can
read them from the DOM. ``NETWORK_JS`` lays out and draws the species network.
"""

from __future__ import annotations

__all__ = ["CSS", "GUARD_JS", "NETWORK_JS", "PALETTE"]

#: Node colours by class, assigned to the sorted class names in turn (colour-blind safe first).
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#7f7f7f",
           "#8c564b", "#17becf", "#bcbd22", "#9467bd")

CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       margin: 0 auto; max-width: 1200px; padding: 1rem 1.5rem 3rem; color: #1b1b1b; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
.muted { color: #666; }
nav a { margin-right: 1rem; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
dl.summary dt { font-weight: 600; }
dl.summary dd { margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 0.25rem 0.5rem; text-align: left; vertical-align: middle; }
th { background: #f5f5f5; position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.smiles, td.eq { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; word-break: break-all; }
td.cls { white-space: nowrap; }
td.structure svg { width: 110px; height: 110px; display: block; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.85rem; color: #555; }
#errors { color: #b00020; background: #fff0f0; white-space: pre-wrap; margin: 0; }
#errors:empty { display: none; }
.network-box { position: relative; border: 1px solid #ddd; background: #fcfcfc; }
#network { width: 100%; height: auto; display: block; touch-action: none; user-select: none; }
#network .edge { stroke: #8a8a8a; stroke-opacity: 0.6; }
#network .edge:hover { stroke: #333; stroke-opacity: 1; }
#network .node circle { stroke: #fff; stroke-width: 1.5; cursor: grab; }
#network .node.dragging circle { cursor: grabbing; stroke: #000; }
#network .node text { font-size: 11px; pointer-events: none; paint-order: stroke; stroke: #fff;
                      stroke-width: 3px; fill: #222; }
#network .empty { font-size: 16px; fill: #777; }
#tooltip { position: absolute; pointer-events: none; background: rgba(30,30,30,0.92); color: #fff;
           padding: 0.35rem 0.5rem; border-radius: 4px; font-size: 0.8rem; white-space: pre; display: none;
           max-width: 480px; overflow: hidden; z-index: 2; }
.legend span.swatch { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 50%;
                      vertical-align: middle; margin: 0 0.3rem 0 0.8rem; }
"""

GUARD_JS = r"""
(function () {
  "use strict";
  var box = document.getElementById("errors");
  function report(text) {
    box.textContent += String(text) + "\n";
  }
  window.seinetReportError = report;
  window.onerror = function (message, source, line, column, error) {
    report((error && error.stack) ? error.stack : (message + " (line " + line + ":" + column + ")"));
    return false;
  };
  window.addEventListener("unhandledrejection", function (event) {
    report("unhandled promise rejection: " + event.reason);
  });
  var original = console.error;
  console.error = function () {
    report(Array.prototype.map.call(arguments, String).join(" "));
    if (original) { original.apply(console, arguments); }
  };
})();
"""

NETWORK_JS = r"""
(function () {
  "use strict";
  var svg = document.getElementById("network");

  // Deterministic PRNG (mulberry32): the same data gives the same layout in every browser.
  function mulberry32(seed) {
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6D2B79F5) >>> 0;
      var t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  // Fruchterman-Reingold with gravity, a fixed number of iterations and linear cooling, then
  // scaled to fit the drawing area. O(iterations * (n^2 + e)); the report keeps n small.
  function layout(nodes, edges, width, height, seed, iterations) {
    var rand = mulberry32(seed);
    var n = nodes.length, i, j, it;
    for (i = 0; i < n; i++) {
      nodes[i].x = width * rand();
      nodes[i].y = height * rand();
    }
    if (n === 0) { return; }
    var k = Math.min(0.5 * Math.sqrt(width * height / n), 120);
    var k2 = k * k, cx = width / 2, cy = height / 2;
    var temperature = width / 8, cooling = temperature / (iterations + 1);
    var dx = new Float64Array(n), dy = new Float64Array(n);
    for (it = 0; it < iterations; it++) {
      for (i = 0; i < n; i++) { dx[i] = 0; dy[i] = 0; }
      for (i = 0; i < n; i++) {
        for (j = i + 1; j < n; j++) {
          var rx = nodes[i].x - nodes[j].x, ry = nodes[i].y - nodes[j].y;
          var d2 = rx * rx + ry * ry + 0.01;
          var f = k2 / d2;
          dx[i] += rx * f; dy[i] += ry * f;
          dx[j] -= rx * f; dy[j] -= ry * f;
        }
      }
      for (j = 0; j < edges.length; j++) {
        var s = edges[j].source, t = edges[j].target;
        var ex = nodes[s].x - nodes[t].x, ey = nodes[s].y - nodes[t].y;
        var d = Math.sqrt(ex * ex + ey * ey) + 0.01;
        var g = d / k;
        dx[s] -= ex * g; dy[s] -= ey * g;
        dx[t] += ex * g; dy[t] += ey * g;
      }
      for (i = 0; i < n; i++) {
        dx[i] += (cx - nodes[i].x) * 0.08;
        dy[i] += (cy - nodes[i].y) * 0.08;
        var len = Math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]);
        if (len > 0) {
          var step = Math.min(len, temperature) / len;
          nodes[i].x += dx[i] * step;
          nodes[i].y += dy[i] * step;
        }
      }
      temperature = Math.max(temperature - cooling, 0.5);
    }
    // fit: uniform scale (at most 1.5x) into the area less a margin for the labels
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (i = 0; i < n; i++) {
      x0 = Math.min(x0, nodes[i].x); x1 = Math.max(x1, nodes[i].x);
      y0 = Math.min(y0, nodes[i].y); y1 = Math.max(y1, nodes[i].y);
    }
    var mx = 90, my = 40;
    var scale = Math.min((width - 2 * mx) / Math.max(x1 - x0, 1e-9), (height - 2 * my) / Math.max(y1 - y0, 1e-9), 1.5);
    for (i = 0; i < n; i++) {
      nodes[i].x = cx + (nodes[i].x - (x0 + x1) / 2) * scale;
      nodes[i].y = cy + (nodes[i].y - (y0 + y1) / 2) * scale;
    }
  }

  function draw(data) {
    var NS = svg.namespaceURI;
    function el(name, attrs, parent) {
      var e = document.createElementNS(NS, name);
      for (var key in attrs) {
        if (Object.prototype.hasOwnProperty.call(attrs, key)) { e.setAttribute(key, attrs[key]); }
      }
      if (parent) { parent.appendChild(e); }
      return e;
    }
    var box = svg.viewBox.baseVal;
    var width = box.width, height = box.height;
    var nodes = data.nodes, edges = data.edges;
    if (nodes.length === 0) {
      var empty = el("text", {x: width / 2, y: height / 2, "text-anchor": "middle", "class": "empty"}, svg);
      empty.textContent = data.empty_message || "no reactions";
      return 0;
    }
    layout(nodes, edges, width, height, data.seed, data.iterations);

    var defs = el("defs", {}, svg);
    var marker = el("marker", {id: "arrow", viewBox: "0 0 10 10", refX: "10", refY: "5",
                               markerWidth: "9", markerHeight: "9", markerUnits: "userSpaceOnUse",
                               orient: "auto"}, defs);
    el("path", {d: "M0,0 L10,5 L0,10 z", fill: "#777"}, marker);
    var edgeLayer = el("g", {"class": "edges"}, svg);
    var nodeLayer = el("g", {"class": "nodes"}, svg);
    var tooltip = document.getElementById("tooltip");
    var container = svg.parentNode;

    function showTip(evt, text) {
      tooltip.textContent = text;
      tooltip.style.display = "block";
      var r = container.getBoundingClientRect();
      tooltip.style.left = (evt.clientX - r.left + 12) + "px";
      tooltip.style.top = (evt.clientY - r.top + 12) + "px";
    }
    function hideTip() { tooltip.style.display = "none"; }

    edges.forEach(function (e) {
      e.line = el("line", {"class": "edge", "stroke-width": (1 + Math.log(Math.max(e.count, 1))).toFixed(2),
                           "marker-end": "url(#arrow)"}, edgeLayer);
      var text = nodes[e.source].name + " \u2192 " + nodes[e.target].name + "\n" + e.count +
                 " reaction event" + (e.count === 1 ? "" : "s") + "\nreactions: " + e.reactions;
      e.line.addEventListener("pointermove", function (evt) { showTip(evt, text); });
      e.line.addEventListener("pointerleave", hideTip);
    });

    function placeEdge(e) {
      var a = nodes[e.source], b = nodes[e.target];
      var vx = b.x - a.x, vy = b.y - a.y, d = Math.sqrt(vx * vx + vy * vy) || 1;
      e.line.setAttribute("x1", (a.x + vx * a.r / d).toFixed(1));
      e.line.setAttribute("y1", (a.y + vy * a.r / d).toFixed(1));
      e.line.setAttribute("x2", (b.x - vx * (b.r + 1) / d).toFixed(1));
      e.line.setAttribute("y2", (b.y - vy * (b.r + 1) / d).toFixed(1));
    }
    function placeNode(d) {
      d.g.setAttribute("transform", "translate(" + d.x.toFixed(1) + "," + d.y.toFixed(1) + ")");
    }

    function toSvg(evt) {
      var m = svg.getScreenCTM();
      var p = new DOMPoint(evt.clientX, evt.clientY);
      return m ? p.matrixTransform(m.inverse()) : p;
    }

    nodes.forEach(function (d, index) {
      d.r = 6 + 3 * Math.log(1 + Math.max(d.max_count, 0));
      d.g = el("g", {"class": "node", "data-id": d.id}, nodeLayer);
      el("circle", {r: d.r.toFixed(1), fill: d.color}, d.g);
      var label = el("text", {y: (-d.r - 4).toFixed(1), "text-anchor": "middle"}, d.g);
      label.textContent = d.name.length > 22 ? d.name.slice(0, 21) + "\u2026" : d.name;
      var tip = d.name + (d.name !== d.label ? "\n" + d.label : "") + "\nclass: " + d["class"] +
                (d.formula ? "\nformula: " + d.formula : "") + "\nmax count: " + d.max_count +
                "   final: " + d.final_count + "\nconsumed in " + d.out_count + " reaction event" +
                (d.out_count === 1 ? "" : "s");
      var dragging = false;
      d.g.addEventListener("pointerdown", function (evt) {
        dragging = true;
        d.g.classList.add("dragging");
        d.g.setPointerCapture(evt.pointerId);
        evt.preventDefault();
      });
      d.g.addEventListener("pointermove", function (evt) {
        if (dragging) {
          var p = toSvg(evt);
          d.x = Math.min(width, Math.max(0, p.x));
          d.y = Math.min(height, Math.max(0, p.y));
          placeNode(d);
          d.edges.forEach(placeEdge);
        }
        showTip(evt, tip);
      });
      function stop(evt) {
        dragging = false;
        d.g.classList.remove("dragging");
        if (d.g.hasPointerCapture(evt.pointerId)) { d.g.releasePointerCapture(evt.pointerId); }
      }
      d.g.addEventListener("pointerup", stop);
      d.g.addEventListener("pointercancel", stop);
      d.g.addEventListener("pointerleave", hideTip);
      d.edges = [];
      d.index = index;
    });
    edges.forEach(function (e) {
      nodes[e.source].edges.push(e);
      nodes[e.target].edges.push(e);
    });
    nodes.forEach(placeNode);
    edges.forEach(placeEdge);
    return nodeLayer.querySelectorAll("circle").length;
  }

  try {
    var data = JSON.parse(document.getElementById("network-data").textContent);
    var drawn = draw(data);
    svg.dataset.nodes = String(drawn);
    svg.dataset.rendered = "true";
  } catch (err) {
    svg.dataset.rendered = "error";
    window.seinetReportError("network: " + ((err && err.stack) ? err.stack : String(err)));
  }
})();
"""
