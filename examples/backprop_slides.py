"""Backprop as a slideshow: the classic tanh neuron, one chain-rule step per slide, in one HTML file.

The neuron of micrograd's lecture: o = tanh(x1*w1 + x2*w2 + b) with x1 = 2,
x2 = 0, w1 = -3, w2 = 1 and b = 6.8813735870195432 (chosen so that n = 0.8814
and o = tanh(n) = 0.7071). viz.backprop_frames draws one picture per backward
step: the node being processed is outlined in red, the gradients it passes back
(its grad x the local derivative, on the red edges) are filled yellow.
viz.save_frames writes them as one self-contained page (arrow keys step
through; no server, no internet). Without the Graphviz `dot` program the
frames' .gv sources are saved into a folder instead.
The gradients at the end: dx1 = -1.5, dw1 = 1, dx2 = 0.5, dw2 = 0, db = 0.5.

Run: python examples/backprop_slides.py [--out out]
"""

from _common import parse_args

import viz
from autodiff import Value


def neuron():
    """o = tanh(x1*w1 + x2*w2 + b), with every Value labelled as in the lecture."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, {"x1": x1, "w1": w1, "x2": x2, "w2": w2, "b": b}


def main(argv=None):
    args = parse_args(__doc__, argv=argv)
    o, leaves = neuron()
    frames = viz.backprop_frames(o)
    print(
        f"the classic neuron: o = tanh(x1*w1 + x2*w2 + b) = {o.data:.4f}; {len(frames)} frames "
        f"(the seed, then one per operation)"
    )
    path = args.out / "backprop_slides.html"
    try:
        written = viz.save_frames(frames, path, title="Backprop through one tanh neuron")
        print(f"  wrote {written} ({len(frames)} slides; open it in a browser, step with the arrow keys)")
    except viz.GraphvizNotFound:
        folder = path.with_name(path.stem + "_frames")
        print(f"  Graphviz `dot` is missing: wrote the {len(frames)} frames' sources into {folder}/ instead of {path}")
        written = folder
    o.backward()
    print("gradients: " + ", ".join(f"d{name} = {v.grad:.4g}" for name, v in leaves.items()))
    return {"path": written, "frames": len(frames), "o": o.data, "grads": {name: v.grad for name, v in leaves.items()}}


if __name__ == "__main__":
    main()
