"""The lecture notes' two-layer numeric example, exactly: forward, loss, every gradient, one update.

From 000_*.txt, "Example" through "Code, Cont.": x = [3, 5], y = [1, 0] (one-hot),
W1 (2x4), W2 (4x2) as given, all biases 1, linear layers, MSE loss.
Expected: h = [7.5, 14, 27, 12.5], o = [121.5, 62.5], loss = 9213.25, and after one
gradient step with learning rate 0.001 the loss is 196.5612128857 (the notes round: 196.56).
Two pictures: worked_example.svg, the network in the notes' state (their weights, their
gradients, the chain rule on every edge), and worked_example_after_step.svg, the same
graph after the step (updated weights, the new loss and its gradients).

Where we differ from the notes (their slips, the math is what counts):
- the notes write 1/2 * 14,520 + 3,906 = 9,213: it is 1/2 * (14520.25 + 3906.25) = 9213.25;
- the notes print layer 2's bias gradients twice; layer 1's are [245.5, 91.5, 424, 303.5];
- their dL/dW2 formula shows [121.5, 62.5] (the outputs) where its numbers use dL/do = [120.5, 62.5].

Run: python examples/worked_example.py [--out out]
"""

from _common import parse_args, save_graph

import nn
import viz
from autodiff import Scope, Value

X = [3.0, 5.0]
Y = [1.0, 0.0]
W1 = [[0.5, 1, 7, 3], [1, 2, 1, 0.5]]  # rows: inputs, columns: neurons, as in the notes
W2 = [[1, 2], [0.5, 0.5], [3, 1], [2, 1]]
LEARNING_RATE = 0.001


def build():
    """The notes' network: two linear layers with the given weights and all biases 1."""
    # Named scopes: the picture's clusters read "layer 1 (2→4)" and "layer 2 (4→2)".
    layer1 = nn.Layer(2, 4, activation="linear", scope=Scope("layer 1 (2→4)"))
    layer2 = nn.Layer(4, 2, activation="linear", scope=Scope("layer 2 (4→2)"))
    for layer, weights in ((layer1, W1), (layer2, W2)):
        for j, neuron in enumerate(layer.neurons):
            for i, w in enumerate(neuron.w):
                w.data = float(weights[i][j])
            neuron.b.data = 1.0
    return layer1, layer2


def forward(layer1, layer2):
    """h, o and the loss, every Value named as in the notes (x1, x2, h1..h4, o1, o2) so the picture reads."""
    x = [Value(v, label=f"x{i + 1}") for i, v in enumerate(X)]
    h = layer1(x)
    o = layer2(h)
    for name, values in (("h", h), ("o", o)):
        for j, v in enumerate(values):
            v.label = f"{name}{j + 1}"
    loss = nn.losses.mse(o, Y)  # mean over the two outputs, as the notes' np.mean
    loss.label = "loss"
    return h, o, loss


def draw(loss):
    """The graph with data, gradients and the chain rule on every edge, drawn now (draw_graph reads the numbers)."""
    return viz.draw_graph(loss, show_local_grads=True)


def weight_table(layer):
    """dL/dW as the notes print it: a row per input, a column per neuron."""
    return [[n.w[i].grad for n in layer.neurons] for i in range(len(layer.neurons[0].w))]


def run():
    """Forward, backward, one SGD step; returns every number the notes show."""
    layer1, layer2 = build()
    h, o, loss = forward(layer1, layer2)
    loss.backward()
    result = {
        "h": [v.data for v in h],
        "o": [v.data for v in o],
        "loss": loss.data,
        "dL/do": [v.grad for v in o],
        "dL/dh": [v.grad for v in h],
        "dL/dW2": weight_table(layer2),
        "dL/db2": [n.b.grad for n in layer2.neurons],
        "dL/dW1": weight_table(layer1),
        "dL/db1": [n.b.grad for n in layer1.neurons],
        # Drawn before the step: the step changes the weights the picture shows.
        "graph": draw(loss),
    }
    optimizer = nn.SGD(layer1.parameters() + layer2.parameters(), lr=LEARNING_RATE)
    optimizer.step()
    optimizer.zero_grad()
    after = forward(layer1, layer2)[2]
    after.backward()
    result["loss after one step"] = after.data
    result["graph after one step"] = draw(after)  # a second picture: the updated weights and their gradients
    return result


def _show(name, numbers):
    if numbers and isinstance(numbers[0], list):
        print(f"{name} =")
        for row in numbers:
            print("    [" + "  ".join(f"{x:9g}" for x in row) + "]")
    else:
        print(f"{name} = [" + ", ".join(f"{x:g}" for x in numbers) + "]")


def main(argv=None):
    args = parse_args(__doc__, argv=argv)
    result = run()
    print("The notes' worked example (x = [3, 5], y = [1, 0], linear layers, MSE)")
    for name in ("h", "o"):
        _show(name, result[name])
    print(f"loss = {result['loss']:g}")
    for name in ("dL/do", "dL/dW2", "dL/db2", "dL/dh", "dL/dW1", "dL/db1"):
        _show(name, result[name])
    print(f"loss after one SGD step (lr = {LEARNING_RATE}) = {result['loss after one step']:.10f}")
    save_graph(result["graph"], args.out / "worked_example.svg")
    save_graph(result["graph after one step"], args.out / "worked_example_after_step.svg")
    return result


if __name__ == "__main__":
    main()
