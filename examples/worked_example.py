"""The lecture notes' two-layer numeric example, exactly: forward, loss, every gradient, one update.

From 000_*.txt, "Example" through "Code, Cont.": x = [3, 5], y = [1, 0] (one-hot),
W1 (2x4), W2 (4x2) as given, all biases 1, linear layers, MSE loss.
Expected: h = [7.5, 14, 27, 12.5], o = [121.5, 62.5], loss = 9213.25, and after one
gradient step with learning rate 0.001 the loss is 196.5612128857 (the notes round: 196.56).

Where we differ from the notes (their slips, the math is what counts):
- the notes write 1/2 * 14,520 + 3,906 = 9,213: it is 1/2 * (14520.25 + 3906.25) = 9213.25;
- the notes print layer 2's bias gradients twice; layer 1's are [245.5, 91.5, 424, 303.5];
- their dL/dW2 formula shows [121.5, 62.5] (the outputs) where its numbers use dL/do = [120.5, 62.5].

Run: python examples/worked_example.py [--out out]
"""

from _common import parse_args, save_graph

import nn
import viz

X = [3.0, 5.0]
Y = [1.0, 0.0]
W1 = [[0.5, 1, 7, 3], [1, 2, 1, 0.5]]  # rows: inputs, columns: neurons, as in the notes
W2 = [[1, 2], [0.5, 0.5], [3, 1], [2, 1]]
LEARNING_RATE = 0.001


def build():
    """The notes' network: two linear layers with the given weights and all biases 1."""
    layer1, layer2 = nn.Layer(2, 4, activation="linear"), nn.Layer(4, 2, activation="linear")
    for layer, weights in ((layer1, W1), (layer2, W2)):
        for j, neuron in enumerate(layer.neurons):
            for i, w in enumerate(neuron.w):
                w.data = float(weights[i][j])
            neuron.b.data = 1.0
    return layer1, layer2


def forward(layer1, layer2):
    h = layer1(X)
    o = layer2(h)
    return h, o, nn.losses.mse(o, Y)  # mean over the two outputs, as the notes' np.mean


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
        "graph": loss,
    }
    optimizer = nn.SGD(layer1.parameters() + layer2.parameters(), lr=LEARNING_RATE)
    optimizer.step()
    result["loss after one step"] = forward(layer1, layer2)[2].data
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
    save_graph(viz.draw_graph(result["graph"], show_local_grads=True), args.out / "worked_example.svg")
    return result


if __name__ == "__main__":
    main()
