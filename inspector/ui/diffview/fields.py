"""The figures table above a span diff: rows A, B and Δ; one column per figure.

Cells hold plain item text (never rich text); tooltips with trace values are escaped. A delta
is coloured green when B is better (faster, fewer tokens, cheaper), red when worse, amber when
a parameter or the model changed, and muted when the values are the same -- and says so in
words too, so the colours are not the only cue.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from inspector.diff import SpanDiff
from inspector.model import Span
from inspector.ui.diffview.colours import DiffColours
from inspector.ui.diffview.figures import Figure, Verdict, figures
from inspector.ui.text import one_line, tooltip

_VERDICT_TIPS = {
    Verdict.BETTER: "B is better here",
    Verdict.WORSE: "B is worse here",
    Verdict.CHANGED: "changed",
    Verdict.SAME: "the same in A and B",
}


def call_label(span: Span) -> str:
    return f"{one_line(span.name, 60)} · span {span.span_id[:8]} · run {span.trace_id[:8]}"


class FiguresTable(QTableWidget):
    """A, B and their deltas, one column per figure (see :mod:`inspector.ui.diffview.figures`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 0, parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWordWrap(False)
        self.setAlternatingRowColors(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setStretchLastSection(True)
        self._figures: list[Figure] = []

    def set_diff(self, diff: SpanDiff | None, labels: tuple[str, str] = ("A", "B")) -> None:
        self.clear()
        self._figures = figures(diff) if diff is not None else []
        self.setRowCount(3)
        self.setColumnCount(1 + len(self._figures))
        self.setVerticalHeaderLabels([labels[0], labels[1], "Δ"])
        self.setHorizontalHeaderLabels(["Call", *(f.title for f in self._figures)])
        if diff is None:
            return
        colours = DiffColours.from_palette(self.palette())
        bold = QFont(self.font())
        bold.setWeight(QFont.Weight.DemiBold)
        calls = (call_label(diff.a), call_label(diff.b), "B compared with A")
        for row, text in enumerate(calls):
            item = QTableWidgetItem(text)
            item.setToolTip(tooltip(text))
            if row == 2:
                item.setForeground(colours.muted)
            self.setItem(row, 0, item)
        for column, figure in enumerate(self._figures, 1):
            changed = figure.verdict is not Verdict.SAME
            for row, (text, full) in enumerate(
                ((figure.a, figure.full_a), (figure.b, figure.full_b))
            ):
                item = QTableWidgetItem(text)
                item.setToolTip(tooltip(full))
                if changed:
                    item.setFont(bold)
                self.setItem(row, column, item)
            delta = QTableWidgetItem(figure.delta)
            delta.setForeground(self._colour(colours, figure.verdict))
            if changed:
                delta.setFont(bold)
            delta.setToolTip(tooltip(f"{figure.title}: {_VERDICT_TIPS[figure.verdict]}"))
            self.setItem(2, column, delta)
        self.resizeColumnsToContents()
        self._fit_height()

    @staticmethod
    def _colour(colours: DiffColours, verdict: Verdict) -> QColor:
        return {
            Verdict.BETTER: colours.better,
            Verdict.WORSE: colours.worse,
            Verdict.CHANGED: colours.changed,
            Verdict.SAME: colours.muted,
        }[verdict]

    def _fit_height(self) -> None:
        """Exactly the three rows, plus the scroll bar when the columns do not fit."""
        rows = sum(self.rowHeight(r) for r in range(self.rowCount()))
        width = self.verticalHeader().width() + 2 * self.frameWidth()
        overflow = self.horizontalHeader().length() > self.width() - width
        scrollbar = self.horizontalScrollBar().sizeHint().height() if overflow else 0
        frame = 2 * self.frameWidth()
        self.setFixedHeight(self.horizontalHeader().sizeHint().height() + rows + scrollbar + frame)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_height()

    def figure_texts(self) -> dict[str, tuple[str, str, str]]:
        """``{figure name: (A, B, Δ)}`` as shown (for tests and screen readers' sake)."""
        out: dict[str, tuple[str, str, str]] = {}
        for column, figure in enumerate(self._figures, 1):
            a, b, delta = (self._text(row, column) for row in range(3))
            out[figure.name] = (a, b, delta)
        return out

    def _text(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return item.text() if item is not None else ""

    def delta_colour(self, name: str) -> QColor | None:
        for column, figure in enumerate(self._figures, 1):
            if figure.name == name:
                item = self.item(2, column)
                return item.foreground().color() if item else None
        return None
