"""Losses: values against NumPy, shapes, bad inputs, and exact gradients (Hypothesis + gradcheck)."""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import autodiff
from autodiff import Value
from nn import losses

small = st.floats(-5, 5, allow_nan=False)


def vals(rows):
    return [[Value(x) for x in row] for row in rows]


# ---------------------------------------------------------------- values
@given(st.integers(1, 4).flatmap(lambda k: st.lists(st.tuples(*[st.tuples(small, small)] * k), min_size=1, max_size=5)))
def test_mse_and_mae_are_np_means(data):
    outputs = [[o for o, _ in row] for row in data]
    targets = [[t for _, t in row] for row in data]
    o, t = np.array(outputs), np.array(targets)
    assert losses.mse(vals(outputs), targets).data == pytest.approx(np.mean((o - t) ** 2), rel=1e-12, abs=1e-12)
    assert losses.mae(vals(outputs), targets).data == pytest.approx(np.mean(np.abs(o - t)), rel=1e-12, abs=1e-12)


def test_one_sample_is_the_mean_over_outputs():
    assert losses.mse([Value(121.5), Value(62.5)], [1, 0]).data == 9213.25
    assert losses.mse(Value(3.0), 1.0).data == 4.0
    assert losses.mse([[Value(3.0)], [Value(1.0)]], [1.0, 2.0]).data == 2.5  # bare targets for 1-output samples
    assert losses.mse(np.array([[3.0], [1.0]]), np.array([[1.0], [2.0]])).data == 2.5


def test_loss_is_one_value_with_a_single_sum_node():
    loss = losses.mse([[Value(1.0), Value(2.0)], [Value(3.0), Value(4.0)]], [[0, 0], [0, 0]])
    assert isinstance(loss, Value)
    assert (
        loss.op.name == "div_const"
        and loss.arg == 4
        and loss.parents[0].op.name == "sum"
        and len(loss.parents[0].parents) == 4
    )


def test_binary_cross_entropy_values_and_clipping():
    p, t = [0.9, 0.2, 0.5], [1, 0, 1]
    expected = -np.mean([math.log(0.9), math.log(0.8), math.log(0.5)])
    assert losses.binary_cross_entropy([[Value(x)] for x in p], t).data == pytest.approx(expected, rel=1e-12)
    soft = losses.binary_cross_entropy([Value(0.7)], [0.25]).data
    assert soft == pytest.approx(-(0.25 * math.log(0.7) + 0.75 * math.log(0.3)), rel=1e-12)
    clipped = losses.binary_cross_entropy([Value(0.0)], [1], eps=1e-12)
    assert clipped.data == pytest.approx(-math.log(1e-12), rel=1e-12)
    assert math.isfinite(losses.binary_cross_entropy([Value(1.0)], [0]).data)


def test_bce_with_logits_is_stable_and_matches_bce():
    for z, t in [(2.0, 1), (-3.0, 0), (0.5, 0.3)]:
        direct = losses.binary_cross_entropy([Value(z).sigmoid()], [t]).data
        assert losses.binary_cross_entropy_with_logits([Value(z)], [t]).data == pytest.approx(direct, rel=1e-12)
    assert losses.binary_cross_entropy_with_logits([Value(-1000.0)], [1]).data == 1000.0
    assert losses.binary_cross_entropy_with_logits([Value(1000.0)], [1]).data == 0.0


def test_cross_entropy_index_and_one_hot_agree_with_numpy():
    logits = [[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]]
    z = np.array(logits)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    expected = -np.mean([log_p[0, 0], log_p[1, 1]])
    assert losses.cross_entropy(vals(logits), [0, 1]).data == pytest.approx(expected, rel=1e-12)
    assert losses.cross_entropy(vals(logits), [[1, 0, 0], [0, 1, 0]]).data == pytest.approx(expected, rel=1e-12)
    assert losses.cross_entropy(vals(logits), np.array([0, 1])).data == pytest.approx(expected, rel=1e-12)
    assert losses.cross_entropy(vals(logits)[0], 0).data == pytest.approx(-log_p[0, 0], rel=1e-12)
    assert losses.cross_entropy([Value(1000.0), Value(0.0)], 1).data == 1000.0  # stable


def test_hinge_is_micrograds():
    scores, labels = [[Value(0.5)], [Value(-2.0)], [Value(-0.2)]], [1, -1, 1]
    assert losses.hinge(scores, labels).data == pytest.approx((0.5 + 0 + 1.2) / 3, rel=1e-12)


def test_l2_is_one_dot_node_with_gradient_2p():
    ps = [Value(3.0), Value(-4.0)]
    loss = losses.l2(ps)
    assert loss.data == 25.0 and loss.op.name == "dot"
    loss.backward()
    assert [p.grad for p in ps] == [6.0, -8.0]
    assert losses.l2([]).data == 0.0


# ---------------------------------------------------------------- bad inputs
@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: losses.mse([Value(1.0), Value(2.0)], [1.0]), "2 outputs but 1 targets"),
        (lambda: losses.mse([[Value(1.0)], [Value(2.0)]], [1.0, 2.0, 3.0]), "2 samples of outputs but 3 targets"),
        (lambda: losses.mse([[Value(1.0)], [Value(2.0)]], 1.0), "2 samples of outputs but a float"),
        (lambda: losses.mae([], []), "empty"),
        (lambda: losses.mse([Value(1.0)], ["a"]), "finite number"),
        (lambda: losses.mse([Value(1.0)], [float("nan")]), "finite number"),
        (lambda: losses.hinge([Value(1.0)], [0]), "-1 or \\+1"),
        (lambda: losses.binary_cross_entropy([Value(0.5)], [2]), r"\[0, 1\]"),
        (lambda: losses.binary_cross_entropy([Value(1.5)], [1]), "probabilities must be in"),
        (lambda: losses.binary_cross_entropy([Value(0.5)], [1], eps=0.0), "eps"),
        (lambda: losses.cross_entropy([Value(1.0), Value(2.0)], 2), "class index 2 .* 2 logits"),
        (lambda: losses.cross_entropy([Value(1.0), Value(2.0)], 0.5), "class index or a one-hot"),
        (lambda: losses.cross_entropy([Value(1.0), Value(2.0)], [1, 0, 0]), "2 logits but a target of length 3"),
        (lambda: losses.cross_entropy([Value(1.0), Value(2.0)], [1, 1]), "sum to 1"),
        (lambda: losses.cross_entropy([[Value(1.0), Value(2.0)]], [0, 1]), "1 samples of logits but 2 targets"),
        (lambda: losses.l2([1.0]), "must be Values"),
        (lambda: losses.get_loss("mean_squared"), "valid losses: mse"),
    ],
)
def test_bad_shapes_and_values_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---------------------------------------------------------------- exact gradients
def check(loss_fn, xs, shape):
    """gradcheck loss_fn over the flat inputs xs, reshaped to `shape` rows."""

    def f(*values):
        rows, i = [], 0
        for width in shape:
            rows.append(list(values[i : i + width]))
            i += width
        return loss_fn(rows)

    assert autodiff.gradcheck(f, *xs)


batch = st.integers(1, 3).flatmap(
    lambda n: st.integers(1, 3).flatmap(
        lambda k: st.tuples(
            st.just((n, k)),
            st.lists(small, min_size=n * k, max_size=n * k),
            st.lists(small, min_size=n * k, max_size=n * k),
        )
    )
)


@given(batch)
def test_gradcheck_mse(data):
    (n, k), xs, ts = data
    targets = [ts[i * k : (i + 1) * k] for i in range(n)]
    check(lambda rows: losses.mse(rows, targets), xs, [k] * n)


@given(batch)
def test_gradcheck_mae(data):
    (n, k), xs, ts = data
    assume(all(abs(x - t) > 1e-3 for x, t in zip(xs, ts)))  # |.| has a kink at 0
    targets = [ts[i * k : (i + 1) * k] for i in range(n)]
    check(lambda rows: losses.mae(rows, targets), xs, [k] * n)


@given(st.lists(st.tuples(st.floats(0.01, 0.99), st.floats(0, 1)), min_size=1, max_size=4))
def test_gradcheck_binary_cross_entropy(pairs):
    ps, ts = zip(*pairs)
    check(lambda rows: losses.binary_cross_entropy(rows, list(ts)), ps, [1] * len(ps))


@given(st.lists(st.tuples(st.floats(-10, 10), st.floats(0, 1)), min_size=1, max_size=4))
def test_gradcheck_bce_with_logits(pairs):
    zs, ts = zip(*pairs)
    check(lambda rows: losses.binary_cross_entropy_with_logits(rows, list(ts)), zs, [1] * len(zs))


@given(
    st.integers(2, 4).flatmap(
        lambda k: st.tuples(
            st.just(k), st.lists(st.lists(small, min_size=k, max_size=k), min_size=1, max_size=3), st.data()
        )
    )
)
def test_gradcheck_cross_entropy(data):
    k, logits, draw = data
    indices = [draw.draw(st.integers(0, k - 1)) for _ in logits]
    flat = [x for row in logits for x in row]
    check(lambda rows: losses.cross_entropy(rows, indices), flat, [k] * len(logits))
    one_hot = [[1.0 if j == i else 0.0 for j in range(k)] for i in indices]
    check(lambda rows: losses.cross_entropy(rows, one_hot), flat, [k] * len(logits))


@given(st.lists(st.tuples(small, st.sampled_from([-1, 1])), min_size=1, max_size=5))
def test_gradcheck_hinge(pairs):
    scores, labels = zip(*pairs)
    assume(all(abs(1 - y * s) > 1e-3 for s, y in pairs))  # relu's kink
    check(lambda rows: losses.hinge(rows, list(labels)), scores, [1] * len(scores))


@given(st.lists(small, min_size=1, max_size=6))
def test_gradcheck_l2(xs):
    assert autodiff.gradcheck(lambda *ps: losses.l2(ps), *xs)


def test_huge_int_targets_are_named_by_their_size():
    with pytest.raises(ValueError, match="target 0.0 must be a finite number, got a 401-digit int"):
        losses.mse([Value(1.0)], [10**400])
    with pytest.raises(ValueError, match="eps must be < 0.5"):
        losses.binary_cross_entropy([Value(0.5)], [1], eps=0.5)


def test_each_loss_declares_its_accuracy_rule_and_target_check():
    import numpy as np

    outputs = np.array([[0.2, 0.9], [0.8, -0.1]])
    assert losses.cross_entropy.accuracy(outputs, [1, 1]) == 0.5
    assert losses.hinge.accuracy(np.array([[0.3], [-2.0]]), [1, 1]) == 0.5
    assert losses.binary_cross_entropy.accuracy(np.array([[0.6], [0.4]]), [1, 1]) == 0.5
    assert losses.binary_cross_entropy_with_logits.accuracy(np.array([[0.1], [-0.1]]), [0, 0]) == 0.5
    assert losses.mse.accuracy is None and losses.mae.accuracy is None
    losses.cross_entropy.check_targets([0, 1, [0.5, 0.5]], 2)
    with pytest.raises(ValueError, match="sample 2"):
        losses.cross_entropy.check_targets([0, 1, 2], 2)
    with pytest.raises(ValueError, match="sample 1 has 2 outputs but 1 targets"):
        losses.mse.check_targets([[1.0, 2.0], [1.0]], 2)
