"""Span-tree responsiveness on one run of 100,000 spans (not run by pytest).

    QT_QPA_PLATFORM=offscreen python -m tests.benchmarks.bench_ui_tree [--spans 100000]

Writes (once) an OTLP JSON-lines file holding one trace shaped to hurt: a root with a
20,000-child fan-out, 500 agent steps (LLM and tool calls with retrievals below), and a chain
tens of thousands of spans deep. Then opens it in the real window (1280x800) and measures:

* load: time until the worker finished indexing the file;
* select: time from selecting the run until the tree has rows (and until rollups arrived);
* stalls: the longest gap between ticks of a 10 ms QTimer while expanding the fan-out, every
  step, 100 levels of the chain one by one, "expand all", and revealing the deepest span.
  A gap above ~60 ms means the event loop was blocked for more than 50 ms.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication

from inspector.ui import gcpolicy
from inspector.ui.mainwindow import MainWindow
from inspector.ui.models.spantree import SPAN_ID_ROLE

T0 = 1_763_630_000_000_000_000
TRACE = "7" * 32


def _span(
    span_id: int,
    parent: int | None,
    name: str,
    kind: str,
    start: int,
    dur: int,
    error: bool = False,
    extra: list[dict[str, object]] | None = None,
) -> dict[str, object]:
    body: dict[str, object] = {
        "traceId": TRACE,
        "spanId": f"{span_id:016x}",
        "name": name,
        "startTimeUnixNano": str(T0 + start),
        "endTimeUnixNano": str(T0 + start + dur),
        "attributes": [
            {"key": "openinference.span.kind", "value": {"stringValue": kind}},
            *(extra or []),
        ],
        "status": {"code": 2, "message": "failed"} if error else {},
    }
    if parent is not None:
        body["parentSpanId"] = f"{parent:016x}"
    return body


def write_trace(path: Path, total: int) -> None:
    """One trace of ``total`` spans: fan-out, steps and a deep chain (about 20/32/48 %)."""
    spans: list[dict[str, object]] = []
    ids = iter(range(1, 1 << 40))
    root = next(ids)
    spans.append(_span(root, None, "agent.run", "AGENT", 0, 3_600_000_000_000))
    fan = next(ids)
    fan_out = total // 5
    spans.append(_span(fan, root, "parallel tool fan-out", "CHAIN", 1_000, 60_000_000_000))
    for i in range(fan_out):
        spans.append(
            _span(
                next(ids),
                fan,
                f"tool #{i}",
                "TOOL",
                2_000 + i * 1_000_000,
                900_000,
                error=i % 997 == 0,
            )
        )
    steps = max(1, int(total * 0.32) // 65)
    model: list[dict[str, object]] = [
        {"key": "llm.model_name", "value": {"stringValue": "gpt-4o-mini"}},
        {"key": "llm.token_count.prompt", "value": {"intValue": "1200"}},
        {"key": "llm.token_count.completion", "value": {"intValue": "300"}},
    ]
    for s in range(steps):
        step = next(ids)
        base = 100_000_000_000 + s * 6_000_000_000
        spans.append(_span(step, root, f"step {s}", "CHAIN", base, 5_000_000_000))
        for c in range(8):
            spans.append(
                _span(
                    next(ids),
                    step,
                    "ChatCompletion",
                    "LLM",
                    base + c * 600_000_000,
                    400_000_000,
                    error=(s * 8 + c) % 301 == 0,
                    extra=model,
                )
            )
            tool = next(ids)
            spans.append(
                _span(
                    tool,
                    step,
                    f"search {c}",
                    "TOOL",
                    base + c * 600_000_000 + 400_000_000,
                    150_000_000,
                )
            )
            for r in range(6):
                spans.append(
                    _span(
                        next(ids),
                        tool,
                        f"retrieve {r}",
                        "RETRIEVER",
                        base + c * 600_000_000 + 400_000_000 + r * 20_000_000,
                        15_000_000,
                    )
                )
    parent = root
    chain_start = 3_200_000_000_000
    depth = 0
    while len(spans) < total:
        node = next(ids)
        spans.append(
            _span(
                node,
                parent,
                f"recurse depth {depth}",
                "CHAIN",
                chain_start + depth * 1_000,
                100_000_000_000 - depth * 1_000,
            )
        )
        parent = node
        depth += 1
    with path.open("w") as handle:
        for offset in range(0, len(spans), 1000):
            chunk = spans[offset : offset + 1000]
            line = {
                "resourceSpans": [
                    {
                        "resource": {"attributes": []},
                        "scopeSpans": [{"scope": {"name": "bench"}, "spans": chunk}],
                    }
                ]
            }
            handle.write(json.dumps(line) + "\n")


class StallProbe:
    """Records the longest gap between ticks of a 10 ms timer."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.worst = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def start(self) -> None:
        self.last = time.perf_counter()
        self.worst = 0.0
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        self._tick()
        return self.worst * 1000


def spin(until: Callable[[], bool], timeout: float = 120.0) -> float:
    """Run the event loop until ``until()``; return the seconds it took."""
    started = time.perf_counter()
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(1)

    def check() -> None:
        if until() or time.perf_counter() - started > timeout:
            loop.quit()

    poll.timeout.connect(check)
    poll.start()
    loop.exec()
    poll.stop()
    return time.perf_counter() - started


def step_through(actions: list[Callable[[], None]]) -> None:
    """Run one action per event-loop turn (as a user's clicks would)."""
    pending = list(actions)
    loop = QEventLoop()

    def next_action() -> None:
        if not pending:
            loop.quit()
            return
        pending.pop(0)()
        QTimer.singleShot(0, next_action)

    QTimer.singleShot(0, next_action)
    loop.exec()


def latencies(app: QApplication, actions: list[Callable[[], None]]) -> tuple[float, float]:
    """Each action plus the event processing and repaint it causes: (max, 95th pct) in ms."""
    times: list[float] = []
    for action in actions:
        started = time.perf_counter()
        action()
        app.processEvents()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return times[-1], times[int(len(times) * 0.95) - 1 if len(times) > 1 else 0]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spans", type=int, default=100_000)
    parser.add_argument("--file", type=Path, default=None)
    args = parser.parse_args()
    path = args.file or Path(tempfile.gettempdir()) / f"bench-tree-{args.spans}.jsonl"
    if not path.exists():
        started = time.perf_counter()
        write_trace(path, args.spans)
        print(
            f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) in "
            f"{time.perf_counter() - started:.1f} s"
        )

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    gcpolicy.tune()  # as run_gui does
    settings_dir = tempfile.mkdtemp()
    window = MainWindow(
        QSettings(f"{settings_dir}/bench.ini", QSettings.Format.IniFormat), interactive=False
    )
    window.resize(1280, 800)
    window.show()
    probe = StallProbe()
    results: dict[str, float] = {}

    started = time.perf_counter()
    probe.start()
    window.open_path(path)
    spin(lambda: window.session is not None and not window.session.loading)
    results["load_s"] = time.perf_counter() - started
    results["load_stall_ms"] = probe.stop()
    spin(window.is_idle)
    window.tree.show_run(None)
    window.runs.table.selectionModel().clear()

    # select the run: top level at once, rollups when the index arrives
    tree = window.tree
    probe.start()
    started = time.perf_counter()
    run = window.runs.model.run_at(0)
    assert run is not None and run.spans == args.spans, run
    window.runs.select_row(0)
    results["select_to_rows_s"] = time.perf_counter() - started
    app.processEvents()
    results["select_to_painted_s"] = time.perf_counter() - started
    spin(lambda: tree.index_ready)
    results["select_to_rollups_s"] = time.perf_counter() - started
    results["select_stall_ms"] = probe.stop()

    model = tree.model
    root = model.index(0, 0)
    fan = model.index(0, 0, root)
    assert str(fan.data()).startswith("parallel"), fan.data()

    probe.start()
    started = time.perf_counter()
    tree.view.expand(fan)
    app.processEvents()
    results["expand_fanout_s"] = time.perf_counter() - started
    results["fanout_rows"] = model.rowCount(fan)
    results["expand_fanout_stall_ms"] = probe.stop()
    probe.start()

    def more() -> None:  # what scrolling down to the fan-out's "show more" row does
        tree.view.show_more(model.index(model.rowCount(fan) - 1, 0, fan))

    worst, p95 = latencies(app, [more] * 20)
    results["fanout_page_max_ms"] = worst
    results["fanout_rows_after_20_pages"] = model.rowCount(fan)
    results["fanout_pages_stall_ms"] = probe.stop()
    tree.view.collapse(fan)

    steps = [
        model.index(r, 0, root)
        for r in range(1, model.rowCount(root))
        if str(model.index(r, 0, root).data()).startswith("step")
    ]
    probe.start()
    expand = tree.view.expand
    worst, p95 = latencies(app, [partial(expand, i) for i in steps])
    results["expand_steps"] = len(steps)
    results["expand_step_max_ms"] = worst
    results["expand_step_p95_ms"] = p95
    results["expand_steps_stall_ms"] = probe.stop()

    chain = next(
        model.index(r, 0, root)
        for r in range(model.rowCount(root))
        if str(model.index(r, 0, root).data()).startswith("recurse")
    )
    probe.start()
    # span ids, not indexes: past MAX_VIEW_DEPTH the tree re-roots (a model reset)
    current: list[str] = [str(chain.data(SPAN_ID_ROLE))]

    def go_deeper() -> None:
        index = model.index_of_span(current[0])
        if not index.isValid():
            return
        tree.view.expand(index)
        child = model.index(0, 0, index)
        if child.isValid():
            current[0] = str(child.data(SPAN_ID_ROLE))
            tree.view.scrollTo(child)

    worst, p95 = latencies(app, [go_deeper] * 100)
    results["expand_chain_level_max_ms"] = worst
    results["expand_chain_level_p95_ms"] = p95
    results["expand_chain_100_stall_ms"] = probe.stop()
    results["chain_focus_depth"] = model.depth_of(model.focus) if model.focus else 0

    tree.set_focus(None)
    tree.collapse_all()
    probe.start()
    started = time.perf_counter()
    tree.expand_all()
    spin(lambda: not tree.expanding)
    results["expand_all_s"] = time.perf_counter() - started
    results["expand_all_stall_ms"] = probe.stop()
    results["expand_all_rows"] = tree.view.model().rowCount()  # top level
    results["expand_all_expanded"] = tree._expanded_count
    tree.collapse_all()

    index = tree.model.run_index
    assert index is not None
    deepest = index.preorder[-1]
    probe.start()
    started = time.perf_counter()
    tree.reveal(deepest)
    app.processEvents()
    results["reveal_deepest_s"] = time.perf_counter() - started
    results["reveal_depth"] = len(index.ancestors(deepest))
    results["reveal_deepest_stall_ms"] = probe.stop()
    assert tree.selected_span_id() == deepest

    window.shutdown()
    window.close()
    width = max(len(k) for k in results)
    for key, value in results.items():
        shown = f"{value:,.3f}" if isinstance(value, float) else f"{value:,}"
        print(f"{key:<{width}}  {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
