"""Column names of the nucleation tables, shared by the driver, the plots and table-only models."""

from __future__ import annotations

from .tracking import EVENT_COLUMNS, TRACK_COLUMNS

__all__ = ["NUCLEATION_COLUMNS", "NUCLEI_COLUMNS", "FACET_COLUMNS", "EVENT_COLUMNS", "TRACK_COLUMNS",
           "ORIENTATION_COLUMNS"]

#: One row per frame (nucleation.csv).
NUCLEATION_COLUMNS = ["frame", "time_ps", "n_ions", "n_max", "n_nuclei", "n_crystalline", "crystalline_fraction",
                      "n_clusters", "largest_cluster", "q_mean"]

#: Crystal-to-sample rotation of a nucleus as a unit quaternion (w >= 0), canonical under cubic symmetry.
ORIENTATION_COLUMNS = ["quat_w", "quat_x", "quat_y", "quat_z"]

#: One row per nucleus and frame (nuclei.csv).
NUCLEI_COLUMNS = ["frame", "time_ps", "nucleus_id", "size", "n_Na", "n_F", "x_A", "y_A", "z_A", "on_electrode",
                  "percolating", "q_mean", "n_surface", *ORIENTATION_COLUMNS, "orientation_spread_deg",
                  "rotation_prev_deg"]

#: One row per nucleus, frame and facet family (facets.csv).
FACET_COLUMNS = ["frame", "time_ps", "nucleus_id", "family", "n_facets", "area_A2", "fraction"]
