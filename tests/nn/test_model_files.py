"""Model files: checksum, the previous format version, hostile files bounded, permissions, stale temporaries."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import nn
from nn import serialization

FIXTURES = Path(__file__).parent / "fixtures"


def write(path, payload, seal=True):
    if seal:
        payload = {k: v for k, v in payload.items() if k != "sha256"}
        payload["sha256"] = serialization.checksum(payload)
    path.write_text(json.dumps(payload))
    return path


# ---------------------------------------------------------------- integrity
def test_every_single_bit_flip_is_refused_or_changes_nothing(tmp_path):
    model = nn.Neuron(2, "tanh", seed=0)
    path = tmp_path / "n.json"
    nn.save(model, path)
    data = path.read_bytes()
    wrong = []
    for i in range(len(data)):
        for bit in range(8):
            flipped = bytearray(data)
            flipped[i] ^= 1 << bit
            path.write_bytes(bytes(flipped))
            try:
                loaded = nn.load(path)
            except ValueError as error:
                assert str(path) in str(error)
                continue
            if loaded.state_dict() != model.state_dict() or loaded.config() != model.config():
                wrong.append((i, bit))
    assert wrong == []


def test_a_checksum_mismatch_names_the_file(tmp_path):
    path = tmp_path / "m.json"
    nn.save(nn.MLP(2, [3, 1], seed=0), path)
    payload = json.loads(path.read_text())
    payload["state"]["layers.0.neurons.0.b"] = 0.25
    write(path, payload, seal=False)
    with pytest.raises(ValueError, match=f"{path}.*corrupted.*sha256"):
        nn.load(path)
    del payload["sha256"]
    write(path, payload, seal=False)
    with pytest.raises(ValueError, match="no 'sha256' checksum"):
        nn.load(path)


@pytest.mark.parametrize("name", ["mlp_v1.json", "layer_v1.json", "neuron_v1.json"])
def test_files_of_format_version_1_still_load(name):
    payload = json.loads((FIXTURES / name).read_text())
    assert payload["version"] == 1 and "sha256" not in payload
    loaded = nn.load(FIXTURES / name)
    assert type(loaded).__name__ == payload["kind"]
    assert loaded.config() == payload["config"] and loaded.state_dict() == payload["state"]


def test_an_estimator_file_of_version_1_still_loads():
    payload = json.loads((FIXTURES / "mlpclassifier_v1.json").read_text())
    loaded = nn.load(FIXTURES / "mlpclassifier_v1.json")
    assert type(loaded).__name__ == "MLPClassifier"
    X, _ = nn.datasets.xor()
    assert loaded.predict(X).shape == (4,)
    assert payload["version"] == 1


def test_a_version_1_file_with_a_checksum_key_is_refused(tmp_path):
    payload = json.loads((FIXTURES / "neuron_v1.json").read_text())
    payload["sha256"] = "0" * 64
    with pytest.raises(ValueError, match="version 1"):
        nn.load(write(tmp_path / "n.json", payload, seal=False))


# ---------------------------------------------------------------- hostile files
def neuron_payload():
    config = {"nin": 1, "activation": "linear", "init": "xavier"}
    return {"format": "scalargrad", "version": 2, "kind": "Neuron", "config": config, "state": {"w.0": 0.5, "b": 0.0}}


def edited(path, **changes):
    payload = neuron_payload()
    for key, value in changes.items():
        if value is KeyError:
            del payload[key]
        else:
            payload[key] = value
    return write(path, payload)


HOSTILE = {
    "kind is a list": ({"kind": ["MLP"]}, "unknown kind"),
    "version is true": ({"version": True}, "version True"),
    "version of 400 digits": ({"version": 10**400}, "401-digit int"),
    "unknown top-level key": ({"extra": 1}, "unknown keys \\['extra'\\]"),
    "nin of 400 digits": ({"config": {"nin": 10**400, "activation": "linear", "init": "xavier"}}, "nin.*401-digit"),
    "nin of 10**7": ({"config": {"nin": 10**7, "activation": "linear", "init": "xavier"}}, "needs 10000001 param"),
    "weight of 400 digits": ({"state": {"w.0": 10**400, "b": 0.0}}, "w.0=a 401-digit int"),
    "config is a list": ({"config": [1]}, "'config' must be an object"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_contents_are_value_errors_naming_the_file(tmp_path, case):
    changes, message = HOSTILE[case]
    path = edited(tmp_path / "h.json", **changes)
    with pytest.raises(ValueError, match=message) as info:
        nn.load(path)
    assert str(path) in str(info.value)


def test_absurd_sizes_are_refused_before_anything_is_built(tmp_path):
    payload = {"format": "scalargrad", "version": 2, "kind": "MLP",
               "config": {"nin": 2, "nouts": [10**12], "activation": "relu", "output_activation": "linear",
                          "init": None, "seed": None}, "state": {"a": 1.0}}  # fmt: skip
    with pytest.raises(ValueError, match=r"nouts\[0\] must be a positive int of at most 10000000"):
        nn.load(write(tmp_path / "big.json", payload))
    payload["config"]["nouts"] = [10**6, 10**6]  # each size allowed, the total is not
    with pytest.raises(ValueError, match="needs 1000004000000 parameters but the state holds 1"):
        nn.load(write(tmp_path / "big.json", payload))


@pytest.mark.parametrize(
    "text, message",
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply|not a scalargrad file"),
        ('{"format": "scalargrad", "version": 2, "x": ' + "9" * 5000 + "}", "not valid JSON"),
    ],
)
def test_deep_nesting_and_giant_ints_are_value_errors(tmp_path, text, message):
    path = tmp_path / "deep.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=message) as info:
        nn.load(path)
    assert str(path) in str(info.value)


def test_bytes_that_are_not_utf8_are_a_value_error(tmp_path):
    path = tmp_path / "bin.json"
    path.write_bytes(b'{"format": "\xff\xfe"}')
    with pytest.raises(ValueError, match=f"{path}.*not UTF-8"):
        nn.load(path)


def test_load_of_an_int_is_a_type_error_and_leaves_the_descriptor_open(tmp_path):
    path = tmp_path / "m.json"
    nn.save(nn.Neuron(2, seed=0), path)
    fd = os.open(path, os.O_RDONLY)
    try:
        with pytest.raises(TypeError, match="path must be a str or os.PathLike, got int"):
            nn.load(fd)
        os.fstat(fd)  # still open
    finally:
        os.close(fd)
    with pytest.raises(TypeError, match="path"):
        nn.save(nn.Neuron(2, seed=0), 3)


# ---------------------------------------------------------------- saving: permissions and leftovers
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_save_uses_the_umask_and_keeps_an_existing_mode(tmp_path):
    old = os.umask(0o022)
    try:
        path = tmp_path / "m.json"
        nn.save(nn.Neuron(2, seed=0), path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
        os.chmod(path, 0o600)
        nn.save(nn.Neuron(2, seed=1), path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_save_removes_the_temporaries_of_a_killed_save(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    stale = tmp_path / f".m.json.{dead_pid}.0a1b2c3d.tmp"
    mine = tmp_path / f".m.json.{os.getpid()}.0a1b2c3d.tmp"  # this process's: maybe a save in another thread
    other = tmp_path / ".other.json.1.0a1b2c3d.tmp"
    for leftover in (stale, mine, other):
        leftover.write_text("{")
    nn.save(nn.Neuron(2, seed=0), tmp_path / "m.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, other.name, "m.json"])


# ---------------------------------------------------------------- sizes when building
def test_huge_sizes_are_prompt_value_errors_naming_the_size_and_the_limit():
    with pytest.raises(ValueError, match=r"nouts\[0\] must be a positive int of at most 10000000, got 1000000000000"):
        nn.MLP(2, [10**12])
    with pytest.raises(ValueError, match="nin must be a positive int of at most 10000000, got a 401-digit int"):
        nn.MLP(10**400, [1])
    with pytest.raises(ValueError, match="nout must be .* got 1000000000000"):
        nn.Layer(2, 10**12)
    with pytest.raises(ValueError, match=r"would have 1000004000000 parameters, above the limit of 10000000"):
        nn.MLP(2, [10**6, 10**6])
    assert nn.MAX_PARAMETERS == 10_000_000
