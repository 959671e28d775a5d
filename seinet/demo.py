"""``seinet demo``: analyse the shipped demo trajectories (data/demo) and say where the results are."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import SeinetError

__all__ = ["run_demo", "demo_data_dir", "DEMO_SYSTEMS"]

#: name -> file in data/demo
DEMO_SYSTEMS = {"na_ec": "na_ec.extxyz.gz", "na_dme": "na_dme.extxyz.gz"}


def demo_data_dir() -> Path:
    """data/demo of the source tree, or ``$SEINET_DEMO_DATA``."""
    env = os.environ.get("SEINET_DEMO_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "data" / "demo"


def run_demo(out: str | os.PathLike = "demo_runs", overwrite: bool = False, quiet: bool = False) -> dict[str, Path]:
    """Run ``seinet analyze`` on every demo trajectory and compare them; returns name -> directory
    (the runs, and ``comparison`` for ``seinet compare`` of EC vs DME)."""
    from .pipeline import analyze

    data = demo_data_dir()
    missing = [f for f in DEMO_SYSTEMS.values() if not (data / f).exists()]
    if missing:
        raise SeinetError(f"demo data not found in {data} ({', '.join(missing)}); run from a source checkout "
                          f"or set SEINET_DEMO_DATA")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    runs = {}
    for name, fname in DEMO_SYSTEMS.items():
        target = out / name
        results = analyze(data / fname, target, overwrite=overwrite, progress=not quiet)
        runs[name] = target
        if not quiet:
            print(f"{name}: {results.n_frames} frames, {results.n_atoms} atoms, {len(results.species)} species"
                  f" -> {target}/report.html (and species, counts, events, reactions, network, figures/)")
    from .compare import compare

    comparison = compare([runs["na_ec"], runs["na_dme"]], out / "comparison", labels=["EC", "DME"],
                         overwrite=overwrite)
    runs["comparison"] = out / "comparison"
    if not quiet:
        print("\nEC vs DME (final 20 % of each run; mean ± 95 % interval, see docs/comparison.md):")
        print(comparison.headline().to_string(na_rep="-"))
        print(f"\ncomparison: {(out / 'comparison' / 'comparison.html').resolve()}")
        print(f"demo results are in {out.resolve()}/")
    return runs
