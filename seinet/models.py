"""Machine-learned potentials that seinet runs: where they come from and where they are cached.

The general-purpose NEP89 model (a NEP4 potential with ZBL for 89 elements, covering H, C, O,
F, Na and P) is not redistributed with seinet. It is shipped byte-identical inside the PyPI
source distribution of ``neptrainkit==3.1.5`` at ``src/NepTrainKit/Config/nep89.txt``.
:func:`nep89_path` downloads that source distribution once with pip, extracts only the model
file into a user cache, checks its SHA-256 and returns its path. Later calls reuse the cached
file without touching the network as long as its hash still matches.

The cache directory is, in order of precedence, the ``cache_dir`` argument, the
``SEINET_CACHE`` environment variable, or ``~/.cache/seinet/models``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from .errors import SeinetError

__all__ = [
    "ModelFetchError",
    "NEP89_FILENAME",
    "NEP89_MEMBER",
    "NEP89_SDIST",
    "NEP89_SHA256",
    "NEP89_SIZE",
    "default_cache_dir",
    "nep89_path",
    "sha256_file",
]

logger = logging.getLogger(__name__)

#: pip requirement whose source distribution carries the NEP89 model.
NEP89_SDIST = "neptrainkit==3.1.5"
#: Path of the model inside the source distribution (below its top-level folder).
NEP89_MEMBER = "src/NepTrainKit/Config/nep89.txt"
#: File name of the model in the cache.
NEP89_FILENAME = "nep89.txt"
#: Size of the model file in bytes.
NEP89_SIZE = 15_622_195
#: SHA-256 of the model file, computed from the file in neptrainkit-3.1.5.tar.gz.
NEP89_SHA256 = "75168ece02e840e4a32644f982b78d43cba697f5b64b4c8134ab66c7a8c28be1"

_CACHE_ENV = "SEINET_CACHE"


class ModelFetchError(SeinetError, RuntimeError):
    """Raised when a model cannot be downloaded, extracted or verified."""


def default_cache_dir() -> Path:
    """Return the directory where models are cached.

    Returns
    -------
    pathlib.Path
        ``$SEINET_CACHE`` if that variable is set and not empty, else
        ``~/.cache/seinet/models``. The directory is not created.
    """
    env = os.environ.get(_CACHE_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "seinet" / "models"


def sha256_file(path: str | os.PathLike, chunk_size: int = 1 << 20) -> str:
    """Return the hexadecimal SHA-256 digest of a file.

    Parameters
    ----------
    path : str or os.PathLike
        File to hash.
    chunk_size : int, optional
        Bytes read at a time.

    Returns
    -------
    str
        Lower-case hexadecimal digest.

    Notes
    -----
    Streams the file: O(size) time, O(chunk_size) memory.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(chunk_size), b""):
            digest.update(block)
    return digest.hexdigest()


def _download_sdist(requirement: str, dest: Path) -> Path:
    """Download the source distribution of ``requirement`` into ``dest`` with pip."""
    name = requirement.split("==")[0]
    # ``--no-binary :all:`` would also force every *build* dependency (numpy, meson, ...) to
    # be built from source while pip prepares the metadata, which fails on ordinary machines;
    # restricting it to the one package gets the sdist and nothing else.
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps",
        "--no-binary", name, "--disable-pip-version-check", "-d", str(dest), requirement,
    ]
    logger.info("downloading %s (source distribution) with pip", requirement)
    logger.debug("running %s", " ".join(cmd))
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    except OSError as exc:  # pragma: no cover - python itself missing
        raise ModelFetchError(f"could not run pip to download {requirement}: {exc}") from exc
    if proc.returncode != 0:
        said = [
            line for line in (proc.stderr or proc.stdout).strip().splitlines()
            if not line.startswith("WARNING: Location")
        ]
        tail = "\n".join(said[-15:])
        raise ModelFetchError(
            f"pip could not download {requirement} (exit code {proc.returncode}); check network "
            f"access to PyPI, or place a verified {NEP89_FILENAME} in the cache directory "
            f"yourself. pip said:\n{tail}"
        )
    found = sorted(dest.glob("*.tar.gz"))
    if not found:
        raise ModelFetchError(
            f"pip reported success but no .tar.gz source distribution of {requirement} "
            f"appeared in {dest}"
        )
    return found[0]


def _extract_member(sdist: Path, member_suffix: str, target: Path) -> None:
    """Copy the single archive member ending in ``member_suffix`` to ``target``."""
    with tarfile.open(sdist, "r:gz") as archive:
        members = [
            m for m in archive.getmembers()
            if m.isfile() and m.name.endswith("/" + member_suffix)
        ]
        if len(members) != 1:
            raise ModelFetchError(
                f"{sdist.name} does not contain exactly one {member_suffix} "
                f"(found {len(members)}); the package layout changed"
            )
        source = archive.extractfile(members[0])
        if source is None:  # pragma: no cover - isfile() checked above
            raise ModelFetchError(f"cannot read {members[0].name} from {sdist.name}")
        with source, open(target, "wb") as out:
            for block in iter(lambda: source.read(1 << 20), b""):
                out.write(block)


def nep89_path(cache_dir: str | os.PathLike | None = None) -> Path:
    """Return the path of the verified NEP89 model file, fetching it on first use.

    Parameters
    ----------
    cache_dir : str or os.PathLike, optional
        Directory holding ``nep89.txt``. Defaults to :func:`default_cache_dir`
        (``$SEINET_CACHE`` or ``~/.cache/seinet/models``).

    Returns
    -------
    pathlib.Path
        Path to ``nep89.txt`` whose SHA-256 equals :data:`NEP89_SHA256`.

    Raises
    ------
    ModelFetchError
        If pip fails, the archive lacks the model, or the extracted file's hash differs
        from :data:`NEP89_SHA256`.

    Notes
    -----
    A cached file with the right hash is returned without network access (one hash of
    15.6 MB). Otherwise pip downloads the ~7 MB source distribution of
    ``neptrainkit==3.1.5`` into a temporary directory, the model is extracted to a
    temporary file next to the target, verified, and moved into place atomically, so an
    interrupted download never leaves a corrupt model in the cache. A cached file whose
    hash is wrong is replaced.

    Examples
    --------
    >>> from calorine.calculators import CPUNEP  # doctest: +SKIP
    >>> calc = CPUNEP(str(nep89_path()))  # doctest: +SKIP
    """
    directory = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    target = directory / NEP89_FILENAME
    if target.is_file():
        digest = sha256_file(target)
        if digest == NEP89_SHA256:
            logger.debug("using cached NEP89 model %s", target)
            return target
        logger.warning(
            "cached %s has sha256 %s, expected %s; fetching it again", target, digest,
            NEP89_SHA256,
        )

    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelFetchError(
            f"cannot create model cache directory {directory}: {exc}; set {_CACHE_ENV} to a "
            "writable directory"
        ) from exc

    with tempfile.TemporaryDirectory(prefix="seinet-nep89-") as tmp:
        sdist = _download_sdist(NEP89_SDIST, Path(tmp))
        partial = directory / (NEP89_FILENAME + f".part{os.getpid()}")
        try:
            _extract_member(sdist, NEP89_MEMBER, partial)
            digest = sha256_file(partial)
            if digest != NEP89_SHA256:
                raise ModelFetchError(
                    f"{NEP89_MEMBER} from {sdist.name} has sha256 {digest}, expected "
                    f"{NEP89_SHA256}; the file on PyPI is not the one seinet was validated "
                    "with. Do not use it; report this to the seinet maintainers."
                )
            os.replace(partial, target)
        finally:
            if partial.exists():
                partial.unlink()
    logger.info("NEP89 model cached at %s (sha256 %s)", target, NEP89_SHA256)
    return target
