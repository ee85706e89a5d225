"""Painting the duration column as a bar placed on the run's timeline."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from inspector.model import SpanKind, Status
from inspector.ui.badges import kind_colour
from inspector.ui.models.spantree import SPAN_ROW_ROLE, TIMELINE_ROLE

ERROR_BAR = QColor(220, 50, 47)


class TimelineDelegate(QStyledItemDelegate):
    """Draws where a span starts and how long it lasts relative to its run, plus its duration.

    The bar is the span's kind colour (red when it failed); the text stays in the palette's
    text colour on the left, so it reads on light and dark themes alike.
    """

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        label = opt.text
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        timeline = index.data(TIMELINE_ROLE)
        row = index.data(SPAN_ROW_ROLE)
        rect = QRectF(opt.rect).adjusted(4, 3, -4, -3)
        # room for the widest usual label ("999.9 ms"), the rest of the cell for the bar
        text_width = min(
            float(opt.fontMetrics.horizontalAdvance("999.9 ms") + 4), rect.width() * 0.6
        )
        track = rect.adjusted(text_width + 4, 0, 0, 0)
        painter.save()
        if timeline is not None and track.width() > 8:
            start, end, run_start, run_end = timeline
            if start is not None and run_start is not None and run_end is not None:
                total = max(1, run_end - run_start)
                stop = end if end is not None else run_end
                left = track.left() + track.width() * max(0, start - run_start) / total
                width = max(2.0, track.width() * max(0, stop - start) / total)
                width = min(width, track.right() - left)
                error = row is not None and row.status is Status.ERROR
                colour = (
                    ERROR_BAR
                    if error
                    else kind_colour(row.kind if row is not None else SpanKind.UNKNOWN)
                )
                groove = QColor(opt.palette.color(QPalette.ColorRole.Text))
                groove.setAlphaF(0.08)
                painter.fillRect(track, groove)
                if end is None:
                    colour.setAlphaF(0.45)  # still running: a faded bar to the run's end
                painter.fillRect(
                    QRectF(left, track.top() + 1, max(2.0, width), track.height() - 2), colour
                )
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(opt.palette.color(role))
        painter.setFont(option.font)  # never bold: the column's width is made for plain text
        painter.drawText(
            rect.adjusted(0, 0, -(rect.width() - text_width), 0),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
            label,
        )
        painter.restore()
