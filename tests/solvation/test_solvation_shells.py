"""First shells and SSIP/CIP/AGG on designed shells of known composition."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from seinet.solvation import classify_shells, residence_correlation, solvation_shells, solvation_summary
from seinet.solvation.columns import ION_COLUMNS, PARTNER_COLUMNS, ROLE_ANION, ROLE_OTHER, ROLE_SOLVENT
from seinet.species import Partitioner
from solvation_designs import EXPECTED, designed_box, min_foreign_distance


def analyse(frames):
    p = Partitioner(frames[0].symbols)
    parts = [p.partition(f) for f in frames]
    cat = p.catalogue
    species = cat.to_dataframe(order=np.arange(len(cat)))  # species_id == internal id
    return solvation_shells(frames, parts, species), parts, species


@pytest.fixture(scope="module")
def designed():
    box = designed_box()
    assert min_foreign_distance(box) > 2.2  # above every covalent cutoff
    return box


def check_expected(ions: pd.DataFrame):
    assert len(ions) == len(EXPECTED)
    got = list(ions[["cn", "n_solvent_O", "n_anion_atoms", "n_anions", "category"]].itertuples(index=False,
                                                                                              name=None))
    assert got == EXPECTED


def test_designed_shells(designed):
    frame = designed.frame(time_ps=0.0)
    shells, parts, species = analyse([frame])
    ions = shells.ions
    assert list(ions.columns) == ION_COLUMNS and list(shells.partners.columns) == PARTNER_COLUMNS
    assert (parts[0].state[ions["ion"]] == 2).all()
    check_expected(ions)
    # solvent molecules are counted once each, the free PF6- nowhere
    assert ions["n_solvent"].tolist() == ions["n_solvent_O"].tolist()
    assert ions["n_other"].sum() == 0
    names = species.set_index("species_id")["name"]
    assert set(names[shells.partners["species_id"]]) == {"EC", "PF6-", "F-"}
    summary = solvation_summary(ions)
    row = summary.iloc[0]
    assert row["n_ions"] == 9
    assert row["frac_SSIP"] == row["frac_CIP"] == row["frac_AGG"] == pytest.approx(1 / 3)
    assert row["mean_cn"] == pytest.approx(sum(e[0] for e in EXPECTED) / 9)
    assert row["mean_n_solvent_O"] == pytest.approx(sum(e[1] for e in EXPECTED) / 9)


def test_designed_shells_periodic_triclinic(designed):
    """Same shells after shifting every cluster across the boundary of a sheared cell."""
    frame = designed.frame()
    cell = np.array([[80.0, 0, 0], [20.0, 80.0, 0], [0, 0, 80.0]])
    shifted = replace(frame, positions=frame.positions + [37.0, 41.0, 43.0], cell=cell)
    frac = shifted.positions @ np.linalg.inv(cell)
    wrapped = replace(shifted, positions=(frac - np.floor(frac)) @ cell)
    shells, _, _ = analyse([wrapped])
    check_expected(shells.ions)


def test_frames_and_summary_over_time(designed):
    """Two frames: the shared F- leaves in the second one -> the AGG pair becomes two SSIP."""
    f0 = designed.frame(index=0, time_ps=0.0)
    pos = f0.positions.copy()
    shared_f = [idx[0] for tag, idx in designed.groups if tag == "F-"][1]  # the F- of the AGG pair
    pos[shared_f] += [0.0, 0.0, 8.0]
    f1 = replace(f0, index=1, positions=pos, time_ps=0.5)
    shells, _, _ = analyse([f0, f1])
    s = solvation_summary(shells.ions).set_index("frame")
    assert s.loc[0, "frac_AGG"] == pytest.approx(3 / 9)
    assert s.loc[1, "frac_SSIP"] == pytest.approx(5 / 9)
    assert s.loc[1, "frac_AGG"] == pytest.approx(1 / 9)
    assert s.loc[1, "time_ps"] == 0.5
    # every EC stays in its shell; the F- leaves the AGG pair after one frame
    frames = shells.ions["frame"].unique()
    ct = residence_correlation(shells.partners, frames=frames, role="solvent")
    assert ct["c_t"].tolist() == [1.0, 1.0] and ct["time_ps"].iloc[1] == pytest.approx(0.5)
    ct_anion = residence_correlation(shells.partners, frames=frames, role="anion")
    n_anion_pairs = 3 + 2 + 2  # CIP: 3; AGG pair: 2 (shared F-); AGG two anions: 2
    assert ct_anion["c_t"].iloc[1] == pytest.approx((n_anion_pairs - 2) / n_anion_pairs)  # origins: frame 0 only


def test_classify_kernel_counts_per_cation():
    """Pure kernel: anion shared by two ions -> both AGG; two anions -> AGG; one private -> CIP."""
    ions = np.array([10, 20, 30, 40, 50])
    pair_ion = np.array([10, 10, 20, 30, 30, 40, 40, 50])
    frag = np.array([100, 100, 200, 300, 301, 400, 400, 401])
    role = np.array([ROLE_SOLVENT, ROLE_SOLVENT, ROLE_ANION, ROLE_ANION, ROLE_ANION, ROLE_ANION, ROLE_ANION,
                     ROLE_OTHER])
    oxygen = np.array([True, True, False, False, False, False, False, True])
    pair_ion[-2], frag[-2] = 50, 200    # ion 50 shares anion 200 with ion 20
    role[-2] = ROLE_ANION
    out = classify_shells(ions, pair_ion, frag, role, oxygen)
    assert out["category"].tolist() == ["SSIP", "AGG", "AGG", "CIP", "AGG"]
    assert out["n_solvent"].tolist() == [1, 0, 0, 0, 0]
    assert out["n_solvent_O"].tolist() == [2, 0, 0, 0, 0]
    assert out["n_anions"].tolist() == [0, 1, 2, 1, 1]
    assert out["n_other"].tolist() == [0, 0, 0, 0, 1]
