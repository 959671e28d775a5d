"""Overhead of seinet's CPU backend over bare calorine + ASE molecular dynamics.

Same system (a preset, default ``bulk-ec-1M``: 28 EC + 2 NaPF6, 296 atoms), same NEP89
calculator object, same integrator (ASE Bussi, 0.5 fs, tau 50 fs, 300 K), same number of steps:

bare
    ``Bussi(atoms, ...).run(steps)``, no observers, nothing written.
seinet
    :func:`seinet.simulate.cpu.run_md`: the same loop plus the GPUMD-style trajectory
    (positions, velocities, forces every ``--dump-every`` steps, with the energy/virial/stress
    header), thermo.out every ``--thermo-every`` steps and progress logging.

The calculator is set up (and the model read, ~1 s) before either clock starts. The two are run
alternately ``--repeats`` times and the fastest of each is compared. The machine is shared with
other work, so the overhead is taken from process CPU time (calorine runs on one thread, so CPU
time is the work done); wall times are recorded too.

Usage::

    .venv/bin/python benchmarks/bench_cpu_md.py [--preset bulk-ec-1M] [--steps 200] [--dump-every 10]

Writes benchmarks/results/bench_cpu_md.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seinet.models import nep89_path  # noqa: E402
from seinet.simulate import MDSettings, build_preset  # noqa: E402
from seinet.simulate.cpu import initial_momenta, make_calculator, run_md  # noqa: E402


def bare(atoms0, calc, settings: MDSettings) -> tuple[float, float]:
    """(wall, CPU) seconds of a bare ASE Bussi loop with calorine's CPUNEP."""
    from ase import units
    from ase.md.bussi import Bussi

    atoms = atoms0.copy()
    atoms.calc = calc
    rng = np.random.default_rng(settings.seed)
    initial_momenta(atoms, settings.temperature_K, rng, np.zeros(0, dtype=int))
    dyn = Bussi(atoms, settings.timestep_fs * units.fs, temperature_K=settings.temperature_K,
                taut=settings.tau_fs * units.fs, rng=rng)
    atoms.get_forces()
    t0, c0 = time.perf_counter(), time.process_time()
    dyn.run(settings.steps)
    return time.perf_counter() - t0, time.process_time() - c0


def seinet_run(atoms0, calc, settings: MDSettings) -> tuple[float, float]:
    """(wall, CPU) seconds of the MD loop of seinet's CPU backend, as run_md reports them (files
    opened before and closed after the loop are included; calculator setup is not, as in bare)."""
    with tempfile.TemporaryDirectory(prefix="seinet-bench-md-") as tmp:
        run = run_md(atoms0, calc, settings, tmp)
        return run.md_wall_s, run.md_cpu_s


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="bulk-ec-1M")
    parser.add_argument("--n-solvent", type=int, default=None)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--dump-every", type=int, default=10)
    parser.add_argument("--thermo-every", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "bench_cpu_md.json")
    args = parser.parse_args(argv)

    atoms = build_preset(args.preset, n_solvent=args.n_solvent, seed=0)
    settings = MDSettings(steps=args.steps, timestep_fs=0.5, temperature_K=300.0, tau_fs=50.0,
                          dump_every=args.dump_every, thermo_every=args.thermo_every, seed=0)
    calc = make_calculator(nep89_path())
    warm = atoms.copy()
    warm.calc = calc
    warm.get_forces()  # read the model once
    times = {"bare": [], "seinet": []}
    for _ in range(args.repeats):
        times["bare"].append(bare(atoms, calc, settings))
        times["seinet"].append(seinet_run(atoms, calc, settings))
    n = len(atoms) * settings.steps
    wall = {k: min(t[0] for t in v) for k, v in times.items()}
    cpu = {k: min(t[1] for t in v) for k, v in times.items()}
    rate = {k: n / cpu[k] for k in cpu}
    overhead = cpu["seinet"] / cpu["bare"] - 1.0
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count(), "load_average": os.getloadavg()[0],
        "preset": args.preset, "atoms": len(atoms), "steps": settings.steps, "dump_every": settings.dump_every,
        "thermo_every": settings.thermo_interval, "frames": settings.steps // settings.dump_every,
        "repeats": args.repeats, "model": "NEP89 (calorine CPUNEP, 1 thread)", "integrator": "ASE Bussi",
        "bare_wall_s": [round(t[0], 4) for t in times["bare"]], "bare_cpu_s": [round(t[1], 4) for t in times["bare"]],
        "seinet_wall_s": [round(t[0], 4) for t in times["seinet"]],
        "seinet_cpu_s": [round(t[1], 4) for t in times["seinet"]],
        "bare_atom_steps_per_s": round(rate["bare"]), "seinet_atom_steps_per_s": round(rate["seinet"]),
        "ms_per_step_bare": round(1000 * cpu["bare"] / settings.steps, 3),
        "ms_per_step_seinet": round(1000 * cpu["seinet"] / settings.steps, 3),
        "overhead_pct": round(100 * overhead, 2),
        "overhead_wall_pct": round(100 * (wall["seinet"] / wall["bare"] - 1), 2),
        "target_overhead_pct": 10.0,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"| {args.preset}, {len(atoms)} atoms, {settings.steps} steps, frame every {settings.dump_every} "
          "| atom-steps/s (CPU time) | ms/step |")
    print("|---|---|---|")
    print(f"| bare calorine + ASE Bussi | {rate['bare']:,.0f} | {result['ms_per_step_bare']} |")
    print(f"| seinet CPU backend (dump + thermo) | {rate['seinet']:,.0f} | {result['ms_per_step_seinet']} |")
    print(f"| overhead | {100 * overhead:+.1f} % CPU, {result['overhead_wall_pct']:+.1f} % wall "
          "(target <= 10 %) | |")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
