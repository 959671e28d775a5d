"""g(r) and n(r) against MDAnalysis InterRDF on fixed random configurations at 0.5 / 1 / 2 M-like densities."""

import numpy as np
import pytest

import MDAnalysis as mda
from MDAnalysis.analysis.rdf import InterRDF
from MDAnalysis.coordinates.memory import MemoryReader

from seinet.errors import ConfigError
from seinet.frame import Frame
from seinet.solvation import pair_histogram, rdf

AVOGADRO = 6.02214076e23


def box_length(n_ions: int, molar: float) -> float:
    """Cubic box edge (Å) holding ``n_ions`` formula units at ``molar`` mol/L."""
    return (n_ions / (molar * AVOGADRO) * 1e27) ** (1 / 3)


def solvated_frames(n_ions=24, molar=1.0, n_frames=3, seed=11, o_per_ion=5, background=8, breathe=0.0):
    """Na+ with ~5 O at 2.35 Å plus random background O; each frame reshuffled (fixed seed)."""
    rng = np.random.default_rng(seed)
    frames = []
    for f in range(n_frames):
        length = box_length(n_ions, molar) * (1 + breathe * (f - (n_frames - 1) / 2))
        na = rng.uniform(0, length, (n_ions, 3))
        u = rng.normal(size=(n_ions, o_per_ion, 3))
        u /= np.linalg.norm(u, axis=2, keepdims=True)
        shell = na[:, None] + u * rng.normal(2.35, 0.12, (n_ions, o_per_ion, 1))
        bg = np.empty((0, 3))
        while len(bg) < background * n_ions:  # excluded volume: no stray O inside a first shell
            cand = rng.uniform(0, length, (background * n_ions, 3))
            dv = cand[:, None] - na[None]
            dv -= length * np.round(dv / length)
            bg = np.concatenate([bg, cand[np.linalg.norm(dv, axis=2).min(axis=1) > 3.2]])
        bg = bg[: background * n_ions]
        pos = np.concatenate([na, shell.reshape(-1, 3), bg])
        symbols = np.array(["Na"] * n_ions + ["O"] * (len(pos) - n_ions))
        frames.append(Frame(index=f, symbols=symbols, positions=pos, cell=np.diag([length] * 3), time_ps=0.1 * f))
    return frames


def universe(frames):
    u = mda.Universe.empty(frames[0].n_atoms, trajectory=True)
    u.add_TopologyAttr("names", frames[0].symbols)
    u.add_TopologyAttr("elements", frames[0].symbols)
    coords = np.stack([f.positions for f in frames]).astype(np.float32)
    dims = np.array([[*np.diag(f.cell), 90.0, 90.0, 90.0] for f in frames], dtype=np.float32)
    u.load_new(coords, format=MemoryReader, dimensions=dims)
    return u


def mda_rdf(frames, a, b, r_max=8.0, n_bins=160, exclusion_block=None, center_idx=None):
    u = universe(frames)
    ga = u.atoms[center_idx] if center_idx is not None else u.select_atoms(f"name {a}")
    r = InterRDF(ga, u.select_atoms(f"name {b}"), nbins=n_bins, range=(0.0, r_max),
                 exclusion_block=exclusion_block).run()
    return r.results.bins, r.results.rdf


def assert_same_counts(frames, g, g_ref, n_centres, n_partners, r_max):
    """Equal pair counts up to pairs that float32 coordinates (MDAnalysis) move across a bin edge."""
    edges = np.linspace(0, r_max, len(g) + 1)
    ideal = sum(n_centres * n_partners / abs(np.linalg.det(f.cell)) for f in frames)
    norm = ideal * 4 / 3 * np.pi * np.diff(edges ** 3)
    c, c_ref = np.asarray(g) * norm, np.asarray(g_ref) * norm
    assert c.sum() == pytest.approx(c_ref.sum(), abs=1e-3)  # no pair lost, none invented
    moved = np.abs(np.cumsum(c) - np.cumsum(c_ref))
    assert moved.max() <= 2 + 1e-6                          # at most two pairs straddle an edge
    assert (np.abs(c - c_ref) > 1e-3).sum() <= 4


def peak(r, g):
    k = int(np.argmax(g))
    return r[k], g[k]


@pytest.mark.parametrize("molar", [0.5, 1.0, 2.0])
def test_na_o_matches_mdanalysis(molar):
    frames = solvated_frames(molar=molar)
    ours = rdf(frames, ("Na", "O"), r_max=8.0, n_bins=160)
    assert list(ours.columns) == ["r_A", "g_r", "cn"]
    bins, g_ref = mda_rdf(frames, "Na", "O")
    np.testing.assert_allclose(ours["r_A"], bins, atol=1e-9)
    (r0, h0), (r1, h1) = peak(ours["r_A"].to_numpy(), ours["g_r"].to_numpy()), peak(bins, g_ref)
    assert r0 == pytest.approx(r1, rel=0.02) and h0 == pytest.approx(h1, rel=0.02)
    assert_same_counts(frames, ours["g_r"], g_ref, 24, frames[0].n_atoms - 24, 8.0)
    assert 2.0 < r0 < 2.7
    # running CN at the first minimum: the 5 designed O (+ a little background)
    cn = ours.set_index("r_A")["cn"]
    assert 5.0 <= cn[cn.index < 3.1].iloc[-1] < 5.6


def test_na_na_same_element_matches_mdanalysis():
    frames = solvated_frames(molar=2.0)
    ours = rdf(frames, ("Na", "Na"), r_max=8.0, n_bins=80)
    _, g_ref = mda_rdf(frames, "Na", "Na", n_bins=80, exclusion_block=(1, 1))
    assert_same_counts(frames, ours["g_r"], g_ref, 24, 23, 8.0)


def test_states_select_ions_only():
    frames = solvated_frames(molar=1.0)
    state = np.zeros(frames[0].n_atoms, dtype=np.int8)
    state[:24] = 2
    state[:24:3] = 1  # a third of the Na are "metal": not centres
    ours = rdf(frames, ("Na", "O"), states=[state] * len(frames))
    ions = np.flatnonzero(state == 2)
    _, g_ref = mda_rdf(frames, "Na", "O", center_idx=ions)
    assert_same_counts(frames, ours["g_r"], g_ref, len(ions), frames[0].n_atoms - 24, 8.0)


def test_npt_uses_each_frame_volume():
    """Cell changes per frame: exact per-frame normalisation; MDAnalysis uses 1/<V> (differs by <1/V><V> - 1)."""
    frames = solvated_frames(molar=1.0, breathe=0.03)
    ours = rdf(frames, ("Na", "O"))
    _, g_ref = mda_rdf(frames, "Na", "O")
    vols = np.array([abs(np.linalg.det(f.cell)) for f in frames])
    # counts are identical; only the ideal-gas reference differs, by a known constant factor
    factor = np.mean(1 / vols) * np.mean(vols)
    assert_same_counts(frames, ours["g_r"] * factor, g_ref, 24, frames[0].n_atoms - 24, 8.0)
    assert peak(ours["r_A"].to_numpy(), ours["g_r"].to_numpy())[1] == pytest.approx(g_ref.max(), rel=0.02)


def test_ideal_gas_triclinic_is_flat():
    rng = np.random.default_rng(3)
    cell = np.array([[30.0, 0, 0], [8.0, 28.0, 0], [4.0, 5.0, 29.0]])
    frames = []
    for f in range(4):
        frac = rng.uniform(0, 1, (3000, 3))
        frames.append(Frame(index=f, symbols=np.array(["Na"] * 1000 + ["O"] * 2000), positions=frac @ cell, cell=cell))
    out = rdf(frames, ("Na", "O"), r_max=6.0, n_bins=12)
    assert np.allclose(out["g_r"].iloc[4:], 1.0, atol=0.05)
    # n(r) of an ideal gas: rho 4/3 pi r^3 at the bin's outer edge
    rho = 2000 / abs(np.linalg.det(cell))
    assert out["cn"].iloc[-1] == pytest.approx(rho * 4 / 3 * np.pi * 6.0 ** 3, rel=0.03)


def test_pair_histogram_counts_and_errors():
    pos = np.array([[1.0, 1, 1], [2.0, 1, 1], [1.0, 3.5, 1], [19.4, 1, 1]])
    cell = np.eye(3) * 20.0
    h = pair_histogram(pos, cell, np.array([0]), np.array([1, 2, 3]), np.linspace(0, 4, 9))
    assert h.tolist() == [0, 0, 1, 1, 0, 1, 0, 0]  # 1.0, 1.6 (periodic image), 2.5
    with pytest.raises(ConfigError):
        rdf([Frame(0, np.array(["Na", "O", "O", "O"]), pos, cell)], r_max=12.0)


def test_pair_histograms_equal_separate_calls():
    from seinet.solvation.rdf import pair_histograms

    f = solvated_frames(n_ions=20, molar=1.0, n_frames=1, seed=5)[0]
    na = np.flatnonzero(f.symbols == "Na")
    o = np.flatnonzero(f.symbols == "O")
    sets = [o[::2], o[1::2]]
    edges = np.linspace(0.0, 7.0, 141)
    got = pair_histograms(f.positions, f.cell, na, sets, edges, capacity=10)
    for h, s in zip(got, sets):
        np.testing.assert_array_equal(h, pair_histogram(f.positions, f.cell, na, s, edges))
    with pytest.raises(ConfigError):
        pair_histograms(f.positions, f.cell, na, [na], edges)
