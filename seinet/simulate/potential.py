"""Which NEP model a simulation uses: resolve ``"nep89"`` or a path, hash it, read its header.

The first line of a ``nep.txt`` names the model kind and its elements, for example
``nep4_zbl 89 H He Li ...`` (NEP89) or ``nep4_charge1 4 H C O Na`` (a qNEP charge model).
A kind containing ``charge`` predicts per-atom charges: calorine's ``CPUNEP`` then gives
``charges`` (and Born effective charges) and GPUMD needs ``kspace``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..models import NEP89_SHA256, nep89_path, sha256_file
from .errors import SimulationConfigError

__all__ = ["ModelInfo", "resolve_model"]


@dataclass(frozen=True)
class ModelInfo:
    """A NEP model file and what its header says.

    Attributes
    ----------
    name : str
        ``"nep89"`` or the file name.
    path : pathlib.Path
    sha256 : str
    kind : str
        First token of the header (``nep4``, ``nep4_zbl``, ``nep4_charge1``, ...).
    elements : tuple of str
    """

    name: str
    path: Path
    sha256: str
    kind: str
    elements: tuple[str, ...]

    @property
    def has_charges(self) -> bool:
        """True for qNEP charge models (``nep4_charge1``, ``nep4_zbl_charge2``, ...)."""
        return "charge" in self.kind

    def as_dict(self) -> dict:
        return {"name": self.name, "path": str(self.path), "sha256": self.sha256, "kind": self.kind,
                "n_elements": len(self.elements), "charges": self.has_charges}

    def check_elements(self, symbols) -> None:
        """Raise SimulationConfigError if the model lacks an element of ``symbols``."""
        missing = sorted(set(symbols) - set(self.elements))
        if missing:
            raise SimulationConfigError(f"model {self.path} does not cover {', '.join(missing)}")


def resolve_model(model: str | os.PathLike = "nep89") -> ModelInfo:
    """Return the model file, its hash and header.

    Parameters
    ----------
    model : str or path
        ``"nep89"`` (fetched and verified by :func:`seinet.models.nep89_path`) or a path to a
        ``nep.txt``.

    Returns
    -------
    ModelInfo

    Raises
    ------
    SimulationConfigError
        A path that does not exist or is not a NEP model file.
    """
    if str(model).lower() == "nep89":
        path, digest, name = nep89_path(), NEP89_SHA256, "nep89"
    else:
        path = Path(model).expanduser().resolve()
        if not path.is_file():
            raise SimulationConfigError(f"model file {model} does not exist; pass 'nep89' or a nep.txt path")
        digest, name = sha256_file(path), path.name
    with open(path) as fh:
        first = fh.readline().split()
    if len(first) < 3 or not first[0].startswith("nep") or not first[1].isdigit():
        raise SimulationConfigError(f"{path} is not a NEP model: its first line should read "
                                    "'nep4[_zbl][_charge1] N_TYPES EL1 EL2 ...'")
    n_types = int(first[1])
    return ModelInfo(name=name, path=Path(path), sha256=digest, kind=first[0],
                     elements=tuple(first[2:2 + n_types]))
