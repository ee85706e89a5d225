"""Latency of LLM calls: histogram with p50/p90/p99, a stats table per model or span name, and
a scatter of every call's latency against its start time.

The scatter keeps all calls as numpy arrays but draws only a decimated subset for the current
view (:func:`inspector.charts.decimate.decimate`), re-picked on a worker thread as the view
moves (:class:`~inspector.ui.charts.picker.ScatterPicker`) and drawn by a light item
(:class:`~inspector.ui.charts.dots.DotsItem`), so a million calls pan and zoom without stalling
the event loop.

    python -m inspector.ui.charts.latency TRACE [--by model|name] [--screenshot FILE] [--dark]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QPointF,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector.charts.decimate import scatter_series
from inspector.charts.export import latency_csv
from inspector.charts.loaders import LatencyData, load_latency, load_more_latency
from inspector.charts.stats import ALL, LatencyStats, group_mask, latency_histogram
from inspector.store.charts import ChartScope, call_ids
from inspector.store.queries import StoreReader
from inspector.ui.charts._pg import pg
from inspector.ui.charts.dots import DotsItem
from inspector.ui.charts.export import CsvExports, ExportButton, save_png
from inspector.ui.charts.picker import Request, ScatterPicker
from inspector.ui.charts.tables import KEY_ROLE, SORT_ROLE, LatencyTableModel
from inspector.ui.charts.theme import (
    ERROR,
    PERCENTILES,
    POINT_DARK,
    POINT_LIGHT,
    is_dark,
    light_grid,
    style_plot,
    style_view,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
MARGIN = 0.25  # points are picked this far beyond each edge, so a pan shows points at once
PICK_PX = 6  # a click this close to a dot picks it
MAX_POINTS = 6000  # per series: bounds the cost of each frame while panning
SYNC_PICK = 50_000  # up to this many points, pick at once rather than on the worker


class LatencyWidget(QWidget):
    """Latency per model or span name, and per call over time.

    Signals:
        spanClicked(trace_id, span_id): a scatter point was clicked.
    """

    spanClicked = Signal(str, str)  # noqa: N815 - Qt signal naming

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data = LatencyData()
        self._by = "model"
        self._group = ALL
        self._reader: StoreReader | None = None
        # Scatter points of the selected group (x: start in s, y: latency in s), by start time.
        self._x: FloatArray = np.zeros(0)
        self._y: FloatArray = np.zeros(0)
        self._index: IntArray = np.zeros(0, np.int64)  # position in data.calls of each point
        self._ok: IntArray = np.zeros(0, np.int64)  # points of ok calls: positions in _x
        self._err: IntArray = np.zeros(0, np.int64)  # points of failed calls
        self._shown: IntArray = np.zeros(0, np.int64)  # points drawn: positions in _x
        self._shown_error: IntArray = np.zeros(0, np.int64)

        self.group_by = QComboBox()
        self.group_by.addItem("Model", "model")
        self.group_by.addItem("Span name", "name")
        self.group_by.currentIndexChanged.connect(
            lambda _: self.set_group_by(str(self.group_by.currentData()))
        )
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.export_button = ExportButton(lambda: self, self.csv_exports, "latency")

        self.histogram = pg.PlotWidget()
        self.hist_plot = self.histogram.getPlotItem()
        self.hist_plot.setMenuEnabled(False)
        self.hist_plot.hideButtons()
        self.hist_plot.setMouseEnabled(x=False, y=False)
        self.hist_plot.setLabel("bottom", "latency", units="s")
        self.hist_plot.setLabel("left", "calls")
        self.hist_curve = pg.PlotDataItem(
            np.array([0.0, 1.0]), np.array([0.0]), stepMode="center", fillLevel=0
        )
        self.hist_plot.addItem(self.hist_curve)
        self.lines: dict[str, pg.InfiniteLine] = {}
        for height, (name, colour) in zip((0.95, 0.85, 0.75), PERCENTILES.items(), strict=True):
            line = pg.InfiniteLine(
                angle=90,
                movable=False,
                pen=pg.mkPen(colour, width=2, style=Qt.PenStyle.DashLine),
                label=name,
                labelOpts={"position": height, "color": colour, "anchors": [(0, 0), (0, 0)]},
            )
            self.hist_plot.addItem(line, ignoreBounds=True)
            self.lines[name] = line

        self.table_model = LatencyTableModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.table_model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_row)

        self.scatter_widget = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        self.scatter_plot = self.scatter_widget.getPlotItem()
        self.scatter_plot.setMenuEnabled(False)
        self.scatter_plot.hideButtons()
        self.scatter_plot.setLabel("left", "latency", units="s")
        light_grid(self.scatter_plot, x=True, y=True)
        self.scatter = DotsItem(QColor(POINT_LIGHT), 5)
        self.scatter_errors = DotsItem(ERROR, 7)
        self.scatter_plot.addItem(self.scatter)
        self.scatter_plot.addItem(self.scatter_errors)
        self.scatter_widget.scene().sigMouseClicked.connect(self._on_click)
        self.scatter_view = self.scatter_plot.getViewBox()
        self.picker = ScatterPicker(self._show_picked, MAX_POINTS, self)
        self.scatter_view.sigRangeChanged.connect(self._on_range)
        self.scatter_view.sigResized.connect(self._on_range)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Group by"))
        bar.addWidget(self.group_by)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.export_button)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.histogram)
        top.addWidget(self.table)
        top.setSizes([500, 500])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.scatter_widget)
        split.setSizes([300, 340])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        self._apply_palette()

    # data ------------------------------------------------------------------------------------

    @property
    def data(self) -> LatencyData:
        return self._data

    def set_reader(self, reader: StoreReader | None) -> None:
        """The reader used to turn a clicked point into ids (the GUI thread's reader)."""
        self._reader = reader

    def refresh(self, reader: StoreReader, scope: ChartScope | None = None) -> None:
        """Read and show the calls in scope now (on this thread; see :func:`load_latency`)."""
        self.set_reader(reader)
        self.set_data(load_latency(reader, scope))

    def append(self, reader: StoreReader) -> None:
        """Add the calls written since the last read (live; on this thread)."""
        self.set_reader(reader)
        self.set_data(load_more_latency(reader, self._data))

    def set_data(self, data: object) -> None:
        """Show loaded data (a :class:`LatencyData`, e.g. from a worker). Items are reused; the
        view follows new data only when it was showing everything."""
        assert isinstance(data, LatencyData)
        following = self._showing_all()
        self._data = data
        self._fill_table()
        self._select_points()
        self._update_histogram()
        if following:
            self.fit()
        else:
            self.redecimate()

    def set_group_by(self, by: str) -> None:
        """Group the table (and the histogram choice) by ``"model"`` or ``"name"``."""
        if by not in ("model", "name"):
            raise ValueError(f"cannot group by {by!r}")
        index = self.group_by.findData(by)
        if self.group_by.currentIndex() != index:
            self.group_by.setCurrentIndex(index)  # comes back here through the signal
            return
        self._by = by
        self._group = ALL
        self._fill_table()
        self._select_points()
        self._update_histogram()
        self.redecimate()

    def select_group(self, key: str) -> None:
        """Show one group (a model or span name, or ``(all)``) in the histogram and scatter."""
        self._group = key
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(KEY_ROLE) == key:
                flags = (
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows
                )
                self.table.selectionModel().setCurrentIndex(index, flags)
                break
        self._select_points()
        self._update_histogram()
        self.redecimate()

    def stats(self) -> list[LatencyStats]:
        return self._data.by_model if self._by == "model" else self._data.by_name

    def _fill_table(self) -> None:
        self.table_model.set_rows(self.stats())
        calls = self._data.calls
        errors = int(calls.error.sum())
        parts = [f"{len(calls):,} LLM calls"]
        if errors:
            parts.append(f"{errors:,} failed")
        if calls.open_ids:
            parts.append(f"{len(calls.open_ids):,} running (not shown)")
        self.status.setText(" · ".join(parts))

    def _on_table_row(self, current: Any, _previous: Any) -> None:
        key = current.data(KEY_ROLE) if current.isValid() else None
        if key is not None and key != self._group:
            self._group = str(key)
            self._select_points()
            self._update_histogram()
            self.redecimate()

    def _select_points(self) -> None:
        calls = self._data.calls
        if self._group == ALL and self._data.points is not None:
            series = self._data.points  # made with the data, on the worker
        else:
            mask = group_mask(calls, self._by, self._group)
            index = np.arange(len(calls)) if mask is None else np.flatnonzero(mask)
            series = scatter_series(calls.start_ns, calls.duration_ns, calls.error, index)
        self._index = series.index
        self._x, self._y = series.x, series.y
        self._ok, self._err = series.ok, series.err
        self.picker.set_series(series.parts)

    def _update_histogram(self) -> None:
        calls = self._data.calls
        if self._group == ALL and self._data.histogram is not None:
            hist = self._data.histogram  # made with the data, on the worker
        else:
            hist = latency_histogram(calls.duration_ns[self._index])
        self.hist_curve.setData(hist.edges / 1e3, hist.counts)
        stats = self.group_stats()
        for name, line in self.lines.items():
            value = getattr(stats, f"{name}_ms")
            line.setVisible(stats.count > 0)
            if stats.count:
                line.setValue(value / 1e3)
        title = self._group if self._group != ALL else "all calls"
        if stats.count:
            title += f": {stats.count:,} calls, " + ", ".join(
                f"{name} {_ms_text(getattr(stats, f'{name}_ms'))}" for name in self.lines
            )
        if hist.overflow:
            title += f" (last bar: +{hist.overflow:,} slower)"
        self.hist_plot.setTitle(title, size="10pt")
        self.hist_plot.enableAutoRange(axis="y")
        self.hist_plot.setXRange(0, float(hist.edges[-1]) / 1e3 * 1.08, padding=0)

    def group_stats(self) -> LatencyStats:
        for stats in self.stats():
            if stats.key == self._group:
                return stats
        return self.stats()[0] if self.stats() else LatencyStats(ALL, 0, 0, *[float("nan")] * 5)

    # scatter ---------------------------------------------------------------------------------

    def fit(self) -> None:
        """Show every call."""
        if not len(self._x):
            self.scatter_view.setRange(xRange=(0, 1), yRange=(0, 1))
            self.redecimate()
            return
        x0, x1 = float(self._x[0]), float(self._x[-1])
        pad = max((x1 - x0) * 0.03, 1.0)
        top = float(self._y.max()) or 1.0
        self.scatter_view.setRange(xRange=(x0 - pad, x1 + pad), yRange=(0, top * 1.05), padding=0)
        if len(self._x) <= SYNC_PICK:
            self.redecimate()
        # else: the range change above has asked the worker for the points

    def _showing_all(self) -> bool:
        if not len(self._x):
            return True
        (x0, x1), (_y0, y1) = self.scatter_view.viewRange()
        return bool(x0 <= self._x[0] and x1 >= self._x[-1] and y1 >= self._y.max())

    def _on_range(self, *_args: object) -> None:
        self.picker.request(self._pick_request())

    def _pick_request(self) -> Request:
        (x0, x1), (y0, y1) = self.scatter_view.viewRange()
        width = max(1.0, self.scatter_view.width())
        height = max(1.0, self.scatter_view.height())
        dx, dy = (x1 - x0) * MARGIN, (y1 - y0) * MARGIN
        size = (int(width * (1 + 2 * MARGIN)), int(height * (1 + 2 * MARGIN)))
        return (x0 - dx, x1 + dx), (y0 - dy, y1 + dy), size

    def redecimate(self) -> None:
        """Pick the points to draw for the current view now, on this thread."""
        self._show_picked(*self.picker.pick_now(self._pick_request()))

    def _show_picked(self, ok: IntArray, errors: IntArray) -> None:
        # positions within the ok / error series -> positions within the selected group
        self._shown = self._ok[ok]
        self._shown_error = self._err[errors]
        big = len(self._shown) < 3000  # few points: draw them bigger
        self.scatter.setData(x=self._x[self._shown], y=self._y[self._shown], size=7 if big else 4)
        self.scatter_errors.setData(
            x=self._x[self._shown_error], y=self._y[self._shown_error], size=8 if big else 6
        )

    @property
    def shown_count(self) -> int:
        """How many points the scatter draws now."""
        return len(self._shown) + len(self._shown_error)

    def shown_calls(self) -> IntArray:
        """Positions in ``data.calls`` of the points drawn now (ok points, then errors)."""
        positions: IntArray = self._index[np.concatenate([self._shown, self._shown_error])]
        return positions

    def call_at(self, scene_pos: QPointF) -> int | None:
        """Position in ``data.calls`` of the drawn point under a scene position (failed calls,
        drawn on top, first), or None."""
        for item, shown in ((self.scatter_errors, self._shown_error), (self.scatter, self._shown)):
            hit = item.nearest(scene_pos, PICK_PX)
            if hit is not None:
                return int(self._index[shown[hit]])
        return None

    def _on_click(self, event: Any) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        position = self.call_at(event.scenePos())
        if position is not None:
            event.accept()
            self.emit_call(position)

    def emit_call(self, position: int) -> None:
        """Emit :attr:`spanClicked` for the call at ``position`` in ``data.calls``."""
        if self._reader is None:
            return
        found = call_ids(self._reader, [int(self._data.calls.row_id[position])])
        if found:
            self.spanClicked.emit(*found[0])

    # export and palette ----------------------------------------------------------------------

    def csv_text(self) -> str:
        return latency_csv(self.stats(), self._by)

    def csv_exports(self) -> CsvExports:
        return {"Latency table": self.csv_text}

    def export_png(self, path: Path | str) -> bool:
        return save_png(self, path)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        super().changeEvent(event)

    def _apply_palette(self) -> None:
        palette = self.palette()
        for view, plot in (
            (self.histogram, self.hist_plot),
            (self.scatter_widget, self.scatter_plot),
        ):
            style_view(view, palette)
            style_plot(plot, palette)
        fill = QColor(palette.color(QPalette.ColorRole.Highlight))
        fill.setAlphaF(0.55)
        self.hist_curve.setPen(pg.mkPen(palette.color(QPalette.ColorRole.Highlight), width=1))
        self.hist_curve.setBrush(pg.mkBrush(fill))
        point = QColor(POINT_DARK if is_dark(palette) else POINT_LIGHT)
        point.setAlphaF(0.75)
        self.scatter.set_colour(point)


def _ms_text(value: float) -> str:
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"


def main(argv: list[str] | None = None) -> int:
    from inspector.ui.charts.preview import preview_latency

    return preview_latency(argv)


if __name__ == "__main__":
    sys.exit(main())
