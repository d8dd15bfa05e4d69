"""Write the lecture notebooks (01-06) from the cells below, without outputs.

The notebooks are the source a lecturer opens; this script is how they are
kept reviewable as plain Python. After editing a cell here, run

    .venv/bin/python notebooks/_build.py

and commit the .ipynb files with it. tests/notebooks/ executes every notebook
and checks its key numbers.
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent


def md(text):
    return new_markdown_cell(text.strip())


def code(text):
    return new_code_cell(text.strip())


NOTEBOOKS = {}

# ---------------------------------------------------------------------------------------------------------------------
NOTEBOOKS["01_perceptron_gradient_descent"] = [
    md(r"""
# 1. The perceptron and gradient descent

From the first lecture ("Perceptron" through "Perceptron Python code"). A perceptron computes
$z = w \cdot x + b$ and $\hat y = f(z)$; we measure how far $\hat y$ is from the target $y$
with a loss, and change $w$ and $b$ against the gradient of that loss.
Here the gradients come from `autodiff`: no derivative is written by hand.
"""),
    code("""
import matplotlib.pyplot as plt
import numpy as np

import nn
import viz
from autodiff import Value
"""),
    md(r"""
## One data point: x = 1, b = 0, w = 3, y = 1

$\hat y = w x + b = 3$, $loss = (\hat y - y)^2 = 4$, and the chain rule gives
$\frac{\partial loss}{\partial w} = 2 (\hat y - y) \cdot x = 4$.
"""),
    code("""
x, b, y = Value(1.0, label="x"), Value(0.0, label="b"), 1.0
w = Value(3.0, label="w")
y_hat = w * x + b
y_hat.label = "y_hat"
loss = (y_hat - y) ** 2
loss.label = "loss"
loss.backward()
print(f"y_hat = {y_hat.data:g}, loss = {loss.data:g}, dloss/dw = {w.grad:g}")
print(f"w_new = w - dloss/dw = {w.data:g} - {w.grad:g} = {w.data - w.grad:g}")
viz.draw_graph(loss, show_local_grads=True)
"""),
    md("""
Repeating that update without a learning rate never settles: $w$ jumps between 3 and -1 for ever.
"""),
    code("""
def step(w_value, lr):
    w = Value(w_value)
    loss = (w * 1.0 + 0.0 - 1.0) ** 2
    loss.backward()
    return w_value - lr * w.grad, loss.data


w_value, history = 3.0, []
for _ in range(6):
    history.append(w_value)
    w_value, _ = step(w_value, lr=1.0)
print("w with no learning rate:", ", ".join(f"{v:g}" for v in history))
"""),
    md(r"""
## A learning rate: $w_{new} = w_{old} - \alpha \frac{\partial loss}{\partial w}$, with $\alpha = 0.8$

Each update is drawn on the loss curve $loss(w) = (w - 1)^2$: the steps shrink and $w$ goes to 1.
"""),
    code("""
w_value, path = 3.0, []
for _ in range(8):
    new, loss_value = step(w_value, lr=0.8)
    path.append((w_value, loss_value))
    w_value = new
print("w with alpha = 0.8:", ", ".join(f"{w:.4g}" for w, _ in path))

ws = np.linspace(-1.5, 3.5, 200)
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(ws, (ws - 1) ** 2, color="0.6", label="loss(w) = (w - 1)²")
ax.plot([w for w, _ in path], [l for _, l in path], "o-", color="tab:red", label="updates, α = 0.8")
for k, (w, l) in enumerate(path[:4]):
    ax.annotate(f"w{k} = {w:.3g}", (w, l), textcoords="offset points", xytext=(6, 6), fontsize=9)
ax.set_xlabel("w")
ax.set_ylabel("loss")
ax.set_title("gradient descent on one point")
ax.legend()
plt.show()
"""),
    md("""
## The perceptron on two linearly separable blobs

One sigmoid neuron, MSE, stochastic gradient descent (an update after every sample), as in the
notes' `Perceptron.fit`. `nn.MLP(2, [1], output_activation="sigmoid")` is that one neuron.
"""),
    code("""
X, y = nn.datasets.make_blobs(100, centers=2, n_features=2, random_state=42)
perceptron = nn.MLP(2, [1], output_activation="sigmoid", seed=0)
history = nn.fit(perceptron, X, y.astype(float), "mse", nn.SGD(perceptron.parameters(), lr=0.1), 30,
                 batch_size=1, seed=0, progress=False)
accuracy = float(((nn.predict_numpy(perceptron, X)[:, 0] > 0.5) == (y == 1)).mean())
neuron = perceptron.layers[0].neurons[0]
print(f"perceptron accuracy on the blobs: {accuracy:.0%}")
print("learned w =", [round(p.data, 4) for p in neuron.w], "b =", round(neuron.b.data, 4))
ax = viz.plot_decision_boundary(perceptron, X, y)
ax.set_title(f"one sigmoid neuron: {accuracy:.0%}")
plt.show()
"""),
    md("""
## XOR: where one line is not enough

The same neuron trained on the four XOR points cannot get them all right: no straight line
separates (0, 1) and (1, 0) from (0, 0) and (1, 1). Notebook 5 solves it with a hidden layer.
"""),
    code("""
Xx, yx = nn.datasets.xor()
single = nn.MLP(2, [1], output_activation="sigmoid", seed=0)
nn.fit(single, Xx, yx, "binary_cross_entropy", nn.SGD(single.parameters(), lr=1.0), 1000, progress=False)
xor_accuracy = float(((nn.predict_numpy(single, Xx)[:, 0] > 0.5) == (yx == 1)).mean())
print(f"a single perceptron on XOR: accuracy {xor_accuracy:.0%}")
"""),
]

# ---------------------------------------------------------------------------------------------------------------------
NOTEBOOKS["02_mlp_forward_and_worked_example"] = [
    md(r"""
# 2. The MLP forward pass and the worked example

From the first lecture ("Multilayer perceptron" through "Code, Cont."). A layer computes
$h = x \cdot W_1 + b_1$: a row vector of inputs times a matrix with a row per input and a column
per neuron. The notes' example: $x = [3, 5]$, $y = [1, 0]$,
$W_1 = \begin{bmatrix} 0.5 & 1 & 7 & 3 \\ 1 & 2 & 1 & 0.5 \end{bmatrix}$, $W_2$ (4 x 2), all biases 1,
linear layers and the MSE loss.
"""),
    code("""
import numpy as np

import nn
import viz
from autodiff import Scope, Value

x_np = np.array([3.0, 5.0])
W1 = np.array([[0.5, 1, 7, 3], [1, 2, 1, 0.5]])
W2 = np.array([[1, 2], [0.5, 0.5], [3, 1], [2, 1]])
h_np = x_np @ W1 + 1
o_np = h_np @ W2 + 1
print("h = x.W1 + b1 =", h_np)
print("o = h.W2 + b2 =", o_np)
"""),
    md("""
## The same network with the library

Two `nn.Layer`s with the notes' weights; every Value is named so the picture reads like the notes.
The loss is the mean over the two outputs (the notes' `np.mean`):
$\\frac{1}{2}\\left((121.5 - 1)^2 + (62.5 - 0)^2\\right) = \\frac{1}{2}(14520.25 + 3906.25) = 9213.25$
(the notes round it to 9,213).
"""),
    code("""
def build():
    layer1 = nn.Layer(2, 4, activation="linear", scope=Scope("layer 1 (2→4)"))
    layer2 = nn.Layer(4, 2, activation="linear", scope=Scope("layer 2 (4→2)"))
    for layer, weights in ((layer1, W1), (layer2, W2)):
        for j, neuron in enumerate(layer.neurons):
            for i, w in enumerate(neuron.w):
                w.data = float(weights[i][j])
            neuron.b.data = 1.0
    return layer1, layer2


def forward(layer1, layer2):
    x = [Value(3.0, label="x1"), Value(5.0, label="x2")]
    h = layer1(x)
    o = layer2(h)
    for name, values in (("h", h), ("o", o)):
        for j, v in enumerate(values):
            v.label = f"{name}{j + 1}"
    loss = nn.losses.mse(o, [1.0, 0.0])
    loss.label = "loss"
    return h, o, loss


layer1, layer2 = build()
h, o, loss = forward(layer1, layer2)
print("h =", [v.data for v in h])
print("o =", [v.data for v in o])
print("loss =", loss.data)
"""),
    md("""
## Every gradient, by backprop

`loss.backward()` fills every `.grad`. The weight gradients are printed as the notes print them:
a row per input, a column per neuron.
"""),
    code("""
loss.backward()


def table(layer):
    return np.array([[n.w[i].grad for n in layer.neurons] for i in range(layer.nin)])


np.set_printoptions(suppress=True)
print("dL/do  =", [v.grad for v in o])
print("dL/dW2 =\\n", table(layer2))
print("dL/db2 =", [n.b.grad for n in layer2.neurons])
print("dL/dh  =", [v.grad for v in h])
print("dL/dW1 =\\n", table(layer1))
print("dL/db1 =", [n.b.grad for n in layer1.neurons])
"""),
    md("""
## The graph, with the chain rule on every edge

Drawn now, before any update (the picture reads the numbers when it is drawn). Each edge shows the
local derivative and the contribution `grad × local`; the contributions into a node add up to its
grad (x1: 4092.75 over four paths).
"""),
    code("""
viz.draw_graph(loss, show_local_grads=True)
"""),
    md("""
## One gradient step, learning rate 0.001

The notes get 196.56 after the update.
"""),
    code("""
optimizer = nn.SGD(layer1.parameters() + layer2.parameters(), lr=0.001)
optimizer.step()
loss_after = forward(layer1, layer2)[2].data
print(f"loss after one step = {loss_after:.10f}")
"""),
]

# ---------------------------------------------------------------------------------------------------------------------
NOTEBOOKS["03_backprop_step_by_step"] = [
    md(r"""
# 3. Backprop, step by step

The chain rule, applied node by node from the output back: each node passes to each of its inputs
its own grad times the local derivative $\partial out / \partial in$, and a Value used along several
paths adds the contributions up. The neuron: $o = \tanh(x_1 w_1 + x_2 w_2 + b)$ with
$x_1 = 2, x_2 = 0, w_1 = -3, w_2 = 1, b = 6.8813735870195432$ (so that $o = 0.7071$).
"""),
    code("""
import html

from IPython.display import HTML

import viz
from autodiff import Value


def neuron():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    x1w1.label, x2w2.label = "x1*w1", "x2*w2"
    n = x1w1 + x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, {"x1": x1, "w1": w1, "x2": x2, "w2": w2, "b": b}


o, leaves = neuron()
print(f"o = {o.data:.4f}")
"""),
    md("""
## The chain rule on the picture

After `backward()`, every edge carries $\\partial out/\\partial in$ and the contribution
`grad × ∂out/∂in`: $\\partial o/\\partial n = 1 - o^2 = 0.5$, and so on back to the inputs.
"""),
    code("""
o.backward()
print(", ".join(f"d{name} = {v.grad:.4g}" for name, v in leaves.items()))
viz.draw_graph(o, show_local_grads=True)
"""),
    md("""
## The slideshow

`viz.backprop_frames` draws one picture per step (the node being processed outlined in red, the
gradients it writes in yellow, "?" where nothing has arrived yet); `viz.save_frames` makes one
self-contained HTML page of them (arrow keys step through). Every frame has the same layout.
"""),
    code("""
fresh, _ = neuron()
frames = viz.backprop_frames(fresh)
print(f"{len(frames)} frames")
page = viz.save_frames(frames, "backprop_neuron.html", title="Backprop through one tanh neuron")
# The page itself, inline (srcdoc: no server needed); open backprop_neuron.html for a full screen.
HTML(f'<iframe srcdoc="{html.escape(page.read_text())}" style="width:100%;height:460px;border:0"></iframe>')
"""),
    md("""
## A slider through the backward pass

`viz.step_through(output)` is the same frames under an ipywidgets slider (and a play button).
"""),
    code("""
widget = viz.step_through(fresh)
print(f"slider from {widget.slider.min} to {widget.slider.max}")
widget
"""),
]

# ---------------------------------------------------------------------------------------------------------------------
NOTEBOOKS["04_activations_and_losses"] = [
    md(r"""
# 4. Activations and losses

From the second lecture. The sigmoid $g(h) = \frac{1}{1 + \exp(-\beta h)}$ has the derivative
$\frac{dg}{dh} = \beta g(h) (1 - g(h))$. Below, both come from the engine: $g$ is
`(beta * h).sigmoid()` and its derivative is what `backward()` computes from the op table.
Move the slider to change $\beta$ (the notes' `@interact(beta=(-1, 25))`).
"""),
    code("""
import matplotlib.pyplot as plt
import numpy as np
from ipywidgets import interact

import autodiff
import nn
import viz
from autodiff import Value

hs = np.linspace(-2, 2, 201)


def sigmoid_and_derivative(beta):
    values, slopes = [], []
    for h in hs:
        x = Value(float(h))
        g = (beta * x).sigmoid()
        g.backward()
        values.append(g.data)
        slopes.append(x.grad)
    return np.array(values), np.array(slopes)


@interact(beta=(-1, 25))
def logistic_plot(beta=5):
    g, dg = sigmoid_and_derivative(beta)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot(hs, g, label="g(h)")
    ax.plot(hs, dg, "--", label="dg/dh")
    ax.set_xlabel("h")
    ax.set_title(f"sigmoid with beta = {beta}")
    ax.legend()
    plt.show()
"""),
    code("""
g, dg = sigmoid_and_derivative(5)
k = np.argmin(abs(hs - 0.2))
print(f"beta = 5, h = 0.2: dg/dh = {dg[k]:.6f}, beta g (1 - g) = {5 * g[k] * (1 - g[k]):.6f}")
"""),
    md("""
## tanh, ReLU, leaky ReLU and friends

Each function (solid) and its derivative (dashed), straight from the op table.
"""),
    code("""
viz.plot_activations(["sigmoid", "tanh", "relu", ("leaky_relu", 0.1), "softplus", "exp"], x_range=(-3, 3))
plt.show()
"""),
    md(r"""
## Softmax

$\mathrm{softmax}(z)_k = e^{z_k} / \sum_j e^{z_j}$: positive, summing to 1.
"""),
    code("""
probabilities = autodiff.softmax([Value(2.0), Value(1.0), Value(0.1)])
print("softmax([2, 1, 0.1]) =", [round(p.data, 4) for p in probabilities])
print("sum =", round(sum(p.data for p in probabilities), 12))
"""),
    md("""
## Losses and their derivatives

For a prediction and a target, each loss and its derivative with respect to the prediction, by
`backward()`: MSE $(\\hat y - y)^2$ gives $2(\\hat y - y)$, MAE $|\\hat y - y|$ gives its sign,
binary cross-entropy $-(y \\log \\hat y + (1 - y) \\log(1 - \\hat y))$ gives
$\\frac{\\hat y - y}{\\hat y (1 - \\hat y)}$, and cross-entropy over softmax gives
$\\mathrm{softmax}(z) - \\mathrm{onehot}(y)$.
"""),
    code("""
def loss_and_grad(name, prediction, target):
    p = Value(prediction)
    loss = nn.losses.get_loss(name)([p], [target])
    loss.backward()
    return loss.data, p.grad


print("loss                  prediction  target    loss      dloss/dprediction")
for name, prediction, target in (("mse", 0.8, 1.0), ("mae", 0.8, 1.0), ("binary_cross_entropy", 0.8, 1.0)):
    value, slope = loss_and_grad(name, prediction, target)
    print(f"{name:22}{prediction:<12}{target:<10}{value:<10.4f}{slope:.4f}")

logits = [Value(2.0), Value(1.0), Value(0.1)]
ce = nn.losses.cross_entropy(logits, 0)
ce.backward()
print(f"cross_entropy([2, 1, 0.1], class 0) = {ce.data:.4f}, d/dlogits = {[round(z.grad, 4) for z in logits]}")
"""),
]

# ---------------------------------------------------------------------------------------------------------------------
NOTEBOOKS["05_xor_blobs_moons"] = [
    md("""
# 5. XOR, blobs and moons

From the second lecture ("Toy Python example"): a 2-2-1 sigmoid network learns XOR where a single
perceptron could not. Then two blobs with the three ways of descending the gradient, and momentum.
"""),
    code("""
import matplotlib.pyplot as plt

import nn
import viz

X, y = nn.datasets.xor()
for seed in range(10):  # gradient descent can land in a local minimum: the notes try several starts
    model = nn.MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=seed)
    history = nn.fit(model, X, y, "binary_cross_entropy", nn.SGD(model.parameters(), lr=1.0), 1000, progress=False)
    if ((nn.predict_numpy(model, X)[:, 0] > 0.5) == (y == 1)).all():
        break
print(f"seed {seed}, final loss {history.loss[-1]:.4f}")
print("Input\\tOutput\\tQuantized")
for point in ([0, 0], [1, 0], [0, 1], [1, 1]):
    output = model(point)[0].data
    print(f"{point}\\t{output:.4f}\\t[{int(output > 0.5)}]")
"""),
    code("""
ax = viz.plot_decision_boundary(model, X, y)
ax.set_title("XOR with a 2-2-1 sigmoid network")
plt.show()
"""),
    md("""
## Two blobs: batch, mini-batch and stochastic gradient descent

`make_blobs(100, centers=2, random_state=42)`, a 2-10-10-2 ReLU network and softmax cross-entropy.
`batch_size=None` is batch descent (one update per epoch), `16` mini-batch, `1` stochastic.
The last run adds momentum (0.9) to batch descent.
"""),
    code("""
Xb, yb = nn.datasets.make_blobs(100, centers=2, n_features=2, random_state=42)
runs = {  # name: (batch size, learning rate, momentum, epochs)
    "batch": (None, 0.05, 0.0, 20),
    "mini-batch (16)": (16, 0.05, 0.0, 5),
    "stochastic": (1, 0.01, 0.0, 3),
    "batch + momentum 0.9": (None, 0.05, 0.9, 20),
}
models, histories = {}, {}
for name, (batch_size, lr, momentum, epochs) in runs.items():
    net = nn.MLP(2, [10, 10, 2], activation="relu", seed=0)
    optimizer = nn.SGD(net.parameters(), lr=lr, momentum=momentum)
    histories[name] = nn.fit(net, Xb, yb, "cross_entropy", optimizer, epochs, batch_size=batch_size, seed=0,
                             progress=name == "batch")
    models[name] = net
    accuracy = float((nn.predict_numpy(net, Xb).argmax(axis=1) == yb).mean())
    print(f"{name:22} {epochs:3} epochs: loss {histories[name].loss[-1]:.4f}, accuracy {accuracy:.0%}")
"""),
    code("""
fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
for name, history in histories.items():
    axes[0].plot(range(1, len(history.loss) + 1), history.loss, marker="o", label=name)
axes[0].set_xlabel("epoch")
axes[0].set_ylabel("loss")
axes[0].set_title("loss per epoch")
axes[0].legend()
viz.plot_decision_boundary(models["batch + momentum 0.9"], Xb, yb, ax=axes[1])
axes[1].set_title("decision boundary, batch + momentum")
plt.show()
"""),
    md("""
## Moons

A curved boundary needs hidden units: `make_moons(100, noise=0.1)`, a 2-16-16-1 ReLU network, hinge
loss (micrograd's demo recipe, shorter).
"""),
    code("""
Xm, ym = nn.datasets.make_moons(100, noise=0.1, random_state=1)
ym_signed = 2.0 * ym - 1  # hinge wants -1 / +1
moons = nn.MLP(2, [16, 16, 1], activation="relu", seed=0)
nn.fit(moons, Xm, ym_signed, "hinge", nn.SGD(moons.parameters(), lr=0.05, momentum=0.9), 100, progress=False)
moons_accuracy = float(((nn.predict_numpy(moons, Xm)[:, 0] > 0) == (ym == 1)).mean())
print(f"moons accuracy: {moons_accuracy:.0%}")
ax = viz.plot_decision_boundary(moons, Xm, ym)
ax.set_title(f"moons: {moons_accuracy:.0%}")
plt.show()
"""),
]

# ---------------------------------------------------------------------------------------------------------------------
NOTEBOOKS["06_testing_your_gradients"] = [
    md("""
# 6. Testing your gradients

A gradient is right or it is a bug. `autodiff.gradcheck` compares backprop with finite differences;
`autodiff.testing` gives Hypothesis strategies to check a rule on many inputs at once. Both work on
ops you add yourself.
"""),
    code("""
import math

from hypothesis import given, settings

import autodiff
from autodiff import GradcheckError, Value, define_op, gradcheck
from autodiff.testing import assert_gradients_match, expressions, op_inputs

print("tanh neuron:", gradcheck(lambda x, w, b: (x * w + b).tanh(), 2.0, -3.0, 6.88))
"""),
    md(r"""
## Your own op

`define_op(name, forward, derivative)` adds an op to the table: a Value method, drawings and the
checks come with it. The swish $x \cdot \sigma(x)$ has the derivative $\sigma(x)(1 + x(1 - \sigma(x)))$.
"""),
    code("""
def sig(x):
    return 1 / (1 + math.exp(-x)) if not isinstance(x, Value) else x.sigmoid()


swish = define_op("swish", lambda x: x * sig(x), lambda x, out: sig(x) * (1 + x * (1 - sig(x))))
print("swish(1.5) =", round(Value(1.5).swish().data, 6))
print("gradcheck:", gradcheck(lambda x: x.swish(), 1.5))
"""),
    md("""
## A wrong derivative is caught

The same op with a slip in its derivative (a forgotten factor): gradcheck raises, with a table of
the analytic and numeric gradients. (`register=False` keeps the broken op out of the table: the
random expressions below draw from every op in it, and would find this one too.)
"""),
    code("""
wrong = define_op(
    "swish_wrong", lambda x: x * sig(x), lambda x, out: sig(x) * (1 + (1 - sig(x))), register=False
)
try:
    gradcheck(lambda x: wrong(x), 1.5)
    print("not caught")
except GradcheckError as error:
    print("caught:", str(error).splitlines()[0])
"""),
    md("""
## Property-based: every input at once

`op_inputs(op)` draws inputs where the op is defined and smooth; `expressions()` draws whole random
graphs over every op in the table, yours included.
"""),
    code("""
@settings(max_examples=50, deadline=None, derandomize=True)
@given(op_inputs(swish))
def test_swish(case):
    (x,), _ = case
    assert_gradients_match(lambda v: v.swish(), x)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(expressions(n_inputs=2))
def test_backward(case):
    expression, xs = case
    assert_gradients_match(expression, *xs)


test_swish()
test_backward()
print("property tests passed: swish on 50 inputs, 30 random expressions")
"""),
]


def build() -> list:
    """Write every notebook (no outputs, a python3 kernel); returns the paths."""
    written = []
    for name, cells in NOTEBOOKS.items():
        notebook = new_notebook(
            cells=cells,
            metadata={
                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                "language_info": {"name": "python"},
            },
        )
        for k, cell in enumerate(notebook.cells):
            cell["id"] = f"{name[:2]}-{k:02d}"  # stable ids: rebuilding changes nothing
        path = HERE / f"{name}.ipynb"
        nbformat.validate(notebook)
        path.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build():
        print(f"wrote {path}")
