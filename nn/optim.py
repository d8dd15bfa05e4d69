"""Optimizers (SGD with momentum, Adam) and learning-rate schedules (StepLR, LinearLR).

Each rule is written once, on NumPy arrays (``step_arrays``): ``step()``
gathers the parameters' values and gradients into arrays, applies it and
assigns the results to ``p.data`` (no graph is built); the compiled engine of
``nn.fit`` keeps the parameters in one array and calls ``step_arrays``
directly. Element by element the arrays do the same float operations as
plain Python would, so either way the numbers are the same, bit for bit. A
step is all or nothing: every new value (and the optimizer's own state) is
computed first, then assigned; an interrupt (KeyboardInterrupt) during the
assignment finishes it before it propagates, so the parameters never hold a
half-applied update.

Example (micrograd's moons loop):
    >>> from nn import MLP, optim
    >>> model = MLP(2, [16, 16, 1], seed=0)
    >>> opt = optim.SGD(model.parameters(), lr=1.0)
    >>> schedule = optim.LinearLR(opt, 1.0, 0.1, 100)   # lr = 1.0 - 0.9 * k / 100
    >>> # each step: loss = ...; opt.zero_grad(); loss.backward(); opt.step(); schedule.step()
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from autodiff import Value

from ._checks import describe, finite_real, positive_int

__all__ = ["Optimizer", "SGD", "Adam", "StepLR", "LinearLR"]


def _check_lr(lr: Any) -> float:
    lr = finite_real("lr", lr)
    if lr <= 0:
        raise ValueError(f"lr must be > 0, got {describe(lr)}")
    return lr


def assign(params: list[Value], new: list[float]) -> None:
    """Set every ``p.data`` to ``new``: an interrupt midway finishes the assignment, then propagates.

    (Finishing instead of restoring needs no copy of the old values: the step stays as cheap as
    one pass, and re-setting the values already set is harmless.)
    """
    try:
        for p, value in zip(params, new):
            p.data = value
    except BaseException:  # KeyboardInterrupt included: never leave half an update
        for p, value in zip(params, new):
            p.data = value
        raise


class Optimizer:
    """Base class: holds the parameters and the learning rate ``lr`` (a settable attribute)."""

    def __init__(self, params: Iterable[Value], lr: float, weight_decay: float = 0.0) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError("the optimizer got an empty parameter list")
        seen: dict[int, int] = {}
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise ValueError(f"params must be Values, got {type(p).__name__} at position {i}")
            if id(p) in seen:  # it would be stepped twice per step
                raise ValueError(f"params lists the same parameter twice, at positions {seen[id(p)]} and {i}: {p!r}")
            seen[id(p)] = i
        self.lr = lr
        self.weight_decay = finite_real("weight_decay", weight_decay, low=0)

    @property
    def lr(self) -> float:
        """The learning rate; setting it checks that it is > 0."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = _check_lr(value)

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0.0."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter from its grad (all or nothing)."""
        params = self.params
        data = np.array([p.data for p in params], dtype=float)
        grad = np.array([p.grad for p in params], dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow gives inf, as floats do (fit checks)
            new = self.step_arrays(data, grad)
        assign(params, new.tolist())

    def step_arrays(self, data: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """The update rule: the new values of the parameters from their values ``data`` and
        gradients ``grad`` (arrays in ``params`` order). Advances the optimizer's own state; the
        caller assigns the result."""
        raise NotImplementedError(f"{type(self).__name__} must implement step_arrays (or step)")


class SGD(Optimizer):
    """Gradient descent, optionally with (Nesterov) momentum and L2 weight decay (PyTorch's rules).

    g = grad + weight_decay * p;  v = momentum * v + g;
    p -= lr * (g + momentum * v if nesterov else v)      (v = g without momentum)

    Args:
        params: Values to update. lr: > 0. momentum: in [0, 1).
        nesterov: use Nesterov momentum (needs momentum > 0).
        weight_decay: >= 0.
    Example:
        >>> from nn import Parameter
        >>> from nn.optim import SGD
        >>> w = Parameter(1.0); w.grad = 2.0
        >>> SGD([w], lr=0.1).step(); round(w.data, 10)
        0.8
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.momentum = finite_real("momentum", momentum)
        if not 0.0 <= self.momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {describe(momentum)}")
        if nesterov and self.momentum == 0.0:
            raise ValueError("nesterov=True needs momentum > 0, got momentum=0.0")
        self.nesterov = bool(nesterov)
        self.velocity = np.zeros(len(self.params))

    def step_arrays(self, data: np.ndarray, grad: np.ndarray) -> np.ndarray:
        lr, mu, wd = self._lr, self.momentum, self.weight_decay
        g = grad + wd * data if wd else grad
        if mu == 0.0:  # plain SGD, the common case: no velocity to keep
            return data - lr * g
        velocity = mu * self.velocity + g
        self.velocity = velocity
        return data - lr * (g + mu * velocity) if self.nesterov else data - lr * velocity

    def __repr__(self) -> str:
        return (
            f"SGD(lr={self._lr}, momentum={self.momentum}, nesterov={self.nesterov}, "
            f"weight_decay={self.weight_decay}, {len(self.params)} params)"
        )


class Adam(Optimizer):
    """Adam (Kingma & Ba) with bias correction; weight_decay adds wd * p to the gradient.

    Args:
        params: Values. lr: > 0. betas: (beta1, beta2), each in [0, 1). eps: > 0. weight_decay: >= 0.
    Example:
        >>> from nn import Parameter
        >>> from nn.optim import Adam
        >>> w = Parameter(1.0); w.grad = 5.0
        >>> Adam([w], lr=0.1).step(); round(w.data, 6)   # first step moves by ~lr
        0.9
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        try:
            beta1, beta2 = betas
        except (TypeError, ValueError):
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}") from None
        self.betas = (finite_real("beta1", beta1), finite_real("beta2", beta2))
        for name, beta in zip(("beta1", "beta2"), self.betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"{name} must be in [0, 1), got {describe(beta)}")
        self.eps = finite_real("eps", eps)
        if self.eps <= 0:
            raise ValueError(f"eps must be > 0, got {describe(eps)}")
        self.t = 0
        self.m = np.zeros(len(self.params))
        self.v = np.zeros(len(self.params))

    def step_arrays(self, data: np.ndarray, grad: np.ndarray) -> np.ndarray:
        t = self.t + 1
        beta1, beta2 = self.betas
        lr, eps, wd = self._lr, self.eps, self.weight_decay
        correction1 = 1.0 - beta1**t
        correction2 = 1.0 - beta2**t
        step_size = lr / correction1
        g = grad + wd * data if wd else grad
        m = beta1 * self.m + (1.0 - beta1) * g
        v = beta2 * self.v + (1.0 - beta2) * g * g
        self.t, self.m, self.v = t, m, v
        return data - step_size * m / (np.sqrt(v / correction2) + eps)

    def __repr__(self) -> str:
        return f"Adam(lr={self._lr}, betas={self.betas}, eps={self.eps}, weight_decay={self.weight_decay})"


# ---------------------------------------------------------------- schedules
class _Schedule:
    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise ValueError(f"a schedule needs an nn.optim optimizer, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.steps = 0

    def step(self) -> None:
        """Count one step and set the optimizer's lr for the next one."""
        self.steps += 1
        self.optimizer.lr = self.lr_at(self.steps)

    def lr_at(self, k: int) -> float:
        raise NotImplementedError


class StepLR(_Schedule):
    """Step decay: lr = base_lr * gamma ** (k // step_size) after k calls of step().

    Example:
        >>> from nn import Parameter
        >>> from nn.optim import SGD, StepLR
        >>> opt = SGD([Parameter(0.0)], lr=1.0); schedule = StepLR(opt, step_size=2, gamma=0.5)
        >>> for _ in range(4): schedule.step()
        >>> opt.lr
        0.25
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        super().__init__(optimizer)
        self.step_size = positive_int("step_size", step_size)
        self.gamma = finite_real("gamma", gamma)
        if not 0.0 < self.gamma <= 1.0:
            raise ValueError(f"gamma must be in (0, 1], got {describe(gamma)}")

    def lr_at(self, k: int) -> float:
        return self.base_lr * self.gamma ** (k // self.step_size)


class LinearLR(_Schedule):
    """Linear decay: lr = base_lr * (start + (end - start) * min(k, total_steps) / total_steps).

    Sets lr = base_lr * start_factor at once. micrograd's demo
    (lr = 1.0 - 0.9 * k / 100 at step k) is ``LinearLR(SGD(ps, lr=1.0), 1.0, 0.1, 100)``.

    Example:
        >>> from nn import Parameter
        >>> from nn.optim import SGD, LinearLR
        >>> opt = SGD([Parameter(0.0)], lr=1.0); schedule = LinearLR(opt, 1.0, 0.1, 100)
        >>> schedule.step(); opt.lr
        0.991
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0,
        end_factor: float = 0.1,
        total_steps: int | None = None,
    ) -> None:
        super().__init__(optimizer)
        if total_steps is None:
            raise ValueError("LinearLR needs total_steps (the step at which lr reaches base_lr * end_factor)")
        self.total_steps = positive_int("total_steps", total_steps)
        self.start_factor = finite_real("start_factor", start_factor)
        self.end_factor = finite_real("end_factor", end_factor)
        for name, factor in (("start_factor", self.start_factor), ("end_factor", self.end_factor)):
            if factor <= 0:
                raise ValueError(f"{name} must be > 0, got {describe(factor)}")
        optimizer.lr = self.lr_at(0)

    def lr_at(self, k: int) -> float:
        fraction = min(k, self.total_steps) / self.total_steps
        return self.base_lr * (self.start_factor + (self.end_factor - self.start_factor) * fraction)
