"""The notes' activation functions and their derivatives in one figure: sigmoid, tanh, ReLU, leaky ReLU, softmax.

From 000_*.txt ("Activation functions") and 001_*.txt ("Backpropagation in
practice"): sigmoid' = s(1 - s), tanh' = 1 - tanh**2, ReLU' = 0 or 1, leaky
ReLU' = alpha or 1 (alpha = 0.1 here, to be visible), and softplus
(log(1 + e^x), a smooth ReLU, whose derivative is the sigmoid). The first five panels
come from viz.plot_activations, which evaluates the engine's own op table: what
is plotted is exactly what backprop uses. Softmax takes a vector, so its panel
shows softmax([z, 0, 0]) as z moves, with the derivatives autodiff computes:
dp_0/dz = p_0(1 - p_0) and dp_1/dz = -p_0 p_1 (the Jacobian the notes call tricky).
The six panels sit on a 2 x 3 grid, a 16:9 slide.

Run: python examples/activations.py [--out out]
"""

import numpy as np
from _common import parse_args, save_figure

import autodiff
import viz

NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "softplus")


def softmax_curves(zs):
    """p_0, p_1 of softmax([z, 0, 0]) and their derivatives by z, from autodiff, for every z."""
    p0, p1, d0, d1 = [], [], [], []
    for z in zs:
        for out, deriv, k in ((p0, d0, 0), (p1, d1, 1)):
            x = autodiff.Value(float(z))
            p = autodiff.softmax([x, 0.0, 0.0])[k]
            p.backward()
            out.append(p.data)
            deriv.append(x.grad)
    return np.array(p0), np.array(p1), np.array(d0), np.array(d1)


def main(argv=None):
    from matplotlib.gridspec import GridSpec

    args = parse_args(__doc__, argv=argv)
    figure = viz.plot_activations(NAMES)
    # One more panel for softmax: all of them on a 2 x 3 grid, a 16:9 slide.
    figure.set_size_inches(12, 6.75)
    grid = GridSpec(2, 3, figure=figure)
    for k, ax in enumerate(figure.axes):
        ax.set_subplotspec(grid[k // 3, k % 3])
    ax = figure.add_subplot(grid[len(NAMES) // 3, len(NAMES) % 3])
    zs = np.linspace(-5.0, 5.0, 201)
    p0, p1, d0, d1 = softmax_curves(zs)
    ax.axhline(0, color="0.8", linewidth=0.8)
    ax.axvline(0, color="0.8", linewidth=0.8)
    ax.plot(zs, p0, color="tab:blue", label="p0 = softmax([z,0,0])0")
    ax.plot(zs, d0, color="tab:orange", linestyle="--", label="dp0/dz = p0(1 - p0)")
    ax.plot(zs, p1, color="tab:green", label="p1")
    ax.plot(zs, d1, color="tab:red", linestyle="--", label="dp1/dz = -p0 p1")
    ax.set_title("softmax")
    ax.set_xlabel("z")
    ax.legend(loc="best", fontsize=7)
    figure.tight_layout()
    save_figure(figure, args.out / "activations.png")

    print("activation  f(x) and f'(x) at x = -2, 0.5, 2 (from autodiff)")
    for name in NAMES:
        values, slopes = [], []
        for x in (-2.0, 0.5, 2.0):
            v = autodiff.Value(x)
            out = v.leaky_relu(0.1) if name == "leaky_relu" else getattr(v, name)()
            out.backward()
            values.append(out.data)
            slopes.append(v.grad)
        print(
            f"{name:<10}  f  = "
            + ", ".join(f"{f:+.4f}" for f in values)
            + "   f' = "
            + ", ".join(f"{d:+.4f}" for d in slopes)
        )
    probabilities = [p.data for p in autodiff.softmax([2.0, 1.0, 0.1])]
    print("softmax([2, 1, 0.1]) = [" + ", ".join(f"{p:.4f}" for p in probabilities) + f"], sum {sum(probabilities):g}")
    return {"names": [*NAMES, "softmax"], "softmax": probabilities}


if __name__ == "__main__":
    main()
