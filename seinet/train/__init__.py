"""Training NEP and qNEP models on labelled structures (neppo on the CPU, GPUMD's nep on the GPU).

Example::

    from seinet.simulate.labelling import label
    from seinet.train import NEPSettings, train

    labelled = label(structures, "xtb")
    result = train(labelled, "runs/nep0", NEPSettings(charge_mode=1), reference_energies="fit")
    result.to_dataframe()          # RMSE table: energy meV/atom, force meV/Å, charge e/atom
    result.model_path              # runs/nep0/nep.txt, for calorine's CPUNEP or GPUMD

Modules: :mod:`.settings` (``nep.in``), :mod:`.split` (seeded train/test split),
:mod:`.backends` (neppo subprocess, GPUMD nep), :mod:`.reference` (per-element energy shifts),
:mod:`.results` (loss.out and prediction files, RMSEs), :mod:`.pca` (descriptor PCA),
:mod:`.api` (``train``). Figures: :mod:`seinet.plot.training`. PyTorch and neppo are optional
(``pip install 'seinet[train]'``) and imported only by the neppo subprocess.
"""

from .api import TrainResult, load_result, model_types, train, write_figures
from .backends import BACKENDS, NEP_ENV, find_nep, neppo_available, require_neppo, resolve_backend
from .errors import TrainingError
from .reference import fit_reference_energies
from .results import ParityData, compute_rmse, read_loss, read_neppo_summary, read_parity
from .settings import NEPSettings
from .split import split_indices, split_train_test

__all__ = ["train", "TrainResult", "load_result", "write_figures", "model_types", "NEPSettings", "split_train_test",
           "split_indices", "BACKENDS", "NEP_ENV", "find_nep", "neppo_available", "require_neppo", "resolve_backend",
           "TrainingError", "fit_reference_energies", "ParityData", "read_parity", "compute_rmse", "read_loss",
           "read_neppo_summary"]
