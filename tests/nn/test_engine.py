"""The compiled engine for training gives the scalar engine's losses, outputs and gradients."""

import warnings

import numpy as np
import pytest

import autodiff
import nn
from autodiff import TraceError
from nn.engine import MAX_TRACES, CompiledLoss, compile_loss

X3, LABELS = nn.datasets.make_blobs(30, centers=3, n_features=2, random_state=0)
BINARY = (LABELS > 0).astype(float)

# loss name -> (targets, outputs, output activation)
CASES = {
    "mse": (nn.datasets.one_hot(LABELS, 3), 3, "linear"),
    "mae": (nn.datasets.one_hot(LABELS, 3), 3, "linear"),
    "binary_cross_entropy": (BINARY, 1, "sigmoid"),
    "binary_cross_entropy_with_logits": (BINARY, 1, "linear"),
    "cross_entropy": (LABELS, 3, "linear"),
    "hinge": (np.where(BINARY > 0, 1.0, -1.0), 1, "linear"),
    "regression mse": (np.sin(X3[:, 0]) + 0.1 * X3[:, 1], 1, "linear"),
}
ACTIVATIONS = sorted(nn.activations.ACTIVATIONS)


def _scalar(model, loss_fn, X, y):
    model.zero_grad()
    outputs = [model(row) for row in X.tolist()]
    value = loss_fn(outputs, y.tolist())
    value.backward()
    return value.data, np.array([[o.data for o in out] for out in outputs]), [p.grad for p in model.parameters()]


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("loss", sorted(CASES))
def test_compiled_loss_equals_the_scalar_engine(loss, activation):
    y, n_out, output_activation = CASES[loss]
    model = nn.MLP(2, [5, n_out], activation=activation, output_activation=output_activation, seed=3)
    loss_fn = nn.losses.get_loss(loss.split()[-1])
    compiled = CompiledLoss(model, loss_fn, X3, y)
    if loss == "regression mse":  # every target differs: they enter the trace as inputs
        assert compiled.as_inputs is not None
    value, outputs, grads = _scalar(model, loss_fn, X3, y)
    model.zero_grad()
    c_value, c_outputs = compiled.step(X3, y)
    c_grads = [p.grad for p in model.parameters()]
    assert c_value == pytest.approx(value, rel=1e-12, abs=1e-15)
    np.testing.assert_allclose(c_outputs, outputs, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(c_grads, grads, rtol=1e-10, atol=1e-13)


def test_a_loss_that_cannot_be_compiled_falls_back_with_a_warning():
    # More distinct targets than traces, read as numbers by the loss: no trace stands for all.
    X = np.random.default_rng(0).normal(size=(MAX_TRACES + 1, 2))
    y = np.arange(MAX_TRACES + 1) / 7.0
    model = nn.MLP(2, [4, 1], seed=0)

    def reads_targets(outputs, targets):
        return nn.losses.mse(outputs, [[float(t) * 1.0] for t in targets])

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert compile_loss(model, reads_targets, X, y, "auto") is None
    assert any("scalar engine" in str(w.message) for w in caught)
    with pytest.raises(TraceError, match="cannot be compiled"):
        compile_loss(model, reads_targets, X, y, "compiled")
    assert compile_loss(model, reads_targets, X, y, "scalar") is None
    with pytest.raises(ValueError, match="engine"):
        compile_loss(model, reads_targets, X, y, "fast")


FIT_CASES = [
    ("cross_entropy", LABELS, 3, "linear", None),
    ("mse", nn.datasets.one_hot(LABELS, 3), 3, "linear", 8),
    ("hinge", np.where(BINARY > 0, 1.0, -1.0), 1, "linear", 1),
    ("binary_cross_entropy", BINARY, 1, "sigmoid", 16),
    ("binary_cross_entropy_with_logits", BINARY, 1, "linear", None),
    ("mae", nn.datasets.one_hot(LABELS, 3), 3, "linear", 5),
    ("mse", np.sin(X3[:, 0]) + 0.1 * X3[:, 1], 1, "linear", None),  # regression: the targets are inputs
]


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize(("loss", "y", "n_out", "output_activation", "batch_size"), FIT_CASES)
def test_fit_with_the_compiled_engine_trains_like_the_scalar_one(
    loss, y, n_out, output_activation, batch_size, activation
):
    runs = []
    for engine in ("scalar", "compiled"):
        model = nn.MLP(2, [6, n_out], activation=activation, output_activation=output_activation, seed=5)
        optimizer = nn.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        history = nn.fit(
            model, X3, y, loss, optimizer, epochs=3, batch_size=batch_size, seed=1, progress=False, engine=engine
        )
        runs.append((history, [p.data for p in model.parameters()], [p.grad for p in model.parameters()]))
    (scalar, scalar_params, scalar_grads), (compiled, compiled_params, compiled_grads) = runs
    np.testing.assert_allclose(compiled.loss, scalar.loss, rtol=1e-9)
    assert compiled.accuracy == scalar.accuracy
    np.testing.assert_allclose(compiled_params, scalar_params, rtol=1e-9, atol=1e-12)
    # The compiled engine keeps the parameters in one array while it trains; the model gets them
    # back at the end, with the grads the scalar engine leaves (the last batch's).
    np.testing.assert_allclose(compiled_grads, scalar_grads, rtol=1e-8, atol=1e-12)


def _two_fits(make_optimizer, epochs=4, batch_size=7, **fit_args):
    """(History, parameters, grads) of the same fit on the scalar and the compiled engine."""
    runs = []
    for engine in ("scalar", "compiled"):
        model = nn.MLP(2, [5, 3], activation="tanh", seed=2)
        optimizer = make_optimizer(model.parameters())
        history = nn.fit(
            model,
            X3,
            LABELS,
            "cross_entropy",
            optimizer,
            epochs,
            batch_size,
            seed=0,
            progress=False,
            engine=engine,
            **fit_args,
        )
        runs.append((history, [p.data for p in model.parameters()], [p.grad for p in model.parameters()]))
    return runs


@pytest.mark.parametrize(
    "make_optimizer",
    [
        lambda ps: nn.optim.Adam(ps, lr=0.01, weight_decay=0.1),
        lambda ps: nn.optim.SGD(ps, lr=0.1, momentum=0.5, nesterov=True, weight_decay=0.01),
        lambda ps: nn.optim.SGD(ps[:7], lr=0.1),  # a subset: the others keep their values, their grads add up
    ],
)
def test_the_optimizers_rule_on_arrays_trains_like_the_scalar_engine(make_optimizer):
    (scalar, scalar_params, scalar_grads), (compiled, compiled_params, compiled_grads) = _two_fits(make_optimizer)
    assert compiled.engine == "compiled" and scalar.engine == "scalar"
    np.testing.assert_allclose(compiled.loss, scalar.loss, rtol=1e-9)
    np.testing.assert_allclose(compiled_params, scalar_params, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(compiled_grads, scalar_grads, rtol=1e-8, atol=1e-12)


def test_an_optimizer_with_its_own_step_is_called_every_step():
    class Clipped(nn.optim.SGD):
        steps = 0

        def step(self):
            Clipped.steps += 1
            for p in self.params:
                p.grad = max(-0.1, min(0.1, p.grad))
            super().step()

    (scalar, scalar_params, _), (compiled, compiled_params, _) = _two_fits(lambda ps: Clipped(ps, lr=0.5))
    assert Clipped.steps == 2 * 4 * 5  # two fits, 4 epochs of 5 batches (30 samples by 7)
    np.testing.assert_allclose(compiled.loss, scalar.loss, rtol=1e-9)
    np.testing.assert_allclose(compiled_params, scalar_params, rtol=1e-9, atol=1e-12)


def test_a_callback_sees_the_model_as_trained_so_far_and_may_change_it():
    seen = []

    def callback(epoch, history):
        seen.append([p.data for p in model.parameters()])
        if epoch == 2:
            model.parameters()[0].data = 0.25  # taken up by the next epoch

    model = nn.MLP(2, [4, 3], seed=0)
    nn.fit(
        model,
        X3,
        LABELS,
        "cross_entropy",
        nn.SGD(model.parameters(), lr=0.1),
        3,
        progress=False,
        callback=callback,
        engine="compiled",
    )
    assert seen[0] != seen[1] != seen[2]
    twin = nn.MLP(2, [4, 3], seed=0)
    nn.fit(twin, X3, LABELS, "cross_entropy", nn.SGD(twin.parameters(), lr=0.1), 2, progress=False, engine="compiled")
    assert seen[1] == [p.data for p in twin.parameters()]
    twin.parameters()[0].data = 0.25
    nn.fit(twin, X3, LABELS, "cross_entropy", nn.SGD(twin.parameters(), lr=0.1), 1, progress=False, engine="compiled")
    assert [p.data for p in model.parameters()] == [p.data for p in twin.parameters()]


def test_an_interrupted_compiled_fit_leaves_the_model_at_a_whole_step():
    model = nn.MLP(2, [4, 3], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.1)
    states = []

    def interrupt(epoch, history):
        states.append([p.data for p in model.parameters()])
        if epoch == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        nn.fit(model, X3, LABELS, "cross_entropy", optimizer, 5, batch_size=10, progress=False, callback=interrupt)
    assert [p.data for p in model.parameters()] == states[-1]


def test_fit_auto_falls_back_to_the_scalar_engine_with_a_warning():
    X = np.random.default_rng(0).normal(size=(MAX_TRACES + 1, 2))
    y = np.arange(MAX_TRACES + 1) / 7.0

    def reads_targets(outputs, targets):
        return nn.losses.mse(outputs, [[float(t)] for t in targets])

    model = nn.MLP(2, [3, 1], seed=0)
    with pytest.warns(RuntimeWarning, match="scalar engine"):
        history = nn.fit(model, X, y, reads_targets, nn.optim.SGD(model.parameters(), lr=0.01), 2, progress=False)
    assert len(history.loss) == 2


def test_a_value_the_loss_closes_over_that_is_no_parameter_is_read_and_its_grad_adds_up():
    runs = []
    for engine in ("scalar", "compiled"):
        scale = autodiff.Value(2.0)  # not the model's: nobody trains it, its grad adds up over the batches
        model = nn.MLP(2, [4, 3], seed=1)

        def loss(outputs, targets, scale=scale):
            return scale * nn.losses.cross_entropy(outputs, targets)

        optimizer = nn.SGD(model.parameters(), lr=0.1)
        history = nn.fit(model, X3, LABELS, loss, optimizer, 3, batch_size=10, seed=0, progress=False, engine=engine)
        runs.append((history.engine, history.loss, [p.data for p in model.parameters()], scale.data, scale.grad))
    (_, scalar_loss, scalar_params, _, scalar_grad), (engine, loss, params, scale_data, grad) = runs
    assert engine == "compiled" and scale_data == 2.0
    np.testing.assert_allclose(loss, scalar_loss, rtol=1e-9)
    np.testing.assert_allclose(params, scalar_params, rtol=1e-9, atol=1e-12)
    assert grad == pytest.approx(scalar_grad, rel=1e-9) and grad != 0.0


def test_hinge_takes_its_labels_as_inputs_and_a_bad_label_is_an_error_on_every_row():
    model = nn.MLP(2, [4, 1], seed=0)
    X = np.random.default_rng(0).normal(size=(6, 2))
    y = np.array([1.0, -1.0, 1.0, 1.0, -1.0, -1.0])
    compiled = CompiledLoss(model, nn.losses.hinge, X, y)
    assert compiled.as_inputs is not None and compiled.by_target is None  # one trace, labels as inputs
    f = compiled.as_inputs
    rows = np.column_stack([X, y])
    f(rows)  # every label is -1 or +1
    rows[3, 2] = 0.5
    with pytest.raises(ValueError, match=r"hinge: labels must be -1 or \+1, got 0.5"):
        f(rows)  # the label check, recorded while tracing, fails at row 3: the scalar engine's own error
