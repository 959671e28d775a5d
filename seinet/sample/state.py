"""The sampler's state on disk: one manifest, one directory per finished step.

Layout of a sampling directory::

    DIR/manifest.json            settings, fingerprint, every iteration's finished steps
    DIR/reactors.xyz             the reactors carved from the input (step "carve")
    DIR/iter_000/explore/        MD of every reactor at every ladder temperature
    DIR/iter_000/select/         candidates.csv, selected.xyz
    DIR/iter_000/label/          labelled.xyz (energies, forces), failed.csv
    DIR/iter_000/train/model_0/  a committee member's training run (nep.txt, figures)
    DIR/iter_000/test/           the stability run and stability.json

A step writes into ``<step>.tmp/``, which is renamed to ``<step>/`` when the step is done,
and only then is the step entered in the manifest (written to a temporary file and renamed).
A crash at any point leaves the manifest naming only complete steps; the next run with the
same settings removes any ``.tmp`` or unrecorded step directory and carries on from the
first step the manifest lacks. Different settings in the same directory are an error, since
mixing them would give a training set nobody asked for. The number of iterations is the one
setting left out of that check: iteration k does not depend on how many follow, so a finished
run can be extended (``--iterations 8`` on a directory that ran 5 goes on with the sixth).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from ..errors import ConfigError

__all__ = ["SamplingState", "EXTENDABLE"]

#: settings that may change between runs in one directory (module docstring)
EXTENDABLE = ("iterations",)


class SamplingState:
    """Read and advance the manifest of a sampling directory."""

    def __init__(self, directory: str | os.PathLike, settings: dict, inputs: dict) -> None:
        self.dir = Path(directory)
        self.path = self.dir / "manifest.json"
        checked = {k: v for k, v in settings.items() if k not in EXTENDABLE}
        fingerprint = hashlib.sha256(json.dumps({"settings": checked, "inputs": inputs},
                                                sort_keys=True).encode()).hexdigest()
        if self.path.exists():
            self.data = json.loads(self.path.read_text())
            if self.data.get("fingerprint") != fingerprint:
                raise ConfigError(f"{self.dir} holds a sampling run with other settings or inputs; "
                                  "use a new --out directory (or remove this one)")
            if self.data["settings"] != settings:  # more (or fewer) iterations asked for this time
                self.data["settings"] = settings
                self._write()
        else:
            self.dir.mkdir(parents=True, exist_ok=True)
            self.data = {"created_by": "seinet sample", "fingerprint": fingerprint, "settings": settings,
                         "inputs": inputs, "steps": {}, "iterations": [], "converged": False}
            self._write()

    @property
    def resumed(self) -> bool:
        return bool(self.data["steps"])

    def _write(self) -> None:
        tmp = self.path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.data, indent=2) + "\n")
        os.replace(tmp, self.path)

    def done(self, key: str) -> dict | None:
        """The record of a finished step, or None."""
        return self.data["steps"].get(key)

    def step_dir(self, key: str) -> Path:
        return self.dir / key

    def begin(self, key: str) -> Path:
        """A clean ``<step>.tmp`` directory for a step that has not finished."""
        final = self.step_dir(key)
        tmp = final.with_name(final.name + ".tmp")
        for path in (tmp, final):  # leftovers of an interrupted run
            if path.exists():
                shutil.rmtree(path)
        tmp.mkdir(parents=True)
        return tmp

    def finish(self, key: str, record: dict) -> Path:
        """Rename ``<step>.tmp`` to ``<step>`` and enter it in the manifest."""
        final = self.step_dir(key)
        tmp = final.with_name(final.name + ".tmp")
        os.replace(tmp, final)
        self.data["steps"][key] = record
        self._write()
        return final

    def record_iteration(self, summary: dict) -> None:
        rows = [r for r in self.data["iterations"] if r["iteration"] != summary["iteration"]]
        self.data["iterations"] = sorted(rows + [summary], key=lambda r: r["iteration"])
        self._write()

    def set(self, **values) -> None:
        self.data.update(values)
        self._write()
