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

The modules import one way: ops (the table) <- checks, mode <- graph <- value
<- functional <- extend <- gradcheck, testing, compile.
"""

from .checks import as_float, is_real
from .compile import Compiled, TraceError, compile
from .extend import add_method, apply, define_op
from .functional import (
    arctan2,
    dot,
    dots,
    grad,
    gradients,
    hessian,
    log_softmax,
    logsumexp,
    maximum,
    minimum,
    softmax,
    sum,
    value_and_grad,
)
from .gradcheck import GradcheckError, gradcheck, numeric_gradients
from .graph import nodes, topological_order, zero_grad
from .mode import Scope, current_scope, enable_grad, is_grad_enabled, no_grad, scope
from .ops import NONZERO, OPS, POSITIVE, REAL, Domain, Op, get_op
from .value import Value

__all__ = [
    "Value",
    "compile",
    "Compiled",
    "TraceError",
    "sum",
    "dot",
    "dots",
    "logsumexp",
    "softmax",
    "log_softmax",
    "maximum",
    "minimum",
    "arctan2",
    "grad",
    "value_and_grad",
    "gradients",
    "hessian",
    "gradcheck",
    "GradcheckError",
    "numeric_gradients",
    "no_grad",
    "enable_grad",
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
    "add_method",
    "as_float",
    "is_real",
]
__version__ = "0.2.0"
