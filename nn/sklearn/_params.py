"""The constructor parameters both estimators share, documented once (scikit-learn's names and defaults)."""

from __future__ import annotations

DOC_PARAMS = """
    Args:
        hidden_layer_sizes: sizes of the hidden layers, e.g. (100,) or (16, 16).
        activation: hidden activation: "identity", "logistic", "tanh" or "relu".
        solver: "lbfgs", "sgd" or "adam" (scikit-learn's default "adam").
        alpha: L2 strength; the loss gets alpha / 2 * sum(W**2) / n on the weights (not the intercepts).
        batch_size: mini-batch size, or "auto" = min(200, n_samples) (not used by lbfgs).
        learning_rate: "constant", "invscaling" or "adaptive" (sgd only).
        learning_rate_init: the initial step size (sgd and adam).
        power_t: exponent of "invscaling".
        max_iter: epochs (sgd, adam) or iterations (lbfgs).
        shuffle: reshuffle the samples every epoch.
        random_state: None, an int, a numpy RandomState (scikit-learn's draws) or a numpy Generator.
        tol, n_iter_no_change: stop (or, "adaptive", slow down) when the loss or validation score has not
            improved by tol for n_iter_no_change epochs; lbfgs: its gtol.
        verbose: print the loss every epoch.
        warm_start: fit continues from the current weights.
        momentum, nesterovs_momentum: sgd's momentum.
        early_stopping, validation_fraction: hold out a validation set and keep the best weights on it.
        beta_1, beta_2, epsilon: Adam's constants.
        max_fun: lbfgs's limit on loss evaluations.
"""
