"""MLPClassifier / MLPRegressor: the scikit-learn protocol, driven by scikit-learn's own tools.

The estimators are scikit-learn estimators now (BaseEstimator, validate_data,
its exceptions and messages).

Networks are tiny and data small so that the whole file runs in seconds.
"""

import copy
import json
import pickle
import warnings

import numpy as np
import pytest

import nn
from nn.datasets import make_blobs, make_sine

sklearn = pytest.importorskip("sklearn")
from sklearn.base import clone, is_classifier, is_regressor  # noqa: E402
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning, NotFittedError  # noqa: E402
from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning  # noqa: E402
from sklearn.exceptions import NotFittedError as SkNotFittedError  # noqa: E402
from sklearn.model_selection import GridSearchCV, StratifiedKFold, check_cv, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils import estimator_checks  # noqa: E402

from nn import MLPClassifier, MLPRegressor  # noqa: E402
from nn.sklearn import persistence  # noqa: E402

# Quick settings that learn the blobs below: full-batch Adam with a large step.
FAST = dict(hidden_layer_sizes=(8,), learning_rate_init=0.05, max_iter=30, random_state=0)
CENTERS3 = [[-2.0, -2.0], [2.0, 2.0], [2.0, -2.0]]
NAMES = np.array(["cat", "dog", "emu"])


@pytest.fixture(autouse=True)
def _quiet_convergence():
    # Short runs stop at max_iter on purpose; the tests about the warning turn it back on.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.fixture(scope="module")
def blobs3():
    return make_blobs(60, centers=CENTERS3, cluster_std=0.6, random_state=0)


@pytest.fixture(scope="module")
def blobs2():
    return make_blobs(40, centers=CENTERS3[:2], cluster_std=0.6, random_state=1)


@pytest.fixture(scope="module")
def clf3(blobs3):
    X, y = blobs3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return MLPClassifier(**FAST).fit(X, NAMES[y])


# ---------------------------------------------------------------- get_params / set_params / repr / clone
@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_parameters_are_scikit_learns(cls):
    from sklearn import neural_network

    ours = cls().get_params()
    theirs = getattr(neural_network, cls.__name__)().get_params()
    assert ours == theirs  # same names, same defaults


def test_constructor_stores_arguments_unchanged_and_validates_nothing():
    sizes = [8, 4]
    est = MLPClassifier(sizes, solver="lbfgs", alpha=-1, batch_size="huge")
    params = est.get_params()
    assert params["hidden_layer_sizes"] is sizes
    assert (params["solver"], params["alpha"], params["batch_size"]) == ("lbfgs", -1, "huge")


def test_set_params_round_trips_and_returns_self():
    a = MLPClassifier((3,), activation="tanh", solver="sgd", momentum=0.5, random_state=4)
    b = MLPClassifier()
    assert b.set_params(**a.get_params()) is b
    assert b.get_params() == a.get_params()
    assert b.set_params() is b
    b.set_params(alpha=0.5, max_iter=7)
    assert (b.alpha, b.max_iter) == (0.5, 7)
    assert a.get_params(deep=True) == a.get_params(deep=False)  # no nested estimators


def test_set_params_rejects_unknown_names():
    est = MLPRegressor()
    with pytest.raises(ValueError, match="Invalid parameter 'hidden_size'"):
        est.set_params(alpha=1.0, hidden_size=3)
    with pytest.raises(ValueError, match="Invalid parameter 'nope'"):
        est.set_params(nope__deeper=1)


def test_repr_shows_only_non_default_parameters():
    from sklearn import neural_network

    assert repr(MLPClassifier()) == "MLPClassifier()"
    assert repr(MLPClassifier((8,), max_iter=5)) == "MLPClassifier(hidden_layer_sizes=(8,), max_iter=5)"
    # scikit-learn's repr, whatever it shows (a numpy float64 default counts as changed there)
    args = dict(hidden_layer_sizes=(8,), max_iter=5, alpha=np.float64(0.0001))
    assert repr(MLPClassifier(**args)) == repr(neural_network.MLPClassifier(**args))
    assert (
        repr(MLPRegressor(hidden_layer_sizes=[4], shuffle=False))
        == "MLPRegressor(hidden_layer_sizes=[4], shuffle=False)"
    )


def test_clone_gives_an_unfitted_copy_with_the_same_params(clf3):
    twin = clone(clf3)
    assert twin is not clf3
    assert twin.get_params() == clf3.get_params()
    assert not hasattr(twin, "classes_") and not hasattr(twin, "coefs_")
    with pytest.raises(NotFittedError):
        twin.predict([[0.0, 0.0]])


def test_scikit_learn_sees_a_classifier_and_a_regressor(blobs3):
    _, y = blobs3
    assert is_classifier(MLPClassifier()) and not is_regressor(MLPClassifier())
    assert is_regressor(MLPRegressor()) and not is_classifier(MLPRegressor())
    assert isinstance(check_cv(3, y, classifier=is_classifier(MLPClassifier())), StratifiedKFold)


@pytest.mark.parametrize(
    "check",
    [
        "check_parameters_default_constructible",
        "check_no_attributes_set_in_init",
        "check_get_params_invariance",
        "check_set_params",
        "check_estimator_repr",
        "check_estimators_unfitted",
        "check_estimator_cloneable",
        "check_do_not_raise_errors_in_init_or_set_params",
    ],
)
@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_scikit_learn_api_checks(cls, check):
    getattr(estimator_checks, check)(cls.__name__, cls(hidden_layer_sizes=(4,), max_iter=5, random_state=0))


# ---------------------------------------------------------------- scikit-learn's tools
def test_cross_val_score(blobs3):
    X, y = blobs3
    scores = cross_val_score(MLPClassifier(**FAST), X, NAMES[y], cv=3)
    assert scores.shape == (3,)
    assert scores.min() >= 0.9


def test_grid_search_picks_the_learning_rate_that_learns(blobs2):
    X, y = blobs2
    grid = {"learning_rate_init": [1e-5, 0.05], "hidden_layer_sizes": [(2,), (8,)]}
    search = GridSearchCV(MLPClassifier(max_iter=20, random_state=0), grid, cv=3).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert search.best_params_["learning_rate_init"] == 0.05
    assert search.best_score_ >= 0.9
    assert search.best_estimator_.learning_rate_init == 0.05
    assert search.score(X, y) >= 0.9


def test_pipeline_with_standard_scaler(blobs3):
    X, y = blobs3
    X_far = X * 1000.0 + 5000.0  # hopeless without scaling at this learning rate
    pipe = make_pipeline(StandardScaler(), MLPClassifier(**FAST)).fit(X_far, NAMES[y])
    assert pipe.score(X_far, NAMES[y]) >= 0.95
    assert list(pipe.classes_) == list(NAMES)
    assert set(pipe.predict(X_far)) <= set(NAMES)


# ---------------------------------------------------------------- classification
def test_string_labels(clf3, blobs3):
    X, y = blobs3
    assert clf3.classes_.tolist() == ["cat", "dog", "emu"]
    predicted = clf3.predict(X)
    assert predicted.dtype == clf3.classes_.dtype
    assert np.mean(predicted == NAMES[y]) >= 0.95
    assert clf3.score(X, NAMES[y]) == np.mean(predicted == NAMES[y])


def test_labels_of_any_sortable_kind_and_lists(blobs2):
    X, y = blobs2
    labels = np.where(y == 1, 10, -3)  # not 0..k-1
    clf = MLPClassifier(**FAST).fit(X.tolist(), labels.tolist())
    assert clf.classes_.tolist() == [-3, 10]
    assert set(clf.predict(X.tolist()).tolist()) == {-3, 10}
    assert clf.score(X, labels) >= 0.95


@pytest.mark.parametrize("n_classes", [2, 3])
def test_predict_proba_rows_sum_to_one_and_agree_with_predict(n_classes, blobs2, blobs3):
    X, y = blobs2 if n_classes == 2 else blobs3
    clf = MLPClassifier(**FAST).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), n_classes)
    assert np.all((proba >= 0) & (proba <= 1))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X)), proba, atol=1e-12)


def test_two_classes_use_one_logistic_output_more_use_softmax(blobs2, clf3):
    X, y = blobs2
    binary = MLPClassifier(**FAST).fit(X, y)
    assert binary.out_activation_ == "logistic" and binary.n_outputs_ == 1
    assert [c.shape for c in binary.coefs_] == [(2, 8), (8, 1)]
    assert clf3.out_activation_ == "softmax" and clf3.n_outputs_ == 3
    assert [c.shape for c in clf3.coefs_] == [(2, 8), (8, 3)]
    assert [b.shape for b in clf3.intercepts_] == [(8,), (3,)]
    assert clf3.n_layers_ == 3 and clf3.n_features_in_ == 2


def test_fitted_arrays_are_the_networks_weights(clf3):
    layer = clf3.model_.layers[1]
    assert clf3.coefs_[1][5, 2] == layer.neurons[2].w[5].data
    assert clf3.intercepts_[1][2] == layer.neurons[2].b.data


def test_predictions_equal_the_scalar_forward_pass(clf3, blobs3):
    X, _ = blobs3
    logits = [[v.data for v in clf3.model_(row)] for row in X[:5].tolist()]
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(clf3.predict_proba(X[:5]), expected, rtol=1e-12, atol=1e-12)


def test_losses_are_on_scikit_learns_scale(blobs2, blobs3):
    # With a vanishing step the weights do not move, so the first epoch's loss is
    # the loss of the final weights: log-loss (binary and softmax) and half the MSE.
    tiny = dict(
        hidden_layer_sizes=(4,),
        solver="sgd",
        momentum=0.0,
        learning_rate_init=1e-300,
        max_iter=1,
        alpha=0.0,
        random_state=3,
    )
    for X, y in (blobs2, blobs3):
        clf = MLPClassifier(**tiny).fit(X, y)
        expected = -np.mean(clf.predict_log_proba(X)[np.arange(len(y)), y])
        assert clf.loss_curve_[0] == pytest.approx(expected, rel=1e-12)
    X, y = make_sine(30, random_state=0)
    reg = MLPRegressor(**tiny).fit(X, y)
    assert reg.loss_ == pytest.approx(0.5 * np.mean((reg.predict(X) - y) ** 2), rel=1e-12)


def test_alpha_adds_scikit_learns_l2_term_on_weights_only(blobs2):
    X, y = blobs2
    tiny = dict(
        hidden_layer_sizes=(4,), solver="sgd", momentum=0.0, learning_rate_init=1e-300, max_iter=1, random_state=3
    )
    plain = MLPClassifier(alpha=0.0, **tiny).fit(X, y)
    penalized = MLPClassifier(alpha=0.3, **tiny).fit(X, y)
    squares = sum(float((c**2).sum()) for c in plain.coefs_)  # biases excluded
    assert penalized.loss_ - plain.loss_ == pytest.approx(0.5 * 0.3 * squares / len(X), rel=1e-9)


# ---------------------------------------------------------------- bad input
def test_predict_before_fit_says_not_fitted():
    for est, method in [(MLPClassifier(), "predict"), (MLPClassifier(), "predict_proba"), (MLPRegressor(), "predict")]:
        with pytest.raises(NotFittedError, match="not fitted yet") as info:
            getattr(est, method)([[0.0, 1.0]])
        assert isinstance(info.value, ValueError) and isinstance(info.value, AttributeError)
        assert isinstance(info.value, SkNotFittedError)  # scikit-learn's except clauses catch it too
    est = MLPClassifier()
    assert not hasattr(est, "coefs_")
    with pytest.raises(NotFittedError):
        est.score([[0.0, 1.0]], [1])


def test_wrong_number_of_features_names_both_numbers(clf3):
    with pytest.raises(ValueError, match="X has 3 features, but MLPClassifier is expecting 2 features"):
        clf3.predict(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="X has 1 features, but MLPClassifier is expecting 2"):
        clf3.partial_fit(np.zeros((4, 1)), ["cat"] * 4)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_in_X_is_refused(bad, blobs2, clf3):
    X, y = blobs2
    X = X.copy()
    X[3, 1] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        MLPClassifier(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="NaN|infinity"):
        clf3.predict(X)


def test_bad_shapes_and_labels_are_refused(blobs2):
    X, y = blobs2
    clf = MLPClassifier(**FAST)
    with pytest.raises(ValueError, match="Reshape your data"):
        clf.fit(X[:, 0], y)
    with pytest.raises(ValueError, match=r"inconsistent numbers of samples: \[40, 39\]"):
        clf.fit(X, y[:-1])
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        clf.fit(X, X[:, 0])
    # one class: scikit-learn fits it and predicts it (as its MLPClassifier does)
    assert set(clone(clf).fit(X, np.full(len(X), 7)).predict(X)) == {7}
    with pytest.raises(ValueError, match="requires y"):
        clf.fit(X, None)
    with pytest.raises(ValueError, match="NaN"):
        MLPRegressor(**FAST).fit(X, np.where(y == 1, np.nan, 0.0))
    with pytest.raises(ValueError, match="Complex"):
        clf.fit(X + 1j, y)
    with pytest.warns(DataConversionWarning):
        clf.fit(X, y.reshape(-1, 1))


@pytest.mark.parametrize(
    "params, name",
    [
        (dict(solver="bfgs"), "solver"),
        (dict(activation="softmax"), "activation"),
        (dict(alpha=-1.0), "alpha"),
        (dict(batch_size=0), "batch_size"),
        (dict(learning_rate="optimal"), "learning_rate"),
        (dict(learning_rate_init=0.0), "learning_rate_init"),
        (dict(max_iter=0), "max_iter"),
        (dict(momentum=1.5), "momentum"),
        (dict(hidden_layer_sizes=(4, 0)), "hidden_layer_sizes"),
        (dict(hidden_layer_sizes="8"), "hidden_layer_sizes"),
        (dict(tol=-1.0), "tol"),
        (dict(n_iter_no_change=0), "n_iter_no_change"),
        (dict(random_state="seed"), "random_state"),
        (dict(beta_1=1.0), "beta_1"),
        (dict(shuffle="yes"), "shuffle"),
        (dict(validation_fraction=1.0), "validation_fraction"),
    ],
)
def test_bad_hyperparameters_raise_at_fit_naming_the_parameter(params, name, blobs2):
    X, y = blobs2
    clf = MLPClassifier(**params)  # no validation in __init__ (scikit-learn's convention)
    with pytest.raises(ValueError, match=name):
        clf.fit(X, y)
    assert not hasattr(clf, "coefs_")


def test_regressor_loss_is_its_first_parameter_as_in_scikit_learn_1_9():
    with pytest.raises(ValueError, match=r"'loss' parameter.*Got \(8,\)"):
        MLPRegressor((8,)).fit([[0.0], [1.0]], [0.0, 1.0])


# ---------------------------------------------------------------- partial_fit, warm_start, stopping
def test_classifier_partial_fit(blobs3):
    X, y = blobs3
    labels = NAMES[y]
    clf = MLPClassifier(hidden_layer_sizes=(8,), learning_rate_init=0.05, random_state=0)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clf.partial_fit(X, labels)
    first = labels != "emu"  # the first batch lacks a class; classes= announces it
    clf.partial_fit(X[first], labels[first], classes=NAMES)
    assert clf.classes_.tolist() == NAMES.tolist() and clf.n_outputs_ == 3
    for _ in range(14):
        clf.partial_fit(X, labels)
    assert clf.n_iter_ == 1 and len(clf.loss_curve_) == 15
    assert clf.t_ == first.sum() + 14 * len(X)
    assert clf.loss_curve_[-1] < 0.5 * clf.loss_curve_[1]
    assert clf.score(X, labels) >= 0.9
    with pytest.raises(ValueError, match="not the same as on last call"):
        clf.partial_fit(X, labels, classes=["cat", "dog"])
    with pytest.raises(ValueError, match="classes not in `self.classes_`"):
        clf.partial_fit(X[:2], ["cat", "gnu"])
    with pytest.raises(ValueError, match="early_stopping"):
        MLPClassifier(early_stopping=True).partial_fit(X, labels, classes=NAMES)


def test_regressor_partial_fit_improves():
    X, y = make_sine(40, noise=0.0, random_state=0)
    reg = MLPRegressor(hidden_layer_sizes=(8,), activation="tanh", learning_rate_init=0.05, random_state=0)
    for _ in range(10):
        reg.partial_fit(X, y)
    assert len(reg.loss_curve_) == 10 and reg.loss_curve_[-1] < reg.loss_curve_[0]


def test_warm_start_continues_from_the_current_weights(blobs2):
    X, y = blobs2
    clf = MLPClassifier(
        warm_start=True, solver="sgd", momentum=0.0, **{**FAST, "learning_rate_init": 0.01, "max_iter": 5}
    ).fit(X, y)
    first = list(clf.loss_curve_)
    clf.fit(X, y)
    assert len(clf.loss_curve_) == 10 and clf.loss_curve_[:5] == first and clf.n_iter_ == 5
    assert clf.loss_curve_[5] < first[0]  # not a fresh start
    with pytest.raises(ValueError, match="same classes"):
        clf.fit(X, y + 1)
    cold = clf.set_params(warm_start=False).fit(X, y)
    assert cold.loss_curve_ == first  # same random_state, fresh start


def test_stops_when_the_loss_stalls_else_warns(blobs2):
    X, y = blobs2
    clf = MLPClassifier(tol=100.0, n_iter_no_change=2, **{**FAST, "max_iter": 50})
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.n_iter_ == 4  # counter > n_iter_no_change after epochs 2, 3, 4 (scikit-learn's rule)
    assert clf.best_loss_ == min(clf.loss_curve_)
    with pytest.warns(SkConvergenceWarning, match=r"Maximum iterations \(3\)"):
        MLPClassifier(**{**FAST, "max_iter": 3}).fit(X, y)


def test_adaptive_learning_rate_divides_instead_of_stopping(blobs2):
    X, y = blobs2
    stall = dict(solver="sgd", tol=100.0, n_iter_no_change=1, **{**FAST, "max_iter": 12})
    constant = MLPClassifier(learning_rate="constant", **stall).fit(X, y)
    adaptive = MLPClassifier(learning_rate="adaptive", **stall).fit(X, y)
    assert constant.n_iter_ == 3
    assert adaptive.n_iter_ == 12


def test_early_stopping_keeps_the_best_validation_score(blobs3):
    X, y = blobs3
    clf = MLPClassifier(early_stopping=True, validation_fraction=0.2, **FAST).fit(X, y)
    assert clf.best_loss_ is None
    assert len(clf.validation_scores_) == clf.n_iter_ == len(clf.loss_curve_)
    assert clf.best_validation_score_ == max(clf.validation_scores_) >= 0.9


def test_same_random_state_same_network(blobs2):
    X, y = blobs2
    quick = {**FAST, "max_iter": 10}
    a, b = MLPClassifier(**quick).fit(X, y), MLPClassifier(**quick).fit(X, y)
    c = MLPClassifier(**{**quick, "random_state": 1}).fit(X, y)
    assert a.loss_curve_ == b.loss_curve_
    np.testing.assert_array_equal(a.coefs_[0], b.coefs_[0])
    assert not np.array_equal(a.coefs_[0], c.coefs_[0])


def test_verbose_prints_scikit_learns_lines(blobs2, capsys):
    X, y = blobs2
    MLPClassifier(verbose=True, **{**FAST, "max_iter": 2}).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Iteration 1, loss = ") and lines[1].startswith("Iteration 2, loss = ")


def test_divergence_leaves_the_estimator_as_it_was():
    X = [[0.0], [1.0], [2.0], [3.0]]
    y = [0.0, 1e3, 2e3, 3e3]
    reg = MLPRegressor(hidden_layer_sizes=(4,), solver="sgd", learning_rate_init=1e6, max_iter=20, random_state=0)
    with pytest.raises(nn.TrainingDiverged):
        reg.fit(X, y)
    assert not hasattr(reg, "coefs_")  # a failed cold fit leaves it unfitted
    reg.set_params(learning_rate_init=1e-4, warm_start=True).fit(X, y)
    coefs, curve = reg.coefs_, list(reg.loss_curve_)
    with pytest.raises(nn.TrainingDiverged):
        reg.set_params(learning_rate_init=1e6).fit(X, y)
    assert all(np.array_equal(a, b) for a, b in zip(reg.coefs_, coefs)) and reg.loss_curve_ == curve


# ---------------------------------------------------------------- regression
def test_regressor_r2_on_a_sine():
    X, y = make_sine(80, noise=0.05, random_state=0)
    reg = MLPRegressor(
        hidden_layer_sizes=(8,), activation="tanh", learning_rate_init=0.05, max_iter=100, random_state=0
    ).fit(X, y)
    assert reg.out_activation_ == "identity"
    assert reg.predict(X).shape == (80,)
    assert reg.score(X, y) > 0.9


def test_regressor_several_targets(blobs3):
    X, _ = blobs3
    Y = np.column_stack([X[:, 0] - X[:, 1], 0.5 * X[:, 0]])
    reg = MLPRegressor(activation="identity", **{**FAST, "hidden_layer_sizes": (4,)})
    reg.fit(X, Y)
    assert reg.predict(X).shape == (60, 2) and reg.coefs_[-1].shape == (4, 2)
    assert reg.score(X, Y) > 0.95


def test_score_takes_sample_weight(clf3, blobs3):
    X, y = blobs3
    wrong = NAMES[(y + 1) % 3]
    weights = np.where(np.arange(len(X)) < 20, 1.0, 0.0)
    hits = clf3.predict(X) == wrong
    assert clf3.score(X, wrong, sample_weight=weights) == pytest.approx(hits[:20].mean())


# ---------------------------------------------------------------- save / load / pickle
def test_save_load_round_trip_classifier(clf3, blobs3, tmp_path):
    X, _ = blobs3
    path = tmp_path / "clf.json"
    nn.save(clf3, path)
    text = path.read_text()
    assert json.loads(text)["kind"] == "MLPClassifier" and '"cat"' in text
    loaded = nn.load(path)
    assert type(loaded) is MLPClassifier
    assert loaded.get_params() == clf3.get_params()
    assert loaded.classes_.tolist() == clf3.classes_.tolist() and loaded.classes_.dtype == clf3.classes_.dtype
    np.testing.assert_array_equal(loaded.predict_proba(X), clf3.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), clf3.predict(X))
    assert loaded.loss_curve_ == clf3.loss_curve_ and loaded.n_iter_ == clf3.n_iter_
    loaded.partial_fit(X[:10], clf3.predict(X[:10]))  # still trainable
    assert len(loaded.loss_curve_) == len(clf3.loss_curve_) + 1


def test_save_load_round_trip_regressor_and_unfitted(tmp_path):
    X, y = make_sine(30, random_state=0)
    reg = MLPRegressor(hidden_layer_sizes=(4,), max_iter=5, random_state=np.random.RandomState(0)).fit(X, y)
    nn.save(reg, tmp_path / "reg.json")
    loaded = nn.load(tmp_path / "reg.json")
    np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))
    assert loaded.random_state is None  # a RandomState object cannot be written
    nn.save(MLPClassifier((3,)), tmp_path / "blank.json")
    blank = nn.load(tmp_path / "blank.json")
    assert blank.hidden_layer_sizes == (3,) and not hasattr(blank, "coefs_")


def test_load_refuses_a_file_whose_parts_do_not_fit(clf3):
    # (a file edited by hand fails its checksum first; the body is checked on its own here)
    rebuild = persistence.from_dict("MLPClassifier")
    payload = json.loads(json.dumps(persistence.to_dict(clf3)))
    payload["fitted"]["classes"] = ["cat", "dog"]  # 2 classes need 1 output, the network has 3
    with pytest.raises(ValueError, match="output"):
        rebuild(payload)
    payload["fitted"]["classes"] = ["cat", "dog", "emu"]
    payload["fitted"]["coefs"][1] = payload["fitted"]["coefs"][1][:-1]  # a layer that does not chain
    with pytest.raises(ValueError, match="chain"):
        rebuild(payload)
    payload = json.loads(json.dumps(persistence.to_dict(clf3)))
    payload["params"]["hidden_size"] = 3
    with pytest.raises(ValueError, match="hidden_size"):
        rebuild(payload)


def test_pickle_and_deepcopy_keep_predictions(clf3, blobs3):
    X, _ = blobs3
    for twin in (pickle.loads(pickle.dumps(clf3)), copy.deepcopy(clf3)):
        assert twin.model_ is not clf3.model_
        np.testing.assert_array_equal(twin.predict_proba(X), clf3.predict_proba(X))


def test_save_load_round_trip_multilabel_poisson_and_lbfgs(tmp_path):
    from sklearn.datasets import make_multilabel_classification

    X, Y = make_multilabel_classification(30, n_features=3, n_classes=3, random_state=0)
    fitted = [
        MLPClassifier((3,), max_iter=3, random_state=0).fit(X, Y),
        MLPRegressor(loss="poisson", hidden_layer_sizes=(3,), max_iter=3, random_state=0).fit(X, Y[:, 0] * 2),
        MLPClassifier((3,), solver="lbfgs", max_iter=3, random_state=0).fit(X, Y[:, 0]),
    ]
    for i, est in enumerate(fitted):
        nn.save(est, tmp_path / f"{i}.json")
        loaded = nn.load(tmp_path / f"{i}.json")
        assert loaded.get_params() == est.get_params() and loaded.out_activation_ == est.out_activation_
        np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
        assert loaded.n_iter_ == est.n_iter_ and getattr(loaded, "loss_curve_", None) == getattr(
            est, "loss_curve_", None
        )


def test_random_state_may_be_a_numpy_generator(blobs2):
    X, y = blobs2
    fits = [
        MLPClassifier(**{**FAST, "random_state": np.random.default_rng(5)}, early_stopping=True).fit(X, y)
        for _ in range(2)
    ]
    for a, b in zip(fits[0].coefs_, fits[1].coefs_, strict=True):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="random_state"):
        MLPClassifier(random_state="seed").fit(X, y)


def test_the_networks_arrays_are_laid_out_in_the_mlps_parameter_order():
    from nn.engine import ParameterVector
    from nn.sklearn.network import Network, _flat, _unflat

    rng = np.random.default_rng(0)
    units = [3, 4, 2]
    coefs = [rng.normal(size=(a, b)) for a, b in zip(units[:-1], units[1:])]
    intercepts = [rng.normal(size=b) for b in units[1:]]
    network = Network(units, "tanh")
    network.set_weights(coefs, intercepts)
    theta = ParameterVector(network.mlp.parameters()).read()
    assert theta.tolist() == _flat(coefs, intercepts).tolist()
    back_coefs, back_intercepts = _unflat(theta, units)
    assert all(np.array_equal(a, b) for a, b in zip(back_coefs + back_intercepts, coefs + intercepts))
