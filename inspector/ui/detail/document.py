"""Building plain-text documents from untrusted text, with truncation and "show all".

A :class:`DocWriter` appends paragraphs and text runs to a ``QTextDocument`` through a
``QTextCursor`` -- text is inserted as text, never parsed as markup. Long texts are cut (the
first 100 KB each, and only a small piece of each text once the document already holds 1 MB) and
a muted marker says how much is hidden. Each cut is remembered as a :class:`Pending` with
cursors that Qt keeps in place while the document changes, so :class:`DocumentPane` can later
remove the markers and stream the rest in, chunk by chunk, without freezing the window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QTextBlockFormat, QTextCharFormat, QTextCursor, QTextDocument, QTextOption
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector.ui.detail.display import (
    break_long_lines,
    human_size,
    normalize_newlines,
    pretty_json,
    utf8_size,
    visible,
)
from inspector.ui.detail.styles import Styles
from inspector.ui.highlight import HIGHLIGHT_LIMIT, insert_json
from inspector.ui.marked import TraceTextEdit, insert_marked

TEXT_LIMIT = 100_000
"""Characters of one text shown before "show all"."""
DOCUMENT_BUDGET = 1_000_000
"""Once a document holds this many characters, further texts show only :data:`SMALL_LIMIT`."""
SMALL_LIMIT = 2_000
CHUNK = 192_000
"""Characters inserted per event-loop turn while showing all (about 50 ms of Qt work)."""


@dataclass(slots=True)
class Limits:
    """How much of each text a rendering shows; ``None`` fields mean no cut."""

    text: int | None = TEXT_LIMIT
    budget: int | None = DOCUMENT_BUDGET
    small: int = SMALL_LIMIT


@dataclass(slots=True)
class Pending:
    """The hidden rest of a cut text."""

    end: QTextCursor
    """Where the rest goes: right after the shown part (moves as text is inserted)."""
    marker: QTextCursor
    """Selection covering the "… more" marker paragraph."""
    rest: str
    fmt: QTextCharFormat
    column: int
    """Length of the shown part's last line, to keep breaking long lines where it stopped."""
    done: int = 0


class DocWriter:
    """Appends formatted, display-safe text to a document.

    Args:
        document: the document to fill (usually just cleared).
        styles: formats for the current palette.
        limits: how much of each text to show.
    """

    def __init__(self, document: QTextDocument, styles: Styles, limits: Limits) -> None:
        self.document = document
        self.styles = styles
        self.limits = limits
        self.cursor = QTextCursor(document)
        self.cursor.movePosition(QTextCursor.MoveOperation.End)
        self.pending: list[Pending] = []
        self.hidden_size = 0
        """UTF-8 size of the texts that were cut (what "show all" will display in full)."""
        self._written = 0
        self._empty = document.isEmpty()

    def paragraph(self, block: QTextBlockFormat | None = None) -> None:
        """Start a new paragraph (the first call reuses the document's empty first block)."""
        fmt = block if block is not None else self.styles.plain_block
        if self._empty:
            self.cursor.setBlockFormat(fmt)
            self._empty = False
        else:
            self.cursor.insertBlock(fmt, self.styles.text)

    def gap(self) -> None:
        """An empty paragraph between sections (plain-text views ignore block margins)."""
        if self._empty or not self.cursor.block().text():
            return
        self.paragraph()

    def section(self, title: str) -> None:
        """A full-width shaded title line starting a section."""
        self.gap()
        self.line(title, self.styles.bold, self.styles.divider_block)

    def line(self, text: str, fmt: QTextCharFormat, block: QTextBlockFormat | None = None) -> None:
        """A paragraph holding one short, trusted-or-untrusted label (never cut)."""
        self.paragraph(block)
        self.span(text, fmt)

    def span(self, text: str, fmt: QTextCharFormat) -> None:
        """Append short text to the current paragraph (shown in full)."""
        shown = visible(normalize_newlines(text))
        self._written += len(shown)
        self._empty = False
        insert_marked(self.cursor, shown, fmt)

    def _limit(self) -> int | None:
        limits = self.limits
        if limits.budget is not None and self._written >= limits.budget:
            return limits.small
        return limits.text

    def text(self, text: str, fmt: QTextCharFormat) -> None:
        """Append a possibly huge untrusted text, cut to the current limit."""
        self._empty = False
        text = normalize_newlines(text)
        limit = self._limit()
        if limit is None or len(text) <= limit:
            shown, _ = break_long_lines(text)
            self._insert(visible(shown), fmt)
            return
        head = text[:limit]
        shown, column = break_long_lines(head)
        self._insert(visible(shown), fmt)
        cut = self.cursor.position()
        full, head_size = utf8_size(text), utf8_size(head)
        self.cursor.insertBlock(self.styles.plain_block, self.styles.marker)
        self.cursor.insertText(
            f"… {human_size(full - head_size)} more not shown "
            f"(showing {human_size(head_size)} of {human_size(full)})",
            self.styles.marker,
        )
        # Cursors made after the marker is written: later writes only happen after them, and
        # Qt shifts them when the rest of an earlier cut text is streamed in before them.
        end = QTextCursor(self.document)
        end.setPosition(cut)
        marker = QTextCursor(self.document)
        marker.setPosition(cut)
        marker.setPosition(self.cursor.position(), QTextCursor.MoveMode.KeepAnchor)
        # The next paragraph is inserted exactly at the marker's end: do not grow over it.
        marker.setKeepPositionOnInsert(True)
        self.pending.append(Pending(end, marker, text[limit:], QTextCharFormat(fmt), column))
        self.hidden_size += full

    def code(self, text: str) -> None:
        """Append code-like text: JSON pretty-printed and highlighted, anything else monospace."""
        pretty = pretty_json(text)
        if pretty is None:
            self.text(text, self.styles.mono)
        else:
            self.json(pretty)

    def json(self, text: str) -> None:
        """Append JSON text as it is: highlighted if shown whole and small enough."""
        limit = self._limit()
        fits = limit is None or len(text) <= limit
        if fits and len(text) <= HIGHLIGHT_LIMIT:
            self._empty = False
            shown, _ = break_long_lines(normalize_newlines(text))
            self._written += len(shown)
            insert_json(self.cursor, visible(shown), self.styles.json)
        else:
            self.text(text, self.styles.mono)

    def _insert(self, shown: str, fmt: QTextCharFormat) -> None:
        self._written += len(shown)
        insert_marked(self.cursor, shown, fmt)


Renderer = Callable[[DocWriter], None]


def new_editor(parent: QWidget | None = None) -> QPlainTextEdit:
    """A read-only plain-text view for untrusted text (selectable, copyable, wrapping; hidden
    characters shown as marks, copied as themselves)."""
    editor = TraceTextEdit(parent)
    editor.setReadOnly(True)
    editor.setUndoRedoEnabled(False)
    editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
    editor.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    editor.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    editor.document().setDocumentMargin(10)
    return editor


class DocumentPane(QWidget):
    """A read-only document view with a "Show all (20.0 MB)" bar when texts were cut.

    Call :meth:`set_content` with a function that writes the content; the pane re-runs it when the
    palette changes. :meth:`show_all` streams the hidden text in and emits :attr:`loaded`.
    """

    loaded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = new_editor(self)
        self._bar = QWidget(self)
        self._note = QLabel(self._bar)
        self._note.setTextFormat(Qt.TextFormat.PlainText)
        self.show_all_button = QPushButton(self._bar)
        self.show_all_button.clicked.connect(self.show_all)
        self._progress = QProgressBar(self._bar)
        self._progress.setRange(0, 1000)
        self._progress.setTextVisible(False)
        self._progress.setMaximumWidth(160)
        bar = QHBoxLayout(self._bar)
        bar.setContentsMargins(8, 4, 8, 4)
        bar.addWidget(self._note, 1)
        bar.addWidget(self._progress)
        bar.addWidget(self.show_all_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._bar)
        layout.addWidget(self.editor, 1)
        layout.addStretch(0)  # keeps the bar at the top while the editor is hidden (loading)
        self._bar.hide()
        self._renderer: Renderer | None = None
        self._pending: list[Pending] = []
        self._queue: list[Pending] = []
        self._total = 0
        self._inserted = 0
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)

    @property
    def truncated(self) -> bool:
        """Whether some text is hidden behind "show all" (or still loading)."""
        return bool(self._pending)

    @property
    def loading(self) -> bool:
        return self._timer.isActive()

    def plain_text(self) -> str:
        return self.editor.toPlainText()

    def clear(self) -> None:
        self._stop()
        self._renderer = None
        self.editor.document().clear()
        self._bar.hide()

    def set_content(self, renderer: Renderer, limits: Limits | None = None) -> None:
        """Replace the content with what ``renderer`` writes (cut to ``limits``)."""
        self._stop()
        self._renderer = renderer
        document = self.editor.document()
        document.clear()
        writer = DocWriter(document, Styles.from_palette(self.palette()), limits or Limits())
        renderer(writer)
        self._pending = writer.pending
        self.editor.moveCursor(QTextCursor.MoveOperation.Start)
        self.editor.verticalScrollBar().setValue(0)
        if self._pending:
            count = len(self._pending)
            self._note.setText(f"{count} long text{'s' if count > 1 else ''} shortened for speed.")
            self.show_all_button.setText(f"Show all ({human_size(writer.hidden_size)})")
            self.show_all_button.setEnabled(True)
            self._progress.hide()
            self._bar.show()
        else:
            self._bar.hide()

    def show_all(self) -> None:
        """Remove the "… more" markers and stream every hidden rest into place."""
        if not self._pending or self.loading:
            return
        for pending in self._pending:
            pending.marker.removeSelectedText()
        self._queue = list(self._pending)
        self._total = sum(len(p.rest) for p in self._queue)
        self._inserted = 0
        self.show_all_button.setEnabled(False)
        self._note.setText("Loading the full text…")
        self._progress.setValue(0)
        self._progress.show()
        # A hidden view skips re-layout on every chunk: loading takes half the time.
        self.editor.hide()
        self._timer.start()

    def _step(self) -> None:
        budget = CHUNK
        while budget > 0 and self._queue:
            pending = self._queue[0]
            piece = pending.rest[pending.done : pending.done + budget]
            pending.done += len(piece)
            shown, pending.column = break_long_lines(piece, pending.column)
            insert_marked(pending.end, visible(shown), pending.fmt)
            budget -= len(piece)
            self._inserted += len(piece)
            if pending.done >= len(pending.rest):
                self._queue.pop(0)
        self._progress.setValue(int(1000 * self._inserted / max(1, self._total)))
        if not self._queue:
            self._timer.stop()
            self._pending = []
            self._bar.hide()
            self.editor.show()
            self.loaded.emit()

    def _stop(self) -> None:
        self._timer.stop()
        self.editor.show()
        self._queue = []
        self._pending = []

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        # Colours are baked into the document: rebuild it for the new palette.
        if (
            event.type() == QEvent.Type.PaletteChange
            and self._renderer is not None
            and not self.loading
        ):
            self.set_content(self._renderer)
