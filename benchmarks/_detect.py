"""Child process of bench_species.py: time species detection alone (parse, bonds, species, membership).

Prints JSON: frames, atoms, loop seconds (SpeciesAnalysis.run with the membership writer) and peak RSS.
With ``--events`` the reaction-event extractor runs on every frame too (issue 3's overhead).
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
writer = MembershipWriter(str(out))
if with_events:
    from seinet.reactions import EventExtractor, EventSettings

    extractor = EventExtractor(EventSettings())

    def sink(part):
        extractor.update_partition(part)
        writer(part)
else:
    sink = writer
t0 = time.perf_counter()
res = SpeciesAnalysis(path, sink=sink).run().results
if with_events:
    extractor.finish()
loop = time.perf_counter() - t0
writer.finalize(res.id_map)
total = time.perf_counter() - t0
print(json.dumps({"frames": res.n_frames, "atoms": res.n_atoms, "loop_s": loop, "with_finalize_s": total,
                  "peak_rss_MiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
