"""Module and Parameter: what every network part shares.

A Module owns Parameters (trainable leaf Values) and child Modules. From
those it derives stable dotted names ("layers.0.neurons.3.w.1"), zeroing of
gradients, and a state dict of plain floats that can be saved and loaded.

Example:
    >>> from nn import MLP
    >>> model = MLP(2, [3, 1], seed=0)
    >>> model.num_parameters()
    13
    >>> model.named_parameters()[0][0]
    'layers.0.neurons.0.w.0'
"""

from __future__ import annotations

from typing import Any

from autodiff import Value

from ._checks import describe, is_finite_real

__all__ = ["Parameter", "Module"]


class Parameter(Value):
    """A trainable leaf Value (a weight or a bias). Drawings style it apart from other Values.

    Example:
        >>> from nn import Parameter
        >>> w = Parameter(0.5)
        >>> (w * 2).data, w.op is None
        (1.0, True)
    """

    __slots__ = ()


class Module:
    """Base class of Neuron, Layer and MLP.

    Subclasses implement ``_own_parameters()`` (a list of (name, Parameter))
    and/or ``_children()`` (a list of (name, Module)), ``config()`` and
    ``__call__``.
    """

    def _own_parameters(self) -> list[tuple[str, Parameter]]:
        return []

    def _children(self) -> list[tuple[str, Module]]:
        return []

    def named_parameters(self) -> list[tuple[str, Parameter]]:
        """(dotted name, Parameter) pairs in a stable order: own parameters, then each child's.

        Returns:
            A list such as [("layers.0.neurons.0.w.0", Parameter), ..., ("layers.1.neurons.0.b", ...)].
        """
        named: list[tuple[str, Parameter]] = []
        stack = [("", self)]  # iterative walk, depth first, children in order
        while stack:
            prefix, module = stack.pop()
            named.extend((prefix + name, p) for name, p in module._own_parameters())
            stack.extend((f"{prefix}{name}.", child) for name, child in reversed(module._children()))
        return named

    def parameters(self) -> list[Parameter]:
        """All Parameters, in the order of ``named_parameters()``."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every Parameter's ``grad`` to 0.0."""
        for p in self.parameters():
            p.grad = 0.0

    def num_parameters(self) -> int:
        """How many scalar Parameters the module has."""
        return len(self.parameters())

    def state_dict(self) -> dict[str, float]:
        """{dotted name: float} for every Parameter, in order.

        Example:
            >>> from nn import Neuron
            >>> Neuron(2, init="uniform", seed=0).state_dict().keys()
            dict_keys(['w.0', 'w.1', 'b'])
        """
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Any) -> None:
        """Set every Parameter from ``state`` ({name: number}), all or nothing.

        Everything is validated before anything is assigned, so on any error
        the module is left exactly as it was.

        Raises:
            ValueError: ``state`` is not a dict, has missing or unexpected keys
                (named), or a value that is not a finite real number (named).
        """
        if not isinstance(state, dict):
            raise ValueError(f"load_state_dict: expected a dict of name -> number, got {type(state).__name__}")
        named = self.named_parameters()
        names = {name for name, _ in named}
        missing = [name for name, _ in named if name not in state]
        unexpected = [describe(key) if not isinstance(key, str) else key for key in state if key not in names]
        problems = []
        if missing:
            problems.append(f"missing keys {_short_list(missing)}")
        if unexpected:
            problems.append(f"unexpected keys {_short_list(unexpected)}")
        bad = [
            f"{name}={describe(state[name])}" for name, _ in named if name in state and not is_finite_real(state[name])
        ]
        if bad:
            problems.append(f"values that are not finite numbers: {_short_list(bad)}")
        if problems:
            raise ValueError(
                f"load_state_dict: the state does not fit this {type(self).__name__} "
                f"({len(named)} parameters): " + "; ".join(problems)
            )
        for name, p in named:
            p.data = float(state[name])

    def config(self) -> dict[str, Any]:
        """The constructor arguments, as a JSON-able dict: ``type(m)(**m.config())`` rebuilds the architecture."""
        raise NotImplementedError(f"{type(self).__name__} must implement config()")

    def __call__(self, x: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement __call__")


def _short_list(items: list[str], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    return f"[{shown}{', ...' if len(items) > limit else ''}] ({len(items)})" if len(items) > limit else f"[{shown}]"
