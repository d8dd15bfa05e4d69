"""Two blobs with the notes' 2-10-10-2 ReLU network and softmax cross-entropy, in the three modes of gradient descent.

From 000_*.txt ("Example using dataset", "Example with ReLU", "Categorical cross
entropy with Softmax"): make_blobs(n_samples=100, centers=2, n_features=2,
random_state=42), a 2-10-10-2 ReLU MLP whose raw outputs (logits) go through
softmax cross-entropy. The notes name three ways to descend the gradient; pick
one with --mode:
- stochastic: update after every sample (batch size 1, the notes' focus);
- minibatch:  update after every 16 samples;
- batch:      one update per epoch, on the whole data set.
Each mode has its own default learning rate (smaller steps for more frequent
updates); all three classify every point right (100%).

Run: python examples/blobs.py [--mode stochastic|minibatch|batch] [--epochs 30] [--seed 0] [--out out]
"""

from _common import describe_engine, parse_args, save_figure

import nn
import viz

MODES = {  # mode -> (batch size, default learning rate)
    "stochastic": (1, 0.01),
    "minibatch": (16, 0.05),
    "batch": (None, 0.05),
}


def options(parser):
    parser.add_argument(
        "--mode",
        choices=list(MODES),
        default="stochastic",
        help="gradient descent: one sample, 16 samples or all of them per update",
    )
    parser.add_argument(
        "--lr", type=float, default=None, help="learning rate (default: 0.01 stochastic, 0.05 minibatch and batch)"
    )


def print_epochs(history):
    """Loss and training accuracy per epoch (at most about 30 rows)."""
    epochs = len(history.loss)
    every = 1 if epochs <= 30 else epochs // 20
    print("epoch\tloss\t\taccuracy")
    for k in range(epochs):
        if k % every == 0 or k == epochs - 1:
            print(f"{k + 1}\t{history.loss[k]:.6f}\t{history.accuracy[k]:.0%}")


def main(argv=None):
    args = parse_args(__doc__, epochs=30, argv=argv, extra=options)
    batch_size, lr = MODES[args.mode]
    lr = args.lr if args.lr is not None else lr
    X, y = nn.datasets.make_blobs(100, centers=2, n_features=2, random_state=42)
    model = nn.MLP(2, [10, 10, 2], activation="relu", seed=args.seed)
    optimizer = nn.SGD(model.parameters(), lr=lr)
    size = "all 100 samples" if batch_size is None else f"{batch_size} sample{'s' * (batch_size > 1)}"
    print(
        f"blobs: 100 points, 2 classes; MLP 2-10-10-2 ReLU, softmax cross-entropy; "
        f"{args.mode} gradient descent ({size} per update), lr {lr}, {args.epochs} epochs",
        flush=True,
    )
    history = nn.fit(
        model,
        X,
        y,
        "cross_entropy",
        optimizer,
        args.epochs,
        batch_size=batch_size,
        seed=args.seed,
        progress=True,
        engine=args.engine,
    )
    print(describe_engine(history))
    print_epochs(history)
    correct = int((nn.predict_numpy(model, X).argmax(axis=1) == y).sum())
    accuracy = correct / len(y)
    print(f"final loss {history.loss[-1]:.6f}, final accuracy {accuracy:.0%} ({correct}/{len(y)})")

    ax = viz.plot_decision_boundary(model, X, y)
    ax.set_title(f"blobs, {args.mode} gradient descent: {accuracy:.0%}")
    save_figure(ax.figure, args.out / f"blobs_{args.mode}_boundary.png")
    ax = viz.plot_loss(history)
    ax.set_title(f"blobs, {args.mode} gradient descent: loss and accuracy per epoch")
    save_figure(ax.figure, args.out / f"blobs_{args.mode}_loss.png")
    return {"mode": args.mode, "lr": lr, "accuracy": accuracy, "loss": history.loss, "train_accuracy": history.accuracy}


if __name__ == "__main__":
    main()
