"""One measurement, in this (fresh) process: one workload, one engine, one mode.

    python benchmarks/worker.py --engine ours --workload W1 --n 100000 --mode time

prints one line of JSON on stdout. ``benchmarks/run.py`` starts this worker
once per measurement, so that no measurement inherits another's heap, caches
or garbage collector state.

Modes:
    time    wall-clock seconds of the workload (time.perf_counter), its CPU
            seconds (time.process_time, less sensitive to a loaded machine), the time
            spent in the cyclic garbage collector during it (gc.callbacks),
            and the growth of the process's max RSS.
    memory  the same workload under tracemalloc; reports its peak. tracemalloc
            slows everything down, so it runs in its own process, never in a
            timing run.

Both engines get the same work, written the way a user of each would write it
(plain float inputs for both). Nodes are counted after the clock stops, with an
iterative walk of the graph (leaves, i.e. inputs, constants and parameters,
included), so that the count costs nothing in the measured time.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# Run from a fresh clone without installing: the repo root holds autodiff/ and nn/.
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
if HERE not in sys.path:
    sys.path.insert(0, HERE)


# ---------------------------------------------------------------- counting nodes
def count_ours(root) -> int:
    import autodiff

    return len(autodiff.nodes(root))


def count_micrograd(root) -> int:
    """Nodes reachable from root through ``_prev`` (an iterative walk: no recursion)."""
    seen = {root}
    stack = [root]
    while stack:
        for child in stack.pop()._prev:
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return len(seen)


# ---------------------------------------------------------------- data, as plain floats for both engines
def moons():
    from nn.datasets import make_moons

    X, y = make_moons(100, noise=0.1, random_state=1)
    return X.tolist(), [1.0 if label == 1 else -1.0 for label in y.tolist()]


def blobs():
    from nn.datasets import make_blobs

    X, y = make_blobs(100, centers=2, n_features=2, random_state=42)
    return X.tolist(), [[1.0, 0.0] if label == 0 else [0.0, 1.0] for label in y.tolist()]


# ---------------------------------------------------------------- W0 / W1: a long chain
def run_chain(Value, n: int, activation: str):
    """y = act(y*1.0001 + 0.5), n times, then backward: the same code for both engines' Value."""
    y = Value(0.1)
    if activation == "tanh":
        for _ in range(n):
            y = (y * 1.0001 + 0.5).tanh()
    else:
        for _ in range(n):
            y = (y * 1.0001 + 0.5).relu()
    y.backward()
    return y


def chain_ours(n: int, activation: str):
    from autodiff import Value

    return run_chain(Value, n, activation)


def chain_micrograd(n: int, activation: str):
    from micrograd.engine import Value

    return run_chain(Value, n, activation)


# ---------------------------------------------------------------- W2: micrograd's moons demo, full-batch steps
def moons_setup_ours(width=16):
    import nn

    X, y = moons()
    model = nn.MLP(2, [width, width, 1], activation="relu", output_activation="linear", seed=1337)
    optimizer = nn.optim.SGD(model.parameters(), lr=1.0)
    return X, y, model, optimizer


def moons_step_ours(k, X, y, model, optimizer):
    import autodiff

    scores = [model(x)[0] for x in X]
    losses = [(1 - yi * score).relu() for yi, score in zip(y, scores)]
    data_loss = autodiff.sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * autodiff.sum([p * p for p in model.parameters()])
    total_loss = data_loss + reg_loss
    model.zero_grad()
    total_loss.backward()
    optimizer.lr = 1.0 - 0.9 * k / 100
    optimizer.step()
    return total_loss


def moons_setup_compiled(width=16):
    """The same step as moons_step_ours, traced once: the per-sample hinge plus the L2 penalty (a
    part of parameters only, computed once per batch), replayed in NumPy on the parameters held in
    one array, and the optimizer's rule on arrays: what nn.fit's compiled engine does per step."""
    import numpy as np

    X, y, model, optimizer = moons_setup_ours(width)
    params = model.parameters()
    XY = np.column_stack([X, y])
    f = moons_compile(model, XY)
    assert f.params == params
    state = {"f": f, "theta": np.array([p.data for p in params]), "weights": np.full(len(XY), 1.0 / len(XY))}
    return XY, state, model, optimizer


def moons_compile(model, XY):
    """The compile of moons_setup_compiled: trace, plan and the first replay (its cost is reported)."""
    import autodiff

    params = model.parameters()

    def per_sample(x1, x2, yi):
        return (1 - yi * model([x1, x2])[0]).relu() + 1e-4 * autodiff.sum([p * p for p in params])

    f = autodiff.compile(per_sample, n_inputs=3, backend="numpy")
    f.value_and_grad(XY)  # traced on the first rows, planned, proved and replayed once
    return f


def moons_step_compiled(k, XY, state, model, optimizer):
    losses, grads = state["f"].value_and_grad(XY, grad=state["weights"], params=state["theta"])
    optimizer.lr = 1.0 - 0.9 * k / 100
    state["theta"] = optimizer.step_arrays(state["theta"], grads)
    return losses.mean()


def moons_setup_numpy(width=16):
    """The same network, loss and update written by hand in NumPy (the weights of moons_setup_ours)."""
    import numpy as np

    from nn.inference import layer_arrays

    X, y, model, _ = moons_setup_ours(width)
    layers = [list(layer_arrays(layer)) for layer in model.layers]
    return np.array(X), np.array(y), layers, None


def moons_step_numpy(k, X, y, layers, _optimizer):
    import numpy as np

    n = len(X)
    activations, z = [X], X
    for i, (W, b) in enumerate(layers):
        z = activations[-1] @ W.T + b
        activations.append(np.maximum(z, 0.0) if i < len(layers) - 1 else z)
    scores = activations[-1][:, 0]
    margins = 1.0 - y * scores
    loss = np.maximum(margins, 0.0).mean() + 1e-4 * sum((W * W).sum() + (b * b).sum() for W, b in layers)
    grad = (-(y * (margins > 0)) / n)[:, None]
    lr = 1.0 - 0.9 * k / 100
    for i in reversed(range(len(layers))):
        W, b = layers[i]
        gW, gb = grad.T @ activations[i] + 2e-4 * W, grad.sum(axis=0) + 2e-4 * b
        if i:
            grad = (grad @ W) * (activations[i] > 0)
        W -= lr * gW
        b -= lr * gb
    return loss


def moons_setup_micrograd():
    import random

    from micrograd.nn import MLP

    random.seed(1337)
    X, y = moons()
    model = MLP(2, [16, 16, 1])
    return X, y, model, None


def moons_step_micrograd(k, X, y, model, _optimizer):
    """The training step of micrograd's demo.ipynb, verbatim but for plain float inputs."""
    from micrograd.engine import Value

    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    alpha = 1e-4
    reg_loss = alpha * sum(p * p for p in model.parameters())
    total_loss = data_loss + reg_loss
    model.zero_grad()
    total_loss.backward()
    learning_rate = 1.0 - 0.9 * k / 100
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    return total_loss


# ---------------------------------------------------------------- W3: blobs, per-sample SGD on MSE
def blobs_setup_ours():
    import nn

    X, T = blobs()
    model = nn.MLP(2, [10, 10, 2], activation="relu", output_activation="linear", seed=42)
    optimizer = nn.optim.SGD(model.parameters(), lr=0.01)
    return X, T, model, optimizer


def blobs_epoch_ours(X, T, model, optimizer):
    import nn

    loss = None
    for x, t in zip(X, T):
        loss = nn.losses.mse(model(x), t)
        model.zero_grad()
        loss.backward()
        optimizer.step()
    return loss


def blobs_setup_compiled():
    """W3 traced once: the per-sample MSE replayed as straight-line Python (batch size 1), on the
    parameters held in one array, the optimizer's rule on arrays (nn.fit's compiled engine)."""
    import numpy as np

    import autodiff

    X, T, model, optimizer = blobs_setup_ours()

    def per_sample(x1, x2, t1, t2):
        return autodiff.sum([(o - t) ** 2 for o, t in zip(model([x1, x2]), (t1, t2))]) / 2

    f = autodiff.compile(per_sample, n_inputs=4, backend="python")
    XT = np.column_stack([X, T])
    f(XT[:2])  # traced (outside the clock)
    assert f.params == model.parameters()
    return XT, {"f": f, "theta": np.array([p.data for p in f.params])}, model, optimizer


def blobs_epoch_compiled(XT, state, model, optimizer):
    f, theta = state["f"], state["theta"]
    loss = None
    for i in range(len(XT)):
        loss, grads = f.value_and_grad(XT[i : i + 1], params=theta)
        theta = optimizer.step_arrays(theta, grads)
    state["theta"] = theta
    return loss


def blobs_setup_micrograd():
    import random

    from micrograd.nn import MLP

    random.seed(42)
    X, T = blobs()
    return X, T, MLP(2, [10, 10, 2]), None


def blobs_epoch_micrograd(X, T, model, _optimizer):
    from micrograd.engine import Value

    loss = None
    for x, t in zip(X, T):
        out = model(list(map(Value, x)))
        loss = sum((o - ti) ** 2 for o, ti in zip(out, t)) * (1.0 / len(out))
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= 0.01 * p.grad
    return loss


# ---------------------------------------------------------------- one measurement
def _seconds(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def measure(engine: str, workload: str, n: int, steps: int, mode: str) -> dict:
    ours = engine != "micrograd"
    count = count_ours if ours else count_micrograd
    if not ours:
        sys.setrecursionlimit(10**7)  # micrograd's build_topo recurses once per node of depth
        import micrograd_tanh

        micrograd_tanh.install()  # also imports micrograd.engine outside the clock
    else:
        import autodiff  # noqa: F401  (imported outside the clock)

    if workload in ("W0", "W1"):
        activation = "tanh" if workload == "W0" else "relu"
        chain = chain_ours if ours else chain_micrograd
        run = lambda: chain(n, activation)  # noqa: E731
        per = 1
    elif workload == "W2":
        width = n or 16
        setup, step = {
            "ours": (moons_setup_ours, moons_step_ours),
            "compiled": (moons_setup_compiled, moons_step_compiled),
            "numpy": (moons_setup_numpy, moons_step_numpy),
            "micrograd": (lambda width: moons_setup_micrograd(), moons_step_micrograd),
        }[engine]
        first = time.perf_counter()
        X, y, model, optimizer = setup(width)
        step(0, X, y, model, optimizer)  # warm-up step (for compiled: the trace too), not in "seconds"
        first_step = time.perf_counter() - first

        def run():
            loss = None
            for k in range(1, steps + 1):
                loss = step(k, X, y, model, optimizer)
            return loss

        per = steps
    elif workload == "W3":
        setup, epoch = {
            "ours": (blobs_setup_ours, blobs_epoch_ours),
            "compiled": (blobs_setup_compiled, blobs_epoch_compiled),
            "micrograd": (blobs_setup_micrograd, blobs_epoch_micrograd),
        }[engine]
        X, T, model, optimizer = setup()
        epoch(X, T, model, optimizer)  # warm-up epoch, not measured

        def run():
            loss = None
            for _ in range(steps):
                loss = epoch(X, T, model, optimizer)
            return loss

        per = steps
    elif workload == "EST":
        # MLPClassifier.fit on moons (200 samples, hidden (16, 16), 200 epochs): ours or scikit-learn's
        import warnings

        from nn.datasets import make_moons

        X, y = make_moons(200, noise=0.1, random_state=0)
        if engine == "sklearn":
            from sklearn.neural_network import MLPClassifier
        else:
            from nn import MLPClassifier

        def run():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # ConvergenceWarning after 200 epochs, for both
                return MLPClassifier(hidden_layer_sizes=(16, 16), max_iter=200, random_state=0).fit(X, y)

        run()  # warm-up fit (imports, first trace), not measured
        per = 1
    else:
        raise SystemExit(f"unknown workload {workload!r}")

    result = {"engine": engine, "workload": workload, "n": n, "steps": steps, "mode": mode}
    if workload == "W2":
        result["first_step_seconds"] = first_step
    if workload == "W2" and engine == "compiled":
        # the compile on its own, in a process where everything it runs has run once (the
        # first step's time also holds Python's and NumPy's own first-use costs)
        result["compile_seconds"] = min(_seconds(lambda: moons_compile(model, X)) for _ in range(3))
    if mode == "memory":
        import tracemalloc

        gc.collect()
        tracemalloc.start()
        root = run()
        result["peak_bytes"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    else:
        import resource

        gc_time = [0.0]
        gc_start = [0.0]

        def on_gc(phase, info):
            if phase == "start":
                gc_start[0] = time.perf_counter()
            else:
                gc_time[0] += time.perf_counter() - gc_start[0]

        gc.collect()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        gc.callbacks.append(on_gc)
        start, cpu_start = time.perf_counter(), time.process_time()
        root = run()
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - cpu_start
        gc.callbacks.remove(on_gc)
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        result["seconds"] = seconds / per
        result["cpu_seconds"] = cpu_seconds / per
        result["gc_seconds"] = gc_time[0] / per
        result["maxrss_delta_kb"] = rss_after - rss_before
    if engine in ("compiled", "numpy", "sklearn") or workload == "EST":
        result["nodes"] = None  # no graph is built per step
    elif workload == "W3":
        # every sample builds the same graph: nodes per epoch = nodes of one sample's graph x samples
        result["nodes"] = count(root) * 100
    else:
        result["nodes"] = count(root)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("ours", "compiled", "numpy", "micrograd", "sklearn"), required=True)
    parser.add_argument("--workload", choices=("W0", "W1", "W2", "W3", "EST"), required=True)
    parser.add_argument("--n", type=int, default=0, help="chain length (W0, W1), hidden width (W2, default 16)")
    parser.add_argument("--steps", type=int, default=3, help="measured steps (W2) or epochs (W3) after one warm-up")
    parser.add_argument("--mode", choices=("time", "memory"), default="time")
    args = parser.parse_args(argv)

    # Deep recursion (micrograd's build_topo, and freeing its deep graphs) needs a big C stack:
    # run the measurement in a thread with a 1 GiB stack, for both engines alike.
    threading.stack_size(1 << 30)
    box = {}

    def target():
        try:
            box["result"] = measure(args.engine, args.workload, args.n, args.steps, args.mode)
        except BaseException as error:  # noqa: BLE001 - reported to run.py as a failed measurement
            box["error"] = f"{type(error).__name__}: {str(error)[:300]}"

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in box:
        print(json.dumps({"error": box["error"]}))
        return 1
    print(json.dumps(box["result"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
