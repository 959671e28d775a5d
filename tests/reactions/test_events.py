"""Reaction-event kernel on scripted partitions (no trajectory)."""

import tracemalloc

import numpy as np
import pandas as pd
import pytest

from seinet.errors import ConfigError
from seinet.reactions import (EVENT_COLUMNS, REACTION_COLUMNS, EventExtractor, EventSettings, reaction_key,
                              reactions_table, reverse_key)

# species ids -> labels
LABELS = ["AB", "A", "B", "BC", "C", "I", "ABC", "[Na]", "[Na+]", "X"]
SID = {lab: i for i, lab in enumerate(LABELS)}


def partition(n, molecules, alkali=None):
    """Per-atom arrays from ``[(atoms, label), ...]``; alkali: ``{atom: "metal"|"ion"}``."""
    fragment = np.arange(n, dtype=np.int32)
    species = np.full(n, -1, dtype=np.int32)
    state = np.zeros(n, dtype=np.int8)
    for atoms, label in molecules:
        atoms = np.asarray(atoms)
        fragment[atoms] = atoms.min()
        species[atoms] = SID[label]
    for atom, st in (alkali or {}).items():
        state[atom] = 1 if st == "metal" else 2
        species[atom] = SID["[Na]"] if st == "metal" else SID["[Na+]"]
    return fragment, species, state


def run(script, n, tau=3, dt=0.5, labels=LABELS, redox_tau=None):
    """``script``: list of (molecules, alkali) per frame -> (events, extractor)."""
    ex = EventExtractor(EventSettings(tau=tau, redox_tau=tau if redox_tau is None else redox_tau), labels)
    for f, (mols, alk) in enumerate(script):
        ex.update(f, f * dt, *partition(n, mols, alk))
    return ex.finish(), ex


def frames(k, mols, alk=None):
    return [(mols, alk)] * k


SPECTATOR = [((5, 6), "X")]   # a molecule that never changes


def test_settings():
    assert EventSettings().tau == 3
    assert EventSettings(tau=2).as_dict() == {"tau": 2, "redox_tau": 10}
    with pytest.raises(ConfigError):
        EventSettings(redox_tau=0)
    with pytest.raises(ConfigError):
        EventSettings(tau=0)


def test_dissociation():
    script = frames(5, [((0, 1), "AB")] + SPECTATOR) + frames(6, [((0,), "A"), ((1,), "B")] + SPECTATOR)
    ev, ex = run(script, 8)
    assert list(ev.columns) == EVENT_COLUMNS
    assert len(ev) == 1
    row = ev.iloc[0]
    assert (row.frame, row.time_ps, row.kind) == (5, 2.5, "reaction")
    assert row.reaction_key == "AB>A.B"
    assert (row.reactants, row.products) == ("AB", "A;B")
    assert (row.atoms, row.n_atoms, row.intermediates) == ("0 1", 2, "")
    assert ex.stats["n_cancelled"] == 0 and ex.stats["n_unresolved"] == 0


def test_association_products_settle_late():
    # A + B -> AB at frame 4
    script = frames(4, [((2,), "A"), ((3,), "B")]) + frames(4, [((2, 3), "AB")])
    ev, _ = run(script, 4)
    assert ev[["frame", "reaction_key", "atoms"]].values.tolist() == [[4, "A.B>AB", "2 3"]]
    # product not stable before the input ends: no event
    ev, ex = run(script[:6], 4)
    assert len(ev) == 0 and ex.stats["n_unresolved"] == 2   # A and B, not yet linked


def test_exchange():
    script = frames(4, [((0,), "A"), ((1, 2), "BC")]) + frames(4, [((0, 1), "AB"), ((2,), "C")])
    ev, _ = run(script, 3)
    assert ev[["frame", "reaction_key", "n_atoms"]].values.tolist() == [[4, "A.BC>AB.C", 3]]


def test_products_begin_at_different_frames():
    # ABC -> AB (frame 4) + C, C goes through intermediate I at 4-5 and is stable from 6
    script = (frames(4, [((0, 1, 2), "ABC")]) + frames(2, [((0, 1), "AB"), ((2,), "I")])
              + frames(5, [((0, 1), "AB"), ((2,), "C")]))
    ev, _ = run(script, 3)
    assert ev[["frame", "reaction_key", "intermediates"]].values.tolist() == [[4, "ABC>AB.C", "I"]]


def test_flicker_cancels():
    bonded = ([((0, 1), "AB")] + SPECTATOR, None)
    broken = ([((0,), "A"), ((1,), "B")] + SPECTATOR, None)
    script = [bonded] * 4 + [broken, bonded] * 5 + [bonded] * 4 + [broken, bonded] * 3 + [bonded] * 3
    ev, ex = run(script, 8)
    assert len(ev) == 0
    assert ex.stats["n_cancelled"] == 2
    assert ex.stats["n_intermediates"] > 0


def test_recrossing_within_tau():
    script = frames(4, [((0, 1), "AB")]) + frames(2, [((0, 1), "I")]) + frames(4, [((0, 1), "AB")])
    ev, ex = run(script, 2)
    assert len(ev) == 0 and ex.stats["n_cancelled"] == 1
    # the same excursion lasting tau frames is chemistry: there and back
    script = frames(4, [((0, 1), "AB")]) + frames(3, [((0, 1), "I")]) + frames(4, [((0, 1), "AB")])
    ev, ex = run(script, 2)
    assert ev["reaction_key"].tolist() == ["AB>I", "I>AB"]
    assert ev["frame"].tolist() == [4, 7]


def test_intermediate_kept():
    script = frames(4, [((0, 1, 2), "ABC")]) + frames(2, [((0, 1, 2), "I")]) + frames(4, [((0, 1, 2), "X")])
    ev, ex = run(script, 3)
    assert ev[["frame", "reaction_key", "intermediates"]].values.tolist() == [[6, "ABC>X", "I"]]
    assert ex.stats["n_intermediates"] == 1


def test_key_independent_of_order_and_numbering():
    one = frames(3, [((0, 1, 2), "ABC")]) + frames(3, [((0, 1), "AB"), ((2,), "C")])
    two = frames(3, [((3, 4, 5), "ABC")]) + frames(3, [((3,), "C"), ((4, 5), "AB")])
    ev1, _ = run(one, 6)
    ev2, _ = run(two, 6)
    assert ev1.reaction_key[0] == ev2.reaction_key[0] == "ABC>AB.C"
    assert reaction_key(["ABC"], ["C", "AB"]) == reaction_key(["ABC"], ["AB", "C"]) == "ABC>AB.C"
    assert reverse_key("ABC>AB.C") == "AB.C>ABC"
    assert reaction_key(["A", "A"], ["AB"]) == "A.A>AB"


def test_product_that_reacts_again_before_the_event_closes():
    # ABC -> AB + C; C wanders through short-lived I/C instances while AB lives 4 frames,
    # then AB -> A + B and B joins C: one event ABC -> A + BC, AB is a passage
    wander = [((0, 1), "AB"), ((2,), "I")], [((0, 1), "AB"), ((2,), "C")]
    script = (frames(3, [((0, 1, 2), "ABC")]) + [(wander[0], None)] * 2 + [(wander[1], None)] * 2
              + frames(4, [((0,), "A"), ((1, 2), "BC")]))
    ev, ex = run(script, 3)
    assert ev[["frame", "reaction_key", "atoms", "intermediates"]].values.tolist() == [
        [7, "ABC>A.BC", "0 1 2", "AB;I;C"]]
    assert ex.stats["n_unresolved"] == 0


def test_tau_one_keeps_every_change():
    script = frames(2, [((0, 1), "AB")]) + frames(1, [((0,), "A"), ((1,), "B")]) + frames(1, [((0, 1), "AB")])
    ev, _ = run(script, 2, tau=1)
    assert ev.reaction_key.tolist() == ["AB>A.B", "A.B>AB"]


def test_callable_labels_and_bad_input():
    ex = EventExtractor(EventSettings(), lambda sid: f"S{sid}")
    for f, args in enumerate(frames(3, [((0, 1), "AB")]) + frames(3, [((0,), "A"), ((1,), "B")])):
        ex.update(f, None, *partition(2, *args))
    ev = ex.finish()
    assert ev.reaction_key.tolist() == ["S0>S1.S2"] and np.isnan(ev.time_ps[0])
    assert ex.finish(LABELS).reaction_key.tolist() == ["AB>A.B"]   # labels may come at the end
    with pytest.raises(ValueError):
        ex.update(7, None, *partition(3, [((0, 1, 2), "ABC")]))


def test_oxidation_and_deposition():
    mol = [((0, 1), "AB")]
    metal = {2: "metal", 3: "metal"}
    script = (frames(4, mol, metal) + frames(4, mol, {2: "ion", 3: "metal"})
              + [(mol, {2: "ion", 3: "ion"})] + frames(3, mol, {2: "metal", 3: "metal"}))
    ev, ex = run(script, 4)
    assert ev[["frame", "kind", "reaction_key", "atoms"]].values.tolist() == [
        [4, "oxidation", "[Na]>[Na+]", "2"], [9, "deposition", "[Na+]>[Na]", "2"]]
    assert ex.stats["n_redox_cancelled"] == 1     # atom 3: one frame as an ion
    assert ex.stats["n_reaction_events"] == 0 and ex.stats["n_redox_events"] == 2
    # with the longer redox window, the 5-frame ion excursion of atom 2 is flicker
    ev, ex = run(script + frames(6, mol, {2: "metal", 3: "metal"}), 4, redox_tau=6)
    assert ev.empty and ex.stats["n_redox_cancelled"] >= 1


def test_reactions_table():
    bonded = [((0, 1), "AB")]
    broken = [((0,), "A"), ((1,), "B")]
    other_bonded = [((2, 3), "AB")]
    other_broken = [((2,), "A"), ((3,), "B")]
    # molecule 0-1: AB, A + B at 3, AB at 6, A + B at 9; molecule 2-3 dissociates at 3 too
    script = [(m + o, None) for m, o in
              [(bonded, other_bonded)] * 3 + [(broken, other_broken)] * 3 + [(bonded, other_broken)] * 3
              + [(broken, other_broken)] * 3]
    ev, _ = run(script, 4)
    assert ev[["frame", "reaction_key", "atoms"]].values.tolist() == [
        [3, "AB>A.B", "0 1"], [3, "AB>A.B", "2 3"], [6, "A.B>AB", "0 1"], [9, "AB>A.B", "0 1"]]
    tab = reactions_table(ev)
    assert list(tab.columns) == REACTION_COLUMNS
    assert tab.values.tolist() == [[0, "AB>A.B", "AB -> A + B", 3, 1, 2, 3, 1.5]]
    empty = reactions_table(ev.iloc[:0])
    assert list(empty.columns) == REACTION_COLUMNS and len(empty) == 0


def _random_script(n_mol, n_frames, seed):
    """Triatomic molecules, a few of which break for a while; yields frames lazily."""
    rng = np.random.default_rng(seed)
    n = 3 * n_mol + 100
    n_breaks = n_frames // 2
    mol = rng.integers(0, n_mol, n_breaks)
    start = rng.integers(0, n_frames, n_breaks)
    length = rng.integers(1, 8, n_breaks)
    base_frag = np.repeat(np.arange(n_mol) * 3, 3)
    alk_state = np.where(rng.random(100) < 0.5, 1, 2).astype(np.int8)
    flip_at = rng.integers(0, n_frames, 100)
    for f in range(n_frames):
        frag = np.concatenate([base_frag, np.arange(3 * n_mol, n)]).astype(np.int32)
        spec = np.zeros(n, dtype=np.int32)
        spec[3 * n_mol:] = SID["[Na]"]
        active = mol[(start <= f) & (f < start + length)]
        frag[3 * active + 2] = 3 * active + 2
        spec[3 * active] = SID["AB"]
        spec[3 * active + 1] = SID["AB"]
        spec[3 * active + 2] = SID["C"]
        state = np.zeros(n, dtype=np.int8)
        state[3 * n_mol:] = np.where(flip_at <= f, 3 - alk_state, alk_state)
        spec[3 * n_mol:] = np.where(state[3 * n_mol:] == 1, SID["[Na]"], SID["[Na+]"])
        yield f, 0.1 * f, frag, spec, state


def _feed(n_frames):
    ex = EventExtractor(EventSettings(), LABELS)
    for args in _random_script(6667, n_frames, seed=7):
        ex.update(*args)
    return ex.finish(), ex


def test_deterministic():
    a, _ = _feed(20)
    b, _ = _feed(20)
    assert len(a) > 0
    pd.testing.assert_frame_equal(a, b)
    assert a.to_csv(index=False) == b.to_csv(index=False)


def test_memory_does_not_grow_with_frames():
    peaks = {}
    for n_frames in (25, 50):
        tracemalloc.start()
        ev, ex = _feed(n_frames)
        peaks[n_frames] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert ex.stats["n_frames"] == n_frames
        assert set(ev.kind) == {"reaction", "oxidation", "deposition"}
    assert peaks[50] / peaks[25] < 1.3, peaks
