"""The chart tabs of the window on the bundled demo (8 runs, 24 LLM calls: 20 gpt-4o-mini,
4 claude-sonnet-4-5), and on a file another process appends to."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from inspector.model import SpanKind
from inspector.resources import demo_trace
from inspector.ui.chartspanel import LATENCY, TOKENS, WATERFALL
from inspector.ui.mainwindow import MainWindow
from tests.ui.treewriter import TreeWriter

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

WAIT_MS = 10_000


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    main = MainWindow(
        QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat), interactive=False
    )
    qtbot.addWidget(main)
    main.resize(1280, 800)
    main.show()
    yield main
    main.shutdown()


def open_demo(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.load_finished, timeout=WAIT_MS):
        assert window.open_path(demo_trace(), follow=False)
    qtbot.waitUntil(window.is_idle, timeout=WAIT_MS)


def test_the_waterfall_shows_the_selected_run_and_follows_the_tree(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_demo(qtbot, window)
    charts = window.charts
    assert charts.waterfall is None  # nothing is drawn (nor pyqtgraph imported) before
    window.show_view(WATERFALL)
    qtbot.waitUntil(window.is_idle, timeout=WAIT_MS)
    waterfall = charts.waterfall
    assert waterfall is not None and waterfall.isVisible()
    run = window.runs.selected_run()
    assert run is not None
    assert waterfall.layout_data.trace_id == run.trace_id
    assert len(waterfall.layout_data) == run.spans

    # another run selected in the table: its waterfall
    window.runs.select_row(3)
    other = window.runs.selected_run()
    assert other is not None and other.trace_id != run.trace_id
    qtbot.waitUntil(lambda: waterfall.layout_data.trace_id == other.trace_id, timeout=WAIT_MS)
    assert len(waterfall.layout_data) == other.spans

    # a span selected in the tree is marked in the waterfall (the tree indexes the run on its
    # own worker: wait for it too)
    def tree_shows_other() -> bool:
        shown = window.tree.model.run_index
        return shown is not None and shown.trace_id == other.trace_id

    qtbot.waitUntil(tree_shows_other, timeout=WAIT_MS)
    index = window.tree.model.run_index
    assert index is not None
    llm = next(s for s in index.preorder if index.rows[s].kind is SpanKind.LLM)
    window.tree.reveal(llm)
    assert waterfall.bars._highlight == waterfall.layout_data.row_of[llm]

    # a bar clicked in the waterfall selects its span in the tree, on the waterfall tab
    tool = next(s for s in index.preorder if index.rows[s].kind is SpanKind.TOOL)
    waterfall.spanClicked.emit(other.trace_id, tool)
    qtbot.waitUntil(lambda: window.tree.selected_span_id() == tool, timeout=WAIT_MS)
    assert window.current_view == WATERFALL
    assert waterfall.bars._highlight == waterfall.layout_data.row_of[tool]


def test_the_waterfall_is_laid_out_off_the_gui_thread(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from inspector.charts import loaders
    from inspector.ui.charts import waterfall as waterfall_module

    threads: dict[str, list[threading.Thread]] = {"layout": [], "critical": []}

    def spy(name: str, function: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            threads[name].append(threading.current_thread())
            return function(*args, **kwargs)

        return call

    monkeypatch.setattr(loaders, "layout_waterfall", spy("layout", loaders.layout_waterfall))
    for module in (loaders, waterfall_module):
        monkeypatch.setattr(module, "critical_path", spy("critical", module.critical_path))
    open_demo(qtbot, window)
    window.show_view(WATERFALL)
    qtbot.waitUntil(window.is_idle, timeout=WAIT_MS)
    waterfall = window.charts.waterfall
    assert waterfall is not None
    window.runs.select_row(2)
    other = window.runs.selected_run()
    assert other is not None
    qtbot.waitUntil(lambda: waterfall.layout_data.trace_id == other.trace_id, timeout=WAIT_MS)
    waterfall.critical_button.setChecked(True)  # the path, too, is worked out on a worker
    qtbot.waitUntil(lambda: bool(waterfall.critical_ids), timeout=WAIT_MS)
    assert len(threads["layout"]) >= 2 and threads["critical"]
    assert threading.main_thread() not in threads["layout"] + threads["critical"]


def test_latency_and_tokens_load_when_shown_and_clicks_navigate(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_demo(qtbot, window)
    session = window.session
    assert session is not None
    window.show_view(LATENCY)
    qtbot.waitUntil(window.is_idle, timeout=WAIT_MS)
    latency = window.charts.latency
    assert latency is not None
    assert len(latency.data.calls) == session.reader.totals().llm_calls == 24
    assert window.charts.tokens is None  # its tab was not shown yet

    # a point clicked: its call in its run, on the spans tab
    oldest = session.reader.runs(0, 1, descending=False)[0]
    call = next(r for r in session.reader.span_rows(oldest.trace_id) if r.kind is SpanKind.LLM)
    latency.spanClicked.emit(oldest.trace_id, call.span_id)
    qtbot.waitUntil(lambda: window.tree.selected_span_id() == call.span_id, timeout=WAIT_MS)
    assert window.tree.trace_id == oldest.trace_id
    assert window.current_view == "spans"

    window.show_view(TOKENS)
    qtbot.waitUntil(window.is_idle, timeout=WAIT_MS)
    tokens = window.charts.tokens
    assert tokens is not None
    assert len(tokens.data.runs) == 8
    newest = session.reader.runs(0, 1)[0]
    tokens.runClicked.emit(newest.trace_id)
    selected = window.runs.selected_run()
    assert selected is not None and selected.trace_id == newest.trace_id
    assert window.current_view == TOKENS


def test_the_runs_filter_and_the_chart_scope_share_the_model(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_demo(qtbot, window)
    window.show_view(LATENCY)
    qtbot.waitUntil(window.is_idle, timeout=WAIT_MS)
    charts, latency = window.charts, window.charts.latency
    assert latency is not None
    bar = charts.scope_bar
    assert set(bar.models()) == {"gpt-4o-mini", "claude-sonnet-4-5"}

    # typing a model's name in the runs filter scopes the charts to it
    window.runs.set_filter_text("Claude-Sonnet-4-5")
    assert charts.scope.model == "claude-sonnet-4-5"
    qtbot.waitUntil(lambda: window.is_idle() and len(latency.data.calls) == 4, timeout=WAIT_MS)
    assert latency.data.scope.model == "claude-sonnet-4-5"
    assert bar.picked_model() == "claude-sonnet-4-5"

    # "all models" picked above the charts lifts both filters
    bar.model.setCurrentIndex(0)
    bar.model.activated.emit(0)
    assert window.runs.search.text() == ""
    assert charts.scope.model is None
    qtbot.waitUntil(lambda: window.is_idle() and len(latency.data.calls) == 24, timeout=WAIT_MS)

    # a model picked above the charts filters the runs list
    bar.model.setCurrentIndex(bar.model.findData("gpt-4o-mini"))
    bar.model.activated.emit(bar.model.currentIndex())
    assert window.runs.search.text() == "gpt-4o-mini"
    assert charts.scope.model == "gpt-4o-mini"
    qtbot.waitUntil(lambda: window.is_idle() and len(latency.data.calls) == 20, timeout=WAIT_MS)

    # a time window reaching back an hour from the newest run's start (10:54): 4 runs
    bar.model.setCurrentIndex(0)
    bar.model.activated.emit(0)
    bar.period.setCurrentIndex(bar.period.findText("Latest hour"))
    bar.period.activated.emit(bar.period.currentIndex())
    window.show_view(TOKENS)
    tokens = charts.tokens
    assert tokens is not None
    qtbot.waitUntil(lambda: window.is_idle() and len(tokens.data.runs) == 4, timeout=WAIT_MS)
    assert charts.scope.start_ns is not None


def test_charts_follow_a_growing_file(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "live.jsonl"
    path.touch()
    trace, other = "7e" * 16, "a1" * 16
    with TreeWriter(path) as writer:
        writer.send(f"span {trace} {1:016x} - agent running", f"spans {trace} 10 3 {1:016x}")
        with qtbot.waitSignal(window.load_finished, timeout=WAIT_MS):
            assert window.open_path(path)
        window.show_view(WATERFALL)
        qtbot.waitUntil(window.is_idle, timeout=WAIT_MS)
        waterfall = window.charts.waterfall
        assert waterfall is not None
        assert len(waterfall.layout_data) == 4
        assert waterfall.layout_data.running.any()  # the agent has not ended

        writer.send(f"spans {trace} 20 5 {1:016x}")
        qtbot.waitUntil(lambda: len(waterfall.layout_data) == 9, timeout=WAIT_MS)

        window.show_view(TOKENS)
        qtbot.waitUntil(window.is_idle, timeout=WAIT_MS)
        tokens = window.charts.tokens
        assert tokens is not None
        assert len(tokens.data.runs) == 1
        writer.send(f"span {other} {99:016x} - second")
        qtbot.waitUntil(lambda: len(tokens.data.runs) == 2, timeout=WAIT_MS)
