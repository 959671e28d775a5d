"""The benchmark suite in one command: scaling, parse fraction, memory, ReacNetGenerator, nucleation.

Every measurement runs in its own child process, as a user runs seinet, on frames of the
NEP89 demo run (``data/demo/na_ec.extxyz.gz``, 688 atoms) tiled into periodic supercells
(real MD configurations at scale; past the demo's 201 frames the run goes backwards and
forwards again, see ``_common.bounced_frames``):

1. **Atoms**, about 10^3, 10^4, 10^5 and 10^6 per frame: for each size the reader alone
   (``parse``), species detection (``detect``), detection plus events, plus the interface stage,
   plus NaF nucleation, and every per-frame stage together (``all``), each in
   ``benchmarks/_stages.py``, then ``seinet analyze`` end to end. Rates are steady-state
   atom-frames per second (``_stages.steady_rate``); a constant rate per atom means
   linear scaling. Parse fraction: detection rate / parse-only rate, i.e. how close the
   pipeline runs to the speed of reading the file.
2. **Frames**, at about 10^5 atoms: N and 10 N frames, species detection and ``seinet analyze``
   (every stage); peak RSS for 10 x the frames (target: within 10 %).
3. **ReacNetGenerator 1.6.15** (``.venv-validate``, ``make validate-deps``) and seinet on the
   same LAMMPS dump in the same run: wall time, CPU time, peak RSS, ratios.
4. **Nucleation**: ``benchmarks/bench_nucleation.py`` (about 10^5 atoms holding rock-salt nuclei).

Modes are run in rounds (every mode once, then again), keeping each mode's best, and the
1-minute load average is recorded around every run: the machines are shared, so ratios
taken in the same run are the figures to trust.

Usage::

    .venv/bin/python benchmarks/suite.py [--quick] [--doc] [--no-rng] [--keep-work] [--render]

``--quick`` takes a few minutes (10^3-10^5 atoms, fewer frames, no 10^6); the full suite
takes about half an hour on two cores. Writes ``benchmarks/results/suite.json``, prints a
markdown summary and, with ``--doc`` (full mode only), rewrites the suite section of
``docs/performance.md`` between its markers and the plot ``docs/figures/suite_scaling.png``.
Generated trajectories are kept in ``benchmarks/_work/suite`` (deterministic; reused).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from _common import DEMO, ROOT, WORK, own_peak_rss_mib, python, run_measured

SEINET = str(ROOT / ".venv" / "bin" / "seinet")
STAGES = str(ROOT / "benchmarks" / "_stages.py")
RNG_BIN = ROOT / ".venv-validate" / "bin" / "reacnetgenerator"
SUITE = WORK / "suite"
RESULTS = ROOT / "benchmarks" / "results" / "suite.json"
DOC = ROOT / "docs" / "performance.md"
FIGURE = ROOT / "docs" / "figures" / "suite_scaling.png"
BEGIN, END = "<!-- suite:begin (written by benchmarks/suite.py --doc) -->", "<!-- suite:end -->"
ELEMENTS = ("C", "H", "O", "F", "Na", "P")

def _demo_atoms() -> int:
    """Atoms per frame of the demo run (the first line of its first frame)."""
    import gzip

    with gzip.open(DEMO, "rt") as fh:
        return int(fh.readline())


DEMO_ATOMS = _demo_atoms()
#: supercell repetitions of the 688-atom demo cell (16.9 x 16.9 x 37.9 Å) for each size
#: (1,376, 10,320, 99,072 and 998,976 atoms)
SIZES = {"1e3": (2, 1, 1), "1e4": (5, 3, 1), "1e5": (8, 6, 3), "1e6": (12, 11, 11)}
MODES = ("read", "parse", "detect", "events", "interface", "nucleation", "all")
PLANS = {
    "full": {"scaling": {"1e3": 300, "1e4": 120, "1e5": 40, "1e6": 20}, "repeats": 2,
             "frames": ("1e5", 20, 200), "rng": {"1e3": 100, "1e4": 5, "1e5": 1}, "rng_budget_s": 150,
             "nucleation_frames": 5},
    "quick": {"scaling": {"1e3": 100, "1e4": 30, "1e5": 16}, "repeats": 1,
              "frames": ("1e5", 5, 50), "rng": {"1e3": 30, "1e4": 2}, "rng_budget_s": 60,
              "nucleation_frames": 2},
}


def n_atoms(size: str) -> int:
    a, b, c = SIZES[size]
    return DEMO_ATOMS * a * b * c


def trajectory(size: str, frames: int, kind: str = "extxyz") -> Path:
    """The benchmark file for ``size`` and ``frames`` (written once, then reused)."""
    SUITE.mkdir(parents=True, exist_ok=True)
    reps = SIZES[size]
    suffix = "extxyz" if kind == "extxyz" else "lammpstrj"
    path = SUITE / f"x{reps[0]}x{reps[1]}x{reps[2]}_f{frames}.{suffix}"
    if not path.exists():
        tmp = path.with_name(path.name + ".part")
        t0 = time.perf_counter()
        # in a child: this process stays small, since its peak RSS is a floor of every child's (run_measured)
        if kind == "extxyz":
            code = f"write_extxyz(Path({str(tmp)!r}), bounced_frames({frames}, {reps!r}))"
        else:
            types = {e: i + 1 for i, e in enumerate(ELEMENTS)}
            code = f"write_lammps_dump(Path({str(tmp)!r}), bounced_frames({frames}, {reps!r}), {types!r})"
        run_measured([python(), "-c", f"import sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); "
                      "from pathlib import Path; from _common import bounced_frames, write_extxyz, "
                      f"write_lammps_dump; {code}"])
        tmp.rename(path)
        log(f"  wrote {path.name} ({path.stat().st_size / 1e6:.0f} MB, {time.perf_counter() - t0:.0f} s)")
    return path


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def load() -> float:
    return round(os.getloadavg()[0], 2)


def measured(cmd: list[str], timeout: float | None = None, cwd=None) -> dict:
    """``run_measured`` with the load average before and after."""
    before = load()
    r = run_measured(cmd, timeout=timeout, cwd=cwd)
    r["load"] = [before, load()]
    r["rss_floor_MiB"] = own_peak_rss_mib()  # this process's peak, inherited by the child's figure
    return r


def stage(mode: str, path: Path, elements: bool = False) -> dict:
    cmd = [python(), STAGES, mode, str(path)]
    if elements:
        cmd += ["--elements", ",".join(ELEMENTS)]
    r = measured(cmd)
    out = json.loads(r["output"].strip().splitlines()[-1])
    out.update(wall_s=r["wall_s"], cpu_s=r["cpu_s"], load=r["load"], rss_floor_MiB=r["rss_floor_MiB"])
    return out


def analyze(path: Path, name: str, extra=()) -> dict:
    out = SUITE / "runs" / name
    cmd = [SEINET, "analyze", str(path), "--out", str(out), "--overwrite", "--quiet", *extra]
    r = measured(cmd)
    manifest = json.loads((out / "manifest.json").read_text())
    return {"wall_s": r["wall_s"], "cpu_s": r["cpu_s"], "peak_rss_MiB": r["peak_rss_MiB"], "load": r["load"],
            "rss_floor_MiB": r["rss_floor_MiB"], "frames": manifest["n_frames"], "atoms": manifest["n_atoms"],
            "species": manifest["n_species"]}


def best(runs: list[dict], key: str = "loop_s") -> dict:
    """The fastest of repeated runs, with every run's time and load kept beside it."""
    top = dict(min(runs, key=lambda r: r[key]))
    top["runs_" + key] = [round(r[key], 3) for r in runs]
    top["loads"] = [r["load"] for r in runs]
    return top


# --- 1. atoms ---------------------------------------------------------------------------------

def atom_scaling(plan: dict) -> dict:
    out = {}
    for size, frames in plan["scaling"].items():
        path = trajectory(size, frames)
        log(f"[atoms] {size}: {n_atoms(size):,} atoms x {frames} frames")
        runs: dict = {m: [] for m in (*MODES, "analyze")}
        for _ in range(plan["repeats"]):
            for mode in MODES:
                runs[mode].append(stage(mode, path))
            runs["analyze"].append(analyze(path, f"scaling_{size}"))
        entry = {"atoms": n_atoms(size), "frames": frames, "reps": SIZES[size],
                 "file_MB": round(path.stat().st_size / 1e6, 1)}
        for mode in MODES:
            entry[mode] = best(runs[mode])
        entry["analyze"] = best(runs["analyze"], "wall_s")
        parse, detect = entry["parse"], entry["detect"]
        entry["detect_vs_parse"] = detect["steady_atom_frames_per_s"] / parse["steady_atom_frames_per_s"]
        entry["all_vs_parse"] = entry["all"]["steady_atom_frames_per_s"] / parse["steady_atom_frames_per_s"]
        entry["parse_MB_per_s"] = entry["file_MB"] / frames * parse["steady_atom_frames_per_s"] / entry["atoms"]
        for mode in ("events", "interface", "nucleation", "all"):  # steady state: the first frame is one-off
            entry[f"{mode}_overhead"] = (detect["steady_atom_frames_per_s"]
                                         / entry[mode]["steady_atom_frames_per_s"] - 1)
        entry["analyze_atom_frames_per_s"] = frames * entry["atoms"] / entry["analyze"]["wall_s"]
        out[size] = entry
        log(f"  detect {detect['steady_atom_frames_per_s']:,.0f} atom-frames/s "
            f"({100 * entry['detect_vs_parse']:.0f} % of parse-only), all stages "
            f"{entry['all']['steady_atom_frames_per_s']:,.0f}, analyze {entry['analyze']['wall_s']:.1f} s, "
            f"RSS {entry['analyze']['peak_rss_MiB']:.0f} MiB")
    sizes = [s for s in out if s != "1e3"]
    if len(sizes) < 2:
        sizes = list(out)
    for mode in ("detect", "all"):
        xs = [math.log(out[s]["atoms"]) for s in sizes]
        ys = [math.log(out[s]["atoms"] / out[s][mode]["steady_atom_frames_per_s"]) for s in sizes]
        out.setdefault("exponent", {})[mode] = _slope(xs, ys)
    out["exponent"]["sizes"] = sizes
    return out


def _slope(xs: list[float], ys: list[float]) -> float | None:
    """Least-squares slope: time per frame ~ atoms^slope (1 = linear)."""
    if len(xs) < 2:
        return None
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


# --- 2. frames and memory ---------------------------------------------------------------------

def frame_scaling(plan: dict) -> dict:
    size, n1, n2 = plan["frames"]
    short, long = trajectory(size, n1), trajectory(size, n2)
    log(f"[frames] {n_atoms(size):,} atoms: {n1} and {n2} frames")
    runs: dict = {k: [] for k in ("detect_1", "detect_2", "analyze_1", "analyze_2")}
    for _ in range(plan["repeats"]):
        runs["detect_1"].append(stage("detect", short))
        runs["detect_2"].append(stage("detect", long))
        runs["analyze_1"].append(analyze(short, "frames_short"))
        runs["analyze_2"].append(analyze(long, "frames_long"))
    d1, d2 = best(runs["detect_1"]), best(runs["detect_2"])
    a1, a2 = best(runs["analyze_1"], "wall_s"), best(runs["analyze_2"], "wall_s")
    atoms = n_atoms(size)
    # peak RSS: the largest of the repeats (the bound that matters), not that of the fastest run
    rss = {k: max(r["peak_rss_MiB"] for r in v) for k, v in runs.items()}
    out = {"atoms": atoms, "frames": [n1, n2], "detect": [d1, d2], "analyze": [a1, a2],
           "detect_time_ratio": d2["loop_s"] / d1["loop_s"],
           "detect_marginal_atom_frames_per_s": (n2 - n1) * atoms / (d2["loop_s"] - d1["loop_s"]),
           "analyze_marginal_atom_frames_per_s": (n2 - n1) * atoms / (a2["wall_s"] - a1["wall_s"]),
           "detect_peak_rss_MiB": [rss["detect_1"], rss["detect_2"]],
           "analyze_peak_rss_MiB": [rss["analyze_1"], rss["analyze_2"]],
           "detect_rss_ratio": rss["detect_2"] / rss["detect_1"],
           "analyze_rss_ratio": rss["analyze_2"] / rss["analyze_1"]}
    log(f"  analyze peak RSS {rss['analyze_1']:.0f} -> {rss['analyze_2']:.0f} MiB "
        f"({100 * (out['analyze_rss_ratio'] - 1):+.1f} % for {n2 // n1}x frames)")
    return out


# --- 3. ReacNetGenerator ----------------------------------------------------------------------

def rng_comparison(plan: dict, rng_bin: Path) -> dict:
    if not rng_bin.exists():
        note = (f"ReacNetGenerator not found at {rng_bin}: build it with `make validate-deps` "
                f"(validation/install.sh, needs PyPI), then rerun")
        log(f"[rng] {note}")
        return {"available": False, "note": note}
    version = subprocess.run([str(rng_bin.parent / "python"), "-c",
                              "from importlib.metadata import version; print(version('reacnetgenerator'))"],
                             capture_output=True, text=True).stdout.strip()
    out: dict = {"available": True, "version": version, "sizes": {}}
    for size, frames in plan["rng"].items():
        dump = trajectory(size, frames, "lammps")
        log(f"[rng] {size}: {n_atoms(size):,} atoms x {frames} frames, same LAMMPS dump")
        elements = ["--elements", ",".join(ELEMENTS)]
        seinet_all = analyze(dump, f"dump_{size}", elements)
        seinet_rng_scope = analyze(dump, f"dump_{size}_core", [*elements, "--no-interface", "--no-nucleation"])
        detect = stage("detect", dump, elements=True)
        entry = {"atoms": n_atoms(size), "frames": frames, "seinet_analyze": seinet_all,
                 "seinet_analyze_no_interface_no_nucleation": seinet_rng_scope, "seinet_detect": detect}
        work = SUITE / "rng" / size
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        os.symlink(dump, work / dump.name)
        cmd = [str(rng_bin), "-i", dump.name, "--type", "dump", "-a", *ELEMENTS, "--nohmm"]
        entry["rng_command"] = "reacnetgenerator " + " ".join(cmd[1:])
        budget = plan["rng_budget_s"]
        try:
            r = measured(cmd, timeout=budget, cwd=work)
            steps = {int(k): float(v) for k, v in re.findall(r"Step (\d): Done! Time consumed \(s\): ([\d.]+)",
                                                             r["output"])}
            entry["rng"] = {"wall_s": r["wall_s"], "cpu_s": r["cpu_s"], "peak_rss_MiB": r["peak_rss_MiB"],
                            "load": r["load"], "step1_read_and_detect_s": steps.get(1)}
            entry["speedup_analyze"] = r["wall_s"] / seinet_all["wall_s"]
            entry["speedup_same_scope"] = r["wall_s"] / seinet_rng_scope["wall_s"]
            if steps.get(1):
                entry["speedup_detection"] = steps[1] / detect["loop_s"]
            log(f"  RNG {r['wall_s']:.1f} s, seinet analyze {seinet_all['wall_s']:.1f} s "
                f"({entry['speedup_analyze']:.1f}x), same scope {seinet_rng_scope['wall_s']:.1f} s "
                f"({entry['speedup_same_scope']:.1f}x)")
        except TimeoutError:
            entry["rng"] = {"wall_s": None, "stopped_after_s": budget}
            entry["speedup_analyze_at_least"] = budget / seinet_all["wall_s"]
            entry["speedup_same_scope_at_least"] = budget / seinet_rng_scope["wall_s"]
            entry["speedup_detection_at_least"] = budget / detect["loop_s"]
            log(f"  RNG stopped after {budget} s (seinet analyze {seinet_all['wall_s']:.1f} s)")
        shutil.rmtree(work, ignore_errors=True)
        out["sizes"][size] = entry
    done = [(e["atoms"], e["rng"]["step1_read_and_detect_s"] / e["frames"]) for e in out["sizes"].values()
            if e["rng"].get("step1_read_and_detect_s")]
    if len(done) >= 2:
        out["rng_detect_time_exponent"] = _slope([math.log(a) for a, _ in done], [math.log(t) for _, t in done])
    return out


# --- 4. nucleation ----------------------------------------------------------------------------

def nucleation(plan: dict) -> dict:
    log(f"[nucleation] bench_nucleation.py --frames {plan['nucleation_frames']}")
    r = measured([python(), str(ROOT / "benchmarks" / "bench_nucleation.py"), "--frames",
                  str(plan["nucleation_frames"])])
    out = json.loads((ROOT / "benchmarks" / "results" / "bench_nucleation.json").read_text())
    out.update(load=r["load"], peak_rss_MiB=r["peak_rss_MiB"])
    return out


# --- report -----------------------------------------------------------------------------------

def _n(x, digits: int = 0) -> str:
    if x is None:
        return "n/a"
    return f"{x:,.{digits}f}"


def markdown(res: dict) -> str:
    lines = [f"Run {res['date']}, mode `{res['mode']}`, {res['cpus']} cores ({res['cpu_model']}), "
             f"load average {res['load']['min']}-{res['load']['max']} during the runs "
             f"(this suite alone keeps about 2 busy), seinet {res['seinet_version']} at {res['commit']}; "
             f"{res['wall_min']:.0f} min in all; `benchmarks/results/suite.json`. Peak RSS is each process's own "
             f"(`wait4`, `VmHWM`; the suite process's {res['rss_floor_MiB']:.0f} MiB is a floor of those figures).", ""]
    sc = res["atoms"]
    sizes = [s for s in sc if s in SIZES]
    lines += ["**Scaling with atoms** (steady-state atom-frames/s, best of "
              f"{res['plan']['repeats']}; `parse` is the reader alone):", "",
              "| atoms x frames | parse | detect (% of parse) | + events | + interface | + nucleation "
              "| all stages (% of parse) | `seinet analyze` end to end | peak RSS detect / analyze (MiB) |",
              "|---|---|---|---|---|---|---|---|---|"]
    for s in sizes:
        e = sc[s]
        rate = {m: e[m]["steady_atom_frames_per_s"] for m in MODES if m != "read"}
        lines.append(
            f"| {e['atoms']:,} x {e['frames']} | {_n(rate['parse'])} | {_n(rate['detect'])} "
            f"({100 * e['detect_vs_parse']:.0f} %) | {_n(rate['events'])} | {_n(rate['interface'])} "
            f"| {_n(rate['nucleation'])} | {_n(rate['all'])} ({100 * e['all_vs_parse']:.0f} %) "
            f"| {_n(e['analyze_atom_frames_per_s'])} ({e['analyze']['wall_s']:.1f} s) "
            f"| {e['detect']['peak_rss_MiB']:.0f} / {e['analyze']['peak_rss_MiB']:.0f} |")
    ex = sc["exponent"]
    lines += ["", "Reading the file's bytes alone (page cache) runs at "
              + ", ".join(f"{sc[s]['read']['MB_per_s']:,.0f}" for s in sizes) + " MB/s, the parser at "
              + ", ".join(f"{sc[s]['parse_MB_per_s']:,.0f}" for s in sizes) + " MB/s (same sizes)."]
    lines += ["", f"Time per frame ~ atoms^k over {', '.join(ex['sizes'])} atoms: k = {_n(ex['detect'], 2)} for "
              f"detection, {_n(ex['all'], 2)} for every stage (1 = linear).", ""]
    fr = res["frames"]
    n1, n2 = fr["frames"]
    lines += [f"**Frames and memory** ({fr['atoms']:,} atoms, {n1} vs {n2} frames, every stage of "
              "`seinet analyze`):", "",
              "| measurement | " + f"{n1} frames | {n2} frames | ratio |", "|---|---|---|---|",
              f"| species detection loop (s) | {fr['detect'][0]['loop_s']:.2f} | {fr['detect'][1]['loop_s']:.2f} "
              f"| {fr['detect_time_ratio']:.2f} |",
              f"| species detection peak RSS (MiB) | {fr['detect_peak_rss_MiB'][0]:.0f} "
              f"| {fr['detect_peak_rss_MiB'][1]:.0f} | {fr['detect_rss_ratio']:.3f} |",
              f"| `seinet analyze` wall (s) | {fr['analyze'][0]['wall_s']:.1f} | {fr['analyze'][1]['wall_s']:.1f} "
              f"| {fr['analyze'][1]['wall_s'] / fr['analyze'][0]['wall_s']:.2f} |",
              f"| **`seinet analyze` peak RSS (MiB)** | {fr['analyze_peak_rss_MiB'][0]:.0f} "
              f"| {fr['analyze_peak_rss_MiB'][1]:.0f} | **{fr['analyze_rss_ratio']:.3f}** (target <= 1.10) |",
              "", f"Marginal rates {n1} -> {n2} frames: detection {_n(fr['detect_marginal_atom_frames_per_s'])}, "
              f"`seinet analyze` {_n(fr['analyze_marginal_atom_frames_per_s'])} atom-frames/s.", ""]
    rng = res["rng"]
    if not rng.get("available"):
        lines += [f"**ReacNetGenerator**: {rng['note']}.", ""]
    else:
        lines += [f"**ReacNetGenerator {rng['version']}** (`--type dump --nohmm`, Open Babel bonds) and seinet "
                  "on the same LAMMPS dump, same run (wall s; speed-up = RNG / seinet):", "",
                  "| atoms x frames | RNG | RNG step 1 (read + molecules) | seinet analyze, all stages "
                  "| seinet analyze, RNG's scope (no interface/nucleation) | seinet detection loop "
                  "| peak RSS RNG / seinet (MiB) |", "|---|---|---|---|---|---|---|"]
        for e in rng["sizes"].values():
            r, a, c, d = e["rng"], e["seinet_analyze"], e["seinet_analyze_no_interface_no_nucleation"], \
                e["seinet_detect"]
            if r.get("wall_s") is None:
                lines.append(f"| {e['atoms']:,} x {e['frames']} | stopped at {r['stopped_after_s']} s | - "
                             f"| {a['wall_s']:.1f} (> {e['speedup_analyze_at_least']:.0f}x) "
                             f"| {c['wall_s']:.1f} (> {e['speedup_same_scope_at_least']:.0f}x) "
                             f"| {d['loop_s']:.2f} (> {e['speedup_detection_at_least']:.0f}x) "
                             f"| - / {a['peak_rss_MiB']:.0f} |")
            else:
                det = f" ({e['speedup_detection']:.0f}x)" if "speedup_detection" in e else ""
                lines.append(f"| {e['atoms']:,} x {e['frames']} | {r['wall_s']:.1f} "
                             f"| {_n(r['step1_read_and_detect_s'], 1)} "
                             f"| {a['wall_s']:.1f} ({e['speedup_analyze']:.1f}x) "
                             f"| {c['wall_s']:.1f} ({e['speedup_same_scope']:.1f}x) "
                             f"| {d['loop_s']:.2f}{det} | {r['peak_rss_MiB']:.0f} / {a['peak_rss_MiB']:.0f} |")
        if rng.get("rng_detect_time_exponent"):
            lines += ["", f"RNG's read + molecule time per frame grows as atoms^{rng['rng_detect_time_exponent']:.2f}."]
        lines.append("")
    nu = res["nucleation"]
    if nu:
        lines += [f"**Nucleation** (`bench_nucleation.py`, {nu['atoms']:,} atoms, {nu['ions']:,} Na/F ions, "
                  f"{nu['crystal_ions']:,} in 4 crystals): detect_frame median {nu['detect_frame_s']['median']} s, "
                  f"analyze_nucleation {nu['analyze_nucleation_s_per_frame']} s per frame "
                  f"(target <= 1 s); found {nu['nuclei_frame0']} nuclei. In the pipeline on the tiled demo frames "
                  "(no crystal) the stage costs "
                  + ", ".join(f"{100 * sc[s]['nucleation_overhead']:+.0f} % at {sc[s]['atoms']:,}" for s in sizes)
                  + " atoms over detection.", ""]
    return "\n".join(lines)


def plot(res: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter

    sc = res["atoms"]
    sizes = [s for s in sc if s in SIZES]
    atoms = [sc[s]["atoms"] for s in sizes]
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(9, 3.4), dpi=100)
    for mode, style in (("parse", "o--"), ("detect", "o-"), ("events", "^-"), ("interface", "s-"),
                        ("all", "D-")):
        ax.plot(atoms, [sc[s][mode]["steady_atom_frames_per_s"] / 1e6 for s in sizes], style, label=mode)
    ax.plot(atoms, [sc[s]["analyze_atom_frames_per_s"] / 1e6 for s in sizes], "k:", marker="x",
            label="seinet analyze (end to end)")
    rng = res["rng"]
    if rng.get("available"):
        pts = [(e["atoms"], e["frames"] * e["atoms"] / e["rng"]["wall_s"] / 1e6) for e in rng["sizes"].values()
               if e["rng"].get("wall_s")]
        if pts:
            ax.plot(*zip(*pts), "rv-", label="ReacNetGenerator")
    ax.set(xscale="log", yscale="log", xlabel="atoms per frame", ylabel="M atom-frames / s",
           title="throughput (flat = linear scaling)")
    ax.legend(fontsize=7, ncol=2)
    bx.plot(atoms, [sc[s]["detect"]["peak_rss_MiB"] for s in sizes], "o-", label="detect")
    bx.plot(atoms, [sc[s]["analyze"]["peak_rss_MiB"] for s in sizes], "x:", color="k", label="seinet analyze")
    fr = res["frames"]
    bx.plot([fr["atoms"]] * 2, fr["analyze_peak_rss_MiB"], "_", color="C3", markersize=14,
            label=f"analyze, {fr['frames'][0]} / {fr['frames'][1]} frames")
    bx.set(xscale="log", xlabel="atoms per frame", ylabel="peak RSS (MiB)", title="memory (per process)")
    bx.set_ylim(bottom=0)
    bx.legend(fontsize=7)
    for axis in (ax.xaxis, bx.xaxis):
        axis.set_minor_formatter(NullFormatter())
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def replace_section(text: str, body: str) -> str:
    """``text`` with what lies between the suite markers replaced by ``body`` (appended if absent)."""
    block = f"{BEGIN}\n{body.strip()}\n{END}"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        return head + block + rest.split(END, 1)[1]
    return text.rstrip("\n") + "\n\n" + block + "\n"


def environment() -> dict:
    def git(*args) -> str:
        p = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return p.stdout.strip()

    model = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import version

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    return {"date": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count(), "cpu_model": model,
            "python": platform.python_version(), "seinet_version": version("seinet"),
            "commit": commit + (" (with uncommitted changes)" if dirty else "")}


def _loads(obj) -> list[float]:
    if isinstance(obj, dict):
        if "load" in obj and isinstance(obj["load"], list):
            return list(obj["load"]) + [x for k, v in obj.items() if k != "load" for x in _loads(v)]
        return [x for v in obj.values() for x in _loads(v)]
    if isinstance(obj, list):
        return [x for v in obj for x in _loads(v)]
    return []


def _rounded(obj):
    if isinstance(obj, float):
        return round(obj, 4) if abs(obj) < 100 else round(obj, 1)
    if isinstance(obj, dict):
        return {k: _rounded(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_rounded(v) for v in obj]
    return obj


def report(res: dict, doc: bool) -> None:
    """Print the markdown summary; with ``doc`` (full runs only) write it and the plot into the docs."""
    text = markdown(res)
    print(text)
    if doc and res["mode"] != "full":
        log("--doc ignored in quick mode: docs/performance.md keeps the figures of a full run")
    elif doc:
        plot(res, FIGURE)
        body = (text + f"\n![Throughput and peak RSS against atoms per frame]"
                       f"({FIGURE.relative_to(DOC.parent).as_posix()})\n")
        DOC.write_text(replace_section(DOC.read_text(), body))
        log(f"wrote {DOC.relative_to(ROOT)} (suite section) and {FIGURE.relative_to(ROOT)}")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10^3-10^5 atoms, fewer frames: a few minutes")
    ap.add_argument("--doc", action="store_true",
                    help="rewrite the suite section of docs/performance.md and docs/figures/suite_scaling.png "
                         "(full mode only)")
    ap.add_argument("--no-rng", action="store_true", help="skip ReacNetGenerator")
    ap.add_argument("--rng-bin", type=Path, default=RNG_BIN)
    ap.add_argument("--keep-work", action="store_true", help="keep the run directories in benchmarks/_work/suite")
    ap.add_argument("--render", action="store_true",
                    help="measure nothing: print (and with --doc write) the report of benchmarks/results/suite.json")
    args = ap.parse_args(argv)
    if args.render:
        res = json.loads(RESULTS.read_text())
        report(res, args.doc)
        return
    mode = "quick" if args.quick else "full"
    plan = PLANS[mode]
    t0 = time.perf_counter()
    res: dict = {**environment(), "mode": mode, "plan": plan}
    log(f"seinet benchmark suite ({mode}); load average {load()}")
    # warm the numba cache and the imports once, so every timed run starts from the same state
    warm = trajectory("1e3", 3)
    stage("all", warm)
    analyze(warm, "warm")
    res["atoms"] = atom_scaling(plan)
    res["frames"] = frame_scaling(plan)
    res["rng"] = {"available": False, "note": "skipped (--no-rng)"} if args.no_rng else \
        rng_comparison(plan, args.rng_bin)
    res["nucleation"] = nucleation(plan)
    res["rss_floor_MiB"] = own_peak_rss_mib()
    loads = _loads(res)
    res["load"] = {"min": min(loads), "max": max(loads)}
    res["wall_min"] = (time.perf_counter() - t0) / 60
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(_rounded(res), indent=2) + "\n")
    report(res, args.doc)
    if not args.keep_work:
        shutil.rmtree(SUITE / "runs", ignore_errors=True)
        for part in SUITE.glob("*.parquet"):
            part.unlink()


if __name__ == "__main__":
    main()
