"""Child process of bench_species.py: time species detection alone (parse, bonds, species, membership).

Prints JSON: frames, atoms, loop seconds (SpeciesAnalysis.run with the membership writer) and peak RSS.
"""

import json
import resource
import sys
import time
from pathlib import Path

from seinet.run import MembershipWriter
from seinet.species.analysis import SpeciesAnalysis

path, out = Path(sys.argv[1]), Path(sys.argv[2])
sink = MembershipWriter(str(out))
t0 = time.perf_counter()
res = SpeciesAnalysis(path, sink=sink).run().results
loop = time.perf_counter() - t0
sink.finalize(res.id_map)
total = time.perf_counter() - t0
print(json.dumps({"frames": res.n_frames, "atoms": res.n_atoms, "loop_s": loop, "with_finalize_s": total,
                  "peak_rss_MiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
