"""Live-tail benchmark: a writer process appends spans; how soon is each one queryable?

    python -m tests.benchmarks.bench_tail [--rate 1000] [--seconds 30] [--files 3]

A separate writer process appends OTLP JSON lines at ``--rate`` spans/s for ``--seconds`` into
``--files`` files of one folder (one line per file every 10 ms), and half-way through rotates
the first file the way the Collector does: renamed away, a fresh file started under the name.
Each span carries ``bench.flush_ns``, the wall clock just before its line is written.

This process runs the follower exactly as ``tail`` does (``wait()`` then ``poll()``) and notes
when each batch commit finishes. Latency = commit finished - line written. It prints p50/p95/
p99/max latency, spans written vs indexed (and how many were read more than once), and the CPU
the follower used while following and while idle afterwards. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

TICK_S = 0.01


def writer_main(folder: Path, rate: int, seconds: float, files: int) -> None:
    """The writer process: paced appends, one rotation half-way, then a summary on stdout."""
    paths = [folder / f"spans-{i}.jsonl" for i in range(files)]
    handles = [open(p, "ab", buffering=0) for p in paths]  # noqa: SIM115 - closed below
    per_tick = rate * TICK_S
    ticks = int(seconds / TICK_S)
    trace_ids = [os.urandom(16).hex() for _ in range(files)]
    written = 0
    owed = 0.0
    rotated = False
    started = time.monotonic()
    for tick in range(ticks):
        target = started + tick * TICK_S
        delay = target - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        if not rotated and tick >= ticks // 2:
            handles[0].close()
            os.rename(paths[0], folder / "spans-0-rotated.jsonl")
            handles[0] = open(paths[0], "ab", buffering=0)  # noqa: SIM115
            rotated = True
        owed += per_tick
        count, owed = int(owed), owed - int(owed)
        for f in range(files):
            n = count // files + (1 if f < count % files else 0)
            if not n:
                continue
            spans = []
            flush_ns = time.time_ns()  # just before the line is written
            for _ in range(n):
                written += 1
                spans.append(_span(trace_ids[f], written, flush_ns))
            record = {
                "resourceSpans": [
                    {
                        "resource": {
                            "attributes": [
                                {"key": "service.name", "value": {"stringValue": "bench"}}
                            ]
                        },
                        "scopeSpans": [{"scope": {"name": "bench"}, "spans": spans}],
                    }
                ]
            }
            line = orjson.dumps(record) + b"\n"
            handles[f].write(line)
    for handle in handles:
        handle.close()
    print(json.dumps({"written": written, "seconds": time.monotonic() - started}), flush=True)


def _span(trace_id: str, number: int, flush_ns: int) -> dict[str, object]:
    return {
        "traceId": trace_id,
        "spanId": f"{number:016x}",
        "parentSpanId": "",
        "name": f"step-{number}",
        "kind": 1,
        "startTimeUnixNano": str(flush_ns - 2_000_000),
        "endTimeUnixNano": str(flush_ns - 1_000_000),
        "attributes": [
            {"key": "bench.flush_ns", "value": {"intValue": str(flush_ns)}},
            {"key": "openinference.span.kind", "value": {"stringValue": "LLM"}},
            {"key": "llm.model_name", "value": {"stringValue": "gpt-4o-mini"}},
            {"key": "llm.token_count.prompt", "value": {"intValue": "100"}},
            {"key": "llm.token_count.completion", "value": {"intValue": "20"}},
            {"key": "input.value", "value": {"stringValue": "x" * 200}},
        ],
        "status": {},
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def follow(args: argparse.Namespace) -> dict[str, object]:
    from inspector.live import Follower
    from inspector.workspace import Workspace

    folder = Path(tempfile.mkdtemp(prefix="bench-tail-"))
    workspace = Workspace(folder, live=True)
    follower = Follower(
        workspace,
        watch=not args.no_watch,
        collect_spans=True,
        min_interval_s=args.min_interval,
        rescan_s=args.rescan,
    )
    committed: dict[str, int] = {}
    reads = 0
    polls = 0
    writer = subprocess.Popen(
        [
            *(sys.executable, "-m", "tests.benchmarks.bench_tail", "--writer", str(folder)),
            *("--rate", str(args.rate), "--seconds", str(args.seconds)),
            *("--files", str(args.files)),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    wall0, cpu0 = time.monotonic(), time.process_time()
    while writer.poll() is None:
        follower.wait(timeout=0.5)
        update = follower.poll()
        polls += 1
        for commit in update.commits:
            reads += commit.change.spans
            for row in commit.spans:
                committed.setdefault(row.span_id, commit.time_ns)
    assert writer.stdout is not None
    summary = json.loads(writer.stdout.read())
    # Catch up with the last lines (bounded: a lost span must not hang the benchmark).
    deadline = time.monotonic() + 5
    while len(committed) < summary["written"] and time.monotonic() < deadline:
        follower.wait(timeout=0.2)
        for commit in follower.poll().commits:
            reads += commit.change.spans
            for row in commit.spans:
                committed.setdefault(row.span_id, commit.time_ns)
    busy_wall, busy_cpu = time.monotonic() - wall0, time.process_time() - cpu0
    idle_wall0, idle_cpu0 = time.monotonic(), time.process_time()
    while time.monotonic() - idle_wall0 < args.idle:
        follower.wait(timeout=args.idle)
        follower.poll()
    idle_wall, idle_cpu = time.monotonic() - idle_wall0, time.process_time() - idle_cpu0

    reader = workspace.reader()
    latencies: list[float] = []
    indexed = 0
    for run in reader.runs(0, 1000):
        for row in reader.span_rows(run.trace_id):
            indexed += 1
            span = reader.span(run.trace_id, row.span_id)
            assert span is not None
            flush_ns = int(span.attributes["bench.flush_ns"])
            latencies.append((committed[row.span_id] - flush_ns) / 1e6)
    reader.close()
    follower.close()
    workspace.close()
    return {
        "written": summary["written"],
        "indexed": indexed,
        "reported": len(committed),
        "read_more_than_once": reads - summary["written"],
        "writer_seconds": round(summary["seconds"], 2),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(max(latencies), 1),
        "mean_ms": round(statistics.fmean(latencies), 1),
        "polls": polls,
        "follower_cpu_pct": round(100 * busy_cpu / busy_wall, 1),
        "idle_cpu_pct": round(100 * idle_cpu / idle_wall, 2),
        "min_interval_s": args.min_interval,
        "rescan_s": args.rescan,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--files", type=int, default=3)
    parser.add_argument("--min-interval", type=float, default=0.02)
    parser.add_argument("--rescan", type=float, default=1.0)
    parser.add_argument("--idle", type=float, default=5.0, help="idle seconds measured after")
    parser.add_argument("--no-watch", action="store_true", help="rescans only (no watchdog)")
    parser.add_argument("--writer", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.writer is not None:
        writer_main(args.writer, args.rate, args.seconds, args.files)
        return
    result = follow(args)
    print(json.dumps(result, indent=2))
    ok = (
        result["written"] == result["indexed"] == result["reported"]
        and result["read_more_than_once"] == 0
    )
    targets = float(result["p95_ms"]) <= 150 and float(result["p99_ms"]) <= 300  # type: ignore[arg-type]
    print(f"counts {'OK' if ok else 'MISMATCH'}; latency targets {'met' if targets else 'MISSED'}")
    sys.exit(0 if ok and targets else 1)


if __name__ == "__main__":
    main()
