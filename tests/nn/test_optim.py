"""Optimizers and schedules: update rules against hand-written references, and bad arguments."""

import math

import numpy as np
import pytest

import nn
from autodiff import Value
from nn import Parameter
from nn.optim import SGD, Adam, LinearLR, StepLR


def params_with_grads(values, grads):
    ps = [Parameter(v) for v in values]
    for p, g in zip(ps, grads):
        p.grad = g
    return ps


def test_plain_sgd():
    ps = params_with_grads([1.0, -2.0], [0.5, -1.0])
    SGD(ps, lr=0.1).step()
    assert [p.data for p in ps] == [1.0 - 0.05, -2.0 + 0.1]


def test_momentum_nesterov_and_weight_decay_follow_the_reference():
    lr, mu, wd, grads = 0.1, 0.9, 0.01, [1.0, -0.5, 2.0]
    for nesterov in (False, True):
        p = Parameter(1.0)
        opt = SGD([p], lr=lr, momentum=mu, nesterov=nesterov, weight_decay=wd)
        x, v = 1.0, 0.0
        for g in grads:
            p.grad = g
            opt.step()
            d = g + wd * x
            v = mu * v + d
            x -= lr * (d + mu * v if nesterov else v)
            assert p.data == pytest.approx(x, rel=1e-15)


def test_adam_follows_the_reference():
    lr, b1, b2, eps, wd = 0.01, 0.8, 0.99, 1e-8, 0.1
    p = Parameter(0.5)
    opt = Adam([p], lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd)
    x, m, v = 0.5, 0.0, 0.0
    for t, g in enumerate([0.3, -1.0, 2.0, 0.0], start=1):
        p.grad = g
        opt.step()
        g = g + wd * x
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        x -= lr * (m / (1 - b1**t)) / (math.sqrt(v / (1 - b2**t)) + eps)
        assert p.data == pytest.approx(x, rel=1e-12)


def test_zero_grad_and_settable_lr():
    ps = params_with_grads([1.0, 2.0], [3.0, 4.0])
    opt = Adam(ps)
    opt.zero_grad()
    assert [p.grad for p in ps] == [0.0, 0.0]
    opt.lr = 0.5
    assert opt.lr == 0.5
    with pytest.raises(ValueError, match="lr must be > 0, got 0"):
        opt.lr = 0


def test_optimizers_minimize_a_quadratic():
    for make in (
        lambda ps: SGD(ps, lr=0.1),
        lambda ps: SGD(ps, lr=0.05, momentum=0.9, nesterov=True),
        lambda ps: Adam(ps, lr=0.1),
    ):
        p = Parameter(5.0)
        opt = make([p])
        for _ in range(300):
            loss = (p - 2.0) ** 2
            opt.zero_grad()
            loss.backward()
            opt.step()
        assert p.data == pytest.approx(2.0, abs=1e-3)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda ps: SGD(ps, lr=0), "lr must be > 0, got 0"),
        (lambda ps: SGD(ps, lr=-0.1), "lr must be > 0, got -0.1"),
        (lambda ps: SGD(ps, lr=float("nan")), "lr must be a finite number, got nan"),
        (lambda ps: SGD(ps, lr=0.1, momentum=1.0), r"momentum must be in \[0, 1\), got 1.0"),
        (lambda ps: SGD(ps, lr=0.1, momentum=-0.5), "got -0.5"),
        (lambda ps: SGD(ps, lr=0.1, nesterov=True), "nesterov"),
        (lambda ps: SGD(ps, lr=0.1, weight_decay=-1), "weight_decay must be >= 0, got -1"),
        (lambda ps: Adam(ps, betas=(0.9, 1.0)), r"beta2 must be in \[0, 1\), got 1.0"),
        (lambda ps: Adam(ps, betas=0.9), "betas must be a pair"),
        (lambda ps: Adam(ps, eps=0), "eps must be > 0"),
        (lambda ps: SGD([], lr=0.1), "empty parameter list"),
        (lambda ps: SGD([1.0], lr=0.1), "must be Values"),
    ],
)
def test_bad_arguments_name_the_value(make, message):
    with pytest.raises(ValueError, match=message):
        make([Parameter(0.0)])


def test_step_lr():
    opt = SGD([Parameter(0.0)], lr=1.0)
    schedule = StepLR(opt, step_size=3, gamma=0.5)
    seen = []
    for _ in range(7):
        schedule.step()
        seen.append(opt.lr)
    assert seen == [1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25]
    with pytest.raises(ValueError, match="step_size"):
        StepLR(opt, 0)
    with pytest.raises(ValueError, match="gamma"):
        StepLR(opt, 1, gamma=0)


def test_linear_lr_is_micrograds_demo_schedule():
    opt = SGD([Parameter(0.0)], lr=1.0)
    schedule = LinearLR(opt, 1.0, 0.1, 100)
    for k in range(120):
        assert opt.lr == pytest.approx(1.0 - 0.9 * min(k, 100) / 100, rel=1e-12)
        schedule.step()
    with pytest.raises(ValueError, match="total_steps"):
        LinearLR(opt)
    with pytest.raises(ValueError, match="end_factor must be > 0"):
        LinearLR(opt, 1.0, 0.0, 10)
    assert nn.LinearLR is LinearLR and nn.StepLR is StepLR


# ---------------------------------------------------------------- all or nothing
class Trap(Parameter):
    """A parameter whose next assignment raises KeyboardInterrupt once (an interrupt mid-step)."""

    __slots__ = ()
    armed = False

    @property
    def data(self):
        return Value.data.__get__(self)

    @data.setter
    def data(self, value):
        if Trap.armed:
            Trap.armed = False
            raise KeyboardInterrupt
        Value.data.__set__(self, value)


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: SGD(ps, lr=0.1),
        lambda ps: SGD(ps, lr=0.1, weight_decay=0.01),
        lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
        lambda ps: Adam(ps, lr=0.1),
    ],
)
def test_an_interrupted_step_is_applied_whole(make):
    def setup():
        params = [Parameter(float(i)) for i in range(50)] + [Trap(0.5)] + [Parameter(float(i)) for i in range(50)]
        for i, p in enumerate(params):
            p.grad = 1.0 + i
        optimizer = make(params)
        optimizer.step()  # a first, complete step (momentum and Adam state not zero)
        return params, optimizer

    def state(optimizer):
        state = vars(optimizer).items()
        return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in state if k != "params"}

    params, optimizer = setup()
    twin_params, twin = setup()
    twin.step()  # the whole second step, uninterrupted
    Trap.armed = True
    with pytest.raises(KeyboardInterrupt):
        optimizer.step()
    assert [p.data for p in params] == [p.data for p in twin_params]  # not 50 of 101 updated
    assert state(optimizer) == state(twin)


def test_the_same_parameter_twice_is_refused():
    w = Parameter(1.0)
    with pytest.raises(ValueError, match="the same parameter twice, at positions 0 and 2"):
        SGD([w, Parameter(0.0), w], lr=0.1)


@pytest.mark.parametrize("make, name", [(lambda ps: SGD(ps, lr=10**400), "lr"),
                                        (lambda ps: SGD(ps, lr=0.1, momentum=10**400), "momentum"),
                                        (lambda ps: Adam(ps, eps=10**400), "eps")])  # fmt: skip
def test_huge_ints_name_the_argument_and_the_size(make, name):
    with pytest.raises(ValueError, match=f"{name} must be a finite number, got a 401-digit int"):
        make([Parameter(0.0)])
