"""Axes for the charts: span names per waterfall row, and durations as "250 ms" / "1.5 s"."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter

from inspector.ui.charts._pg import pg
from inspector.ui.text import one_line

ROW_LABEL_PX = 17  # a name is written only when a row is at least this tall


def format_ms(value: float, spacing: float) -> str:
    """A time offset in ms, with as many decimals as the tick spacing needs."""
    if spacing >= 60_000 or abs(value) >= 600_000:
        minutes, seconds = divmod(value / 1000, 60)
        return f"{int(minutes)} m {seconds:02.0f} s" if seconds else f"{int(minutes)} m"
    if spacing >= 1000 or abs(value) >= 10_000:
        decimals = max(0, -math.floor(math.log10(spacing / 1000))) if spacing < 1000 else 0
        return f"{value / 1000:.{min(decimals, 3)}f} s"
    decimals = max(0, -math.floor(math.log10(spacing))) if spacing > 0 else 0
    return f"{value:.{min(decimals, 3)}f} ms"


class DurationAxis(pg.AxisItem):  # type: ignore[misc]
    """Milliseconds from the run's start, written in the unit that reads best."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        return [format_ms(v * scale, spacing * scale) for v in values]


class RowAxis(pg.AxisItem):  # type: ignore[misc]
    """One tick per visible row, labelled by ``label(row)`` (an indented span name).

    When rows get too thin to read, the labels thin out to every n-th row instead of
    overlapping.
    """

    def __init__(self, label: Callable[[int], str], count: Callable[[], int], **kw: Any) -> None:
        super().__init__("left", **kw)
        self._label = label
        self._count = count
        # Labels are thinned by tickValues; pyqtgraph must not drop them for "filling" the axis.
        self.setStyle(tickLength=0, autoExpandTextSpace=False, textFillLimits=[(0, 1.0)])
        self.setWidth(220)

    def tickValues(  # noqa: N802
        self, min_val: float, max_val: float, size: float
    ) -> list[tuple[float, list[float]]]:
        low, high = min(min_val, max_val), max(min_val, max_val)  # the y axis is inverted
        count = self._count()
        first = max(0, math.floor(low))
        last = min(count - 1, math.ceil(high))
        if last < first or size <= 0:
            return []
        rows_per_px = (high - low) / size
        step = max(1, math.ceil(rows_per_px * ROW_LABEL_PX))
        first -= first % step
        return [(float(step), [r + 0.5 for r in range(first, last + 1, step)])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        return [self._label(int(v)) for v in values]

    def generateDrawSpecs(self, p: QPainter) -> Any:  # noqa: N802
        """Names left-aligned (indentation shows depth) and elided to the axis width."""
        specs = super().generateDrawSpecs(p)
        if specs is None:
            return None
        axis, ticks, texts = specs
        left = self.boundingRect().left() + 6
        width = self.width() - 12
        metrics = p.fontMetrics()
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        aligned = [
            (
                QRectF(left, rect.center().y() - 11, width, 22),
                flags,
                metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(width)),
            )
            for rect, _flags, text in texts
        ]
        return axis, ticks, aligned


def elide(text: str, limit: int = 38) -> str:
    """One display line of at most ``limit`` characters."""
    line = one_line(text, limit * 2)
    return line if len(line) <= limit else line[: limit - 1] + "…"
