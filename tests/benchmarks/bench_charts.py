"""Chart timings: a 10,000-span waterfall drawn (target <= 300 ms from ``set_run`` to the end of
the first paint), and the event loop's longest stall while a million-call latency scatter is
panned and zoomed (target <= 50 ms).

The stall probe is a 10 ms QTimer that records the largest gap between its ticks while a second
timer pans or zooms the scatter every 16 ms (like a drag), for a few seconds.

    QT_QPA_PLATFORM=offscreen python -m tests.benchmarks.bench_charts
    python -m tests.benchmarks.bench_charts --spans 10000 --calls 1000000 --runs 5
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtWidgets import QApplication

from inspector.charts.loaders import LatencyData, latency_data
from inspector.charts.waterfall import layout_waterfall
from inspector.model import SpanKind, Status
from inspector.store.charts import LlmCalls
from inspector.store.queries import SpanRow
from inspector.ui.charts.latency import LatencyWidget
from inspector.ui.charts.waterfall import WaterfallWidget

T0 = 1_763_630_000_000_000_000
MS = 1_000_000
KINDS = [SpanKind.LLM, SpanKind.TOOL, SpanKind.RETRIEVER, SpanKind.CHAIN, SpanKind.EMBEDDING]


def big_run(spans: int, seed: int = 3) -> list[SpanRow]:
    """An agent run: root -> steps (CHAIN) -> calls, sequential steps, some parallel calls,
    ~2% errors and a few calls still running at the end."""
    rng = random.Random(seed)
    rows = [_row("root", None, 0, None, SpanKind.AGENT, False)]
    t = 0.0
    step = 0
    while len(rows) < spans:
        sid = f"s{step}"
        begin = t
        rows.append(_row(sid, "root", begin, None, SpanKind.CHAIN, False))
        parent_index = len(rows) - 1
        for i in range(rng.randint(5, 40)):
            if len(rows) >= spans:
                break
            length = rng.lognormvariate(4, 1)
            start = t if rng.random() < 0.7 else max(begin, t - length / 2)
            end = None if len(rows) > spans - 4 else start + length
            kind = rng.choice(KINDS)
            rows.append(_row(f"{sid}.{i}", sid, start, end, kind, rng.random() < 0.02))
            t = max(t, start + length)
        rows[parent_index] = _row(sid, "root", begin, t, SpanKind.CHAIN, False)
        step += 1
    return rows


def _row(sid: str, parent: str | None, start: float, end: float | None, kind: SpanKind,
         error: bool) -> SpanRow:  # fmt: skip
    llm = kind is SpanKind.LLM
    return SpanRow(
        sid, parent, f"{kind.value.lower()} {sid}", kind,
        Status.ERROR if error else Status.OK, T0 + int(start * MS),
        None if end is None else T0 + int(end * MS), "gpt-4o-mini" if llm else None,
        800 if llm else None, 60 if llm else None, None, 0.0002 if llm else None, "t" * 32,
    )  # fmt: skip


def bench_waterfall(app: QApplication, spans: int, runs: int) -> None:
    rows = big_run(spans)
    started = time.perf_counter()
    layout_waterfall(rows)
    layout_ms = (time.perf_counter() - started) * 1000
    totals: list[float] = []
    paints: list[float] = []
    for _ in range(runs):
        widget = WaterfallWidget()
        widget.resize(1280, 800)
        widget.show()
        app.processEvents()
        widget.set_critical_path(False)
        count = widget.bars.paint_count
        started = time.perf_counter()
        widget.set_run(rows)
        while widget.bars.paint_count == count:
            app.processEvents()
        totals.append((time.perf_counter() - started) * 1000)
        paints.append((widget.bars.last_paint_s - started) * 1000)
        # a frame at full zoom-out, every bar visible, for the redraw cost alone
        widget.view_box.setYRange(0, len(rows), padding=0)
        app.processEvents()
        count = widget.bars.paint_count
        redraw = time.perf_counter()
        widget.plot_widget.viewport().repaint()
        redraw_ms = (time.perf_counter() - redraw) * 1000
        widget.close()
        widget.deleteLater()
        app.processEvents()
    print(
        f"waterfall {spans:,} spans: set_run -> first paint done median "
        f"{statistics.median(totals):.0f} ms (max {max(totals):.0f}; item painted at "
        f"{statistics.median(paints):.0f} ms); layout alone {layout_ms:.0f} ms; "
        f"repaint with all {spans:,} bars visible {redraw_ms:.0f} ms"
    )


def many_calls(n: int, seed: int = 9) -> LatencyData:
    rng = np.random.default_rng(seed)
    start = T0 + np.sort(rng.integers(0, 30 * 86_400 * 10**9, n))
    duration = (rng.lognormal(0, 0.5, n) * 10**9).astype(np.int64)
    calls = LlmCalls(
        row_id=np.arange(1, n + 1, dtype=np.int64), start_ns=start.astype(np.int64),
        duration_ns=duration, model_code=(rng.random(n) < 0.3).astype(np.int64),
        name_code=np.zeros(n, np.int64), error=rng.random(n) < 0.01,
        models=["gpt-4o-mini", "claude-sonnet-4-5"], names=["ChatCompletion"], last_id=n,
    )  # fmt: skip
    return latency_data(calls)


def bench_scatter(app: QApplication, n: int, seconds: float) -> None:
    started = time.perf_counter()
    data = many_calls(n)
    prepare_ms = (time.perf_counter() - started) * 1000
    widget = LatencyWidget()
    widget.resize(1280, 800)
    widget.show()
    app.processEvents()
    started = time.perf_counter()
    widget.set_data(data)
    set_ms = (time.perf_counter() - started) * 1000
    while not widget.shown_count:
        app.processEvents()
    shown_ms = (time.perf_counter() - started) * 1000
    full_points = widget.shown_count

    applied: list[float] = []  # GUI-thread cost of showing each pick (setData)
    original = widget._show_picked

    def timed(ok: np.ndarray, errors: np.ndarray) -> None:
        t = time.perf_counter()
        original(ok, errors)
        applied.append((time.perf_counter() - t) * 1000)

    widget.picker._on_picked = timed

    view = widget.scatter_view
    (x0, x1), (y0, y1) = view.viewRange()
    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def probe() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    step = [0]

    def drive() -> None:
        i = step[0]
        step[0] += 1
        phase = (i // 60) % 3
        a, b = view.viewRange()[0]
        if phase == 0:  # drag right-to-left over the month
            shift = (b - a) * 0.02
            view.setXRange(a + shift, b + shift, padding=0)
        elif phase == 1:  # wheel zoom in around the centre
            view.scaleBy((0.93, 0.97))
        else:  # zoom back out
            view.scaleBy((1.08, 1.03))
        if b - a > (x1 - x0) * 2:
            view.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    probe_timer = QTimer()
    probe_timer.setInterval(10)
    probe_timer.timeout.connect(probe)
    drive_timer = QTimer()
    drive_timer.setInterval(16)
    drive_timer.timeout.connect(drive)
    # Baseline: the same probe with the view still (what the machine's load alone costs).
    probe_timer.start()
    end = time.perf_counter() + 1.5
    while time.perf_counter() < end:
        app.processEvents()
    idle = gaps[1:]
    gaps.clear()
    drive_timer.start()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
    drive_timer.stop()
    app.processEvents()
    probe_timer.stop()
    gaps = gaps[1:]
    print(
        f"latency scatter, {n:,} calls: stats prepared in {prepare_ms:.0f} ms (worker side); "
        f"set_data on the GUI thread {set_ms:.0f} ms; points on screen after {shown_ms:.0f} ms "
        f"({full_points:,} points drawn at full view)"
    )
    print(
        f"  pan/zoom for {seconds:.0f} s ({step[0]} view changes, {len(applied)} re-picks shown, "
        f"setData median {statistics.median(applied):.0f} ms / max {max(applied):.0f}): "
        f"event-loop max gap {max(gaps):.0f} ms between 10 ms ticks "
        f"(p99 {np.percentile(gaps, 99):.0f} ms); idle baseline max gap {max(idle):.0f} ms, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    widget.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--spans", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    bench_waterfall(app, args.spans, args.runs)
    bench_scatter(app, args.calls, args.seconds)


if __name__ == "__main__":
    main()
