"""Choosing and starting trainers: missing neppo, GPUMD's nep found or not, failures as one line."""

import importlib.util
import os
import stat
import sys

import pytest

from seinet.cli import main
from seinet.simulate.errors import ExecutableNotFoundError, SimulationConfigError
from seinet.train import NEPSettings, TrainingError, require_neppo, resolve_backend, train
from seinet.train.backends import run_neppo

HAVE_NEPPO = importlib.util.find_spec("neppo") is not None and importlib.util.find_spec("torch") is not None


def _fake_nep(tmp_path, body: str):
    path = tmp_path / "bin" / "nep"
    path.parent.mkdir(exist_ok=True)
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


@pytest.fixture()
def no_nep(monkeypatch, tmp_path):
    """No nep on PATH and no SEINET_NEP."""
    monkeypatch.delenv("SEINET_NEP", raising=False)
    monkeypatch.setenv("PATH", os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep)
                                                if not os.path.exists(os.path.join(p, "nep"))))


def test_missing_neppo_is_one_line(monkeypatch, no_nep, tmp_path):
    monkeypatch.setitem(sys.modules, "neppo", None)  # import neppo now fails
    with pytest.raises(SimulationConfigError) as err:
        require_neppo()
    message = str(err.value)
    assert "pip install 'seinet[train]'" in message and "neppo" in message and "\n" not in message
    with pytest.raises(SimulationConfigError, match=r"seinet\[train\]"):
        resolve_backend("auto")
    with pytest.raises(SimulationConfigError, match=r"seinet\[train\]"):
        train([], tmp_path / "out", backend="neppo")
    assert not (tmp_path / "out").exists()


def test_missing_neppo_on_the_command_line(monkeypatch, no_nep, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "torch", None)
    (tmp_path / "t.xyz").write_text("1\nenergy=-1.0 Properties=species:S:1:pos:R:3:forces:R:3\nH 0 0 0 0 0 0\n")
    assert main(["train", str(tmp_path / "t.xyz"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "seinet[train]" in err and "torch" in err


@pytest.mark.skipif(not HAVE_NEPPO, reason="neppo/torch are not installed")
def test_auto_without_nep_is_neppo(no_nep):
    assert resolve_backend("auto") == ("neppo", None)


def test_nep_backend_needs_the_executable(no_nep):
    with pytest.raises(ExecutableNotFoundError, match="SEINET_NEP"):
        resolve_backend("nep")
    with pytest.raises(SimulationConfigError, match="backend"):
        resolve_backend("lammps")


def test_auto_prefers_nep_and_a_failing_nep_is_one_line(monkeypatch, tmp_path, labelled):
    fake = _fake_nep(tmp_path, 'test -f nep.in && test -f train.xyz && test -f test.xyz || exit 3\n'
                               'grep -q "^seed" nep.in && exit 4\n'
                               'echo "Started reading nep.in."\necho "CUDA Error: no CUDA-capable device is detected"\n'
                               'exit 1\n')
    monkeypatch.setenv("SEINET_NEP", str(fake.parent))
    assert resolve_backend("auto") == ("nep", fake)
    out = tmp_path / "nep0"
    with pytest.raises(TrainingError) as err:
        train(labelled, out, NEPSettings.toy(), reference_energies="fit")
    message = str(err.value)
    assert message == f"nep training in {out} failed (exit 1): CUDA Error: no CUDA-capable device is detected"
    assert not out.exists() and not list(tmp_path.glob(".nep0*"))  # nothing half-written


@pytest.mark.skipif(not HAVE_NEPPO, reason="neppo/torch are not installed")
def test_a_failing_neppo_names_the_directory_and_its_last_line(tmp_path):
    (tmp_path / "nep.in").write_text("type 1 H\nno_such_keyword 1\n")
    (tmp_path / "train.xyz").write_text("")
    with pytest.raises(TrainingError) as err:
        run_neppo(tmp_path)
    message = str(err.value)
    assert str(tmp_path) in message and "Unknown keyword" in message and "no_such_keyword" in message
    assert "\n" not in message
    assert (tmp_path / "train.log").is_file()
