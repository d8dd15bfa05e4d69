"""The checker itself is tested (a wrong rule must be caught); custom ops join the table."""

import math

import pytest

import autodiff
from autodiff import GradcheckError, Value, define_op, gradcheck
from autodiff.testing import assert_gradients_match, assert_second_derivatives_match


def test_gradcheck_passes_a_right_rule():
    assert gradcheck(lambda x, y: x * y.tanh() + x.exp(), 0.3, -1.2) is True


def test_gradcheck_catches_a_wrong_rule_with_a_table():
    wrong_square = define_op("wrong_square", lambda x: x * x, lambda x, out: 3 * x, register=False)
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: wrong_square(x), 1.5)
    message = str(info.value)
    assert "analytic" in message and "numeric" in message and "tolerance" in message
    assert "4.5" in message and "3" in message  # analytic 3x = 4.5 vs numeric 2x = 3
    assert isinstance(info.value, AssertionError)


def test_gradcheck_catches_a_sign_error_in_one_input_only():
    bad_sub = define_op("bad_sub", lambda x, y: x - y, lambda x, y, out: (1.0, 1.0), arity=2, register=False)
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda a, b: bad_sub(a, b), 1.0, 2.0)
    failing = [line for line in str(info.value).splitlines() if line.lstrip().startswith(">")]
    assert len(failing) == 1 and failing[0].split()[1] == "1"


def test_second_order_check_catches_a_rule_that_only_works_on_floats():
    # A derivative rule that freezes its value (float()) is right to first order
    # but loses the graph, so its second derivative is wrong (0 instead of 6x).
    frozen_cube = define_op("frozen_cube", lambda x: x**3, lambda x, out: 3 * float(x) ** 2, register=False)
    assert_gradients_match(lambda x: frozen_cube(x), 1.3)
    with pytest.raises(GradcheckError):
        assert_second_derivatives_match(lambda x: frozen_cube(x), 1.3)


def test_gradcheck_rejects_a_function_returning_a_number():
    with pytest.raises(TypeError, match="must return a Value"):
        gradcheck(lambda x: 1.0, 1.0)


def test_a_student_defines_swish_and_it_joins_the_table():
    def swish(x):
        """x * sigmoid(x)"""
        return x / (1 + math.exp(-x))

    def d_swish(x, out):
        s = (x * 0 + 1) / (1 + (-x).exp()) if isinstance(x, Value) else 1 / (1 + math.exp(-x))
        return s + out * (1 - s)

    op = define_op("swish_test_op", swish, d_swish, symbol="swish")
    try:
        assert autodiff.OPS["swish_test_op"] is op
        y = Value(0.5).swish_test_op()
        assert y.op is op and y.data == pytest.approx(swish(0.5))
        assert gradcheck(lambda x: x.swish_test_op(), 0.5)
        assert_second_derivatives_match(lambda x: x.swish_test_op(), 0.7)
        with pytest.raises(ValueError, match="exists already"):
            define_op("swish_test_op", swish, d_swish)
        with pytest.raises(ValueError, match="exists already"):
            define_op("tanh", math.tanh, lambda x, out: 1 - out * out)
    finally:
        del autodiff.OPS["swish_test_op"]
        delattr(Value, "swish_test_op")


@pytest.mark.parametrize("name", ["not a name", "1x", ""])
def test_define_op_rejects_bad_names(name):
    with pytest.raises(ValueError, match="identifier"):
        define_op(name, lambda x: x, lambda x, out: 1.0, register=False)


def test_custom_op_forward_must_give_finite_floats():
    blowup = define_op("blowup", lambda x: math.inf, lambda x, out: 0.0, register=False)
    with pytest.raises(OverflowError, match="blowup"):
        blowup(Value(1.0))
