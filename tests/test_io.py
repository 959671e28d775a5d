"""Readers: formats, .gz, slicing, random access, and every kind of bad input."""

import gzip
import warnings

import numpy as np
import pytest

from builders import Box, molecule, write_extxyz
from seinet.errors import ConfigError, TrajectoryError, TruncatedFrameWarning
from seinet.io import detect_format, iter_frames, open_trajectory
from seinet.io.lammps_dump import lammps_box_to_cell


def small_frames(n=4):
    box = Box([12.0, 13.0, 14.0])
    box.add(*molecule("O=C1OCCO1"), (6, 6, 6))
    box.add(["Na"], [[0, 0, 0]], (2, 2, 2))
    return [box.frame(k, jitter=0.02, seed=k, time_ps=0.01 * k) for k in range(n)]


@pytest.mark.parametrize("name", ["t.extxyz", "t.xyz.gz"])
def test_extxyz_roundtrip_gz_slicing_and_index(tmp_path, name):
    frames = small_frames(5)
    path = tmp_path / name
    write_extxyz(path, frames)
    assert detect_format(path) == "extxyz"
    got = list(iter_frames(path))
    assert len(got) == 5
    assert got[3].time_ps == pytest.approx(0.03)
    np.testing.assert_allclose(got[2].positions, frames[2].positions, atol=1e-5)
    np.testing.assert_allclose(got[0].cell, frames[0].cell)
    assert got[1].symbols is got[0].symbols  # one symbol array per trajectory
    assert [f.index for f in iter_frames(path, start=1, stop=5, step=2)] == [1, 3]
    traj = open_trajectory(path)
    assert len(traj) == 5
    np.testing.assert_allclose(traj.read_frame(4).positions, frames[4].positions, atol=1e-5)
    assert [f.index for f in traj.iter_frames(3)] == [3, 4]


def test_extxyz_extra_columns_are_kept(tmp_path):
    path = tmp_path / "q.xyz"
    path.write_text('2\nLattice="10 0 0 0 10 0 0 0 10" Time=5.0 Properties=species:S:1:pos:R:3:charge:R:1:vel:R:3 pbc="T T T"\n'
                    "Na 1 1 1 0.8 0 0 0\nF 3 1 1 -0.8 0.1 0.2 0.3\n")
    (f,) = iter_frames(path)
    np.testing.assert_allclose(f.arrays["charge"], [0.8, -0.8])
    assert f.arrays["velocities"].shape == (2, 3)
    assert f.time_ps == pytest.approx(0.005)


def test_plain_xyz_needs_cell(tmp_path):
    path = tmp_path / "plain.xyz"
    path.write_text("2\ncomment\nH 0 0 0\nH 0.74 0 0\n")
    with pytest.raises(TrajectoryError, match=r"plain.xyz, frame 0: no periodic cell.*--cell"):
        list(iter_frames(path))
    (f,) = iter_frames(path, cell=np.diag([10.0, 10, 10]))
    assert f.cell[0, 0] == 10.0


def test_truncated_last_frame_keeps_complete_frames(tmp_path):
    path = tmp_path / "t.xyz"
    write_extxyz(path, small_frames(3))
    text = path.read_bytes()
    path.write_bytes(text[: len(text) - 40])
    with pytest.warns(TruncatedFrameWarning, match="frame 2"):
        assert len(list(iter_frames(path))) == 2


def test_truncated_gzip_keeps_complete_frames(tmp_path):
    path = tmp_path / "t.xyz.gz"
    write_extxyz(path, small_frames(6))
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.6)])
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        n = len(list(iter_frames(path)))
    assert 1 <= n < 6
    assert any(issubclass(x.category, TruncatedFrameWarning) for x in w)


def _write(path, text):
    path.write_text(text)
    return path


BAD = {
    "nan": ('2\nLattice="9 0 0 0 9 0 0 0 9" Properties=species:S:1:pos:R:3\nH 0 0 0\nH nan 0 0\n', "frame 0: non-finite"),
    "unknown": ('2\nLattice="9 0 0 0 9 0 0 0 9" Properties=species:S:1:pos:R:3\nH 0 0 0\nXx 1 0 0\n', "unknown element"),
    "count": ('2\nLattice="9 0 0 0 9 0 0 0 9" Properties=species:S:1:pos:R:3\nH 0 0 0\nH 1 0 0\n'
              '3\nLattice="9 0 0 0 9 0 0 0 9" Properties=species:S:1:pos:R:3\nH 0 0 0\nH 1 0 0\nH 2 0 0\n',
              "frame 1: atom count changed from 2 to 3"),
    "element": ('2\nLattice="9 0 0 0 9 0 0 0 9" Properties=species:S:1:pos:R:3\nH 0 0 0\nH 1 0 0\n'
                '2\nLattice="9 0 0 0 9 0 0 0 9" Properties=species:S:1:pos:R:3\nH 0 0 0\nO 1 0 0\n',
                "frame 1: element of atom 1 changed"),
    "garbage": ("hello world\nthis is not xyz\n", "frame 0: expected the atom count"),
    "columns": ('2\nLattice="9 0 0 0 9 0 0 0 9" Properties=species:S:1:pos:R:3\nH 0 0\nH 1 0 0\n', "frame 0:"),
    "lattice": ('2\nLattice="9 0 0 0 9" Properties=species:S:1:pos:R:3\nH 0 0 0\nH 1 0 0\n', "malformed Lattice"),
    "zero_cell": ('2\nLattice="0 0 0 0 9 0 0 0 9" Properties=species:S:1:pos:R:3\nH 0 0 0\nH 1 0 0\n', "degenerate"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_names_file_and_frame(tmp_path, case):
    text, message = BAD[case]
    path = _write(tmp_path / f"{case}.xyz", text)
    with pytest.raises(TrajectoryError, match=message) as err:
        list(iter_frames(path))
    assert str(path) in str(err.value)


def test_missing_and_empty_and_corrupt_gzip(tmp_path):
    with pytest.raises(TrajectoryError, match="file not found"):
        list(iter_frames(tmp_path / "nope.xyz"))
    empty = _write(tmp_path / "empty.xyz", "")
    assert list(iter_frames(empty)) == []
    bad = tmp_path / "bad.xyz.gz"
    bad.write_bytes(b"this is not gzip at all")
    with pytest.raises(TrajectoryError, match="bad.xyz.gz"):
        list(iter_frames(bad))


def write_dump(path, frames, triclinic=False, scaled=False, shuffle=True, element_col=False, tilt=(0.0, 0.0, 0.0)):
    rng = np.random.default_rng(0)
    types = {"C": 1, "H": 2, "O": 3, "Na": 4}
    with open(path, "w") as fh:
        for f in frames:
            n = f.n_atoms
            order = rng.permutation(n) if shuffle else np.arange(n)
            L = np.diag(f.cell)
            xy, xz, yz = tilt
            cell = np.array([[L[0], 0, 0], [xy, L[1], 0], [xz, yz, L[2]]])
            pos = f.positions @ np.linalg.inv(np.diag(L)) @ cell  # same fractional coords in the tilted cell
            fh.write(f"ITEM: TIMESTEP\n{f.index * 100}\nITEM: NUMBER OF ATOMS\n{n}\n")
            if triclinic:
                lo = np.array([0.0, 0.0, 0.0])
                xlo_b = lo[0] + min(0, xy, xz, xy + xz)
                xhi_b = L[0] + max(0, xy, xz, xy + xz)
                ylo_b = min(0, yz)
                yhi_b = L[1] + max(0, yz)
                fh.write(f"ITEM: BOX BOUNDS xy xz yz pp pp pp\n{xlo_b} {xhi_b} {xy}\n{ylo_b} {yhi_b} {xz}\n0 {L[2]} {yz}\n")
            else:
                fh.write(f"ITEM: BOX BOUNDS pp pp pp\n0 {L[0]}\n0 {L[1]}\n0 {L[2]}\n")
            cols = "id type" + (" element" if element_col else "") + (" xs ys zs" if scaled else " x y z")
            fh.write(f"ITEM: ATOMS {cols}\n")
            coords = pos @ np.linalg.inv(cell) if scaled else pos
            for i in order:
                el = f" {f.symbols[i]}" if element_col else ""
                fh.write(f"{i + 1} {types[f.symbols[i]]}{el} {coords[i, 0]:.6f} {coords[i, 1]:.6f} {coords[i, 2]:.6f}\n")
    return cell


@pytest.mark.parametrize("triclinic,scaled,element_col", [(False, False, False), (True, False, True), (True, True, False)])
def test_lammps_dump(tmp_path, triclinic, scaled, element_col):
    frames = small_frames(3)
    path = tmp_path / "dump.lammpstrj"
    tilt = (2.0, -1.0, 1.5) if triclinic else (0.0, 0.0, 0.0)
    cell = write_dump(path, frames, triclinic, scaled, element_col=element_col, tilt=tilt)
    got = list(iter_frames(path, elements=["C", "H", "O", "Na"], timestep_fs=0.25))
    assert len(got) == 3
    np.testing.assert_allclose(got[1].cell, cell, atol=1e-9)
    expect = frames[1].positions @ np.linalg.inv(np.diag(np.diag(frames[1].cell))) @ cell
    np.testing.assert_allclose(got[1].positions, expect, atol=2e-5)
    assert list(got[1].symbols) == list(frames[1].symbols)
    assert got[2].time_ps == pytest.approx(200 * 0.25 / 1000)


def test_lammps_dump_without_elements_is_a_clear_error(tmp_path):
    path = tmp_path / "dump.lammpstrj"
    write_dump(path, small_frames(1))
    with pytest.raises(ConfigError, match="--elements"):
        list(iter_frames(path))


def test_lammps_box_to_cell_orthorhombic():
    cell, origin = lammps_box_to_cell(np.array([[1.0, 11.0], [2.0, 14.0], [-1.0, 5.0]]), (0.0, 0.0, 0.0))
    np.testing.assert_allclose(np.diag(cell), [10, 12, 6])
    np.testing.assert_allclose(origin, [1, 2, -1])


REAXFF_BONDS = """\
# Timestep 0
#
# Number of particles 4
#
# Max number of bonds per atom 3 with coarse bond order cutoff 0.100
# Particle connection table and bond orders
# id type nb id_1...id_nb mol bo_1...bo_nb abo nlp q
 3 2 1 1 0 0.950 0.950 0.000 0.120
 1 1 2 3 2 0 0.950 0.250 1.200 0.000 -0.200
 2 2 1 1 0 0.250 0.250 0.000 0.080
 4 2 0 0 0.000 0.000 0.000
#
# Timestep 10
#
# Number of particles 4
#
# Max number of bonds per atom 3 with coarse bond order cutoff 0.100
# Particle connection table and bond orders
# id type nb id_1...id_nb mol bo_1...bo_nb abo nlp q
 1 1 2 3 2 0 0.950 0.350 1.300 0.000 -0.200
 2 2 1 1 0 0.350 0.350 0.000 0.080
 3 2 1 1 0 0.950 0.950 0.000 0.120
 4 2 0 0 0.000 0.000 0.000
#
"""


def test_reaxff_bonds_reader(tmp_path):
    path = tmp_path / "bonds.reaxff"
    path.write_text(REAXFF_BONDS)
    frames = list(iter_frames(path, elements=["C", "H"], timestep_fs=0.25))
    assert [f.step for f in frames] == [0, 10]
    assert frames[0].positions is None
    assert list(frames[0].symbols) == ["C", "H", "H", "H"]
    pairs = {tuple(p): o for p, o in zip(frames[0].bonds.pairs.tolist(), frames[0].bonds.orders)}
    assert pairs == {(0, 2): 0.95, (0, 1): 0.25}
    from seinet.species import Partitioner

    p = Partitioner(frames[0].symbols)
    labels = [sorted(p.catalogue.species[s].formula for s in p.partition(f).unit_counts) for f in frames]
    assert labels == [["CH", "H"], ["CH2", "H"]]
    with pytest.raises(ConfigError, match="--elements"):
        open_trajectory(path)


def test_reaxff_bond_printed_at_the_cutoff_counts(tmp_path):
    # printed with 3 decimals: 0.300 is a true order in (0.2995, 0.3005) and counts
    text = REAXFF_BONDS.replace("cutoff 0.100", "cutoff 0.300").replace("0.250", "0.300").replace("0.350", "0.300")
    path = tmp_path / "bonds.reaxff"
    path.write_text(text)
    from seinet.species import Partitioner

    frames = list(iter_frames(path, elements=["C", "H"]))
    p = Partitioner(frames[0].symbols)
    assert sorted(p.catalogue.species[s].formula for s in p.partition(frames[0]).unit_counts) == ["CH2", "H"]


@pytest.mark.parametrize("bad_line,message", [
    ("H nan 0 0", "frame 2: non-finite"),
    ("O 1 0 0", "frame 2: element of atom 1 changed"),
    ("H 1 0", "frame 2:"),
    ("H 1 0 0 7", "frame 2:"),
    ("H 1 x 0", "frame 2:"),
])
def test_bad_later_frame_after_the_fast_path_took_over(tmp_path, bad_line, message):
    head = '2\nLattice="9 0 0 0 9 0 0 0 9" Time={t} Properties=species:S:1:pos:R:3\n'
    text = "".join(head.format(t=k) + "H 0 0 0\nH 1 0 0\n" for k in range(2))
    text += head.format(t=2) + "H 0 0 0\n" + bad_line + "\n"
    path = _write(tmp_path / "late.xyz", text)
    with pytest.raises(TrajectoryError, match=message):
        list(iter_frames(path))


def test_fast_path_equals_general_parser(tmp_path):
    from seinet.io.extxyz import ExtXYZTrajectory

    frames = small_frames(4)
    path = tmp_path / "t.extxyz"
    write_extxyz(path, frames)
    fast = list(ExtXYZTrajectory(path).iter_frames())
    slow = []
    for k in range(4):
        traj = ExtXYZTrajectory(path)  # a fresh reader parses its first frame with pandas
        slow.append(traj.read_frame(k))
    for a, b in zip(fast, slow):
        np.testing.assert_array_equal(a.positions, b.positions)
        assert a.time_ps == b.time_ps and np.array_equal(a.cell, b.cell)


# --- bad frames: byte offsets and skipping (issue 8) ----------------------------------

def _three_frame_file(tmp_path, fmt, gz=False):
    """A 3-frame file of format ``fmt``; returns (path, format, options, byte offset of each frame)."""
    frames = small_frames(3)
    suffix = ".gz" if gz else ""
    if fmt in ("extxyz", "xyz"):
        path = tmp_path / f"t.xyz{suffix}"
        write_extxyz(path, frames)
        if fmt == "xyz":  # plain XYZ: no Lattice=, cell from --cell
            opener = gzip.open if gz else open
            with opener(path, "rt") as fh:
                text = fh.read()
            text = "\n".join("comment" if line.startswith("Lattice=") else line for line in text.split("\n"))
            with opener(path, "wt") as fh:
                fh.write(text)
        marker, options = f"\n{frames[0].n_atoms}\n".encode(), {"cell": np.diag([12.0, 13.0, 14.0])}
    elif fmt == "lammps-dump":
        path = tmp_path / f"dump.lammpstrj{suffix}"
        write_dump(tmp_path / "plain", frames)
        data = (tmp_path / "plain").read_bytes()
        path.write_bytes(gzip.compress(data) if gz else data)
        marker, options = b"ITEM: TIMESTEP", {"elements": ["C", "H", "O", "Na"]}
    else:
        path = tmp_path / f"bonds.reaxff{suffix}"
        data = (REAXFF_BONDS + REAXFF_BONDS.split("#\n# Timestep 10")[0].replace("Timestep 0", "Timestep 20")).encode()
        path.write_bytes(gzip.compress(data) if gz else data)
        marker, options = b"# Timestep", {"elements": ["C", "H"]}
    data = gzip.decompress(path.read_bytes()) if gz else path.read_bytes()
    starts = [0]
    while len(starts) < 3:
        starts.append(data.index(marker, starts[-1] + 1) + (1 if marker.startswith(b"\n") else 0))
    return path, fmt, options, starts


def _corrupt_frame_1(path, starts, gz):
    """Replace the last number of frame 1's last atom line by garbage; returns the new frame offsets."""
    data = gzip.decompress(path.read_bytes()) if gz else path.read_bytes()
    end = data.rindex(b"\n", 0, data.rindex(b"\n", starts[1], starts[2]))  # start of the frame's last line
    if path.name.startswith("bonds"):
        end = data.rindex(b"\n", 0, end)  # reaxff frames end with a '#' line
    line_end = data.index(b"\n", end + 1)
    line = data[end + 1:line_end].rsplit(b" ", 1)[0] + b" 1.2.3"
    shift = len(line) - (line_end - end - 1)
    data = data[:end + 1] + line + data[line_end:]
    path.write_bytes(gzip.compress(data) if gz else data)
    return [starts[0], starts[1], starts[2] + shift]


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gz"])
@pytest.mark.parametrize("fmt", ["extxyz", "xyz", "lammps-dump", "lammps-bonds"])
def test_bad_frame_names_frame_and_byte_offset_and_can_be_skipped(tmp_path, fmt, gz):
    path, fmt, options, starts = _three_frame_file(tmp_path, fmt, gz)
    cell = options.pop("cell", None)
    clean = list(iter_frames(path, fmt, cell=cell, **options))
    assert len(clean) == 3
    starts = _corrupt_frame_1(path, starts, gz)
    with pytest.raises(TrajectoryError) as err:
        list(iter_frames(path, fmt, cell=cell, **options))
    assert str(err.value).startswith(f"{path}, frame 1: ")
    assert str(err.value).endswith(f"(byte offset {starts[1]})")
    assert (err.value.frame, err.value.offset) == (1, starts[1])
    errors = []
    kept = list(iter_frames(path, fmt, cell=cell, on_error=errors.append, **options))
    assert [f.index for f in kept] == [0, 2]
    assert [(e.frame, e.offset) for e in errors] == [(1, starts[1])]
    for got, want in zip(kept, clean[::2]):
        assert got.step == want.step
        if want.positions is not None:
            np.testing.assert_array_equal(got.positions, want.positions)
    traj = open_trajectory(path, fmt, **options)
    assert list(traj.offsets) == starts  # the bad frame keeps its place in the index
    assert traj.read_frame(2).step == clean[2].step
    with pytest.raises(TrajectoryError, match=rf"frame 1: .*\(byte offset {starts[1]}\)"):
        traj.read_frame(1)


def test_broken_header_mid_file_is_skipped_by_scanning_to_the_next_frame(tmp_path):
    path = tmp_path / "t.xyz"
    write_extxyz(path, small_frames(5))
    text = path.read_bytes().split(b"\n")
    per = 13  # 11 atoms + 2 header lines
    text[2 * per] = b"garbage"  # the atom count of frame 2
    text[3 * per + 3] = b""  # frame 3 loses an atom line: its count no longer matches
    path.write_bytes(b"\n".join(text))
    errors = []
    assert [f.index for f in iter_frames(path, on_error=errors.append)] == [0, 1, 4]
    assert [e.frame for e in errors] == [2, 3]
    assert "expected the atom count" in errors[0].message
    assert len(open_trajectory(path)) == 5


def test_lammps_corrupt_atoms_header_mid_file_is_an_error_not_truncation(tmp_path):
    path = tmp_path / "dump.lammpstrj"
    write_dump(path, small_frames(4))
    data = path.read_bytes()
    second = data.index(b"ITEM: ATOMS", data.index(b"ITEM: ATOMS") + 1)
    path.write_bytes(data[:second] + b"ITEM: ATMOS" + data[second + 11:])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not a TruncatedFrameWarning: frames 2 and 3 are fine
        with pytest.raises(TrajectoryError, match="frame 1: "):
            list(iter_frames(path, elements=["C", "H", "O", "Na"]))
        errors = []
        kept = list(iter_frames(path, elements=["C", "H", "O", "Na"], on_error=errors.append))
    assert [f.index for f in kept] == [0, 2, 3] and [e.frame for e in errors] == [1]


def test_errors_are_one_line_and_picklable():
    import pickle

    err = TrajectoryError("a.xyz", 3, "Error tokenizing data.\nC error: Expected 4 fields\n", offset=120)
    assert str(err) == "a.xyz, frame 3: Error tokenizing data. C error: Expected 4 fields (byte offset 120)"
    again = pickle.loads(pickle.dumps(err))
    assert (again.path, again.frame, again.offset, str(again)) == ("a.xyz", 3, 120, str(err))
