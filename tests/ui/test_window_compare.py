"""Comparing from the main window (bundled demo: runs 1-4 use system prompt v1, runs 5-8 v2)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QSettings
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from inspector.diff import Change
from inspector.model import SpanKind
from inspector.resources import demo_trace
from inspector.ui.diffview.window import RUNS, VERSIONS
from inspector.ui.mainwindow import MainWindow

pytestmark = [
    pytest.mark.gui,
    # the offscreen platform has no window manager to pass size hints to, or to raise a window
    pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise"),
]

WAIT_MS = 10_000


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    main = MainWindow(
        QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat), interactive=False
    )
    qtbot.addWidget(main)
    main.resize(1280, 800)
    main.show()
    with qtbot.waitSignal(main.load_finished, timeout=WAIT_MS):
        assert main.open_path(demo_trace(), follow=False)
    qtbot.waitUntil(main.is_idle, timeout=WAIT_MS)
    yield main
    main.shutdown()


def llm_calls(window: MainWindow) -> list[str]:
    index = window.tree.model.run_index
    assert index is not None
    return [s for s in index.preorder if index.rows[s].kind is SpanKind.LLM]


def show_run(qtbot: QtBot, window: MainWindow, row: int) -> str:
    window.runs.select_row(row)
    qtbot.waitUntil(window.is_idle, timeout=WAIT_MS)
    assert window.tree.trace_id is not None
    return window.tree.trace_id


def test_select_for_compare_then_compare_with_selected(qtbot: QtBot, window: MainWindow) -> None:
    compare = window.compare
    assert not compare.compare_spans.isEnabled()
    newest = show_run(qtbot, window, 0)  # a v2 run
    first = llm_calls(window)[0]
    window.tree.reveal(first)
    compare.mark_span.trigger()
    assert compare.marked_span is not None and compare.marked_span[:2] == (newest, first)
    assert not compare.compare_spans.isEnabled()  # the marked span itself is current

    oldest = show_run(qtbot, window, window.runs.model.rowCount() - 1)  # a v1 run
    other = llm_calls(window)[0]
    window.tree.reveal(other)
    assert compare.compare_spans.isEnabled()
    assert "ChatCompletion" in compare.compare_spans.text()
    compare.compare_spans.trigger()
    diff_window = compare.diff_window
    assert diff_window is not None and diff_window.isVisible()
    qtbot.waitUntil(lambda: diff_window.span_diff.diff is not None, timeout=WAIT_MS)
    diff = diff_window.span_diff.diff
    assert diff is not None
    assert (diff.a.trace_id, diff.a.span_id) == (newest, first)
    assert (diff.b.trace_id, diff.b.span_id) == (oldest, other)
    system = diff.prompt[0]  # v2 against v1: the system prompt differs
    assert system.role == "system" and system.change is Change.CHANGED
    assert diff_window.wait(WAIT_MS)


def test_two_selected_spans_previous_call_and_prompt_versions(
    qtbot: QtBot, window: MainWindow
) -> None:
    compare = window.compare
    show_run(qtbot, window, 0)
    calls = llm_calls(window)
    assert len(calls) >= 2
    view, model = window.tree.view, window.tree.model
    window.tree.reveal(calls[0])
    view.selectionModel().select(
        model.index_of_span(calls[1]),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert window.tree.selected_span_ids() == calls[:2]
    assert compare.compare_spans.isEnabled()
    compare.compare_spans.trigger()
    diff_window = compare.diff_window
    assert diff_window is not None
    qtbot.waitUntil(lambda: diff_window.span_diff.diff is not None, timeout=WAIT_MS)
    diff = diff_window.span_diff.diff
    assert diff is not None and (diff.a.span_id, diff.b.span_id) == (calls[0], calls[1])

    # the second call against the one before it, in the same (reused) window
    window.tree.reveal(calls[1])
    assert compare.previous.isEnabled()
    compare.previous.trigger()
    assert compare.diff_window is diff_window
    qtbot.waitUntil(
        lambda: (
            diff_window.span_diff.diff is not None
            and diff_window.span_diff.diff.b.span_id == calls[1]
        ),
        timeout=WAIT_MS,
    )
    assert diff_window.span_diff.diff is not None
    assert diff_window.span_diff.diff.a.span_id == calls[0]

    compare.versions.trigger()
    assert diff_window.tabs.currentIndex() == VERSIONS
    with qtbot.waitSignal(diff_window.versions.versions_ready, timeout=WAIT_MS):
        pass
    assert diff_window.wait(WAIT_MS)

    # a tool span has no previous call nor prompt versions
    index = window.tree.model.run_index
    assert index is not None
    tool = next(s for s in index.preorder if index.rows[s].kind is SpanKind.TOOL)
    window.tree.reveal(tool)
    assert not compare.previous.isEnabled() and not compare.versions.isEnabled()


def test_compare_two_selected_runs_and_a_new_file_closes_the_diff(
    qtbot: QtBot, window: MainWindow, agent_trace: Path
) -> None:
    compare = window.compare
    table = window.runs.table
    window.runs.select_row(0)
    assert not compare.compare_runs.isEnabled()
    table.selectionModel().select(
        window.runs.model.index(4, 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert compare.compare_runs.isEnabled()
    compare.compare_runs.trigger()
    diff_window = compare.diff_window
    assert diff_window is not None
    assert diff_window.tabs.currentIndex() == RUNS
    with qtbot.waitSignal(diff_window.run_diff.diff_ready, timeout=WAIT_MS):
        pass
    first, fifth = (window.runs.model.run_at(r) for r in (0, 4))
    assert first is not None and fifth is not None
    assert diff_window.run_diff.traces == (first.trace_id, fifth.trace_id)

    with qtbot.waitSignal(window.load_finished, timeout=WAIT_MS):
        assert window.open_path(agent_trace, follow=False)
    assert compare.diff_window is None  # it read the old file's index


def test_the_compare_keys(window: MainWindow) -> None:
    compare = window.compare
    keys = {
        compare.mark_span: "Ctrl+Shift+M",
        compare.compare_spans: "Ctrl+Shift+D",
        compare.previous: "Ctrl+Shift+P",
    }
    for action, key in keys.items():
        assert action.shortcut() == QKeySequence(key)
    menus = [a.text() for a in window.menuBar().actions()]
    assert "&Compare" in menus
