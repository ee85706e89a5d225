"""One graphics item that paints every bar of a waterfall (not one item per span).

Bars are recorded into cached QPictures, in blocks of :data:`BLOCK_ROWS` rows: a paint replays
only the blocks in view, so a frame costs the same for a run of 100 spans and of 100,000.
Finished spans are recorded when the spans change (:func:`record_bars`, which may run on a
worker thread: Qt allows painting on a QPicture from any thread); running spans are
re-recorded on each :meth:`BarsItem.set_widths` tick (usually a handful of bars). Selection and
critical-path marks are painted on top each frame, so moving the selection never re-records
the bars. Row ``i`` spans ``y`` from ``i`` to ``i + 1``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

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
BLOCK_ROWS = 128  # rows per recorded picture: a paint replays the blocks in view only

#: one picture per block of rows; ``None`` where the block has nothing to draw
Pictures = list[QPicture | None]


@dataclass(slots=True)
class RecordedBars:
    """Bars and their recorded pictures, made by :func:`record_bars` (on any thread)."""

    start: FloatArray = field(default_factory=lambda: np.zeros(0))
    width: FloatArray = field(default_factory=lambda: np.zeros(0))
    key: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    error: BoolArray = field(default_factory=lambda: np.zeros(0, np.bool_))
    running: BoolArray = field(default_factory=lambda: np.zeros(0, np.bool_))
    finished: Pictures = field(default_factory=list)
    live: Pictures = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.start)


def record_bars(
    start: FloatArray,
    width: FloatArray,
    key: IntArray,
    error: BoolArray,
    running: BoolArray,
    previous: RecordedBars | None = None,
) -> RecordedBars:
    """Record bars (arrays of equal length, row = index) into per-block pictures.

    Thread-safe: it touches no widget or graphics item, only QPictures of its own (and reads
    ``previous``, whose finished bars nobody changes).

    Args:
        previous: the bars drawn now (a live run that grew): a block whose finished bars are
            the same is not recorded again, so appending spans costs one block, not the run.
    """
    bars = RecordedBars(
        np.asarray(start, np.float64),
        np.asarray(width, np.float64),
        np.asarray(key, np.int64),
        np.asarray(error, np.bool_),
        np.asarray(running, np.bool_),
    )
    bars.finished = _record(bars, ~bars.running, hatched=False, previous=previous)
    bars.live = _record(bars, bars.running, hatched=True)
    return bars


def _rects(start: FloatArray, width: FloatArray, rows: IntArray) -> list[QRectF]:
    return [QRectF(start[r], r + BAR_TOP, width[r], BAR_HEIGHT) for r in rows.tolist()]


def _blocks(count: int) -> range:
    return range(0, count, BLOCK_ROWS)


def _record(
    bars: RecordedBars, mask: BoolArray, hatched: bool, previous: RecordedBars | None = None
) -> Pictures:
    """The bars where ``mask`` is set, one picture per block of rows (the finished bars of a
    block that ``previous`` drew the same are taken from it)."""
    pictures: Pictures = []
    for number, first in enumerate(_blocks(len(bars))):
        block = slice(first, first + BLOCK_ROWS)
        if previous is not None and _same_finished(bars, previous, block):
            pictures.append(previous.finished[number])
            continue
        rows = np.flatnonzero(mask[block]) + first
        pictures.append(_record_block(bars, rows, hatched) if len(rows) else None)
    return pictures


def _same_finished(bars: RecordedBars, previous: RecordedBars, block: slice) -> bool:
    """Whether the finished bars of a block are those of ``previous`` (running bars' widths
    are not compared: the GUI thread grows them while this runs, and they are not part of
    the finished picture)."""
    running = bars.running[block]
    if len(previous.running[block]) != len(running):
        return False
    if not np.array_equal(previous.running[block], running):
        return False
    done = ~running
    return all(
        np.array_equal(old[block][done], new[block][done])
        for old, new in (
            (previous.start, bars.start),
            (previous.width, bars.width),
            (previous.key, bars.key),
            (previous.error, bars.error),
        )
    )


def _record_block(bars: RecordedBars, rows: IntArray, hatched: bool) -> QPicture:
    picture = QPicture()
    painter = QPainter(picture)
    try:
        keys = bars.key[rows]
        for key in np.unique(keys).tolist():
            colour = KEY_COLOURS[key]
            # A cosmetic outline keeps zero-length spans visible as a 1-px line.
            pen = QPen(colour.darker(125))
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(QBrush(colour))
            rects = _rects(bars.start, bars.width, rows[keys == key])
            painter.drawRects(rects)
            if hatched:
                # Running: hatched, so a bar still growing is told apart from a finished one.
                painter.setBrush(QBrush(colour.darker(150), Qt.BrushStyle.BDiagPattern))
                painter.drawRects(rects)
        errors = rows[bars.error[rows]]
        if len(errors):
            pen = QPen(ERROR, 2.5)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRects(_rects(bars.start, bars.width, errors))
    finally:
        painter.end()
    return picture


class BarsItem(pg.GraphicsObject):  # type: ignore[misc]
    """Horizontal bars: ``start``/``width`` in x, one row each, coloured by key."""

    def __init__(self) -> None:
        super().__init__()
        self._bars = RecordedBars()
        self._bounds = QRectF()
        self._highlight: int | None = None
        self._critical: IntArray = np.zeros(0, np.int64)
        self._highlight_colour = QColor("#1a73e8")
        self._critical_colour = QColor("#202124")
        self._background = QColor("#ffffff")
        self._dim: Pictures = []
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
        self.set_recorded(record_bars(start, width, key, error, running))

    def set_recorded(self, bars: RecordedBars) -> None:
        """Replace all bars with ones recorded by :func:`record_bars` (cheap: no recording)."""
        self._bars = bars
        self._critical = np.zeros(0, np.int64)
        self._dim = []
        self._update_bounds()

    def set_widths(self, width: FloatArray) -> None:
        """New widths for the same bars (a tick): only the running bars are re-recorded."""
        self._bars.width = np.asarray(width, np.float64)
        self._bars.live = _record(self._bars, self._bars.running, hatched=True)
        self._update_bounds()

    def set_highlight(self, row: int | None) -> None:
        self._highlight = row
        self.update()

    def set_critical(self, rows: IntArray) -> None:
        """Outline these rows and fade every other bar (an empty array turns it off)."""
        self._critical = np.sort(np.asarray(rows, np.int64))
        self._dim = self._record_dim()
        self.update()

    def set_colours(self, highlight: QColor, critical: QColor, background: QColor) -> None:
        self._highlight_colour = QColor(highlight)
        self._critical_colour = QColor(critical)
        self._background = QColor(background)
        self._dim = self._record_dim()
        self.update()

    def _record_dim(self) -> Pictures:
        """A veil over every bar off the critical path (empty when there is no path)."""
        if not len(self._critical):
            return []
        others = np.ones(len(self._bars), np.bool_)
        others[self._critical] = False
        veil = QColor(self._background)
        veil.setAlphaF(0.7)
        pictures: Pictures = []
        for first in _blocks(len(self._bars)):
            rows = np.flatnonzero(others[first : first + BLOCK_ROWS]) + first
            if not len(rows):
                pictures.append(None)
                continue
            picture = QPicture()
            painter = QPainter(picture)
            try:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(veil)
                painter.drawRects(_rects(self._bars.start, self._bars.width, rows))
            finally:
                painter.end()
            pictures.append(picture)
        return pictures

    def __len__(self) -> int:
        return len(self._bars)

    @property
    def recorded(self) -> RecordedBars:
        """The bars drawn now (pass them to :func:`record_bars` as ``previous``)."""
        return self._bars

    def bar_rect(self, row: int) -> QRectF:
        bars = self._bars
        return QRectF(float(bars.start[row]), row + BAR_TOP, float(bars.width[row]), BAR_HEIGHT)

    # drawing ---------------------------------------------------------------------------------

    def _update_bounds(self) -> None:
        self.prepareGeometryChange()
        bars = self._bars
        if len(bars):
            left = float(np.min(bars.start))
            right = float(np.max(bars.start + bars.width))
            self._bounds = QRectF(left, 0.0, max(right - left, 1e-9), float(len(bars)))
        else:
            self._bounds = QRectF()
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802
        return QRectF(self._bounds)

    def _rows_in_view(self) -> tuple[int, int]:
        """The rows the view shows (all of them when there is no view yet)."""
        count = len(self._bars)
        view = self.viewRect()
        if view is None:
            return 0, count
        top, bottom = sorted((view.top(), view.bottom()))
        return max(0, math.floor(top)), min(count, math.ceil(bottom) + 1)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem | None = None,
        widget: QWidget | None = None,
    ) -> None:
        first, last = self._rows_in_view()
        origin = QPointF(0, 0)
        dimmed = len(self._critical) > 0
        for block in range(first // BLOCK_ROWS, (last + BLOCK_ROWS - 1) // BLOCK_ROWS):
            for layer in (self._bars.finished, self._bars.live, self._dim if dimmed else []):
                picture = layer[block] if block < len(layer) else None
                if picture is not None:
                    painter.drawPicture(origin, picture)
        if dimmed:
            # An underline, not an outline: error outlines stay visible on the path.
            shown = self._critical[
                np.searchsorted(self._critical, first) : np.searchsorted(self._critical, last)
            ]
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self._critical_colour)
            below = BAR_TOP + BAR_HEIGHT + 0.04
            start, width = self._bars.start, self._bars.width
            painter.drawRects([QRectF(start[r], r + below, width[r], 0.1) for r in shown.tolist()])
        row = self._highlight
        if row is not None and 0 <= row < len(self._bars):
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
