"""Rendering a span diff into a ``QTextDocument``: two-sided tables, one message pair each.

Each message pair is a table of four columns (A's line numbers, A's text, B's line numbers,
B's text), so both sides of a row always share one height and scroll together however the
text wraps. Long messages continue over several tables of :data:`SEGMENT_ROWS` rows, which
Qt lays out lazily. Trace text goes in only through ``QTextCursor.insertText`` -- never as markup --
so ``<b>`` in a prompt shows as ``<b>``. Changed words carry a background colour and the
:data:`MARK_PROPERTY` format property, which is how tests (and :func:`marked_fragments`)
find them again. Folds and "show more" rows are anchors whose hrefs we make ourselves
(``diffview:N``); :class:`Rendered` maps them back to the expansion they stand for.

The document is built detached from any view (a table in a visible document is re-laid out
on every insertion) and handed to the view in one piece.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrameFormat,
    QTextLength,
    QTextTable,
    QTextTableCell,
    QTextTableFormat,
)

from inspector.diff import Change, MessageDiff, RowTag, SpanDiff
from inspector.ui.detail.styles import Styles, monospace_font
from inspector.ui.diffview.colours import DiffColours
from inspector.ui.diffview.plan import (
    MORE_STEP,
    REST_STEP,
    SHOW_ALL_LIMIT,
    Budget,
    Cell,
    FoldRow,
    Key,
    LineRow,
    MoreRow,
    RestRow,
    ViewState,
    message_rows,
)
from inspector.ui.marked import insert_marked
from inspector.ui.text import one_line

MARK_PROPERTY = int(QTextFormat.Property.UserProperty) + 1
"""Set (to ``"a"`` or ``"b"``) on the character format of every changed-word highlight."""
LINK_SCHEME = "diffview"

_SIDES = (("prompt", "Prompt"), ("response", "Response"))
_NUMBER_DIGITS = "00000"
SEGMENT_ROWS = 25
"""Rows per table: a message's rows are split over tables this long, because Qt lays out a
table in one piece but lays out a document's tables lazily, as they scroll into view."""


@dataclass(frozen=True, slots=True)
class Expansion:
    """What clicking a link does: show ``rows`` rows of ``key``."""

    key: Key
    rows: int


@dataclass
class Rendered:
    """A rendered diff: the document, what its links do, and where its changes start."""

    document: QTextDocument
    links: dict[str, Expansion] = field(default_factory=dict)
    changes: list[int] = field(default_factory=list)
    """Document positions where a run of changed rows (or a changed message) starts."""


def side_summary(messages: Sequence[MessageDiff]) -> str:
    """``3 → 5 messages · 2 unchanged · 1 changed · 3 added · 1 removed``."""
    count_a = sum(m.index_a is not None for m in messages)
    count_b = sum(m.index_b is not None for m in messages)
    changes = Counter(m.change for m in messages)
    words = {
        Change.EQUAL: "unchanged",
        Change.CHANGED: "changed",
        Change.ADDED: "added",
        Change.REMOVED: "removed",
    }
    parts = [f"{count_a} → {count_b} message{'s' if count_b != 1 else ''}"]
    parts += [f"{changes[c]} {words[c]}" for c in words if changes[c]]
    return " · ".join(parts)


class _Writer:
    """Builds one document; formats are made once per rendering."""

    def __init__(self, palette: QPalette, font: QFont, state: ViewState) -> None:
        self.colours = colours = DiffColours.from_palette(palette)
        self.styles = Styles.from_palette(palette)
        self.state = state
        self.budget = Budget()
        self.document = QTextDocument()
        self.document.setDefaultFont(font)
        self.document.setUndoRedoEnabled(False)
        self.rendered = Rendered(self.document)
        self.cursor = QTextCursor(self.document)
        self.fresh = True

        mono = monospace_font()
        if font.pointSizeF() > 0:  # a font sized in pixels has no point size
            mono.setPointSizeF(font.pointSizeF())
        self.mono = QTextCharFormat()
        self.mono.setFont(mono)
        self.number_width = QFontMetrics(mono).horizontalAdvance(_NUMBER_DIGITS) + 8
        self.muted = QTextCharFormat()
        self.muted.setForeground(colours.muted)
        self.muted_mono = QTextCharFormat(self.mono)
        self.muted_mono.setForeground(colours.muted)
        self.cut = QTextCharFormat(self.muted_mono)
        self.cut.setFontItalic(True)
        self.squashed = QTextBlockFormat()
        self.squashed.setLineHeight(0, QTextBlockFormat.LineHeightTypes.FixedHeight.value)
        self.tiny = QTextCharFormat()
        self.tiny.setFontPointSize(1)
        self.heading = QTextCharFormat()
        self.heading.setFontWeight(QFont.Weight.Bold)
        if font.pointSizeF() > 0:
            self.heading.setFontPointSize(font.pointSizeF() * 1.25)
        self.word = {
            "a": self._word_format(colours.removed_word, "a"),
            "b": self._word_format(colours.added_word, "b"),
        }
        self.status = {
            Change.EQUAL: ("unchanged", colours.muted),
            Change.CHANGED: ("changed", colours.changed),
            Change.ADDED: ("added", colours.better),
            Change.REMOVED: ("removed", colours.worse),
        }

    def _word_format(self, background: QColor, side: str) -> QTextCharFormat:
        fmt = QTextCharFormat(self.mono)
        fmt.setBackground(background)
        fmt.setProperty(MARK_PROPERTY, side)
        return fmt

    # paragraphs outside tables --------------------------------------------------------------

    def paragraph(self, text: str, fmt: QTextCharFormat, top: float = 0.0) -> None:
        block = QTextBlockFormat()
        block.setTopMargin(top)
        block.setBottomMargin(2)
        if self.fresh:
            self.cursor.setBlockFormat(block)
            self.fresh = False
        else:
            self.cursor.insertBlock(block)
        self.cursor.insertText(text, fmt)

    # tables -----------------------------------------------------------------------------------

    def _table(self, rows: int, *, first: bool) -> QTextTable:
        table_format = QTextTableFormat()
        table_format.setBorder(1)
        table_format.setBorderStyle(QTextFrameFormat.BorderStyle.BorderStyle_Solid)
        table_format.setBorderBrush(QBrush(self.colours.border))
        table_format.setBorderCollapse(True)
        table_format.setCellSpacing(0)
        table_format.setCellPadding(2)
        table_format.setTopMargin(8 if first else 0)
        table_format.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
        fixed = QTextLength(QTextLength.Type.FixedLength, self.number_width)
        half = QTextLength(QTextLength.Type.PercentageLength, 50)
        table_format.setColumnWidthConstraints([fixed, half, fixed, half])
        self.cursor.movePosition(QTextCursor.MoveOperation.End)
        if not first:
            # The empty paragraph Qt keeps between two tables would show as a gap inside
            # one message: make it (nearly) zero height.
            self.cursor.setBlockFormat(self.squashed)
            self.cursor.setBlockCharFormat(self.tiny)
            self.cursor.setCharFormat(self.tiny)
        self.fresh = False
        return self.cursor.insertTable(rows, 4, table_format)

    def message(self, diff: MessageDiff, position: int) -> None:
        rows = message_rows(diff, position, self.state, self.budget)
        previous = RowTag.EQUAL
        for start in range(0, max(1, len(rows)), SEGMENT_ROWS):
            segment = rows[start : start + SEGMENT_ROWS]
            first = start == 0
            table = self._table(len(segment) + first, first=first)
            if first:
                if diff.change is not Change.EQUAL:
                    self._change_at(table, 0)
                self._header(table, diff)
            for r, row in enumerate(segment, int(first)):
                if isinstance(row, LineRow):
                    self._line(table, r, row)
                    # A changed message is already a stop at its header (its first row).
                    later = start + r - int(first) > 0
                    if row.tag is not RowTag.EQUAL and previous is RowTag.EQUAL and later:
                        self._change_at(table, r)
                    previous = row.tag
                else:
                    self._link_row(table, r, row)
                    previous = RowTag.EQUAL
        self.cursor.movePosition(QTextCursor.MoveOperation.End)

    def _change_at(self, table: QTextTable, row: int) -> None:
        self.rendered.changes.append(table.cellAt(row, 0).firstCursorPosition().position())

    def _header(self, table: QTextTable, diff: MessageDiff) -> None:
        table.mergeCells(0, 0, 1, 2)
        table.mergeCells(0, 2, 1, 2)
        role_format, role_block = self.styles.role(diff.role)
        tint = role_block.background()
        for column, index, missing in (
            (0, diff.index_a, "not in A"),
            (2, diff.index_b, "not in B"),
        ):
            cell = table.cellAt(0, column)
            cursor = cell.firstCursorPosition()
            if index is None:
                self._background(cell, self.colours.missing)
                cursor.insertText(missing, self.muted)
                continue
            self._background(cell, tint)
            cursor.insertText(f"#{index}  ", self.muted)
            cursor.insertText(one_line(diff.role, 40), role_format)
            # The change is stated once: on A's side for a removed message, else on B's.
            if column == (0 if diff.change is Change.REMOVED else 2):
                word, colour = self.status[diff.change]
                status = QTextCharFormat()
                status.setForeground(colour)
                status.setFontWeight(QFont.Weight.DemiBold)
                cursor.insertText(f"   {word}", status)

    def _line(self, table: QTextTable, r: int, row: LineRow) -> None:
        colours = self.colours
        backgrounds: tuple[QBrush | None, QBrush | None]
        if row.tag is RowTag.EQUAL:
            backgrounds = (None, None)
        elif row.tag is RowTag.CHANGED:
            backgrounds = (QBrush(colours.removed_line), QBrush(colours.added_line))
        elif row.tag is RowTag.REMOVED:
            backgrounds = (QBrush(colours.removed_line), colours.missing)
        else:
            backgrounds = (colours.missing, QBrush(colours.added_line))
        for side, column, content in (("a", 0, row.a), ("b", 2, row.b)):
            background = backgrounds[column // 2]
            number_cell, text_cell = table.cellAt(r, column), table.cellAt(r, column + 1)
            if background is not None:
                self._background(number_cell, background)
                self._background(text_cell, background)
            if content is None:
                continue
            cursor = number_cell.firstCursorPosition()
            block = QTextBlockFormat()
            block.setAlignment(Qt.AlignmentFlag.AlignRight)
            cursor.setBlockFormat(block)
            cursor.insertText(str(content.number), self.muted_mono)
            self._text(text_cell.firstCursorPosition(), content, side)

    def _text(self, cursor: QTextCursor, content: Cell, side: str) -> None:
        text, at = content.text, 0
        for start, end in content.marks:
            # Marked piece by piece: the word marks count characters of the text as it is.
            if start > at:
                insert_marked(cursor, text[at:start], self.mono)
            if end > start:
                insert_marked(cursor, text[start:end], self.word[side])
            at = max(at, end)
        if at < len(text):
            insert_marked(cursor, text[at:], self.mono)
        if content.cut:
            cursor.insertText(f" … {content.cut:,} more characters on this line", self.cut)

    def _link_row(self, table: QTextTable, r: int, row: FoldRow | MoreRow | RestRow) -> None:
        table.mergeCells(r, 0, 1, 4)
        cell = table.cellAt(r, 0)
        self._background(cell, QBrush(self.colours.fold))
        cursor = cell.firstCursorPosition()
        block = QTextBlockFormat()
        block.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        cursor.setBlockFormat(block)
        if isinstance(row, FoldRow):
            plural = "s" if row.count != 1 else ""
            cursor.insertText(f"⋯ {row.count:,} unchanged line{plural} — ", self.muted)
            self._link(cursor, "click to expand", Expansion(row.key, min(row.count, MORE_STEP)))
            return
        if isinstance(row, RestRow):
            step = min(row.items, REST_STEP)
            plural = "s" if row.changes != 1 else ""
            cursor.insertText(
                f"⋯ the rest of this message is not shown ({row.changes:,} more change{plural}) — ",
                self.muted,
            )
            self._link(cursor, "show more", Expansion(row.key, row.shown + step))
            return
        kind = "unchanged" if row.unchanged else "changed"
        plural = "s" if row.hidden != 1 else ""
        cursor.insertText(f"⋯ {row.hidden:,} more {kind} line{plural} — ", self.muted)
        step = min(row.hidden, MORE_STEP)
        self._link(cursor, f"show {step:,} more", Expansion(row.key, row.shown + step))
        if step < row.hidden <= SHOW_ALL_LIMIT:
            cursor.insertText("  ·  ", self.muted)
            self._link(cursor, "show all", Expansion(row.key, row.shown + row.hidden))

    def _link(self, cursor: QTextCursor, text: str, expansion: Expansion) -> None:
        href = f"{LINK_SCHEME}:{len(self.rendered.links)}"
        self.rendered.links[href] = expansion
        fmt = QTextCharFormat()
        fmt.setAnchor(True)
        fmt.setAnchorHref(href)
        fmt.setForeground(self.colours.link)
        fmt.setFontUnderline(True)
        cursor.insertText(text, fmt)

    @staticmethod
    def _background(cell: QTextTableCell, brush: QBrush) -> None:
        fmt = cell.format().toTableCellFormat()
        fmt.setBackground(brush)
        cell.setFormat(fmt)


def render(diff: SpanDiff, state: ViewState, palette: QPalette, font: QFont) -> Rendered:
    """Build the document showing ``diff`` with the expansions in ``state``."""
    writer = _Writer(palette, font, state)
    for side, title in _SIDES:
        messages: Sequence[MessageDiff] = getattr(diff, side)
        writer.paragraph(title, writer.heading, top=0.0 if side == "prompt" else 14.0)
        if not messages:
            writer.paragraph(f"No {side} recorded on either call.", writer.muted)
            continue
        writer.paragraph(side_summary(messages), writer.muted)
        for position, message in enumerate(messages):
            writer.message(message, position)
    return writer.rendered


def marked_fragments(document: QTextDocument) -> list[tuple[str, str]]:
    """``(side, text)`` of every changed-word highlight in ``document``, in document order."""
    out: list[tuple[str, str]] = []
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            side = fragment.charFormat().property(MARK_PROPERTY)
            if isinstance(side, str):
                out.append((side, fragment.text()))
            iterator += 1
        block = block.next()
    return out
