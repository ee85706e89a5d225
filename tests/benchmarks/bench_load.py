"""Load benchmark: our full index of an OTLP JSON-lines file vs a bare orjson parse of it.

    python -m tests.benchmarks.bench_load --spans 1000000 [--file PATH] [--repeat 3]

Prints, for the same file in one run: bare-parse time (read + orjson.loads per line), our load
time through the app's own path (``Workspace.load``: reader -> store), their ratio, spans/s, the
time from starting to read until the first run is queryable (a real query on a second
connection), the CPU time of the loading process and of its worker processes, and the peak RSS
of the load (measured in a child process that does only the load; workers counted too).
Medians over ``--repeat`` runs. Not part of the test suite (noisy machines): run it by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import orjson

from tests.benchmarks.gen_otlp import generate


def bare_parse(path: Path) -> float:
    started = time.perf_counter()
    with path.open("rb") as handle:
        for line in handle:
            orjson.loads(line)
    return time.perf_counter() - started


def our_load(path: Path) -> dict[str, float]:
    from inspector.store.writer import Change
    from inspector.workspace import Progress, Workspace

    first: list[float] = []
    started = time.perf_counter()
    cpu_started = time.process_time()
    workspace = Workspace(path)
    probe = workspace.reader()

    def on_batch(change: Change, progress: Progress) -> None:
        if not first and probe.runs(0, 1):
            first.append(time.perf_counter() - started)

    done = threading.Event()
    progress = workspace.load(on_batch)
    done.set()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    totals = probe.totals()
    probe.close()
    workspace.close()
    return {
        "load_s": elapsed,
        "cpu_s": cpu,
        "first_run_s": first[0] if first else float("nan"),
        "spans": float(totals.spans),
        "batches": float(progress.batches),
    }


def child_main(path: str) -> None:
    result = our_load(Path(path))
    # The worker processes (large files) count too: own peak + the largest worker's peak
    # (ru_maxrss of children is the largest one's), plus one more worker: an upper bound.
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    result["peak_rss_mb"] = own + 2 * workers.ru_maxrss / 1024
    result["workers_cpu_s"] = workers.ru_utime + workers.ru_stime
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spans", type=int, default=200_000)
    parser.add_argument("--file", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_main(args.child)
        return
    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    path = args.file or tmp / "bench.jsonl"
    if not args.file:
        generate(path, args.spans)
        # Write the new file out now: otherwise its writeback (a gigabyte, for 1M spans) runs
        # during the first measurements, in kernel threads competing for the same cores.
        os.sync()
    size_mb = path.stat().st_size / 1e6
    bares, loads, cpus, firsts, rss, workers = [], [], [], [], [], []
    spans = 0.0
    for _ in range(args.repeat):
        # The bare parse runs just before and just after each load, and the ratio takes their
        # mean: this host's speed drifts by tens of percent within a minute, and a parse
        # measured only before the load may fall in a faster or slower spell than the load.
        before = bare_parse(path)
        out = subprocess.run(
            [sys.executable, "-m", "tests.benchmarks.bench_load", "--child", str(path)],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        bares.append((before + bare_parse(path)) / 2)
        loads.append(result["load_s"])
        cpus.append(result["cpu_s"])
        workers.append(result["workers_cpu_s"])
        firsts.append(result["first_run_s"])
        rss.append(result["peak_rss_mb"])
        spans = result["spans"]
    bare, load = statistics.median(bares), statistics.median(loads)
    ratios = [lo / b for lo, b in zip(loads, bares, strict=True)]
    print(f"file                {path} ({size_mb:.0f} MB, {spans:.0f} spans)")
    print(
        f"bare orjson parse   {bare:.2f} s (median of {args.repeat}; each the mean of a parse "
        "just before and just after the load)"
    )
    print(
        f"our load            {load:.2f} s wall, CPU {statistics.median(cpus):.2f} s in the "
        f"loading process + {statistics.median(workers):.2f} s in its workers"
    )
    print(f"ratio load/bare     {statistics.median(ratios):.2f}x (median of per-run ratios)")
    print(f"spans/s             {spans / load:,.0f}")
    print(f"first run queryable {statistics.median(firsts) * 1000:.0f} ms after start")
    print(
        f"peak RSS            {max(rss):.0f} MB (limit 0.5x file + 200 MB = "
        f"{0.5 * size_mb + 200:.0f} MB)"
    )


if __name__ == "__main__":
    main()
