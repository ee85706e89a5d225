"""Waterfall of one run: a bar per span on a shared time axis, in tree order.

Wheel zooms time, drag pans time; Shift+wheel or the scroll bar moves through rows. Hovering a
bar shows its name, duration, tokens and cost; clicking it emits :attr:`spanClicked`.

Laying out a run and recording its bars is the heavy part (tens of ms for a few thousand
spans): :func:`prepare_frame` does it on any thread, and :meth:`WaterfallWidget.set_frame` /
:meth:`WaterfallWidget.update_frame` only apply the result, so a live run that grows every
second does not stall the GUI thread. ``set_run``/``update_spans`` do both in one call.

    python -m inspector.ui.charts.waterfall TRACE [--run N] [--screenshot FILE] [--dark]
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt, Signal, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QScrollBar,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from inspector.charts.critical import critical_path
from inspector.charts.export import waterfall_csv
from inspector.charts.loaders import WaterfallData, waterfall_data
from inspector.charts.waterfall import KIND_ORDER, WaterfallLayout, extend_running
from inspector.store.queries import SpanRow
from inspector.ui.charts._pg import pg
from inspector.ui.charts.axes import DurationAxis, RowAxis, elide, format_ms
from inspector.ui.charts.bars import BarsItem, RecordedBars, record_bars
from inspector.ui.charts.export import CsvExports, ExportButton, save_png
from inspector.ui.charts.theme import (
    ERROR,
    KEY_COLOURS,
    background,
    foreground,
    kind_label,
    light_grid,
    style_plot,
    style_view,
    swatch,
)
from inspector.ui.text import cost, count, duration, tooltip

ROW_PX = 22  # preferred row height when the run has few spans
HIT_PX = 4  # a click this close to a bar still hits it

#: runs ``work()`` off the GUI thread and calls ``done(result)`` back on it
Background = Callable[[Callable[[], object], Callable[[object], None]], None]


@dataclass(slots=True)
class WaterfallFrame:
    """A run ready to draw: its layout (and critical path, if asked for) and recorded bars."""

    data: WaterfallData = field(default_factory=WaterfallData)
    bars: RecordedBars = field(default_factory=RecordedBars)


def prepare_frame(
    rows: Sequence[SpanRow] | WaterfallData,
    now_ns: int | None = None,
    *,
    critical: bool = False,
    previous: RecordedBars | None = None,
) -> WaterfallFrame:
    """Lay out a run and record its bars; safe on a worker thread (no widget is touched).

    Args:
        rows: the run's spans (``StoreReader.span_rows``), or their layout already made.
        now_ns: where running spans end (see :func:`inspector.charts.waterfall.layout_waterfall`).
        critical: also work out the critical path (the widget's button is on).
        previous: the bars the widget shows now, when the run only grew (see
            :func:`record_bars`).
    """
    if isinstance(rows, WaterfallData):
        data = rows
    else:
        data = waterfall_data(list(rows), now_ns, critical=critical)
    layout = data.layout
    bars = record_bars(
        layout.start_ms, layout.width_ms, layout.kind_key, layout.error, layout.running, previous
    )
    return WaterfallFrame(data, bars)


class _RowsViewBox(pg.ViewBox):  # type: ignore[misc]
    """Wheel zooms time only; Shift+wheel scrolls rows."""

    def wheelEvent(self, ev: Any, axis: int | None = None) -> None:  # noqa: N802
        if ev.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            delta = ev.delta() if hasattr(ev, "delta") else ev.angleDelta().y()
            (top, bottom) = self.viewRange()[1]
            step = -3 * (1 if delta > 0 else -1)
            self.setYRange(top + step, bottom + step, padding=0)
            ev.accept()
            return
        super().wheelEvent(ev, axis=0)


class WaterfallWidget(QWidget):
    """The spans of one run as bars on a time axis.

    Signals:
        spanClicked(trace_id, span_id): a bar was clicked.
    """

    spanClicked = Signal(str, str)  # noqa: N815 - Qt signal naming

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = WaterfallLayout()
        self._rows: list[SpanRow] = []
        self._critical_ids: list[str] = []
        self._highlighted: str | None = None
        self._syncing = False
        self._legend_keys: tuple[object, ...] | None = None
        #: where the critical path is worked out when toggled on (None: right here)
        self.background: Background | None = None

        self.view_box = _RowsViewBox()
        self.view_box.setMouseEnabled(x=True, y=False)
        self.view_box.invertY(True)
        self.row_axis = RowAxis(self._row_label, lambda: len(self._layout))
        self.time_axis = DurationAxis("bottom")
        self.plot_widget = pg.PlotWidget(
            viewBox=self.view_box, axisItems={"left": self.row_axis, "bottom": self.time_axis}
        )
        self.plot_widget.setMouseTracking(True)
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        light_grid(self.plot, x=True)
        self.bars = BarsItem()
        self.plot.addItem(self.bars)
        self.row_scroll = QScrollBar(Qt.Orientation.Vertical)
        self.row_scroll.valueChanged.connect(self._on_scroll)

        self.critical_button = QToolButton()
        self.critical_button.setText("Critical path")
        self.critical_button.setCheckable(True)
        self.critical_button.setToolTip(
            "Outline the spans that decided when the run ended (the last-finishing chain)"
        )
        self.critical_button.toggled.connect(self.set_critical_path)
        fit = QToolButton()
        fit.setText("Fit")
        fit.setToolTip("Show the whole run")
        fit.clicked.connect(self.fit)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.legend = QHBoxLayout()
        self.legend.setSpacing(10)
        self.export_button = ExportButton(lambda: self.plot_widget, self.csv_exports, "waterfall")

        bar = QHBoxLayout()
        bar.addWidget(self.critical_button)
        bar.addWidget(fit)
        bar.addWidget(self.summary)
        bar.addStretch(1)
        bar.addLayout(self.legend)
        bar.addWidget(self.export_button)
        body = QHBoxLayout()
        body.setSpacing(0)
        body.addWidget(self.plot_widget, 1)
        body.addWidget(self.row_scroll)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addLayout(body, 1)

        self.view_box.sigRangeChanged.connect(self._on_range)
        self.view_box.sigResized.connect(self._on_resized)
        scene = self.plot_widget.scene()
        scene.sigMouseMoved.connect(self._on_hover)
        scene.sigMouseClicked.connect(self._on_click)
        self._apply_palette()

    # data ------------------------------------------------------------------------------------

    @property
    def layout_data(self) -> WaterfallLayout:
        """The layout drawn now (rows in tree order)."""
        return self._layout

    def set_run(self, rows: Sequence[SpanRow], now_ns: int | None = None) -> None:
        """Show a run (``StoreReader.span_rows``) and fit it in view."""
        self.set_frame(prepare_frame(rows, now_ns, critical=self.critical_button.isChecked()))

    def update_spans(self, rows: Sequence[SpanRow], now_ns: int | None = None) -> None:
        """The same run, grown or changed (live): see :meth:`update_frame`."""
        self.update_frame(
            prepare_frame(
                rows,
                now_ns,
                critical=self.critical_button.isChecked(),
                previous=self.bars.recorded,
            )
        )

    def set_frame(self, frame: WaterfallFrame) -> None:
        """Show a run prepared by :func:`prepare_frame` and fit it in view."""
        self._highlighted = None
        self._draw(frame)
        self.fit()

    def update_frame(self, frame: WaterfallFrame) -> None:
        """The same run, grown or changed (live): the view keeps its zoom and the selection,
        and follows the end when it was showing the end of the run."""
        following = self._at_end()
        self._draw(frame)
        self._follow(following)

    def tick(self, now_ns: int) -> None:
        """Let running spans grow to ``now_ns`` (call it from a timer while a run is live)."""
        if not self._layout.running.any():
            return
        following = self._at_end()
        self.bars.set_widths(extend_running(self._layout, now_ns))
        self._update_limits()
        self._follow(following)

    def _at_end(self) -> bool:
        return not len(self._layout) or self.view_box.viewRange()[0][1] >= self._layout.end_ms

    def _follow(self, following: bool) -> None:
        x0, x1 = self.view_box.viewRange()[0]
        if following and self._layout.end_ms > x1:
            self._set_x(max(x0, 0.0), self._layout.end_ms)

    def clear(self) -> None:
        self.set_run([])

    def _draw(self, frame: WaterfallFrame) -> None:
        layout = frame.data.layout
        self._layout = layout
        self._rows = frame.data.rows
        self.bars.set_recorded(frame.bars)
        row = layout.row_of.get(self._highlighted) if self._highlighted else None
        self.bars.set_highlight(row)
        self._critical_ids = []
        if self.critical_button.isChecked():
            if frame.data.critical_ids is not None:
                self._show_critical(frame.data.critical_ids)
            else:  # toggled on while the frame was being prepared
                self.set_critical_path(True)
        self._fill_legend()
        self._fill_summary()
        self._update_limits()
        self.row_axis.picture = None  # names changed: re-render the labels
        self.row_axis.update()

    def _fill_summary(self) -> None:
        layout = self._layout
        if not len(layout):
            self.summary.setText("No spans")
            return
        parts = [f"{len(layout):,} spans", duration(int(layout.end_ms * 1e6))]
        errors = int(layout.error.sum())
        running = int(layout.running.sum())
        if errors:
            parts.append(f"{errors} error{'s' * (errors > 1)}")
        if running:
            parts.append(f"{running} running")
        self.summary.setText(" · ".join(parts))

    def _fill_legend(self) -> None:
        present = set(np.unique(self._layout.kind_key).tolist())
        running, error = bool(self._layout.running.any()), bool(self._layout.error.any())
        keys = (frozenset(present), running, error)
        if keys == self._legend_keys:
            return  # a live run: the same kinds again, no need to rebuild the labels
        self._legend_keys = keys
        while self.legend.count():
            item = self.legend.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for key, kind in enumerate(KIND_ORDER):
            if key not in present:
                continue
            self.legend.addWidget(swatch(KEY_COLOURS[key]))
            self.legend.addWidget(QLabel(kind_label(kind)))
        if running:
            self.legend.addWidget(swatch(foreground(self.palette()), Qt.BrushStyle.BDiagPattern))
            self.legend.addWidget(QLabel("Running"))
        if error:
            self.legend.addWidget(swatch(ERROR, Qt.BrushStyle.NoBrush, ERROR))
            self.legend.addWidget(QLabel("Error"))

    # view ------------------------------------------------------------------------------------

    def rows_fitting(self) -> int:
        """How many rows fit the plot at a readable height."""
        height = self.view_box.height() or self.plot_widget.height()
        return max(1, int(height // ROW_PX))

    def fit(self) -> None:
        """Whole run in x; as many rows as fit in y, from the top."""
        end = self._layout.end_ms or 1.0
        self._set_x(0.0, end)
        self._set_rows(0)

    def _set_x(self, x0: float, x1: float) -> None:
        pad = (x1 - x0) * 0.02
        self.view_box.setXRange(x0 - pad, x1 + pad, padding=0)

    def _row_slots(self) -> int:
        """Rows the y axis spans: the run's, but at least half of what fits, so that a run of
        three spans gets bars of a sensible height rather than three giant ones."""
        return max(len(self._layout), self.rows_fitting() // 2, 1)

    def _set_rows(self, top: float) -> None:
        slots = self._row_slots()
        shown = min(slots, self.rows_fitting())
        top = max(0.0, min(top, slots - shown))
        self.view_box.setYRange(top, top + shown, padding=0)

    def _update_limits(self) -> None:
        end = max(self._layout.end_ms, 1e-3)
        pad = end * 0.05
        self.view_box.setLimits(
            xMin=-pad, xMax=end + pad, minXRange=1e-3, yMin=0, yMax=self._row_slots()
        )
        self._sync_scroll()

    def _on_resized(self) -> None:
        top = self.view_box.viewRange()[1][0]
        self._update_limits()
        self._set_rows(top)

    def _on_range(self) -> None:
        self._sync_scroll()

    def _sync_scroll(self) -> None:
        top, bottom = self.view_box.viewRange()[1]
        shown = max(1, round(bottom - top))
        total = self._row_slots()
        self._syncing = True
        try:
            self.row_scroll.setRange(0, max(0, total - shown))
            self.row_scroll.setPageStep(shown)
            self.row_scroll.setValue(round(top))
            self.row_scroll.setVisible(total > shown)
        finally:
            self._syncing = False

    def _on_scroll(self, value: int) -> None:
        if self._syncing:
            return
        top, bottom = self.view_box.viewRange()[1]
        self.view_box.setYRange(value, value + (bottom - top), padding=0)

    @Slot(str)
    def highlight_span(self, span_id: str | None) -> None:
        """Mark a span's bar (e.g. the tree's selection) and bring it into view."""
        self._highlighted = span_id or None
        row = self._layout.row_of.get(span_id) if span_id else None
        self.bars.set_highlight(row)
        if row is None:
            return
        top, bottom = self.view_box.viewRange()[1]
        if not (top <= row and row + 1 <= bottom):
            self._set_rows(row - (bottom - top) / 2 + 0.5)
        x0, x1 = self.view_box.viewRange()[0]
        start = float(self._layout.start_ms[row])
        end = start + float(self._layout.width_ms[row])
        if end < x0 or start > x1:
            width = x1 - x0
            if end - start > width:
                self._set_x(start, end)
            else:
                centre = (start + end) / 2
                self.view_box.setXRange(centre - width / 2, centre + width / 2, padding=0)

    @Slot(bool)
    def set_critical_path(self, on: bool) -> None:
        """Outline the critical path (see :mod:`inspector.charts.critical`).

        It is worked out on :attr:`background` when there is one (and drawn when it is ready,
        if the run shown is still the same), otherwise right away.
        """
        if self.critical_button.isChecked() != on:
            self.critical_button.setChecked(on)  # re-enters through toggled
            return
        if not on:
            self._critical_ids = []
            self.bars.set_critical(np.zeros(0, np.int64))
            return
        layout, rows = self._layout, self._rows
        if self.background is None:
            self._show_critical(critical_path(rows, layout.now_ns))
            return

        def done(path: object) -> None:
            if layout is self._layout and self.critical_button.isChecked():
                assert isinstance(path, list)
                self._show_critical(path)

        self.background(lambda: critical_path(rows, layout.now_ns), done)

    def _show_critical(self, path: list[str]) -> None:
        self._critical_ids = list(path)
        row_of = self._layout.row_of
        self.bars.set_critical(np.array([row_of[s] for s in path if s in row_of], np.int64))

    @property
    def critical_ids(self) -> list[str]:
        return list(self._critical_ids)

    # mouse -----------------------------------------------------------------------------------

    def row_at(self, scene_pos: QPointF) -> int | None:
        """The row whose bar is under a scene position (a few pixels of slack), or None."""
        if not self.view_box.sceneBoundingRect().contains(scene_pos):
            return None
        point = self.view_box.mapSceneToView(scene_pos)
        row = math.floor(point.y())
        if not 0 <= row < len(self._layout):
            return None
        slack = HIT_PX * self.view_box.viewPixelSize()[0]
        start = float(self._layout.start_ms[row])
        end = start + float(self._layout.width_ms[row])
        return row if start - slack <= point.x() <= end + slack else None

    def _on_hover(self, scene_pos: QPointF) -> None:
        row = self.row_at(scene_pos)
        if row is None:
            QToolTip.hideText()
            return
        view = self.plot_widget
        global_pos = view.mapToGlobal(view.mapFromScene(scene_pos))
        QToolTip.showText(global_pos, tooltip(self.describe(row)), view)

    def describe(self, row: int) -> str:
        """The hover text of a bar (plain text; escaped for the tooltip)."""
        layout = self._layout
        lines = [f"{layout.names[row]}  ({kind_label(layout.kinds[row])})"]
        if layout.running[row]:
            lines.append(f"running for {duration(int(layout.width_ms[row] * 1e6))}")
        elif layout.placed[row]:
            lines.append(f"duration {duration(round(layout.width_ms[row] * 1e6))}")
        lines.append(f"starts at +{format_ms(float(layout.start_ms[row]), 1.0)}")
        if layout.error[row]:
            lines.append("status: ERROR")
        if layout.models[row]:
            lines.append(f"model {layout.models[row]}")
        tokens_in, tokens_out = layout.input_tokens[row], layout.output_tokens[row]
        if tokens_in is not None or tokens_out is not None:
            lines.append(f"tokens {count(tokens_in) or '?'} in / {count(tokens_out) or '?'} out")
        if layout.cost_usd[row] is not None or tokens_in is not None:
            lines.append(f"cost {cost(layout.cost_usd[row])}")
        return "\n".join(lines)

    def _on_click(self, event: Any) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        row = self.row_at(event.scenePos())
        if row is None:
            return
        event.accept()
        self.highlight_span(self._layout.span_ids[row])
        self.spanClicked.emit(self._layout.trace_id, self._layout.span_ids[row])

    def _row_label(self, row: int) -> str:
        layout = self._layout
        if not 0 <= row < len(layout):
            return ""
        indent = "  " * min(int(layout.depth[row]), 12)
        return indent + elide(layout.names[row], 60)

    # export and palette ----------------------------------------------------------------------

    def csv_text(self) -> str:
        return waterfall_csv(self._layout)

    def csv_exports(self) -> CsvExports:
        return {"Spans": self.csv_text}

    def export_png(self, path: Path | str) -> bool:
        return save_png(self.plot_widget, path)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        super().changeEvent(event)

    def _apply_palette(self) -> None:
        palette = self.palette()
        self._legend_keys = None  # the "running" swatch is drawn in the text colour
        self._fill_legend()
        style_view(self.plot_widget, palette)
        style_plot(self.plot, palette)
        self.bars.set_colours(
            palette.color(QPalette.ColorRole.Highlight), foreground(palette), background(palette)
        )


def main(argv: list[str] | None = None) -> int:
    from inspector.ui.charts.preview import preview_waterfall

    return preview_waterfall(argv)


if __name__ == "__main__":
    sys.exit(main())
