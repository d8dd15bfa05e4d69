"""Random expression DAGs over the whole op table: backward and second derivatives
against central differences."""

from hypothesis import given, note, settings

from autodiff import OPS, Value
from autodiff.testing import assert_gradients_match, assert_second_derivatives_match, expressions


@given(expressions(n_inputs=3, max_steps=10))
def test_random_dags_backward_matches_central_differences(case):
    expression, xs = case
    note(repr(expression))
    assert_gradients_match(expression, *xs, atol=1e-4)


@settings(max_examples=40)
@given(expressions(n_inputs=2, max_steps=5))
def test_random_dags_second_derivatives_match(case):
    expression, xs = case
    note(repr(expression))
    assert_second_derivatives_match(expression, *xs, atol=1e-3)


@given(expressions(n_inputs=2, max_steps=10))
def test_expressions_agree_on_floats_and_values(case):
    expression, xs = case
    assert expression(*[Value(x) for x in xs]).data == expression(*xs)


def test_expressions_can_use_every_op():
    names = set()

    @settings(max_examples=300, derandomize=True)
    @given(expressions(n_inputs=2, max_steps=10))
    def collect(case):
        names.update(op.name for op, *_ in case[0].steps)

    collect()
    assert names == set(OPS)
