"""Comparing from the main window: marks, the Compare actions and menus, the diff window.

"Select for Compare" marks a span (or a run); "Compare with Selected" diffs the marked span
with the current one, or the two spans selected in the tree; "Diff with Previous LLM Call" and
"Prompt Versions of This Step" start from the current span; "Compare Runs" aligns two selected
runs (or the marked run and the current one). Comparisons open in one :class:`DiffWindow`,
reused while it is open (the diff view modules are imported on first use).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from inspector.model import SpanKind
from inspector.store.queries import SpanRow
from inspector.ui import text
from inspector.ui.models.runs import RUN_ROLE
from inspector.ui.runspanel import RunsPanel
from inspector.ui.session import Session
from inspector.ui.treepanel import SpanTreePanel

if TYPE_CHECKING:
    from inspector.ui.diffview import DiffWindow


class CompareController(QObject):
    """The Compare actions of a window and the diff window they open.

    Args:
        host: the main window (parent of the actions and of the diff window).
        session: returns the open session (or ``None``).
        tree, runs: the window's span tree and runs panels.
        report: the exception dialog (for bugs in the diff window's workers).
        message: shows a status-bar message.
    """

    def __init__(
        self,
        host: QWidget,
        session: Callable[[], Session | None],
        tree: SpanTreePanel,
        runs: RunsPanel,
        report: Callable[[str], None],
        message: Callable[[str], None],
    ) -> None:
        super().__init__(host)
        self.host = host
        self._session = session
        self.tree = tree
        self.runs = runs
        self._report = report
        self._message = message
        self.marked_span: tuple[str, str, str] | None = None  # trace id, span id, name
        self.marked_run: tuple[str, str] | None = None  # trace id, name
        self.diff_window: DiffWindow | None = None

        self.mark_span = self._action(
            "Select for &Compare",
            self.mark_current_span,
            "Ctrl+Shift+M",
            "Remember this span to compare another one with it",
        )
        self.compare_spans = self._action(
            "Compare &with Selected",
            self.compare_selected,
            "Ctrl+Shift+D",
            "Diff two selected spans, or the current span with the one selected for compare",
        )
        self.previous = self._action(
            "Diff with &Previous LLM Call",
            self.diff_previous,
            "Ctrl+Shift+P",
            "Diff this LLM call with the LLM call before it in its run",
        )
        self.versions = self._action(
            "Prompt &Versions of This Step",
            self.prompt_versions,
            None,
            "Every system prompt this LLM step was called with, across runs",
        )
        self.mark_run = self._action(
            "Select &Run for Compare",
            self.mark_current_run,
            None,
            "Remember this run to compare another run with it",
        )
        self.compare_runs = self._action(
            "Compare R&uns",
            self.compare_selected_runs,
            None,
            "Align two selected runs' span trees, or the current run with the one selected",
        )
        tree.view.customContextMenuRequested.connect(self._tree_menu)
        runs.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        runs.table.customContextMenuRequested.connect(self._runs_menu)
        tree.view.selectionModel().selectionChanged.connect(lambda *_: self.update_actions())
        runs.table.selectionModel().selectionChanged.connect(lambda *_: self.update_actions())
        self.update_actions()

    def _action(
        self, label: str, slot: Callable[[], object], shortcut: str | None, tip: str
    ) -> QAction:
        action = QAction(label, self.host)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(slot)
        self.host.addAction(action)
        return action

    def fill_menu(self, menu: QMenu) -> None:
        for action in (self.mark_span, self.compare_spans, self.previous, self.versions):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.mark_run)
        menu.addAction(self.compare_runs)

    # state -----------------------------------------------------------------------------------

    def _current(self) -> tuple[str, SpanRow] | None:
        trace_id = self.tree.trace_id
        row = self.tree.span_row_at(self.tree.view.currentIndex())
        return None if trace_id is None or row is None else (trace_id, row)

    def _selected_runs(self) -> list[tuple[str, str]]:
        rows = sorted(i.row() for i in self.runs.table.selectionModel().selectedRows(0))
        found = [self.runs.model.index(r, 0).data(RUN_ROLE) for r in rows]
        return [(run.trace_id, run.name) for run in found if run is not None]

    def _current_run(self) -> tuple[str, str] | None:
        run = self.runs.selected_run()
        return None if run is None else (run.trace_id, run.name)

    def update_actions(self) -> None:
        current = self._current()
        has_session = self._session() is not None
        self.mark_span.setEnabled(current is not None)
        two = len(self.tree.view.selectionModel().selectedRows(0)) >= 2
        marked = self.marked_span
        other = (
            current is not None
            and marked is not None
            and marked[:2]
            != (
                current[0],
                current[1].span_id,
            )
        )
        self.compare_spans.setEnabled(has_session and (two or other))
        label = "Compare &with Selected"
        if marked is not None and not two:
            label += f" “{text.one_line(marked[2], 40)}”"
        self.compare_spans.setText(label)
        llm = current is not None and current[1].kind is SpanKind.LLM
        self.previous.setEnabled(llm)
        self.versions.setEnabled(llm)
        run = self._current_run()
        self.mark_run.setEnabled(run is not None)
        marked_run = self.marked_run
        other_run = run is not None and marked_run is not None and run[0] != marked_run[0]
        self.compare_runs.setEnabled(has_session and (len(self._selected_runs()) >= 2 or other_run))

    def forget(self) -> None:
        """A new workspace: marks name spans of the old one, and its diff window goes."""
        self.marked_span = None
        self.marked_run = None
        self.close_window()
        self.update_actions()

    # actions ---------------------------------------------------------------------------------

    def mark_current_span(self) -> None:
        current = self._current()
        if current is None:
            self._message("Select a span to compare first.")
            return
        trace_id, row = current
        self.marked_span = (trace_id, row.span_id, row.name)
        self._message(
            f"Selected “{text.one_line(row.name, 80)}” for compare: select another span and "
            "press Ctrl+Shift+D."
        )
        self.update_actions()

    def compare_selected(self) -> None:
        trace_id = self.tree.trace_id
        selected = self.tree.selected_span_ids()
        if trace_id is not None and len(selected) >= 2:
            self.open().compare_spans((trace_id, selected[0]), (trace_id, selected[1]))
            return
        current = self._current()
        if self.marked_span is None or current is None:
            self._message("Select two spans, or select one for compare (Ctrl+Shift+M) first.")
            return
        here = (current[0], current[1].span_id)
        if here == self.marked_span[:2]:
            self._message("Select another span to compare with the one selected for compare.")
            return
        self.open().compare_spans(self.marked_span[:2], here)

    def diff_previous(self) -> None:
        current = self._current()
        if current is None or current[1].kind is not SpanKind.LLM:
            self._message("Select an LLM call to diff it with the previous one.")
            return
        self.open().compare_previous(current[0], current[1].span_id)

    def prompt_versions(self) -> None:
        current = self._current()
        if current is None:
            self._message("Select an LLM call to see its step's prompt versions.")
            return
        self.open().show_versions(span=(current[0], current[1].span_id))

    def mark_current_run(self) -> None:
        run = self._current_run()
        if run is None:
            return
        self.marked_run = run
        self._message(f"Selected run “{text.one_line(run[1], 80)}” for compare.")
        self.update_actions()

    def compare_selected_runs(self) -> None:
        runs = self._selected_runs()
        current = self._current_run()
        if len(runs) >= 2:
            a, b = runs[0][0], runs[1][0]
        elif current is not None and self.marked_run is not None:
            a, b = self.marked_run[0], current[0]
        else:
            self._message("Select two runs (Ctrl+click), or select a run for compare first.")
            return
        if a == b:
            self._message("Select two different runs to compare.")
            return
        self.open().compare_runs(a, b)

    # the diff window -------------------------------------------------------------------------

    def open(self) -> DiffWindow:
        """The diff window (created, or the open one raised)."""
        session = self._session()
        assert session is not None, "compare actions are disabled without a session"
        window = self.diff_window
        if window is None:
            from inspector.ui.diffview import DiffWindow

            window = DiffWindow(session.workspace.reader, self.host)
            window.crashed.connect(self._report)
            window.destroyed.connect(self._window_gone)
            self.diff_window = window
            window.show()
        else:  # bring the open one forward
            window.show()
            window.raise_()
            window.activateWindow()
        return window

    def adopt(self, window: DiffWindow) -> None:
        """Track a diff window opened elsewhere (``--compare``)."""
        self.close_window()
        window.crashed.connect(self._report)
        window.destroyed.connect(self._window_gone)
        self.diff_window = window

    def _window_gone(self) -> None:
        self.diff_window = None

    def close_window(self) -> None:
        """Close the diff window, after its workers are done (its store may go next)."""
        window, self.diff_window = self.diff_window, None
        if window is not None:
            window.destroyed.disconnect(self._window_gone)
            window.wait()
            window.close()

    # context menus ---------------------------------------------------------------------------

    def _tree_menu(self, position: QPoint) -> None:
        view = self.tree.view
        index = view.indexAt(position)
        if index.isValid() and not view.selectionModel().isRowSelected(index.row(), index.parent()):
            view.setCurrentIndex(index)
        self.update_actions()
        menu = QMenu(view)
        for action in (self.mark_span, self.compare_spans, self.previous, self.versions):
            menu.addAction(action)
        menu.exec(view.viewport().mapToGlobal(position))

    def _runs_menu(self, position: QPoint) -> None:
        table = self.runs.table
        index = table.indexAt(position)
        if index.isValid() and not table.selectionModel().isRowSelected(index.row()):
            table.selectRow(index.row())
        self.update_actions()
        menu = QMenu(table)
        menu.addAction(self.mark_run)
        menu.addAction(self.compare_runs)
        menu.exec(table.viewport().mapToGlobal(position))
