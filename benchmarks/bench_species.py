"""Species detection speed and memory at 100k atoms, and the ratio to ReacNetGenerator 1.6.15.

Frames are the NEP89 demo trajectory (data/demo/na_ec.extxyz.gz, 688 atoms) tiled
8 x 6 x 3 into 99,072-atom periodic supercells: real MD configurations at scale.

Measured (each a separate process, as a user runs it):

1. Species detection alone (benchmarks/_detect.py in a child process: parse, bonds,
   species, membership.parquet) on N1, N2 and 2*N2 frames of extended XYZ (GPUMD
   dump_xyz layout): the marginal rate (N2 - N1) * atoms / (t2 - t1) excludes
   start-up and the first frame's one-off canonicalisation of every molecule; peak
   RSS at N2 and 2*N2 frames shows whether memory grows with frames.
   With ``--events`` / ``--interface`` the same run adds the reaction-event extractor or
   the interface stage; their overhead is the ratio of loop times in the same run.
2. ``seinet analyze`` end to end (events, network, figures included) on N1 and N2.
3. seinet and ReacNetGenerator on the same LAMMPS dump (K frames), end to end.

Usage::

    .venv/bin/python benchmarks/bench_species.py [--frames 10 30] [--rng-frames 3]
        [--rng-bin .venv-validate/bin/reacnetgenerator]

Writes benchmarks/results/bench_species.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from pathlib import Path

from _common import ROOT, WORK, python, run_timed, tiled_frames, write_extxyz, write_lammps_dump

SEINET = str(ROOT / ".venv" / "bin" / "seinet")


def seinet_run(path: Path, out: Path, extra=()) -> tuple[float, float]:
    shutil.rmtree(out, ignore_errors=True)
    wall, rss, _ = run_timed([SEINET, "analyze", str(path), "--out", str(out), "--quiet", *extra])
    return wall, rss


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, nargs=2, default=[10, 30])
    ap.add_argument("--rng-frames", type=int, default=3)
    ap.add_argument("--rng-bin", default=str(ROOT / ".venv-validate" / "bin" / "reacnetgenerator"))
    ap.add_argument("--rng-budget", type=float, default=50.0,
                    help="stop ReacNetGenerator after this many times seinet's wall time on the same file")
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    n1, n2 = args.frames
    results: dict = {"date": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count()}

    files = {}
    for n in (n1, n2):
        files[n] = WORK / f"bench_{n}.extxyz"
        if not files[n].exists():
            write_extxyz(files[n], tiled_frames(n))
    with open(files[n1]) as fh:
        atoms = int(fh.readline())
    results["atoms"] = atoms
    n3 = 2 * n2
    files[n3] = WORK / f"bench_{n3}.extxyz"
    if not files[n3].exists():
        write_extxyz(files[n3], tiled_frames(n3))
    # warm the numba cache once so every timed run sees the same state
    seinet_run(files[n1], WORK / "warm")
    # 1. species detection alone, in a child process: parse + bonds + species + membership.parquet
    detect = {}
    for n in (n1, n2, n3):
        _, _, text = run_timed([python(), str(ROOT / "benchmarks" / "_detect.py"), str(files[n]),
                                str(WORK / f"m{n}.parquet")])
        detect[n] = json.loads(text.strip().splitlines()[-1])
    _, _, text = run_timed([python(), str(ROOT / "benchmarks" / "_detect.py"), str(files[n2]),
                            str(WORK / f"e{n2}.parquet"), "--events"])
    with_events = json.loads(text.strip().splitlines()[-1])
    # issue 4: the interface stage (electrode, transport, SEI, inventory, solvation with RDFs) on top
    _, _, text = run_timed([python(), str(ROOT / "benchmarks" / "_detect.py"), str(files[n2]),
                            str(WORK / f"i{n2}.parquet"), "--interface"])
    with_interface = json.loads(text.strip().splitlines()[-1])
    results["species_detection"] = {
        "events_overhead": round(with_events["loop_s"] / detect[n2]["loop_s"] - 1, 3),
        "interface_overhead": round(with_interface["loop_s"] / detect[n2]["loop_s"] - 1, 3),
        "frames": [n1, n2, n3], "loop_s": [round(detect[n]["loop_s"], 2) for n in (n1, n2, n3)],
        "marginal_atom_frames_per_s": round((n2 - n1) * atoms / (detect[n2]["loop_s"] - detect[n1]["loop_s"])),
        "peak_rss_MiB": [round(detect[n]["peak_rss_MiB"]) for n in (n1, n2, n3)],
        "rss_ratio_2x_frames": round(detect[n3]["peak_rss_MiB"] / detect[n2]["peak_rss_MiB"], 3),
    }
    # 2. seinet analyze end to end (events, network, figures, manifest with sha256 included)
    t1, rss1 = seinet_run(files[n1], WORK / "run1")
    t2, rss2 = seinet_run(files[n2], WORK / "run2")
    results["seinet_analyze"] = {
        "frames": [n1, n2], "wall_s": [round(t1, 2), round(t2, 2)], "peak_rss_MiB": [round(rss1), round(rss2)],
        "marginal_atom_frames_per_s": round((n2 - n1) * atoms / (t2 - t1)),
        "end_to_end_atom_frames_per_s": round(n2 * atoms / t2),
    }

    k = args.rng_frames
    dump = WORK / f"bench_{k}.lammpstrj"
    elements = ["C", "H", "O", "F", "Na", "P"]
    if not dump.exists():
        write_lammps_dump(dump, tiled_frames(k), {e: i + 1 for i, e in enumerate(elements)})
    ts, _ = seinet_run(dump, WORK / "run_dump", ["--elements", ",".join(elements)])
    entry = {"frames": k, "seinet_wall_s": round(ts, 2)}
    if Path(args.rng_bin).exists():
        rng_dir = WORK / "rng"
        shutil.rmtree(rng_dir, ignore_errors=True)
        rng_dir.mkdir()
        local = rng_dir / dump.name
        os.symlink(dump, local)
        cmd = [args.rng_bin, "-i", str(local), "--type", "dump", "-a", *elements, "--nohmm"]
        budget = max(60.0, args.rng_budget * ts)
        try:
            tr, rss_r, _ = run_timed(cmd, timeout=budget)
            entry.update({"rng_wall_s": round(tr, 2), "rng_peak_rss_MiB": round(rss_r), "speedup": round(tr / ts, 1)})
        except TimeoutError:
            entry.update({"rng_wall_s": f"> {budget:.0f}",
                          "note": f"ReacNetGenerator did not finish within {budget:.0f} s "
                                  f"({args.rng_budget:.0f} x seinet's time): speed-up > {budget / ts:.0f}"})
        entry["rng_command"] = "reacnetgenerator " + " ".join(cmd[1:])
    results["same_lammps_dump"] = entry

    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "bench_species.json").write_text(json.dumps(results, indent=2) + "\n")
    d = results["species_detection"]
    s = results["seinet_analyze"]
    print(f"| atoms per frame | {atoms:,} |\n|---|---|")
    print(f"| species detection, marginal rate (atom-frames/s), frames {n1}->{n2} | "
          f"{d['marginal_atom_frames_per_s']:,} |")
    print(f"| species detection peak RSS, {n1} / {n2} / {n3} frames (MiB) | "
          f"{' / '.join(str(x) for x in d['peak_rss_MiB'])} |")
    print(f"| reaction-event extraction on top of detection, {n2} frames | "
          f"+{100 * d['events_overhead']:.0f}% |")
    print(f"| interface stage (electrode, transport, SEI, Na inventory, solvation, RDFs) on top, {n2} frames | "
          f"+{100 * d['interface_overhead']:.0f}% |")
    print(f"| seinet analyze (all outputs), marginal rate | {s['marginal_atom_frames_per_s']:,} |")
    print(f"| seinet analyze end to end, {n2} frames (s) | {s['wall_s'][1]} |")
    print(f"| same dump, {k} frames: seinet / RNG (s) | {entry['seinet_wall_s']} / {entry.get('rng_wall_s', 'n/a')} |")
    print(f"| speed-up over ReacNetGenerator | {entry.get('speedup', entry.get('note', 'n/a'))} |")


if __name__ == "__main__":
    main()
