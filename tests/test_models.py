"""NEP89 fetching without network: cache hits, hash checks, and failures are clear errors."""

import io
import tarfile

import pytest

from seinet import models
from seinet.errors import SeinetError


def fake_sdist(dest, payload: bytes):
    path = dest / "neptrainkit-3.1.5.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("neptrainkit-3.1.5/" + models.NEP89_MEMBER)
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    return path


def test_cached_file_with_right_hash_is_used_without_download(tmp_path, monkeypatch):
    (tmp_path / models.NEP89_FILENAME).write_bytes(b"nep4 model")
    monkeypatch.setattr(models, "NEP89_SHA256", models.sha256_file(tmp_path / models.NEP89_FILENAME))
    monkeypatch.setattr(models, "_download_sdist", lambda *a: pytest.fail("must not download"))
    assert models.nep89_path(tmp_path) == tmp_path / models.NEP89_FILENAME


def test_wrong_hash_after_download_is_an_error_and_leaves_no_file(tmp_path, monkeypatch):
    monkeypatch.setattr(models, "_download_sdist", lambda req, dest: fake_sdist(dest, b"tampered"))
    with pytest.raises(SeinetError, match="sha256"):
        models.nep89_path(tmp_path)
    assert not (tmp_path / models.NEP89_FILENAME).exists()


def test_good_download_is_verified_and_cached(tmp_path, monkeypatch):
    payload = b"pretend nep89"
    import hashlib

    monkeypatch.setattr(models, "NEP89_SHA256", hashlib.sha256(payload).hexdigest())
    monkeypatch.setattr(models, "NEP89_SIZE", len(payload), raising=False)
    monkeypatch.setattr(models, "_download_sdist", lambda req, dest: fake_sdist(dest, payload))
    path = models.nep89_path(tmp_path)
    assert path.read_bytes() == payload


def test_pip_failure_is_a_clear_error(tmp_path, monkeypatch):
    class Proc:
        returncode = 1
        stdout = ""
        stderr = "ERROR: No matching distribution found for neptrainkit==3.1.5"

    monkeypatch.setattr(models.subprocess, "run", lambda *a, **k: Proc())
    with pytest.raises(models.ModelFetchError, match="No matching distribution"):
        models.nep89_path(tmp_path)
