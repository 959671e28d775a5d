"""Checkpointed, resumable analysis and ``--follow`` (issue 8): a killed run, run again, gives the run
directory of one uninterrupted run; a file that a simulation is still writing is followed.

The trajectory is the first 20 frames of the shipped NEP89 Na | NaPF6-EC demo (592 atoms), so every
stage (events, interface, solvation, nucleation, membership) has state to checkpoint.
"""

import gzip
import json
import pickle
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from seinet import analyze
from seinet.cli import main
from seinet.errors import ConfigError, SeinetError
from seinet.io import open_trajectory
from seinet.io.follow import Follow
from seinet.run import MembershipWriter, RunDirectory
from seinet.run.checkpoint import CheckpointPolicy, CheckpointStore
from seinet.species.partition import FramePartition

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo" / "na_ec.extxyz.gz"
N_FRAMES = 20


@pytest.fixture(scope="module")
def demo_frames(tmp_path_factory):
    """The first N_FRAMES frames of the demo, as the bytes of each frame (they tile the file)."""
    data = gzip.decompress(DEMO.read_bytes())
    head = data[: 4 * len(data) // 20]  # enough for N_FRAMES frames
    path = tmp_path_factory.mktemp("demo") / "head.extxyz"
    path.write_bytes(head)
    ranges = [f.byte_range for f in open_trajectory(path).iter_frames(0, N_FRAMES)]
    assert len(ranges) == N_FRAMES and ranges[0][0] == 0
    return [head[a:b] for a, b in ranges]


@pytest.fixture(scope="module")
def complete(demo_frames, tmp_path_factory):
    path = tmp_path_factory.mktemp("traj") / "dump.extxyz"
    path.write_bytes(b"".join(demo_frames))
    return path


@pytest.fixture(scope="module")
def reference(complete, tmp_path_factory):
    """The uninterrupted run (no checkpoints at all)."""
    out = tmp_path_factory.mktemp("ref") / "RUN"
    assert main(["analyze", str(complete), "--out", str(out), "--quiet", "--checkpoint-every", "0"]) == 0
    return out


def run_differences(a: Path, b: Path) -> list:
    """Files of two run directories that differ: every table byte for byte (Parquet as tables when
    their bytes differ), manifest.json without wall time, execution record and input path; figures
    and report.html (which shows the wall time) are not compared."""
    def listing(d):
        return sorted(p.relative_to(d).as_posix() for p in d.rglob("*") if p.is_file())

    def manifest(d):
        m = json.loads((d / "manifest.json").read_text())
        for key in ("wall_time_s", "execution"):
            m.pop(key)
        for rec in m["inputs"]:
            rec.pop("path")
        return m

    out = []
    if listing(a) != listing(b):
        out.append(("files", sorted(set(listing(a)) ^ set(listing(b)))))
    for name in listing(a):
        if name.startswith("figures/") or name == "report.html" or not (b / name).is_file():
            continue
        if name == "manifest.json":
            if manifest(a) != manifest(b):
                out.append(name)
        elif (a / name).read_bytes() != (b / name).read_bytes():
            if name.endswith(".parquet") and pd.read_parquet(a / name).equals(pd.read_parquet(b / name)):
                continue
            out.append(name)
    return out


def header(out: Path) -> dict | None:
    return CheckpointStore(RunDirectory.work_path(out)).header()


def wait_for(predicate, timeout=120.0, what="condition"):
    t0 = time.monotonic()
    while not predicate():
        if time.monotonic() - t0 > timeout:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


class Crash(Exception):
    pass


@pytest.fixture
def crash_after(monkeypatch):
    """Make the analysis fail right after frame ``k`` (a crash between two checkpoints)."""
    import seinet.pipeline as pipeline

    def arm(k):
        original = pipeline._Stages.__call__

        def call(self, part):
            original(self, part)
            if part.frame == k:
                raise Crash(f"crash after frame {k}")

        monkeypatch.setattr(pipeline._Stages, "__call__", call)
        return lambda: monkeypatch.setattr(pipeline._Stages, "__call__", original)

    return arm


# --- 1. killed or crashed, then resumed, equals uninterrupted ---------------------------

def test_crashed_run_resumes_to_the_uninterrupted_result(complete, reference, tmp_path, crash_after):
    out = tmp_path / "RUN"
    cmd = ["analyze", str(complete), "--out", str(out), "--quiet", "--checkpoint-every", "3"]
    disarm = crash_after(13)
    assert main(cmd) == 1
    disarm()
    assert not out.exists(), "no half-written run directory"
    head = header(out)
    assert head["frames"] == 12 and head["last_frame"] == 11  # the checkpoint before the crash
    assert main(cmd) == 0
    assert run_differences(reference, out) == []
    assert not RunDirectory.work_path(out).exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["execution"]["resumed_at_frames"] == [12]
    assert manifest["n_frames"] == N_FRAMES


def _analyze_cmd(path, out, *extra):
    return [sys.executable, "-m", "seinet", "analyze", str(path), "--out", str(out), "--quiet", *extra]


def test_sigkilled_follower_resumes_to_the_uninterrupted_result(demo_frames, reference, tmp_path):
    """A real SIGKILL: the follower waits for frames the test has not written yet, so it is killed
    mid-run for sure; the same command run again resumes and, stopped with Ctrl-C once the file is
    complete, writes the run directory of an uninterrupted run."""
    growing = tmp_path / "dump.extxyz"
    out = tmp_path / "RUN"
    cmd = _analyze_cmd(growing, out, "--follow", "--poll-interval", "0.05", "--follow-timeout", "300",
                       "--checkpoint-every", "1")
    growing.write_bytes(b"".join(demo_frames[:9]) + demo_frames[9][:5000])  # and half of frame 9
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: (header(out) or {}).get("frames", 0) >= 6, what="a checkpoint of 6 frames")
    finally:
        proc.kill()
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists() and RunDirectory.work_path(out).is_dir()
    killed_at = header(out)["frames"]
    with open(growing, "ab") as fh:
        fh.write(demo_frames[9][5000:] + b"".join(demo_frames[10:]))
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # every frame but the last is analysed (the last waits for the line after it, or the end of following)
        wait_for(lambda: (header(out) or {}).get("frames", 0) >= N_FRAMES - 1, what="all frames analysed")
        proc.send_signal(signal.SIGINT)  # stop following: the outputs are written
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "resuming" in err
    assert run_differences(reference, out) == []
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["execution"] == {"follow": True, "checkpoint_every": "1 frames", "resumed_at_frames": [killed_at]}


def test_sigterm_checkpoints_and_exits_without_output(demo_frames, tmp_path):
    growing = tmp_path / "dump.extxyz"
    out = tmp_path / "RUN"
    growing.write_bytes(b"".join(demo_frames[:6]))
    proc = subprocess.Popen(_analyze_cmd(growing, out, "--follow", "--poll-interval", "0.05", "--follow-timeout",
                                         "300", "--checkpoint-every", "1"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: (header(out) or {}).get("frames", 0) >= 5, what="frames 0-4 analysed")
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 143, err
    assert "checkpoint kept" in err and "run the same command to resume" in err
    assert not out.exists()
    # frames 0-4 were analysed; frame 5 waited for the line after it, and SIGTERM ended the waiting
    assert header(out)["frames"] == 6


@pytest.mark.parametrize("crash_at", [12, 16])
def test_resume_across_segment_files_with_skipped_bad_frames(demo_frames, tmp_path, crash_after, crash_at):
    """Two segment files, a corrupt frame in the second (skipped): the cursor's file, numbering and
    skipped-frame list survive the checkpoint."""
    first, second = tmp_path / "a.extxyz", tmp_path / "b.extxyz"
    first.write_bytes(b"".join(demo_frames[:10]))
    bad = demo_frames[13].replace(b"\nNa ", b"\nNa nan ", 1)  # an atom line with an extra field
    second.write_bytes(b"".join(demo_frames[10:13]) + bad + b"".join(demo_frames[14:]))
    common = ["analyze", str(first), str(second), "--quiet", "--skip-bad-frames", "--no-nucleation"]
    ref = tmp_path / "REF"
    assert main(common + ["--out", str(ref), "--checkpoint-every", "0"]) == 0
    assert pd.read_csv(ref / "skipped_frames.csv")["frame"].tolist() == [13]
    out = tmp_path / "RUN"
    disarm = crash_after(crash_at)
    assert main(common + ["--out", str(out), "--checkpoint-every", "3"]) == 1
    disarm()
    assert main(common + ["--out", str(out), "--checkpoint-every", "3"]) == 0
    assert run_differences(ref, out) == []


# --- 2. a checkpoint of another analysis -------------------------------------------------

def test_checkpoint_of_another_analysis_is_an_error_until_no_resume(complete, reference, tmp_path, crash_after,
                                                                    capsys):
    path = tmp_path / "dump.extxyz"
    path.write_bytes(complete.read_bytes())
    out = tmp_path / "RUN"
    cmd = ["analyze", str(path), "--out", str(out), "--quiet", "--checkpoint-every", "4"]
    disarm = crash_after(9)
    assert main(cmd) == 1
    disarm()
    capsys.readouterr()
    before = header(out)
    # other settings
    assert main(cmd + ["--event-window", "4"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "checkpoint of another analysis" in err[0] and "events.tau" in err[0] \
        and "--no-resume" in err[0], err
    # the same file name, other bytes in the part already analysed
    data = bytearray(path.read_bytes())
    at = data.index(b"\n", 200) - 3
    data[at] = ord("7") if data[at] != ord("7") else ord("8")
    path.write_bytes(bytes(data))
    assert main(cmd) == 2
    err = capsys.readouterr().err
    assert "changed in its first" in err and "--no-resume" in err
    assert header(out) == before, "a refused checkpoint is kept as it was"
    path.write_bytes(complete.read_bytes())
    # --no-resume discards it
    assert main(cmd + ["--no-resume"]) == 0
    assert run_differences(reference, out) == []
    assert json.loads((out / "manifest.json").read_text())["execution"]["resumed_at_frames"] == []


def test_overwrite_starts_over_on_a_mismatch_but_resumes_a_match(complete, reference, tmp_path, crash_after, caplog):
    out = tmp_path / "RUN"
    cmd = ["analyze", str(complete), "--out", str(out), "--quiet", "--checkpoint-every", "4", "--overwrite"]
    disarm = crash_after(9)
    assert main(cmd + ["--event-window", "4"]) == 1
    disarm()
    assert main(cmd) == 0  # other settings and --overwrite: a warning, then a fresh run
    assert run_differences(reference, out) == []
    assert json.loads((out / "manifest.json").read_text())["execution"]["resumed_at_frames"] == []


# --- 3. following a file that is being written -------------------------------------------

def _writer(path: Path, chunks: list[bytes], pause: float) -> threading.Thread:
    def write():
        with open(path, "ab") as fh:
            for chunk in chunks:
                fh.write(chunk)
                fh.flush()
                time.sleep(pause)

    return threading.Thread(target=write, daemon=True)


def test_follow_equals_analysing_the_complete_file(demo_frames, reference, tmp_path):
    path = tmp_path / "dump.extxyz"
    path.write_bytes(demo_frames[0])
    chunks = []
    for k, frame in enumerate(demo_frames[1:], start=1):
        if k % 3 == 0:  # half a frame, cut inside a line, then the rest
            cut = len(frame) // 2 + 7
            chunks += [frame[:cut], frame[cut:]]
        else:
            chunks.append(frame)
    writer = _writer(path, chunks, 0.05)
    writer.start()
    out = tmp_path / "RUN"
    analyze(path, out, follow=Follow(poll_s=0.02, timeout_s=1.5), checkpoint_every=5)
    writer.join()
    assert run_differences(reference, out) == []
    assert json.loads((out / "manifest.json").read_text())["execution"]["follow"] is True


def _lammps_dump(frames) -> list[bytes]:
    out = []
    for f in frames:
        lines = [f"ITEM: TIMESTEP\n{f.index * 10}\nITEM: NUMBER OF ATOMS\n{f.n_atoms}\n",
                 "ITEM: BOX BOUNDS pp pp pp\n" + "".join(f"0 {f.cell[k, k]}\n" for k in range(3)),
                 "ITEM: ATOMS id element x y z\n"]
        lines += [f"{i + 1} {s} {x:.6f} {y:.6f} {z:.6f}\n" for i, (s, (x, y, z)) in enumerate(zip(f.symbols, f.positions))]
        out.append("".join(lines).encode())
    return out


def test_follow_reads_lammps_dumps_and_waits_for_incomplete_frames(complete, tmp_path):
    frames = list(open_trajectory(complete).iter_frames(0, 6))
    blocks = _lammps_dump(frames)
    whole = tmp_path / "whole.lammpstrj"
    whole.write_bytes(b"".join(blocks))
    expected = list(open_trajectory(whole).iter_frames())
    path = tmp_path / "dump.lammpstrj"
    path.write_bytes(b"")
    chunks = [b for block in blocks for b in (block[:100], block[100:3001], block[3001:])]
    writer = _writer(path, chunks, 0.03)
    writer.start()
    got = list(open_trajectory(path).iter_frames(follow=Follow(poll_s=0.01, timeout_s=1.0)))
    writer.join()
    assert len(got) == len(expected) == 6
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a.positions, b.positions)
        assert a.step == b.step and a.byte_range == b.byte_range


def test_following_ends_after_the_timeout_and_ignores_a_never_finished_frame(demo_frames, tmp_path):
    path = tmp_path / "dump.extxyz"
    path.write_bytes(b"".join(demo_frames[:3]) + demo_frames[3][:1000])
    t0 = time.monotonic()
    with pytest.warns(Warning, match="incomplete last frame"):
        got = list(open_trajectory(path).iter_frames(follow=Follow(poll_s=0.02, timeout_s=0.5)))
    assert len(got) == 3 and 0.5 <= time.monotonic() - t0 < 30


def test_gzip_and_ase_cannot_be_followed(tmp_path):
    with pytest.raises(ConfigError, match="cannot be followed"):
        list(open_trajectory(DEMO).iter_frames(follow=Follow()))
    assert main(["analyze", str(DEMO), "--out", str(tmp_path / "RUN"), "--follow"]) == 2
    assert not (tmp_path / "RUN").exists() and not RunDirectory.work_path(tmp_path / "RUN").exists()


def test_workers_do_not_checkpoint_or_follow(complete, tmp_path, capsys):
    out = tmp_path / "RUN"
    for extra, message in ((["--follow"], "--follow reads files serially"),
                           (["--checkpoint-every", "5"], "checkpoints need a serial run")):
        assert main(["analyze", str(complete), "--out", str(out), "--workers", "2", *extra]) == 2
        assert message in capsys.readouterr().err
    assert not out.exists() and not RunDirectory.work_path(out).exists()


# --- 4. never a half-written output, never a lost one --------------------------------------

def test_existing_output_survives_a_crashed_overwrite_until_the_new_one_is_complete(complete, reference, tmp_path,
                                                                                    crash_after):
    out = tmp_path / "RUN"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    cmd = ["analyze", str(complete), "--out", str(out), "--quiet", "--checkpoint-every", "2"]
    assert main(cmd) == 2 and (out / "precious.txt").read_text() == "keep me"  # no --overwrite: refused
    disarm = crash_after(7)
    assert main(cmd + ["--overwrite"]) == 1
    disarm()
    assert (out / "precious.txt").read_text() == "keep me"
    assert sorted(p.name for p in out.iterdir()) == ["precious.txt"]
    assert main(cmd + ["--overwrite"]) == 0
    assert not (out / "precious.txt").exists()
    assert run_differences(reference, out) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_second_process_cannot_write_the_same_run(tmp_path):
    with RunDirectory(tmp_path / "RUN", resumable=True):
        with pytest.raises(SeinetError, match="in use by another seinet process"):
            with RunDirectory(tmp_path / "RUN", resumable=True):
                pass
    assert not (tmp_path / "RUN" / ".checkpoint").exists()


def test_interrupted_run_leaves_no_work_directory_without_a_checkpoint(complete, tmp_path, crash_after):
    out = tmp_path / "RUN"
    disarm = crash_after(5)
    assert main(["analyze", str(complete), "--out", str(out), "--quiet", "--checkpoint-every", "0"]) == 1
    disarm()
    assert not out.exists() and not RunDirectory.work_path(out).exists()


# --- pieces -------------------------------------------------------------------------------

@pytest.mark.parametrize("text,frames,seconds", [
    (None, None, 60.0), ("100", 100, None), (100, 100, None), ("60s", None, 60.0), ("5min", None, 300.0),
    ("0", None, None), ("off", None, None)])
def test_checkpoint_interval_parsing(text, frames, seconds):
    policy = CheckpointPolicy.parse(text)
    assert (policy.frames, policy.seconds) == (frames, seconds)


@pytest.mark.parametrize("text", ["-3", "1.5", "soon", "10 parsecs"])
def test_bad_checkpoint_interval_is_a_config_error(text):
    with pytest.raises(ConfigError):
        CheckpointPolicy.parse(text)


def _partition(frame: int, n: int, rng) -> FramePartition:
    ids = rng.integers(0, 5, n).astype(np.int32)
    return FramePartition(frame=frame, time_ps=None, fragment=np.arange(n, dtype=np.int32), species=ids,
                          unit=np.arange(n, dtype=np.int32), unit_species=ids, state=np.zeros(n, np.int8),
                          unit_counts={}, fragment_counts={}, bonds=np.empty((0, 2)), ionic=None)


def test_membership_file_does_not_depend_on_checkpoints(tmp_path):
    """Row groups are whole frames, ceil(batch / atoms) of them, wherever the parts were cut."""
    id_map = np.array([4, 3, 2, 1, 0])
    files = []
    for name, cuts in (("plain", ()), ("cut", (0, 2, 3, 9, 10))):
        rng = np.random.default_rng(1)
        writer = MembershipWriter(tmp_path / f"{name}.parquet", batch_atoms=70)
        for k in range(12):
            writer(_partition(k, 30, rng))
            if k in cuts:
                writer.checkpoint()
                writer = pickle.loads(pickle.dumps(writer))
        writer.finalize(id_map)
        files.append(tmp_path / f"{name}.parquet")
        assert not Path(str(files[-1]) + ".parts").exists()
    assert files[0].read_bytes() == files[1].read_bytes()
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(files[0]).metadata
    assert [meta.row_group(g).num_rows for g in range(meta.num_row_groups)] == [90, 90, 90, 90]


def test_reader_resumes_at_the_end_of_a_frame(complete):
    everything = list(open_trajectory(complete).iter_frames(0, None, 2))
    k = 6
    rest = list(open_trajectory(complete).iter_frames(0, None, 2, resume=(k + 1, everything[k // 2].byte_range[1])))
    assert [f.index for f in rest] == [f.index for f in everything[k // 2 + 1:]]
    for a, b in zip(rest, everything[k // 2 + 1:]):
        np.testing.assert_array_equal(a.positions, b.positions)
