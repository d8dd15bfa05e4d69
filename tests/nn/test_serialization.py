"""save / load: JSON round trips, atomic writes, and every corruption -> ValueError, model unchanged."""

import json
import os

import pytest

import nn
from nn import serialization


@pytest.fixture
def saved(tmp_path):
    model = nn.MLP(2, [4, 3, 1], activation="tanh", output_activation="sigmoid", seed=3)
    path = tmp_path / "model.json"
    nn.save(model, path)
    return model, path


def test_round_trip_is_exact(saved):
    model, path = saved
    loaded = nn.load(path)
    assert type(loaded) is nn.MLP and loaded.config() == model.config()
    assert loaded.state_dict() == model.state_dict()
    assert loaded([0.1, -0.2])[0].data == model([0.1, -0.2])[0].data


@pytest.mark.parametrize("module", [nn.Layer(3, 2, activation="softplus", seed=0), nn.Neuron(4, "leaky_relu", seed=0)])
def test_layers_and_neurons_round_trip(tmp_path, module):
    nn.save(module, tmp_path / "m.json")
    loaded = nn.load(tmp_path / "m.json")
    assert type(loaded) is type(module) and loaded.state_dict() == module.state_dict()


def test_the_file_is_versioned_human_readable_json(saved):
    model, path = saved
    text = path.read_text()
    assert "\n" in text and "layers.0.neurons.0.w.0" in text
    payload = json.loads(text)
    assert {k: payload[k] for k in ("format", "version", "kind")} == {
        "format": "scalargrad",
        "version": 2,
        "kind": "MLP",
    }
    assert payload["config"] == model.config() and payload["state"] == model.state_dict()
    assert len(payload["sha256"]) == 64


def test_load_into_an_existing_model(saved):
    model, path = saved
    twin = nn.MLP(**{**model.config(), "seed": 3})
    for p in twin.parameters():
        p.data = 0.0
    assert nn.load(path, model=twin) is twin
    assert twin.state_dict() == model.state_dict()


def test_save_is_atomic_and_leaves_no_temporary_file(saved, monkeypatch):
    model, path = saved
    before = path.read_text()
    other = nn.MLP(2, [4, 3, 1], activation="tanh", output_activation="sigmoid", seed=4)

    def crash(src, dst):
        raise OSError("simulated crash before the rename")

    monkeypatch.setattr(serialization.os, "replace", crash)
    with pytest.raises(OSError, match="simulated crash"):
        nn.save(other, path)
    assert path.read_text() == before  # the old file is intact
    assert os.listdir(path.parent) == ["model.json"]  # the temporary file is gone
    monkeypatch.undo()
    nn.save(other, path)
    assert nn.load(path).state_dict() == other.state_dict()
    assert os.listdir(path.parent) == ["model.json"]


def test_saving_non_finite_weights_fails_without_writing(tmp_path):
    model = nn.MLP(2, [2, 1], seed=0)
    model.parameters()[0].data = float("nan")
    with pytest.raises(ValueError, match="NaN or infinity"):
        nn.save(model, tmp_path / "bad.json")
    assert os.listdir(tmp_path) == []


def test_saving_an_unknown_object():
    with pytest.raises(ValueError, match="don't know how to save a dict"):
        nn.save({}, "x.json")


def sealed(payload) -> str:
    """The file text of ``payload`` with its checksum recomputed: a bad content that is not a flipped bit."""
    payload.pop("sha256", None)
    return json.dumps({**payload, "sha256": serialization.checksum(payload)})


def edit(key, value):
    """A corruption: set (or with KeyError, delete) one top-level key of the file (checksum resealed)."""

    def change(text):
        payload = json.loads(text)
        if value is KeyError:
            del payload[key]
        else:
            payload[key] = value
        return sealed(payload)

    return change


def edit_state(change_state):
    """A corruption: change the file's state dict in place (checksum resealed)."""

    def change(text):
        payload = json.loads(text)
        change_state(payload["state"])
        return sealed(payload)

    return change


CORRUPTIONS = {
    "truncated": (lambda text: text[: len(text) // 2], "not valid JSON"),
    "garbage": (lambda text: "\x00\x01garbage", "not valid JSON"),
    "empty": (lambda text: "", "not valid JSON"),
    "not an object": (lambda text: "[1, 2, 3]", "not a scalargrad file"),
    "wrong format": (edit("format", "keras"), "format 'keras'"),
    "no format": (edit("format", KeyError), "not a scalargrad file"),
    "wrong version": (edit("version", 3), "version 3; this scalargrad reads versions 1, 2"),
    "unknown kind": (edit("kind", "Transformer"), "unknown kind 'Transformer'"),
    "bad config": (edit("config", {"nin": 2, "nouts": "big"}), "config"),
    "missing state": (edit("state", KeyError), "'state' must be an object"),
    "missing weight": (edit_state(lambda s: s.pop("layers.2.neurons.0.b")), "missing keys"),
    "extra weight": (edit_state(lambda s: s.update({"layers.3.neurons.0.b": 1.0})), "unexpected keys"),
    "NaN weight": (
        lambda text: sealed(
            json.loads(text.replace(json.dumps(json.loads(text)["state"]["layers.0.neurons.0.b"]), "NaN", 1))
        ),
        "not finite numbers",
    ),
    "string weight": (edit_state(lambda s: s.update({"layers.0.neurons.0.b": "0.1"})), "not finite numbers"),
}


@pytest.mark.parametrize("case", sorted(CORRUPTIONS))
def test_corrupted_files_raise_and_leave_the_model_unchanged(saved, case):
    model, path = saved
    corrupt, message = CORRUPTIONS[case]
    text = path.read_text()
    path.write_text(corrupt(text))
    before = model.state_dict()
    with pytest.raises(ValueError, match=message):
        nn.load(path)
    with pytest.raises(ValueError):
        nn.load(path, model=model)
    assert model.state_dict() == before


def test_wrong_architecture_leaves_the_model_unchanged(saved):
    _, path = saved
    for other in (nn.MLP(2, [4, 1], seed=0), nn.MLP(2, [4, 3, 1], seed=3), nn.Layer(2, 4)):
        before = other.state_dict()
        with pytest.raises(ValueError, match="holds a"):
            nn.load(path, model=other)
        assert other.state_dict() == before


def test_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        nn.load(tmp_path / "nope.json")


class Box:
    def __init__(self, value):
        self.value = value


def test_register_kind_plugs_in_other_objects(tmp_path):
    nn.register_kind("Box", lambda box: {"value": box.value}, lambda body: Box(float(body["value"])), cls=Box)
    try:
        nn.save(Box(2.5), tmp_path / "box.json")
        assert json.loads((tmp_path / "box.json").read_text())["kind"] == "Box"
        assert nn.load(tmp_path / "box.json").value == 2.5
        (tmp_path / "box.json").write_text(sealed({"format": "scalargrad", "version": 2, "kind": "Box"}))
        with pytest.raises(ValueError, match="cannot rebuild the Box"):
            nn.load(tmp_path / "box.json")
    finally:
        serialization._KINDS.pop("Box")
    with pytest.raises(ValueError, match="name"):
        nn.register_kind("", dict, dict)
