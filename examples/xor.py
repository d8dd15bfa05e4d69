"""XOR with the notes' 2-2-1 sigmoid network: full-batch gradient descent, learning rate 1, 1000 steps.

From 001_*.txt ("Toy Python example"): the network's output error is a - y,
which is the gradient of binary cross-entropy through a sigmoid output, averaged
over the four samples; we train with exactly that loss. Gradient descent can
land in a local minimum (the notes recommend several starting points): when a
run does not get all four right, we restart from the next seed and say so.
A single perceptron cannot solve XOR: we train one the same way and show it.

Run: python examples/xor.py [--seed 0] [--epochs 1000] [--out out]
"""

from _common import parse_args, save_figure, save_graph

import nn
import viz
from autodiff import Value

MAX_RESTARTS = 10


def train(seed, epochs, hidden=(2,)):
    """A sigmoid MLP 2-hidden-1 trained on XOR; returns (model, history, accuracy)."""
    X, y = nn.datasets.xor()
    model = nn.MLP(2, [*hidden, 1], activation="sigmoid", output_activation="sigmoid", seed=seed)
    optimizer = nn.SGD(model.parameters(), lr=1.0)
    history = nn.fit(model, X, y, "binary_cross_entropy", optimizer, epochs, progress=False)
    outputs = nn.predict_numpy(model, X)[:, 0]
    accuracy = float(((outputs > 0.5) == (y == 1)).mean())
    return model, history, accuracy


def print_table(model):
    """The notes' table: Input, Output, Quantized."""
    print("Input\tOutput\tQuantized")
    for point in ([0, 0], [1, 0], [0, 1], [1, 1]):
        output = model(point)[0].data
        print(f"{point}\t{output:.4f}\t[{int(output > 0.5)}]")


def sample_graph(model, point, target):
    """The loss graph of one sample, its inputs named after it ("sample [1, 0]: x1"), with the chain rule drawn."""
    name = f"sample [{int(point[0])}, {int(point[1])}]"
    x = [Value(float(v), label=f"{name}: x{i + 1}") for i, v in enumerate(point)]
    loss = nn.losses.binary_cross_entropy(model(x), [float(target)])
    loss.label = "loss"
    model.zero_grad()  # training left the last step's gradients in the parameters
    loss.backward()
    return viz.draw_graph(loss, show_local_grads=True)


def main(argv=None):
    args = parse_args(__doc__, epochs=1000, argv=argv)
    seed = args.seed
    for _attempt in range(MAX_RESTARTS):
        model, history, accuracy = train(seed, args.epochs)
        if accuracy == 1.0:
            break
        print(f"seed {seed}: stuck at {accuracy:.0%} accuracy (a local minimum): restarting from seed {seed + 1}")
        seed += 1
    print(
        f"2-2-1 sigmoid network, seed {seed}, {args.epochs} full-batch steps, lr 1: "
        f"loss {history.loss[-1]:.4f}, accuracy {accuracy:.0%}"
    )
    print_table(model)

    _, single_history, single_accuracy = train(args.seed, args.epochs, hidden=())
    print(
        f"A single perceptron (one sigmoid neuron) after {args.epochs} steps: accuracy {single_accuracy:.0%}, "
        f"loss {single_history.loss[-1]:.4f}: one straight line cannot separate XOR."
    )

    X, y = nn.datasets.xor()
    save_graph(sample_graph(model, X[1], y[1]), args.out / "xor_graph.svg")
    save_figure(viz.plot_decision_boundary(model, X, y).figure, args.out / "xor_boundary.png")
    return {"seed": seed, "accuracy": accuracy, "single_accuracy": single_accuracy, "loss": history.loss}


if __name__ == "__main__":
    main()
