"""Regression with an MLP: a 1-10-10-1 tanh network fits a noisy sine wave by minimising MSE.

From 000_*.txt ("MLP for regression problems", "MSE: Regression"): the same
network and training loop as for classification, with a linear output neuron
and the mean squared error. Data: nn.datasets.make_sine, y = sin(x) + 0.1 * noise,
so the best possible MSE against the noisy targets is about 0.1**2 = 0.01.
Training: mini-batches of 20, Adam (lr 0.01).

Run: python examples/regression.py [--epochs 80] [--seed 0] [--out out]
"""

import numpy as np
from _common import parse_args, save_figure

import nn
import viz

NOISE = 0.1


def main(argv=None):
    import matplotlib.pyplot as plt

    args = parse_args(__doc__, epochs=80, argv=argv)
    X, y = nn.datasets.make_sine(100, noise=NOISE, random_state=args.seed)
    model = nn.MLP(1, [10, 10, 1], activation="tanh", output_activation="linear", seed=args.seed)
    optimizer = nn.Adam(model.parameters(), lr=0.01)
    print(
        f"regression: 100 noisy points of sin(x) (noise {NOISE}); MLP 1-10-10-1 tanh, MSE, Adam lr 0.01, "
        f"mini-batches of 20, {args.epochs} epochs",
        flush=True,
    )
    history = nn.fit(model, X, y, "mse", optimizer, args.epochs, batch_size=20, seed=args.seed, progress=True)
    every = max(1, args.epochs // 8)
    for k, loss in enumerate(history.loss):
        if k % every == 0 or k == args.epochs - 1:
            print(f"epoch {k + 1}\tloss {loss:.5f}")
    predicted = nn.predict_numpy(model, X)[:, 0]
    mse = float(np.mean((predicted - y) ** 2))
    mse_clean = float(np.mean((predicted - np.sin(X[:, 0])) ** 2))
    print(
        f"final MSE {mse:.5f} against the noisy targets (noise alone: about {NOISE**2:.2f}), "
        f"{mse_clean:.5f} against sin(x) itself"
    )

    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    grid = np.linspace(X.min(), X.max(), 300)
    left.scatter(X[:, 0], y, s=12, color="0.5", label="data: sin(x) + noise")
    left.plot(grid, np.sin(grid), color="tab:green", linestyle="--", label="sin(x)")
    left.plot(grid, nn.predict_numpy(model, grid[:, None])[:, 0], color="tab:red", linewidth=2, label="MLP")
    left.set_xlabel("x")
    left.set_ylabel("y")
    left.legend(loc="upper left", fontsize=8)
    left.set_title(f"the fit: MSE {mse:.4f}")
    viz.plot_loss(history, ax=right)
    right.set_title("MSE per epoch")
    save_figure(figure, args.out / "regression_fit.png")
    return {"mse": mse, "mse_clean": mse_clean, "loss": history.loss}


if __name__ == "__main__":
    main()
