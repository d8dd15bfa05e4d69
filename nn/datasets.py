"""Small toy datasets and data helpers for training chaingrad networks.

Everything here uses NumPy only. ``make_blobs``, ``make_moons``,
``make_circles`` and ``train_test_split`` mirror scikit-learn's functions of
the same names: for an int ``random_state`` (or a RandomState) they draw the
same numbers from the same ``np.random.RandomState`` stream, in the same
order, so they return arrays equal to scikit-learn's (``np.array_equal``)
for every argument both accept -- without scikit-learn installed.

Generators (each returns ``(X, y)``):

* ``xor()``           -- the four XOR points.
* ``make_blobs()``    -- Gaussian clusters around random or given centers (scikit-learn's).
* ``make_moons()``    -- two interleaving half circles (scikit-learn's).
* ``make_circles()``  -- a small circle inside a big one (scikit-learn's).
* ``make_spirals()``  -- interleaved spiral arms (the cs231n classic; ours).
* ``make_sine()``     -- a noisy sine wave, for regression (ours).

Helpers:

* ``one_hot()``          -- integer labels to one-hot rows.
* ``train_test_split()`` -- split arrays into train and test parts (scikit-learn's).
* ``batches()``          -- iterate over mini-batches of ``(X, y)``.

``random_state`` may be ``None``, an ``int`` seed, a ``np.random.Generator``
or a ``np.random.RandomState``. In the scikit-learn twins an int seeds a
RandomState and None uses NumPy's global RandomState (scikit-learn's
``check_random_state``); a Generator is used as is (its own stream: the
arrays are then not scikit-learn's). ``make_spirals``, ``make_sine`` and
``batches`` draw from a ``np.random.Generator`` (an int seeds
``np.random.default_rng``).

Example:
    >>> from nn.datasets import make_moons, train_test_split
    >>> X, y = make_moons(200, noise=0.1, random_state=0)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    >>> X_train.shape, X_test.shape
    ((150, 2), (50, 2))
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator, Sequence
from typing import Any, Literal, cast, overload

import numpy as np

from ._checks import SeedError

# What ``random_state`` / ``rng`` accept (see the module docstring).
RandomStateLike = int | np.random.Generator | np.random.RandomState | None

__all__ = [
    "xor",
    "make_blobs",
    "make_moons",
    "make_circles",
    "make_spirals",
    "make_sine",
    "one_hot",
    "train_test_split",
    "batches",
]


# ---------------------------------------------------------------------------
# Small private helpers
# ---------------------------------------------------------------------------


def _rng(random_state: RandomStateLike) -> np.random.Generator:
    """Turn ``random_state`` into a ``np.random.Generator``.

    Args:
        random_state: None (fresh entropy), an int seed, a Generator (used
            as is, so its state advances) or a RandomState (a seed is drawn
            from it, so it is also advanced).

    Returns:
        A ``np.random.Generator``.
    """
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(2**31 - 1))
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise SeedError(f"random_state must be a non-negative int seed, got {random_state}")
        return np.random.default_rng(int(random_state))
    raise SeedError(
        f"random_state must be None, an int, a np.random.Generator or a np.random.RandomState, got {random_state!r}"
    )


def _random_state(random_state: RandomStateLike) -> np.random.RandomState | np.random.Generator:
    """scikit-learn's ``check_random_state``, plus Generators: the object the scikit-learn twins draw from.

    Args:
        random_state: None (NumPy's global RandomState, as scikit-learn), an
            int seed (a new RandomState, as scikit-learn), a RandomState or a
            Generator (used as is, so its state advances).

    Returns:
        A ``np.random.RandomState`` or ``np.random.Generator`` (both have the
        ``uniform``, ``normal``, ``shuffle``, ``permutation`` and ``choice``
        methods used here).
    """
    if random_state is None:
        return np.random.mtrand._rand
    if isinstance(random_state, (np.random.RandomState, np.random.Generator)):
        return random_state
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if not 0 <= random_state < 2**32:
            raise SeedError(f"random_state must be an int in [0, 2**32), got {random_state}")
        return np.random.RandomState(int(random_state))
    raise SeedError(
        f"random_state must be None, an int, a np.random.Generator or a np.random.RandomState, got {random_state!r}"
    )


def _is_int(value: object) -> bool:
    """True for Python/NumPy integers, False for bools and everything else."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_positive_int(name: str, value: Any) -> int:
    """Raise ValueError unless ``value`` is an int >= 1."""
    if not _is_int(value) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


@overload
def _check_noise(noise: float | None, allow_none: Literal[False]) -> float: ...
@overload
def _check_noise(noise: float | None, allow_none: bool = True) -> float | None: ...
def _check_noise(noise: float | None, allow_none: bool = True) -> float | None:
    """Raise ValueError unless ``noise`` is a number >= 0 (or None if allowed)."""
    if noise is None and allow_none:
        return None
    if not isinstance(noise, numbers.Real) or isinstance(noise, bool) or not noise >= 0:
        raise ValueError(f"noise must be a non-negative number, got {noise!r}")
    return float(noise)


def _split_evenly(n_samples: int, n_parts: int) -> list[int]:
    """Split ``n_samples`` into ``n_parts`` ints; the first parts get the remainder.

    >>> _split_evenly(10, 3)
    [4, 3, 3]
    """
    counts = [n_samples // n_parts] * n_parts
    for i in range(n_samples % n_parts):
        counts[i] += 1
    return counts


def _shuffle(
    rng: np.random.RandomState | np.random.Generator, X: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Apply one random permutation to the rows of both X and y (drawn as ``sklearn.utils.shuffle`` draws it)."""
    order = np.arange(len(X))
    rng.shuffle(order)
    return X[order], y[order]


def _two_counts(n_samples: int | tuple[int, int]) -> tuple[int, int]:
    """(n_out, n_in) for moons and circles: an int is split n // 2 and the rest, a pair is taken as is."""
    if _is_int(n_samples):
        n_samples = _check_positive_int("n_samples", n_samples)
        return n_samples // 2, n_samples - n_samples // 2
    if isinstance(n_samples, tuple) and len(n_samples) == 2 and all(_is_int(n) and n >= 0 for n in n_samples):
        if sum(n_samples) == 0:
            raise ValueError(f"n_samples must hold at least one sample, got {n_samples!r}")
        return int(n_samples[0]), int(n_samples[1])
    raise ValueError(f"n_samples must be a positive int or a tuple of two non-negative ints, got {n_samples!r}")


# ---------------------------------------------------------------------------
# Dataset generators
# ---------------------------------------------------------------------------


def xor() -> tuple[np.ndarray, np.ndarray]:
    """The four points of the XOR problem.

    Returns:
        X: float array of shape (4, 2): [[0, 0], [0, 1], [1, 0], [1, 1]].
        y: int array of shape (4,): [0, 1, 1, 0].

    Example:
        >>> X, y = xor()
        >>> y.tolist()
        [0, 1, 1, 0]
    """
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0], dtype=np.int64)
    return X, y


def make_blobs(
    n_samples: int | Sequence[int] = 100,
    n_features: int = 2,
    *,
    centers: int | Any | None = None,
    cluster_std: float | Any = 1.0,
    center_box: tuple[float, float] = (-10.0, 10.0),
    shuffle: bool = True,
    random_state: RandomStateLike = None,
    return_centers: bool = False,
) -> tuple[np.ndarray, np.ndarray] | tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Isotropic Gaussian clusters ("blobs"): ``sklearn.datasets.make_blobs``, the same arrays for an int seed.

    Args:
        n_samples: total number of points, split as evenly as possible over
            the centers (the first centers get the remainder); or a sequence
            of counts, one per center.
        n_features: dimension of each point; ignored when ``centers`` is an
            array (its number of columns is used instead).
        centers: None (3 random centers, or one per count in ``n_samples``),
            an int (that many random centers, drawn uniformly inside
            ``center_box``) or an array of shape (n_centers, n_features).
        cluster_std: standard deviation of every cluster (a number), or one
            number per center.
        center_box: (low, high) bounds for randomly drawn centers.
        shuffle: shuffle the points; if False they come grouped by cluster.
        random_state: None, int seed, RandomState or Generator (see the module docstring).
        return_centers: also return the centers.

    Returns:
        X: float array (n_samples, n_features).
        y: int array (n_samples,), the cluster index of each point.
        centers: (only with ``return_centers``) float array (n_centers, n_features).

    Example:
        >>> X, y = make_blobs(90, centers=[[0, 0], [5, 5]], random_state=0)
        >>> X.shape, sorted(set(y.tolist()))
        ((90, 2), [0, 1])
    """
    counts = None if _is_int(n_samples) else _check_counts(n_samples)
    if counts is None:
        n_samples = _check_positive_int("n_samples", n_samples)
    rng = _random_state(random_state)
    centers = _blob_centers(rng, centers, n_features, center_box, None if counts is None else len(counts))
    n_centers, n_features = centers.shape
    if counts is None:
        counts = _split_evenly(cast(int, n_samples), n_centers)  # made an int by the check above
    elif len(counts) != n_centers:
        raise ValueError(f"n_samples has {len(counts)} counts but there are {n_centers} centers")
    stds = _blob_stds(cluster_std, n_centers)

    X_parts, y_parts = [], []
    for label, count in enumerate(counts):
        X_parts.append(rng.normal(loc=centers[label], scale=stds[label], size=(count, n_features)))
        y_parts.append(np.full(count, label, dtype=np.int64))
    X, y = np.concatenate(X_parts), np.concatenate(y_parts)

    if shuffle:
        X, y = _shuffle(rng, X, y)
    return (X, y, centers) if return_centers else (X, y)


def _check_counts(n_samples: Any) -> list[int]:
    """n_samples given per center: a non-empty sequence of non-negative ints with a positive sum."""
    counts = np.asarray(n_samples)
    if counts.ndim != 1 or len(counts) == 0 or not np.issubdtype(counts.dtype, np.integer) or (counts < 0).any():
        raise ValueError(f"n_samples must be a positive int or a sequence of non-negative ints, got {n_samples!r}")
    if counts.sum() == 0:
        raise ValueError(f"n_samples must hold at least one sample, got {n_samples!r}")
    return counts.tolist()


def _blob_centers(
    rng: np.random.RandomState | np.random.Generator,
    centers: Any,
    n_features: int,
    center_box: tuple[float, float],
    n_counts: int | None,
) -> np.ndarray:
    """The centers of make_blobs as an array (n_centers, n_features), drawn from ``rng`` if not given."""
    if centers is None or _is_int(centers):
        default = 3 if n_counts is None else n_counts
        n_centers = default if centers is None else _check_positive_int("centers", centers)
        n_features = _check_positive_int("n_features", n_features)
        low, high = center_box
        if not low <= high:
            raise ValueError(f"center_box must be (low, high) with low <= high, got {center_box!r}")
        return rng.uniform(low, high, size=(n_centers, n_features))
    centers = np.asarray(centers, dtype=float)
    if centers.ndim != 2 or len(centers) == 0 or centers.shape[1] == 0:
        raise ValueError(
            f"centers must be an int or a 2-D array of shape (n_centers, n_features), got shape {centers.shape}"
        )
    if not np.all(np.isfinite(centers)):
        raise ValueError("centers contain NaN or infinity")
    return centers


def _blob_stds(cluster_std: Any, n_centers: int) -> np.ndarray:
    """cluster_std as one non-negative float per center."""
    stds = np.asarray(cluster_std, dtype=float)
    if stds.ndim == 0:
        stds = np.full(n_centers, float(stds))
    if stds.shape != (n_centers,):
        raise ValueError(
            f"cluster_std must be a number or have one value per center ({n_centers}), got {cluster_std!r}"
        )
    if np.any(stds < 0):
        raise ValueError(f"cluster_std must be non-negative, got {cluster_std!r}")
    return stds


def _two_curves(
    outer: tuple[np.ndarray, np.ndarray],
    inner: tuple[np.ndarray, np.ndarray],
    shuffle: bool,
    noise: float | None,
    rng: np.random.RandomState | np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """X and y of moons and circles: the outer curve is class 0; shuffled, then noise added (scikit-learn's order)."""
    X = np.vstack([np.append(outer[0], inner[0]), np.append(outer[1], inner[1])]).T
    y = np.hstack([np.zeros(len(outer[0]), dtype=np.int64), np.ones(len(inner[0]), dtype=np.int64)])
    if shuffle:
        X, y = _shuffle(rng, X, y)
    if noise is not None:
        X += rng.normal(scale=noise, size=X.shape)
    return X, y


def make_moons(
    n_samples: int | tuple[int, int] = 100,
    *,
    shuffle: bool = True,
    noise: float | None = None,
    random_state: RandomStateLike = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: ``sklearn.datasets.make_moons``, the same arrays for an int seed.

    Class 0 is the upper half of the unit circle, ``(cos t, sin t)`` for
    ``t`` evenly spaced on [0, pi]; class 1 is the lower moon
    ``(1 - cos t, 1 - sin t - 0.5)``.  Class 0 gets ``n_samples // 2`` points
    and class 1 the rest.

    Args:
        n_samples: total number of points, or a pair (points of class 0, points of class 1).
        shuffle: shuffle the points; if False class 0 comes first.
        noise: None or the standard deviation of Gaussian noise added to
            every coordinate.
        random_state: None, int seed, RandomState or Generator (see the module docstring).

    Returns:
        X: float array (n_samples, 2).
        y: int array (n_samples,) with labels 0 and 1.

    Example:
        >>> X, y = make_moons(100, noise=0.1, random_state=0)
        >>> X.shape, int(y.sum())
        ((100, 2), 50)
    """
    n_out, n_in = _two_counts(n_samples)
    noise = _check_noise(noise)
    rng = _random_state(random_state)
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    outer = (np.cos(t_out), np.sin(t_out))
    inner = (1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5)
    return _two_curves(outer, inner, shuffle, noise, rng)


def make_circles(
    n_samples: int | tuple[int, int] = 100,
    *,
    shuffle: bool = True,
    noise: float | None = None,
    random_state: RandomStateLike = None,
    factor: float = 0.8,
) -> tuple[np.ndarray, np.ndarray]:
    """A small circle inside a large one: ``sklearn.datasets.make_circles``, the same arrays for an int seed.

    Class 0 lies on the unit circle, class 1 on the circle of radius
    ``factor``; the angles are evenly spaced on [0, 2 pi) (endpoint excluded
    so no point repeats).  Class 0 gets ``n_samples // 2`` points.

    Args:
        n_samples: total number of points, or a pair (outer points, inner points).
        shuffle: shuffle the points; if False class 0 comes first.
        noise: None or the standard deviation of Gaussian noise added to
            every coordinate.
        random_state: None, int seed, RandomState or Generator (see the module docstring).
        factor: radius of the inner circle, in [0, 1).

    Returns:
        X: float array (n_samples, 2).
        y: int array (n_samples,) with labels 0 (outer) and 1 (inner).

    Example:
        >>> X, y = make_circles(100, factor=0.5, random_state=0)
        >>> X.shape
        (100, 2)
    """
    n_out, n_in = _two_counts(n_samples)
    noise = _check_noise(noise)
    if not isinstance(factor, numbers.Real) or isinstance(factor, bool) or not 0 <= factor < 1:
        raise ValueError(f"factor must be in [0, 1), got {factor!r}")
    rng = _random_state(random_state)
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    outer = (np.cos(t_out), np.sin(t_out))
    inner = (np.cos(t_in) * factor, np.sin(t_in) * factor)
    return _two_curves(outer, inner, shuffle, noise, rng)


def make_spirals(
    n_samples: int = 100,
    n_classes: int = 2,
    noise: float = 0.0,
    turns: float = 1.0,
    random_state: RandomStateLike = None,
    *,
    shuffle: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class (the classic cs231n dataset).

    Arm ``k`` has points at radius ``r`` evenly spaced on [0, 1] and angle
    ``2 pi * (turns * r + k / n_classes)``, so the arms start together at the
    origin and wind ``turns`` full times around it, rotated evenly apart.
    Points are split as evenly as possible over the classes (the first
    classes get the remainder).  No scikit-learn equivalent.

    Args:
        n_samples: total number of points.
        n_classes: number of arms / classes (>= 1).
        noise: standard deviation of Gaussian noise added to every
            coordinate (0 gives points exactly on the spirals; about 0.05 to
            0.1 gives a harder but still learnable task).
        turns: how many full turns each arm makes (> 0).
        random_state: None, int seed, Generator or RandomState.
        shuffle: shuffle the points; if False they come grouped by class.

    Returns:
        X: float array (n_samples, 2), inside the unit disc when noise is 0.
        y: int array (n_samples,) with labels 0 .. n_classes - 1.

    Example:
        >>> X, y = make_spirals(300, n_classes=3, noise=0.05, random_state=0)
        >>> X.shape, sorted(set(y.tolist()))
        ((300, 2), [0, 1, 2])
    """
    n_samples = _check_positive_int("n_samples", n_samples)
    n_classes = _check_positive_int("n_classes", n_classes)
    noise = _check_noise(noise, allow_none=False)
    if not isinstance(turns, numbers.Real) or isinstance(turns, bool) or not turns > 0:
        raise ValueError(f"turns must be a positive number, got {turns!r}")
    rng = _rng(random_state)

    X_parts, y_parts = [], []
    for label, count in enumerate(_split_evenly(n_samples, n_classes)):
        r = np.linspace(0.0, 1.0, count)
        angle = 2 * np.pi * (turns * r + label / n_classes)
        X_parts.append(np.column_stack([r * np.cos(angle), r * np.sin(angle)]))
        y_parts.append(np.full(count, label, dtype=np.int64))
    X, y = np.concatenate(X_parts), np.concatenate(y_parts)

    if shuffle:
        X, y = _shuffle(rng, X, y)
    if noise > 0:
        X = X + rng.normal(scale=noise, size=X.shape)
    return X, y


def make_sine(
    n_samples: int = 100,
    noise: float = 0.1,
    x_range: tuple[float, float] = (-np.pi, np.pi),
    random_state: RandomStateLike = None,
) -> tuple[np.ndarray, np.ndarray]:
    """A noisy sine wave for 1-D regression: ``y = sin(x) + noise * N(0, 1)``.

    ``x`` is drawn uniformly from ``x_range`` and then sorted ascending, so
    ``plot(X[:, 0], y)`` draws a clean curve.  Shuffle before training with
    mini-batches (``train_test_split`` and ``batches`` shuffle by default).

    Args:
        n_samples: number of points.
        noise: standard deviation of the Gaussian noise added to ``y``.
        x_range: (low, high) interval for ``x``, low < high.
        random_state: None, int seed, Generator or RandomState.

    Returns:
        X: float array (n_samples, 1), sorted ascending.
        y: float array (n_samples,).

    Example:
        >>> X, y = make_sine(50, noise=0.0, random_state=0)
        >>> bool(np.allclose(y, np.sin(X[:, 0])))
        True
    """
    n_samples = _check_positive_int("n_samples", n_samples)
    noise = _check_noise(noise, allow_none=False)
    low, high = x_range
    if not low < high:
        raise ValueError(f"x_range must be (low, high) with low < high, got {x_range!r}")
    rng = _rng(random_state)

    x = np.sort(rng.uniform(low, high, size=n_samples))
    y = np.sin(x) + noise * rng.standard_normal(n_samples)
    return x.reshape(-1, 1), y


# ---------------------------------------------------------------------------
# Data helpers
# ---------------------------------------------------------------------------


def one_hot(y: Any, n_classes: int | None = None) -> np.ndarray:
    """Encode integer class labels as one-hot rows.

    Args:
        y: 1-D sequence of non-negative ints.
        n_classes: number of columns; defaults to ``max(y) + 1``.

    Returns:
        float array (len(y), n_classes) with a single 1.0 per row.

    Raises:
        ValueError: y is not 1-D ints, has a negative label, or has a label
            >= n_classes.

    Example:
        >>> one_hot([0, 2, 1]).tolist()
        [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """
    y = np.asarray(y)
    if y.size == 0:
        y = y.astype(np.int64)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D, got shape {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must contain ints, got dtype {y.dtype}")
    if y.size and y.min() < 0:
        raise ValueError(f"labels must be non-negative, got label {int(y.min())}")

    if n_classes is None:
        n_classes = int(y.max()) + 1 if y.size else 0
    elif not _is_int(n_classes) or n_classes < 1:
        raise ValueError(f"n_classes must be a positive int, got {n_classes!r}")
    if y.size and y.max() >= n_classes:
        raise ValueError(f"label {int(y.max())} is out of range for n_classes={n_classes} (labels must be < n_classes)")

    out = np.zeros((len(y), n_classes))
    out[np.arange(len(y)), y] = 1.0
    return out


def _split_sizes(n: int, test_size: float | None, train_size: float | None) -> tuple[int, int]:
    """Number of test and train samples, computed the way scikit-learn does."""

    def check(name: str, size: float | None) -> None:
        if size is None:
            return
        if _is_int(size):
            if not 0 < size < n:
                raise ValueError(f"{name}={size} must be between 1 and n_samples - 1 = {n - 1}")
        elif isinstance(size, numbers.Real) and not isinstance(size, bool):
            if not 0.0 < size < 1.0:
                raise ValueError(f"{name}={size} must be a fraction strictly between 0 and 1")
        else:
            raise ValueError(f"{name} must be an int, a float or None, got {size!r}")

    check("test_size", test_size)
    check("train_size", train_size)
    if test_size is None and train_size is None:
        test_size = 0.25

    n_test = None
    n_train = None
    if test_size is not None:
        n_test = math.ceil(test_size * n) if not _is_int(test_size) else int(test_size)
    if train_size is not None:
        n_train = math.floor(train_size * n) if not _is_int(train_size) else int(train_size)
    if n_train is None:
        assert n_test is not None  # test_size is 0.25 when neither size is given
        n_train = n - n_test
    if n_test is None:
        n_test = n - n_train

    if n_train + n_test > n:
        raise ValueError(f"train_size + test_size = {n_train} + {n_test} samples exceeds n_samples = {n}")
    if n_train == 0:
        raise ValueError(
            f"with n_samples={n}, test_size={test_size} and train_size={train_size} the train set would be empty"
        )
    return n_test, n_train


def _approximate_mode(
    class_counts: np.ndarray, n_draws: int, rng: np.random.RandomState | np.random.Generator
) -> np.ndarray:
    """How many of ``n_draws`` samples each class gets, proportionally (scikit-learn's ``_approximate_mode``).

    The floor of each class's share, then one more for the classes with the
    largest remainders; ties are broken at random from ``rng`` (the same
    draws as scikit-learn's).

    >>> _approximate_mode(np.array([2, 2, 6]), 5, np.random.RandomState(0)).tolist()
    [1, 1, 3]
    """
    continuous = class_counts / class_counts.sum() * n_draws
    floored = np.floor(continuous)
    need_to_add = int(n_draws - floored.sum())
    if need_to_add > 0:
        remainder = continuous - floored
        for value in np.sort(np.unique(remainder))[::-1]:
            (inds,) = np.where(remainder == value)
            add_now = min(len(inds), need_to_add)
            floored[rng.choice(inds, size=add_now, replace=False)] += 1
            need_to_add -= add_now
            if need_to_add == 0:
                break
    return floored.astype(int)


def _stratified_indices(
    labels: np.ndarray, n_train: int, n_test: int, rng: np.random.RandomState | np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Train and test indices with each class in proportion (scikit-learn's StratifiedShuffleSplit, first split)."""
    if labels.ndim == 2:  # multilabel rows: each distinct row is a class
        labels = np.array([" ".join(row.astype("str")) for row in labels])
    classes, label_ids, class_counts = np.unique(labels, return_inverse=True, return_counts=True)
    if class_counts.min() < 2:
        lonely = classes[class_counts < 2].tolist()
        raise ValueError(f"stratify: the least populated classes have only 1 member, too few to split: {lonely}")
    for name, size in (("train_size", n_train), ("test_size", n_test)):
        if size < len(classes):
            raise ValueError(f"stratify: {name} = {size} must be at least the number of classes = {len(classes)}")
    class_indices = np.split(np.argsort(label_ids.reshape(-1), kind="stable"), np.cumsum(class_counts)[:-1])
    n_i = _approximate_mode(class_counts, n_train, rng)
    t_i = _approximate_mode(class_counts - n_i, n_test, rng)
    train: list[int] = []
    test: list[int] = []
    for k in range(len(classes)):
        members = class_indices[k].take(rng.permutation(class_counts[k]), mode="clip")
        train.extend(members[: n_i[k]])
        test.extend(members[n_i[k] : n_i[k] + t_i[k]])
    return rng.permutation(train), rng.permutation(test)


def train_test_split(
    *arrays: Any,
    test_size: float | None = None,
    train_size: float | None = None,
    random_state: RandomStateLike = None,
    shuffle: bool = True,
    stratify: Any = None,
) -> list[np.ndarray]:
    """Split arrays into random train and test parts: scikit-learn's, the same indices for an int seed.

    ``test_size`` and ``train_size`` may be a float fraction in (0, 1) or an
    int count.  A float test fraction is rounded up (``ceil(test_size * n)``),
    a float train fraction down.  If neither is given ``test_size`` is 0.25;
    if only one is given the other part gets the rest.

    Args:
        *arrays: one or more lists or arrays with the same length (first
            axis); each is converted with ``np.asarray``.
        test_size: float, int or None (see above).
        train_size: float, int or None (see above).
        random_state: None, int seed, RandomState or Generator (see the module docstring).
        shuffle: shuffle before splitting; if False the first samples are
            the train set and the following ones the test set.
        stratify: None or a label array; each class is then split in the
            same proportion (scikit-learn's rounding, ties broken at random),
            so the class balance of train and test matches the whole.  Needs
            shuffle=True and at least 2 samples per class.

    Returns:
        list ``[a_train, a_test, b_train, b_test, ...]`` of NumPy arrays.

    Raises:
        ValueError: no arrays, arrays of different lengths, or bad sizes.

    Example:
        >>> X, y = make_blobs(100, random_state=0)
        >>> X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=0)
        >>> len(X_tr), len(X_te)
        (80, 20)
    """
    if not arrays:
        raise ValueError("train_test_split needs at least one array")
    arrays = tuple(np.asarray(a) for a in arrays)
    if any(a.ndim == 0 for a in arrays):
        raise ValueError("train_test_split needs arrays or lists, got a scalar")
    lengths = [len(a) for a in arrays]
    if len(set(lengths)) != 1:
        raise ValueError(f"all arrays must have the same length, got lengths {lengths}")
    n = lengths[0]
    n_test, n_train = _split_sizes(n, test_size, train_size)

    if not shuffle:
        if stratify is not None:
            raise ValueError("stratify needs shuffle=True")
        train_idx = np.arange(n_train)
        test_idx = np.arange(n_train, n_train + n_test)
    elif stratify is None:
        order = _random_state(random_state).permutation(n)  # scikit-learn's ShuffleSplit
        test_idx = order[:n_test]
        train_idx = order[n_test : n_test + n_train]
    else:
        labels = np.asarray(stratify)
        if len(labels) != n:
            raise ValueError(f"stratify has length {len(labels)} but the arrays have length {n}")
        train_idx, test_idx = _stratified_indices(labels, n_train, n_test, _random_state(random_state))

    result = []
    for a in arrays:
        result += [a[train_idx], a[test_idx]]
    return result


def batches(
    X: Any,
    y: Any,
    batch_size: Any,  # an int, checked below (nn.training passes its int | None, None never reaching here)
    shuffle: bool = True,
    rng: RandomStateLike = None,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Iterate over mini-batches ``(X_batch, y_batch)`` covering each sample once.

    The arguments are checked immediately (not on the first ``next``).  One
    call is one pass over the data: call it again for the next epoch.  With
    an int ``rng`` every pass has the same order; pass a
    ``np.random.Generator`` to get a new order each time.

    Args:
        X: array or list with n rows.
        y: array or list with n entries.
        batch_size: positive int; the last batch may be smaller.
        shuffle: visit the samples in random order; if False, in order.
        rng: None, int seed, Generator or RandomState.

    Returns:
        A generator of ``(X_batch, y_batch)`` NumPy array pairs.

    Example:
        >>> X, y = make_moons(10, random_state=0)
        >>> [len(yb) for _, yb in batches(X, y, batch_size=4, rng=0)]
        [4, 4, 2]
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError("X and y must be arrays or lists, not scalars")
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same length, got {len(X)} and {len(y)}")
    batch_size = _check_positive_int("batch_size", batch_size)
    order = _rng(rng).permutation(len(X)) if shuffle else np.arange(len(X))
    return _batch_generator(X, y, order, batch_size)


def _batch_generator(
    X: np.ndarray, y: np.ndarray, order: np.ndarray, batch_size: int
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield consecutive ``batch_size`` slices of ``order`` as (X, y) pairs."""
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        yield X[idx], y[idx]
