"""step_through: backprop frame by frame in a notebook, with an ipywidgets slider.

ipywidgets is the optional extra "notebooks" (pip install "chaingrad[notebooks]");
it is imported only when a widget is made.
"""

from __future__ import annotations

import itertools
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .frames import backprop_frames, frame_svgs
from .graph import PRECISION
from .render import fitted_html

if TYPE_CHECKING:
    from autodiff import Value

_widgets = itertools.count()  # a prefix per shown frame: ids stay unique on the page

__all__ = ["step_through"]


def _ipywidgets() -> ModuleType:
    try:
        import ipywidgets
    except ImportError as error:
        raise ImportError(
            'viz.step_through needs ipywidgets, the "notebooks" extra: pip install "chaingrad[notebooks]"'
        ) from error
    return ipywidgets


def step_through(output: Value, *, rankdir: str = "LR", precision: int = PRECISION, max_nodes: int = 200) -> Any:
    """A slider over the backward pass of ``output``: one picture per step, as backprop_frames draws them.

    All frames are rendered once, up front (Graphviz ``dot`` needed), with one
    layout shared by every frame, so moving the slider changes only labels and
    colours. ``output``'s own ``.grad`` values are not touched.

    Args:
        output: the Value to backpropagate from (forward done).
        rankdir, precision, max_nodes: as for backprop_frames.
    Returns:
        An ipywidgets.VBox: a play button and an IntSlider ("step") above an HTML view of the
        frame; ``widget.slider``, ``widget.view`` (its ``.value`` is the frame's SVG) and
        ``widget.svgs`` (every frame) reach the parts.
    Raises:
        ImportError: ipywidgets is not installed (names the extra to install).
        GraphvizNotFound: the Graphviz ``dot`` program is missing.

    Example:
        >>> from autodiff import Value
        >>> x = Value(2.0, label="x")
        >>> widget = step_through((x * x).tanh())  # doctest: +SKIP
        >>> widget.slider.max  # doctest: +SKIP
        2
    """
    widgets = _ipywidgets()
    svgs = frame_svgs(backprop_frames(output, rankdir=rankdir, precision=precision, max_nodes=max_nodes))
    slider = widgets.IntSlider(value=0, min=0, max=len(svgs) - 1, step=1, description="step", continuous_update=True)
    view = widgets.HTML(value=_fit(svgs[0], 0))

    def show(change: dict[str, Any]) -> None:
        view.value = _fit(svgs[change["new"]], change["new"])

    slider.observe(show, names="value")
    play = widgets.Play(value=0, min=0, max=len(svgs) - 1, step=1, interval=1200, description="play")
    widgets.jslink((play, "value"), (slider, "value"))
    box = widgets.VBox([widgets.HBox([play, slider]), view])
    box.slider, box.view, box.svgs = slider, view, svgs
    return box


def _fit(svg: str, k: int) -> str:
    """Frame k scaled to the cell's width."""
    return fitted_html(svg, f"s{next(_widgets)}_{k}_", full_size=False)
