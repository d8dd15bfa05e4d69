"""Activations: values, the NumPy twins, and exact gradients (Hypothesis + gradcheck)."""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import autodiff
from autodiff import Value
from nn.activations import ACTIVATIONS, LEAKY_SLOPE, NUMPY_ACTIVATIONS, get_activation, get_numpy_activation

REFERENCE = {
    "linear": lambda z: z,
    "relu": lambda z: max(z, 0.0),
    "leaky_relu": lambda z: z if z > 0 else LEAKY_SLOPE * z,
    "tanh": math.tanh,
    "sigmoid": lambda z: 1 / (1 + math.exp(-z)),
    "softplus": lambda z: math.log1p(math.exp(z)),
}
DERIVATIVE = {
    "linear": lambda z: 1.0,
    "relu": lambda z: 1.0 if z > 0 else 0.0,
    "leaky_relu": lambda z: 1.0 if z > 0 else LEAKY_SLOPE,
    "tanh": lambda z: 1 - math.tanh(z) ** 2,
    "sigmoid": lambda z: REFERENCE["sigmoid"](z) * (1 - REFERENCE["sigmoid"](z)),
    "softplus": lambda z: REFERENCE["sigmoid"](z),
}
NAMES = sorted(ACTIVATIONS)
z_values = st.floats(-20, 20, allow_nan=False)


def test_the_table_and_its_twin_have_the_same_names():
    assert set(ACTIVATIONS) == set(NUMPY_ACTIVATIONS) == set(REFERENCE)
    assert list(ACTIVATIONS) == ["linear", "relu", "leaky_relu", "tanh", "sigmoid", "softplus"]


@pytest.mark.parametrize("name", NAMES)
@given(z=z_values)
def test_values_and_derivatives(name, z):
    out = get_activation(name)(Value(z))
    assert out.data == pytest.approx(REFERENCE[name](z), rel=1e-12, abs=1e-15)
    assume(name not in ("relu", "leaky_relu") or z != 0)
    assert autodiff.gradients(out, [out] if name == "linear" else [out.parents[0]])[0] == pytest.approx(
        DERIVATIVE[name](z), rel=1e-12, abs=1e-15
    )


@pytest.mark.parametrize("name", NAMES)
@given(z=z_values)
def test_gradcheck(name, z):
    assume(name not in ("relu", "leaky_relu") or abs(z) > 1e-3)  # the kink at 0
    assert autodiff.gradcheck(get_activation(name), z)


@pytest.mark.parametrize("name", NAMES)
@given(zs=st.lists(st.floats(-800, 800, allow_nan=False), min_size=1, max_size=20))
def test_numpy_twin_matches_the_engine(name, zs):
    expected = [get_activation(name)(Value(z)).data for z in zs]
    got = get_numpy_activation(name)(np.array(zs))
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-300)


def test_unknown_name():
    for bad in ("gelu", None, 3):
        with pytest.raises(ValueError, match="valid activations: linear, relu"):
            get_activation(bad)
        with pytest.raises(ValueError, match="valid activations"):
            get_numpy_activation(bad)
