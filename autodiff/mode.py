"""What new Values do: record their inputs or not (``no_grad``), and which scope they belong to.

One context variable holds both settings: one lookup per new node, and each
thread and asyncio task sees its own. A mode remembers the one it replaced,
so leaving a ``no_grad`` or a ``scope`` restores exactly that, however the
context-manager objects are shared between threads, tasks or nested uses.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["Mode", "MODE", "Scope", "no_grad", "enable_grad", "is_grad_enabled", "scope", "current_scope"]

F = TypeVar("F", bound=Callable[..., Any])


class Mode:
    """One setting of the context: ``record`` (build the graph?), ``scope``, and the mode it replaced."""

    __slots__ = ("record", "scope", "previous")

    def __init__(self, record: bool, scope: Scope | None, previous: Mode | None = None):
        self.record = record
        self.scope = scope
        self.previous = previous


# Read with MODE.get() where a node is made; set only through the context managers below.
MODE: contextvars.ContextVar[Mode] = contextvars.ContextVar("autodiff_mode", default=Mode(True, None))  # noqa: B039


# Entering is all or nothing. A KeyboardInterrupt is delivered right after a call returns, so it
# can arrive just after MODE.set, inside __enter__, and then the with statement runs no __exit__.
# Each __enter__ therefore sets the mode as its last call, inside a try that undoes it.


def _leave() -> None:
    previous = MODE.get().previous
    if previous is not None:
        MODE.set(previous)


class Scope:
    """A named region of computation (an nn Neuron or Layer call), for drawings.

    Values created inside ``with autodiff.scope(...)`` remember the scope;
    viz groups them in a labelled cluster. Scopes nest through ``parent``.
    """

    __slots__ = ("name", "parent")

    def __init__(self, name: str, parent: Scope | None = None):
        if not isinstance(name, str):
            raise TypeError(f"a scope's name must be a str, got {type(name).__name__}: {name!r}")
        self.name = name
        self.parent = parent

    def path(self) -> list[Scope]:
        """This scope and its ancestors, outermost first."""
        chain: list[Scope] = []
        node: Scope | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    def __repr__(self) -> str:
        return f"Scope({'/'.join(s.name for s in self.path())!r})"


class _Switch:
    """A context manager and decorator that sets recording on or off (no_grad, enable_grad)."""

    record = True

    def __enter__(self) -> _Switch:
        previous = MODE.get()
        try:
            MODE.set(Mode(self.record, previous.scope, previous))
        except BaseException:  # an interrupt as the mode was set (see above)
            MODE.set(previous)
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        _leave()

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def switched(*args: Any, **kwargs: Any) -> Any:
            with self:  # one object for every call: shared between threads and nested calls, which is safe
                return func(*args, **kwargs)

        return switched  # type: ignore[return-value]


class no_grad(_Switch):
    """Context manager and decorator: Values made inside record no parents.

    Use it for inference and for parameter updates, where no graph is needed.
    Thread-safe: each thread (and asyncio task) has its own setting, and one
    ``no_grad()`` object may be shared or nested freely.

    Example:
        >>> from autodiff import Value, no_grad
        >>> with no_grad():
        ...     y = Value(2.0) * 3
        >>> y.parents
        ()
    """

    record = False


class enable_grad(_Switch):
    """Context manager and decorator: record the graph again, even inside ``no_grad``.

    Example:
        >>> from autodiff import Value, enable_grad, no_grad
        >>> with no_grad(), enable_grad():
        ...     y = Value(2.0) * 3
        >>> len(y.parents)
        1
    """

    record = True


def is_grad_enabled() -> bool:
    """True unless inside ``no_grad``."""
    return MODE.get().record


def current_scope() -> Scope | None:
    """The innermost active scope, or None."""
    return MODE.get().scope


class scope:
    """Context manager: Values made inside belong to a named scope (drawn as a cluster).

    Args:
        name: a str (a new Scope nested in the current one) or a Scope object.

    Example:
        >>> from autodiff import Value, scope
        >>> with scope("neuron 0"):
        ...     y = Value(1.0) * 2
        >>> y.scope.name
        'neuron 0'
    """

    __slots__ = ("_scope",)

    def __init__(self, name: str | Scope):
        if not isinstance(name, (str, Scope)):
            raise TypeError(f"scope takes a str or a Scope, got {type(name).__name__}: {name!r}"[:300])
        self._scope = name if isinstance(name, Scope) else Scope(name, current_scope())

    def __enter__(self) -> Scope:
        previous = MODE.get()
        new = self._scope
        try:
            MODE.set(Mode(previous.record, new, previous))
        except BaseException:  # an interrupt as the mode was set (see above)
            MODE.set(previous)
            raise
        return new

    def __exit__(self, *exc_info: object) -> None:
        _leave()
