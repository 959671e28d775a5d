"""Nucleation figures are written from the tables and from a detected nucleus."""

import pytest

from naf_crystals import crystal, embedded, random_rotation
from seinet.errors import ConfigError
from seinet.nucleation import analyze_nucleation, detect_frame
from seinet.plot.nucleation import plot_facet_fractions, plot_nucleation, plot_nucleus


@pytest.fixture(scope="module")
def result():
    rot = random_rotation(6)
    frames = []
    for k in range(3):
        c = crystal("truncated_cube", n=3, m=7, rotation=rot, center=(15, 15, 15), jitter=0.1, seed=k)
        frames.append(embedded([c], [30, 30, 30], seed=k, index=k, time_ps=0.2 * k).frame)
    return frames, analyze_nucleation(frames)


def test_figures(result, tmp_path):
    frames, res = result
    plot_nucleation(res.nucleation, tmp_path / "n.png")
    plot_facet_fractions(res.facets, tmp_path / "f.png", nuclei=res.nuclei, wulff={"{100}": 0.7, "{111}": 0.3})
    plot_facet_fractions(res.facets, tmp_path / "f2.svg", nucleus_id=int(res.nuclei["nucleus_id"].iloc[0]))
    nucleus = detect_frame(frames[-1]).nuclei[0]
    for mode in ("surface", "species", "facet"):
        plot_nucleus(nucleus, tmp_path / f"nu_{mode}.png", color_by=mode)
    for name in ("n.png", "f.png", "f2.svg", "nu_surface.png", "nu_species.png", "nu_facet.png"):
        assert (tmp_path / name).stat().st_size > 1000


def test_figure_errors(result, tmp_path):
    _, res = result
    with pytest.raises(ConfigError):
        plot_facet_fractions(res.facets.iloc[0:0], tmp_path / "x.png")
    with pytest.raises(ConfigError):
        plot_facet_fractions(res.facets, tmp_path / "x.png", nucleus_id=999)
    with pytest.raises(ConfigError):
        plot_nucleus(None, tmp_path / "x.png", color_by="rainbow")
