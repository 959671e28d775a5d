"""Accuracy of NaF nucleus detection on synthetic rock-salt nanocrystals in a random ionic liquid.

For each shape (cube n=5, octahedron m=10, truncated cube n=6 m=13; tests/nucleation/naf_crystals.py),
thermal jitter (0.1, 0.2 Å per coordinate) and liquid (``free``: no restriction
beyond 2.0 Å from every ion; ``site 1.0`` / ``site 2.0``: no liquid ion within that
distance of an empty lattice site bonded to the crystal) over four seeds, report the
worst crystal recall, the largest number of liquid ions counted crystalline, the
worst facet-fraction error against the exact fractions and the worst misorientation.

Usage::

    .venv/bin/python benchmarks/accuracy_nucleation.py [--seeds 4]

Writes benchmarks/results/accuracy_nucleation.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np
from _common import ROOT

sys.path.insert(0, str(ROOT / "tests" / "nucleation"))

from naf_crystals import crystal, embedded, random_rotation  # noqa: E402

from seinet.nucleation import detect_frame, misorientation_deg  # noqa: E402

SHAPES = {"cube": dict(n=5), "octahedron": dict(m=10), "truncated_cube": dict(n=6, m=13)}
LIQUIDS = {"free": (False, None), "site 1.0": (True, 1.0), "site 2.0": (True, 2.0)}


def one(shape, jitter, seed, liquid):
    free, site = LIQUIDS[liquid]
    rot = random_rotation(seed + 17)
    probe = crystal(shape, rotation=rot, **SHAPES[shape])
    box = np.ptp(probe.positions, axis=0).max() + 20.0
    c = crystal(shape, rotation=rot, center=(box / 2,) * 3, jitter=jitter, seed=seed, **SHAPES[shape])
    system = embedded([c], [box] * 3, seed=seed + 100, keep_sites_free=free, site_dist=site)
    res = detect_frame(system.frame)
    found = np.zeros(system.frame.n_atoms, bool)
    found[res.ions[res.crystalline]] = True
    fr = res.nuclei[0].facets.family_fractions()
    return {"recall": float(found[system.crystal_mask].mean()), "false": int(found[~system.crystal_mask].sum()),
            "facet_err": float(max(abs(fr[k] - c.fractions[k]) for k in fr)),
            "mis_deg": misorientation_deg(c.rotation, res.nuclei[0].rotation)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=4)
    args = ap.parse_args()
    rows = []
    for shape in SHAPES:
        for jitter in (0.1, 0.2):
            for liquid in LIQUIDS:
                runs = [one(shape, jitter, seed, liquid) for seed in range(args.seeds)]
                rows.append({"shape": shape, "jitter_A": jitter, "liquid": liquid,
                             "min_recall": round(min(r["recall"] for r in runs), 4),
                             "max_false_ions": max(r["false"] for r in runs),
                             "max_facet_err": round(max(r["facet_err"] for r in runs), 3),
                             "max_misorientation_deg": round(max(r["mis_deg"] for r in runs), 3)})
    out = {"date": time.strftime("%Y-%m-%d %H:%M"), "seeds": args.seeds, "rows": rows}
    path = ROOT / "benchmarks" / "results"
    path.mkdir(exist_ok=True)
    (path / "accuracy_nucleation.json").write_text(json.dumps(out, indent=2) + "\n")
    print("| shape | jitter (Å) | liquid | min recall | max false ions | max facet error | max misorientation (°) |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['shape']} | {r['jitter_A']} | {r['liquid']} | {r['min_recall']:.4f} | {r['max_false_ions']} | "
              f"{r['max_facet_err']:.3f} | {r['max_misorientation_deg']:.2f} |")


if __name__ == "__main__":
    main()
