#!/usr/bin/env python
"""Produce seinet's shipped demo trajectories by real NVT molecular dynamics with NEP89.

Two interface models are built and simulated:

``na_ec``
    Na(100) bcc slab (a = 4.23 Å) in contact with EC + NaPF6 (1 NaPF6 per 12 EC, ~1 M).
``na_dme``
    The same slab in contact with DME + NaPF6 (1 NaPF6 per 9 DME, ~1 M).

The cell is periodic in all three directions; the liquid, packed with packmol, fills the space
between the top of the slab and the periodic image of its bottom (a ~2 Å gap on both sides, no
vacuum). Forces come from the general-purpose NEP89 model (fetched and verified by
:func:`seinet.models.nep89_path`) through calorine's ``CPUNEP`` ASE calculator; the dynamics is
ASE's velocity-Verlet with the Bussi stochastic velocity-rescaling thermostat.

Each trajectory is written as gzip-compressed extended XYZ in the layout of GPUMD's
``dump_xyz`` (``Time`` in fs, ``pbc``, ``Lattice``, ``energy`` in eV, ``virial`` in eV,
``stress`` in eV/Å^3 with GPUMD's sign, i.e. the pressure tensor, positive under compression;
per-atom ``species``, ``pos`` in Å, ``vel`` in Å/fs, ``forces`` in eV/Å), plus a small
whitespace-separated thermo log.

Usage::

    .venv/bin/python scripts/make_demo_data.py --out data/demo --seed 1

Everything is deterministic for a given ``--seed`` (RDKit embedding, packmol, initial
velocities and thermostat noise all take it; the NEP evaluation is single-threaded).
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import logging
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

logger = logging.getLogger("make_demo_data")

NA_LATTICE_A = 4.23
# Liquid volumes per molecule / formula unit (Å^3) from room-temperature densities:
# EC 1.32 g/cm3 (M 88.06), DME 0.867 g/cm3 (M 90.12), NaPF6 solid 2.37 g/cm3 (M 167.95).
_NA_AVOGADRO = 6.02214076e23
VOLUME_A3 = {
    "EC": 88.06 / 1.32 / _NA_AVOGADRO * 1e24,
    "DME": 90.12 / 0.867 / _NA_AVOGADRO * 1e24,
    "NaPF6": 167.95 / 2.37 / _NA_AVOGADRO * 1e24,
}
SMILES = {"EC": "O=C1OCCO1", "DME": "COCCOC"}


@dataclasses.dataclass(frozen=True)
class SystemSpec:
    """What to build and how to run it."""

    name: str
    solvent: str
    n_solvent: int
    n_salt: int
    slab_size: tuple[int, int, int] = (4, 4, 5)
    gap_A: float = 2.0


SYSTEMS = {
    "na_ec": SystemSpec("na_ec", "EC", n_solvent=48, n_salt=4),
    "na_dme": SystemSpec("na_dme", "DME", n_solvent=36, n_salt=4),
}


@dataclasses.dataclass(frozen=True)
class MDSettings:
    """Molecular-dynamics settings shared by all systems."""

    temperature_K: float = 500.0
    timestep_fs: float = 0.5
    n_steps: int = 6000
    dump_every: int = 30
    thermo_every: int = 10
    taut_fs: float = 25.0
    n_relax: int = 40
    seed: int = 1
    write_vel_forces: bool = True


# --------------------------------------------------------------------------- building
def _molecule_xyz(smiles: str, seed: int) -> tuple[list[str], np.ndarray]:
    """3D geometry of a molecule from SMILES (RDKit ETKDG + MMFF, fixed seed)."""
    from rdkit import Chem
    from rdkit.Chem import AllChem

    mol = Chem.AddHs(Chem.MolFromSmiles(smiles))
    if AllChem.EmbedMolecule(mol, randomSeed=seed) != 0:
        raise RuntimeError(f"RDKit could not embed {smiles}")
    AllChem.MMFFOptimizeMolecule(mol)
    symbols = [atom.GetSymbol() for atom in mol.GetAtoms()]
    return symbols, mol.GetConformer().GetPositions()


def _pf6_xyz(d_pf: float = 1.60) -> tuple[list[str], np.ndarray]:
    """Octahedral PF6- with P-F = ``d_pf`` Å."""
    vectors = [(1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)]
    pos = np.vstack([np.zeros(3), d_pf * np.array(vectors, float)])
    return ["P"] + ["F"] * 6, pos


def _write_xyz(path: Path, symbols: list[str], positions: np.ndarray) -> None:
    with open(path, "w") as handle:
        handle.write(f"{len(symbols)}\n{path.stem}\n")
        for s, (x, y, z) in zip(symbols, positions):
            handle.write(f"{s} {x:.6f} {y:.6f} {z:.6f}\n")


def build_interface(spec: SystemSpec, seed: int):
    """Build the periodic Na(100) | electrolyte cell.

    Returns
    -------
    ase.Atoms
        Slab atoms first (bottom layer at z = 0), then the packed liquid, wrapped in the cell.
    """
    from ase import Atoms
    from ase.build import bcc100
    from ase.io import read
    from packmol.cli import get_binary_path

    slab = bcc100("Na", size=spec.slab_size, a=NA_LATTICE_A, orthogonal=True)
    slab.positions[:, 2] -= slab.positions[:, 2].min()
    lx, ly = slab.cell[0, 0], slab.cell[1, 1]
    z_top = slab.positions[:, 2].max()
    volume = spec.n_solvent * VOLUME_A3[spec.solvent] + spec.n_salt * VOLUME_A3["NaPF6"]
    height = volume / (lx * ly)
    z0 = z_top + spec.gap_A
    z1 = z0 + height
    lz = z1 + spec.gap_A  # the slab's periodic image starts at z = lz
    logger.info(
        "%s: slab %d Na, %d %s + %d NaPF6, cell %.3f x %.3f x %.3f A, liquid z %.2f..%.2f A",
        spec.name, len(slab), spec.n_solvent, spec.solvent, spec.n_salt, lx, ly, lz, z0, z1,
    )

    with tempfile.TemporaryDirectory(prefix="seinet-packmol-") as tmp:
        tmpdir = Path(tmp)
        _write_xyz(tmpdir / "solvent.xyz", *_molecule_xyz(SMILES[spec.solvent], seed))
        _write_xyz(tmpdir / "pf6.xyz", *_pf6_xyz())
        _write_xyz(tmpdir / "na.xyz", ["Na"], np.zeros((1, 3)))
        # pbc in x and y is what matters; z is bounded by the box constraint (the z period of
        # the packmol box equals the liquid height, which only keeps the two liquid faces
        # 2 Å apart -- they are separated by the slab anyway).
        box = f"inside box {-5:.1f} {-5:.1f} {z0:.4f} {lx + 5:.4f} {ly + 5:.4f} {z1:.4f}"
        blocks = [
            ("solvent.xyz", spec.n_solvent), ("pf6.xyz", spec.n_salt), ("na.xyz", spec.n_salt),
        ]
        lines = [
            "tolerance 2.0", f"seed {seed}", "filetype xyz", "output packed.xyz",
            f"pbc 0 0 {z0:.4f} {lx:.4f} {ly:.4f} {z1:.4f}",
        ]
        for fname, number in blocks:
            lines += [f"structure {fname}", f"  number {number}", f"  {box}", "end structure"]
        (tmpdir / "pack.inp").write_text("\n".join(lines) + "\n")
        with open(tmpdir / "pack.inp") as stdin:
            proc = subprocess.run(
                [str(get_binary_path())], stdin=stdin, cwd=tmpdir, capture_output=True, text=True
            )
        if proc.returncode != 0 or not (tmpdir / "packed.xyz").exists():
            raise RuntimeError(f"packmol failed (exit {proc.returncode}):\n{proc.stdout[-2000:]}")
        if "Success!" not in proc.stdout and "Solution written" in proc.stdout:
            logger.warning("%s: packmol did not reach full tolerance; MD relaxes it", spec.name)
        liquid = read(tmpdir / "packed.xyz")

    atoms = Atoms(
        symbols=list(slab.get_chemical_symbols()) + list(liquid.get_chemical_symbols()),
        positions=np.vstack([slab.positions, liquid.positions]),
        cell=[lx, ly, lz],
        pbc=True,
    )
    atoms.wrap()
    from ase.geometry import get_distances

    n_slab = len(slab)
    _, dist = get_distances(atoms.positions[:n_slab], atoms.positions[n_slab:],
                            cell=atoms.cell, pbc=True)
    logger.info("%s: %d atoms (%s), min slab-liquid distance %.2f A", spec.name, len(atoms),
                atoms.get_chemical_formula(), dist.min())
    return atoms


# --------------------------------------------------------------------------- writing
def _fmt9(m: np.ndarray) -> str:
    return " ".join(f"{v:.8f}" for v in np.asarray(m).reshape(9))


def gpumd_header(atoms, time_fs: float, with_vel_forces: bool) -> str:
    """Comment line exactly as GPUMD's ``dump_xyz`` writes it (src/measure/dump_xyz.cu).

    GPUMD's ``stress`` is its pressure tensor (kinetic + virial) / volume, positive under
    compression; ``virial`` is the summed per-atom virial (eV), i.e. -V * ASE stress.
    """
    from ase.stress import voigt_6_to_full_3x3_stress

    volume = atoms.get_volume()
    energy = atoms.get_potential_energy()
    virial = -voigt_6_to_full_3x3_stress(atoms.get_stress(include_ideal_gas=False)) * volume
    momenta = atoms.get_momenta()
    kinetic = (momenta.T / atoms.get_masses()) @ momenta  # sum m v_a v_b, eV
    pressure = (kinetic + virial) / volume
    line = f"Time={time_fs:.8f}"
    line += ' pbc="T T T"'
    line += f' Lattice="{_fmt9(atoms.cell[:])}"'
    line += f" energy={energy:.8f}"
    line += f' virial="{_fmt9(virial)}"'
    line += f' stress="{_fmt9(pressure)}"'
    line += " Properties=species:S:1:pos:R:3"
    if with_vel_forces:
        line += ":vel:R:3:forces:R:3"
    return line


def write_frame(handle, atoms, time_fs: float, with_vel_forces: bool) -> None:
    """Append one GPUMD-style extended-XYZ frame (wrapped positions) to an open text handle."""
    from ase import units

    symbols = atoms.get_chemical_symbols()
    pos = atoms.get_positions(wrap=True)
    out = [f"{len(atoms)}\n", gpumd_header(atoms, time_fs, with_vel_forces) + "\n"]
    if with_vel_forces:
        vel = atoms.get_velocities() * units.fs  # Å/fs, as GPUMD writes
        forces = atoms.get_forces()
        for s, p, v, f in zip(symbols, pos, vel, forces):
            out.append(
                f"{s} {p[0]:.8f} {p[1]:.8f} {p[2]:.8f} {v[0]:.8f} {v[1]:.8f} {v[2]:.8f}"
                f" {f[0]:.8f} {f[1]:.8f} {f[2]:.8f}\n"
            )
    else:
        for s, p in zip(symbols, pos):
            out.append(f"{s} {p[0]:.8f} {p[1]:.8f} {p[2]:.8f}\n")
    handle.write("".join(out))


# --------------------------------------------------------------------------- running
def run_system(name: str, out_dir: Path, md: MDSettings, model: Path) -> dict:
    """Build, relax briefly and run NVT MD for one system; write trajectory and thermo log."""
    from ase import units
    from ase.md.bussi import Bussi
    from ase.md.velocitydistribution import Stationary, thermalize_momenta
    from ase.optimize import FIRE
    from calorine.calculators import CPUNEP

    spec = SYSTEMS[name]
    t_start = time.perf_counter()
    atoms = build_interface(spec, md.seed)
    atoms.calc = CPUNEP(str(model))

    if md.n_relax > 0:
        opt = FIRE(atoms, logfile=None, maxstep=0.1)
        opt.run(fmax=0.5, steps=md.n_relax)
        logger.info("%s: %d FIRE steps, max force %.2f eV/A, Epot %.3f eV", name, opt.nsteps,
                    np.abs(atoms.get_forces()).max(), atoms.get_potential_energy())

    rng = np.random.default_rng(md.seed)
    thermalize_momenta(atoms, md.temperature_K, rng=rng)
    Stationary(atoms)
    dyn = Bussi(atoms, md.timestep_fs * units.fs, temperature_K=md.temperature_K,
                taut=md.taut_fs * units.fs, rng=rng)

    out_dir.mkdir(parents=True, exist_ok=True)
    traj_path = out_dir / f"{name}.extxyz.gz"
    thermo_path = out_dir / f"{name}.thermo.txt"
    tmp_traj = traj_path.with_suffix(".gz.part")
    tmp_thermo = thermo_path.with_suffix(".txt.part")
    n_frames = 0
    t_md = time.perf_counter()
    # mtime=0 keeps the gzip bytes reproducible.
    with open(tmp_traj, "wb") as raw, gzip.GzipFile(
        filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0
    ) as gz, open(tmp_thermo, "w") as thermo:
        import io

        text = io.TextIOWrapper(gz, encoding="ascii", newline="\n")
        thermo.write(
            f"# {name}: NEP89 (calorine CPUNEP) NVT Bussi T={md.temperature_K:g} K "
            f"taut={md.taut_fs:g} fs dt={md.timestep_fs:g} fs seed={md.seed}\n"
            "# time_fs temperature_K potential_eV kinetic_eV total_eV\n"
        )

        def observe() -> None:
            nonlocal n_frames
            step = dyn.nsteps
            time_fs = step * md.timestep_fs
            if step % md.thermo_every == 0:
                epot = atoms.get_potential_energy()
                ekin = atoms.get_kinetic_energy()
                thermo.write(f"{time_fs:.1f} {atoms.get_temperature():.2f} {epot:.6f} "
                             f"{ekin:.6f} {epot + ekin:.6f}\n")
            if step % md.dump_every == 0:
                write_frame(text, atoms, time_fs, md.write_vel_forces)
                n_frames += 1
            if step % max(md.n_steps // 20, 1) == 0 and step > 0:
                elapsed = time.perf_counter() - t_md
                logger.info("%s: step %d/%d t=%.2f ps T=%.0f K Epot=%.2f eV (%.1f s, ETA %.0f s)",
                            name, step, md.n_steps, time_fs / 1000, atoms.get_temperature(),
                            atoms.get_potential_energy(), elapsed,
                            elapsed / step * (md.n_steps - step))

        dyn.attach(observe, interval=1)  # ASE also calls observers once before step 1
        dyn.run(md.n_steps)
        text.flush()
        text.detach()
    os.replace(tmp_traj, traj_path)
    os.replace(tmp_thermo, thermo_path)
    wall = time.perf_counter() - t_start
    md_wall = time.perf_counter() - t_md
    logger.info("%s: wrote %s (%d frames, %.2f MB) in %.0f s total (%.0f s MD, %.1f ms/step)",
                name, traj_path, n_frames, traj_path.stat().st_size / 1e6, wall, md_wall,
                1000 * md_wall / max(md.n_steps, 1))
    return {"name": name, "n_atoms": len(atoms), "n_frames": n_frames,
            "formula": atoms.get_chemical_formula(), "cell": atoms.cell.lengths().tolist(),
            "wall_s": wall, "md_wall_s": md_wall}


def _run_one(args: tuple) -> dict:
    name, out_dir, md, model, level = args
    logging.basicConfig(level=level, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    return run_system(name, out_dir, md, model)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("data/demo"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--systems", default=",".join(SYSTEMS),
                        help="comma-separated subset of: " + ", ".join(SYSTEMS))
    parser.add_argument("--temperature", type=float, default=MDSettings.temperature_K)
    parser.add_argument("--timestep-fs", type=float, default=MDSettings.timestep_fs)
    parser.add_argument("--taut-fs", type=float, default=MDSettings.taut_fs,
                        help="Bussi thermostat time constant")
    parser.add_argument("--steps", type=int, default=MDSettings.n_steps)
    parser.add_argument("--dump-every", type=int, default=MDSettings.dump_every)
    parser.add_argument("--positions-only", action="store_true",
                        help="omit per-atom velocities and forces from the trajectory")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="systems run in parallel (one core each)")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    level = logging.DEBUG if args.verbose else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from seinet.models import NEP89_SHA256, nep89_path

    model = nep89_path()
    logger.info("NEP89 model %s (sha256 %s)", model, NEP89_SHA256)
    md = MDSettings(temperature_K=args.temperature, timestep_fs=args.timestep_fs,
                    n_steps=args.steps, taut_fs=args.taut_fs, dump_every=args.dump_every,
                    seed=args.seed,
                    write_vel_forces=not args.positions_only)
    logger.info("settings: %s", md)
    names = [n.strip() for n in args.systems.split(",") if n.strip()]
    unknown = set(names) - set(SYSTEMS)
    if unknown:
        parser.error(f"unknown system(s) {sorted(unknown)}; choose from {sorted(SYSTEMS)}")
    jobs = [(n, args.out, md, model, level) for n in names]
    if args.jobs > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(_run_one, jobs))
    else:
        results = [run_system(n, args.out, md, model) for n in names]
    for r in results:
        logger.info("done %s", r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
