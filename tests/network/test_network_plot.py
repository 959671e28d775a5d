import pytest

from seinet.network import build_network, plot_network, species_projection


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_plot_network_writes_file(species, reactions, tmp_path, suffix):
    P = species_projection(build_network(species, reactions))
    path = tmp_path / f"net.{suffix}"
    plot_network(P, path, top_n=8, title="toy")
    assert path.stat().st_size > 1000
    if suffix == "svg":
        text = path.read_text()
        assert "EC radical" in text  # names, not SMILES


def test_plot_bipartite_and_empty(species, reactions, tmp_path):
    plot_network(build_network(species, reactions), tmp_path / "b.png")
    plot_network(build_network(species, reactions.iloc[:0]), tmp_path / "e.png")
    assert (tmp_path / "b.png").stat().st_size > 0 and (tmp_path / "e.png").stat().st_size > 0
