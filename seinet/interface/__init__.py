"""Interface and SEI analysis: electrode surfaces, transport diagrams, SEI, sodium inventory, gases.

Layers (DESIGN.md): pure kernels (:func:`find_electrode`, :meth:`Electrode.distance`),
per-frame tracks that accumulate rows (:class:`TransportProfile`, :class:`SeiTrack`,
:class:`InventoryTrack`), table-only models (:func:`gas_table`, :func:`sodium_loss`)
and the streaming stage that runs inside ``seinet analyze``
(:class:`InterfaceAnalysis`; :func:`analyze_interface` from Python). Definitions
and defaults: docs/interface.md.
"""

from .analysis import ELECTRODE_COLUMNS, InterfaceAnalysis, InterfaceResults, InterfaceSettings, analyze_interface
from .electrode import Electrode, find_electrode, fractional, largest_gap_axis
from .gases import KEY_GASES, gas_table
from .groups import DEFAULT_TRANSPORT_GROUPS, SEI_CLASSES, group_matches
from .inventory import INVENTORY_COLUMNS, InventoryTrack, sodium_loss
from .sei import SEI_COLUMNS, SeiTrack
from .transport import TRANSPORT_COLUMNS, TransportProfile, density_grid

__all__ = ["DEFAULT_TRANSPORT_GROUPS", "ELECTRODE_COLUMNS", "Electrode", "INVENTORY_COLUMNS", "InterfaceAnalysis",
           "InterfaceResults", "InterfaceSettings", "InventoryTrack", "KEY_GASES", "SEI_CLASSES", "SEI_COLUMNS",
           "SeiTrack", "TRANSPORT_COLUMNS", "TransportProfile", "analyze_interface", "density_grid",
           "find_electrode", "fractional", "gas_table", "group_matches", "largest_gap_axis", "sodium_loss"]
