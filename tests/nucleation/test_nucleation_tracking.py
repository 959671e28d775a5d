"""Nucleus identity through time: growth, splits, merges, births and deaths."""

import numpy as np
import pytest

from seinet.nucleation import NucleusTracker, match_nuclei, nucleus_tracks, overlaps
from seinet.nucleation.columns import EVENT_COLUMNS, TRACK_COLUMNS


def r(a, b):
    return np.arange(a, b)


def run(frames, dt=1.0):
    tracker = NucleusTracker()
    rows = []
    for k, members in enumerate(frames):
        ids = tracker.update(k, k * dt, members)
        rows += [(k, k * dt, int(i), len(m)) for i, m in zip(ids, members)]
    import pandas as pd
    nuclei = pd.DataFrame(rows, columns=["frame", "time_ps", "nucleus_id", "size"])
    return tracker, nuclei


def test_overlaps():
    p, c, n = overlaps([r(0, 10), r(10, 20)], [r(5, 15), r(30, 40)])
    assert p.tolist() == [0, 1] and c.tolist() == [0, 0] and n.tolist() == [5, 5]
    assert all(len(x) == 0 for x in overlaps([], [r(0, 3)]))


def test_growing_nucleus_keeps_its_id_and_rate():
    tracker, nuclei = run([[r(0, 10)], [r(0, 15)], [r(0, 20)], [r(2, 27)]], dt=0.5)
    assert set(nuclei["nucleus_id"]) == {0}
    ev = tracker.events_dataframe()
    assert list(ev.columns) == EVENT_COLUMNS
    assert ev["kind"].tolist() == ["birth"]
    tracks = nucleus_tracks(nuclei, ev)
    assert list(tracks.columns) == TRACK_COLUMNS
    row = tracks.iloc[0]
    assert row["growth_rate_ions_per_ps"] == pytest.approx(np.polyfit([0, 0.5, 1, 1.5], [10, 15, 20, 25], 1)[0])
    assert row["growth_rate_ions_per_ps"] == pytest.approx(10.0)
    assert (row["size_first"], row["size_last"], row["size_max"], row["n_frames"]) == (10, 25, 25, 4)
    assert row["fate"] == "present" and row["parent_id"] == -1


def test_split():
    tracker, nuclei = run([[r(0, 20)], [r(0, 12), r(12, 20)], [r(0, 13), r(13, 21)]])
    ids = nuclei.groupby("frame")["nucleus_id"].apply(list).tolist()
    assert ids == [[0], [0, 1], [0, 1]]
    ev = tracker.events_dataframe()
    split = ev[ev["kind"] == "split"].iloc[0]
    assert (split["frame"], split["nucleus_id"], split["other_id"]) == (1, 1, 0)
    tracks = nucleus_tracks(nuclei, ev).set_index("nucleus_id")
    assert tracks.loc[1, "parent_id"] == 0 and tracks.loc[0, "parent_id"] == -1


def test_split_keeps_id_on_the_larger_part_whatever_the_order():
    _, nuclei = run([[r(0, 20)], [r(12, 20), r(0, 12)]])
    last = nuclei[nuclei["frame"] == 1].set_index("size")["nucleus_id"]
    assert last[12] == 0 and last[8] == 1


def test_merge_birth_death():
    frames = [[r(0, 10), r(20, 26)], [r(0, 26)], [], [r(50, 55)]]
    tracker, nuclei = run(frames)
    ev = tracker.events_dataframe()
    kinds = list(zip(ev["frame"], ev["kind"], ev["nucleus_id"], ev["other_id"]))
    assert (1, "merge", 1, 0) in kinds  # the smaller joins the larger, whose id goes on
    assert (2, "death", 0, -1) in kinds
    assert (3, "birth", 2, -1) in kinds
    tracks = nucleus_tracks(nuclei, ev).set_index("nucleus_id")
    assert tracks.loc[1, "fate"] == "merged" and tracks.loc[1, "merged_into"] == 0
    assert tracks.loc[0, "fate"] == "dissolved"
    assert tracks.loc[2, "fate"] == "present"
    assert np.isnan(tracks.loc[2, "growth_rate_ions_per_ps"])


def test_min_overlap():
    match, _ = match_nuclei([r(0, 10)], [r(9, 30)], min_overlap=2)
    assert match.tolist() == [-1]
    match, _ = match_nuclei([r(0, 10)], [r(9, 30)], min_overlap=1)
    assert match.tolist() == [0]


def test_empty_tracks():
    import pandas as pd
    assert nucleus_tracks(pd.DataFrame(columns=["frame", "time_ps", "nucleus_id", "size"])).empty
