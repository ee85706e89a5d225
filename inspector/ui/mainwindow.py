"""The main window: runs table on top; below it, tabs: the span tree with the span detail, and
the charts (waterfall of the selected run, latency, tokens and cost).

It wires the parts together and owns nothing heavy: a :class:`Session` per opened path holds
the workspace and its workers, the models query the store, the detail widget shows one span,
:class:`ChartsPanel` feeds the charts and :class:`CompareController` opens diffs.

Why tabs for the charts: the latency and cost charts cover every run and need the window's
width (at 1280x800 a pane beside the tree leaves them ~550 px, less than their controls); the
runs table stays above every tab, so picking a run or filtering runs works with a chart shown.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QToolButton,
)

from inspector.store.connection import StoreError
from inspector.ui import text
from inspector.ui.chartspanel import CHARTS, LATENCY, TITLES, WATERFALL, ChartsPanel
from inspector.ui.compare import CompareController
from inspector.ui.detail import SpanDetailWidget
from inspector.ui.errors import ErrorReporter
from inspector.ui.find import FindState, Match
from inspector.ui.livecontrol import LiveControl
from inspector.ui.models.spantree import SPAN_ROW_ROLE
from inspector.ui.placeholders import is_placeholder
from inspector.ui.problems import ProblemsWidget
from inspector.ui.runspanel import RunsPanel
from inspector.ui.session import Session
from inspector.ui.spanjson import span_json
from inspector.ui.treepanel import SpanTreePanel
from inspector.workspace import Progress

OPEN_ERRORS = (
    FileNotFoundError,
    ValueError,
    PermissionError,
    IsADirectoryError,
    StoreError,
    OSError,
)
RECENT_MAX = 10
TRACE_FILTER = "Traces (*.jsonl *.json *.ndjson *.db *.sqlite *.sqlite3 *.log *.txt);;All files (*)"
SPANS = "spans"
VIEWS = (SPANS, *CHARTS)  # the tabs below the runs table, in order


class MainWindow(QMainWindow):
    """Trace Inspector's window.

    Args:
        settings: where window state and recent files persist (tests pass a temporary one).
        reporter: the exception dialog (shared with the application's exception hook).
        interactive: show message boxes for open errors (false when taking a screenshot).

    Attributes:
        follow_on_open: whether opened paths are followed as they grow (the default; off for
            screenshots and ``--no-follow``).
    """

    opened = Signal(str)
    open_failed = Signal(str)
    load_finished = Signal()
    span_shown = Signal(str)

    def __init__(
        self,
        settings: QSettings,
        reporter: ErrorReporter | None = None,
        *,
        interactive: bool = True,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.interactive = interactive
        self.reporter = reporter or ErrorReporter(lambda: self, interactive=interactive)
        self.session: Session | None = None
        self.find_state = FindState()
        self._search_serial = 0
        self._revealing = False
        self._summary = ""
        self.follow_on_open = True
        self._spans_at_load = 0
        self.setWindowTitle("Trace Inspector")
        self.setAcceptDrops(True)

        self.runs = RunsPanel()
        self.tree = SpanTreePanel()
        self.detail = SpanDetailWidget()
        self.problems = ProblemsWidget()
        self.charts = ChartsPanel(self)

        self.bottom = QSplitter(Qt.Orientation.Horizontal)
        self.bottom.addWidget(self.tree)
        self.bottom.addWidget(self.detail)
        self.bottom.setStretchFactor(0, 3)
        self.bottom.setStretchFactor(1, 2)
        self.bottom.setChildrenCollapsible(False)
        self.views = QTabWidget()
        self.views.setDocumentMode(True)
        self.views.addTab(self.bottom, "Spans")
        self.views.setTabToolTip(0, "The selected run's span tree and the selected span")
        tips = {
            WATERFALL: "The selected run's spans on a time axis",
            LATENCY: "Latency of the LLM calls of every run in scope",
        }
        for name in CHARTS:
            position = self.views.addTab(self.charts.pages[name], TITLES[name])
            self.views.setTabToolTip(
                position, tips.get(name, "Tokens and cost of every run in scope")
            )
        self.main_split = QSplitter(Qt.Orientation.Vertical)
        self.main_split.addWidget(self.runs)
        self.main_split.addWidget(self.views)
        self.main_split.setStretchFactor(0, 1)
        self.main_split.setStretchFactor(1, 3)
        self.main_split.setChildrenCollapsible(False)
        self.setCentralWidget(self.main_split)
        self.main_split.setSizes([230, 520])
        self.bottom.setSizes([800, 480])

        self.problems_dock = QDockWidget("Problems", self)
        self.problems_dock.setObjectName("problems")
        self.problems_dock.setWidget(self.problems)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.problems_dock)
        self.problems_dock.hide()

        self._build_status_bar()
        self._build_actions()
        self._connect()
        self._show_empty_state()

    # construction ------------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_label = QLabel("")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        # a long message must be cut, not widen the window
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop reading; what was read so far stays available")
        self.problems_button = QToolButton()
        self.problems_button.setAutoRaise(True)
        self.problems_button.setToolTip("Show the records that could not be read")
        bar.addWidget(self.status_label, 1)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        bar.addPermanentWidget(self.problems_button)
        self.progress.hide()
        self.cancel_button.hide()
        self.problems_button.hide()
        self.cancel_button.clicked.connect(self.cancel_load)
        self.problems_button.clicked.connect(self.show_problems)

    def _action(
        self,
        label: str,
        slot: Callable[[], object],
        shortcut: str | QKeySequence.StandardKey | list[str] | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(label, self)
        if shortcut is not None:
            if isinstance(shortcut, list):
                action.setShortcuts([QKeySequence(s) for s in shortcut])
            else:
                action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(
            self._action(
                "&Open…",
                self.choose_file,
                QKeySequence.StandardKey.Open,
                "Open a trace file or trace store",
            )
        )
        file_menu.addAction(
            self._action(
                "Open &Folder…",
                self.choose_folder,
                "Ctrl+Shift+O",
                "Open every trace file in a folder",
            )
        )
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, QKeySequence.StandardKey.Quit))

        edit = menu.addMenu("&Edit")
        self.copy_action = self._action(
            "&Copy Span as JSON",
            self.copy_span,
            QKeySequence.StandardKey.Copy,
            "Copy the selected span with all attributes and events",
        )
        edit.addAction(self.copy_action)
        edit.addSeparator()
        edit.addAction(self._action("&Find…", self.open_find, QKeySequence.StandardKey.Find))
        edit.addAction(self._action("Find &Next", lambda: self.step_find(True), "F3"))
        edit.addAction(self._action("Find &Previous", lambda: self.step_find(False), "Shift+F3"))

        self.compare = CompareController(
            self,
            lambda: self.session,
            self.tree,
            self.runs,
            self.reporter.report,
            self.show_message,
        )
        self.compare.fill_menu(menu.addMenu("&Compare"))

        view = menu.addMenu("&View")
        self.view_actions: dict[str, QAction] = {}
        for number, (name, label) in enumerate(
            [(SPANS, "&Spans"), (WATERFALL, "&Waterfall"), (LATENCY, "&Latency")]
            + [(n, "&Tokens && Cost") for n in CHARTS if n not in (WATERFALL, LATENCY)],
            start=1,
        ):
            action = self._action(
                label, partial(self.show_view, name), f"Ctrl+{number}", f"Show the {name} tab"
            )
            view.addAction(action)
            self.view_actions[name] = action
        view.addSeparator()
        view.addAction(
            self._action(
                "&Next Error",
                lambda: self.tree.next_error(True),
                ["E", "Ctrl+E"],
                "Select the next failed span",
            )
        )
        view.addAction(
            self._action(
                "Pre&vious Error", lambda: self.tree.next_error(False), ["Shift+E", "Ctrl+Shift+E"]
            )
        )
        view.addAction(self._action("Expand &All", self.tree.expand_all, "Ctrl+Shift+Right"))
        view.addAction(self._action("&Collapse All", self.tree.collapse_all, "Ctrl+Shift+Left"))
        view.addAction(
            # not Ctrl+Shift+E: "Previous Error" has it, and an ambiguous key triggers neither
            self._action("Expand to &Errors", self.tree.expand_to_errors, "Ctrl+Alt+E")
        )
        view.addSeparator()
        toggle = self.problems_dock.toggleViewAction()
        toggle.setText("&Problems")
        view.addAction(toggle)
        view.addAction(self._action("Span &Details", self.focus_detail, "Ctrl+D"))

        self.live = LiveControl(self, menu.addMenu("&Live"), self.statusBar())

        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self._action("&About Trace Inspector", self._about))

    def _connect(self) -> None:
        self.runs.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._on_run_current(current.row())
        )
        self.runs.model.reloaded.connect(self._after_runs_reload)
        self.runs.model.rowsInserted.connect(lambda *_: self.runs.update_count())
        self.tree.span_selected.connect(self.show_span)
        self.tree.span_selected.connect(lambda _trace, span: self.charts.highlight_span(span))
        self.tree.model.modelReset.connect(lambda: self.charts.set_run(self.tree.trace_id))
        self.views.currentChanged.connect(self._on_view_changed)
        self.charts.span_clicked.connect(self._on_chart_span)
        self.charts.run_clicked.connect(self._on_chart_run)
        self.charts.model_picked.connect(self._on_model_picked)
        self.charts.status_message.connect(self.show_message)
        self.runs.filter_changed.connect(
            lambda text, _errors: self.charts.runs_filter_changed(text)
        )
        self.tree.span_cleared.connect(lambda: self._show_detail(None))
        self.tree.enter_pressed.connect(self.focus_detail)
        self.tree.status_message.connect(self.show_message)
        self.tree.index_applied.connect(self._on_index_applied)
        self.tree.find_bar.search_requested.connect(self.search)
        self.tree.find_bar.step_requested.connect(self.step_find)
        self.tree.find_bar.closed.connect(self._find_closed)

    # opening -----------------------------------------------------------------------------

    def open_path(self, path: Path, *, follow: bool | None = None) -> bool:
        """Open a file, folder or store; on failure say why and keep the current one.

        ``follow`` (default :attr:`follow_on_open`): keep reading what is appended to it.
        """
        try:
            session = Session(path, self, follow=self.follow_on_open if follow is None else follow)
        except OPEN_ERRORS as exc:
            message = f"Cannot open {path}:\n{exc}"
            self.show_message(f"Cannot open {path}: {exc}")
            self.open_failed.emit(message)
            if self.interactive:
                box = QMessageBox(
                    QMessageBox.Icon.Warning,
                    "Cannot open",
                    message,
                    QMessageBox.StandardButton.Ok,
                    self,
                )
                box.setTextFormat(Qt.TextFormat.PlainText)
                box.exec()
            return False
        self._close_session()
        self.session = session
        session.changed.connect(self._on_changed)
        session.finished.connect(self._on_finished)
        session.failed.connect(self._on_failed)
        session.crashed.connect(self.reporter.report)
        session.follow_changed.connect(self.live.update)
        session.follow_note.connect(self.show_message)
        self.tree.set_session(session)
        self.runs.model.set_reader(session.reader)
        self.charts.set_session(session)
        self.problems.refresh(None, 0)
        self.find_state.clear()
        self._summary = ""
        self.setWindowTitle(f"{text.one_line(path.name, 120)} — Trace Inspector")
        self._remember(path)
        self.progress.setValue(0)
        self.progress.setVisible(session.workspace.indexed)
        self.cancel_button.setVisible(session.workspace.indexed)
        self.show_message(f"Reading {path} ({session.workspace.format})…")
        session.start()
        self.opened.emit(str(path))
        return True

    def choose_file(self) -> None:
        start = self._last_folder()
        name, _filter = QFileDialog.getOpenFileName(self, "Open trace", start, TRACE_FILTER)
        if name:
            self.open_path(Path(name))

    def choose_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Open folder of traces", self._last_folder())
        if name:
            self.open_path(Path(name))

    def _last_folder(self) -> str:
        recent = self.recent_files()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    def cancel_load(self) -> None:
        if self.session is not None and self.session.loading:
            self.session.cancel()
            self.cancel_button.setEnabled(False)
            self.show_message("Cancelling after the current batch…")

    def _close_session(self) -> None:
        if self.session is None:
            return
        session, self.session = self.session, None
        self.compare.forget()  # its window reads this session's store: closed first
        self.charts.set_session(None)
        self.tree.set_session(None)
        self.runs.model.set_reader(None)
        self._show_detail(None)
        session.close()
        session.deleteLater()
        self.live.update()

    # recent files ------------------------------------------------------------------------

    def recent_files(self) -> list[str]:
        value = self.settings.value("recent", [])
        if isinstance(value, str):
            return [value]
        return [str(v) for v in value] if isinstance(value, list) else []

    def _remember(self, path: Path) -> None:
        entry = str(path.resolve())
        recent = [entry, *(r for r in self.recent_files() if r != entry)][:RECENT_MAX]
        self.settings.setValue("recent", recent)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_files()
        for entry in recent:
            action = self.recent_menu.addAction(text.one_line(entry, 120))
            action.triggered.connect(lambda _checked=False, p=entry: self.open_path(Path(p)))
        if not recent:
            self.recent_menu.addAction("(none)").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear", lambda: self.settings.setValue("recent", []))

    # drag and drop -----------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        for url in event.mimeData().urls():
            if url.isLocalFile():
                event.acceptProposedAction()
                self.open_path(Path(url.toLocalFile()))
                return

    # loading progress --------------------------------------------------------------------

    def _on_changed(self, added: list[str], changed: list[str], progress: Progress) -> None:
        had_rows = self.runs.model.rowCount() > 0
        self.runs.model.apply_change(added, changed)
        self.runs.update_count()
        self._show_progress(progress)
        if progress.problems:
            self._refresh_problems()
        self.charts.on_changed(added, changed)
        if not had_rows and self.runs.model.rowCount() > 0 and self.runs.selected_run() is None:
            self.runs.select_row(0)
        session = self.session
        if session is not None and not session.loading:
            new = progress.spans - self._spans_at_load
            if new > 0:
                self.show_message(f"{self._summary} · {new:,} more spans read while following")
            self.live.on_changed()

    def _show_progress(self, progress: Progress) -> None:
        if self.session is None or not self.session.loading:
            return
        self.progress.setValue(int(progress.fraction * 1000))
        self.progress.setFormat(f"{progress.fraction:.0%}")
        self.show_message(
            f"Reading… {progress.spans:,} spans in {self.runs.model.total:,} runs"
            + (f", {progress.problems:,} problems" if progress.problems else "")
        )

    def _on_finished(self, progress: Progress) -> None:
        session = self.session
        if session is None:
            return
        self.progress.hide()
        self.cancel_button.hide()
        self.cancel_button.setEnabled(True)
        self.runs.update_count()
        self._refresh_problems()
        totals = session.reader.totals()
        state = "Stopped reading" if session.cancelled else "Read"
        if session.error:
            state = "Stopped by an error after reading"
        seconds = progress.elapsed_s
        took = f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"
        elapsed = f" in {took}" if session.workspace.indexed else ""
        self._summary = (
            f"{state} {totals.spans:,} spans in {totals.traces:,} runs{elapsed} "
            f"({session.workspace.format}) — {totals.errors:,} failed spans, "
            f"{totals.llm_calls:,} LLM calls"
        )
        self._spans_at_load = progress.spans
        self.show_message(self._summary)
        if self.runs.model.rowCount() > 0 and self.runs.selected_run() is None:
            self.runs.select_row(0)
        self.load_finished.emit()

    def _on_failed(self, message: str) -> None:
        self.show_message(f"Error: {message}")
        if self.interactive:
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "Reading stopped",
                message,
                QMessageBox.StandardButton.Ok,
                self,
            )
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.open()

    def _refresh_problems(self) -> None:
        if self.session is None:
            return
        count = self.session.reader.problem_count()
        self.problems.refresh(self.session.reader, count)
        self.problems_button.setVisible(count > 0)
        self.problems_button.setText(f"⚠ {count:,} problem{'s' if count != 1 else ''}")

    def show_problems(self) -> None:
        first = self.problems_dock.isHidden()
        self.problems_dock.show()
        self.problems_dock.raise_()
        if first:
            self.resizeDocks([self.problems_dock], [170], Qt.Orientation.Vertical)

    # runs and spans ----------------------------------------------------------------------

    def _on_run_current(self, row: int) -> None:
        run = self.runs.model.run_at(row)
        if run is None or run.trace_id == self.tree.trace_id:
            return
        self.tree.show_run(run, select_first=not self._revealing)
        self._highlight_matches()

    def _after_runs_reload(self) -> None:
        self.runs.update_count()
        trace_id = self.tree.trace_id
        if trace_id is not None:
            row = self.runs.model.row_of(trace_id)
            if row is not None:
                self.runs.table.selectionModel().blockSignals(True)
                self.runs.select_row(row)
                self.runs.table.selectionModel().blockSignals(False)

    def select_run(self, trace_id: str, *, select_first: bool = True) -> bool:
        """Select a run in the table (fetching pages as needed) and show its spans."""
        self._revealing = not select_first
        try:
            row = self.runs.model.row_of(trace_id, fetch=True)
            if row is not None:
                self.runs.select_row(row)
            if self.tree.trace_id != trace_id and self.session is not None:
                run = self.session.reader.run(trace_id)
                if run is None:
                    return False
                self.tree.show_run(run, select_first=select_first)
                self._highlight_matches()
        finally:
            self._revealing = False
        return True

    def reveal_span(self, trace_id: str, span_id: str) -> bool:
        """Show a span: select its run, expand its ancestors, select it (once indexed)."""
        if not self.select_run(trace_id, select_first=False):
            return False
        self.tree.when_indexed(lambda: self._finish_reveal(span_id))
        return True

    def _finish_reveal(self, span_id: str) -> None:
        if not self.tree.reveal(span_id):
            self.show_message("That span is hidden by the span filter.")

    def show_span(self, trace_id: str, span_id: str) -> None:
        self.compare.update_actions()
        if self.session is None:
            return
        span = self.session.reader.span(trace_id, span_id)
        self._show_detail(span)
        if span is not None:
            self.span_shown.emit(span_id)
        elif is_placeholder(self.tree.view.currentIndex().data(SPAN_ROW_ROLE)):
            self.show_message(
                f"Span {span_id} has not arrived yet; the spans below it have (OpenTelemetry "
                "exports a span when it ends)."
            )

    def _show_detail(self, span: object) -> None:
        from inspector.model import Span

        self.detail.show_span(span if isinstance(span, Span) else None)

    def focus_detail(self) -> None:
        self.show_view(SPANS)
        self.detail.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.detail.focusNextChild()

    def copy_span(self) -> None:
        trace_id, span_id = self.tree.trace_id, self.tree.selected_span_id()
        if self.session is None or trace_id is None or span_id is None:
            self.show_message("Select a span to copy it.")
            return
        span = self.session.reader.span(trace_id, span_id)
        if span is None:
            return
        QGuiApplication.clipboard().setText(span_json(span))
        self.show_message(f"Copied span {span_id} as JSON.")

    def _on_index_applied(self, trace_id: str) -> None:
        self._highlight_matches()
        self.live.on_index()

    # views (tabs) and charts -------------------------------------------------------------

    def show_view(self, name: str) -> None:
        """Show a tab below the runs table: ``spans`` or a chart (``waterfall`` …)."""
        self.views.setCurrentIndex(VIEWS.index(name))

    @property
    def current_view(self) -> str:
        return VIEWS[self.views.currentIndex()]

    def _on_view_changed(self, position: int) -> None:
        name = VIEWS[position] if 0 <= position < len(VIEWS) else SPANS
        self.charts.show_page(None if name == SPANS else name)

    def _on_chart_span(self, chart: str, trace_id: str, span_id: str) -> None:
        self.live.user_selected()
        self.reveal_span(trace_id, span_id)
        if chart != WATERFALL:  # the waterfall shows the tree's run: stay on it
            self.show_view(SPANS)

    def _on_chart_run(self, trace_id: str) -> None:
        self.live.user_selected()
        self.select_run(trace_id)

    def _on_model_picked(self, model: str) -> None:
        """A model picked above the charts filters the runs list too (and "all models" lifts
        a filter that was that model)."""
        current = self.runs.search.text().strip()
        if model:
            self.runs.set_filter_text(model)
        elif current and current.lower() in (m.lower() for m in self.charts.scope_bar.models()):
            self.runs.set_filter_text("")

    # find --------------------------------------------------------------------------------

    def open_find(self) -> None:
        self.tree.find_bar.open_bar()

    def search(self, query: str, all_runs: bool) -> None:
        """Search span names and payloads (on a worker); results highlight and step."""
        self._search_serial += 1
        serial = self._search_serial
        session, trace_id = self.session, self.tree.trace_id
        if not query or session is None or (trace_id is None and not all_runs):
            self.find_state.clear()
            self.tree.find_bar.set_status("")
            self._highlight_matches()
            return
        self.tree.find_bar.set_status("searching…")
        scope = None if all_runs else trace_id

        def work(reader: object) -> list[Match]:
            from inspector.store.queries import StoreReader

            assert isinstance(reader, StoreReader)
            return reader.search(query, scope, limit=5000)

        def done(result: object) -> None:
            if serial != self._search_serial:
                return  # a newer search replaced this one
            matches = list(result) if isinstance(result, list) else []
            self._set_matches(query, all_runs, matches)

        session.run_in_background(work, done, self.show_message)

    def _set_matches(self, query: str, all_runs: bool, matches: list[Match]) -> None:
        index = self.tree.model.run_index
        if index is not None:
            # matches inside the shown run in tree order, the other runs after it
            order = {s: i for i, s in enumerate(index.preorder)}
            here = [m for m in matches if m[0] == index.trace_id]
            here.sort(key=lambda m: order.get(m[1], len(order)))
            matches = here + [m for m in matches if m[0] != index.trace_id]
        self.find_state.set_results(query, all_runs, matches)
        self._highlight_matches()
        count = len(matches)
        runs = len({m[0] for m in matches})
        where = f" in {runs} runs" if all_runs and runs > 1 else ""
        self.tree.find_bar.set_status(
            f"{count:,} match{'es' if count != 1 else ''}{where}" if count else "no matches"
        )
        if matches:
            self.step_find(True)

    def _highlight_matches(self) -> None:
        trace_id = self.tree.trace_id
        self.tree.model.set_highlight(self.find_state.in_run(trace_id) if trace_id else [])

    def step_find(self, forward: bool = True) -> None:
        match = self.find_state.step(forward)
        if match is None:
            return
        trace_id, span_id = match
        self.tree.find_bar.set_status(
            f"{self.find_state.current + 1:,} of {len(self.find_state.matches):,}"
        )
        self.reveal_span(trace_id, span_id)

    def _find_closed(self) -> None:
        self.find_state.clear()
        self._highlight_matches()
        self.tree.view.setFocus()

    # misc ----------------------------------------------------------------------------------

    def show_message(self, message: str) -> None:
        """Show a status message; an empty one brings back the summary of the load."""
        self.status_label.setText(text.one_line(message or self._summary, 400))

    def _show_empty_state(self) -> None:
        self.show_message("Open a trace: File ▸ Open (Ctrl+O), or drop a file on this window.")

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About Trace Inspector",
            "Trace Inspector — a local viewer for LLM agent traces (OTLP JSON, OpenInference, "
            "OTel GenAI, SQLite stores). Your files are opened read-only.",
        )

    def is_idle(self) -> bool:
        """Nothing loading, indexing, searching or being inserted (for screenshots and tests)."""
        if self.session is not None and self.session.busy:
            return False
        if self.tree.expanding or self.charts.busy:
            return False
        return self.tree.trace_id is None or self.tree.index_ready

    # persistence -------------------------------------------------------------------------

    def restore_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        for key, target in (
            ("window/state", None),
            ("window/main_split", self.main_split),
            ("window/bottom_split", self.bottom),
        ):
            value = self.settings.value(key)
            if not isinstance(value, QByteArray):
                continue
            if target is None:
                self.restoreState(value)
            else:
                target.restoreState(value)
        header = self.settings.value("window/runs_header")
        if isinstance(header, QByteArray):
            self.runs.table.horizontalHeader().restoreState(header)

    def save_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/main_split", self.main_split.saveState())
        self.settings.setValue("window/bottom_split", self.bottom.saveState())
        self.settings.setValue("window/runs_header", self.runs.table.horizontalHeader().saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.interactive:
            self.save_state()
        self._close_session()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop workers and remove temporary indexes (also done on close)."""
        self._close_session()
