"""The estimators' stochastic solvers, rule for rule scikit-learn's (its ``_stochastic_optimizers``).

They update NumPy arrays in place (``coefs_ + intercepts_``) from gradients:

- ``SGD``: velocity v = momentum * v - lr * g; the step is v, or with
  Nesterov momentum * v - lr * g (the new v). The learning rate is
  constant, ``lr_init / (t + 1) ** power_t`` after each epoch ("invscaling",
  t = samples seen), or divided by 5 when the loss stalls ("adaptive",
  stopping below 1e-6).
- ``Adam``: m and v moving averages; the bias correction goes into the
  step size, lr_t = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t), and the
  step is -lr_t * m / (sqrt(v) + epsilon) (epsilon added after the
  correction, as scikit-learn applies it).

Example:
    >>> import numpy as np
    >>> w = np.array([1.0])
    >>> opt = SGD([w], learning_rate_init=0.1, momentum=0.0)
    >>> opt.update_params([w], [np.array([2.0])])
    >>> w.tolist()
    [0.8]
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["SGD", "Adam"]


class _Optimizer:
    """What both solvers share: the update loop and the default end-of-epoch and stall rules."""

    def __init__(self, learning_rate_init: float) -> None:
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)

    def update_params(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Add this step's update to every array of ``params`` (in place)."""
        for param, update in zip(params, self._updates(grads)):
            param += update

    def iteration_ends(self, time_step: int) -> None:
        """Called after each epoch with the number of samples seen so far."""

    def trigger_stopping(self, msg: str, verbose: Any) -> bool:
        """The loss stalled: True to stop training."""
        if verbose:
            print(msg + " Stopping.")
        return True

    def _updates(self, grads: list[np.ndarray]) -> list[np.ndarray]:
        raise NotImplementedError


class SGD(_Optimizer):
    """Stochastic gradient descent with (Nesterov) momentum and scikit-learn's learning-rate schedules.

    Args:
        params: the arrays to update (their shapes size the velocities).
        learning_rate_init, lr_schedule ("constant", "invscaling", "adaptive"),
        momentum, nesterov, power_t: as scikit-learn's MLP parameters.
    """

    def __init__(
        self,
        params: list[np.ndarray],
        learning_rate_init: float = 0.1,
        lr_schedule: str = "constant",
        momentum: float = 0.9,
        nesterov: bool = True,
        power_t: float = 0.5,
    ) -> None:
        super().__init__(learning_rate_init)
        self.lr_schedule = lr_schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self.power_t = power_t
        self.velocities = [np.zeros_like(p) for p in params]

    def iteration_ends(self, time_step: int) -> None:
        if self.lr_schedule == "invscaling":
            self.learning_rate = float(self.learning_rate_init) / (time_step + 1) ** self.power_t

    def trigger_stopping(self, msg: str, verbose: Any) -> bool:
        if self.lr_schedule != "adaptive":
            return super().trigger_stopping(msg, verbose)
        if self.learning_rate <= 1e-6:
            if verbose:
                print(msg + " Learning rate too small. Stopping.")
            return True
        self.learning_rate /= 5.0
        if verbose:
            print(msg + f" Setting learning rate to {self.learning_rate:f}")
        return False

    def _updates(self, grads: list[np.ndarray]) -> list[np.ndarray]:
        mu, lr = self.momentum, self.learning_rate
        self.velocities = [mu * v - lr * g for v, g in zip(self.velocities, grads)]
        if self.nesterov:
            return [mu * v - lr * g for v, g in zip(self.velocities, grads)]
        return self.velocities


class Adam(_Optimizer):
    """Adam as scikit-learn applies it (bias correction in the step size, epsilon after it).

    Args:
        params: the arrays to update. learning_rate_init, beta_1, beta_2, epsilon: as scikit-learn's.
    """

    def __init__(
        self,
        params: list[np.ndarray],
        learning_rate_init: float = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
    ) -> None:
        super().__init__(learning_rate_init)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = 0
        self.ms = [np.zeros_like(p) for p in params]
        self.vs = [np.zeros_like(p) for p in params]

    def _updates(self, grads: list[np.ndarray]) -> list[np.ndarray]:
        self.t += 1
        b1, b2 = self.beta_1, self.beta_2
        self.ms = [b1 * m + (1 - b1) * g for m, g in zip(self.ms, grads)]
        self.vs = [b2 * v + (1 - b2) * (g**2) for v, g in zip(self.vs, grads)]
        self.learning_rate = self.learning_rate_init * np.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        return [-self.learning_rate * m / (np.sqrt(v) + self.epsilon) for m, v in zip(self.ms, self.vs)]
