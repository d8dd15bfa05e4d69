"""tanh for micrograd 0.1.0, written in micrograd's own style.

micrograd 0.1.0 from PyPI has no ``tanh`` (and no ``exp``). Workload W0 needs
one, so here it is exactly as Andrej Karpathy writes it in his micrograd
lecture ("The spelled-out intro to neural networks and backpropagation"): the
forward from exponentials and a closure-based ``_backward`` that adds
``(1 - t**2) * out.grad`` into the input's grad. It is attached to
``micrograd.engine.Value`` only inside the benchmark worker process.
"""

import math


def tanh(self):
    from micrograd.engine import Value

    x = self.data
    t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)
    out = Value(t, (self,), "tanh")

    def _backward():
        self.grad += (1 - t**2) * out.grad

    out._backward = _backward

    return out


def install():
    """Give micrograd's Value a ``tanh`` method (idempotent)."""
    from micrograd.engine import Value

    if not hasattr(Value, "tanh"):
        Value.tanh = tanh
