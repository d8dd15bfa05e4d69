"""micrograd's demo recipe on two moons: a 2-16-16-1 ReLU MLP, hinge loss + L2, learning-rate decay, 100 steps, 100%.

The recipe of micrograd's demo.ipynb, step for step: make_moons(100, noise=0.1,
random_state=1), labels -1/+1, MLP(2, [16, 16, 1]) with ReLU hidden layers, a
linear output and micrograd's init (weights and biases uniform in [-1, 1]),
loss = mean(relu(1 - y * score)) + 1e-4 * sum(p**2), full-batch SGD with
lr = 1.0 - 0.9 * k / 100 at step k (nn.optim.LinearLR). It prints the time per
step, to put next to micrograd's.

Run: python examples/moons.py [--epochs 100] [--seed 0] [--out out] [--engine auto|compiled|scalar]
"""

import time

import numpy as np
from _common import describe_engine, parse_args, save_figure

import nn
import viz

ALPHA = 1e-4


def main(argv=None):
    args = parse_args(__doc__, epochs=100, argv=argv)
    X, y = nn.datasets.make_moons(100, noise=0.1, random_state=1)
    y = 2 * y - 1  # -1 / +1
    model = nn.MLP(2, [16, 16, 1], activation="relu", init="uniform", seed=args.seed)
    params = model.parameters()
    optimizer = nn.SGD(params, lr=1.0)
    schedule = nn.optim.LinearLR(optimizer, 1.0, 0.1, args.epochs)  # lr = 1.0 - 0.9 * k / steps

    def loss(scores, labels):
        return nn.losses.hinge(scores, labels) + ALPHA * nn.losses.l2(params)

    accuracy = []
    every = max(1, args.epochs // 10)

    def after_step(step, history):
        accuracy.append(float(np.mean(np.where(nn.predict_numpy(model, X)[:, 0] > 0, 1, -1) == y)))
        if step % every == 0 or step == 1 or step == args.epochs:
            print(f"step {step}\tloss {history.loss[-1]:.6f}\taccuracy {accuracy[-1]:.0%}\tlr {optimizer.lr:.3f}")
        schedule.step()

    print(
        f"moons: 100 points, MLP 2-16-16-1 ReLU ({len(params)} parameters), hinge + {ALPHA:g} * L2, "
        f"SGD lr 1.0 -> 0.1, {args.epochs} full-batch steps"
    )
    start = time.perf_counter()
    history = nn.fit(model, X, y, loss, optimizer, args.epochs, progress=False, callback=after_step, engine=args.engine)
    seconds = time.perf_counter() - start
    print(describe_engine(history))
    first = next((k + 1 for k, a in enumerate(accuracy) if a == 1.0), None)
    print(
        f"final loss {history.loss[-1]:.6f}, final accuracy {accuracy[-1]:.0%}"
        + (f" (first 100% at step {first})" if first else "")
    )
    print(
        f"time per step: {1000 * seconds / args.epochs:.1f} ms ({seconds:.2f} s for {args.epochs} steps, "
        f"forward + backward + update on 100 samples)"
    )

    ax = viz.plot_decision_boundary(model, X, y)
    ax.set_title(f"moons, micrograd's recipe: {accuracy[-1]:.0%} after {args.epochs} steps")
    save_figure(ax.figure, args.out / "moons_boundary.png")
    return {"accuracy": accuracy[-1], "loss": history.loss, "seconds_per_step": seconds / args.epochs}


if __name__ == "__main__":
    main()
