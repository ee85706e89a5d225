"""One graphics item that paints every bar of a waterfall (not one item per span).

Bars are recorded into two cached QPictures: finished spans (rebuilt when the spans change)
and running spans (rebuilt on each :meth:`BarsItem.set_widths` tick, usually a handful of
bars). Selection and critical-path outlines are painted on top each frame, so moving the
selection never re-records the bars. Row ``i`` spans ``y`` from ``i`` to ``i + 1``.
"""

from __future__ import annotations

import time

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPicture
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

from inspector.ui.charts._pg import pg
from inspector.ui.charts.theme import ERROR, KEY_COLOURS

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

BAR_TOP = 0.18  # bars fill the middle of their row, leaving a gap between rows
BAR_HEIGHT = 0.64


class BarsItem(pg.GraphicsObject):  # type: ignore[misc]
    """Horizontal bars: ``start``/``width`` in x, one row each, coloured by key."""

    def __init__(self) -> None:
        super().__init__()
        self._start: FloatArray = np.zeros(0)
        self._width: FloatArray = np.zeros(0)
        self._key: IntArray = np.zeros(0, np.int64)
        self._error: BoolArray = np.zeros(0, np.bool_)
        self._running: BoolArray = np.zeros(0, np.bool_)
        self._static = QPicture()
        self._live = QPicture()
        self._bounds = QRectF()
        self._highlight: int | None = None
        self._critical: IntArray = np.zeros(0, np.int64)
        self._highlight_colour = QColor("#1a73e8")
        self._critical_colour = QColor("#202124")
        self._background = QColor("#ffffff")
        self._dim = QPicture()
        self.paint_count = 0
        self.last_paint_s = 0.0  # perf_counter() when the last paint finished (benchmarks)

    # data ------------------------------------------------------------------------------------

    def set_bars(
        self,
        start: FloatArray,
        width: FloatArray,
        key: IntArray,
        error: BoolArray,
        running: BoolArray,
    ) -> None:
        """Replace all bars (arrays of equal length, row = index)."""
        self._start = np.asarray(start, np.float64)
        self._width = np.asarray(width, np.float64)
        self._key = np.asarray(key, np.int64)
        self._error = np.asarray(error, np.bool_)
        self._running = np.asarray(running, np.bool_)
        self._static = self._record(~self._running, hatched=False)
        self._live = self._record(self._running, hatched=True)
        self._critical = np.zeros(0, np.int64)
        self._dim = QPicture()
        self._update_bounds()

    def set_widths(self, width: FloatArray) -> None:
        """New widths for the same bars (a tick): only the running bars are re-recorded."""
        self._width = np.asarray(width, np.float64)
        self._live = self._record(self._running, hatched=True)
        self._update_bounds()

    def set_highlight(self, row: int | None) -> None:
        self._highlight = row
        self.update()

    def set_critical(self, rows: IntArray) -> None:
        """Outline these rows and fade every other bar (an empty array turns it off)."""
        self._critical = np.asarray(rows, np.int64)
        self._dim = self._record_dim()
        self.update()

    def set_colours(self, highlight: QColor, critical: QColor, background: QColor) -> None:
        self._highlight_colour = QColor(highlight)
        self._critical_colour = QColor(critical)
        self._background = QColor(background)
        self._dim = self._record_dim()
        self.update()

    def _record_dim(self) -> QPicture:
        picture = QPicture()
        if not len(self._critical):
            return picture
        others = np.ones(len(self._start), np.bool_)
        others[self._critical] = False
        veil = QColor(self._background)
        veil.setAlphaF(0.7)
        painter = QPainter(picture)
        try:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(veil)
            painter.drawRects(self._rects(np.flatnonzero(others)))
        finally:
            painter.end()
        return picture

    def __len__(self) -> int:
        return len(self._start)

    def bar_rect(self, row: int) -> QRectF:
        return QRectF(float(self._start[row]), row + BAR_TOP, float(self._width[row]), BAR_HEIGHT)

    # drawing ---------------------------------------------------------------------------------

    def _rects(self, rows: IntArray) -> list[QRectF]:
        start, width = self._start, self._width
        return [QRectF(start[r], r + BAR_TOP, width[r], BAR_HEIGHT) for r in rows.tolist()]

    def _record(self, mask: BoolArray, hatched: bool) -> QPicture:
        picture = QPicture()
        painter = QPainter(picture)
        try:
            for key in np.unique(self._key[mask]).tolist():
                rows = np.flatnonzero(mask & (self._key == key))
                colour = KEY_COLOURS[key]
                # A cosmetic outline keeps zero-length spans visible as a 1-px line.
                pen = QPen(colour.darker(125))
                pen.setCosmetic(True)
                painter.setPen(pen)
                painter.setBrush(QBrush(colour))
                rects = self._rects(rows)
                painter.drawRects(rects)
                if hatched:
                    # Running: hatched, so a bar still growing is told apart from a finished one.
                    painter.setBrush(QBrush(colour.darker(150), Qt.BrushStyle.BDiagPattern))
                    painter.drawRects(rects)
            errors = np.flatnonzero(mask & self._error)
            if len(errors):
                pen = QPen(ERROR, 2.5)
                pen.setCosmetic(True)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRects(self._rects(errors))
        finally:
            painter.end()
        return picture

    def _update_bounds(self) -> None:
        self.prepareGeometryChange()
        if len(self._start):
            left = float(np.min(self._start))
            right = float(np.max(self._start + self._width))
            self._bounds = QRectF(left, 0.0, max(right - left, 1e-9), float(len(self._start)))
        else:
            self._bounds = QRectF()
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802
        return QRectF(self._bounds)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem | None = None,
        widget: QWidget | None = None,
    ) -> None:
        painter.drawPicture(QPointF(0, 0), self._static)
        painter.drawPicture(QPointF(0, 0), self._live)
        if len(self._critical):
            painter.drawPicture(QPointF(0, 0), self._dim)
            # An underline, not an outline: error outlines stay visible on the path.
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self._critical_colour)
            below = BAR_TOP + BAR_HEIGHT + 0.04
            painter.drawRects(
                [
                    QRectF(self._start[r], r + below, self._width[r], 0.1)
                    for r in self._critical.tolist()
                ]
            )
        row = self._highlight
        if row is not None and 0 <= row < len(self._start):
            band = QColor(self._highlight_colour)
            band.setAlphaF(0.14)
            painter.fillRect(QRectF(self._bounds.left(), row, self._bounds.width(), 1.0), band)
            pen = QPen(self._highlight_colour, 3.0)
            pen.setCosmetic(True)
            painter.setPen(pen)
            fill = QColor(self._highlight_colour)
            fill.setAlphaF(0.25)
            painter.setBrush(fill)
            painter.drawRect(self.bar_rect(row))
        self.paint_count += 1
        self.last_paint_s = time.perf_counter()
