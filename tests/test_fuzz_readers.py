"""Fuzzing every text reader: mutated files give seinet errors, never a crash.

Valid small files are generated for each format (extended XYZ with a GPUMD header,
plain XYZ read with ``--cell``, LAMMPS dumps orthorhombic and triclinic, ``fix
reaxff/bonds`` tables, and gzip variants), then mutated: cut at a random byte,
bytes flipped, deleted or inserted, numbers replaced by garbage, lines duplicated,
deleted or swapped, atom-count lines changed. Reading must then either work or raise
a :class:`~seinet.errors.SeinetError` (a ``TrajectoryError`` with the file, the frame
and one line of text); the only warning allowed is ``TruncatedFrameWarning``.

The runs are derandomized (the same examples every time). For a longer hunt with
fresh examples: ``SEINET_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz_readers.py``.
"""

from __future__ import annotations

import gzip
import os
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seinet.errors import SeinetError, TrajectoryError, TruncatedFrameWarning
from seinet.io import iter_frames, open_trajectory

_LONG_RUN = int(os.environ.get("SEINET_FUZZ_EXAMPLES", "0"))


def fuzz_settings(examples: int):
    return settings(max_examples=_LONG_RUN or examples, deadline=None, derandomize=not _LONG_RUN, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


ELEMENTS = ["C", "H", "O", "Na", "F", "P"]

# --- valid files -----------------------------------------------------------------


@st.composite
def systems(draw, max_atoms: int = 6, max_frames: int = 4):
    """Element indices (into ELEMENTS), a cell, and positions for a few frames."""
    n = draw(st.integers(1, max_atoms))
    n_frames = draw(st.integers(1, max_frames))
    types = draw(st.lists(st.integers(0, len(ELEMENTS) - 1), min_size=n, max_size=n))
    lengths = draw(st.lists(st.floats(6.0, 20.0), min_size=3, max_size=3))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    pos = rng.random((n_frames, n, 3)) * np.asarray(lengths)
    return np.asarray(types), np.asarray(lengths), pos


def extxyz_text(system, extras: bool) -> str:
    types, lengths, pos = system
    props = "species:S:1:pos:R:3" + (":charge:R:1:vel:R:3" if extras else "")
    out = []
    for k, frame in enumerate(pos):
        lattice = f"{lengths[0]:.6f} 0 0 0 {lengths[1]:.6f} 0 0 0 {lengths[2]:.6f}"
        out.append(f'{len(types)}\nLattice="{lattice}" Time={k * 10.0:.3f} Step={k * 10} Properties={props} '
                   f'pbc="T T T"\n')
        for t, (x, y, z) in zip(types, frame):
            more = f" {0.1 * t:.4f} 0.1 -0.2 0.3" if extras else ""
            out.append(f"{ELEMENTS[t]} {x:.6f} {y:.6f} {z:.6f}{more}\n")
    return "".join(out)


def plain_xyz_text(system) -> str:
    types, _, pos = system
    return "".join(f"{len(types)}\nframe {k}\n" + "".join(f"{ELEMENTS[t]} {x:.5f} {y:.5f} {z:.5f}\n"
                                                          for t, (x, y, z) in zip(types, frame))
                   for k, frame in enumerate(pos))


def dump_text(system, triclinic: bool, scaled: bool) -> str:
    types, lengths, pos = system
    xy, xz, yz = (1.5, -0.5, 0.75) if triclinic else (0.0, 0.0, 0.0)
    cell = np.array([[lengths[0], 0, 0], [xy, lengths[1], 0], [xz, yz, lengths[2]]])
    out = []
    for k, frame in enumerate(pos):
        out.append(f"ITEM: TIMESTEP\n{k * 100}\nITEM: NUMBER OF ATOMS\n{len(types)}\n")
        if triclinic:
            out.append(f"ITEM: BOX BOUNDS xy xz yz pp pp pp\n{min(0, xy, xz, xy + xz)} "
                       f"{lengths[0] + max(0, xy, xz, xy + xz)} {xy}\n{min(0, yz)} {lengths[1] + max(0, yz)} {xz}\n"
                       f"0 {lengths[2]} {yz}\n")
        else:
            out.append(f"ITEM: BOX BOUNDS pp pp pp\n0 {lengths[0]}\n0 {lengths[1]}\n0 {lengths[2]}\n")
        coords = (frame / lengths) if scaled else (frame / lengths) @ cell
        out.append("ITEM: ATOMS id type " + ("xs ys zs" if scaled else "x y z") + " q\n")
        for i in reversed(range(len(types))):  # dumps are not sorted by id
            out.append(f"{i + 1} {types[i] + 1} {coords[i, 0]:.6f} {coords[i, 1]:.6f} {coords[i, 2]:.6f} 0.1\n")
    return "".join(out)


def bonds_text(system) -> str:
    types, _, pos = system
    n = len(types)
    out = []
    for k in range(len(pos)):
        out.append(f"# Timestep {k * 10}\n#\n# Number of particles {n}\n#\n"
                   "# Max number of bonds per atom 3 with coarse bond order cutoff 0.100\n"
                   "# Particle connection table and bond orders\n"
                   "# id type nb id_1...id_nb mol bo_1...bo_nb abo nlp q\n")
        for i in range(1, n + 1):  # a chain 1-2-3-...: each atom lists its neighbours
            nbrs = [j for j in (i - 1, i + 1) if 1 <= j <= n]
            orders = [0.5 + 0.1 * ((i + j + k) % 5) for j in nbrs]
            out.append(f" {i} {types[i - 1] + 1} {len(nbrs)} " + " ".join(map(str, nbrs)) + " 0 "
                       + " ".join(f"{o:.3f}" for o in orders) + f" {sum(orders):.3f} 0.000 {0.01 * i:.3f}\n")
        out.append("#\n")
    return "".join(out)


# name -> (file suffix, format, open_trajectory options, text builder from a system)
FORMATS = {
    "extxyz": (".extxyz", "auto", {}, lambda s: extxyz_text(s, extras=False)),
    "extxyz-extras": (".xyz", "auto", {}, lambda s: extxyz_text(s, extras=True)),
    "xyz-cell": (".xyz", "xyz", {"cell": True}, plain_xyz_text),
    "dump-ortho": (".lammpstrj", "auto", {"elements": ELEMENTS, "timestep_fs": 0.5},
                   lambda s: dump_text(s, triclinic=False, scaled=False)),
    "dump-triclinic": (".lammpstrj", "lammps-dump", {"elements": ELEMENTS},
                       lambda s: dump_text(s, triclinic=True, scaled=True)),
    "reaxff-bonds": (".reaxff", "auto", {"elements": ELEMENTS, "timestep_fs": 0.25}, bonds_text),
}

# --- mutations -----------------------------------------------------------------------

GARBAGE = [b"nan", b"NaN", b"-inf", b"inf", b"infinity", b"infxyz", b"1e999", b"-1e-999", b"abc", b"", b"1.2.3",
           b"--1", b"0x10", b"9" * 30, b"1_000", b"\xc2\xb2", b"\x00", b"\xe2\x88\x921", b"\xff\xfe", b"1e", b".",
           b"+", b"-0", b"1d5", b'"', b"=", b"#", b"ITEM:", b"ITEM: TIMESTEP", b"# Timestep", b"-1", b"0",
           b"99999999999999999999", b"9" * 5000, b"Xx", b"Properties=species:S:1", b'Lattice="1 2"', b"\t", b"\r"]
INSERTS = [b"\n", b" ", b"\x00" * 8, b"\xff", b"7\n", b"0\n", b"-3\n", b"nan", b"#\n", b"ITEM: ATOMS id\n",
           b"# Timestep 5\n", b"\r\n", b"H 1 2 3\n", b"12\nLattice=\"9 0 0 0 9 0 0 0 9\"\n", b"\x1c", b"\x85"]


def _line_spans(data: bytes) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in data.splitlines(keepends=True):
        spans.append((start, start + len(line)))
        start += len(line)
    return spans or [(0, 0)]


def mutate(data: bytes, kind: str, u: float, v: float, payload: int) -> bytes:
    """Apply one mutation; ``u``, ``v`` in [0, 1) pick positions, ``payload`` picks content."""
    if not data:
        return INSERTS[payload % len(INSERTS)]
    at = int(u * len(data))
    spans = _line_spans(data)
    line = spans[int(u * len(spans))]
    other = spans[int(v * len(spans))]
    if kind == "truncate":
        return data[:at]
    if kind == "flip":
        return data[:at] + bytes([data[at] ^ (1 + payload % 255)]) + data[at + 1:]
    if kind == "delete":
        return data[:at] + data[at + 1 + int(v * 40):]
    if kind == "insert":
        return data[:at] + INSERTS[payload % len(INSERTS)] + data[at:]
    if kind == "token":  # replace one whitespace-separated token of a line
        text = data[line[0]:line[1]]
        tokens = text.split()
        if not tokens:
            return data
        k = int(v * len(tokens))
        tokens[k] = GARBAGE[payload % len(GARBAGE)]
        end = b"\n" if text.endswith(b"\n") else b""
        return data[:line[0]] + b" ".join(tokens) + end + data[line[1]:]
    if kind == "dup_line":
        return data[:line[1]] + data[line[0]:line[1]] + data[line[1]:]
    if kind == "del_line":
        return data[:line[0]] + data[line[1]:]
    if kind == "swap_lines":
        a, b = sorted((line, other))
        if a == b:
            return data
        return data[:a[0]] + data[b[0]:b[1]] + data[a[1]:b[0]] + data[a[0]:a[1]] + data[b[1]:]
    if kind == "count":  # change an atom-count line (the one at or before the chosen line)
        counts = [s for s in spans[:int(u * len(spans)) + 1] if _is_count_line(data, spans, s)]
        if not counts:
            return data
        s = counts[-1]
        value = [b"0", b"-1", b"1", b"2", b"3", b"5", b"8", b"13", b"1000000000000", b"x", b"", b"2 3",
                 b"9" * 5000][payload % 13]
        text = data[s[0]:s[1]]
        new = (text[:text.index(b"particles") + 10] + value + b"\n") if b"particles" in text else value + b"\n"
        return data[:s[0]] + new + data[s[1]:]
    raise AssertionError(kind)


def _is_count_line(data, spans, span) -> bool:
    text = data[span[0]:span[1]]
    if text.startswith(b"# Number of particles"):
        return True
    k = spans.index(span)
    if k and data[spans[k - 1][0]:spans[k - 1][1]].startswith(b"ITEM: NUMBER OF ATOMS"):
        return True
    following = data[spans[k + 1][0]:spans[k + 1][1]] if k + 1 < len(spans) else b""
    return text.strip().isdigit() and bool(following) and not following.startswith(b"ITEM")


MUTATIONS = ["truncate", "flip", "delete", "insert", "token", "token", "token", "dup_line", "del_line",
             "swap_lines", "count", "count"]
mutations = st.lists(st.tuples(st.sampled_from(MUTATIONS), st.floats(0, 1, exclude_max=True),
                               st.floats(0, 1, exclude_max=True), st.integers(0, 10_000)), min_size=1, max_size=3)


# --- the properties ------------------------------------------------------------------


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def _options(fmt_name: str, system) -> tuple[str, str, dict, dict]:
    suffix, fmt, options, _ = FORMATS[fmt_name]
    options = dict(options)
    cell = None
    if options.pop("cell", False):
        cell = np.diag(system[1])
    return suffix, fmt, options, {"cell": cell}


def _assert_seinet_error(exc: BaseException, path) -> None:
    assert isinstance(exc, SeinetError), f"{type(exc).__name__}: {exc}"
    text = str(exc)
    assert len(text.splitlines()) == 1, text
    if isinstance(exc, TrajectoryError):
        assert exc.path == str(path) and str(path) in text
        assert exc.frame is None or (isinstance(exc.frame, int) and exc.frame >= 0)
        assert exc.offset is None or exc.offset >= 0
        if exc.frame is not None:
            assert exc.offset is not None, text  # a frame error says where the frame starts


def _only_truncation_warnings(caught) -> None:
    others = [w for w in caught if not issubclass(w.category, TruncatedFrameWarning)]
    assert not others, [f"{w.category.__name__}: {w.message}" for w in others]


def _attempt(read, path):
    """``read()``, or None after checking that what it raised is a seinet error."""
    try:
        return read()
    except SeinetError as exc:
        _assert_seinet_error(exc, path)
        return None


def read_everything(path, fmt, options, cell) -> None:
    """Every way of reading a file: raw streaming, validated (raise and skip), the index, random access."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _attempt(lambda: _check_all(path, fmt, options, cell), path)
    _only_truncation_warnings(caught)


def _check_all(path, fmt, options, cell) -> None:
    traj = open_trajectory(path, fmt, **options)
    _attempt(lambda: list(traj.iter_frames()), path)  # raising at the first bad frame
    errors: list[TrajectoryError] = []
    kept = _attempt(lambda: list(traj.iter_frames(on_error=errors.append)), path)
    for err in errors:
        _assert_seinet_error(err, path)
    _attempt(lambda: list(iter_frames(path, fmt, cell=cell, **options)), path)
    bad: list[TrajectoryError] = []
    good = _attempt(lambda: list(iter_frames(path, fmt, cell=cell, on_error=bad.append, **options)), path)
    for err in bad:
        _assert_seinet_error(err, path)
    if kept is None:  # an unreadable .gz stream: nothing more to compare
        return
    # every frame counted once, good or bad, in file order
    assert [f.index for f in good] == sorted({f.index for f in good})
    assert not {f.index for f in good} & {e.frame for e in bad}
    # the byte-offset index numbers frames as streaming does
    fresh = open_trajectory(path, fmt, **options)
    n = len(fresh)
    assert all(f.index < n for f in kept) and all(e.frame < n for e in errors)
    for frame in kept[:3]:
        again = fresh.read_frame(frame.index)
        assert np.array_equal(again.symbols, frame.symbols)
        if frame.positions is not None:
            np.testing.assert_array_equal(again.positions, frame.positions)
    for frame in good:
        assert frame.positions is None or np.isfinite(frame.positions).all()


def _write(workdir, name: str, suffix: str, data: bytes, compress: bool):
    path = workdir / (name + suffix + (".gz" if compress else ""))
    path.write_bytes(gzip.compress(data, mtime=0) if compress else data)
    return path


@pytest.mark.parametrize("fmt_name", sorted(FORMATS))
@fuzz_settings(200)
@given(system=systems(), changes=mutations)
def test_mutated_files_give_seinet_errors_only(workdir, fmt_name, system, changes):
    suffix, fmt, options, extra = _options(fmt_name, system)
    data = FORMATS[fmt_name][3](system).encode()
    for change in changes:
        data = mutate(data, *change)
    path = _write(workdir, fmt_name, suffix, data, compress=False)
    read_everything(path, fmt, options, extra["cell"])


@pytest.mark.parametrize("fmt_name", sorted(FORMATS))
def test_valid_files_read_without_errors(workdir, fmt_name):
    """The generator's files are valid: the fuzzing starts from good input."""
    rng = np.random.default_rng(1)
    system = (np.array([0, 1, 2, 3]), np.array([9.0, 10.0, 11.0]), rng.random((3, 4, 3)) * 9)
    suffix, fmt, options, extra = _options(fmt_name, system)
    path = _write(workdir, fmt_name + "-valid", suffix, FORMATS[fmt_name][3](system).encode(), compress=False)
    frames = list(iter_frames(path, fmt, cell=extra["cell"], **options))
    assert [f.index for f in frames] == [0, 1, 2]
    assert [str(s) for s in frames[0].symbols] == ["C", "H", "O", "Na"]


@fuzz_settings(80)
@given(fmt_name=st.sampled_from(sorted(FORMATS)), system=systems(), changes=mutations,
       compress_first=st.booleans(), cut=st.floats(0, 1, exclude_max=True),
       flip=st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)))
def test_gzip_corruption_is_a_clear_error(workdir, fmt_name, system, changes, compress_first, cut, flip):
    """Mutated text inside a good .gz, and good text inside a cut or damaged .gz stream."""
    suffix, fmt, options, extra = _options(fmt_name, system)
    data = FORMATS[fmt_name][3](system).encode()
    if compress_first:  # damage the compressed stream itself
        packed = gzip.compress(data, mtime=0)
        at = int(flip[0] * len(packed))
        packed = packed[:at] + bytes([packed[at] ^ flip[1]]) + packed[at + 1:]
        packed = packed[:max(1, int(len(packed) * (0.5 + cut / 2)))]
        path = workdir / (fmt_name + suffix + ".gz")
        path.write_bytes(packed)
    else:
        for change in changes:
            data = mutate(data, *change)
        path = _write(workdir, fmt_name, suffix, data, compress=True)
    read_everything(path, fmt, options, extra["cell"])


def test_not_gzip_and_empty_gzip(workdir):
    path = workdir / "junk.extxyz.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(TrajectoryError, match="junk.extxyz.gz"):
        list(iter_frames(path))
    path.write_bytes(gzip.compress(b""))
    assert list(iter_frames(path)) == []


@fuzz_settings(20)
@given(fmt_name=st.sampled_from(["extxyz", "dump-ortho", "reaxff-bonds"]),
       system=systems(max_atoms=5, max_frames=3), changes=mutations, skip=st.booleans())
def test_species_analysis_on_mutated_files(workdir, fmt_name, system, changes, skip):
    from seinet.species.analysis import AnalysisSettings, SpeciesAnalysis

    suffix, fmt, options, _ = _options(fmt_name, system)
    data = FORMATS[fmt_name][3](system).encode()
    for change in changes:
        data = mutate(data, *change)
    path = _write(workdir, fmt_name + "-species", suffix, data, compress=False)
    elements = tuple(options["elements"]) if "elements" in options else None
    settings_ = AnalysisSettings(format=fmt, elements=elements, skip_bad_frames=skip)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = SpeciesAnalysis(path, settings_).run().results
        except SeinetError as exc:
            _assert_seinet_error(exc, path)
        else:
            assert res.n_frames == len(res.counts)
            assert len(res.skipped) == 0 or skip
    _only_truncation_warnings(caught)
