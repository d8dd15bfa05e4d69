"""nn.datasets' scikit-learn twins return scikit-learn's arrays exactly (np.array_equal) for int seeds."""

import numpy as np
import pytest

from nn import datasets

sk_datasets = pytest.importorskip("sklearn.datasets")
model_selection = pytest.importorskip("sklearn.model_selection")

SEEDS = [0, 1, 42]


def assert_same(ours, theirs):
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape
        assert np.array_equal(a, b), (a, b)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"n_samples": 100, "centers": 2},
        {"n_samples": 101, "n_features": 3, "centers": 4, "cluster_std": 0.5},
        {"n_samples": 30, "centers": [[0, 0], [2, 2], [4, 0]], "cluster_std": [0.1, 1.0, 2.0]},
        {"n_samples": [10, 20, 5]},
        {"n_samples": [3, 4], "centers": [[1, 1], [-1, -1]]},
        {"n_samples": 17, "center_box": (-1.0, 1.0), "shuffle": False},
        {"n_samples": 20, "return_centers": True},
    ],
)
def test_make_blobs_equals_sklearn(seed, kwargs):
    assert_same(datasets.make_blobs(random_state=seed, **kwargs), sk_datasets.make_blobs(random_state=seed, **kwargs))


def test_make_blobs_positional_n_features_as_in_sklearn():
    assert_same(datasets.make_blobs(50, 3, random_state=0), sk_datasets.make_blobs(50, 3, random_state=0))
    # the notes' data
    assert_same(
        datasets.make_blobs(100, centers=2, random_state=42), sk_datasets.make_blobs(100, centers=2, random_state=42)
    )


@pytest.mark.parametrize("make", ["make_moons", "make_circles"])
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    "kwargs",
    [{}, {"n_samples": 7}, {"n_samples": 101, "noise": 0.1}, {"n_samples": (5, 9), "noise": 0.3}, {"shuffle": False}],
)
def test_moons_and_circles_equal_sklearn(make, seed, kwargs):
    if make == "make_circles":
        kwargs = {**kwargs, "factor": 0.5}
    ours = getattr(datasets, make)(random_state=seed, **kwargs)
    theirs = getattr(sk_datasets, make)(random_state=seed, **kwargs)
    assert_same(ours, theirs)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"test_size": 0.33},
        {"test_size": 4},
        {"train_size": 0.65},
        {"train_size": 0.5, "test_size": 0.25},
        {"shuffle": False, "test_size": 3},
    ],
)
def test_train_test_split_equals_sklearn(seed, kwargs):
    X = np.arange(46).reshape(23, 2)
    y = np.arange(23) % 3
    assert_same(
        datasets.train_test_split(X, y, random_state=seed, **kwargs),
        model_selection.train_test_split(X, y, random_state=seed, **kwargs),
    )


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kwargs", [{}, {"test_size": 0.2}, {"test_size": 7, "train_size": 20}])
def test_stratified_train_test_split_equals_sklearn(seed, kwargs):
    y = np.array([0] * 17 + [1] * 11 + [2] * 5 + [3] * 2)
    X = np.arange(len(y))
    assert_same(
        datasets.train_test_split(X, y, stratify=y, random_state=seed, **kwargs),
        model_selection.train_test_split(X, y, stratify=y, random_state=seed, **kwargs),
    )


def test_stratified_split_of_a_singleton_class_is_refused_like_sklearn():
    y = np.array([0, 0, 0, 1])
    with pytest.raises(ValueError, match="only 1 member"):
        model_selection.train_test_split(y, stratify=y, random_state=0)
    with pytest.raises(ValueError, match=r"only 1 member.*\[1\]"):
        datasets.train_test_split(y, stratify=y, random_state=0)
