"""The window following a file that another process is writing (real process, real watchdog)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from inspector.ui.mainwindow import MainWindow
from inspector.ui.models.spantree import SPAN_ID_ROLE, SpanTreeModel
from inspector.ui.placeholders import placeholder_name
from tests.ui.treewriter import TreeWriter

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

TRACE = "7e" * 16
OTHER = "a1" * 16
ROOT, PLAN, STEP, SUB, TOOL, LATE = (f"{n:016x}" for n in range(1, 7))
WAIT_MS = 8_000


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


def children(model: SpanTreeModel, parent: QModelIndex) -> list[str]:
    return [model.index(r, 0, parent).data(SPAN_ID_ROLE) for r in range(model.rowCount(parent))]


def test_spans_written_by_another_process_grow_the_tree_in_place(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, qtmodeltester: ModelTester
) -> None:
    path = tmp_path / "live.jsonl"
    path.touch()
    with TreeWriter(path) as writer:
        writer.send(
            f"span {TRACE} {STEP} {PLAN} step-1",
            f"span {TRACE} {PLAN} {ROOT} plan",
            f"span {TRACE} {ROOT} - agent running",
        )
        with qtbot.waitSignal(window.load_finished, timeout=WAIT_MS):
            assert window.open_path(path)
        session = window.session
        assert session is not None
        qtbot.waitUntil(lambda: session.following and window.is_idle(), timeout=WAIT_MS)
        assert window.live.live_button.isVisible() and "Live" in window.live.live_button.text()
        tree, model = window.tree, window.tree.model
        qtbot.waitUntil(lambda: tree.trace_id == TRACE and tree.index_ready, timeout=WAIT_MS)
        assert tree.reveal(STEP)
        plan = model.index_of_span(PLAN)
        root = model.index_of_span(ROOT)
        assert tree.view.isExpanded(root) and tree.view.isExpanded(plan)
        resets: list[int] = []
        model.modelReset.connect(lambda: resets.append(1))
        runs_resets: list[int] = []
        window.runs.model.modelReset.connect(lambda: runs_resets.append(1))

        # a sibling under the expanded "plan", a child whose parent is still running, and the
        # first span of a new run
        writer.send(
            f"span {TRACE} {LATE} {PLAN} step-2",
            f"span {TRACE} {TOOL} {SUB} tool",
            f"span {OTHER} {'f' * 16} - other-run",
        )
        qtbot.waitUntil(
            lambda: (
                LATE in children(model, model.index_of_span(PLAN))
                and model.index_of_span(SUB).isValid()
            ),
            timeout=WAIT_MS,
        )
        assert window.runs.model.rowCount() == 2
        waiting = model.index_of_span(SUB)
        assert not waiting.parent().isValid()  # a top-level group for the missing parent
        assert waiting.data() == placeholder_name(SUB)
        assert tree.selected_span_id() == STEP
        assert tree.view.isExpanded(model.index_of_span(PLAN))
        # the user opens the group and selects the early child
        tree.view.expand(waiting)
        tree.reveal(TOOL)
        assert tree.selected_span_id() == TOOL

        # its parent lands (under "plan"): it replaces the placeholder, the child moves under
        # it and stays selected and expanded
        writer.send(f"span {TRACE} {SUB} {PLAN} sub-agent")
        qtbot.waitUntil(
            lambda: (
                model.index_of_span(SUB).isValid()
                and model.index_of_span(SUB).parent().data(SPAN_ID_ROLE) == PLAN
            ),
            timeout=WAIT_MS,
        )
        qtbot.waitUntil(lambda: tree.selected_span_id() == TOOL, timeout=WAIT_MS)
        sub = model.index_of_span(SUB)
        assert sub.data() == "sub-agent"
        assert tree.view.isExpanded(sub)
        assert model.index_of_span(TOOL).parent() == sub
        assert children(model, QModelIndex()) == [ROOT]
        assert not resets and not runs_resets
        # the root has no end: it shows as running, with its elapsed time
        duration = model.index_of_span(ROOT).siblingAtColumn(SpanTreeModel.DURATION).data()
        assert duration.endswith("…")
        assert model.index_of_span(ROOT).siblingAtColumn(SpanTreeModel.STATUS).data() == ("running")
        # The tree as the updates left it is a consistent model. (Checked at the end: Qt's
        # tester fetches lazy children from inside its own rowsInserted handler, which nests
        # inserts in a model that fetches lazily.)
        qtmodeltester.check(model)


def test_pausing_and_the_follow_newest_toggle(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "live.jsonl"
    path.touch()
    with TreeWriter(path) as writer:
        writer.send(f"span {TRACE} {ROOT} - agent")
        with qtbot.waitSignal(window.load_finished, timeout=WAIT_MS):
            assert window.open_path(path)
        session = window.session
        assert session is not None
        qtbot.waitUntil(lambda: session.following, timeout=WAIT_MS)

        window.live.follow_action.trigger()  # Live ▸ Live Updates, unchecked: paused
        assert session.paused and "Paused" in window.live.live_button.text()
        assert not window.live.follow_action.isChecked()
        writer.send(f"span {OTHER} {PLAN} - second-run")
        window.live.toggle_paused()  # what was written meanwhile is read on resuming
        assert not session.paused and window.live.follow_action.isChecked()
        qtbot.waitUntil(lambda: window.runs.model.rowCount() == 2, timeout=WAIT_MS)

        window.live.newest_action.trigger()  # Live ▸ Follow Newest Run and Span
        assert window.live.follow_newest
        qtbot.waitUntil(lambda: window.tree.trace_id == OTHER, timeout=WAIT_MS)
        third = "c3" * 16
        writer.send(f"span {third} {STEP} - third-run", f"spans {third} 100 3 {STEP}")
        newest = f"{0x102:016x}"
        qtbot.waitUntil(
            lambda: window.tree.trace_id == third and window.tree.selected_span_id() == newest,
            timeout=WAIT_MS,
        )
        # the user clicks a span: following the newest stops
        view = window.tree.view
        first = view.visualRect(window.tree.model.index(0, 0)).center()
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=first)
        assert not window.live.follow_newest and not window.live.newest_action.isChecked()
        assert window.tree.selected_span_id() == STEP

    window.shutdown()
    assert window.session is None and window.live.live_button.isHidden()


def test_screenshots_and_no_follow_do_not_follow(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "once.jsonl"
    path.touch()
    with TreeWriter(path) as writer:
        writer.send(f"span {TRACE} {ROOT} - agent")
    with qtbot.waitSignal(window.load_finished, timeout=WAIT_MS):
        assert window.open_path(path, follow=False)
    assert window.session is not None and not window.session.following
    assert not window.live.follow_action.isEnabled() and window.live.live_button.isHidden()


def test_follow_file_turns_following_on_and_off_for_a_path_opened_without(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "later.jsonl"
    path.touch()
    third, fourth = "c3" * 16, "d4" * 16
    live = window.live
    # its key is its own in the window
    keys = [
        a.shortcut().toString() for a in window.findChildren(QAction) if not a.shortcut().isEmpty()
    ]
    assert keys.count(live.file_action.shortcut().toString()) == 1
    assert live.file_action.shortcut() == QKeySequence("Ctrl+Shift+T")
    with TreeWriter(path) as writer:
        writer.send(f"span {TRACE} {ROOT} - agent")
        with qtbot.waitSignal(window.load_finished, timeout=WAIT_MS):
            assert window.open_path(path, follow=False)  # as with --no-follow
        session = window.session
        assert session is not None
        qtbot.waitUntil(window.is_idle, timeout=WAIT_MS)
        assert live.file_action.isEnabled() and not live.file_action.isChecked()
        assert not session.following and live.live_button.isHidden()

        # appended while the file is not followed: nothing reads it (no follower exists)
        writer.send(f"span {OTHER} {PLAN} - second-run")
        assert session.reader.run_count() == 1 and window.runs.model.rowCount() == 1

        live.file_action.trigger()  # Live ▸ Follow File, checked
        assert live.file_action.isChecked() and session.follow
        qtbot.waitUntil(lambda: session.following, timeout=WAIT_MS)
        assert live.live_button.isVisible() and "Live" in live.live_button.text()
        assert live.follow_action.isEnabled()  # and it can be paused like any followed file
        # what was appended before is read first, then what is appended now
        qtbot.waitUntil(lambda: window.runs.model.rowCount() == 2, timeout=WAIT_MS)
        writer.send(f"span {third} {STEP} - third-run")
        qtbot.waitUntil(lambda: window.runs.model.rowCount() == 3, timeout=WAIT_MS)

        live.file_action.trigger()  # unchecked: following stops
        assert not live.file_action.isChecked() and not session.follow
        qtbot.waitUntil(lambda: not session.following, timeout=WAIT_MS)
        assert live.live_button.isHidden() and not live.follow_action.isEnabled()
        writer.send(f"span {fourth} {SUB} - fourth-run")
        assert session.reader.run_count() == 3  # its follower is closed: nothing read it

        live.file_action.trigger()  # and on again: it catches up from where it stopped
        qtbot.waitUntil(lambda: window.runs.model.rowCount() == 4, timeout=WAIT_MS)
        assert session.following and session.reader.totals().spans == 4

        # off and straight on again (its follower is still stopping): one follower resumes
        live.file_action.trigger()
        live.file_action.trigger()
        assert live.file_action.isChecked()
        writer.send(f"span {'e5' * 16} {TOOL} - fifth-run")
        qtbot.waitUntil(lambda: window.runs.model.rowCount() == 5, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: session.following, timeout=WAIT_MS)
