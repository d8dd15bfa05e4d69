"""autodiff: a scalar autograd engine. Exact, iterative, higher-order.

    >>> from autodiff import Value
    >>> x, w, b = Value(2.0), Value(-3.0), Value(1.0)
    >>> y = (w * x + b).tanh()
    >>> y.backward()
    >>> round(w.grad, 6)  # x * (1 - tanh(-5)**2)
    0.000363

Every op lives in one table (``autodiff.OPS``, see ops.py) with its forward
and its local derivatives side by side; ``backward`` is one iterative pass in
reverse topological order; the same derivative rules run on Values for
higher-order gradients (``grad(grad(f))``).
"""

from .functional import dot, dots, grad, hessian, log_softmax, logsumexp, softmax, sum, value_and_grad
from .gradcheck import GradcheckError, gradcheck, numeric_gradients
from .graph import gradients, nodes, topological_order, zero_grad
from .ops import NONZERO, OPS, POSITIVE, REAL, Domain, Op, define_op, get_op
from .value import Scope, Value, apply, current_scope, is_grad_enabled, no_grad, scope

__all__ = [
    "Value",
    "sum",
    "dot",
    "dots",
    "logsumexp",
    "softmax",
    "log_softmax",
    "grad",
    "value_and_grad",
    "gradients",
    "hessian",
    "gradcheck",
    "GradcheckError",
    "numeric_gradients",
    "no_grad",
    "is_grad_enabled",
    "scope",
    "Scope",
    "current_scope",
    "zero_grad",
    "nodes",
    "topological_order",
    "Op",
    "OPS",
    "Domain",
    "REAL",
    "POSITIVE",
    "NONZERO",
    "define_op",
    "get_op",
    "apply",
]
__version__ = "0.1.0"
