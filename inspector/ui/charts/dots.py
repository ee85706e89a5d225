"""A fast scatter item for points re-picked on every pan: one colour, one size, no per-point
Python.

pyqtgraph's ScatterPlotItem builds a style record per point in ``setData`` (tens of ms per
10,000 points), too slow to refill while the user drags; this item keeps the numpy arrays and
paints them as one ``drawPixmapFragments`` call. Picking is :meth:`DotsItem.nearest`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

from inspector.ui.charts._pg import pg

FloatArray = npt.NDArray[np.float64]


class DotsItem(pg.GraphicsObject):  # type: ignore[misc]
    """Round dots of one colour and size (in pixels) at data coordinates."""

    def __init__(self, colour: QColor, size: float = 5.0) -> None:
        super().__init__()
        self._x: FloatArray = np.zeros(0)
        self._y: FloatArray = np.zeros(0)
        self._bounds = QRectF()
        self._colour = QColor(colour)
        self._size = size
        self._sprite_key: tuple[int, float, float] | None = None
        self._sprite_pixmap = QPixmap()
        self._fragments = pg.Qt.internals.PrimitiveArray(QPainter.PixmapFragment, 10)

    def setData(self, x: FloatArray, y: FloatArray, size: float | None = None) -> None:  # noqa: N802
        """Replace the points (equal-length arrays)."""
        self._x = np.asarray(x, np.float64)
        self._y = np.asarray(y, np.float64)
        if size is not None:
            self._size = size
        self.prepareGeometryChange()
        if len(self._x):
            left, right = float(self._x.min()), float(self._x.max())
            top, bottom = float(self._y.min()), float(self._y.max())
            self._bounds = QRectF(left, top, max(right - left, 1e-9), max(bottom - top, 1e-9))
        else:
            self._bounds = QRectF()
        self.update()

    def getData(self) -> tuple[FloatArray, FloatArray]:  # noqa: N802
        return self._x, self._y

    def set_colour(self, colour: QColor) -> None:
        self._colour = QColor(colour)
        self.update()

    def __len__(self) -> int:
        return len(self._x)

    def nearest(self, scene_pos: QPointF, radius_px: float) -> int | None:
        """Index of the point drawn nearest to a scene position, if within ``radius_px``."""
        if not len(self._x):
            return None
        view = self.getViewBox()
        if view is None:
            return None
        point = view.mapSceneToView(scene_pos)
        px, py = view.viewPixelSize()
        dx = (self._x - point.x()) / px
        dy = (self._y - point.y()) / py
        distance = dx * dx + dy * dy
        best = int(np.argmin(distance))
        return best if distance[best] <= radius_px * radius_px else None

    def dataBounds(self, ax: int, frac: float = 1.0, **_: object) -> tuple[float, float] | None:  # noqa: N802
        values = self._x if ax == 0 else self._y
        if not len(values):
            return None
        return float(values.min()), float(values.max())

    def boundingRect(self) -> QRectF:  # noqa: N802
        if self._bounds.isNull() and not len(self._x):
            return QRectF()
        # grow by the dot radius so dots at the edge are repainted whole
        px, py = self.pixelWidth() or 0.0, self.pixelHeight() or 0.0
        r = self._size
        return self._bounds.adjusted(-r * px, -r * py, r * px, r * py)

    def _sprite(self, dpr: float) -> QPixmap:
        """The dot, rendered once per colour, size and device pixel ratio."""
        key = (self._colour.rgba(), self._size, dpr)
        if self._sprite_key != key:
            side = max(1, int(np.ceil(self._size * dpr)) + 2)
            pixmap = QPixmap(side, side)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self._colour)
            painter.drawEllipse(QRectF(1, 1, side - 2, side - 2))
            painter.end()
            pixmap.setDevicePixelRatio(dpr)
            self._sprite_pixmap = pixmap
            self._sprite_key = key
        return self._sprite_pixmap

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem | None = None,
        widget: QWidget | None = None,
    ) -> None:
        if not len(self._x):
            return
        # As pyqtgraph's ScatterPlotItem does: map to device pixels with numpy, then stamp one
        # pre-rendered sprite per point with drawPixmapFragments (far cheaper than drawPoints
        # with a round antialiased pen).
        dpr = widget.devicePixelRatioF() if widget is not None else 1.0
        sprite = self._sprite(dpr)
        points = pg.functions.transformCoordinates(
            painter.transform(), np.vstack([self._x, self._y])
        )
        points = pg.functions.clip_array(points, -(2**30), 2**30)
        self._fragments.resize(points.shape[1])
        fragments = self._fragments.ndarray()
        fragments[:, 0:2] = points.T
        fragments[:, 2:6] = [0, 0, sprite.width(), sprite.height()]
        fragments[:, 6:10] = [1 / dpr, 1 / dpr, 0.0, 1.0]
        painter.resetTransform()
        # (fragments, count, pixmap): the overload pyqtgraph uses; PySide6's stubs lack it
        painter.drawPixmapFragments(*self._fragments.drawargs(), sprite)  # type: ignore[call-arg]
