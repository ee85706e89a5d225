"""The runs table's cost cell: a column too narrow for the cost shows a shorter true text.

Qt cuts a cell's text that does not fit with "…": "$0.000036" in a narrow column became
"$0.00000…", which reads as zero. This delegate picks instead the longest of
:func:`inspector.ui.models.runs.shorter_costs` that fits ("<$0.0001"), and leaves the exact
value to the tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from inspector.store.queries import RunRow
from inspector.ui.models.runs import RUN_ROLE, shorter_costs


def text_room(option: QStyleOptionViewItem) -> int:
    """The width a cell's text gets: the cell less the style's text margins."""
    widget = option.widget
    style = widget.style() if widget is not None else QApplication.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
    return option.rect.width() - 2 * margin


class CostDelegate(QStyledItemDelegate):
    """Shows a shorter, still true, cost when the full one does not fit its cell."""

    def initStyleOption(  # noqa: N802 - Qt override
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        room = text_room(option)
        if option.rect.width() <= 0 or option.fontMetrics.horizontalAdvance(option.text) <= room:
            return  # sizing (no cell yet), or it fits
        run = index.data(RUN_ROLE)
        if not isinstance(run, RunRow):
            return
        for shorter in shorter_costs(run):
            if option.fontMetrics.horizontalAdvance(shorter) <= room:
                option.text = shorter
                return
