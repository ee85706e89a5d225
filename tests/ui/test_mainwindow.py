"""The window end to end: real files, real workers, real widgets (offscreen)."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication
from pytestqt.qtbot import QtBot

from inspector.resources import demo_trace
from inspector.ui.mainwindow import MainWindow
from inspector.ui.models.spantree import SPAN_ID_ROLE, SpanTreeModel
from inspector.ui.spanjson import span_json
from inspector.ui.treepanel import FOCUS_CONTEXT, MAX_VIEW_DEPTH
from inspector.workspace import Workspace
from tests.ui.conftest import write_otlp_tree

pytestmark = [
    pytest.mark.gui,
    # the offscreen platform cannot pass size hints to a window manager, and says so
    pytest.mark.qt_log_ignore("propagateSizeHints"),
]


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    main = MainWindow(settings, interactive=False)
    qtbot.addWidget(main)
    main.resize(1280, 800)
    main.show()
    yield main
    main.shutdown()


def open_and_wait(qtbot: QtBot, window: MainWindow, path: Path) -> None:
    with qtbot.waitSignal(window.load_finished, timeout=10_000):
        assert window.open_path(path)
    qtbot.waitUntil(window.is_idle, timeout=10_000)


def names(model: SpanTreeModel, parent: QModelIndex | None = None) -> list[str]:
    index = parent if parent is not None else QModelIndex()
    return [model.data(model.index(r, 0, index)) for r in range(model.rowCount(index))]


def run_row(window: MainWindow, errors: bool) -> int:
    """Row of the run with (or without) failed spans."""
    model = window.runs.model
    runs = [model.run_at(r) for r in range(model.rowCount())]
    return next(r for r, run in enumerate(runs) if run is not None and bool(run.errors) == errors)


def test_open_select_expand_and_show_an_llm_span(
    qtbot: QtBot, window: MainWindow, agent_trace: Path
) -> None:
    open_and_wait(qtbot, window, agent_trace)
    runs = window.runs.model
    assert runs.rowCount() == 2
    assert "2 runs" in window.runs.count.text()
    assert "Read 6 spans in 2 runs" in window.status_label.text()
    assert window.progress.isHidden()

    # select the older (weather) run: its tree shows, the single root expanded
    row = run_row(window, errors=False)
    assert runs.data(runs.index(row, 1)) == "weather-agent"
    window.runs.select_row(row)
    qtbot.waitUntil(window.is_idle)
    tree = window.tree
    assert names(tree.model) == ["weather-agent"]
    root = tree.model.index(0, 0)
    assert tree.view.isExpanded(root)
    plan = tree.model.index(0, 0, root)
    tree.view.expand(plan)
    assert names(tree.model, plan) == ["ChatCompletion", "get_weather"]

    llm = tree.model.index(0, 0, plan)
    with qtbot.waitSignal(window.span_shown, timeout=2000) as shown:
        tree.view.setCurrentIndex(llm)
    assert shown.args == [llm.data(SPAN_ID_ROLE)]
    assert "What's the weather in Paris?" in window.detail.messages_text()

    # Ctrl+C copies the span as JSON, attributes included
    window.copy_span()
    copied = orjson.loads(QGuiApplication.clipboard().text())
    assert copied["name"] == "ChatCompletion"
    assert copied["attributes"]["llm.model_name"] == "gpt-4o-mini"
    assert copied["kind"] == "LLM"


def test_find_highlights_and_steps_through_matches(
    qtbot: QtBot, window: MainWindow, agent_trace: Path
) -> None:
    open_and_wait(qtbot, window, agent_trace)
    window.open_find()
    bar = window.tree.find_bar
    assert bar.isVisible()
    bar.all_runs.setChecked(True)
    bar.search_now("get_weather")
    qtbot.waitUntil(lambda: bool(window.find_state.matches) and window.is_idle())
    # the only match is the weather run's tool call: its run is selected and the span revealed
    assert len(window.find_state.matches) == 1
    trace_id, span_id = window.find_state.matches[0]
    qtbot.waitUntil(lambda: window.tree.selected_span_id() == span_id)
    assert window.tree.trace_id == trace_id
    assert window.tree.selected_span_id() == span_id
    index = window.tree.model.index_of_span(span_id)
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "1 of 1" in bar.status.text()

    bar.search_now("ChatCompletion")  # one in each run, both matched
    qtbot.waitUntil(lambda: len(window.find_state.matches) == 2 and window.is_idle())
    first = window.find_state.matches[window.find_state.current]
    qtbot.waitUntil(lambda: window.tree.selected_span_id() == first[1])
    window.step_find(True)
    second = window.find_state.matches[window.find_state.current]
    assert second != first
    qtbot.waitUntil(lambda: window.tree.selected_span_id() == second[1])
    assert window.tree.trace_id == second[0]
    assert "2 of 2" in bar.status.text()
    bar.close_bar()
    assert not window.find_state.matches


def test_next_error_and_expand_to_errors(
    qtbot: QtBot, window: MainWindow, agent_trace: Path
) -> None:
    open_and_wait(qtbot, window, agent_trace)
    failing = run_row(window, errors=True)
    window.runs.select_row(failing)
    qtbot.waitUntil(window.is_idle)
    window.tree.view.setCurrentIndex(window.tree.model.index(0, 0))  # the failed agent span
    with qtbot.waitSignal(window.span_shown, timeout=2000):
        qtbot.keyClick(window.tree.view, Qt.Key.Key_E)
    index = window.tree.view.currentIndex()
    assert index.data() == "ChatCompletion"
    assert index.siblingAtColumn(SpanTreeModel.STATUS).data() == "error"
    window.tree.collapse_all()
    window.tree.expand_to_errors()
    assert window.tree.view.isExpanded(window.tree.model.index(0, 0))


def test_span_filter_shows_matches_with_their_ancestors(
    qtbot: QtBot, window: MainWindow, agent_trace: Path
) -> None:
    open_and_wait(qtbot, window, agent_trace)
    weather = run_row(window, errors=False)
    window.runs.select_row(weather)
    qtbot.waitUntil(window.is_idle)
    filters = window.tree.filters
    filters.kind.setCurrentIndex(filters.kind.findData("TOOL"))
    model = window.tree.model
    assert window.tree.filter_note.text() == "1 matching span"
    root = model.index(0, 0)
    plan = model.index(0, 0, root)
    assert names(model, plan) == ["get_weather"]  # the LLM call is filtered out
    assert window.tree.view.isExpanded(plan)
    filters.reset()
    assert window.tree.filter_note.text() == ""
    root = model.index(0, 0)
    assert window.tree.view.isExpanded(root)
    window.tree.view.expand(model.index(0, 0, root))
    assert names(model, model.index(0, 0, root)) == ["ChatCompletion", "get_weather"]


def test_problems_are_listed_and_counted(
    qtbot: QtBot, window: MainWindow, broken_trace: Path
) -> None:
    open_and_wait(qtbot, window, broken_trace)
    assert window.runs.model.rowCount() == 2  # the rest still loaded
    assert window.problems_button.isVisible()
    assert window.problems_button.text() == "⚠ 1 problem"
    model = window.problems.model
    assert model.rowCount() == 1
    assert model.data(model.index(0, 0)).endswith(broken_trace.name)
    assert "line 3" in model.data(model.index(0, 1))
    assert model.data(model.index(0, 2))
    assert window.problems_dock.isHidden()
    window.problems_button.click()
    assert window.problems_dock.isVisible()


def test_unreadable_paths_fail_cleanly(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    with qtbot.waitSignal(window.open_failed) as missing:
        assert not window.open_path(tmp_path / "nope.jsonl")
    assert "nope.jsonl" in missing.args[0]
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01 not a trace at all \xff" * 10)
    with qtbot.waitSignal(window.open_failed):
        assert not window.open_path(junk)
    assert window.session is None
    assert "Cannot open" in window.status_label.text()


def test_recent_files_and_window_state_persist(
    qtbot: QtBot, tmp_path: Path, agent_trace: Path
) -> None:
    ini = str(tmp_path / "persist.ini")
    first = MainWindow(QSettings(ini, QSettings.Format.IniFormat))
    qtbot.addWidget(first)
    first.resize(800, 520)  # inside the offscreen screen (800x600)
    first.show()
    open_and_wait(qtbot, first, agent_trace)
    first.main_split.setSizes([150, 300])
    size = first.size()
    assert size.height() == 520
    first.close()

    second = MainWindow(QSettings(ini, QSettings.Format.IniFormat))
    qtbot.addWidget(second)
    second.restore_state()
    second.show()
    assert second.recent_files() == [str(agent_trace.resolve())]
    assert second.size().height() == size.height()  # width: clamped to the screen
    assert abs(second.main_split.sizes()[0] - 150) <= 10  # default: 230
    second.close()


def test_spans_deeper_than_the_view_can_nest_are_shown_in_a_focused_subtree(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    depth = MAX_VIEW_DEPTH + 100
    edges = [(1, None, "root")] + [(n, n - 1, f"level {n - 1}") for n in range(2, depth + 2)]
    path = write_otlp_tree(tmp_path / "deep.jsonl", "ef" * 16, edges)
    open_and_wait(qtbot, window, path)
    deepest = f"{depth + 1:016x}"
    window.tree.reveal(deepest)
    assert window.tree.selected_span_id() == deepest
    assert window.tree.model.focus is not None
    assert window.tree.focus_bar.isVisible()
    assert f"{depth - FOCUS_CONTEXT:,} levels deep" in window.tree.focus_note.text()
    window.tree.focus_clear.click()
    assert window.tree.model.focus is None
    assert window.tree.model.data(window.tree.model.index(0, 0)) == "root"


def test_dropping_a_file_opens_it(qtbot: QtBot, window: MainWindow, agent_trace: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(agent_trace))])
    drop = QDropEvent(
        QPointF(100, 100),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(window.load_finished, timeout=10_000):
        window.dropEvent(drop)
    assert window.runs.model.rowCount() == 2
    assert window.recent_files()[0] == str(agent_trace.resolve())


def test_a_store_file_opens_as_is_and_is_never_written(
    qtbot: QtBot, window: MainWindow, agent_trace: Path, tmp_path: Path
) -> None:
    (tmp_path / "index").mkdir()
    workspace = Workspace(agent_trace, index_dir=tmp_path / "index")
    workspace.load()
    workspace.close()  # checkpoints the WAL into the database file
    store = tmp_path / "traces.db"
    shutil.copy(tmp_path / "index" / "index.db", store)
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    open_and_wait(qtbot, window, store)
    assert window.session is not None and not window.session.workspace.indexed
    assert window.runs.model.rowCount() == 2
    window.runs.select_row(0)
    qtbot.waitUntil(window.is_idle)
    window.tree.expand_all()
    qtbot.waitUntil(window.is_idle)
    window.shutdown()
    assert hashlib.sha256(store.read_bytes()).hexdigest() == before


def test_find_looks_into_prompts_of_every_run(qtbot: QtBot, window: MainWindow) -> None:
    """A word that is only in prompts ("Shinagawa", in one demo run) is found."""
    open_and_wait(qtbot, window, demo_trace())
    window.open_find()
    bar = window.tree.find_bar
    bar.all_runs.setChecked(True)
    bar.search_now("shinagawa")
    qtbot.waitUntil(lambda: bool(window.find_state.matches) and window.is_idle())
    matches = window.find_state.matches
    assert len({trace for trace, _span in matches}) == 1
    trace_id, span_id = matches[window.find_state.current]
    qtbot.waitUntil(lambda: window.tree.selected_span_id() == span_id)
    assert window.tree.trace_id == trace_id
    session = window.session
    assert session is not None
    span = session.reader.span(trace_id, span_id)
    assert span is not None
    assert "shinagawa" in span_json(span).lower()
    assert "shinagawa" not in span.name.lower()
