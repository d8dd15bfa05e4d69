"""The notes' perceptron: one sigmoid neuron, MSE, stochastic gradient descent; its line separates two blobs.

From 000_*.txt ("Perceptron" through "Perceptron Python code"): z = w . x + b,
y_hat = sigmoid(z), error = (y_hat - y)**2, and after every sample
w -= alpha * dloss/dw, b -= alpha * dloss/db (autodiff finds the notes'
2 * (y_hat - y) * sig(z) * (1 - sig(z)) * x for us). The data are linearly
separable (make_blobs, random_state=42, as in the notes), so one line, the
points where w . x + b = 0 (y_hat = 0.5), classifies all of them.
The one neuron is built as a one-layer MLP (nn.MLP(2, [1])) so the plots know
its output is a probability.

Run: python examples/perceptron.py [--epochs 30] [--lr 0.1] [--seed 0] [--out out]
"""

import numpy as np
from _common import parse_args, save_figure

import nn
import viz


def options(parser):
    parser.add_argument("--lr", type=float, default=0.1, help="learning rate alpha")


def _signed(x):
    """'+ 1.2345' or '- 1.2345', to write an equation."""
    return f"{'-' if x < 0 else '+'} {abs(x):.4f}"


def main(argv=None):
    args = parse_args(__doc__, epochs=30, argv=argv, extra=options)
    X, y = nn.datasets.make_blobs(100, centers=2, n_features=2, random_state=42)
    model = nn.MLP(2, [1], output_activation="sigmoid", seed=args.seed)  # one sigmoid neuron
    neuron = model.layers[0].neurons[0]
    optimizer = nn.SGD(model.parameters(), lr=args.lr)
    print(
        f"perceptron: one sigmoid neuron, MSE, stochastic gradient descent, alpha {args.lr}, "
        f"{args.epochs} epochs on 100 linearly separable points"
    )
    history = nn.fit(
        model, X, y.astype(float), "mse", optimizer, args.epochs, batch_size=1, seed=args.seed, progress=False
    )
    every = max(1, args.epochs // 10)
    for k, error in enumerate(history.loss):
        if k % every == 0 or k == args.epochs - 1:
            print(f"Epoch {k + 1}/{args.epochs}, Error: {error:.6f}")

    w = [p.data for p in neuron.w]
    b = neuron.b.data
    predicted = nn.predict_numpy(model, X)[:, 0] >= 0.5
    correct = int((predicted == (y == 1)).sum())
    accuracy = correct / len(y)
    print(f"learned w = [{w[0]:.4f}, {w[1]:.4f}], b = {b:.4f}")
    print(f"its line: {w[0]:.4f} * x1 {_signed(w[1])} * x2 {_signed(b)} = 0")
    print(f"accuracy {accuracy:.0%} ({correct}/{len(y)})")

    ax = viz.plot_decision_boundary(model, X, y)
    x1 = np.linspace(*ax.get_xlim(), 2)
    if abs(w[1]) > 1e-12:
        ax.plot(x1, -(w[0] * x1 + b) / w[1], color="k", linewidth=2, label="w . x + b = 0")
    else:
        ax.axvline(-b / w[0], color="k", linewidth=2, label="w . x + b = 0")
    ax.legend(loc="lower right")
    ax.set_title(f"perceptron: w = [{w[0]:.2f}, {w[1]:.2f}], b = {b:.2f}, {accuracy:.0%}")
    save_figure(ax.figure, args.out / "perceptron_line.png")
    return {"w": w, "b": b, "accuracy": accuracy, "loss": history.loss}


if __name__ == "__main__":
    main()
