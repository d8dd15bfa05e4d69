"""Tests for nn.datasets: toy dataset generators and data helpers."""

import inspect
import re

import numpy as np
import pytest

from nn.datasets import (
    batches,
    make_blobs,
    make_circles,
    make_moons,
    make_sine,
    make_spirals,
    one_hot,
    train_test_split,
    xor,
)

# Every generator called with a seed and enough randomness that two seeds differ.
SEEDED_GENERATORS = {
    "blobs": lambda n, seed: make_blobs(n, random_state=seed),
    "moons": lambda n, seed: make_moons(n, noise=0.1, random_state=seed),
    "circles": lambda n, seed: make_circles(n, noise=0.1, random_state=seed),
    "spirals": lambda n, seed: make_spirals(n, n_classes=3, noise=0.1, random_state=seed),
    "sine": lambda n, seed: make_sine(n, noise=0.1, random_state=seed),
}
CLASSIFIERS = ["blobs", "moons", "circles", "spirals"]


def sort_rows(X):
    """Rows of X in lexicographic order, to compare point sets ignoring order."""
    X = np.asarray(X)
    return X[np.lexsort(X.T[::-1])]


# ---------------------------------------------------------------------------
# xor
# ---------------------------------------------------------------------------


def test_xor_values_and_dtypes():
    X, y = xor()
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, [0, 1, 1, 0])
    assert X.dtype == np.float64
    assert np.issubdtype(y.dtype, np.integer)
    # y really is XOR of the two inputs
    np.testing.assert_array_equal(y, np.logical_xor(X[:, 0], X[:, 1]).astype(int))


# ---------------------------------------------------------------------------
# Shapes, dtypes, determinism (all generators)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", CLASSIFIERS)
@pytest.mark.parametrize("n", [1, 2, 7, 100])
def test_classifier_shapes_and_dtypes(name, n):
    X, y = SEEDED_GENERATORS[name](n, 0)
    assert X.shape == (n, 2)
    assert y.shape == (n,)
    assert X.dtype == np.float64
    assert np.issubdtype(y.dtype, np.integer)
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("n", [1, 5, 100])
def test_sine_shapes_and_dtypes(n):
    X, y = make_sine(n, random_state=0)
    assert X.shape == (n, 1)
    assert y.shape == (n,)
    assert X.dtype == np.float64 and y.dtype == np.float64


@pytest.mark.parametrize("name", sorted(SEEDED_GENERATORS))
def test_same_seed_gives_identical_arrays(name):
    X1, y1 = SEEDED_GENERATORS[name](50, 123)
    X2, y2 = SEEDED_GENERATORS[name](50, 123)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)


@pytest.mark.parametrize("name", sorted(SEEDED_GENERATORS))
def test_different_seeds_give_different_arrays(name):
    X1, _ = SEEDED_GENERATORS[name](50, 1)
    X2, _ = SEEDED_GENERATORS[name](50, 2)
    assert not np.array_equal(X1, X2)


@pytest.mark.parametrize("name", ["spirals", "sine"])
def test_generator_object_is_accepted_and_matches_int_seed(name):
    # spirals and sine draw from np.random.default_rng(seed)
    X1, y1 = SEEDED_GENERATORS[name](30, 7)
    X2, y2 = SEEDED_GENERATORS[name](30, np.random.default_rng(7))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)


@pytest.mark.parametrize("name", ["blobs", "moons", "circles"])
def test_sklearn_twins_take_int_seeds_as_random_state_and_generators_as_is(name):
    # the scikit-learn twins draw from np.random.RandomState(seed), as scikit-learn does
    X1, y1 = SEEDED_GENERATORS[name](30, 7)
    X2, y2 = SEEDED_GENERATORS[name](30, np.random.RandomState(7))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, y3 = SEEDED_GENERATORS[name](30, np.random.default_rng(7))
    X4, y4 = SEEDED_GENERATORS[name](30, np.random.default_rng(7))
    np.testing.assert_array_equal(X3, X4)
    np.testing.assert_array_equal(y3, y4)


def test_random_state_object_is_accepted_and_deterministic():
    X1, y1 = make_moons(40, noise=0.2, random_state=np.random.RandomState(3))
    X2, y2 = make_moons(40, noise=0.2, random_state=np.random.RandomState(3))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)


def test_shared_generator_advances_between_calls():
    rng = np.random.default_rng(0)
    X1, _ = make_moons(30, noise=0.1, random_state=rng)
    X2, _ = make_moons(30, noise=0.1, random_state=rng)
    assert not np.array_equal(X1, X2)


@pytest.mark.parametrize("bad", ["seed", 1.5, True, -1])
def test_bad_random_state_raises(bad):
    with pytest.raises(ValueError, match="random_state"):
        make_moons(10, random_state=bad)


# ---------------------------------------------------------------------------
# Argument validation shared by the generators
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "func, kwargs, match",
    [
        (make_blobs, {"n_samples": 0}, "n_samples.*0"),
        (make_moons, {"n_samples": -3}, "n_samples.*-3"),
        (make_circles, {"n_samples": 2.5}, "n_samples.*2.5"),
        (make_spirals, {"n_samples": True}, "n_samples.*True"),
        (make_sine, {"n_samples": 0}, "n_samples.*0"),
        (make_moons, {"noise": -0.1}, "noise.*-0.1"),
        (make_circles, {"noise": -1.0}, "noise.*-1.0"),
        (make_spirals, {"noise": -0.5}, "noise.*-0.5"),
        (make_sine, {"noise": -0.2}, "noise.*-0.2"),
        (make_spirals, {"n_classes": 0}, "n_classes.*0"),
        (make_spirals, {"turns": 0}, "turns.*0"),
        (make_blobs, {"centers": 0}, "centers.*0"),
        (make_blobs, {"n_features": 0}, "n_features.*0"),
        (make_blobs, {"cluster_std": -1.0}, "cluster_std.*-1.0"),
        (make_blobs, {"centers": [[0, 0], [1, 1]], "cluster_std": [1.0, 1.0, 1.0]}, "cluster_std"),
        (make_blobs, {"centers": [1.0, 2.0]}, "centers"),
        (make_blobs, {"center_box": (5.0, -5.0)}, "center_box"),
        (make_circles, {"factor": 1.0}, "factor.*1.0"),
        (make_circles, {"factor": -0.1}, "factor.*-0.1"),
        (make_sine, {"x_range": (1.0, 1.0)}, "x_range"),
    ],
)
def test_bad_arguments_raise_value_error_naming_them(func, kwargs, match):
    with pytest.raises(ValueError, match=match):
        func(**kwargs)


# ---------------------------------------------------------------------------
# Class balance
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("make", [make_moons, make_circles])
@pytest.mark.parametrize("n, expected", [(100, [50, 50]), (101, [50, 51]), (1, [0, 1])])
def test_two_class_balance(make, n, expected):
    _, y = make(n, random_state=0)
    np.testing.assert_array_equal(np.bincount(y, minlength=2), expected)


def test_blobs_balance_first_centers_get_remainder():
    _, y = make_blobs(10, centers=3, random_state=0)
    np.testing.assert_array_equal(np.bincount(y), [4, 3, 3])


def test_blobs_default_has_three_centers():
    _, y = make_blobs(99, random_state=0)
    np.testing.assert_array_equal(np.bincount(y), [33, 33, 33])


def test_spirals_balance_first_classes_get_remainder():
    _, y = make_spirals(10, n_classes=3, random_state=0)
    np.testing.assert_array_equal(np.bincount(y), [4, 3, 3])


@pytest.mark.parametrize("make", [make_blobs, make_moons, make_circles, make_spirals])
def test_shuffle_false_groups_labels_and_shuffle_true_mixes_them(make):
    _, y_sorted = make(60, shuffle=False, random_state=0)
    assert np.all(np.diff(y_sorted) >= 0)
    _, y_mixed = make(60, shuffle=True, random_state=0)
    assert np.any(np.diff(y_mixed) < 0)
    assert sorted(y_mixed.tolist()) == y_sorted.tolist()


# ---------------------------------------------------------------------------
# make_blobs
# ---------------------------------------------------------------------------


def test_blobs_points_are_near_given_centers():
    centers = np.array([[0.0, 0.0], [10.0, 10.0], [-10.0, 5.0]])
    X, y = make_blobs(300, centers=centers, cluster_std=0.1, random_state=0)
    for label, center in enumerate(centers):
        points = X[y == label]
        assert len(points) == 100
        np.testing.assert_allclose(points.mean(axis=0), center, atol=0.05)
        assert np.max(np.linalg.norm(points - center, axis=1)) < 1.0
        assert 0.05 < (points - center).std() < 0.15


def test_blobs_zero_std_puts_points_exactly_on_centers():
    centers = [[1.0, 2.0, 3.0], [-4.0, 0.5, 7.0]]
    X, y = make_blobs(6, centers=centers, cluster_std=0.0, random_state=0)
    assert X.shape == (6, 3)  # n_features comes from the centers
    np.testing.assert_array_equal(X, np.asarray(centers)[y])


def test_blobs_random_centers_lie_in_center_box():
    X, y = make_blobs(50, centers=4, n_features=5, cluster_std=0.0, center_box=(2.0, 3.0), random_state=0)
    assert X.shape == (50, 5)
    assert np.all((X >= 2.0) & (X <= 3.0))
    assert len(np.unique(X, axis=0)) == 4  # four distinct centers


def test_blobs_cluster_std_per_center():
    centers = [[0.0, 0.0], [20.0, 20.0]]
    X, y = make_blobs(200, centers=centers, cluster_std=[0.0, 2.0], random_state=0)
    np.testing.assert_array_equal(X[y == 0], np.zeros((100, 2)))
    assert 1.5 < (X[y == 1] - 20.0).std() < 2.5


# ---------------------------------------------------------------------------
# make_moons / make_circles geometry (noise=None)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("shuffle", [False, True])
def test_moons_points_lie_exactly_on_half_circles(shuffle):
    X, y = make_moons(101, shuffle=shuffle, random_state=0)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, atol=1e-12)
    assert np.all(upper[:, 1] >= -1e-12)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0, atol=1e-12)
    assert np.all(lower[:, 1] <= 0.5 + 1e-12)


def test_moons_unshuffled_endpoints():
    X, y = make_moons(10, shuffle=False)
    np.testing.assert_allclose(X[0], [1.0, 0.0], atol=1e-12)  # t = 0 on the outer moon
    np.testing.assert_allclose(X[4], [-1.0, 0.0], atol=1e-12)  # t = pi
    np.testing.assert_allclose(X[5], [0.0, 0.5], atol=1e-12)  # t = 0 on the inner moon
    np.testing.assert_allclose(X[9], [2.0, 0.5], atol=1e-12)


@pytest.mark.parametrize("factor", [0.0, 0.3, 0.8])
def test_circles_points_lie_exactly_on_circles(factor):
    X, y = make_circles(100, factor=factor, random_state=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0, atol=1e-12)
    np.testing.assert_allclose(radius[y == 1], factor, atol=1e-12)


def test_circles_have_no_repeated_points():
    X, y = make_circles(40, shuffle=False)
    assert len(np.unique(np.round(X[y == 0], 12), axis=0)) == 20


def test_noise_moves_points_off_the_curves():
    X, y = make_moons(200, noise=0.1, random_state=0)
    radius = np.hypot(X[y == 0, 0], X[y == 0, 1])
    assert np.max(np.abs(radius - 1.0)) > 0.05


# ---------------------------------------------------------------------------
# make_spirals / make_sine
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("n_classes, turns", [(2, 1.0), (3, 1.5), (5, 0.5)])
def test_spirals_geometry_without_noise(n_classes, turns):
    per_class = 20
    X, y = make_spirals(per_class * n_classes, n_classes=n_classes, turns=turns, shuffle=False)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert np.all(radius <= 1.0 + 1e-12)
    for k in range(n_classes):
        arm = X[y == k]
        r = np.hypot(arm[:, 0], arm[:, 1])
        np.testing.assert_allclose(r, np.linspace(0, 1, per_class), atol=1e-12)
        end_angle = 2 * np.pi * (turns + k / n_classes)
        np.testing.assert_allclose(arm[-1], [np.cos(end_angle), np.sin(end_angle)], atol=1e-12)


def test_spirals_arms_are_distinct():
    X, y = make_spirals(200, n_classes=2, shuffle=False)
    far = np.hypot(X[:, 0], X[:, 1]) > 0.2  # away from the shared centre
    arm0, arm1 = X[far & (y == 0)], X[far & (y == 1)]
    gaps = np.linalg.norm(arm0[:, None, :] - arm1[None, :, :], axis=2)
    assert gaps.min() > 0.05


def test_sine_without_noise_is_exact_and_sorted():
    X, y = make_sine(200, noise=0.0, x_range=(-2.0, 5.0), random_state=0)
    np.testing.assert_allclose(y, np.sin(X[:, 0]))
    assert np.all(np.diff(X[:, 0]) >= 0)
    assert X.min() >= -2.0 and X.max() <= 5.0


def test_sine_noise_has_requested_scale():
    X, y = make_sine(5000, noise=0.3, random_state=0)
    residual = y - np.sin(X[:, 0])
    assert abs(residual.std() - 0.3) < 0.02
    assert abs(residual.mean()) < 0.02


# ---------------------------------------------------------------------------
# one_hot
# ---------------------------------------------------------------------------


def test_one_hot_matches_identity_rows():
    y = np.array([2, 0, 1, 2])
    encoded = one_hot(y)
    assert encoded.dtype == np.float64
    np.testing.assert_array_equal(encoded, np.eye(3)[y])
    np.testing.assert_array_equal(encoded.argmax(axis=1), y)


def test_one_hot_accepts_lists_and_extra_classes():
    encoded = one_hot([0, 1], n_classes=4)
    np.testing.assert_array_equal(encoded, [[1, 0, 0, 0], [0, 1, 0, 0]])


def test_one_hot_empty_input():
    assert one_hot([], n_classes=3).shape == (0, 3)


def test_one_hot_label_too_large_names_label_and_n_classes():
    with pytest.raises(ValueError, match=r"label 5.*n_classes=3"):
        one_hot([0, 5, 1], n_classes=3)


@pytest.mark.parametrize(
    "y, kwargs, match",
    [
        ([0, -1], {}, "-1"),
        ([0.0, 1.0], {}, "int"),
        ([[0, 1]], {}, "1-D"),
        ([0, 1], {"n_classes": 0}, "n_classes"),
    ],
)
def test_one_hot_bad_input_raises(y, kwargs, match):
    with pytest.raises(ValueError, match=match):
        one_hot(y, **kwargs)


# ---------------------------------------------------------------------------
# train_test_split
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "n, kwargs, n_train, n_test",
    [
        (10, {}, 7, 3),  # default test_size 0.25, ceil(2.5) = 3
        (100, {}, 75, 25),
        (10, {"test_size": 0.33}, 6, 4),  # ceil(3.3) = 4
        (10, {"test_size": 2}, 8, 2),
        (10, {"train_size": 0.75}, 7, 3),  # floor(7.5) = 7
        (10, {"train_size": 4}, 4, 6),
        (10, {"train_size": 0.5, "test_size": 0.2}, 5, 2),
    ],
)
def test_split_sizes(n, kwargs, n_train, n_test):
    X = np.arange(n)
    X_train, X_test = train_test_split(X, random_state=0, **kwargs)
    assert (len(X_train), len(X_test)) == (n_train, n_test)


@pytest.mark.parametrize("shuffle", [True, False])
def test_split_is_a_partition_and_keeps_arrays_aligned(shuffle):
    n = 37
    X = np.arange(n * 2).reshape(n, 2)
    y = np.arange(n)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0, shuffle=shuffle)
    together = np.concatenate([y_train, y_test])
    assert sorted(together.tolist()) == list(range(n))  # union is everything, no overlap
    assert not set(y_train.tolist()) & set(y_test.tolist())
    np.testing.assert_array_equal(X_train, X[y_train])  # rows stay paired with labels
    np.testing.assert_array_equal(X_test, X[y_test])


def test_split_without_shuffle_keeps_order():
    train, test = train_test_split(list(range(8)), test_size=0.25, shuffle=False)
    np.testing.assert_array_equal(train, [0, 1, 2, 3, 4, 5])
    np.testing.assert_array_equal(test, [6, 7])


def test_split_accepts_lists_and_returns_arrays():
    a_train, a_test, b_train, b_test = train_test_split([1, 2, 3, 4], ["a", "b", "c", "d"], test_size=1, random_state=0)
    assert all(isinstance(part, np.ndarray) for part in (a_train, a_test, b_train, b_test))
    pairs = dict(zip([1, 2, 3, 4], "abcd"))
    for a, b in zip(np.concatenate([a_train, a_test]), np.concatenate([b_train, b_test])):
        assert pairs[int(a)] == b


def test_split_is_deterministic_and_shuffles():
    X = np.arange(50)
    first = train_test_split(X, random_state=5)
    second = train_test_split(X, random_state=5)
    other = train_test_split(X, random_state=6)
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert not np.array_equal(first[1], other[1])
    assert not np.array_equal(np.sort(first[1]), np.arange(37, 50))  # not simply the tail


def test_split_with_different_lengths_names_the_lengths():
    with pytest.raises(ValueError, match=r"10, 9"):
        train_test_split(np.zeros(10), np.zeros(9))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"test_size": 0},
        {"test_size": 10},
        {"test_size": 0.0},
        {"test_size": 1.0},
        {"test_size": 1.5},
        {"test_size": -0.2},
        {"test_size": "half"},
        {"train_size": 10},
        {"train_size": 0.8, "test_size": 0.3},
        {"train_size": 8, "test_size": 3},
    ],
)
def test_split_bad_sizes_raise(kwargs):
    with pytest.raises(ValueError):
        train_test_split(np.arange(10), **kwargs)


def test_split_needs_at_least_one_array():
    with pytest.raises(ValueError, match="at least one array"):
        train_test_split()


def test_stratified_split_keeps_class_proportions():
    y = np.array([0] * 60 + [1] * 30 + [2] * 10)
    X = np.arange(100)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, stratify=y, random_state=0)
    np.testing.assert_array_equal(np.bincount(y_test), [12, 6, 2])
    np.testing.assert_array_equal(np.bincount(y_train), [48, 24, 8])
    np.testing.assert_array_equal(y[X_train], y_train)
    assert sorted(np.concatenate([X_train, X_test]).tolist()) == list(range(100))
    # classes are mixed, not grouped by label
    assert not np.all(np.diff(y_train) >= 0)
    assert not np.all(np.diff(y_test) >= 0)


def test_stratified_split_rounding_sums_to_requested_sizes():
    y = np.array([0] * 7 + [1] * 5 + [2] * 3)
    y_train, y_test = train_test_split(y, test_size=4, train_size=9, stratify=y, random_state=1)
    assert (len(y_train), len(y_test)) == (9, 4)
    for k, count in enumerate([7, 5, 3]):
        # each class within one sample of its exact proportional share
        assert abs(np.sum(y_test == k) - 4 * count / 15) < 1
        assert np.sum(y_test == k) + np.sum(y_train == k) <= count


def test_stratify_errors():
    y = np.array([0, 1] * 5)
    with pytest.raises(ValueError, match="shuffle"):
        train_test_split(y, stratify=y, shuffle=False)
    with pytest.raises(ValueError, match="length"):
        train_test_split(y, stratify=y[:-1])


# ---------------------------------------------------------------------------
# batches
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("shuffle", [True, False])
@pytest.mark.parametrize("batch_size", [1, 4, 10, 11, 50])
def test_batches_cover_every_sample_exactly_once(batch_size, shuffle):
    n = 10
    X = np.arange(n * 3).reshape(n, 3).astype(float)
    y = np.arange(n)
    parts = list(batches(X, y, batch_size, shuffle=shuffle, rng=0))
    sizes = [len(yb) for _, yb in parts]
    expected = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    assert sizes == expected
    seen = np.concatenate([yb for _, yb in parts])
    assert sorted(seen.tolist()) == list(range(n))
    for Xb, yb in parts:
        assert isinstance(Xb, np.ndarray) and isinstance(yb, np.ndarray)
        np.testing.assert_array_equal(Xb, X[yb])  # X and y rows stay paired
    if not shuffle:
        np.testing.assert_array_equal(seen, y)


def test_batches_shuffle_is_seeded():
    X, y = np.arange(30).reshape(30, 1), np.arange(30)
    first = np.concatenate([yb for _, yb in batches(X, y, 7, rng=3)])
    again = np.concatenate([yb for _, yb in batches(X, y, 7, rng=3)])
    other = np.concatenate([yb for _, yb in batches(X, y, 7, rng=4)])
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert not np.array_equal(first, y)


def test_batches_with_generator_gives_new_order_each_epoch():
    X, y = np.arange(30).reshape(30, 1), np.arange(30)
    rng = np.random.default_rng(0)
    epoch1 = np.concatenate([yb for _, yb in batches(X, y, 8, rng=rng)])
    epoch2 = np.concatenate([yb for _, yb in batches(X, y, 8, rng=rng)])
    assert not np.array_equal(epoch1, epoch2)
    assert sorted(epoch2.tolist()) == list(range(30))


def test_batches_is_a_generator_and_accepts_lists():
    gen = batches([[1.0], [2.0], [3.0]], [0, 1, 0], 2, shuffle=False)
    assert inspect.isgenerator(gen)
    Xb, yb = next(gen)
    np.testing.assert_array_equal(Xb, [[1.0], [2.0]])
    np.testing.assert_array_equal(yb, [0, 1])


@pytest.mark.parametrize("bad", [0, -2, 2.5, True, "4", None])
def test_batches_bad_batch_size_names_value(bad):
    # checked when batches() is called, before any iteration
    with pytest.raises(ValueError, match="batch_size.*" + re.escape(repr(bad))):
        batches(np.zeros((4, 2)), np.zeros(4), bad)


def test_batches_length_mismatch_raises():
    with pytest.raises(ValueError, match=r"4 and 3"):
        batches(np.zeros((4, 2)), np.zeros(3), 2)


# ---------------------------------------------------------------------------
# Comparison with scikit-learn (skipped when it is not installed)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 7, 100, 101])
def test_moons_match_sklearn(n):
    sk = pytest.importorskip("sklearn.datasets")
    X, y = make_moons(n, shuffle=False)
    X_sk, y_sk = sk.make_moons(n, shuffle=False)
    np.testing.assert_allclose(X, X_sk, atol=1e-12)
    np.testing.assert_array_equal(y, y_sk)
    # shuffled: same set of points, different order is allowed
    X_shuf, _ = make_moons(n, shuffle=True, random_state=0)
    X_sk_shuf, _ = sk.make_moons(n, shuffle=True, random_state=0)
    np.testing.assert_allclose(sort_rows(X_shuf), sort_rows(X_sk_shuf), atol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 7, 100, 101])
@pytest.mark.parametrize("factor", [0.0, 0.5, 0.8])
def test_circles_match_sklearn(n, factor):
    sk = pytest.importorskip("sklearn.datasets")
    X, y = make_circles(n, shuffle=False, factor=factor)
    X_sk, y_sk = sk.make_circles(n, shuffle=False, factor=factor)
    np.testing.assert_allclose(X, X_sk, atol=1e-12)
    np.testing.assert_array_equal(y, y_sk)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_samples": 100},
        {"n_samples": 10, "centers": 4, "n_features": 3},
        {"n_samples": 11, "centers": [[0, 0, 0, 0], [1, 1, 1, 1]]},
    ],
)
def test_blobs_shapes_match_sklearn(kwargs):
    sk = pytest.importorskip("sklearn.datasets")
    X, y = make_blobs(random_state=0, **kwargs)
    X_sk, y_sk = sk.make_blobs(random_state=0, **kwargs)
    assert X.shape == X_sk.shape
    assert y.shape == y_sk.shape
    np.testing.assert_array_equal(np.bincount(y), np.bincount(y_sk))


@pytest.mark.parametrize(
    "n, kwargs",
    [
        (10, {}),
        (7, {"test_size": 0.33}),
        (13, {"test_size": 4}),
        (10, {"train_size": 0.65}),
        (21, {"train_size": 0.5, "test_size": 0.25}),
    ],
)
def test_split_sizes_match_sklearn(n, kwargs):
    model_selection = pytest.importorskip("sklearn.model_selection")
    ours = train_test_split(np.arange(n), random_state=0, **kwargs)
    theirs = model_selection.train_test_split(np.arange(n), random_state=0, **kwargs)
    assert [len(part) for part in ours] == [len(part) for part in theirs]


def test_datasets_work_without_sklearn():
    # scikit-learn blocked: the twins still work, on NumPy alone
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['sklearn'] = None\n"
        "from nn import datasets\n"
        "X, y = datasets.make_blobs(100, centers=2, random_state=42)\n"
        "parts = datasets.train_test_split(X, y, stratify=y, random_state=0)\n"
        "assert X.shape == (100, 2) and len(parts) == 4\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("make", [make_blobs, make_moons, make_sine])
def test_bad_random_state_is_nns_seed_error(make):
    from nn._checks import SeedError

    for bad in ("seed", 1.5, -1):
        with pytest.raises(SeedError, match="random_state"):
            make(10, random_state=bad)
    with pytest.raises(TypeError):  # as numpy raises for the wrong kind
        make(10, random_state="seed")
