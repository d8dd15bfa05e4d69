"""The estimators train exactly like scikit-learn's MLP: same weights, loss curve and epochs (to 1e-8).

scikit-learn is the oracle: for the same constructor arguments and
random_state both estimators are fitted and every fitted array compared.
Small networks and few epochs keep the file fast.
"""

import warnings

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")
from sklearn import datasets as sk_datasets  # noqa: E402
from sklearn import neural_network  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import nn  # noqa: E402

RTOL = 1e-8


def _iris():
    X, y = sk_datasets.load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _moons():
    return nn.datasets.make_moons(120, noise=0.2, random_state=0)


def _regression():
    X, y = sk_datasets.make_regression(100, n_features=3, noise=5.0, random_state=0)
    return X, y / 50.0


def _digits():
    X, y = sk_datasets.load_digits(return_X_y=True)
    return X[:300] / 16.0, y[:300]


DATA = {"iris": (_iris, "classifier"), "moons": (_moons, "classifier"), "regression": (_regression, "regressor"),
        "digits": (_digits, "classifier")}  # fmt: skip

SOLVERS = {
    "adam": dict(solver="adam", learning_rate_init=0.01),
    "sgd-constant-nesterov": dict(solver="sgd", learning_rate_init=0.05),
    "sgd-constant-plain": dict(solver="sgd", learning_rate_init=0.05, nesterovs_momentum=False),
    "sgd-invscaling": dict(solver="sgd", learning_rate="invscaling", learning_rate_init=0.2, power_t=0.3),
    "sgd-adaptive": dict(solver="sgd", learning_rate="adaptive", learning_rate_init=0.05, tol=0.05, n_iter_no_change=2),
    "lbfgs": dict(solver="lbfgs"),
}


def assert_close(ours, theirs, what):
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    assert ours.shape == theirs.shape, what
    scale = max(np.abs(theirs).max(), 1e-300)
    assert np.abs(ours - theirs).max() <= RTOL * scale, f"{what}: max difference {np.abs(ours - theirs).max()!r}"


def fit_both(kind, X, y, sample_weight=None, **params):
    ours_cls = nn.MLPClassifier if kind == "classifier" else nn.MLPRegressor
    theirs_cls = getattr(neural_network, ours_cls.__name__)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = ours_cls(**params).fit(X, y, sample_weight=sample_weight)
        theirs = theirs_cls(**params).fit(X, y, sample_weight=sample_weight)
    return ours, theirs


def assert_same_fit(ours, theirs):
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.out_activation_ == theirs.out_activation_ and ours.n_layers_ == theirs.n_layers_
    for i, (a, b) in enumerate(zip(ours.coefs_, theirs.coefs_, strict=True)):
        assert_close(a, b, f"coefs_[{i}]")
    for i, (a, b) in enumerate(zip(ours.intercepts_, theirs.intercepts_, strict=True)):
        assert_close(a, b, f"intercepts_[{i}]")
    if hasattr(theirs, "loss_curve_"):
        assert_close(ours.loss_curve_, theirs.loss_curve_, "loss_curve_")
        assert ours.t_ == theirs.t_
    assert_close(ours.loss_, theirs.loss_, "loss_")


@pytest.mark.parametrize("batch", ["full", "mini"])
@pytest.mark.parametrize("solver", sorted(SOLVERS))
@pytest.mark.parametrize("data", sorted(DATA))
def test_fit_equals_sklearn(data, solver, batch):
    make, kind = DATA[data]
    X, y = make()
    seed = sorted(SOLVERS).index(solver) % 3  # random_state 0, 1 and 2 all occur for every data set
    batch_size = len(X) if batch == "full" else 32
    size, epochs = ((3,), 3) if data == "digits" else ((5,), 12)  # digits: 64 inputs, slow on the scalar engine
    params = dict(hidden_layer_sizes=size, max_iter=epochs, random_state=seed, batch_size=batch_size, **SOLVERS[solver])
    if solver == "lbfgs" and batch == "mini":
        params.update(hidden_layer_sizes=(4, 3), activation="tanh")  # batch_size is not used: another net instead
    ours, theirs = fit_both(kind, X, y, **params)
    assert_same_fit(ours, theirs)
    if kind == "classifier":
        np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    else:
        assert_close(ours.predict(X), theirs.predict(X), "predict")


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
def test_initial_weights_equal_sklearn(activation, seed):
    X, y = _iris()
    ours, theirs = fit_both("classifier", X, y, hidden_layer_sizes=(6, 4), activation=activation,
                            solver="sgd", learning_rate_init=1e-12, max_iter=1, random_state=seed)  # fmt: skip
    assert_same_fit(ours, theirs)


@pytest.mark.parametrize(
    "solver, early_stopping", [("adam", False), ("sgd", False), ("lbfgs", False), ("adam", True), ("sgd", True)]
)
def test_sample_weight_equals_sklearn(solver, early_stopping):
    X, y = _moons()
    weights = np.random.RandomState(0).uniform(0.1, 3.0, len(X))
    ours, theirs = fit_both("classifier", X, y, sample_weight=weights, hidden_layer_sizes=(5,), solver=solver,
                            max_iter=10, batch_size=40, random_state=0, early_stopping=early_stopping)  # fmt: skip
    assert_same_fit(ours, theirs)
    if early_stopping:
        assert_close(ours.validation_scores_, theirs.validation_scores_, "validation_scores_")


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_poisson_equals_sklearn(solver):
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, (80, 2))
    y = rng.poisson(np.exp(0.5 * X[:, 0] - X[:, 1]))
    ours, theirs = fit_both("regressor", X, y, loss="poisson", hidden_layer_sizes=(4,), solver=solver,
                            learning_rate_init=0.01, max_iter=10, random_state=1)  # fmt: skip
    assert_same_fit(ours, theirs)
    assert_close(ours.predict(X), theirs.predict(X), "predict")


def test_multi_output_regression_and_multilabel_equal_sklearn():
    X, Y = sk_datasets.make_regression(60, n_features=3, n_targets=2, random_state=0)
    assert_same_fit(*fit_both("regressor", X, Y / 100, hidden_layer_sizes=(4,), max_iter=8, random_state=0,
                              learning_rate_init=0.01))  # fmt: skip
    X, Y = sk_datasets.make_multilabel_classification(60, n_features=4, n_classes=3, random_state=0)
    ours, theirs = fit_both("classifier", X, Y, hidden_layer_sizes=(4,), max_iter=8, random_state=0)
    assert_same_fit(ours, theirs)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    assert_close(ours.predict_proba(X), theirs.predict_proba(X), "predict_proba")


@pytest.mark.parametrize("data", ["moons", "iris", "regression"])
def test_early_stopping_equals_sklearn(data):
    make, kind = DATA[data]
    X, y = make()
    ours, theirs = fit_both(kind, X, y, hidden_layer_sizes=(5,), early_stopping=True, validation_fraction=0.2,
                            n_iter_no_change=3, learning_rate_init=0.02, max_iter=15, random_state=2)  # fmt: skip
    assert_same_fit(ours, theirs)
    assert_close(ours.validation_scores_, theirs.validation_scores_, "validation_scores_")
    assert ours.best_validation_score_ == pytest.approx(theirs.best_validation_score_, rel=RTOL)


def test_stalled_loss_stops_at_the_same_epoch():
    X, y = _iris()
    ours, theirs = fit_both("classifier", X, y, hidden_layer_sizes=(5,), tol=0.05, n_iter_no_change=2,
                            learning_rate_init=0.01, max_iter=50, random_state=0)  # fmt: skip
    assert theirs.n_iter_ < 50  # stopped early
    assert_same_fit(ours, theirs)
    assert ours.best_loss_ == pytest.approx(theirs.best_loss_, rel=RTOL)


def test_partial_fit_and_warm_start_equal_sklearn():
    X, y = _iris()
    params = dict(hidden_layer_sizes=(5,), solver="sgd", learning_rate_init=0.05, random_state=0, batch_size=50)
    ours, theirs = nn.MLPClassifier(**params), neural_network.MLPClassifier(**params)
    for start in (0, 50, 100, 0):
        ours.partial_fit(X[start : start + 50], y[start : start + 50], classes=[0, 1, 2])
        theirs.partial_fit(X[start : start + 50], y[start : start + 50], classes=[0, 1, 2])
    assert_same_fit(ours, theirs)
    for est in (ours, theirs):
        est.set_params(warm_start=True, max_iter=3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            est.fit(X, y)
    assert_same_fit(ours, theirs)


def test_probabilities_equal_sklearn():
    X, y = _iris()
    ours, theirs = fit_both("classifier", X, y, hidden_layer_sizes=(5,), max_iter=5, random_state=0)
    assert_close(ours.predict_proba(X), theirs.predict_proba(X), "predict_proba")
    assert_close(ours.predict_log_proba(X), theirs.predict_log_proba(X), "predict_log_proba")
    assert ours.score(X, y) == theirs.score(X, y)
