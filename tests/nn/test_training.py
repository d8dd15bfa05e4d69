"""fit: the three flavours of gradient descent, History, divergence, progress; and learning tests."""

import io
import math
import sys
import time

import numpy as np
import pytest

import nn
from nn import datasets, losses


def count_steps(optimizer):
    calls = []
    step = optimizer.step

    def counted():
        calls.append(1)
        step()

    optimizer.step = counted
    return calls


# ---------------------------------------------------------------- flavours
@pytest.mark.parametrize("batch_size, steps_per_epoch", [(None, 1), (1, 10), (3, 4), (10, 1), (50, 1)])
def test_batch_size_sets_the_number_of_steps(batch_size, steps_per_epoch):
    X, y = datasets.make_blobs(10, centers=2, random_state=0)
    model = nn.MLP(2, [3, 2], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.01)
    calls = count_steps(optimizer)
    history = nn.fit(model, X, y, "cross_entropy", optimizer, epochs=2, batch_size=batch_size, progress=False)
    assert len(calls) == 2 * steps_per_epoch
    assert len(history.loss) == 2 and len(history.accuracy) == 2


def test_full_batch_epoch_loss_is_the_loss_of_the_batch():
    X, y = datasets.make_sine(20, random_state=0)
    model = nn.MLP(1, [4, 1], activation="tanh", seed=0)
    expected = losses.mse([model(row) for row in X.tolist()], y.tolist()).data
    history = nn.fit(model, X, y, "mse", nn.SGD(model.parameters(), lr=0.01), epochs=1, progress=False)
    assert history.loss == [pytest.approx(expected, rel=1e-12)]
    assert history.accuracy == []  # regression


def test_epoch_loss_is_the_mean_of_the_batch_losses():
    X, y = datasets.make_sine(10, random_state=0)
    model = nn.MLP(1, [4, 1], activation="tanh", seed=0)
    twin = nn.MLP(1, [4, 1], activation="tanh", seed=0)
    # The scalar engine, bit for bit (the compiled one sums in another order: test_engine.py compares them).
    history = nn.fit(
        model,
        X,
        y,
        "mse",
        nn.SGD(model.parameters(), lr=0.05),
        epochs=1,
        batch_size=4,
        shuffle=False,
        progress=False,
        engine="scalar",
    )
    optimizer, batch_losses = nn.SGD(twin.parameters(), lr=0.05), []
    for start in (0, 4, 8):  # the same loop by hand
        loss = losses.mse([twin(r) for r in X[start : start + 4].tolist()], y[start : start + 4].tolist())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        batch_losses.append(loss.data)
    assert history.loss[0] == pytest.approx(np.mean(batch_losses), rel=1e-12)
    assert model.state_dict() == twin.state_dict()


def test_lists_and_arrays_give_the_same_training_and_seeds_are_deterministic():
    X, y = datasets.make_moons(30, noise=0.1, random_state=0)
    runs = []
    for data in ((X, y), (X.tolist(), y.tolist()), (X, y)):
        model = nn.MLP(2, [4, 2], seed=0)
        nn.fit(
            model,
            *data,
            "cross_entropy",
            nn.SGD(model.parameters(), lr=0.1, momentum=0.9),
            epochs=3,
            batch_size=5,
            seed=1,
            progress=False,
        )
        runs.append(model.state_dict())
    assert runs[0] == runs[1] == runs[2]
    other = nn.MLP(2, [4, 2], seed=0)
    nn.fit(
        other,
        X,
        y,
        "cross_entropy",
        nn.SGD(other.parameters(), lr=0.1, momentum=0.9),
        epochs=3,
        batch_size=5,
        seed=2,
        progress=False,
    )
    assert other.state_dict() != runs[0]


def test_a_callable_loss_and_early_stopping_by_callback():
    X, y = datasets.make_sine(10, random_state=0)
    model = nn.MLP(1, [4, 1], seed=0)
    seen = []

    def callback(epoch, history):
        seen.append((epoch, len(history.loss)))
        return epoch == 3

    history = nn.fit(
        model,
        X,
        y,
        lambda out, t: losses.mae(out, t),
        nn.SGD(model.parameters(), lr=0.01),
        epochs=10,
        callback=callback,
        progress=False,
    )
    assert seen == [(1, 1), (2, 2), (3, 3)] and len(history.loss) == 3
    assert "3 epochs" in repr(history)


@pytest.mark.parametrize(
    "loss, targets",
    [
        ("hinge", lambda y: 2 * y - 1),
        ("binary_cross_entropy_with_logits", lambda y: y),
        ("binary_cross_entropy", lambda y: y),
        ("cross_entropy", lambda y: datasets.one_hot(y, 2)),
    ],
)
def test_accuracy_is_recorded_for_classification_losses(loss, targets):
    X, y = datasets.make_blobs(40, centers=2, random_state=1)
    out_act = "sigmoid" if loss == "binary_cross_entropy" else "linear"
    model = nn.MLP(2, [4, 2 if loss == "cross_entropy" else 1], output_activation=out_act, seed=0)
    history = nn.fit(model, X, targets(y), loss, nn.Adam(model.parameters(), lr=0.05), epochs=20, progress=False)
    assert len(history.accuracy) == 20 and all(0 <= a <= 1 for a in history.accuracy)
    assert history.accuracy[-1] >= 0.95 and history.loss[-1] <= history.loss[0]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"epochs": 0}, "epochs must be a positive int, got 0"),
        ({"batch_size": 0}, "batch_size must be None or a positive int, got 0"),
        ({"loss": "nope"}, "unknown loss 'nope'"),
        ({"X": [1.0, 2.0, 3.0, 4.0]}, "X must be 2-D"),
        ({"y": [1, 2]}, "same non-zero length, got 4 and 2"),
        ({"callback": 3}, "callback must be callable"),
    ],
)
def test_bad_arguments(kwargs, message):
    X, y = datasets.xor()
    model = nn.MLP(2, [2, 1], seed=0)
    args = {"X": X, "y": y, "loss": "mse", "epochs": 1, **kwargs}
    with pytest.raises(ValueError, match=message):
        nn.fit(model, optimizer=nn.SGD(model.parameters(), lr=0.1), progress=False, **args)


# ---------------------------------------------------------------- divergence
def test_a_huge_learning_rate_raises_training_diverged_naming_the_epoch():
    X, y = datasets.make_sine(20, random_state=0)
    model = nn.MLP(1, [8, 1], seed=0)
    before_error = []
    with pytest.raises(nn.TrainingDiverged, match=r"epoch \d+.*smaller learning rate \(lr=1e\+100\)") as info:
        nn.fit(
            model,
            X,
            1e6 * y,
            "mse",
            nn.SGD(model.parameters(), lr=1e100),
            epochs=50,
            progress=False,
            callback=lambda epoch, history: before_error.append(epoch),
        )
    assert isinstance(info.value, FloatingPointError) and isinstance(info.value, ArithmeticError)
    assert f"epoch {len(before_error) + 1}" in str(info.value)


def test_an_engine_overflow_becomes_training_diverged():
    model = nn.MLP(1, [1], activation="linear", seed=0)
    model.parameters()[0].data = 1e300
    with pytest.raises(nn.TrainingDiverged, match="epoch 1: a value overflowed"):
        nn.fit(model, [[1e300]], [0.0], "mse", nn.SGD(model.parameters(), lr=0.1), epochs=1, progress=False)


# ---------------------------------------------------------------- progress bar
class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("terminal, progress, shown", [(True, True, True), (True, False, False), (False, True, False)])
def test_progress_bar_only_on_a_terminal(monkeypatch, terminal, progress, shown):
    stream = FakeTerminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    X, y = datasets.xor()
    model = nn.MLP(2, [2, 1], seed=0)
    nn.fit(model, X, y, "mse", nn.SGD(model.parameters(), lr=0.1), epochs=3, progress=progress)
    assert ("3/3" in stream.getvalue()) is shown


# ---------------------------------------------------------------- learning tests (fixed seeds)
def xor_accuracy(seed, nouts=(4, 1), activation="tanh", epochs=100):
    X, y = datasets.xor()
    model = nn.MLP(2, list(nouts), activation=activation, output_activation="sigmoid", seed=seed)
    nn.fit(model, X, y, "binary_cross_entropy", nn.Adam(model.parameters(), lr=0.1), epochs=epochs, progress=False)
    return float(np.mean((nn.predict_numpy(model, X)[:, 0] > 0.5) == y))


def test_xor_reaches_100_percent():
    assert xor_accuracy(seed=0) == 1.0


def test_xor_is_reliable_across_seeds():
    assert sum(xor_accuracy(seed) == 1.0 for seed in range(1, 9)) >= 7


def test_xor_with_the_notes_2_2_1_sigmoid_network():
    # 2-2-1 has a well-known local minimum (about half of the seeds end at 75%); seed 1 does not.
    assert xor_accuracy(seed=1, nouts=(2, 1), activation="sigmoid", epochs=300) == 1.0


def test_blobs_like_the_notes_reach_99_percent():
    X, y = datasets.make_blobs(100, centers=2, n_features=2, random_state=42)
    model = nn.MLP(2, [4, 2], seed=0)
    history = nn.fit(
        model,
        X,
        datasets.one_hot(y),
        "cross_entropy",
        nn.SGD(model.parameters(), lr=0.01),
        epochs=10,
        batch_size=1,
        seed=0,
        progress=False,
    )
    assert np.mean(nn.predict_numpy(model, X).argmax(axis=1) == y) >= 0.99
    assert history.accuracy[-1] >= 0.99


def test_three_blobs_with_minibatch_momentum():
    # cluster_std 0.6: since make_blobs follows scikit-learn's stream, std 1.0 with this seed
    # overlaps (an RBF SVC scores 96.7% on it), so 99% would test the data, not the training.
    X, y = datasets.make_blobs(150, centers=3, cluster_std=0.6, random_state=0)
    model = nn.MLP(2, [8, 3], seed=0)
    nn.fit(
        model,
        X,
        y,
        "cross_entropy",
        nn.SGD(model.parameters(), lr=0.05, momentum=0.9),
        epochs=20,
        batch_size=16,
        seed=0,
        progress=False,
    )
    assert np.mean(nn.predict_numpy(model, X).argmax(axis=1) == y) >= 0.99


def test_moons_with_micrograds_recipe_reaches_100_percent():
    """micrograd's demo: 2-16-16-1 ReLU, hinge + 1e-4 * L2, lr = 1.0 - 0.9 k / 100, 100 full-batch steps."""
    X, y = datasets.make_moons(100, noise=0.1, random_state=1)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    params = model.parameters()
    optimizer = nn.SGD(params, lr=1.0)
    schedule = nn.LinearLR(optimizer, 1.0, 0.1, 100)
    start = time.perf_counter()
    history = nn.fit(
        model,
        X,
        2 * y - 1,
        lambda out, t: losses.hinge(out, t) + 1e-4 * losses.l2(params),
        optimizer,
        epochs=100,
        progress=False,
        callback=lambda epoch, h: schedule.step(),
    )
    elapsed = time.perf_counter() - start
    print(f"moons, 100 full-batch steps: {elapsed:.2f} s")
    assert np.mean((nn.predict_numpy(model, X)[:, 0] > 0) == (y == 1)) == 1.0
    assert history.loss[-1] < 0.05 < history.loss[0]
    assert math.isclose(optimizer.lr, 0.1)


# ---------------------------------------------------------------- all the data checked before the first update
def blobs_model():
    X, y = datasets.make_blobs(40, centers=2, random_state=0)
    return X, y, nn.MLP(2, [3, 2], seed=0)


@pytest.mark.parametrize(
    "corrupt, message",
    [
        (lambda X, y: X.__setitem__((39, 1), np.nan), r"row 39 of X holds \[.*nan\]"),
        (lambda X, y: X.__setitem__((39, 0), np.inf), r"row 39 of X holds \[inf"),
        (lambda X, y: y.__setitem__(39, 5), "class index 5 of sample 39 is out of range for 2 logits"),
        (lambda X, y: y.__setitem__(39, -1), "class index -1 of sample 39"),
    ],
)
def test_bad_data_in_the_last_row_is_found_before_any_update(corrupt, message):
    X, y, model = blobs_model()
    corrupt(X, y)
    before = model.state_dict()
    optimizer = nn.SGD(model.parameters(), lr=0.1)
    calls = count_steps(optimizer)
    with pytest.raises(ValueError, match=message):
        nn.fit(model, X, y, "cross_entropy", optimizer, epochs=2, batch_size=4, progress=False)
    assert calls == [] and model.state_dict() == before


@pytest.mark.parametrize(
    "X, y, message",
    [
        ([[True, False], [False, True]], [0, 1], "X has dtype bool"),
        (np.array([[1 + 2j, 0], [0, 1]]), [0, 1], "X has dtype complex128"),
        ([[1.0, 0.0], [0.0, 1.0]], [True, False], "y has dtype bool"),
        ([["a", "b"], ["c", "d"]], [0, 1], "X must hold real numbers"),
        ([[1.0, 0.0], [0.0, 1.0]], [0.0, np.nan], "row 1 of y holds nan"),
        ([[1.0, 0.0, 3.0], [0.0, 1.0, 3.0]], [0, 1], "takes 2 inputs but X has 3 columns"),
    ],
)
def test_dtypes_values_refuse_are_refused(X, y, message):
    model = nn.MLP(2, [2], seed=0)
    with pytest.raises(ValueError, match=message):
        nn.fit(model, X, y, "mse" if "nan" in message else "cross_entropy",
               nn.SGD(model.parameters(), lr=0.1), epochs=1, progress=False)  # fmt: skip


def test_binary_and_hinge_targets_are_checked_up_front():
    X, y, model = blobs_model()
    one = nn.MLP(2, [1], seed=0)
    with pytest.raises(ValueError, match="hinge: labels must be -1 or \\+1, got 0.0 in sample 0"):
        nn.fit(one, X, y, "hinge", nn.SGD(one.parameters(), lr=0.1), epochs=1, progress=False)
    y = y.astype(float)
    y[17] = 2.0
    with pytest.raises(ValueError, match=r"targets must be in \[0, 1\], got 2.0 in sample 17"):
        nn.fit(one, X, y, "binary_cross_entropy_with_logits", nn.SGD(one.parameters(), lr=0.1), epochs=1,
               progress=False)  # fmt: skip


def test_an_optimizer_over_another_models_parameters_is_refused():
    X, y, model = blobs_model()
    other = nn.MLP(2, [3, 2], seed=1)
    with pytest.raises(ValueError, match="not the model's"):
        nn.fit(model, X, y, "cross_entropy", nn.SGD(other.parameters(), lr=0.1), epochs=1, progress=False)
    subset = nn.SGD(model.layers[1].parameters(), lr=0.1)  # training part of the model is fine
    nn.fit(model, X, y, "cross_entropy", subset, epochs=1, progress=False)


def test_after_divergence_the_model_holds_the_last_finite_parameters():
    X, y = datasets.make_sine(20, random_state=0)
    model = nn.MLP(1, [8, 1], seed=0)
    with pytest.raises(nn.TrainingDiverged, match="holds the last finite parameters"):
        nn.fit(model, X, 1e6 * y, "mse", nn.SGD(model.parameters(), lr=1e100), epochs=50, progress=False)
    assert all(math.isfinite(v) for v in model.state_dict().values())


def test_a_diverging_step_is_undone():
    model = nn.MLP(1, [1], activation="linear", seed=0)
    before = model.state_dict()
    with pytest.raises(nn.TrainingDiverged, match=r"a parameter became -?inf.*from before this step"):
        nn.fit(model, [[1.0]], [1e10], "mse", nn.SGD(model.parameters(), lr=1e300), epochs=1, progress=False)
    assert model.state_dict() == before


def test_accuracy_follows_the_loss_declaration_not_its_identity():
    X, y, model = blobs_model()

    def my_loss(outputs, targets):
        return losses.cross_entropy(outputs, targets)

    optimizer = nn.SGD(model.parameters(), lr=0.1)
    assert nn.fit(model, X, y, my_loss, optimizer, epochs=1, progress=False).accuracy == []
    losses.declare(my_loss, accuracy=losses.cross_entropy.accuracy)
    assert len(nn.fit(model, X, y, my_loss, optimizer, epochs=1, progress=False).accuracy) == 1


# ---------------------------------------------------------------- progress in notebooks
def test_progress_bar_shows_in_a_notebook_without_a_terminal(monkeypatch):
    import types

    import tqdm.auto

    class Kernel:
        kernel = object()

    fake_ipython = types.SimpleNamespace(get_ipython=lambda: Kernel())
    monkeypatch.setitem(sys.modules, "IPython", fake_ipython)
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # no terminal
    bars = []

    class Bar:
        def __init__(self, **kwargs):
            bars.append(kwargs)
            self.n = 0

        def update(self, n):
            self.n += n

        def set_postfix(self, **kwargs):
            pass

        def close(self):
            bars.append(self.n)

    monkeypatch.setattr(tqdm.auto, "tqdm", Bar)
    X, y = datasets.xor()
    model = nn.MLP(2, [2, 1], seed=0)
    nn.fit(model, X, y, "mse", nn.SGD(model.parameters(), lr=0.1), epochs=3, progress=True)
    assert bars == [{"total": 3, "desc": "fit", "unit": "epoch"}, 3]
    assert sys.stderr.getvalue() == ""
