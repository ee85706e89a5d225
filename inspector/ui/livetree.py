"""The span tree model while a run is being written: running spans tick, placeholders explain.

:class:`LiveSpanTreeModel` is the window's tree model. With :attr:`live_clock` on (the source
is followed) a span without an end shows how long it has been running, and :func:`tick_visible`
repaints only the rows on screen once a second. Rows standing in for parents that have not
arrived (:mod:`inspector.ui.placeholders`) are greyed and say why.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QTreeView

from inspector.store.queries import SpanRow
from inspector.ui import text
from inspector.ui.models.spantree import SPAN_ROW_ROLE, SpanTreeModel, _Node
from inspector.ui.placeholders import PlaceholderRow


def elapsed_text(ns: int) -> str:
    """How long a running span has run, to the second (it is repainted once a second)."""
    if ns < 1_000_000_000:
        return "<1 s…"
    if ns < 60_000_000_000:
        return f"{ns // 1_000_000_000} s…"
    return text.duration(ns) + "…"


class LiveSpanTreeModel(SpanTreeModel):
    """:class:`SpanTreeModel` with elapsed times on running spans and placeholder rows."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.live_clock = False

    def _display(self, node: _Node, row: SpanRow, column: int) -> str:
        if (
            column == self.DURATION
            and row.end_ns is None
            and self.live_clock
            and row.start_ns is not None
        ):
            elapsed = time.time_ns() - row.start_ns
            if elapsed >= 0:
                return elapsed_text(elapsed)
        return super()._display(node, row, column)

    def _foreground(self, node: _Node, row: SpanRow, column: int) -> QColor | None:
        if isinstance(row, PlaceholderRow):
            return QApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        return super()._foreground(node, row, column)

    def _tooltip(self, node: _Node, row: SpanRow, column: int) -> str | None:
        if isinstance(row, PlaceholderRow) and column == self.NAME:
            return text.tooltip(
                f"Span {row.span_id} has not arrived yet.\n"
                "OpenTelemetry exports a span when it ends, so its children came first; "
                "they are shown below this row, which the span replaces when it lands."
            )
        return super()._tooltip(node, row, column)


def tick_visible(model: SpanTreeModel, view: QTreeView) -> int:
    """Emit ``dataChanged`` for the duration cell of each running span the view shows now."""
    if not view.isVisible():
        # Another tab is shown. Walking a hidden view's rows makes it lay out every pending
        # insert first (~50 ms for a few thousand live rows); a shown view paints fresh times.
        return 0
    viewport = view.viewport()
    index = view.indexAt(viewport.rect().topLeft())
    bottom = viewport.height()
    ticked = 0
    while index.isValid() and view.visualRect(index).top() < bottom:
        row = index.data(SPAN_ROW_ROLE)
        if isinstance(row, SpanRow) and row.end_ns is None:
            cell = index.siblingAtColumn(SpanTreeModel.DURATION)
            model.dataChanged.emit(cell, cell)
            ticked += 1
        index = view.indexBelow(index)
    return ticked
