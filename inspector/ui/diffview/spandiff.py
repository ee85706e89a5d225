"""Two LLM calls side by side: figures with deltas, then prompt and response message by message.

The diff is computed on a worker (reading the spans included); the GUI thread only lays out
the rendering, which :mod:`inspector.ui.diffview.plan` keeps bounded however big the prompts
are. While a diff is computed the previous one stays on screen and a busy bar shows; a newer
request supersedes an older one (its late result is dropped).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QEvent, QMimeData, QPoint, Qt, QUrl, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inspector.diff import DiffOptions, PromptVersion, SpanDiff
from inspector.model import Span
from inspector.ui.diffview import jobs
from inspector.ui.diffview.document import Rendered, marked_fragments, render, side_summary
from inspector.ui.diffview.fields import FiguresTable
from inspector.ui.diffview.jobs import ReaderFactory, SpanPairResult, SpanRef
from inspector.ui.diffview.plan import ViewState
from inspector.ui.marked import copy_mime
from inspector.ui.workers import TaskRunner

PREVIOUS_LABELS = ("A · previous call", "B · this call")
EMPTY = "Nothing to compare yet."


class DiffBrowser(QTextBrowser):
    """A read-only view of a rendered diff: selectable text, our own links only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Links are our fold/"show more" anchors; never navigate anywhere.
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        self.setLineWrapMode(QTextBrowser.LineWrapMode.WidgetWidth)
        self.setPlaceholderText(EMPTY)

    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802 - Qt override
        # Hidden characters are shown as marks (inspector.ui.marked): copy them as they are.
        return copy_mime(self.textCursor(), super().createMimeDataFromSelection())


class SpanDiffWidget(QWidget):
    """Span A against span B: figures, then prompt and response diffs.

    Args:
        reader_factory: opens a store reader (``Workspace.reader``); needed by the methods
            that read spans from the store.
        runner: the worker pool to use (default: a private one).

    Signals:
        diff_ready: a diff (or a note saying why there is none) is shown.
        failed: a span could not be read; the message is also shown in the widget.
        crashed: a bug in a worker, with its traceback (for the exception dialog).
    """

    diff_ready = Signal()
    failed = Signal(str)
    crashed = Signal(str)

    def __init__(
        self,
        reader_factory: ReaderFactory | None = None,
        parent: QWidget | None = None,
        *,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.reader_factory = reader_factory
        self.runner = runner or TaskRunner(self)
        self.runner.crashed.connect(self._crashed)
        self._serial = 0
        self._spans: tuple[Span, Span] | None = None
        self._labels = ("A", "B")
        self._diff: SpanDiff | None = None
        self._state = ViewState()
        self._rendered: Rendered | None = None

        self.figures = FiguresTable()
        self.ignore_whitespace = QCheckBox("Ignore whitespace")
        self.ignore_whitespace.setToolTip(
            "Compare lines with all spaces removed (like git diff -w): re-indented or "
            "re-spaced text counts as unchanged."
        )
        self.normalize_json = QCheckBox("Normalise JSON")
        self.normalize_json.setChecked(True)
        self.normalize_json.setToolTip(
            "Show JSON content and tool arguments with sorted keys and indentation, so key "
            "order and formatting do not count as changes."
        )
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.previous_button = QToolButton()
        self.previous_button.setText("↑ Previous change")
        self.previous_button.setToolTip("Scroll to the previous change (Shift+F7)")
        self.next_button = QToolButton()
        self.next_button.setText("↓ Next change")
        self.next_button.setToolTip("Scroll to the next change (F7)")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(8)
        self.busy_label = QLabel("Comparing…")
        self.note = QLabel()
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.note.setMargin(8)
        self.browser = DiffBrowser()

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.ignore_whitespace)
        bar.addWidget(self.normalize_json)
        bar.addSpacing(16)
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.busy_label)
        bar.addWidget(self.busy)
        bar.addWidget(self.previous_button)
        bar.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.figures)
        layout.addLayout(bar)
        layout.addWidget(self.note)
        layout.addWidget(self.browser, 1)
        self._set_busy(False)
        self.note.hide()
        self.figures.hide()
        self._update_buttons()

        self.ignore_whitespace.toggled.connect(self._options_changed)
        self.normalize_json.toggled.connect(self._options_changed)
        self.browser.anchorClicked.connect(self._link_clicked)
        self.next_button.clicked.connect(self.next_change)
        self.previous_button.clicked.connect(self.previous_change)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for key, slot in (("F7", self.next_change), ("Shift+F7", self.previous_change)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)

    # requests ---------------------------------------------------------------------------------

    @property
    def options(self) -> DiffOptions:
        return DiffOptions(
            ignore_whitespace=self.ignore_whitespace.isChecked(),
            normalize_json=self.normalize_json.isChecked(),
        )

    def compare(self, a: SpanRef, b: SpanRef, reader_factory: ReaderFactory | None = None) -> None:
        """Read spans ``a`` and ``b`` (``(trace_id, span_id)`` or a unique span id prefix)
        from the store and show their diff."""
        factory = self._factory(reader_factory)
        self._submit(partial(jobs.compare_refs, factory, a, b, self.options), ("A", "B"))

    def show_previous(self, reader_factory: ReaderFactory, trace_id: str, span_id: str) -> None:
        """Diff an LLM call with the previous LLM call of its run (or say there is none)."""
        self.reader_factory = reader_factory
        work = partial(jobs.compare_previous, reader_factory, trace_id, span_id, self.options)
        self._submit(work, PREVIOUS_LABELS)

    def compare_versions(
        self, a: PromptVersion, b: PromptVersion, reader_factory: ReaderFactory | None = None
    ) -> None:
        """Diff the representative calls of two prompt versions."""
        factory = self._factory(reader_factory)
        labels = (f"A · version {a.label}", f"B · version {b.label}")
        self._submit(partial(jobs.compare_versions, factory, a, b, self.options), labels)

    def set_spans(self, a: Span, b: Span, labels: tuple[str, str] = ("A", "B")) -> None:
        """Diff two spans already read (on the worker)."""
        options = self.options
        self._submit(lambda: SpanPairResult(a, b, jobs.compute(a, b, options)), labels)

    def show_note(self, text: str) -> None:
        """Show a message instead of a diff (e.g. "select two calls")."""
        self._serial += 1
        self._set_busy(False)
        self._show(SpanPairResult(None, None, None, text), self._labels)

    def _factory(self, reader_factory: ReaderFactory | None) -> ReaderFactory:
        factory = reader_factory or self.reader_factory
        if factory is None:
            raise ValueError("SpanDiffWidget needs a reader factory to read spans")
        self.reader_factory = factory
        return factory

    def _submit(self, work: Callable[[], SpanPairResult], labels: tuple[str, str]) -> None:
        self._serial += 1
        serial = self._serial
        self._set_busy(True)
        self.runner.submit(
            work,
            partial(self._finished, serial, labels),
            partial(self._failed, serial),
        )

    def _options_changed(self) -> None:
        if self._spans is not None:
            self.set_spans(*self._spans, labels=self._labels)

    # results ----------------------------------------------------------------------------------

    def _finished(self, serial: int, labels: tuple[str, str], result: object) -> None:
        if serial != self._serial:
            return  # superseded by a newer request
        assert isinstance(result, SpanPairResult)
        self._set_busy(False)
        self._show(result, labels)

    def _failed(self, serial: int, message: str) -> None:
        if serial != self._serial:
            return
        self._set_busy(False)
        self._show(SpanPairResult(None, None, None, message), self._labels)
        self.failed.emit(message)

    def _crashed(self, trace: str) -> None:
        self._set_busy(False)
        self.note.setText("Comparing failed because of an internal error (see the error report).")
        self.note.show()
        self.crashed.emit(trace)

    def _show(self, result: SpanPairResult, labels: tuple[str, str]) -> None:
        self._diff = result.diff
        self._labels = labels
        self._state = ViewState()
        if result.a is not None and result.b is not None:
            self._spans = (result.a, result.b)
        elif result.diff is None:
            self._spans = None
        self.note.setText(result.note)
        self.note.setVisible(bool(result.note))
        self.browser.setPlaceholderText("" if result.note else EMPTY)
        self.figures.setVisible(result.diff is not None)
        self.figures.set_diff(result.diff, labels)
        self._render()
        self.diff_ready.emit()

    def _render(self, keep_scroll: bool = False) -> None:
        bar = self.browser.verticalScrollBar()
        scroll = bar.value()
        if self._diff is None:
            self._rendered = None
            self.browser.clear()
            self.summary.setText("")
        else:
            self._rendered = render(self._diff, self._state, self.palette(), self.browser.font())
            # Parented to the browser, the document is deleted when the next one replaces it.
            self._rendered.document.setParent(self.browser)
            self.browser.setDocument(self._rendered.document)
            self.summary.setText(self._summary_text(self._diff))
            if keep_scroll:
                bar.setValue(scroll)
        self._update_buttons()

    @staticmethod
    def _summary_text(diff: SpanDiff) -> str:
        if diff.equal:
            return "Prompts and responses are the same."
        return f"Prompt: {side_summary(diff.prompt)}    Response: {side_summary(diff.response)}"

    def _link_clicked(self, url: QUrl) -> None:
        if self._rendered is None:
            return
        expansion = self._rendered.links.get(url.toString())
        if expansion is None:
            return
        self._state.shown[expansion.key] = expansion.rows
        self._render(keep_scroll=True)

    # navigation -------------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        has = self._rendered is not None and bool(self._rendered.changes)
        self.next_button.setEnabled(has)
        self.previous_button.setEnabled(has)

    def _scroll_to(self, position: int) -> None:
        cursor = QTextCursor(self.browser.document())
        cursor.setPosition(position)
        self.browser.setTextCursor(cursor)
        bar = self.browser.verticalScrollBar()
        margin = self.browser.fontMetrics().height() * 2
        bar.setValue(bar.value() + self.browser.cursorRect(cursor).top() - margin)

    def _reference(self) -> int:
        """Where "next" and "previous" count from: the cursor when it is on screen (it
        sits on the change last jumped to), else the top of the view."""
        cursor = self.browser.textCursor()
        if self.browser.viewport().rect().contains(self.browser.cursorRect(cursor).center()):
            return cursor.position()
        probe = QPoint(self.browser.viewport().width() // 4, 1)
        return self.browser.cursorForPosition(probe).position()

    def next_change(self) -> None:
        """Scroll to the next change (after the cursor, or below the top of the view)."""
        if self._rendered is None:
            return
        reference = self._reference()
        later = [p for p in self._rendered.changes if p > reference]
        if later:
            self._scroll_to(later[0])

    def previous_change(self) -> None:
        """Scroll to the previous change."""
        if self._rendered is None:
            return
        reference = self._reference()
        earlier = [p for p in self._rendered.changes if p < reference]
        if earlier:
            self._scroll_to(earlier[-1])

    # state for callers and tests --------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.busy_label.setVisible(busy)

    def is_busy(self) -> bool:
        """Whether a diff is being computed."""
        return self.busy.isVisibleTo(self)

    @property
    def diff(self) -> SpanDiff | None:
        return self._diff

    def changes_text(self) -> str:
        """The diff as shown, as plain text (table cells one per line)."""
        return self.browser.document().toPlainText() if self._rendered is not None else ""

    def highlighted_fragments(self, side: str | None = None) -> list[str]:
        """The text under changed-word highlights (``side``: ``"a"``, ``"b"`` or both)."""
        if self._rendered is None:
            return []
        return [text for s, text in marked_fragments(self.browser.document()) if side in (None, s)]

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._diff is not None:
            self.figures.set_diff(self._diff, self._labels)
            self._render(keep_scroll=True)
