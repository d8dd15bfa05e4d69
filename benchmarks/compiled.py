"""The compiled path side by side: scalar engine, autodiff.compile, hand-written NumPy, micrograd.

    python benchmarks/compiled.py                 # widths 16, 64, 256 and W3; 5 rounds
    python benchmarks/compiled.py --rounds 3 --widths 16

Every measurement is a fresh process (``benchmarks/worker.py``). In each round
every engine runs each workload back to back, so ratios are taken within a
round; the table shows the median over rounds and the range. Workloads:

- W2 at width w: micrograd's moons step (full batch 100, MLP 2-w-w-1, hinge +
  1e-4 L2, SGD), per step. Engines: ``ours`` (the scalar engine), ``compiled``
  (the per-sample hinge plus the penalty traced once, replayed in NumPy on the
  parameters held in one array, the optimizer's rule on arrays),
  ``numpy`` (the same step written by hand), ``micrograd`` (width 16 only).
- W3: blobs per-sample SGD epoch (MLP 2-10-10-2, MSE), compiled = python backend
  (one row per replay, the parameters in one array).
- EST: ``nn.MLPClassifier`` fit on moons (200 samples, hidden (16, 16), 200
  epochs) against scikit-learn's MLPClassifier with the same arguments.
- compile cost: trace, plan and the first replay (``worker.moons_compile``),
  timed in a process where it has run once, against one scalar step; and the
  process's first step minus its later ones, also against a scalar step
  (setup time taken out), which holds Python's and NumPy's first-use costs.
"""

from __future__ import annotations

import argparse
import statistics
import sys

from run import run_worker

ENGINES = ("ours", "compiled", "numpy", "micrograd")  # for W2


class _Job:
    def __init__(self, kind: str, n: int, steps: int = 3):
        self.kind, self.n, self.steps = kind, n, steps


# Steps (W2) or epochs (W3) measured per process: enough for the fast engines to run well above
# the timer's resolution, few for the slow ones (a scalar step at width 256 takes seconds).
STEPS = {("W2", "compiled"): 100, ("W2", "numpy"): 100, ("W3", "compiled"): 10}


def _measure(engine: str, kind: str, n: int) -> dict:
    result = run_worker(engine, _Job(kind, n, STEPS.get((kind, engine), 3)), "time", timeout=600)
    if "failed" in result:
        raise SystemExit(f"{engine} {kind} n={n}: {result['failed']}")
    return result


def _stats(values: list[float]) -> str:
    return f"{statistics.median(values):.3g} ({min(values):.3g}-{max(values):.3g})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--widths", default="16,64,256")
    args = parser.parse_args(argv)
    widths = [int(w) for w in args.widths.split(",")]
    runs: dict[tuple, list[dict]] = {}
    for r in range(args.rounds):
        print(f"round {r + 1}/{args.rounds}", file=sys.stderr, flush=True)
        for width in widths:
            for engine in ENGINES:
                if engine == "micrograd" and width != 16:
                    continue
                runs.setdefault(("W2", width, engine), []).append(_measure(engine, "W2", width))
        for engine in ("ours", "compiled", "micrograd"):
            runs.setdefault(("W3", 0, engine), []).append(_measure(engine, "W3", 0))
        for engine in ("ours", "sklearn"):
            runs.setdefault(("EST", 0, engine), []).append(_measure(engine, "EST", 0))

    def ratios(key_a: tuple, key_b: tuple, field: str = "seconds") -> list[float]:
        return [a[field] / b[field] for a, b in zip(runs[key_a], runs[key_b])]

    print("| workload | ours (scalar) | compiled | hand NumPy | compiled vs scalar | vs micrograd | compiled / NumPy |")
    print("|---|---|---|---|---|---|---|")
    for width in widths:
        ours, comp, hand = (("W2", width, e) for e in ("ours", "compiled", "numpy"))
        mg = ("W2", width, "micrograd")
        vs_mg = _stats(ratios(mg, comp)) + "x" if mg in runs else "-"
        print(
            f"| W2 width {width} | {_ms(runs[ours])} | {_ms(runs[comp])} | {_ms(runs[hand])} "
            f"| {_stats(ratios(ours, comp))}x | {vs_mg} | {_stats(ratios(comp, hand))} |"
        )
    w3 = {e: ("W3", 0, e) for e in ("ours", "compiled", "micrograd")}
    print(
        f"| W3 per-sample epoch | {_ms(runs[w3['ours']])} | {_ms(runs[w3['compiled']])} | - "
        f"| {_stats(ratios(w3['ours'], w3['compiled']))}x | {_stats(ratios(w3['micrograd'], w3['compiled']))}x | - |"
    )
    est = ratios(("EST", 0, "ours"), ("EST", 0, "sklearn"))
    print(
        f"\nnn.MLPClassifier fit, moons 200, hidden (16, 16), 200 epochs: {_ms(runs[('EST', 0, 'ours')])} "
        f"vs scikit-learn's {_ms(runs[('EST', 0, 'sklearn')])}: {_stats(est)}x its time"
    )
    for width in widths:
        ours, comp = runs[("W2", width, "ours")], runs[("W2", width, "compiled")]
        cost = [c["compile_seconds"] / o["seconds"] for o, c in zip(ours, comp)]
        first = [
            ((c["first_step_seconds"] - c["seconds"]) - (o["first_step_seconds"] - o["seconds"])) / o["seconds"]
            for o, c in zip(ours, comp)
        ]
        print(
            f"\ncompile cost at width {width}: {_stats(cost)} scalar steps "
            f"(a process's first compile, with Python's and NumPy's first-use costs: {_stats(first)})",
            end="",
        )
    print(f"\n\nmedians (ranges) over {args.rounds} rounds, each measurement in a fresh process")


def _ms(results: list[dict]) -> str:
    return f"{statistics.median(r['seconds'] for r in results) * 1e3:.3g} ms"


if __name__ == "__main__":
    main()
