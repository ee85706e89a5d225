"""Live UI benchmark: how long does the window's event loop stall while it follows a busy file?

    python -m tests.benchmarks.bench_live_ui [--rate 1000] [--seconds 20] [--view spans]

A writer process appends OTLP JSON lines at ``--rate`` spans/s for ``--seconds``: one long run
("main", a fifth of the spans, all under one step, so the selected run's tree grows in place)
and a new short run every 200 spans, children written before their parent as OpenTelemetry
exports them. The window (offscreen) follows the file with the "main" run selected and its
step expanded, showing the ``--view`` tab. A 5 ms QTimer probe records the gap between its
ticks; a stall is the gap beyond 5 ms. Prints max/p99/p99.9 stall, ticks over 50 and 100 ms,
and how many spans the window indexed and shows. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson

TICK_S = 0.01
PROBE_MS = 5
MAIN_TRACE = "ee" * 16
MAIN_ROOT = f"{1:016x}"
MAIN_STEP = f"{2:016x}"


def _span(trace: str, number: int, parent: str | None, name: str, end: bool = True) -> dict:
    now = time.time_ns()
    attributes: list[dict[str, object]] = [
        {"key": "input.value", "value": {"stringValue": "x" * 200}},
    ]
    if number % 4 == 0:  # an LLM call: the latency and cost charts have points to add
        attributes += [
            {"key": "openinference.span.kind", "value": {"stringValue": "LLM"}},
            {"key": "llm.model_name", "value": {"stringValue": "gpt-4o-mini"}},
            {"key": "llm.token_count.prompt", "value": {"intValue": str(100 + number % 900)}},
            {"key": "llm.token_count.completion", "value": {"intValue": "40"}},
        ]
    else:
        attributes.append({"key": "openinference.span.kind", "value": {"stringValue": "TOOL"}})
    span: dict[str, object] = {
        "traceId": trace,
        "spanId": f"{number:016x}",
        "name": "ChatCompletion" if number % 4 == 0 else name,
        "kind": 1,
        "startTimeUnixNano": str(now - 2_000_000 - (number % 97) * 1_000_000),
        "endTimeUnixNano": str(now) if end else "0",
        "attributes": attributes,
        "status": {},
    }
    if parent is not None:
        span["parentSpanId"] = parent
    return span


def _line(spans: list[dict]) -> bytes:
    record = {"resourceSpans": [{"scopeSpans": [{"scope": {"name": "bench"}, "spans": spans}]}]}
    return orjson.dumps(record) + b"\n"


def writer_main(path: Path, rate: int, seconds: float) -> None:
    """The writer process: paced appends (one line every 10 ms), then "done N" on stdout."""
    per_tick = rate * TICK_S
    ticks = int(seconds / TICK_S)
    number = 100
    written = 0
    owed = 0.0
    run = 0
    run_trace = os.urandom(16).hex()
    run_children: list[int] = []
    started = time.monotonic()
    with path.open("ab", buffering=0) as handle:
        for tick in range(ticks):
            delay = started + tick * TICK_S - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            owed += per_tick
            count, owed = int(owed), owed - int(owed)
            spans = []
            for _ in range(count):
                number += 1
                written += 1
                if written % 5 == 0:  # the long run: another step under its expanded node
                    spans.append(_span(MAIN_TRACE, number, MAIN_STEP, f"main-{number % 7}"))
                    continue
                run_children.append(number)
                root = f"{run * 1_000_000 + 1:016x}"
                spans.append(_span(run_trace, number, root, f"tool-{number % 5}"))
                if len(run_children) >= 200:  # the run's root ends last, after its children
                    spans.append(_span(run_trace, run * 1_000_000 + 1, None, f"agent run {run}"))
                    written += 1
                    run += 1
                    run_trace = os.urandom(16).hex()
                    run_children = []
            if spans:
                handle.write(_line(spans))
    print(f"done {written}", flush=True)


def _run_until(done: Callable[[], bool]) -> None:
    """Run the event loop (sleeping when idle, as the app's does) until ``done()``.

    Not ``while ...: processEvents(AllEvents, 50)``: that returns at once when no event is
    pending, so the loop spins, keeping a core and the GIL busy that the window's workers need.
    """
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    check = QTimer()
    check.setInterval(50)
    check.timeout.connect(lambda: loop.quit() if done() else None)
    check.start()
    loop.exec()
    check.stop()


def window_main(rate: int, seconds: float, view: str) -> None:
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from inspector.ui.mainwindow import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    folder = Path(tempfile.mkdtemp(prefix="bench-live-ui-"))
    path = folder / "live.jsonl"
    path.write_bytes(
        _line(
            [
                _span(MAIN_TRACE, 1, None, "main agent", end=False),
                _span(MAIN_TRACE, 2, MAIN_ROOT, "main step", end=False),
                _span(MAIN_TRACE, 3, MAIN_STEP, "first call"),
            ]
        )
    )
    window = MainWindow(QSettings(str(folder / "w.ini"), QSettings.Format.IniFormat))
    window.interactive = False
    window.resize(1280, 800)
    window.show()
    loop = QEventLoop()
    window.load_finished.connect(loop.quit)
    window.open_path(path)
    loop.exec()
    window.show_view(view)
    window.select_run(MAIN_TRACE)
    while not window.is_idle():
        app.processEvents()
    window.tree.reveal(MAIN_STEP)

    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]

    def probe() -> None:
        now = clock.nsecsElapsed()
        gaps.append((now - last[0]) / 1e6)
        last[0] = now

    timer = QTimer()
    timer.setInterval(PROBE_MS)
    timer.timeout.connect(probe)
    timer.start()
    writer = subprocess.Popen(
        [
            *(sys.executable, "-m", "tests.benchmarks.bench_live_ui", "--writer", str(path)),
            *("--rate", str(rate), "--seconds", str(seconds)),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + seconds + 15
    _run_until(lambda: writer.poll() is not None or time.monotonic() >= deadline)
    assert writer.stdout is not None
    written = int(writer.stdout.read().split()[1])
    # let the window catch up (the main run is re-indexed at most once a second)
    settle = time.monotonic() + 5
    _run_until(lambda: time.monotonic() >= settle)
    timer.stop()
    session = window.session
    assert session is not None
    totals = session.reader.totals()
    main_rows = window.tree.model.rowCount(window.tree.model.index_of_span(MAIN_STEP))
    stalls = sorted(max(0.0, g - PROBE_MS) for g in gaps[1:])

    def pct(p: float) -> float:
        return stalls[min(len(stalls) - 1, int(p * len(stalls)))]

    print(f"view: {view}; writer: {written:,} spans at {rate:,}/s for {seconds:.0f} s")
    print(f"indexed: {totals.spans:,} spans in {totals.traces:,} runs (3 written up front)")
    print(f"selected run: {main_rows:,} rows under its expanded step (pages of 500)")
    print(
        f"event-loop stall over {len(stalls):,} probe ticks: max {stalls[-1]:.1f} ms, "
        f"p99.9 {pct(0.999):.1f} ms, p99 {pct(0.99):.1f} ms, median {statistics.median(stalls):.1f}"
        f" ms; ticks stalled >50 ms: {sum(s > 50 for s in stalls)}, >100 ms: "
        f"{sum(s > 100 for s in stalls)}"
    )
    window.shutdown()
    window.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--view", default="spans", choices=["spans", "waterfall", "latency", "tokens"]
    )
    parser.add_argument("--writer", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.writer is not None:
        writer_main(args.writer, args.rate, args.seconds)
    else:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        window_main(args.rate, args.seconds, args.view)


if __name__ == "__main__":
    main()
