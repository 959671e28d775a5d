"""Species: covalent fragments, the ionic layer of alkali atoms, and their catalogue."""

from .catalogue import SpeciesCatalogue, SpeciesInfo
from .fragments import Fragments, find_fragments
from .ionic import IonicLayer, ionic_layer
from .partition import FramePartition, Partitioner

__all__ = ["SpeciesCatalogue", "SpeciesInfo", "Fragments", "find_fragments", "IonicLayer", "ionic_layer",
           "FramePartition", "Partitioner"]
