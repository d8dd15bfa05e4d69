"""What every example shares: its command line, its output folder, saving pictures."""

import argparse
from pathlib import Path

ENGINE_HELP = (
    "auto/compiled: the per-sample loss traced once and replayed per batch (autodiff.compile); "
    "scalar: every sample's graph built anew, the way the lecture explains it"
)


def parse_args(doc, *, epochs=None, argv=None, extra=None):
    """The examples' command line: --seed, --out DIR (default ./out) and, where they train, --epochs
    and --engine.

    Args:
        doc: the example's module docstring (its first line becomes the description).
        epochs: the default number of epochs, or None for an example that does not train.
        extra: a function adding the example's own options to the parser.
    """
    parser = argparse.ArgumentParser(
        description=doc.strip().splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of every random choice")
    parser.add_argument("--out", type=Path, default=Path("out"), help="folder for the pictures")
    if epochs is not None:
        parser.add_argument("--epochs", type=int, default=epochs, help="training epochs (steps)")
        parser.add_argument("--engine", choices=("auto", "compiled", "scalar"), default="auto", help=ENGINE_HELP)
    if extra is not None:
        extra(parser)
    args = parser.parse_args(argv)
    if epochs is not None and args.epochs < 1:
        parser.error(f"--epochs must be at least 1, got {args.epochs}")
    args.out.mkdir(parents=True, exist_ok=True)
    return args


def describe_engine(history):
    """One line saying which engine trained (fit records it), and how to see the other."""
    if history.engine == "compiled":
        return "engine: compiled (the per-sample loss traced once, replayed per batch); --engine scalar: the old way"
    return "engine: scalar (every sample's graph built anew); --engine compiled replays one trace instead"


def save_graph(graph, path):
    """Render a Graphviz picture; without the `dot` program keep the .gv source and say so."""
    import viz

    try:
        viz.render(graph, path)
        print(f"  wrote {path}")
    except viz.GraphvizNotFound:
        print(f"  Graphviz `dot` is missing: wrote {Path(path).with_suffix('.gv')} instead of {path}")


def save_figure(figure, path):
    """Save a matplotlib figure and close it."""
    import matplotlib.pyplot as plt

    figure.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(figure)
    print(f"  wrote {path}")
