"""Child process of bench_species.py: time species detection alone (parse, bonds, species, membership).

Prints JSON: frames, atoms, loop seconds (SpeciesAnalysis.run with the membership writer) and peak RSS.
With ``--events`` the reaction-event extractor runs on every frame too (issue 3's overhead); with
``--interface`` the interface stage (electrode, transport, SEI, inventory, solvation; issue 4's overhead)
runs on every frame and its tables are finished (not written).
"""

import json
import resource
import sys
import time
from pathlib import Path

from seinet.run import MembershipWriter
from seinet.species.analysis import SpeciesAnalysis

path, out = Path(sys.argv[1]), Path(sys.argv[2])
with_events = "--events" in sys.argv[3:]
with_interface = "--interface" in sys.argv[3:]
writer = MembershipWriter(str(out))
analysis = SpeciesAnalysis(path)
if with_interface:
    from seinet.interface import InterfaceAnalysis

    stage = InterfaceAnalysis(species_info=lambda sid: analysis.catalogue.species[sid])

    def sink(part):
        stage.add(part)
        writer(part)
elif with_events:
    from seinet.reactions import EventExtractor, EventSettings

    extractor = EventExtractor(EventSettings())

    def sink(part):
        extractor.update_partition(part)
        writer(part)
else:
    sink = writer
t0 = time.perf_counter()
analysis.sink = sink
res = analysis.run().results
if with_events:
    extractor.finish()
if with_interface:
    stage.finish(res.species, res.id_map, res.counts)
loop = time.perf_counter() - t0
writer.finalize(res.id_map)
total = time.perf_counter() - t0
print(json.dumps({"frames": res.n_frames, "atoms": res.n_atoms, "loop_s": loop, "with_finalize_s": total,
                  "peak_rss_MiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
