import json
import re

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from seinet.network import FORMATS, build_network, export, species_projection
from seinet.network.export import serialisable


@pytest.fixture
def G(species, reactions):
    G = build_network(species, reactions)
    # awkward attributes a writer must survive
    G.nodes["r:R1"]["tags"] = ["a", "b"]
    G.nodes["r:R1"]["missing"] = None
    G.nodes["r:R1"]["ratio"] = np.float64(0.5)
    G.nodes["r:R2"]["first_time_ps"] = float("nan")
    G.add_node('s:we"ird\\name', kind="species", label='we"ird\\name', name="line\nbreak")
    return G


def test_serialisable_attributes(G):
    H = serialisable(G)
    d = H.nodes["r:R1"]
    assert d["tags"] == "a;b" and d["missing"] == "" and type(d["ratio"]) is float
    for _, data in H.nodes(data=True):
        assert all(isinstance(v, (bool, int, float, str)) for v in data.values())


@pytest.mark.parametrize("graph", ["bipartite", "projection"])
def test_graphml_round_trip(G, tmp_path, graph):
    G = G if graph == "bipartite" else species_projection(G)
    path = tmp_path / "net.graphml"
    export(G, path)
    H = nx.read_graphml(path)
    assert set(H.nodes) == set(G.nodes) and set(H.edges) == set(G.edges)
    u, v = next(iter(G.edges))
    assert H.edges[u, v]["count"] == G.edges[u, v]["count"]
    if graph == "bipartite":
        assert H.nodes["r:R1"]["forward_count"] == 12 and H.nodes["r:R1"]["tags"] == "a;b"


def test_node_link_json_round_trip(G, tmp_path):
    path = tmp_path / "net.json"
    export(G, path, "json")
    text = path.read_text()
    assert "NaN" not in text  # strict JSON
    H = nx.node_link_graph(json.loads(text), edges="edges")
    assert H.is_directed() and set(H.nodes) == set(G.nodes) and set(H.edges) == set(G.edges)
    assert H.nodes["r:R2"]["first_time_ps"] is None
    assert H.edges["s:[F-]", "r:R6"]["stoichiometry"] == 1


def test_cytoscape_json(G, tmp_path):
    path = tmp_path / "net.cyjs"
    export(G, path)
    data = json.loads(path.read_text())
    nodes, edges = data["elements"]["nodes"], data["elements"]["edges"]
    assert {n["data"]["id"] for n in nodes} == set(G.nodes)
    assert {(e["data"]["source"], e["data"]["target"]) for e in edges} == set(G.edges)
    assert len({e["data"]["id"] for e in edges}) == len(edges)
    ec = next(n["data"] for n in nodes if n["data"]["id"] == "s:O=C1OCCO1")
    assert ec["name"] == "EC" and ec["class"] == "solvent"


def test_edge_csv(G, tmp_path):
    path = tmp_path / "edges.csv"
    export(G, path, "csv")
    df = pd.read_csv(path)
    assert list(df.columns[:2]) == ["source", "target"] and {"count", "stoichiometry", "role"} <= set(df.columns)
    assert len(df) == G.number_of_edges()
    assert set(zip(df["source"], df["target"])) == set(G.edges)


def _parse_dot(text):
    """Minimal DOT reader: node and edge statements of quoted IDs."""
    qid = r'"((?:[^"\\]|\\.)*)"'
    nodes, edges = set(), set()
    for line in text.splitlines()[1:-1]:
        m = re.match(rf"\s*{qid}\s*->\s*{qid}", line)
        if m:
            edges.add(tuple(s.replace('\\"', '"').replace("\\\\", "\\") for s in m.groups()))
            continue
        m = re.match(rf"\s*{qid}\s*(\[|;)", line)
        if m:
            nodes.add(m.group(1).replace('\\"', '"').replace("\\\\", "\\"))
    return nodes, edges


def test_dot(G, tmp_path):
    path = tmp_path / "net.dot"
    export(G, path, "dot")
    text = path.read_text()
    assert text.startswith('digraph "network" {') and text.rstrip().endswith("}")
    # braces balance outside quoted strings
    bare = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)
    assert bare.count("{") == bare.count("}") == 1
    assert bare.count("[") == bare.count("]")
    nodes, edges = _parse_dot(text)
    assert nodes == set(G.nodes)
    assert edges == set(G.edges)
    assert '"shape"="box"' in text and "line\\nbreak" in text


def test_dot_undirected(tmp_path):
    path = tmp_path / "u.dot"
    export(nx.path_graph(3), path, "dot")
    text = path.read_text()
    assert text.startswith('graph "network" {') and '"0" -- "1";' in text


def test_export_dispatch_errors(G, tmp_path):
    assert set(FORMATS) == {"graphml", "json", "cytoscape", "csv", "dot"}
    with pytest.raises(ValueError, match="unknown network format"):
        export(G, tmp_path / "x.graphml", "gexf")
    with pytest.raises(ValueError, match="cannot tell"):
        export(G, tmp_path / "x.bin")


def test_exports_are_deterministic(G, tmp_path):
    for fmt in FORMATS:
        a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        export(G, a, fmt)
        export(G.copy(), b, fmt)
        assert a.read_bytes() == b.read_bytes(), fmt
