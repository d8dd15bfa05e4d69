"""autodiff.compile: the replay gives the scalar engine's numbers, or an error; never a silent difference."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autodiff
import nn
from autodiff import TraceError, Value
from autodiff.testing import expressions

BACKENDS = ["numpy", "python"]


def _scalar(fn, X):
    """Outputs per row and parameter gradients of sum(fn(*row)), from the scalar engine."""
    outs = []
    total = None
    for row in X:
        out = fn(*[Value(float(x)) for x in row])
        outs.append(out.data)
        total = out if total is None else total + out
    return np.array(outs), total


def _close(a, b, backend):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if backend == "python":
        assert np.array_equal(a, b), (a, b)
    else:
        assert np.allclose(a, b, rtol=1e-12, atol=1e-12), (a, b)


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=40, deadline=None)
@given(case=expressions(n_inputs=3), data=st.data())
def test_random_expressions_replay_like_the_scalar_engine(backend, case, data):
    expression, first = case
    # Rows near the traced one: inside the domains the expression's guards keep.
    rows = data.draw(st.lists(st.lists(st.floats(-0.05, 0.05), min_size=3, max_size=3), min_size=1, max_size=5))
    X = np.array([first] + [[x + d for x, d in zip(first, row)] for row in rows])
    try:
        reference = [expression(*map(float, row)) for row in X]
    except (ArithmeticError, ValueError):
        return  # a row outside a domain: covered by the error tests below
    f = autodiff.compile(expression, n_inputs=3, backend=backend)
    try:
        out = f(X)
    except TraceError:
        return  # the expression's graph differs between rows (a constant shift): refused, never wrong
    _close(out, reference, backend)
    try:
        expected = [autodiff.gradients(y, xs) for y, xs in _traced(expression, X)]
    except (ArithmeticError, ValueError) as error:  # an infinite slope (arccos at 1): the same error
        with pytest.raises(type(error)):
            f.input_grads(X)
        return
    _close(f.input_grads(X), expected, backend)


def _traced(expression, X):
    for row in X:
        xs = [Value(float(x)) for x in row]
        yield expression(*xs), xs


@pytest.mark.parametrize("backend", BACKENDS)
def test_backward_adds_what_the_summed_scalar_graph_adds(backend):
    model = nn.MLP(2, [8, 8, 1], activation="tanh", seed=1)

    def loss(x1, x2, y):
        return (model([x1, x2])[0] - y) ** 2 + 1e-3 * autodiff.sum([p * p for p in model.parameters()[:4]])

    X = np.random.default_rng(0).normal(size=(20, 3))
    f = autodiff.compile(loss, backend=backend)
    model.zero_grad()
    out = f.backward(X)
    compiled = [p.grad for p in model.parameters()]
    model.zero_grad()
    outs, total = _scalar(loss, X)
    total.backward()
    _close(out, outs, backend)
    _close(compiled, [p.grad for p in model.parameters()], backend)


def test_parameters_are_read_fresh_at_every_call():
    w = Value(2.0)
    f = autodiff.compile(lambda x: w * x, n_inputs=1)
    assert f([[3.0]]).tolist() == [6.0]
    w.data = -1.0
    assert f([[3.0]]).tolist() == [-3.0]


def test_grad_weights_rows_and_outputs():
    w = Value(0.5)
    f = autodiff.compile(lambda x: [w * x, (w * x).exp()], n_inputs=1, backend="numpy")
    X = [[1.0], [2.0]]
    weights = [[1.0, 0.0], [0.5, 2.0]]
    f.backward(X, grad=weights)
    expected = 1.0 * 1.0 + 0.5 * 2.0 + 2.0 * math.exp(0.5 * 2.0) * 2.0
    assert w.grad == pytest.approx(expected, rel=1e-12)
    assert f(X).shape == (2, 2) and f.input_grads(X).shape == (2, 2, 1)


def test_a_branch_on_a_traced_value_is_checked_on_every_row():
    def f(x):
        return x.tanh() if x > 0 else x.relu()

    compiled = autodiff.compile(f, n_inputs=1, backend="numpy")
    assert compiled([[1.0], [2.0]]).tolist() == [math.tanh(1.0), math.tanh(2.0)]
    # Traced on rows that agree; a later batch with a row that goes the other way is refused.
    with pytest.raises(TraceError, match="branched on a traced Value"):
        compiled([[1.0], [-1.0]])
    # A batch whose rows differ in their branch is refused at tracing too.
    with pytest.raises(TraceError, match="different graph"):
        autodiff.compile(f, n_inputs=1)([[1.0], [-1.0]])


def test_float_of_a_traced_value_is_refused():
    with pytest.raises(TraceError, match="float"):
        autodiff.compile(lambda x, y: x * float(y), n_inputs=2)([[1.0, 2.0]])


def test_per_sample_data_as_a_constant_is_refused():
    # y.data enters as a plain number: the graph's constant would differ from row to row.
    with pytest.raises(TraceError, match="different"):
        autodiff.compile(lambda x, y: x * Value(y.data), n_inputs=2)([[1.0, 2.0], [1.0, 3.0]])


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("fn", "good", "bad", "error", "match"),
    [
        (lambda x: (x - 2.0).log(), 5.0, 1.0, ValueError, "log"),
        (lambda x: (x * 1000.0).exp(), 0.1, 1.0, OverflowError, "exp"),
        (lambda x: 1.0 / (x - 1.0), 5.0, 1.0, ZeroDivisionError, "div"),
    ],
)
def test_errors_are_the_scalar_engines(backend, fn, good, bad, error, match):
    f = autodiff.compile(fn, n_inputs=1, backend=backend)
    f([[good]])  # traced on a good row
    with pytest.raises(error, match=match):
        f([[good], [bad]])


def test_a_failed_backward_changes_no_grad():
    w = Value(1.0)
    f = autodiff.compile(lambda x: (w * x).sqrt(), n_inputs=1, backend="numpy")
    f.backward([[4.0]])
    before = w.grad
    with pytest.raises(ValueError, match="sqrt"):
        f.backward([[4.0], [-1.0]])
    assert w.grad == before


def test_the_trace_is_a_graph_viz_can_draw():
    import viz

    w = Value(2.0, label="w")
    f = autodiff.compile(lambda x: (w * x).tanh(), n_inputs=1)
    f([[0.5]])
    assert "tanh" in viz.draw_graph(f.trace.outputs[0]).source


def test_bad_input_is_refused():
    f = autodiff.compile(lambda x: x * 2.0, n_inputs=1)
    with pytest.raises(ValueError, match="finite"):
        f([[math.nan]])
    with pytest.raises(ValueError, match="columns"):
        f([[1.0, 2.0]])
    with pytest.raises(ValueError, match="backend"):
        autodiff.compile(lambda x: x, backend="gpu")


def test_a_user_op_whose_rule_cannot_run_on_arrays_is_named_or_replayed_in_python():
    import math as m

    wave = autodiff.define_op("wave_demo", lambda x: m.sin(x), lambda x, out: m.cos(x), register=False)
    w = Value(0.5)
    X = np.linspace(-1.0, 1.0, 40)[:, None]
    with pytest.raises(TypeError, match="NumPy arrays"):
        autodiff.compile(lambda x: wave(w * x), n_inputs=1, backend="numpy")(X)
    f = autodiff.compile(lambda x: wave(w * x), n_inputs=1)  # auto: python, said once
    with pytest.warns(RuntimeWarning, match="straight-line Python"):
        out = f(X)
    assert out.tolist() == [m.sin(0.5 * x) for x in X[:, 0]]


def test_a_user_op_written_with_the_ops_functions_runs_on_arrays():
    from autodiff import ops

    wave = autodiff.define_op("wave_ok", lambda x: ops.sin(x), lambda x, out: ops.cos(x), register=False)
    w = Value(0.5)
    X = np.linspace(-1.0, 1.0, 40)[:, None]
    f = autodiff.compile(lambda x: wave(w * x), n_inputs=1, backend="numpy")
    np.testing.assert_allclose(f(X), np.sin(0.5 * X[:, 0]), rtol=1e-15)
    f.backward(X)
    assert w.grad == pytest.approx(float(np.sum(X[:, 0] * np.cos(0.5 * X[:, 0]))), rel=1e-12)


def test_the_first_batch_replay_after_a_parameter_update_needs_no_fallback():
    w = Value(2.0)
    f = autodiff.compile(lambda x: (w * x).tanh(), n_inputs=1)
    f([[0.1]])  # traced on one row (the python replay)
    w.data = -3.0  # a training step
    X = np.linspace(0.0, 1.0, 20)[:, None]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the NumPy replay proves itself against the parameters of now
        out = f(X)
    np.testing.assert_allclose(out, np.tanh(-3.0 * X[:, 0]), rtol=1e-15)


@pytest.mark.parametrize("backend", BACKENDS)
def test_value_and_grad_at_given_parameter_values_changes_no_value(backend):
    model = nn.MLP(2, [4, 1], activation="tanh", seed=0)
    f = autodiff.compile(lambda x1, x2: model([x1, x2])[0], backend=backend)
    X = np.random.default_rng(1).normal(size=(5, 2))
    f(X)  # traced: f.params is known
    assert f.params == model.parameters()
    theta = np.linspace(-1.0, 1.0, len(f.params))
    out, grads = f.value_and_grad(X, params=theta)
    assert all(p.grad == 0.0 for p in model.parameters())  # nothing written
    assert [p.data for p in model.parameters()] != theta.tolist()
    for p, value in zip(model.parameters(), theta.tolist()):
        p.data = value
    model.zero_grad()
    _close(out, f.backward(X), backend)
    _close(grads, [p.grad for p in model.parameters()], backend)
    with pytest.raises(ValueError, match="params must hold the 17"):
        f.value_and_grad(X, params=theta[:3])


def test_params_are_known_once_traced():
    f = autodiff.compile(lambda x: x * 2.0, n_inputs=1)
    with pytest.raises(ValueError, match="once the function is traced"):
        f.params  # noqa: B018
    f([[1.0]])
    assert f.params == []


def test_an_error_at_given_parameter_values_is_the_scalar_engines_and_leaves_the_values():
    w = Value(1.0)
    f = autodiff.compile(lambda x: (w * x).log(), n_inputs=1, backend="numpy")
    f.value_and_grad([[2.0], [3.0]])
    with pytest.raises(ValueError, match="log"):
        f.value_and_grad([[2.0], [3.0]], params=[-1.0])
    assert w.data == 1.0


def test_a_rule_that_looks_at_its_value_is_called_per_row_not_read_once():
    # The python replay reads a rule once on symbols when it is arithmetic only (dot: w . x + b,
    # d/dw = x). A rule that looks at the value (here with a truth test, which a symbol refuses)
    # must run on every row's numbers instead.
    gate = autodiff.define_op("gate_demo", lambda x: x if x else 0.0, lambda x, out: 1.0 if x else 0.0, register=False)
    passthrough = autodiff.define_op("twice_demo", lambda x: 2.0 * x, lambda x, out: 2.0, register=False)
    w = Value(1.5)
    f = autodiff.compile(lambda x: gate(w * x) + passthrough(w * x), n_inputs=1, backend="python")
    X = np.array([[0.0], [2.0], [-1.0]])
    f.backward(X)
    assert w.grad == 0.0 * 1.0 + 2.0 * 1.0 + (-1.0) * 1.0 + 2.0 * (0.0 + 2.0 - 1.0)
    backward = f._python.source.split("if seeds is None")[1]
    assert backward.count("* Rv") == 1  # only the gate's rule is called; the muls', twice's and add's were read


def test_results_are_not_overwritten_by_the_next_replay_and_threads_take_turns():
    import threading

    model = nn.MLP(2, [6, 1], activation="relu", seed=0)
    f = autodiff.compile(lambda x1, x2: model([x1, x2])[0], backend="numpy")
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(40, 2)), rng.normal(size=(40, 2))
    out_a, grads_a = f.value_and_grad(A)
    kept = out_a.copy(), grads_a.copy()
    f.value_and_grad(B)  # the same batch size: the same workspace
    assert np.array_equal(out_a, kept[0]) and np.array_equal(grads_a, kept[1])
    expected = {0: f.value_and_grad(A), 1: f.value_and_grad(B)}
    results, errors = {}, []

    def work(k):
        try:
            for _ in range(50):
                results.setdefault(k, []).append(f.value_and_grad(A if k == 0 else B))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(k,)) for k in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for k in (0, 1):
        for out, grads in results[k]:
            assert np.array_equal(out, expected[k][0]) and np.array_equal(grads, expected[k][1])


def test_arithmetic_rules_are_written_inline_and_others_called_bit_for_bit():
    model = nn.MLP(3, [5, 2], activation="tanh", seed=0)
    wide = [Value(0.001 * k) for k in range(400)]  # a dot of 400 weights: too long to write, called

    def fn(x1, x2, x3):
        out = model([x1, x2, x3])
        return [out[0] * out[1], autodiff.dot(wide, [x1] * 400) + x2.relu()]

    f = autodiff.compile(fn, backend="python")
    X = np.random.default_rng(3).normal(size=(6, 3))
    out = f.backward(X)
    source = f._python.source
    forward, backward = source.split("if seeds is None")
    assert forward.count("= F") == 5 + 1  # tanh's forward (math.tanh) per neuron, and the 400-dot
    # d tanh (1 - out * out) and every partial of the dots (their inputs) are written inline
    assert "* Rv" not in backward and "L = R" not in backward
    grads = [p.grad for p in model.parameters() + wide]
    for p in model.parameters() + wide:
        p.grad = 0.0
    outs, total = [], None
    for row in X:
        result = fn(*[Value(float(x)) for x in row])
        outs.append([o.data for o in result])
        total = sum(result) if total is None else total + sum(result)
    total.backward()
    assert np.array_equal(out, np.array(outs))
    assert grads == [p.grad for p in model.parameters() + wide]


@pytest.mark.parametrize("backend", BACKENDS)
def test_parameter_values_that_are_not_finite_are_refused_naming_the_parameter(backend):
    w, b = Value(1.0, label="w"), Value(0.0, label="b")
    f = autodiff.compile(lambda x: (w * x + b).tanh(), n_inputs=1, backend=backend)
    X = [[0.5], [1.0]]
    f(X)
    with pytest.raises(ValueError, match=r"parameter 1 \(.*b.*\) is inf"):
        f.value_and_grad(X, params=[1.0, math.inf])  # tanh(inf) would be a finite 1.0: refused, not replayed
