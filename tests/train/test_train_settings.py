"""nep.in from NEPSettings, checked against neppo's own parser and model builder."""

import importlib.util

import pytest

from seinet.simulate.errors import SimulationConfigError
from seinet.train import NEPSettings

HAVE_NEPPO = importlib.util.find_spec("neppo") is not None and importlib.util.find_spec("torch") is not None
TYPES = ["H", "C", "O", "F", "Na", "P"]


@pytest.mark.skipif(not HAVE_NEPPO, reason="neppo/torch are not installed (pip install 'seinet[train]')")
@pytest.mark.parametrize("charge_mode", [0, 1, 2])
def test_neppo_parses_nep_in_into_the_model_we_meant(tmp_path, charge_mode):
    from neppo.models import QNEP
    from neppo.nep_in import get_loss, get_model, get_stages, read_nep_in

    settings = NEPSettings(charge_mode=charge_mode, cutoff=(5.5, 3.5), n_max=(5, 3), basis_size=(7, 6),
                           l_max=(4, 2, 1), neuron=12, lambda_e=2.0, lambda_f=3.0, lambda_v=0.5, lambda_q=0.25,
                           batch=8, generation=50, seed=7, learning_rate=(3e-3, 2e-5), output_interval=10)
    (tmp_path / "nep.in").write_text(settings.nep_in(TYPES))
    parsed = read_nep_in(tmp_path / "nep.in")
    model = get_model(parsed, tmp_path)
    assert isinstance(model, QNEP) == (charge_mode != 0)
    assert getattr(model, "charge_mode", 0) == charge_mode
    assert list(model.types) == TYPES
    d = model.descriptor
    assert set(d.radial_cutoffs) == {5.5} and set(d.angular_cutoffs) == {3.5}
    assert (d.n_max_radial, d.n_max_angular, d.n_basis_radial, d.n_basis_angular) == (5, 3, 7, 6)
    assert (d.l_max_3b, d.l_max_4b, d.l_max_5b) == (4, 2, 1)
    assert tuple(model.neurons) == (12,)
    stage = get_stages(parsed)[0]
    assert [float(v) for v in stage["learning_rate"]] == [3e-3, 2e-5]
    assert parsed["seed"] == ["7"] and parsed["batch"] == ["8"] and parsed["generation"] == ["50"]
    assert parsed["output_interval"] == ["10"]
    # neppo multiplies each weight by the term's error scale sigma
    weights = {t.name: t.weight / t.sigma for t in get_loss(parsed, has_bec=False).terms}
    expected = {"energy": 2.0, "forces": 3.0, "virial": 0.5}
    if charge_mode:
        expected["charge"] = 0.25
    assert weights == pytest.approx(expected)


def test_gpumd_dialect_leaves_out_neppo_only_keywords():
    text = NEPSettings().nep_in(["Na", "F"], backend="nep")
    keywords = [line.split()[0] for line in text.splitlines()]
    assert "seed" not in keywords and "learning_rate" not in keywords and "output_interval" not in keywords
    assert keywords[:3] == ["version", "type", "charge_mode"]
    assert "type 2 Na F" in text and "lambda_q 0.1" in text
    plain = NEPSettings(charge_mode=0).nep_in(["Na"])
    assert "charge_mode" not in plain and "lambda_q" not in plain  # 0 is the default of both trainers


def test_defaults_toy_and_round_trip():
    default = NEPSettings()
    assert default.charge_mode == 1 and default.version == 4 and default.is_charge_model
    toy = NEPSettings.toy()
    assert toy.neuron == 8 and toy.n_max == (4, 4) and toy.generation == 200
    assert NEPSettings.toy(generation=10).generation == 10
    assert NEPSettings(**toy.as_dict()) == toy  # JSON-ready dict back to the same settings
    assert toy.replace(seed=3).seed == 3


@pytest.mark.parametrize("changes, word", [
    (dict(version=3), "version"), (dict(charge_mode=3), "charge_mode"), (dict(cutoff=(4.0, 5.0)), "cutoff"),
    (dict(cutoff=(6.0, 2.0)), "cutoff"), (dict(n_max=(13, 4)), "n_max"), (dict(basis_size=(4, 13)), "basis_size"),
    (dict(l_max=(4, 1, 0)), "l_max"), (dict(neuron=0), "neuron"), (dict(lambda_f=-1.0), "lambda_f"),
    (dict(generation=0), "generation"), (dict(seed=-1), "seed"), (dict(learning_rate=(0.0, 1e-4)), "learning_rate"),
])
def test_bad_settings_are_one_line(changes, word):
    with pytest.raises(SimulationConfigError) as err:
        NEPSettings(**changes)
    assert word in str(err.value) and "\n" not in str(err.value)


def test_bad_types():
    with pytest.raises(SimulationConfigError, match="distinct"):
        NEPSettings().nep_in(["H", "H"])
    with pytest.raises(SimulationConfigError, match="backend"):
        NEPSettings().nep_in(["H"], backend="lammps")
