import networkx as nx
import pytest
from network_toy import C2H4, CO, CO3, EC, ECR, F, GLY, NA, NAF, PF5, PF6

from seinet.network import build_network, parse_reaction_key, prune, species_projection


def test_parse_reaction_key_multiplicity():
    r, p = parse_reaction_key("[F-].[Na+].[Na+]>X")
    assert r == {"[F-]": 1, "[Na+]": 2} and p == {"X": 1}
    assert parse_reaction_key(">A") == ({}, {"A": 1})
    with pytest.raises(ValueError, match="exactly one"):
        parse_reaction_key("A>B>C")


def test_bipartite_structure(species, reactions):
    G = build_network(species, reactions)
    species_nodes = {n for n, d in G.nodes(data=True) if d["kind"] == "species"}
    reaction_nodes = {n for n, d in G.nodes(data=True) if d["kind"] == "reaction"}
    assert len(species_nodes) == 11 and len(reaction_nodes) == 6
    assert nx.bipartite.is_bipartite_node_set(G.to_undirected(), species_nodes)
    for u, v in G.edges:  # every edge joins a species and a reaction
        assert (u in species_nodes) != (v in species_nodes)
    assert f"s:{NAF}" in G  # aggregate labelled by its name
    assert G.nodes[f"s:{NAF}"]["class"] == "inorganic SEI"
    assert G.nodes[f"s:{EC}"]["name"] == "EC"
    r1 = G.nodes["r:R1"]
    assert (r1["forward_count"], r1["reverse_count"], r1["net"]) == (12, 2, 10)
    assert r1["equation"] == "EC -> EC radical"
    e = G.edges[f"s:{F}", "r:R6"]
    assert e["role"] == "reactant" and e["stoichiometry"] == 1 and e["count"] == 3
    assert G.edges["r:R5", f"s:{PF5}"]["role"] == "product"


def test_unknown_species_get_nodes(species, reactions):
    reactions = reactions.copy()
    reactions.loc[len(reactions)] = ["R7", f"{NA}.{NA}>X", "2 Na+ -> X", 1, 0, 1, 7, 0.7]
    G = build_network(species, reactions)
    assert G.nodes["s:X"]["class"] == "unknown"
    assert G.edges[f"s:{NA}", "r:R7"]["stoichiometry"] == 2


def test_projection_counts(species, reactions):
    P = species_projection(build_network(species, reactions))
    assert all(d["kind"] == "species" for _, d in P.nodes(data=True))
    assert P.edges[f"s:{EC}", f"s:{ECR}"]["count"] == 12
    assert P.edges[f"s:{EC}", f"s:{C2H4}"]["count"] == 3
    assert P.edges[f"s:{ECR}", f"s:{CO3}"]["count"] == 5
    assert P.edges[f"s:{ECR}", f"s:{GLY}"]["weight"] == 45
    assert P.edges[f"s:{F}", f"s:{NAF}"]["count"] == 3
    assert P.edges[f"s:{NA}", f"s:{NAF}"]["reactions"] == "r:R6"
    assert P.nodes[f"s:{EC}"]["out_count"] == 15
    assert P.nodes[f"s:{ECR}"]["out_count"] == 50
    assert not P.has_edge(f"s:{ECR}", f"s:{EC}")
    R = species_projection(build_network(species, reactions), include_reverse=True)
    assert R.edges[f"s:{ECR}", f"s:{EC}"]["count"] == 2


def test_projection_sums_parallel_reactions(species, reactions):
    reactions = reactions.copy()
    reactions.loc[len(reactions)] = ["R7", f"{ECR}.{NA}>{C2H4}", "x", 7, 0, 7, 7, 0.7]
    P = species_projection(build_network(species, reactions))
    e = P.edges[f"s:{ECR}", f"s:{C2H4}"]
    assert e["count"] == 12 and e["reactions"] == "r:R2;r:R7"


def test_prune_min_count(species, reactions):
    H = prune(build_network(species, reactions), min_count=4)
    assert {n for n in H if n.startswith("r:")} == {"r:R1", "r:R2", "r:R3", "r:R5"}
    assert f"s:{NA}" not in H and f"s:{NAF}" not in H
    assert f"s:{F}" in H and f"s:{PF6}" in H


def test_prune_top_n(species, reactions):
    H = prune(build_network(species, reactions), top_n=2)
    assert {n for n in H if n.startswith("r:")} == {"r:R3", "r:R1"}
    assert {n for n in H if n.startswith("s:")} == {f"s:{x}" for x in (EC, ECR, CO, GLY)}


def test_prune_projection(species, reactions):
    P = species_projection(build_network(species, reactions))
    H = prune(P, min_count=10)
    assert set(H.edges) == {(f"s:{EC}", f"s:{ECR}"), (f"s:{ECR}", f"s:{CO}"), (f"s:{ECR}", f"s:{GLY}")}
    assert P.number_of_edges() > H.number_of_edges()  # input untouched
