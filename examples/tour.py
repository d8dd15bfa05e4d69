"""A short tour of chaingrad: XOR, then two blobs, then the notes' worked example, with every picture in one folder.

The README's demo. It runs three examples in this process, with the same
--seed and --out:
1. xor.py: the notes' 2-2-1 sigmoid network learns XOR (a single perceptron cannot);
2. blobs.py --mode batch: a 2-10-10-2 ReLU network, softmax cross-entropy, 100%;
3. worked_example.py: the notes' two-layer example, every number exact (loss 9213.25).
At the end it says where the pictures are.

Run: python examples/tour.py [--seed 0] [--out out]
"""

import time

import blobs
import worked_example
import xor
from _common import parse_args

PICTURES = (".svg", ".png", ".pdf", ".html")  # what the tour lists (not models, sources, logs)

PARTS = (
    ("1/3  XOR: the notes' 2-2-1 sigmoid network (examples/xor.py)", xor, []),
    (
        "2/3  Two blobs: 2-10-10-2 ReLU, softmax cross-entropy, batch gradient descent (examples/blobs.py)",
        blobs,
        ["--mode", "batch"],
    ),
    ("3/3  The notes' worked example, exact (examples/worked_example.py)", worked_example, []),
)


def main(argv=None):
    args = parse_args(__doc__, argv=argv)
    common = ["--seed", str(args.seed), "--out", str(args.out)]
    results = {}
    start = time.perf_counter()
    for title, example, extra in PARTS:
        print()
        print("=" * 78)
        print(title)
        print("=" * 78)
        results[example.__name__] = example.main(common + extra)
    seconds = time.perf_counter() - start
    out = args.out.resolve()
    files = sorted(p.name for p in out.iterdir() if p.is_file() and p.suffix in PICTURES)
    has_dot = any(name.endswith(".svg") for name in files)
    if not has_dot:  # the graphs' sources stand in for their pictures
        files = sorted(files + [p.name for p in out.iterdir() if p.is_file() and p.suffix == ".gv"])
    print()
    print("=" * 78)
    print(f"Done in {seconds:.1f} s. The pictures are in {out}:")
    for name in files:
        print(f"  {name}")
    if not has_dot:
        print(
            "(no .svg: the Graphviz `dot` program is missing, so the graphs were saved as .gv sources; "
            "install Graphviz, e.g. `sudo apt-get install graphviz`, to get the pictures)"
        )
    results["out"] = out
    results["files"] = files
    return results


if __name__ == "__main__":
    main()
