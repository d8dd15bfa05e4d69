"""scikit-learn's own estimator checks over both estimators (small networks, few epochs: seconds, not minutes).

Every check runs; the ones expected to fail would be listed in
EXPECTED_FAILURES with the reason (pytest reports them as xfail). None is.
The solvers themselves (sgd, lbfgs, sample_weight) are compared with
scikit-learn's number for number in test_sklearn_parity.py.
"""

import pytest

pytest.importorskip("sklearn")
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from nn import MLPClassifier, MLPRegressor  # noqa: E402

# The checks run with few epochs on purpose (time): not converging is expected there.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# Small networks, few epochs, a large step: the checks' data are learned in a few epochs.
SMALL = dict(hidden_layer_sizes=(5,), learning_rate_init=0.05, max_iter=20, random_state=0)
ESTIMATORS = [MLPClassifier(**SMALL), MLPRegressor(**SMALL)]

EXPECTED_FAILURES: dict = {}


def expected_failures(estimator) -> dict:
    return EXPECTED_FAILURES.get(type(estimator).__name__, {})


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failures)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
