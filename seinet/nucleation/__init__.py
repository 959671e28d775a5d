"""NaF nucleation: crystalline ions, nuclei, orientation and facets, tracking through time.

Layers (DESIGN.md): pure kernels on numpy arrays (:mod:`.order`, :mod:`.clusters`,
:mod:`.facets`, :mod:`.tracking`), the per-frame driver and the trajectory driver
(:mod:`.analysis`) that fill tidy tables (:mod:`.columns`); Wulff and Winterbottom
shapes and the facet agreement score (:mod:`.wulff`), surface energies computed with the
MD's potential (:mod:`.surface_energy`), mean first-passage times over replicas
(:mod:`.mfpt`), and the stage that runs inside ``seinet analyze`` (:mod:`.stage`).
"""

from .analysis import (FrameNuclei, NucleationAnalysis, NucleationResults, NucleationSettings, Nucleus,
                       analyze_nucleation, detect_frame, select_ions)
from .clusters import Components, components, contact_mask, unwrap_components, wrap_positions
from .columns import EVENT_COLUMNS, FACET_COLUMNS, NUCLEATION_COLUMNS, NUCLEI_COLUMNS, TRACK_COLUMNS
from .facets import (FAMILIES, NucleusFacets, canonical_orientation, classify_normals, cubic_rotations,
                     lattice_orientation, misorientation_deg, nucleus_facets, rotation_to_quaternion)
from .order import (IonShells, crystalline_ions, grow_crystalline, growth_depth, ion_shells, pair_vectors,
                    solid_bonds, steinhardt_ql, steinhardt_qlm)
from .mfpt import MFPTResult, analyze_mfpt, fit_mfpt, mfpt_curve, reconstruct_barrier
from .stage import NEP89_SURFACE_ENERGIES, NucleationStage, run_nucleation, write_nucleation
from .tracking import NucleusTracker, match_nuclei, nucleus_tracks, overlaps
from .wulff import FacetAgreement, WulffPrediction, facet_agreement, winterbottom_shape, wulff_shape

__all__ = ["FacetAgreement", "MFPTResult", "NEP89_SURFACE_ENERGIES", "NucleationStage", "WulffPrediction",
           "analyze_mfpt", "facet_agreement", "fit_mfpt", "mfpt_curve", "reconstruct_barrier", "run_nucleation", "winterbottom_shape",
           "write_nucleation", "wulff_shape", "EVENT_COLUMNS", "FACET_COLUMNS", "FAMILIES", "NUCLEATION_COLUMNS", "NUCLEI_COLUMNS", "TRACK_COLUMNS",
           "Components", "FrameNuclei", "IonShells", "NucleationAnalysis", "NucleationResults",
           "NucleationSettings", "Nucleus", "NucleusFacets", "NucleusTracker", "analyze_nucleation",
           "canonical_orientation", "classify_normals", "components", "contact_mask", "crystalline_ions",
           "cubic_rotations", "detect_frame", "grow_crystalline", "growth_depth", "ion_shells",
           "lattice_orientation", "match_nuclei", "misorientation_deg", "nucleus_facets", "nucleus_tracks",
           "overlaps", "pair_vectors", "rotation_to_quaternion", "select_ions", "solid_bonds", "steinhardt_ql",
           "steinhardt_qlm", "unwrap_components", "wrap_positions"]
