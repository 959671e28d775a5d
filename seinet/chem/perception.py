"""Bond-order and formal-charge perception for covalent fragment graphs.

A reactive-MD fragment is known only as element-labelled atoms joined by
bonds found from distances: no bond orders, no charges, no electron count.
:func:`perceive` turns such a graph into a Lewis structure (bond orders,
formal charges, radical electrons) and from it into a charged RDKit canonical
SMILES, the human-readable name of the species, plus an order-independent
identity key of the bare graph.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
from rdkit import Chem, rdBase

__all__ = ["Perception", "perceive", "skeleton_key", "symmetry_classes"]

# Allowed (neutral) valences; the smallest one >= degree is chosen.
VALENCES: dict[str, tuple[int, ...]] = {
    "H": (1,),
    "B": (3,),
    "C": (4,),
    "N": (3,),
    "O": (2,),
    "F": (1,),
    "Si": (4,),
    "P": (3, 5),
    "S": (2, 4, 6),
    "Cl": (1,),
    "Se": (2, 4, 6),
    "Br": (1,),
    "I": (1,),
}

# (element, degree) -> (formal charge, valence) for degrees beyond the neutral
# valences: ammonium/oxonium cations and -ate anions (BF4-, PF6-, SiF6 2-).
ONIUM: dict[tuple[str, int], tuple[int, int]] = {
    ("N", 4): (1, 4),
    ("O", 3): (1, 3),
    ("B", 4): (-1, 4),
    ("P", 6): (-1, 6),
    ("Si", 5): (-1, 5),
    ("Si", 6): (-2, 6),
}

# Isolated metal atoms are read as closed-shell cations.
ISOLATED_CATIONS: dict[str, int] = {
    "Li": 1, "Na": 1, "K": 1, "Rb": 1, "Cs": 1, "Mg": 2, "Ca": 2, "Zn": 2,
}

# Elements whose unused valence becomes a negative formal charge (lone pair);
# on every other element it becomes unpaired electrons.
ANION_FORMING: frozenset[str] = frozenset({"N", "O", "S", "Se", "P", "F", "Cl", "Br", "I"})

# Hypervalent expansion: maximum valence of P and S when terminal heteroatoms
# would otherwise carry negative charges (sulfate, SO2, metaphosphate).
HYPERVALENT_MAX: dict[str, int] = {"P": 5, "S": 6, "Se": 6}
EXPANSION_PARTNERS: frozenset[str] = frozenset({"O", "N", "S"})

MAX_EXTRA_ORDER = 2  # bond orders are 1, 2 or 3

_RDKIT_ORDER = {
    1: Chem.BondType.SINGLE,
    2: Chem.BondType.DOUBLE,
    3: Chem.BondType.TRIPLE,
}


@dataclass(frozen=True)
class Perception:
    """Result of :func:`perceive` for one covalent fragment graph.

    Attributes
    ----------
    smiles : str
        RDKit canonical SMILES (charges, radicals, implicit H, non-isomeric)
        of the perceived Lewis structure; for ``valid=False`` the skeleton key
        (explicit H atoms, all single bonds), which is unique per graph: names
        label columns of species_counts and must never collide (a bridging H
        written with folded hydrogens did).
    charge : int
        Net formal charge.
    atom_charges : tuple of int
        Formal charge of every input atom, in input order.
    n_radicals : int
        Number of unpaired electrons.
    skeleton_key : str
        Canonical identity of the element-labelled graph (bond orders
        ignored); identical for every atom ordering of the same graph.
    valid : bool
        False when no chemically valid structure exists (e.g. C with five
        neighbours).

    Notes
    -----
    ``skeleton_key`` is the RDKit canonical SMILES of the unsanitised graph in
    which every bond is single, every hydrogen is an explicit atom and no
    implicit hydrogens are added, e.g. methane ``[H]C([H])([H])[H]``.  It is
    the species identity; ``smiles`` is its name.
    """

    smiles: str
    charge: int
    atom_charges: tuple[int, ...]
    n_radicals: int
    skeleton_key: str
    valid: bool


def _skeleton(symbols: Sequence[str], edges: Sequence[tuple[int, int]]) -> Chem.RWMol:
    mol = Chem.RWMol()
    for sym in symbols:
        atom = Chem.Atom(sym)
        atom.SetNoImplicit(True)
        mol.AddAtom(atom)
    for i, j in edges:
        mol.AddBond(int(i), int(j), Chem.BondType.SINGLE)
    mol.UpdatePropertyCache(strict=False)
    Chem.FastFindRings(mol)
    return mol


def _clean_edges(n: int, bonds: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    edges = set()
    for bond in bonds:
        i, j = (int(x) for x in bond)
        if not (0 <= i < n and 0 <= j < n):
            raise ValueError(f"bond {bond!r} refers to an atom outside 0..{n - 1}")
        if i == j:
            raise ValueError(f"bond {bond!r} joins an atom to itself")
        edges.add((min(i, j), max(i, j)))
    return sorted(edges)


def _base_valences(
    symbols: Sequence[str], degree: Sequence[int]
) -> tuple[list[int], list[int]] | None:
    """Valence and degree-forced formal charge per atom, or None if impossible."""
    table = Chem.GetPeriodicTable()
    valence, charge = [], []
    for sym, deg in zip(symbols, degree):
        if deg == 0 and sym in ISOLATED_CATIONS:
            valence.append(0)
            charge.append(ISOLATED_CATIONS[sym])
            continue
        allowed = VALENCES.get(sym)
        if allowed is None:
            allowed = tuple(v for v in table.GetValenceList(sym) if v >= 0)
        fitting = [v for v in allowed if v >= deg]
        if fitting:
            valence.append(min(fitting))
            charge.append(0)
        elif (sym, deg) in ONIUM:
            q, v = ONIUM[(sym, deg)]
            valence.append(v)
            charge.append(q)
        else:
            return None
    return valence, charge


def _radical_forming(symbols: Sequence[str]) -> list[bool]:
    return [s not in ANION_FORMING for s in symbols]


def _match_extra_orders(
    symbols: Sequence[str],
    edges: Sequence[tuple[int, int]],
    rem: list[int],
) -> list[int]:
    """Distribute extra bond orders (b-matching); updates ``rem`` in place."""
    n = len(symbols)
    extra = [0] * len(edges)
    nbrs: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for k, (i, j) in enumerate(edges):
        nbrs[i].append((j, k))
        nbrs[j].append((i, k))
    carbon_like = _radical_forming(symbols)

    def active(i: int) -> list[tuple[int, int]]:
        return [(j, k) for j, k in nbrs[i] if rem[j] > 0 and extra[k] < MAX_EXTRA_ORDER]

    def prune() -> None:
        # Leaf rule: an unsaturated atom with one unsaturated partner takes all
        # it can from that partner (safe for the maximum).  Radical-forming
        # leaves go first so that leftover valence lands on atoms that can
        # carry a charge (enolate before vinoxy radical).
        heap = [(0 if carbon_like[i] else 1, i) for i in range(n) if rem[i] > 0]
        heapq.heapify(heap)
        while heap:
            _, i = heapq.heappop(heap)
            if rem[i] == 0:
                continue
            act = active(i)
            if len(act) != 1:
                continue
            j, k = act[0]
            add = min(rem[i], rem[j], MAX_EXTRA_ORDER - extra[k])
            extra[k] += add
            rem[i] -= add
            rem[j] -= add
            for a in (i, j):
                for b, _ in nbrs[a]:
                    if rem[b] > 0:
                        heapq.heappush(heap, (0 if carbon_like[b] else 1, b))

    while True:
        prune()
        core = nx.Graph()
        for k, (i, j) in enumerate(edges):
            if rem[i] > 0 and rem[j] > 0 and extra[k] < MAX_EXTRA_ORDER:
                core.add_edge(i, j, weight=1 + carbon_like[i] + carbon_like[j], k=k)
        if core.number_of_edges() == 0:
            return extra
        matching = nx.max_weight_matching(core, maxcardinality=True)
        for i, j in sorted(tuple(sorted(e)) for e in matching):
            k = core[i][j]["k"]
            extra[k] += 1
            rem[i] -= 1
            rem[j] -= 1


_Nbrs = list[list[tuple[int, int]]]


def _expand_hypervalent(
    symbols: Sequence[str], nbrs: _Nbrs, valence: list[int], charge: list[int],
    rem: list[int], extra: list[int],
) -> None:
    """Give P/S double bonds to terminal O/N/S that would otherwise be anions."""
    for i, sym in enumerate(symbols):
        vmax = HYPERVALENT_MAX.get(sym)
        if vmax is None or charge[i] != 0 or rem[i] != 0:
            continue
        while valence[i] + 2 <= vmax:
            cands = [
                (j, k) for j, k in nbrs[i]
                if symbols[j] in EXPANSION_PARTNERS and rem[j] > 0
                and extra[k] < MAX_EXTRA_ORDER
            ]
            if sum(min(rem[j], MAX_EXTRA_ORDER - extra[k]) for j, k in cands) < 2:
                break
            need = 2
            for j, k in cands:
                add = min(rem[j], MAX_EXTRA_ORDER - extra[k], need)
                extra[k] += add
                rem[j] -= add
                need -= add
                if need == 0:
                    break
            valence[i] += 2


def _charge_separate(
    symbols: Sequence[str], nbrs: _Nbrs, valence: list[int], charge: list[int],
    rem: list[int], extra: list[int],
) -> None:
    """Nitro/nitrate N+, C-#X+ (CO, isocyanide) and terminal sp carbanions."""
    for i, sym in enumerate(symbols):
        if sym == "N" and charge[i] == 0 and rem[i] == 0 and len(nbrs[i]) == 3:
            oxy = [(j, k) for j, k in nbrs[i] if symbols[j] == "O" and rem[j] > 0]
            if len(oxy) >= 2 and all(extra[k] == 0 for _, k in nbrs[i]):
                j, k = oxy[0]
                extra[k] += 1
                rem[j] -= 1
                charge[i] = 1
                valence[i] = 4
        elif sym == "C" and charge[i] == 0 and rem[i] == 1 and len(nbrs[i]) == 1:
            if extra[nbrs[i][0][1]] == 2:  # terminal sp carbon: cyanide, acetylide
                rem[i] = 0
                charge[i] = -1
        elif sym == "C" and charge[i] == 0 and rem[i] == 2 and len(nbrs[i]) == 1:
            j, k = nbrs[i][0]
            if (symbols[j] in ("O", "N") and charge[j] == 0 and rem[j] == 0
                    and extra[k] == 1):
                extra[k] = 2
                rem[i] = 0
                charge[i] = -1
                charge[j] = 1


def _smiles_of(
    symbols: Sequence[str], edges: Sequence[tuple[int, int]], order: Sequence[int],
    charge: Sequence[int], radicals: Sequence[int],
) -> str:
    """Canonical SMILES with H folded into their neighbours (H2 -> [HH])."""
    n = len(symbols)
    nbrs: list[list[int]] = [[] for _ in range(n)]
    for i, j in edges:
        nbrs[i].append(j)
        nbrs[j].append(i)
    folded = [False] * n
    for i, sym in enumerate(symbols):
        if sym == "H" and len(nbrs[i]) == 1 and charge[i] == 0 and radicals[i] == 0:
            j = nbrs[i][0]
            if symbols[j] != "H" or j < i:  # in H2 the second H folds into the first
                folded[i] = True
    mol = Chem.RWMol()
    index = {}
    hcount = [0] * n
    for i in range(n):
        if folded[i]:
            hcount[nbrs[i][0]] += 1
    for i, sym in enumerate(symbols):
        if folded[i]:
            continue
        atom = Chem.Atom(sym)
        atom.SetNoImplicit(True)
        atom.SetNumExplicitHs(hcount[i])
        atom.SetFormalCharge(charge[i])
        atom.SetNumRadicalElectrons(radicals[i])
        index[i] = mol.AddAtom(atom)
    for (i, j), bo in zip(edges, order):
        if i in index and j in index:
            mol.AddBond(index[i], index[j], _RDKIT_ORDER[bo])
    Chem.SanitizeMol(mol)
    smi = Chem.MolToSmiles(mol, isomericSmiles=False)
    again = Chem.MolFromSmiles(smi)
    return Chem.MolToSmiles(again, isomericSmiles=False) if again is not None else smi


def perceive(symbols: Sequence[str], bonds: Sequence[tuple[int, int]]) -> Perception:
    """Perceive bond orders, formal charges and radicals of a fragment graph.

    Parameters
    ----------
    symbols : sequence of str
        Element symbol of every atom (explicit hydrogens included).
    bonds : sequence of (int, int)
        Covalent bonds as pairs of atom indices, no orders; duplicates and
        either orientation are accepted.

    Returns
    -------
    Perception
        Canonical charged SMILES, net and per-atom formal charges, number of
        unpaired electrons, order-independent skeleton key and validity.

    Raises
    ------
    ValueError
        If a bond refers to a missing atom or joins an atom to itself, or an
        element symbol is unknown.

    Notes
    -----
    The algorithm builds one Lewis structure, deterministically:

    1. Atoms are relabelled by RDKit canonical ranks of the bare skeleton
       (ties broken), so every later choice, and the name, is independent of
       the input atom order.
    2. Each atom gets the smallest allowed valence >= its degree (H 1, B 3,
       C 4, N 3, O 2, halogens 1, Si 4, P 3/5, S 2/4/6).  Degrees beyond that
       are ions: N(4) N+, O(3) O+, B(4) B-, P(6) P- (PF6-), Si(5) Si-,
       Si(6) Si2-; anything else (C with five neighbours, H with two) makes
       the graph invalid.  Isolated Li, Na, K ... are cations.
    3. The unused valences are covered by extra bond orders (bond order at
       most 3) with a maximum b-matching: terminal "leaf" atoms are saturated
       from their only partner first (exact), radical-forming (C, B, Si, H)
       leaves before heteroatom leaves; what is left (rings) is solved by
       repeated maximum-cardinality matching (Edmonds blossom, networkx),
       weighted to prefer bonds at carbon.  This gives Kekulé rings, O=C=O,
       C#C, carbonyls next to alkoxides.
    4. P, S and Se expand their valence by pairs towards terminal O/N/S that
       would otherwise be anions (sulfate ``O=S(=O)([O-])[O-]``, SO2,
       metaphosphate); N with three single bonds and two unsatisfied O becomes
       nitro/nitrate N+; a terminal carbon left with two unused valences next
       to O/N becomes ``[C-]#[O+]`` (carbon monoxide, isocyanides) and a
       terminal triple-bonded carbon with one unused valence a carbanion
       (cyanide ``[C-]#N``, acetylide, carbide ``[C-]#[C-]``).
    5. Unused valence left on N, O, S, Se, P and halogens becomes negative
       formal charge (alkoxide ``[O-]``, fluoride ``[F-]``, oxide ``[O-2]``,
       PF4 as closed-shell ``F[P-](F)(F)F``, PF2 as ``F[P-]F``); on C, B,
       Si, H and metals it becomes unpaired electrons (methyl ``[CH3]``,
       lone ``[H]``).  Reactive MD does not track electrons, so this is a
       convention: closed-shell anions are preferred on electronegative atoms
       because fragments near sodium metal are reduced.

    The structure is sanitised by RDKit and written with hydrogens folded
    into their neighbours (``[HH]`` for H2), then parsed and written once
    more so that the SMILES is a fixed point of RDKit canonicalisation.
    Complexity: O(n log n) for the leaf rule; the blossom step, O(m^3) in the
    number m of atoms left in unsaturated cycles, only runs on ring systems.
    """
    symbols = [str(s) for s in symbols]
    n = len(symbols)
    edges_in = _clean_edges(n, bonds)
    with rdBase.BlockLogs():
        try:
            skel = _skeleton(symbols, edges_in)
        except RuntimeError as exc:  # unknown element symbol
            raise ValueError(f"cannot build a molecule from symbols: {exc}") from exc
        skeleton_key = Chem.MolToSmiles(skel, isomericSmiles=False) if n else ""
        ranks = list(Chem.CanonicalRankAtoms(skel, breakTies=True)) if n else []

        # Canonical relabelling: new index = rank.
        inv = [0] * n
        for old, new in enumerate(ranks):
            inv[new] = old
        syms = [symbols[inv[r]] for r in range(n)]
        edges = sorted(
            (min(ranks[i], ranks[j]), max(ranks[i], ranks[j])) for i, j in edges_in
        )
        degree = [0] * n
        for i, j in edges:
            degree[i] += 1
            degree[j] += 1

        base = _base_valences(syms, degree)
        if base is None:
            return Perception(
                smiles=skeleton_key,
                charge=0,
                atom_charges=(0,) * n,
                n_radicals=0,
                skeleton_key=skeleton_key,
                valid=False,
            )
        valence, charge = base
        rem = [v - d for v, d in zip(valence, degree)]
        extra = _match_extra_orders(syms, edges, rem)
        nbrs: _Nbrs = [[] for _ in range(n)]
        for k, (i, j) in enumerate(edges):
            nbrs[i].append((j, k))
            nbrs[j].append((i, k))
        _expand_hypervalent(syms, nbrs, valence, charge, rem, extra)
        _charge_separate(syms, nbrs, valence, charge, rem, extra)

        radicals = [0] * n
        for i, sym in enumerate(syms):
            if rem[i] > 0:
                if sym in ANION_FORMING:
                    charge[i] -= rem[i]
                else:
                    radicals[i] = rem[i]
        order = [1 + x for x in extra]
        try:
            smiles = _smiles_of(syms, edges, order, charge, radicals)
            valid = True
        except Exception:  # RDKit rejects the structure (exotic element/valence)
            smiles = skeleton_key
            valid = False
    atom_charges = tuple(charge[ranks[i]] for i in range(n)) if valid else (0,) * n
    return Perception(
        smiles=smiles,
        charge=sum(atom_charges),
        atom_charges=atom_charges,
        n_radicals=sum(radicals) if valid else 0,
        skeleton_key=skeleton_key,
        valid=valid,
    )


def skeleton_key(symbols: Sequence[str], bonds: Sequence[tuple[int, int]]) -> tuple[str, tuple[int, ...]]:
    """Identity of a fragment graph and a canonical numbering of its atoms.

    Parameters
    ----------
    symbols : sequence of str
    bonds : sequence of (int, int)

    Returns
    -------
    key : str
        Equal to :attr:`Perception.skeleton_key` (canonical all-single-bond SMILES
        with explicit H atoms); equal for two graphs iff they are isomorphic as
        element-labelled graphs.
    ranks : tuple of int
        Canonical rank of every input atom (ties broken). For two isomorphic
        graphs, atoms of equal rank correspond under an isomorphism, so per-atom
        properties of one instance (formal charges) transfer to another by rank.

    Notes
    -----
    Cheaper than :func:`perceive` (no bond-order perception); used to look up a
    fragment in the species catalogue.
    """
    symbols = [str(s) for s in symbols]
    n = len(symbols)
    if n == 0:
        return "", ()
    with rdBase.BlockLogs():
        skel = _skeleton(symbols, _clean_edges(n, bonds))
        key = Chem.MolToSmiles(skel, isomericSmiles=False)
        ranks = tuple(Chem.CanonicalRankAtoms(skel, breakTies=True))
    return key, ranks


def symmetry_classes(symbols: Sequence[str], bonds: Sequence[tuple[int, int]]) -> tuple[int, ...]:
    """Class of every atom under the graph's automorphisms (canonical ranks, ties kept).

    Atoms of one class are equivalent in the element-labelled graph: the three O
    of carbonate, the two terminal O of a carboxylate. A formal charge placed on
    one of them by :func:`perceive` is a choice among resonance structures.
    """
    symbols = [str(s) for s in symbols]
    if not symbols:
        return ()
    with rdBase.BlockLogs():
        skel = _skeleton(symbols, _clean_edges(len(symbols), bonds))
        return tuple(Chem.CanonicalRankAtoms(skel, breakTies=False))
