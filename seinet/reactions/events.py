"""Reaction events from per-frame partitions: the streaming event kernel.

Input, frame by frame, are the per-atom arrays of a
:class:`~seinet.species.FramePartition`: ``fragment`` (smallest atom index of the
atom's covalent fragment), ``species`` (species id of that fragment) and ``state``
(0 covalent atom, 1 metallic alkali, 2 alkali ion). Frames are counted in the order
they are fed; ``tau`` is a number of fed frames, whatever the stride of the reader.

Definitions
-----------
Fragment instance
    A covalent atom set with a species id over a run of consecutive frames in which
    neither changes. An instance ends in the first frame where one of its atoms
    leaves, an atom joins, or the species id changes; the same atom set and species
    appearing again later is a new instance.
Stable instance / intermediate
    An instance is *stable* once it has existed for at least ``tau`` consecutive
    frames (:class:`EventSettings`, default 3); an instance that ends earlier is an
    *intermediate*. An instance still open, and shorter than ``tau``, when the input
    ends is neither.
Reaction event (``kind="reaction"``)
    For every covalent atom, its previous stable instance *R* and its next stable
    instance *P* (the intermediates it visits in between are skipped) give an edge
    *R -> P* of a bipartite graph "ending stable instance <-> beginning stable
    instance, sharing atoms". A connected component of that graph is one event:
    reactants (species of the *R*, with multiplicity) -> products (species of the
    *P*). An instance takes part in at most two events: as a product when it
    begins, as a reactant when it ends, and the two roles are separate nodes, so
    components do not chain through time. (One exception: a product that itself
    ends while other atoms of its event are still in intermediates can end up in
    the same component in both roles; such a *passage* is removed from both sides
    and listed with the intermediates.) An instance that continues is in no
    component (spectators are excluded by construction). The event's frame is the
    earliest first frame of its products (products may settle at slightly different
    frames); its atoms are the union of the atoms of its reactants and products; its
    intermediates are the distinct species of the intermediates that covered atoms
    of its reactants between the reactants' end and the products' beginning, in
    order of first appearance. An event is emitted once every atom of every reactant
    has reached its next stable instance.
Recrossing cancellation
    A component whose products are the reactants again, instance by instance (same
    atom set and same species: A -> B -> A within ``tau`` frames, vibrational
    flicker of a bond), is not an event; it is counted in ``stats["n_cancelled"]``.
Redox event (``kind="oxidation"`` / ``kind="deposition"``)
    Alkali atoms (``state != 0``) take no part in reaction events. Each alkali atom's
    state is filtered the same way: a run of the same state lasting at least ``tau``
    frames is stable, and a change of stable state is one event on that one atom,
    metal -> ion an oxidation, ion -> metal a deposition, at the first frame of the
    new stable run. A brief excursion that returns to the previous stable state is
    no event (``stats["n_redox_cancelled"]``).
Reaction key
    ``"r1.r2>p1.p2"``: the species labels of each side sorted, repeated by
    multiplicity; independent of the order of the participants and of atom
    numbering. :func:`reverse_key` swaps the sides.

Events whose products have not all become stable when the input ends are dropped
and counted in ``stats["n_unresolved"]``.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ..errors import ConfigError

__all__ = [
    "EventSettings",
    "EventExtractor",
    "EVENT_COLUMNS",
    "REACTION_COLUMNS",
    "reaction_key",
    "reverse_key",
    "reactions_table",
]

logger = logging.getLogger(__name__)

#: Columns of the events table (events.csv).
EVENT_COLUMNS = ["event_id", "frame", "time_ps", "kind", "reaction_key", "reactants", "products",
                 "n_atoms", "atoms", "intermediates"]
#: Columns of the reactions table (reactions.csv).
REACTION_COLUMNS = ["reaction_id", "reaction_key", "equation", "forward_count", "reverse_count", "net",
                    "first_frame", "first_time_ps"]

_METAL = 1
_ION = 2


@dataclass(frozen=True)
class EventSettings:
    """Settings of the event filter.

    Attributes
    ----------
    tau : int
        Minimum number of consecutive frames for a fragment instance to count as
        stable. ``tau=1`` keeps every change.
    redox_tau : int
        The same for the metal/ion state of alkali atoms. Longer by default: atoms at
        the edge of the coordination rule (surface atoms of a dissolving slab) flicker
        between metal and ion for a few frames. On the NEP89 Na/DME demo, 3 frames left
        385 redox events in 3 ps; 10 frames (150 fs) keeps lasting changes only.
    """

    tau: int = 3
    redox_tau: int = 10

    def __post_init__(self) -> None:
        for name in ("tau", "redox_tau"):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"event filter {name} must be an integer >= 1 frames, got {value!r}")

    def as_dict(self) -> dict:
        """Settings as plain JSON-ready values (for manifest.json)."""
        return {k: int(v) for k, v in asdict(self).items()}


# ----------------------------------------------------------------------------------
# keys
def reaction_key(reactants: Sequence[str], products: Sequence[str]) -> str:
    """Canonical key of a reaction.

    Parameters
    ----------
    reactants, products : sequence of str
        Species labels, one per participant (repeat a label for multiplicity).

    Returns
    -------
    str
        ``"r1.r2>p1.p2"`` with each side sorted.

    Examples
    --------
    >>> reaction_key(["A"], ["C", "B"])
    'A>B.C'
    """
    return ".".join(sorted(reactants)) + ">" + ".".join(sorted(products))


def reverse_key(key: str) -> str:
    """Key of the reverse reaction (``"A>B.C"`` -> ``"B.C>A"``).

    Raises
    ------
    ValueError
        When ``key`` does not contain exactly one ``">"``.
    """
    sides = key.split(">")
    if len(sides) != 2:
        raise ValueError(f"reaction key {key!r} must look like 'r1.r2>p1.p2' (exactly one '>')")
    return sides[1] + ">" + sides[0]


def _labeller(label_of: Callable[[int], str] | Sequence[str]) -> Callable[[int], str]:
    if callable(label_of):
        return lambda sid: str(label_of(int(sid)))
    labels = list(label_of)
    return lambda sid: str(labels[int(sid)])


# ----------------------------------------------------------------------------------
class _Component:
    """A pending event: union-find root data."""

    __slots__ = ("nodes", "reactants", "products", "pending", "intermediates")

    def __init__(self, node: int, pending: int) -> None:
        self.nodes = [node]
        self.reactants: list[int] = []   # instance ids
        self.products: list[int] = []    # instance ids
        self.pending = pending           # reactant atoms not yet in a stable instance
        self.intermediates: dict[int, int] = {}  # species id -> first step seen


class EventExtractor:
    """Streaming extraction of reaction and redox events.

    Feed the per-atom arrays of each frame, in trajectory order, to :meth:`update`;
    :meth:`finish` returns the events table. See the module docstring for the
    definitions.

    Parameters
    ----------
    settings : EventSettings
    label_of : callable or sequence of str, optional
        Species id -> label (the SMILES, or the composition name of aggregates).
        Only called in :meth:`finish` (which may override it), so ids may be those
        of a catalogue that is still growing while frames are fed. Default: ``str``.

    Attributes
    ----------
    stats : dict
        ``n_events`` (rows of the table), ``n_reaction_events``, ``n_redox_events``,
        ``n_cancelled`` (recrossing components dropped), ``n_intermediates``
        (short-lived covalent instances seen), ``n_unresolved`` (components still
        pending when :meth:`finish` was called: some reactant atoms had not reached a
        new stable instance), ``n_redox_cancelled`` (alkali excursions shorter than
        ``tau``), ``n_frames``.

    Notes
    -----
    Per frame, O(N) vectorised comparisons with the previous frame, plus
    O(a log a) Python/numpy work on the ``a`` atoms of instances that end or become
    stable in that frame; a static frame costs only the comparisons. Memory is
    O(N + I + E): the previous frame's arrays, per-atom bookkeeping, the open
    instances (at most one per fragment), pending components and the events found;
    never atoms x frames. Besides the previous frame only the frame numbers and
    times of the last ``tau`` frames are kept.
    """

    def __init__(self, settings: EventSettings = EventSettings(),
                 label_of: Callable[[int], str] | Sequence[str] | None = None) -> None:
        self.settings = settings
        self.tau = int(settings.tau)
        self.label_of = label_of
        #: optional ``callable(frame, atoms) -> dict`` adding columns to an event when it is recorded
        self.on_event: Callable[[int, tuple], dict] | None = None
        self._step = -1
        self._n = None
        self._prev = None                      # (fragment, species, state) of the last frame
        self.redox_tau = int(settings.redox_tau)
        self._times: deque = deque(maxlen=max(self.tau, self.redox_tau))  # (step, frame, time) of recent frames
        # covalent instances
        self._next_iid = 0
        self._inst_atoms: dict[int, np.ndarray] = {}
        self._inst_species: dict[int, int] = {}
        self._inst_start: dict[int, tuple[int, int, float | None]] = {}   # step, frame, time
        self._open: set[int] = set()
        self._stable: set[int] = set()
        self._by_start: dict[int, list[int]] = {}
        # reactant-role node of instance i is 2*i, product-role node 2*i+1
        self._parent: dict[int, int] = {}
        self._comp: dict[int, _Component] = {}
        self._rows: list[tuple] = []
        self.stats = {"n_events": 0, "n_reaction_events": 0, "n_redox_events": 0, "n_cancelled": 0,
                      "n_intermediates": 0, "n_unresolved": 0, "n_redox_cancelled": 0, "n_frames": 0}

    # ------------------------------------------------------------------ public
    def update(self, frame: int, time_ps: float | None, fragment: np.ndarray, species: np.ndarray,
               state: np.ndarray) -> EventExtractor:
        """Consume one frame.

        Parameters
        ----------
        frame : int
            Frame number reported in the tables.
        time_ps : float or None
        fragment, species : ndarray of int (N,)
        state : ndarray of int (N,)
            0 covalent, 1 metal, 2 ion.

        Returns
        -------
        EventExtractor
            ``self``.

        Raises
        ------
        ValueError
            When the arrays do not all have the length of the first frame.
        """
        # copies: the caller may reuse its buffers for the next frame
        fragment = np.array(fragment, dtype=np.int64)
        species = np.array(species, dtype=np.int64)
        state = np.array(state, dtype=np.int8)
        n = len(fragment)
        if self._n is None:
            self._n = n
            self._inst_of = np.full(n, -1, dtype=np.int64)      # open instance of each covalent atom
            self._last_stable = np.full(n, -1, dtype=np.int64)  # last stable instance of each atom
            self._run_start = np.zeros(n, dtype=np.int64)       # alkali: step the state run began
            self._run_species = species.copy()
            self._stable_state = np.zeros(n, dtype=np.int8)
            self._stable_species = np.full(n, -1, dtype=np.int64)
        if not (n == self._n and len(species) == n and len(state) == n):
            raise ValueError(f"frame {frame}: arrays of length {len(fragment)}, {len(species)}, {len(state)}; "
                             f"expected {self._n} atoms")
        self._step += 1
        step = self._step
        time = None if time_ps is None else float(time_ps)
        self._times.append((step, int(frame), time))
        self.stats["n_frames"] += 1
        cov = state == 0

        if self._prev is None:
            new_atoms = np.flatnonzero(cov)
            self._begin(new_atoms, fragment, species, step, int(frame), time)
        else:
            pfrag, pspec, pstate = self._prev
            pcov = pstate == 0
            changed = np.flatnonzero((fragment != pfrag) | (species != pspec) | (cov != pcov))
            if len(changed):
                self._transition(changed, fragment, species, cov, pfrag, pcov, step, int(frame), time)
        self._confirm(step)
        self._redox(step, species, state)
        self._prev = (fragment, species, state)
        return self

    def update_partition(self, partition) -> EventExtractor:
        """Consume one :class:`~seinet.species.FramePartition` (or any object with its fields)."""
        return self.update(partition.frame, partition.time_ps, partition.fragment, partition.species,
                           partition.state)

    def _record(self, row: tuple) -> None:
        """Record one event; ``on_event(frame, atoms)`` may add columns (e.g. its position)."""
        extra = self.on_event(row[0], row[6]) if self.on_event is not None else {}
        self._rows.append((*row, extra))

    def finish(self, label_of: Callable[[int], str] | Sequence[str] | None = None) -> pd.DataFrame:
        """Flush and return the events table.

        Parameters
        ----------
        label_of : callable or sequence of str, optional
            Overrides the constructor's ``label_of``.

        Returns
        -------
        DataFrame
            Columns :data:`EVENT_COLUMNS`; one row per event, ``event_id`` in order of
            frame, then reaction key, then atoms.
        """
        self.stats["n_unresolved"] = len(self._comp)
        fn = label_of if label_of is not None else self.label_of
        label = _labeller(str if fn is None else fn)
        rows = []
        for frame, time, kind, rsid, psid, isid, atoms, extra in self._rows:
            rlab = sorted(label(x) for x in rsid)
            plab = sorted(label(x) for x in psid)
            rows.append((frame, np.nan if time is None else time, kind, reaction_key(rlab, plab), ";".join(rlab),
                         ";".join(plab), ";".join(label(x) for x in isid), atoms, extra))
        rows.sort(key=lambda r: (r[0], r[3], r[7], r[2]))
        out = [(i, fr, t, kind, key, rea, pro, len(atoms), " ".join(map(str, atoms)), inter)
               for i, (fr, t, kind, key, rea, pro, inter, atoms, _) in enumerate(rows)]
        df = pd.DataFrame(out, columns=EVENT_COLUMNS)
        extras = pd.DataFrame([r[8] for r in rows], index=df.index)
        if not extras.empty and len(extras.columns):
            df = pd.concat([df, extras], axis=1)
        df = df.astype({"event_id": np.int64, "frame": np.int64, "time_ps": float, "n_atoms": np.int64})
        self.stats["n_events"] = len(df)
        self.stats["n_reaction_events"] = int((df["kind"] == "reaction").sum())
        self.stats["n_redox_events"] = len(df) - self.stats["n_reaction_events"]
        logger.debug("reaction events: %s", self.stats)
        return df

    # ------------------------------------------------------------------ covalent instances
    def _begin(self, atoms: np.ndarray, fragment: np.ndarray, species: np.ndarray, step: int, frame: int,
               time: float | None) -> None:
        """Open one instance per fragment label among ``atoms`` (complete fragments)."""
        if not len(atoms):
            return
        labels = fragment[atoms]
        order = np.argsort(labels, kind="stable")
        atoms = atoms[order]
        labels = labels[order]
        cuts = np.flatnonzero(labels[1:] != labels[:-1]) + 1
        starts = np.concatenate([[0], cuts])
        n_new = len(starts)
        iids = np.arange(self._next_iid, self._next_iid + n_new, dtype=np.int64)
        self._next_iid += n_new
        self._inst_of[atoms] = np.repeat(iids, np.diff(np.concatenate([starts, [len(atoms)]])))
        spec = species[atoms[starts]].tolist()
        start = (step, frame, time)
        for iid, group, sid in zip(iids.tolist(), np.split(atoms, cuts), spec):
            self._inst_atoms[iid] = group.copy()   # no view: it would keep the whole batch alive
            self._inst_species[iid] = sid
            self._inst_start[iid] = start
        self._open.update(iids.tolist())
        self._by_start.setdefault(step, []).extend(iids.tolist())

    def _transition(self, changed, fragment, species, cov, pfrag, pcov, step, frame, time) -> None:
        """End the instances touched by ``changed`` atoms and open their successors."""
        # old instances that end: those of changed atoms and those labelled by a new label
        probe = np.concatenate([changed, fragment[changed][cov[changed]]])
        ending = self._inst_of[probe]
        ending = np.unique(ending[ending >= 0])
        ending_list = ending.tolist()
        parts = [self._inst_atoms[i] for i in ending_list]
        parts.append(changed[cov[changed]])
        affected = np.unique(np.concatenate(parts))
        for iid in ending_list:
            self._end(iid, step)
        self._inst_of[affected] = -1
        self._begin(affected[cov[affected]], fragment, species, step, frame, time)

    def _end(self, iid: int, step: int) -> None:
        self._open.discard(iid)
        atoms = self._inst_atoms[iid]
        if iid in self._stable:
            self._stable.discard(iid)
            node = 2 * iid
            self._parent[node] = node
            self._comp[node] = comp = _Component(node, len(atoms))
            comp.reactants.append(iid)
            return
        # an intermediate: attach its species to the components of its atoms' reactants
        self.stats["n_intermediates"] += 1
        sid = self._inst_species.pop(iid)
        first = self._inst_start.pop(iid)[0]
        del self._inst_atoms[iid]
        prev = np.unique(self._last_stable[atoms])
        for r in prev[prev >= 0].tolist():
            comp = self._comp[self._find(2 * r)]
            if sid not in comp.intermediates:
                comp.intermediates[sid] = first

    def _confirm(self, step: int) -> None:
        """Mark instances reaching ``tau`` frames stable; link them to their atoms' reactants."""
        batch = self._by_start.pop(step - self.tau + 1, None)
        if not batch:
            return
        new = [i for i in batch if i in self._open]
        if not new:
            return
        self._stable.update(new)
        sizes = [len(self._inst_atoms[i]) for i in new]
        atoms = np.concatenate([self._inst_atoms[i] for i in new])
        owner = np.repeat(np.asarray(new, dtype=np.int64), sizes)
        prev = self._last_stable[atoms]
        self._last_stable[atoms] = owner
        linked = prev >= 0
        if not linked.any():
            return
        pairs, counts = np.unique(np.stack([owner[linked], prev[linked]], axis=1), axis=0, return_counts=True)
        touched = set()
        for (p, r), k in zip(pairs.tolist(), counts.tolist()):
            pnode = 2 * p + 1
            if pnode not in self._parent:
                self._parent[pnode] = pnode
                self._comp[pnode] = comp = _Component(pnode, 0)
                comp.products.append(p)
            root = self._union(pnode, 2 * r)
            self._comp[root].pending -= k
            touched.add(root)
        for root in sorted({self._find(x) for x in touched}):
            comp = self._comp.get(root)
            if comp is not None and comp.pending == 0:
                self._emit(root)

    # ------------------------------------------------------------------ union-find
    def _find(self, x: int) -> int:
        parent = self._parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def _union(self, a: int, b: int) -> int:
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return ra
        ca, cb = self._comp[ra], self._comp[rb]
        if len(ca.nodes) < len(cb.nodes):
            ra, rb, ca, cb = rb, ra, cb, ca
        self._parent[rb] = ra
        del self._comp[rb]
        ca.nodes.extend(cb.nodes)
        ca.reactants.extend(cb.reactants)
        ca.products.extend(cb.products)
        ca.pending += cb.pending
        for sid, first in cb.intermediates.items():
            if sid not in ca.intermediates or first < ca.intermediates[sid]:
                ca.intermediates[sid] = first
        return ra

    # ------------------------------------------------------------------ emission
    def _emit(self, root: int) -> None:
        comp = self._comp.pop(root)
        for node in comp.nodes:
            del self._parent[node]
        atoms = np.unique(np.concatenate([self._inst_atoms[i] for i in comp.reactants + comp.products]))
        # an instance that is both a product and (after it ended) a reactant of the same
        # component was a passage, not a participant: list it with the intermediates
        both = set(comp.reactants) & set(comp.products)
        for i in sorted(both):
            comp.intermediates.setdefault(self._inst_species[i], self._inst_start[i][0])
        rea = sorted((self._inst_species[i], tuple(self._inst_atoms[i].tolist()))
                     for i in comp.reactants if i not in both)
        pro = sorted((self._inst_species[i], tuple(self._inst_atoms[i].tolist()))
                     for i in comp.products if i not in both)
        first = min((self._inst_start[i] for i in comp.products if i not in both), key=lambda s: s[0],
                    default=None)
        for i in set(comp.reactants + comp.products):
            self._forget(i)
        if rea == pro or first is None:
            self.stats["n_cancelled"] += 1
            return
        inter = tuple(sid for sid, _ in sorted(comp.intermediates.items(), key=lambda kv: (kv[1], kv[0])))
        # rows: (frame, time, kind, reactant ids, product ids, intermediate ids, atoms)
        self._record((first[1], first[2], "reaction", tuple(s for s, _ in rea), tuple(s for s, _ in pro),
                      inter, tuple(atoms.tolist())))

    def _forget(self, iid: int) -> None:
        """Drop an instance's record once it is closed and in no pending component."""
        if iid in self._open or 2 * iid in self._parent or 2 * iid + 1 in self._parent:
            return
        self._stable.discard(iid)
        del self._inst_atoms[iid], self._inst_species[iid], self._inst_start[iid]

    # ------------------------------------------------------------------ alkali
    def _redox(self, step: int, species: np.ndarray, state: np.ndarray) -> None:
        if self._prev is None:
            self._run_start[:] = 0
            self._run_species = species.copy()
        else:
            moved = np.flatnonzero(state != self._prev[2])
            if len(moved):
                self._run_start[moved] = step
                self._run_species[moved] = species[moved]
        begun = step - self.redox_tau + 1
        if begun < 0:
            return
        idx = np.flatnonzero((state != 0) & (self._run_start == begun))
        if not len(idx):
            return
        old = self._stable_state[idx]
        new = state[idx]
        back = (old == new)
        self.stats["n_redox_cancelled"] += int(back.sum())
        ev = idx[(old != 0) & ~back]
        if len(ev):
            _, frame, time = next(t for t in self._times if t[0] == begun)
            for a in ev.tolist():
                o, n = int(self._stable_state[a]), int(state[a])
                if o == _METAL and n == _ION:
                    kind = "oxidation"
                elif o == _ION and n == _METAL:
                    kind = "deposition"
                else:
                    kind = f"state {o}->{n}"
                self._record((frame, time, kind, (int(self._stable_species[a]),), (int(self._run_species[a]),),
                              (), (a,)))
        self._stable_state[idx] = new
        self._stable_species[idx] = self._run_species[idx]


# ----------------------------------------------------------------------------------
def reactions_table(events: pd.DataFrame) -> pd.DataFrame:
    """Aggregate an events table by reaction.

    Parameters
    ----------
    events : DataFrame
        Events table (:data:`EVENT_COLUMNS`; needs ``event_id``, ``frame``,
        ``time_ps``, ``reaction_key``).

    Returns
    -------
    DataFrame
        Columns :data:`REACTION_COLUMNS`, one row per unordered pair
        {key, reverse key}. The direction of the pair's first event (lowest
        ``event_id``) is the forward one; ``forward_count`` and ``reverse_count``
        count events with the forward and the reverse key, ``net`` is their
        difference, ``first_frame``/``first_time_ps`` are those of the first event.
        A reaction that is its own reverse (``A.BC>AB.C`` is not, ``H.HH>HH.H`` style
        exchanges of identical species are) counts all its events as forward.
        ``equation`` reads ``"A + B -> C"`` (labels repeated by multiplicity).
        ``reaction_id`` numbers rows by first event.

    Notes
    -----
    O(E log E) for E events.
    """
    if len(events) == 0:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in
                             zip(REACTION_COLUMNS, [np.int64, object, object, np.int64, np.int64, np.int64,
                                                    np.int64, float])})
    ev = events.sort_values("event_id", kind="stable")
    counts: dict[str, int] = {}
    first: dict[str, tuple] = {}
    for key, frame, time in zip(ev["reaction_key"].tolist(), ev["frame"].tolist(), ev["time_ps"].tolist()):
        counts[key] = counts.get(key, 0) + 1
        if key not in first and reverse_key(key) not in first:
            first[key] = (frame, time)
    rows = []
    for rid, (key, (frame, time)) in enumerate(first.items()):
        rev = reverse_key(key)
        fwd = counts[key]
        back = 0 if rev == key else counts.get(rev, 0)
        lhs, rhs = (" + ".join(w for w in side.split(".") if w) for side in key.split(">"))
        rows.append((rid, key, f"{lhs} -> {rhs}", fwd, back, fwd - back, frame, time))
    df = pd.DataFrame(rows, columns=REACTION_COLUMNS)
    return df.astype({"reaction_id": np.int64, "forward_count": np.int64, "reverse_count": np.int64,
                      "net": np.int64, "first_frame": np.int64, "first_time_ps": float})
