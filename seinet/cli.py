"""Command line: a thin layer over the public API (every option is an API argument).

Errors are one line on stderr (``seinet: error: ...``) and a non-zero exit;
``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
import warnings

from . import __version__
from .errors import SeinetError
from .simulate.settings import THERMOSTATS

__all__ = ["main", "build_parser"]


def _floats(text: str) -> tuple[float, ...]:
    try:
        return tuple(float(x) for x in text.replace(" ", ",").split(",") if x)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers, got {text!r}") from None


def _settings(args):
    from .bonds import BondRules, ContactRules, parse_bond_override
    from .species.analysis import AnalysisSettings

    overrides = tuple(parse_bond_override(t) for t in args.bond_cutoff or [])
    bond_rules = BondRules(overrides=overrides, preset=args.bond_preset, bond_order_cutoff=args.bond_order_cutoff,
                           hysteresis=not args.no_hysteresis)
    return AnalysisSettings(format=args.format, elements=tuple(args.elements.split(",")) if args.elements else None,
                            cell=args.cell, timestep_fs=args.timestep_fs, bond_rules=bond_rules,
                            contact_rules=ContactRules(), start=args.start, stop=args.stop, step=args.stride,
                            skip_bad_frames=getattr(args, "skip_bad_frames", False),
                            workers=getattr(args, "workers", 0) or 0, scheduler=getattr(args, "scheduler", None))


def _surface_energies(values: tuple | None) -> dict | None:
    if not values:
        return None
    if len(values) != 3 or min(values) <= 0:
        from .errors import ConfigError

        raise ConfigError("--surface-energies takes three positive numbers: gamma(100),gamma(110),gamma(111) in J/m^2")
    return dict(zip(("100", "110", "111"), values))


def _interface_settings(args):
    from .interface import DEFAULT_TRANSPORT_GROUPS, InterfaceSettings

    if args.no_interface:
        return None
    axis = {"auto": None, "x": 0, "y": 1, "z": 2}[args.normal]
    groups = tuple(g.strip() for g in args.transport_species.split(",")) if args.transport_species \
        else DEFAULT_TRANSPORT_GROUPS
    return InterfaceSettings(normal_axis=axis, transport_groups=groups, sei_max_distance_A=args.sei_distance,
                             rdf_every=args.rdf_every)


def _cmd_analyze(args) -> int:
    from .nucleation import NucleationSettings
    from .pipeline import analyze

    settings = _settings(args)
    from .reactions import EventSettings

    import signal

    from .io.follow import Follow
    from .pipeline import CheckpointMismatch, Interrupted
    from .run import RunDirectory

    follow = Follow(poll_s=args.poll_interval, timeout_s=args.follow_timeout) if args.follow else False
    checkpoint = RunDirectory.work_path(args.out) / ".checkpoint" / "checkpoint.pkl"
    try:
        results = analyze(args.traj, args.out, settings, overwrite=args.overwrite, progress=not args.quiet,
                          membership=not args.no_membership,
                          events=EventSettings(tau=args.event_window, redox_tau=args.redox_window),
                          interface=_interface_settings(args),
                          nucleation=None if args.no_nucleation else NucleationSettings(cutoff_A=args.naf_cutoff),
                          surface_energies=_surface_energies(args.surface_energies), follow=follow,
                          resume=not args.no_resume, checkpoint_every=args.checkpoint_every)
    except KeyboardInterrupt as exc:
        code = 143 if isinstance(exc, Interrupted) and exc.signal == signal.SIGTERM else 130
        if checkpoint.is_file():
            done = f" after {exc.n_frames} frames" if isinstance(exc, Interrupted) else ""
            print(f"seinet: interrupted{done}; checkpoint kept in {checkpoint.parent.parent}: "
                  f"run the same command to resume", file=sys.stderr)
        else:
            print("seinet: interrupted; no output written", file=sys.stderr)
        return code
    except SeinetError as exc:
        if checkpoint.is_file() and not isinstance(exc, CheckpointMismatch):
            logging.getLogger("seinet").warning("the checkpoint in %s is kept: the same command resumes from it",
                                                checkpoint.parent.parent)
        raise
    if not args.quiet:
        print(f"{results.n_frames} frames, {results.n_atoms} atoms, {len(results.species)} species -> {args.out}")
    return 0


def _cmd_network(args) -> int:
    from pathlib import Path

    import pandas as pd

    from .errors import SeinetError
    from .network import FORMATS, build_network, export, prune, species_projection

    run = Path(args.run)
    for name in ("species.csv", "reactions.csv"):
        if not (run / name).is_file():
            raise SeinetError(f"{run / name} not found; is {run} a run directory of seinet analyze?")
    species = pd.read_csv(run / "species.csv")
    graph = build_network(species, pd.read_csv(run / "reactions.csv"))
    graph = prune(graph, min_count=args.min_count, top_n=args.top)
    if args.path:
        return _print_paths(graph, species, *args.path)
    if args.projection:
        graph = species_projection(graph)
    if args.format not in FORMATS:
        raise SeinetError(f"unknown network format {args.format!r}; known: {', '.join(sorted(FORMATS))}")
    suffix = {"graphml": "graphml", "json": "json", "cytoscape": "cyjs", "csv": "csv", "dot": "dot"}
    out = Path(args.out) if args.out else run / f"network_min{args.min_count or 0}.{suffix.get(args.format, args.format)}"
    export(graph, out, args.format)
    if not args.quiet:
        print(f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges -> {out}")
    return 0


def _cmd_report(args) -> int:
    from .report import build_report

    out = build_report(args.run, args.out, top_species=args.top_species, top_reactions=args.top_reactions)
    if not args.quiet:
        print(f"report -> {out}")
    return 0


def _print_paths(graph, species, source: str, target: str) -> int:
    """Most frequent and most probable reaction paths; species given by common name or SMILES."""
    from .errors import SeinetError
    from .network import most_frequent_path, most_probable_path, species_projection
    from .species.catalogue import species_labels

    labels = species_labels(species)
    by_name = dict(zip(species["name"], labels))
    name_of = dict(zip(labels, species["name"]))
    projection = species_projection(graph)
    ends = [by_name.get(x, x) for x in (source, target)]
    for title, query in (("most frequent (widest) path", most_frequent_path),
                         ("most probable path", most_probable_path)):
        try:
            path, score = query(projection, *ends)
        except ValueError as exc:
            raise SeinetError(str(exc)) from None
        print(f"{title} (score {score:.3g}): " + " -> ".join(name_of.get(p, p) for p in path))
    return 0


def _cmd_compare(args) -> int:
    from .compare import compare

    labels = [x.strip() for x in args.labels.split(",")] if args.labels else None
    result = compare(args.runs, args.out, labels=labels, overwrite=args.overwrite)
    if not args.quiet:
        print(result.headline().to_string(na_rep="-"))
        print(f"-> {args.out}/comparison.html (comparison.csv, differences.csv, reactions_comparison.csv, figures/)")
    return 0


def _cmd_nucleation(args) -> int:
    from pathlib import Path

    from .nucleation import NucleationSettings, run_nucleation

    source = Path(args.source)
    out = Path(args.out) if args.out else (source / "nucleation" if source.is_dir() else
                                           source.with_name(source.name.split(".")[0] + "_nucleation"))
    settings = NucleationSettings(cutoff_A=args.naf_cutoff)
    species = _settings(args) if not source.is_dir() else None
    res = run_nucleation(source, out, settings, _surface_energies(args.surface_energies), species,
                         overwrite=args.overwrite)
    if not args.quiet:
        nuc = res.nucleation
        print(f"{len(nuc)} frames, largest nucleus {int(nuc['n_max'].max()) if len(nuc) else 0} ions, "
              f"{len(res.facets['nucleus_id'].unique()) if len(res.facets) else 0} nuclei with facets -> {out}")
    return 0


def _metad_spec(args):
    """--metad and its options as a DepositionMetad (None without --metad)."""
    if not args.metad:
        return None
    from .simulate.deposition import DepositionMetad

    sigma = None if args.metad_sigma is None else tuple(float(v) for v in args.metad_sigma.split(","))
    return DepositionMetad(cvs=tuple(args.metad.split(",")), ion=args.metad_ion, sigma=sigma,
                           height_eV=args.metad_height, pace=args.metad_pace,
                           biasfactor=None if args.metad_biasfactor == 0 else args.metad_biasfactor)


def _slab_size(text):
    """--slab-size NXxNY (e.g. 4x4) as a tuple of 2 int (None when not given)."""
    if text is None:
        return None
    try:
        nx, ny = (int(v) for v in text.lower().split("x"))
    except ValueError:
        from .errors import ConfigError

        raise ConfigError(f"--slab-size {text!r}: expected NXxNY, e.g. 4x4") from None
    return nx, ny


def _cmd_simulate(args) -> int:
    from pathlib import Path

    from .simulate import PRESETS, simulate

    if args.list_presets:
        for name in PRESETS:
            print(name)
        return 0
    if not args.preset or not args.out:
        from .errors import ConfigError

        raise ConfigError("simulate needs PRESET (or a structure file) and --out; --list-presets lists the presets")
    preset = args.preset
    if preset not in PRESETS and Path(preset).is_file():
        from ase.io import read

        preset = read(preset)
    res = simulate(preset, args.out, backend=args.backend, model=args.model, temperature_K=args.temperature,
                   final_temperature_K=args.final_temperature, steps=args.steps, timestep_fs=args.timestep_fs,
                   dump_every=args.dump_every, thermo_every=args.thermo_every, thermostat=args.thermostat,
                   tau_fs=args.tau_fs, fixed_layers=args.fixed_layers, minimize_steps=args.minimize_steps,
                   seed=args.seed, gzip=args.gzip or None, n_solvent=args.n_solvent,
                   slab_size=_slab_size(args.slab_size), slab_layers=args.slab_layers, overwrite=args.overwrite,
                   execute=not args.prepare_only, gpumd_executable=args.gpumd, progress=not args.quiet,
                   metadynamics=_metad_spec(args))
    if not args.quiet:
        if res.trajectory is not None:
            print(f"{res.n_frames} frames -> {res.trajectory}\nnext: seinet analyze {res.trajectory} --out RUN")
        else:
            print(f"GPUMD inputs written to {res.out} (model.xyz, run.in); run gpumd there")
    return 0


def _cmd_sample(args) -> int:
    from dataclasses import replace
    from pathlib import Path

    from .sample import ReactorSettings, SamplingSettings, StabilityCriteria, sample
    from .simulate import PRESETS

    if args.structure in PRESETS:
        from .simulate.presets import build_preset

        structure = build_preset(args.structure, seed=args.seed, n_solvent=args.n_solvent)
    elif Path(args.structure).is_file():
        from ase.io import read

        structure = read(args.structure, index=args.frame)
    else:
        from .errors import ConfigError

        raise ConfigError(f"{args.structure}: neither a preset ({', '.join(PRESETS)}) nor a structure file")
    settings = SamplingSettings.toy() if args.toy else SamplingSettings()
    changes = {k: v for k, v in {
        "iterations": args.iterations, "md_steps": args.md_steps, "dump_every": args.dump_every,
        "per_iteration": args.per_iteration, "committee": args.committee, "label_backend": args.label,
        "max_reactors": args.max_reactors, "stability_on": args.stability_on, "seed": args.seed,
        "temperatures_K": None if args.temperatures is None else tuple(float(t) for t in args.temperatures.split(",")),
    }.items() if v is not None}
    if args.electronic_temperature is not None:
        from .errors import ConfigError

        if (args.label or settings.label_backend) != "xtb":
            raise ConfigError("--electronic-temperature is an xTB option; CP2K's smearing is set from Python "
                              "(SamplingSettings(label_options={'smearing_K': ...}))")
        changes["label_options"] = {**replace(settings, label_backend="xtb").labelling_options(),
                                    "electronic_temperature_K": args.electronic_temperature}
    if args.divisions or args.max_atoms:
        reactor = settings.reactor
        if args.divisions:
            reactor = replace(reactor, divisions=tuple(int(k) for k in args.divisions.split("x")))
        if args.max_atoms:
            reactor = replace(reactor, max_atoms=args.max_atoms)
        changes["reactor"] = reactor
    if args.stability_steps:
        changes["stability"] = replace(settings.stability, steps=args.stability_steps)
    if args.generation:
        changes["train"] = replace(settings.train_settings(), generation=args.generation)
    settings = replace(settings, **changes)
    result = sample(structure, args.out, settings, model=args.model, scheduler=args.scheduler,
                    n_workers=args.workers)
    if not args.quiet:
        last = result.iterations[-1]
        print(f"{len(result.iterations)} iterations, {result.n_labelled} labelled structures; "
              f"{'converged' if result.converged else 'not converged'}; stable: {last['stable']}\n"
              f"model: {result.model}\nsummary: {result.directory / 'iterations.csv'}")
    return 0


def _cmd_train(args) -> int:
    from ase.io import read

    from .train import NEPSettings, train

    def structures(paths):
        out = []
        for path in paths:
            try:
                out += read(path, index=":")
            except (OSError, ValueError) as exc:
                from .errors import ConfigError

                raise ConfigError(f"{path}: cannot read structures ({exc})") from None
        return out

    settings = NEPSettings.toy() if args.toy else NEPSettings()
    changes = {k: v for k, v in {"charge_mode": args.charge_mode, "generation": args.generation,
                                 "seed": args.seed}.items() if v is not None}
    settings = settings.replace(**changes) if changes else settings
    references = {"fit": "fit", "none": None}[args.reference_energies]
    result = train(structures(args.train), args.out, settings, test=structures(args.test) if args.test else None,
                   test_fraction=args.test_fraction, seed=args.seed or 0, backend=args.backend,
                   reference_energies=references, threads=args.threads, executable=args.nep,
                   figures=not args.no_figures, overwrite=args.overwrite)
    if not args.quiet:
        table = result.to_dataframe().dropna(axis=1, how="all")
        print(f"{result.backend}: {result.n_train} train / {result.n_test} test structures, {result.wall_s:.1f} s")
        print(table.to_string(float_format=lambda v: f"{v:.4g}"))
        print(f"model: {result.model_path}\nfigures: {result.directory / 'figures'}")
    return 0


def _cmd_fes(args) -> int:
    from .simulate import write_fes

    bins = args.bins[0] if len(args.bins) == 1 else tuple(int(b) for b in args.bins)
    fes = write_fes(args.hills, args.out, bins=int(bins) if not isinstance(bins, tuple) else bins,
                    raw_heights=args.raw_heights, temperature_K=args.temperature)
    if not args.quiet:
        print(f"free energy of {args.hills} -> {args.out}/fes.csv, fes.png")
    return 0


def _cmd_demo(args) -> int:
    from .demo import run_demo

    run_demo(args.out, overwrite=args.overwrite, quiet=args.quiet)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="seinet", description="Reactive MD of battery interfaces into chemistry.")
    parser.add_argument("--version", action="version", version=f"seinet {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    a = sub.add_parser("analyze", help="detect species in a trajectory and write a run directory")
    a.add_argument("traj", nargs="+", help="trajectory file(s); several files are consecutive segments")
    a.add_argument("--out", required=True, help="run directory to create")
    a.add_argument("--format", default="auto",
                   help="extxyz, xyz, lammps-dump, lammps-bonds, ase (default: from the extension)")
    a.add_argument("--elements", help="element of each LAMMPS atom type in type order, e.g. C,H,O")
    a.add_argument("--cell", type=_floats, help="cell a,b,c in Å (or 9 numbers, rows) replacing the file's cell")
    a.add_argument("--bond-cutoff", action="append", metavar="A-B=R[:R_BREAK]",
                   help="override a bond cutoff (Å), repeatable, e.g. C-O=1.9 or C-O=1.7:1.9")
    a.add_argument("--bond-preset", default="default",
                   help="named cutoff set: default (electrolyte chemistry at 300-600 K) or reaxff-cho "
                        "(reproduces ReaxFF bond order >= 0.3 for C/H/O); see docs/bonding.md")
    a.add_argument("--bond-order-cutoff", type=float, default=0.3,
                   help="bond-order threshold for files with bond orders (default 0.3)")
    a.add_argument("--no-hysteresis", action="store_true", help="plain cutoffs: r_break = r_form")
    a.add_argument("--start", type=int, default=0)
    a.add_argument("--stop", type=int, default=None)
    a.add_argument("--stride", type=int, default=1)
    a.add_argument("--workers", type=int, default=0, metavar="N",
                   help="parse and search neighbours on a dask LocalCluster of N processes (same results)")
    a.add_argument("--scheduler", metavar="ADDRESS", help="use an existing dask scheduler (tcp://host:port)")
    a.add_argument("--skip-bad-frames", action="store_true",
                   help="skip frames that do not parse or fail validation (listed in skipped_frames.csv) "
                        "instead of stopping")
    a.add_argument("--timestep-fs", type=float, help="MD timestep for files that give steps only (LAMMPS)")
    a.add_argument("--event-window", type=int, default=3, metavar="TAU",
                   help="a product must persist TAU frames to count; shorter species are intermediates "
                        "(default 3)")
    a.add_argument("--redox-window", type=int, default=10, metavar="TAU",
                   help="an alkali metal/ion change must persist TAU frames to count as oxidation or "
                        "deposition (default 10)")
    a.add_argument("--no-membership", action="store_true", help="skip membership.parquet")
    a.add_argument("--no-interface", action="store_true",
                   help="skip electrode, transport, SEI, Na inventory, gases and solvation tables")
    a.add_argument("--normal", choices=["auto", "x", "y", "z"], default="auto",
                   help="surface normal of the electrode (default: the axis of the widest metal gap)")
    a.add_argument("--sei-distance", type=float, default=8.0, metavar="A",
                   help="SEI units lie within A Å of the electrode surface (default 8)")
    a.add_argument("--transport-species", metavar="LIST",
                   help="comma-separated groups for transport diagrams (names, SMILES, classes, 'NaF aggregates')")
    a.add_argument("--no-nucleation", action="store_true", help="skip NaF nucleation, facets and Wulff")
    a.add_argument("--naf-cutoff", type=float, default=2.95, metavar="A",
                   help="Na-F cluster cutoff in Å (first minimum of g(r); default 2.95)")
    a.add_argument("--surface-energies", type=_floats, metavar="G100,G110,G111",
                   help="NaF surface energies in J/m^2 for the Wulff prediction (default: NEP89's, docs/wulff.md)")
    a.add_argument("--rdf-every", type=int, default=1, metavar="K", help="add every K-th frame to the RDFs")
    a.add_argument("--follow", action="store_true",
                   help="the (last) file is still being written: analyse its complete frames, wait for more, "
                        "finish when it has not grown for --follow-timeout seconds or on Ctrl-C")
    a.add_argument("--poll-interval", type=float, default=2.0, metavar="S",
                   help="with --follow: seconds between looks at the file (default 2)")
    a.add_argument("--follow-timeout", type=float, default=60.0, metavar="S",
                   help="with --follow: finish after S seconds without growth (default 60)")
    a.add_argument("--checkpoint-every", default=None, metavar="N|TIME",
                   help="write a checkpoint every N frames or every TIME (60s, 5min); 0 for none "
                        "(default 60s); a killed run resumes from it when the same command is run again")
    a.add_argument("--no-resume", action="store_true",
                   help="discard the checkpoint of an earlier run of this command and start over")
    a.add_argument("--overwrite", action="store_true", help="replace an existing run directory")
    a.add_argument("--quiet", action="store_true")
    a.set_defaults(func=_cmd_analyze)

    n = sub.add_parser("network", help="re-export the reaction network of a run directory (no trajectory needed)")
    n.add_argument("run", help="run directory written by seinet analyze")
    n.add_argument("--format", default="graphml", help="graphml, json, cytoscape, csv or dot")
    n.add_argument("--min-count", type=int, default=None, help="keep reactions seen at least N times")
    n.add_argument("--top", type=int, default=None, help="keep the N most frequent reactions")
    n.add_argument("--projection", action="store_true", help="species -> species graph instead of bipartite")
    n.add_argument("--path", nargs=2, metavar=("FROM", "TO"),
                   help="print the most frequent and most probable reaction paths between two species "
                        "(common names or SMILES, e.g. --path EC C2H4) instead of exporting")
    n.add_argument("--out", help="output file (default: RUN/network_minN.EXT)")
    n.add_argument("--quiet", action="store_true")
    n.set_defaults(func=_cmd_network)

    r = sub.add_parser("report", help="(re)write the self-contained report.html of a run directory")
    r.add_argument("run", help="run directory written by seinet analyze")
    r.add_argument("--out", help="output file (default: RUN/report.html)")
    r.add_argument("--top-species", type=int, default=60, help="rows of the species table (default 60)")
    r.add_argument("--top-reactions", type=int, default=80,
                   help="reactions listed and drawn in the network (default 80)")
    r.add_argument("--quiet", action="store_true")
    r.set_defaults(func=_cmd_report)

    nu = sub.add_parser("nucleation", help="NaF nuclei, crystallinity, facets and the Wulff comparison")
    nu.add_argument("source", help="a trajectory, or a run directory of seinet analyze")
    nu.add_argument("--out", help="directory to create (default: RUN/nucleation or TRAJ_nucleation)")
    nu.add_argument("--naf-cutoff", type=float, default=2.95, metavar="A", help="Na-F cluster cutoff (Å)")
    nu.add_argument("--surface-energies", type=_floats, metavar="G100,G110,G111",
                    help="NaF surface energies in J/m^2 (default: NEP89's, docs/wulff.md)")
    for flag, kw in (("--format", {"default": "auto"}), ("--elements", {}), ("--cell", {"type": _floats}),
                     ("--timestep-fs", {"type": float}), ("--start", {"type": int, "default": 0}),
                     ("--stop", {"type": int, "default": None}), ("--stride", {"type": int, "default": 1})):
        nu.add_argument(flag, **kw, help="as for analyze (trajectory input)")
    nu.add_argument("--overwrite", action="store_true")
    nu.add_argument("--quiet", action="store_true")
    nu.set_defaults(func=_cmd_nucleation, bond_cutoff=None, bond_preset="default", bond_order_cutoff=0.3,
                    no_hysteresis=False)

    sm = sub.add_parser("simulate", help="build an interface or electrolyte and run MD (CPU: calorine; GPU: GPUMD)")
    sm.add_argument("preset", nargs="?", help="preset name (--list-presets) or a structure file ASE reads")
    sm.add_argument("--out", help="run directory to create (model.xyz, dump.xyz, thermo.out, manifest.json)")
    sm.add_argument("--list-presets", action="store_true", help="print the preset names and exit")
    sm.add_argument("--backend", choices=["cpu", "gpumd"], default="cpu")
    sm.add_argument("--model", default="nep89", help="nep89 (fetched once into the user cache) or a NEP/qNEP file")
    sm.add_argument("--n-solvent", type=int, help="solvent molecules (sets the system size)")
    sm.add_argument("--slab-size", metavar="NXxNY", help="lateral repeats of an interface preset's Na slab "
                    "(e.g. 4x4; default: the preset's)")
    sm.add_argument("--slab-layers", type=int, help="atomic layers of an interface preset's Na slab (default: the preset's)")
    sm.add_argument("--temperature", type=float, metavar="K")
    sm.add_argument("--final-temperature", type=float, metavar="K", help="linear ramp to this temperature")
    sm.add_argument("--steps", type=int)
    sm.add_argument("--timestep-fs", type=float)
    sm.add_argument("--dump-every", type=int)
    sm.add_argument("--thermo-every", type=int)
    sm.add_argument("--thermostat", choices=list(THERMOSTATS))
    sm.add_argument("--tau-fs", type=float)
    sm.add_argument("--fixed-layers", type=int, help="bottom slab layers held fixed")
    sm.add_argument("--minimize-steps", type=int)
    sm.add_argument("--seed", type=int)
    sm.add_argument("--gzip", action="store_true", help="write dump.xyz.gz")
    sm.add_argument("--prepare-only", action="store_true", help="GPUMD: write model.xyz and run.in only")
    sm.add_argument("--gpumd", help="gpumd executable (default: $SEINET_GPUMD or PATH)")
    sm.add_argument("--metad", metavar="CVS", help="well-tempered metadynamics of Na deposition on height and/or cn "
                    "(e.g. height or height,cn); HILLS in the run directory, plumed.dat for GPUMD")
    sm.add_argument("--metad-ion", type=int, help="0-based index of the biased Na+ (default: closest above the surface)")
    sm.add_argument("--metad-sigma", help="hill widths per CV, comma-separated (default 0.25 A, 0.2)")
    sm.add_argument("--metad-height", type=float, default=0.02, metavar="EV", help="initial hill height (eV)")
    sm.add_argument("--metad-pace", type=int, default=100, help="steps between hills")
    sm.add_argument("--metad-biasfactor", type=float, default=10.0, help="well-tempered gamma (0: plain metadynamics)")
    sm.add_argument("--overwrite", action="store_true")
    sm.add_argument("--quiet", action="store_true")
    sm.set_defaults(func=_cmd_simulate)

    sp = sub.add_parser("sample", help="Interface Reactor sampling: carve, explore, select, label, train, test "
                        "(resumable)")
    sp.add_argument("structure", help="preset name or an interface structure file (extxyz, a trajectory: --frame)")
    sp.add_argument("--out", required=True, help="sampling directory (an existing one with the same settings resumes)")
    sp.add_argument("--frame", default="-1", help="frame of a trajectory file (default: the last)")
    sp.add_argument("--n-solvent", type=int, help="preset size")
    sp.add_argument("--model", default="nep89", help="model of the first exploration: nep89 or a NEP/qNEP file")
    sp.add_argument("--toy", action="store_true", help="minutes-scale settings (tests, a first look)")
    sp.add_argument("--iterations", type=int)
    sp.add_argument("--temperatures", help="exploration ladder in K, comma-separated (default 300,600,900)")
    sp.add_argument("--md-steps", type=int)
    sp.add_argument("--dump-every", type=int)
    sp.add_argument("--per-iteration", type=int, help="structures selected and labelled per iteration")
    sp.add_argument("--committee", type=int, help="models trained per iteration (>= 2 for force disagreement)")
    sp.add_argument("--label", choices=["xtb", "cp2k"], help="labelling backend (default xtb: GFN1-xTB)")
    sp.add_argument("--electronic-temperature", type=float, metavar="K", help="xTB Fermi smearing")
    sp.add_argument("--generation", type=int, help="training steps per model")
    sp.add_argument("--divisions", help="lateral reactor tiles, e.g. 2x2")
    sp.add_argument("--max-atoms", type=int, help="largest reactor")
    sp.add_argument("--max-reactors", type=int, help="explore only the first reactors")
    sp.add_argument("--stability-steps", type=int)
    sp.add_argument("--stability-on", choices=["interface", "reactor"])
    sp.add_argument("--workers", type=int, default=2, help="labelling processes (dask LocalCluster)")
    sp.add_argument("--scheduler", help="dask scheduler address, or 'synchronous'")
    sp.add_argument("--seed", type=int, default=0)
    sp.add_argument("--quiet", action="store_true")
    sp.set_defaults(func=_cmd_sample)

    tr = sub.add_parser("train", help="train a NEP / qNEP model on labelled structures (neppo on the CPU, "
                        "GPUMD's nep on the GPU)")
    tr.add_argument("train", nargs="+",
                    help="labelled structures (extxyz with energy and forces, e.g. a NEP train.xyz)")
    tr.add_argument("--test", action="append", metavar="TEST.xyz",
                    help="an explicit test set (repeatable; then --test-fraction is ignored)")
    tr.add_argument("--out", required=True, help="training directory to create (nep.txt, metrics.json, figures/)")
    tr.add_argument("--backend", choices=["auto", "neppo", "nep"], default="auto",
                    help="auto: GPUMD's nep when found ($SEINET_NEP or PATH), otherwise neppo")
    tr.add_argument("--nep", help="GPUMD's nep executable (default: $SEINET_NEP or PATH)")
    tr.add_argument("--charge-mode", type=int, choices=[0, 1, 2], help="0: NEP; 1 (default), 2: qNEP")
    tr.add_argument("--generation", type=int, help="training steps (neppo) or generations (nep)")
    tr.add_argument("--seed", type=int, help="seed of the split and of the training (default 0)")
    tr.add_argument("--test-fraction", type=float, default=0.2, help="share held out for testing (default 0.2)")
    tr.add_argument("--reference-energies", choices=["none", "fit"], default="none",
                    help="fit: subtract per-element energies fitted to the training set (needed for xTB energies)")
    tr.add_argument("--threads", type=int, default=1, help="CPU threads of neppo (default 1)")
    tr.add_argument("--toy", action="store_true", help="a tiny model that trains in seconds (tests, a first look)")
    tr.add_argument("--no-figures", action="store_true", help="skip figures/ (parity, loss curves, descriptor PCA)")
    tr.add_argument("--overwrite", action="store_true", help="replace an existing training directory")
    tr.add_argument("--quiet", action="store_true")
    tr.set_defaults(func=_cmd_train)

    fe = sub.add_parser("fes", help="free-energy surface from a (well-tempered) metadynamics HILLS file")
    fe.add_argument("hills", help="HILLS file (PLUMED format)")
    fe.add_argument("--out", required=True, help="directory for fes.csv and fes.png")
    fe.add_argument("--bins", type=_floats, default=(200,), metavar="N[,M]", help="grid bins per CV")
    fe.add_argument("--temperature", type=float, metavar="K", help="report the free energy in kT at this temperature")
    fe.add_argument("--raw-heights", action="store_true",
                    help="heights are not rescaled (non-PLUMED writers): multiply by gamma/(gamma-1)")
    fe.add_argument("--quiet", action="store_true")
    fe.set_defaults(func=_cmd_fes)

    c = sub.add_parser("compare", help="compare run directories side by side (replicas share a label)")
    c.add_argument("runs", nargs="+", help="run directories written by seinet analyze")
    c.add_argument("--out", required=True, help="comparison directory to create")
    c.add_argument("--labels", metavar="LIST",
                   help="condition of each run, comma-separated (runs with the same label are replicas); "
                        "default: the run directory names")
    c.add_argument("--overwrite", action="store_true", help="replace an existing comparison directory")
    c.add_argument("--quiet", action="store_true")
    c.set_defaults(func=_cmd_compare)

    d = sub.add_parser("demo", help="analyse the shipped demo trajectories (Na | NaPF6 in EC and in DME)")
    d.add_argument("--out", default="demo_runs", help="directory for the demo run directories")
    d.add_argument("--overwrite", action="store_true")
    d.add_argument("--quiet", action="store_true")
    d.set_defaults(func=_cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("seinet: %(levelname)s: %(message)s"))
    root = logging.getLogger("seinet")  # only seinet's loggers: libraries keep their own settings
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if args.debug else logging.WARNING)
    root.propagate = False
    if not args.debug:
        warnings.simplefilter("default")
        warnings.formatwarning = lambda msg, cat, *a, **k: f"seinet: warning: {msg}\n"
    try:
        return args.func(args)
    except SeinetError as exc:
        if args.debug:
            raise
        print(f"seinet: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("seinet: interrupted; no output written", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug or an unexpected library error: still one line
        if args.debug:
            raise
        print(f"seinet: error: {type(exc).__name__}: {exc} (run with --debug for the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
