"""Common names and classes of electrolyte and SEI species.

Names are looked up by the charged canonical SMILES that
:func:`seinet.chem.perceive` writes; the table keys are canonicalised by RDKit
at import, so a key is exactly the string perception produces.  Species not in
the table get a class from a few documented rules (:func:`classify`).
"""

from __future__ import annotations

from collections.abc import Sequence

from rdkit import Chem, rdBase

from seinet.chem.perception import Perception

__all__ = [
    "CLASSES",
    "COMMON_NAMES",
    "SPECIES_CLASSES",
    "canonical_smiles",
    "classify",
    "common_name",
]

SOLVENT = "solvent"
SALT_ANION = "salt anion"
GAS = "gas"
ORGANIC_SEI = "organic SEI"
INORGANIC_SEI = "inorganic SEI"
RADICAL = "radical/fragment"
ION = "ion"

#: Every class :func:`classify` can return.
CLASSES: tuple[str, ...] = (SOLVENT, SALT_ANION, GAS, ORGANIC_SEI, INORGANIC_SEI, RADICAL, ION)

# (SMILES as written by people, common name, class)
_TABLE: tuple[tuple[str, str, str], ...] = (
    # solvents and additives
    ("O=C1OCCO1", "EC", SOLVENT),
    ("COCCOC", "DME", SOLVENT),
    ("CC1COC(=O)O1", "PC", SOLVENT),
    ("COC(=O)OC", "DMC", SOLVENT),
    ("CCOC(=O)OC", "EMC", SOLVENT),
    ("CCOC(=O)OCC", "DEC", SOLVENT),
    ("O=C1OCC(F)O1", "FEC", SOLVENT),
    ("O=c1occo1", "VC", SOLVENT),
    ("COCCOCCOC", "diglyme", SOLVENT),
    ("C1CCOC1", "THF", SOLVENT),
    # salt anions
    ("F[P-](F)(F)(F)(F)F", "PF6-", SALT_ANION),
    ("F[B-](F)(F)F", "BF4-", SALT_ANION),
    ("O=S(=O)([N-]S(=O)(=O)C(F)(F)F)C(F)(F)F", "TFSI-", SALT_ANION),
    ("O=S(=O)(F)[N-]S(=O)(=O)F", "FSI-", SALT_ANION),
    # gases and small volatile molecules
    ("[HH]", "H2", GAS),
    ("C", "CH4", GAS),
    ("CC", "C2H6", GAS),
    ("C=C", "C2H4", GAS),
    ("C#C", "C2H2", GAS),
    ("C=CC", "C3H6", GAS),
    ("[C-]#[O+]", "CO", GAS),
    ("O=C=O", "CO2", GAS),
    ("O=O", "O2", GAS),
    ("F", "HF", GAS),
    ("FP(F)(F)(F)F", "PF5", GAS),
    ("O=P(F)(F)F", "POF3", GAS),
    ("FP(F)F", "PF3", GAS),
    ("C=O", "formaldehyde", GAS),
    ("CC=O", "acetaldehyde", GAS),
    ("COC", "dimethyl ether", GAS),
    # inorganic SEI (anions of Na salts, water)
    ("[F-]", "F-", INORGANIC_SEI),
    ("[O-2]", "O2-", INORGANIC_SEI),
    ("[OH-]", "OH-", INORGANIC_SEI),
    ("O", "H2O", INORGANIC_SEI),
    ("O=C([O-])[O-]", "CO3 2-", INORGANIC_SEI),
    ("O=C([O-])O", "HCO3-", INORGANIC_SEI),
    ("O=C([O-])C(=O)[O-]", "oxalate", INORGANIC_SEI),
    ("O=P([O-])(F)F", "PO2F2-", INORGANIC_SEI),
    ("O=P([O-])([O-])F", "PO3F 2-", INORGANIC_SEI),
    ("O=P([O-])([O-])[O-]", "PO4 3-", INORGANIC_SEI),
    # organic SEI (anions of Na salts, neutral soluble products)
    ("O=C([O-])OCCOC(=O)[O-]", "EDC 2-", ORGANIC_SEI),
    ("[O-]CC[O-]", "ethylene glycolate", ORGANIC_SEI),
    ("OCC[O-]", "2-hydroxyethoxide", ORGANIC_SEI),
    ("[O-]CCOC(=O)[O-]", "2-oxidoethyl carbonate", ORGANIC_SEI),
    ("O=C([O-])OCCO", "2-hydroxyethyl carbonate", ORGANIC_SEI),
    ("COC(=O)[O-]", "methyl carbonate", ORGANIC_SEI),
    ("CCOC(=O)[O-]", "ethyl carbonate", ORGANIC_SEI),
    ("C[O-]", "methoxide", ORGANIC_SEI),
    ("CC[O-]", "ethoxide", ORGANIC_SEI),
    ("COCC[O-]", "2-methoxyethoxide", ORGANIC_SEI),
    ("C=C[O-]", "ethenolate", ORGANIC_SEI),
    ("O=C[O-]", "formate", ORGANIC_SEI),
    ("CC(=O)[O-]", "acetate", ORGANIC_SEI),
    ("CO", "methanol", ORGANIC_SEI),
    ("CCO", "ethanol", ORGANIC_SEI),
    ("OCCO", "ethylene glycol", ORGANIC_SEI),
    # radicals and transient fragments
    ("[H]", "H atom", RADICAL),
    ("[CH3]", "methyl radical", RADICAL),
    ("C[CH2]", "ethyl radical", RADICAL),
    ("[CH2]C[CH2]", "ethylene biradical", RADICAL),
    ("[CH]=O", "formyl radical", RADICAL),
    ("C[C]=O", "acetyl radical", RADICAL),
    ("[CH2]COC(=O)[O-]", "ring-opened EC radical anion", RADICAL),
    ("[CH2]COC", "2-methoxyethyl radical", RADICAL),
    ("[CH2]OC", "methoxymethyl radical", RADICAL),
    ("F[P-](F)(F)F", "PF4-", RADICAL),
    # bare cations
    ("[Li+]", "Li+", ION),
    ("[Na+]", "Na+", ION),
    ("[K+]", "K+", ION),
)


def canonical_smiles(smiles: str) -> str | None:
    """Return RDKit's non-isomeric canonical form of a SMILES, or None.

    Parameters
    ----------
    smiles : str
        Any SMILES RDKit can parse.

    Returns
    -------
    str or None
        ``Chem.MolToSmiles(Chem.MolFromSmiles(smiles), isomericSmiles=False)``;
        None if RDKit cannot parse the input.

    Notes
    -----
    This is the same canonicalisation :func:`seinet.chem.perceive` applies as
    its last step, so table keys and perceived names agree.  Cost: one RDKit
    parse and write, O(n log n) in the number of atoms.
    """
    with rdBase.BlockLogs():
        mol = Chem.MolFromSmiles(smiles)
    return None if mol is None else Chem.MolToSmiles(mol, isomericSmiles=False)


def _build() -> tuple[dict[str, str], dict[str, str]]:
    names: dict[str, str] = {}
    classes: dict[str, str] = {}
    for smi, name, cls in _TABLE:
        key = canonical_smiles(smi)
        if key is None or key in names:  # pragma: no cover - table error
            raise ValueError(f"bad or duplicate entry in the species table: {smi!r}")
        names[key] = name
        classes[key] = cls
    return names, classes


_NAMES, _CLASSES = _build()

#: Common name by canonical charged SMILES (a constant table; do not mutate).
COMMON_NAMES: dict[str, str] = _NAMES
#: Class by canonical charged SMILES for the table species (constant table).
SPECIES_CLASSES: dict[str, str] = _CLASSES


def _lookup(table: dict[str, str], smiles: str) -> str | None:
    hit = table.get(smiles)
    if hit is None:
        key = canonical_smiles(smiles)
        hit = table.get(key) if key is not None else None
    return hit


def common_name(smiles: str) -> str | None:
    """Return the common name of a species, or None if it has none.

    Parameters
    ----------
    smiles : str
        Charged SMILES, normally the ``smiles`` of a
        :class:`~seinet.chem.Perception`.

    Returns
    -------
    str or None
        E.g. ``"EC"`` for ``O=C1OCCO1``, ``"PF6-"`` for
        ``F[P-](F)(F)(F)(F)F``.

    Notes
    -----
    An exact dictionary hit costs O(1); otherwise the input is canonicalised
    with RDKit once and looked up again, so non-canonical spellings work too.
    """
    return _lookup(COMMON_NAMES, smiles)


def _is_organic(mol: Chem.Mol) -> bool:
    """Carbon bonded to H or to another carbon (carbonate/CO2 are inorganic)."""
    for atom in mol.GetAtoms():
        if atom.GetSymbol() != "C":
            continue
        if atom.GetTotalNumHs() > 0:
            return True
        if any(nb.GetSymbol() == "C" for nb in atom.GetNeighbors()):
            return True
    return False


def _has_protic_h(mol: Chem.Mol) -> bool:
    return any(
        atom.GetSymbol() in ("O", "N") and atom.GetTotalNumHs() > 0
        for atom in mol.GetAtoms()
    )


def classify(species: Perception | str, symbols: Sequence[str] | None = None) -> str:
    """Assign a species to one of :data:`CLASSES`.

    Parameters
    ----------
    species : Perception or str
        A perception result or a charged SMILES.
    symbols : sequence of str, optional
        Element symbols of the fragment.  Used for the heavy-atom count when
        given; otherwise the count comes from the SMILES.

    Returns
    -------
    str
        One of ``"solvent"``, ``"salt anion"``, ``"gas"``, ``"organic SEI"``,
        ``"inorganic SEI"``, ``"radical/fragment"``, ``"ion"``.

    Notes
    -----
    Rules, first match wins:

    1. The species table (:data:`SPECIES_CLASSES`), e.g. EC -> solvent,
       PF6- -> salt anion, CO2 -> gas, CO3 2- -> inorganic SEI (carbonate and
       oxalate count as inorganic, as Na2CO3 and Na2C2O4 are usually listed).
    2. Invalid perceptions, unparsable SMILES and anything with unpaired
       electrons -> radical/fragment.
    3. Net positive charge -> ion.
    4. Net negative charge -> organic SEI when a carbon carries H or another
       carbon, else inorganic SEI.
    5. Neutral closed shell with at most 5 heavy atoms and no O-H/N-H -> gas
       (small volatile decomposition products).
    6. Other neutral closed-shell species -> organic SEI when organic in the
       sense of rule 4, else inorganic SEI (oligomers, alcohols, acids).

    Cost: one dictionary lookup, plus one RDKit parse for species not in the
    table.
    """
    if isinstance(species, Perception):
        if not species.valid:
            return RADICAL
        smiles = species.smiles
    else:
        smiles = str(species)
    hit = _lookup(SPECIES_CLASSES, smiles)
    if hit is not None:
        return hit
    with rdBase.BlockLogs():
        mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        return RADICAL
    if any(atom.GetNumRadicalElectrons() for atom in mol.GetAtoms()):
        return RADICAL
    charge = Chem.GetFormalCharge(mol)
    if charge > 0:
        return ION
    organic = _is_organic(mol)
    if charge < 0:
        return ORGANIC_SEI if organic else INORGANIC_SEI
    if symbols is not None:
        heavy = sum(1 for s in symbols if s != "H")
    else:
        heavy = mol.GetNumHeavyAtoms()
    if heavy <= 5 and not _has_protic_h(mol):
        return GAS
    return ORGANIC_SEI if organic else INORGANIC_SEI
