"""Child process of suite.py: time one stage combination over a trajectory file, as a user's process would.

    python benchmarks/_stages.py MODE FILE [--elements C,H,O,...] [--membership OUT.parquet] [--stop N]

MODE is one of

- ``read``: read the file's bytes (16 MiB blocks), no parsing: the disk / page-cache floor;
- ``parse``: the reader alone, ``seinet.io.iter_frames`` with the options species detection uses
  (extended XYZ: species, positions and charges; frame validation included);
- ``detect``: species detection (``SpeciesAnalysis``: parse, bonds, ionic layer, species) writing
  membership.parquet, as ``seinet analyze`` does;
- ``events``: detection + the reaction-event extractor on every frame;
- ``interface``: detection + the interface stage (electrode, transport, SEI, Na inventory,
  solvation, RDFs), its tables finished;
- ``nucleation``: detection + the NaF nucleation stage (crystalline ions, clusters, facets, tracking);
- ``all``: every per-frame stage of ``seinet analyze`` (events with their geometry, interface,
  NaF nucleation, membership), finished, without writing tables, figures or the report.

Prints one JSON line: frames, atoms, ``loop_s`` (first frame to the last, stages finished),
``first_frame_s`` (until the first frame is through; includes the one-off canonicalisation
of every molecule), ``steady_atom_frames_per_s`` (the pipeline threads in their steady state:
:func:`steady_rate`), and the process's peak RSS (``VmHWM``: its own,
without the high-water mark of the process that started it).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from _common import own_peak_rss_mib

MODES = ("read", "parse", "detect", "events", "interface", "nucleation", "all")


#: frames the read-ahead threads can hold beyond the one being partitioned (two queues of depth 2,
#: one frame in each producer's hands): the last ones are partitioned with no parsing left to share
#: the cores with, so they would flatter the rate
LOOKAHEAD = 6


def steady_rate(stamps: list[float], atoms: int) -> float | None:
    """Atom-frames per second in the steady state of the pipeline.

    From the frame a quarter of the way in (past the first frame's one-off canonicalisation of
    every molecule) to the last frame that was not already read ahead when parsing ended; with
    too few frames for that, the second half of them.
    """
    n = len(stamps)
    if n < 2:
        return None
    start, stop = max(1, n // 4), n - 1 - LOOKAHEAD
    if stop - start < 3:
        start, stop = (n // 2 if n >= 4 else 0), n - 1
    dt = stamps[stop] - stamps[start]
    return (stop - start) * atoms / dt if dt > 0 else None


def main(argv: list[str]) -> dict:
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=MODES)
    ap.add_argument("path", type=Path)
    ap.add_argument("--elements", default=None)
    ap.add_argument("--membership", type=Path, default=None)
    ap.add_argument("--stop", type=int, default=None, help="analyse the first STOP frames only")
    args = ap.parse_args(argv)
    elements = tuple(args.elements.split(",")) if args.elements else None
    stamps: list[float] = []
    atoms = 0

    if args.mode == "read":
        t0 = time.perf_counter()
        size = 0
        with open(args.path, "rb") as fh:
            while block := fh.read(1 << 24):
                size += len(block)
        loop = time.perf_counter() - t0
        return {"mode": "read", "bytes": size, "loop_s": loop, "MB_per_s": size / 1e6 / loop,
                "peak_rss_MiB": own_peak_rss_mib()}

    if args.mode == "parse":
        from seinet.io import detect_format, iter_frames

        options = {"elements": list(elements) if elements else None}
        if detect_format(args.path) in ("extxyz", "xyz"):
            options["properties"] = ("charge",)  # what SpeciesAnalysis asks the reader for
        t0 = time.perf_counter()
        for frame in iter_frames(args.path, stop=args.stop, **options):
            atoms = frame.n_atoms
            stamps.append(time.perf_counter())
        loop = time.perf_counter() - t0
        n_frames = len(stamps)
    else:
        from seinet.run import MembershipWriter
        from seinet.species.analysis import AnalysisSettings, SpeciesAnalysis

        membership = args.membership or args.path.with_suffix(f".{args.mode}.parquet")
        writer = MembershipWriter(str(membership))
        analysis = SpeciesAnalysis(args.path, AnalysisSettings(elements=elements, stop=args.stop))
        stages = []
        extractor = interface = recent = None
        nuclei: list = []
        if args.mode in ("events", "all"):
            from seinet.reactions import EventExtractor, EventSettings

            extractor = EventExtractor(EventSettings())
            if args.mode == "all":
                from seinet.reactions.geometry import RecentFrames

                recent = RecentFrames(depth=4 * extractor.settings.tau + 4)
                extractor.on_event = recent
                stages.append(recent.add)
            stages.append(extractor.update_partition)
        if args.mode in ("interface", "all"):
            from seinet.interface import InterfaceAnalysis

            interface = InterfaceAnalysis(species_info=lambda sid: analysis.catalogue.species[sid])
            stages.append(interface.add)
        if args.mode in ("nucleation", "all"):
            import numpy as np

            from seinet.nucleation import NucleationSettings, NucleationStage

            def nucleate(part) -> None:
                if not nuclei and part.symbols is not None and {"Na", "F"} <= set(np.unique(part.symbols)):
                    nuclei.append(NucleationStage(NucleationSettings()))
                if nuclei:
                    nuclei[0].add(part)

            stages.append(nucleate)
        stages.append(writer)

        def sink(part) -> None:
            for stage in stages:
                stage(part)
            stamps.append(time.perf_counter())

        analysis.sink = sink
        t0 = time.perf_counter()
        res = analysis.run().results
        if extractor is not None:
            extractor.finish()
        if interface is not None:
            interface.finish(res.species, res.id_map, res.counts)
        if nuclei and nuclei[0].n_frames:
            nuclei[0].results()
        loop = time.perf_counter() - t0
        writer.finalize(res.id_map)
        atoms, n_frames = res.n_atoms, res.n_frames
    return {"mode": args.mode, "frames": n_frames, "atoms": atoms, "loop_s": loop,
            "first_frame_s": stamps[0] - t0 if stamps else None,
            "steady_atom_frames_per_s": steady_rate(stamps, atoms),
            "peak_rss_MiB": own_peak_rss_mib()}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
