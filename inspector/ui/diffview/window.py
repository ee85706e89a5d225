"""A window hosting the three comparisons: two calls, two runs, a step's prompt versions.

Each tab is filled the first time it is shown, from what the window was opened with: the
runs tab starts with the runs of the two compared calls, the versions tab with the step of
call B. :func:`open_compare` is the entry point for the main window and ``--compare``.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from inspector.ui.diffview.jobs import ReaderFactory, SpanRef
from inspector.ui.diffview.rundiff import RunDiffWidget
from inspector.ui.diffview.spandiff import SpanDiffWidget
from inspector.ui.diffview.versions import PromptVersionsWidget
from inspector.workspace import Workspace

CALLS, RUNS, VERSIONS = range(3)


class DiffWindow(QWidget):
    """Compare calls, runs or prompt versions of one workspace.

    Args:
        reader_factory: opens a store reader (``Workspace.reader``).
        parent: the main window (the diff window stays a separate top-level window).

    Signals:
        diff_ready: the span diff in the "Two calls" tab is shown (or a note why not).
        crashed: a worker hit a bug; the traceback is for the exception dialog.
    """

    diff_ready = Signal()
    crashed = Signal(str)

    def __init__(self, reader_factory: ReaderFactory, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Compare — Trace Inspector")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.reader_factory = reader_factory
        self._spans: tuple[SpanRef, SpanRef] | None = None
        self._runs: tuple[str, str] | None = None
        self._path: Sequence[str] | None = None
        self._version_span: SpanRef | None = None
        self._loaded: set[int] = set()

        self.span_diff = SpanDiffWidget(reader_factory)
        self.run_diff = RunDiffWidget(reader_factory)
        self.versions = PromptVersionsWidget(reader_factory)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.span_diff, "Two calls")
        self.tabs.addTab(self.run_diff, "Two runs")
        self.tabs.addTab(self.versions, "Prompt versions")
        self.tabs.setTabToolTip(CALLS, "Prompts and responses of two calls, message by message")
        self.tabs.setTabToolTip(
            RUNS, "Two runs' span trees aligned, with time, token and cost deltas"
        )
        self.tabs.setTabToolTip(VERSIONS, "The system prompts one LLM step was called with")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.tabs)
        self.resize(1280, 800)

        self.span_diff.diff_ready.connect(self.diff_ready)
        for widget in (self.span_diff, self.run_diff, self.versions):
            widget.crashed.connect(self.crashed)
        self.run_diff.span_diff.crashed.connect(self.crashed)
        self.tabs.currentChanged.connect(self._tab_shown)
        close = QShortcut(QKeySequence(QKeySequence.StandardKey.Close), self)
        close.activated.connect(self.close)
        self.span_diff.show_note(
            "Pick two calls to compare: select them in the span tree and choose "
            "“Compare with…”, or use the other tabs."
        )

    # entry points -----------------------------------------------------------------------------

    def compare_spans(self, a: SpanRef, b: SpanRef) -> None:
        """Show the diff of spans ``a`` and ``b`` (refs or unique span id prefixes)."""
        self._spans = (a, b)
        self._reset({CALLS})
        self.span_diff.compare(a, b, self.reader_factory)
        self.setWindowTitle(f"Compare {_short(a)} with {_short(b)} — Trace Inspector")
        self.tabs.setCurrentIndex(CALLS)

    def compare_previous(self, trace_id: str, span_id: str) -> None:
        """Show an LLM call against the previous LLM call of its run."""
        self._spans = ((trace_id, span_id), (trace_id, span_id))
        self._reset({CALLS})
        self.span_diff.show_previous(self.reader_factory, trace_id, span_id)
        self.setWindowTitle(f"{span_id[:8]} against the previous call — Trace Inspector")
        self.tabs.setCurrentIndex(CALLS)

    def compare_runs(self, trace_a: str, trace_b: str) -> None:
        """Show two runs' span trees aligned."""
        self._runs = (trace_a, trace_b)
        self._reset(set())
        self.setWindowTitle(f"Compare runs {trace_a[:8]} and {trace_b[:8]} — Trace Inspector")
        if self.tabs.currentIndex() == RUNS:
            self._tab_shown(RUNS)
        else:
            self.tabs.setCurrentIndex(RUNS)

    def show_versions(self, path: Sequence[str] | None = None, span: SpanRef | None = None) -> None:
        """Show the prompt versions of the step at ``path``, else of ``span``'s step, else of
        the compared call B's step, else of the most called step."""
        self._path = path
        self._version_span = span
        self._loaded.discard(VERSIONS)
        self.setWindowTitle("Prompt versions — Trace Inspector")
        if self.tabs.currentIndex() == VERSIONS:
            self._tab_shown(VERSIONS)
        else:
            self.tabs.setCurrentIndex(VERSIONS)

    def _reset(self, loaded: set[int]) -> None:
        self._loaded = set(loaded)

    def _tab_shown(self, tab: int) -> None:
        if tab in self._loaded:
            return
        self._loaded.add(tab)
        if tab == RUNS:
            self.run_diff.load_runs()
            runs = self._runs or self._span_runs()
            if runs is not None:
                self.run_diff.set_runs(*runs)
        elif tab == VERSIONS:
            span = self._version_span
            if span is None and self.span_diff.diff is not None:
                span = (self.span_diff.diff.b.trace_id, self.span_diff.diff.b.span_id)
            elif span is None and self._spans is not None:
                span = self._spans[1]
            self.versions.load_steps(path=self._path, span=span)

    def _span_runs(self) -> tuple[str, str] | None:
        """The runs of the two compared calls (once they are read), if they differ."""
        diff = self.span_diff.diff
        if diff is None or diff.a.trace_id == diff.b.trace_id:
            return None
        return diff.a.trace_id, diff.b.trace_id

    # teardown ---------------------------------------------------------------------------------

    def is_busy(self) -> bool:
        return any(
            w.runner.busy
            for w in (
                self.span_diff,
                self.run_diff,
                self.run_diff.span_diff,
                self.versions,
                self.versions.span_diff,
            )
        )

    def wait(self, msecs: int = -1) -> bool:
        """Block until every worker of the window has finished (tests, shutdown)."""
        self.versions.shutdown()
        runners = (
            self.span_diff.runner,
            self.run_diff.runner,
            self.run_diff.span_diff.runner,
            self.versions.runner,
            self.versions.span_diff.runner,
        )
        return all(runner.wait(msecs) for runner in runners)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.versions.shutdown()
        super().closeEvent(event)


def _short(ref: SpanRef) -> str:
    return ref[:8] if isinstance(ref, str) else ref[1][:8]


def open_compare(
    window_parent: QWidget | None, workspace: Workspace, a: SpanRef, b: SpanRef
) -> DiffWindow:
    """Open a window comparing spans ``a`` and ``b`` of ``workspace`` and show it.

    ``a`` and ``b`` are ``(trace_id, span_id)`` pairs or unique span id prefixes (as given
    to ``--compare``); a prefix that names no span or several is reported in the window.
    Wait for ``window.diff_ready`` before taking a screenshot.
    """
    window = DiffWindow(workspace.reader, window_parent)
    window.compare_spans(a, b)
    window.show()
    return window
