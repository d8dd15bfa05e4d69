"""Side-by-side benchmarks: chaingrad's autodiff/nn against micrograd 0.1.0.

    python benchmarks/run.py                  # all workloads, 5 rounds (a few minutes)
    python benchmarks/run.py --quick          # small sizes, 2 rounds (about half a minute)
    python benchmarks/run.py --workloads W1-1e5,W2 --rounds 7

Every measurement runs in a fresh process (``benchmarks/worker.py``). Each
round runs every workload for both engines back to back, alternating which
engine goes first, so that machine noise hits both; the speedup reported is
the median over rounds of that round's micrograd/ours time ratio. Memory
(tracemalloc peak) is measured in separate worker runs, never in a timed one.
See benchmarks/README.md for the workloads and how to read the table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORKER = os.path.join(HERE, "worker.py")


class Workload:
    def __init__(
        self,
        key,
        kind,
        n,
        title,
        unit,
        target_speedup=None,
        target_memory=None,
        ours_only=False,
        steps=3,
        micrograd_tracemalloc=True,
    ):
        self.key = key  # "W1-1e5"
        self.kind = kind  # "W1": what the worker runs
        self.n = n  # chain length (W0, W1)
        self.title = title
        self.unit = unit  # what one "second" is per: "run", "step", "epoch"
        self.target_speedup = target_speedup
        self.target_memory = target_memory  # ours/micrograd peak at most this
        self.ours_only = ours_only
        self.steps = steps
        # tracemalloc is superlinear on micrograd's deep recursive build_topo (5k steps: 2 s, 20k: 52 s),
        # so its 1e5 chains get no tracemalloc run; max RSS growth (from the timing runs) compares them.
        self.micrograd_tracemalloc = micrograd_tracemalloc


WORKLOADS = [
    Workload("W0-1e4", "W0", 10_000, "chain tanh(y*1.0001+0.5), N=1e4", "run", target_speedup=8),
    Workload(
        "W0-1e5", "W0", 100_000, "chain tanh(y*1.0001+0.5), N=1e5", "run", target_speedup=8, micrograd_tracemalloc=False
    ),
    Workload("W1-1e4", "W1", 10_000, "chain relu(y*1.0001+0.5), N=1e4", "run"),
    Workload(
        "W1-1e5", "W1", 100_000, "chain relu(y*1.0001+0.5), N=1e5", "run", target_speedup=8, micrograd_tracemalloc=False
    ),
    Workload("W1-1e6", "W1", 1_000_000, "chain relu(y*1.0001+0.5), N=1e6", "run", ours_only=True),
    Workload("W2", "W2", 0, "moons full-batch step, MLP(2,[16,16,1])", "step", target_speedup=50, target_memory=1 / 3),
    Workload("W3", "W3", 0, "blobs per-sample SGD epoch, MLP(2,[10,10,2])", "epoch", target_speedup=8),
]
QUICK = ["W0-1e4", "W1-1e4", "W2", "W3"]


def run_worker(engine, workload, mode, timeout):
    """One measurement in a fresh process: a dict, or {"failed": "crash ..."}."""
    command = [
        sys.executable,
        WORKER,
        "--engine",
        engine,
        "--workload",
        workload.kind,
        "--n",
        str(workload.n),
        "--steps",
        str(workload.steps),
        "--mode",
        mode,
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"failed": f"timeout (>{timeout:g} s)"}
    lines = done.stdout.strip().splitlines()
    try:
        result = json.loads(lines[-1]) if lines else {}
    except json.JSONDecodeError:
        result = {}
    if done.returncode == 0 and "error" not in result and result:
        return result
    if done.returncode < 0:
        return {"failed": f"crash (signal {-done.returncode})"}
    reason = result.get("error") or (done.stderr.strip().splitlines() or ["no output"])[-1]
    return {"failed": f"crash ({reason[:120]})"}


def select(spec):
    if not spec:
        return list(WORKLOADS)
    wanted = [s.strip() for s in spec.split(",") if s.strip()]
    chosen = [w for w in WORKLOADS if any(w.key == s or w.kind == s for s in wanted)]
    unknown = [s for s in wanted if not any(w.key == s or w.kind == s for w in WORKLOADS)]
    if unknown:
        raise SystemExit(f"unknown workload(s): {', '.join(unknown)}; known: {', '.join(w.key for w in WORKLOADS)}")
    return chosen


def median(xs):
    return statistics.median(xs) if xs else None


def fmt_seconds(s):
    if s is None:
        return "-"
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.1f} ms"
    return f"{s * 1e6:.0f} us"


def fmt_count(n):
    if n is None:
        return "-"
    for unit, size in (("M", 1e6), ("k", 1e3)):
        if n >= size:
            return f"{n / size:.3g}{unit}"
    return f"{n:g}"


def summarize(workload, engine, times, mems):
    """The medians of one engine on one workload: a dict of display-ready numbers."""
    ok = [t for t in times if "failed" not in t]
    failed = [t["failed"] for t in times if "failed" in t]
    okm = [m for m in mems if "failed" not in m]
    row = {"engine": engine, "runs": len(times), "ok": len(ok), "failed": failed[0] if failed else None}
    row["seconds"] = median([t["seconds"] for t in ok])
    row["gc_share"] = median([t["gc_seconds"] / t["seconds"] for t in ok if t["seconds"] > 0])
    row["nodes"] = ok[0]["nodes"] if ok else (okm[0]["nodes"] if okm else None)
    row["nodes_per_s"] = row["nodes"] / row["seconds"] if row["nodes"] and row["seconds"] else None
    row["peak"] = median([m["peak_bytes"] for m in okm])
    row["mem_failed"] = next((m["failed"] for m in mems if "failed" in m), None)
    row["rss"] = median([t["maxrss_delta_kb"] for t in ok])
    return row


def table(results, workloads, rounds, memory_rounds):
    header = [
        "workload",
        "engine",
        "time (median)",
        "nodes",
        "nodes/s",
        "GC share",
        "peak mem",
        "max RSS growth",
        "speedup (median of rounds)",
        "speedup, CPU time",
        "memory ours/mg",
        "target",
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    verdicts = []
    for w in workloads:
        res = results[w.key]
        engines = ["ours"] if w.ours_only else ["ours", "micrograd"]
        rows = {e: summarize(w, e, res[e]["time"], res[e]["memory"]) for e in engines}
        # per-round ratios: micrograd time / ours time, measured in the same round
        speedups = [
            m["seconds"] / o["seconds"]
            for o, m in zip(res["ours"]["time"], res.get("micrograd", {}).get("time", []))
            if "failed" not in o and "failed" not in m
        ]
        memratios = [
            o["peak_bytes"] / m["peak_bytes"]
            for o, m in zip(res["ours"]["memory"], res.get("micrograd", {}).get("memory", []))
            if "failed" not in o and "failed" not in m
        ]
        cpu_speedups = [
            m["cpu_seconds"] / o["cpu_seconds"]
            for o, m in zip(res["ours"]["time"], res.get("micrograd", {}).get("time", []))
            if "failed" not in o and "failed" not in m
        ]
        speedup, memratio = median(speedups), median(memratios)
        cpu_speedup = median(cpu_speedups)
        memratio_note = ""
        if memratio is None and not w.ours_only and not w.micrograd_tracemalloc:
            rss = [
                o["maxrss_delta_kb"] / m["maxrss_delta_kb"]
                for o, m in zip(res["ours"]["time"], res["micrograd"]["time"])
                if "failed" not in o and "failed" not in m and m["maxrss_delta_kb"] > 0
            ]
            memratio, memratio_note = median(rss), " (RSS)"
        ours = rows["ours"]
        verdict = []
        if w.target_speedup:
            verdict.append(
                f">= {w.target_speedup}x: "
                + ("-" if speedup is None else "PASS" if speedup >= w.target_speedup else "FAIL")
            )
        if w.target_memory:
            verdict.append(
                f"mem <= 1/{round(1 / w.target_memory)}: "
                + ("-" if memratio is None else "PASS" if memratio <= w.target_memory else "FAIL")
            )
        if w.ours_only:
            verdict.append("works: " + ("PASS" if ours["ok"] == ours["runs"] and ours["runs"] else "FAIL"))
        verdicts.append((w.key, verdict))
        for e in engines:
            r = rows[e]
            per = "" if w.unit == "run" else f"/{w.unit}"
            time_cell = r["failed"] if r["ok"] == 0 and r["failed"] else fmt_seconds(r["seconds"]) + per
            if r["failed"] and r["ok"]:
                time_cell += f" ({r['runs'] - r['ok']} of {r['runs']} runs: {r['failed']})"
            peak_cell = "-" if r["peak"] is None else f"{r['peak'] / 2**20:.1f} MB"
            if r["peak"] is None and r["mem_failed"]:
                peak_cell = r["mem_failed"].split(" (")[0]
            elif r["peak"] is None and e == "micrograd" and not w.micrograd_tracemalloc:
                peak_cell = "n/a (see README)"
            rss_cell = "-" if r["rss"] is None else f"{r['rss'] / 1024:.1f} MB"
            cells = [
                w.key if e == "ours" else "",
                e,
                time_cell,
                fmt_count(r["nodes"]) + ("" if w.unit == "run" else f"/{w.unit}") if r["nodes"] else "-",
                fmt_count(r["nodes_per_s"]) if r["nodes_per_s"] else "-",
                "-" if r["gc_share"] is None else f"{100 * r['gc_share']:.0f}%",
                peak_cell,
                rss_cell,
            ]
            if e == "ours":
                cells += [
                    "-"
                    if w.ours_only
                    else (
                        "-"
                        if speedup is None
                        else f"{speedup:.1f}x ({len(speedups)} round{'' if len(speedups) == 1 else 's'})"
                    ),
                    "-" if cpu_speedup is None else f"{cpu_speedup:.1f}x",
                    "-" if memratio is None else f"{memratio:.2f}{memratio_note}",
                    "; ".join(verdict) or "-",
                ]
            else:
                cells += ["", "", "", ""]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines), verdicts


def main(argv=None):
    parser = argparse.ArgumentParser(description="chaingrad vs micrograd 0.1.0, side by side, fresh process each")
    parser.add_argument("--rounds", type=int, default=None, help="timing rounds (default 5; 2 with --quick)")
    parser.add_argument(
        "--memory-rounds",
        type=int,
        default=1,
        help="tracemalloc rounds (default 1: its peaks are deterministic to a few KB; 0 skips)",
    )
    parser.add_argument(
        "--quick", action="store_true", help=f"only {', '.join(QUICK)}, one measured step/epoch, 2 rounds"
    )
    parser.add_argument("--workloads", default="", help="comma list of keys (W1-1e5) or kinds (W1); default all")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before one measurement counts as failed")
    parser.add_argument("--json", help="also write every raw measurement to this file")
    args = parser.parse_args(argv)

    try:
        import micrograd  # noqa: F401
    except ImportError:
        raise SystemExit(
            "micrograd is not installed: pip install micrograd==0.1.0 (it is in chaingrad's dev extra)"
        ) from None
    workloads = select(args.workloads or (",".join(QUICK) if args.quick else ""))
    if args.quick:
        for w in workloads:
            w.steps = 1
    rounds = args.rounds if args.rounds is not None else (2 if args.quick else 5)
    if rounds < 1:
        raise SystemExit("--rounds must be at least 1")

    results = {
        w.key: {e: {"time": [], "memory": []} for e in (["ours"] if w.ours_only else ["ours", "micrograd"])}
        for w in workloads
    }
    started = time.perf_counter()
    for r in range(max(rounds, args.memory_rounds)):
        for w in workloads:
            engines = list(results[w.key])
            if r % 2:
                engines.reverse()  # alternate who goes first, so drift in machine load hits both
            modes = (["time"] if r < rounds else []) + (["memory"] if r < args.memory_rounds else [])
            for mode in modes:
                for e in engines:
                    if mode == "memory" and e == "micrograd" and not w.micrograd_tracemalloc:
                        continue
                    print(
                        f"[{time.perf_counter() - started:6.0f} s] round {r + 1}/{rounds} {w.key} {e} {mode}",
                        file=sys.stderr,
                        flush=True,
                    )
                    results[w.key][e][mode].append(run_worker(e, w, mode, args.timeout))

    text, verdicts = table(results, workloads, rounds, args.memory_rounds)
    try:
        from importlib.metadata import version

        mg_version = version("micrograd")
    except Exception:  # noqa: BLE001
        mg_version = "?"
    print(
        f"chaingrad vs micrograd {mg_version} | Python {platform.python_version()} "
        f"({platform.python_implementation()}) on {platform.machine()} | {rounds} timing round(s), "
        f"{args.memory_rounds} memory round(s), every measurement in a fresh process"
    )
    print()
    print(text)
    print()
    print(
        "time: median seconds per run (W0, W1: forward+backward of the whole chain), per full-batch step "
        "(W2: forward+backward+SGD, mean of the measured steps after 1 warm-up) or per epoch (W3)."
    )
    print(
        "nodes: Values in the graph (leaves included), counted after the clock stopped. "
        "GC share: part of the time spent in the cyclic garbage collector (gc.callbacks)."
    )
    print(
        "peak mem: tracemalloc peak in a separate process (n/a: too slow under tracemalloc, see README). "
        "max RSS growth: ru_maxrss after minus before the workload, in the timing runs."
    )
    print(
        "speedup: median over rounds of micrograd time / ours time measured in the same round (wall clock; "
        "'CPU time' uses process CPU seconds, steadier on a busy machine; targets are judged on wall clock)."
    )
    print("memory ours/mg: ours peak / micrograd peak (tracemalloc; marked (RSS) where only RSS growth compares).")
    if any(w.kind == "W0" for w in workloads):
        print(
            "micrograd 0.1.0 has no tanh: W0 gives it one in its own closure style "
            "(benchmarks/micrograd_tanh.py, as in Karpathy's micrograd lecture)."
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump({w.key: results[w.key] for w in workloads}, f, indent=1)
    failed = [key for key, verdict in verdicts if any(v.endswith("FAIL") for v in verdict)]
    if failed:
        print(f"targets missed: {', '.join(failed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
