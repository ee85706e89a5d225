"""Tokens and cost: per run (stacked input/output tokens; cost), cumulative cost over time, and
a per-model table.

Unknown stays visible as unknown: runs whose cost could not be priced are drawn as grey hatched
bars across the cost chart and counted ("cost unknown for N runs"); the cumulative line sums
priced calls only and says so.

    python -m inspector.ui.charts.tokens TRACE [--screenshot FILE] [--dark]
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from inspector.charts.export import cost_csv, models_csv, runs_csv
from inspector.charts.loaders import TokensData, load_tokens
from inspector.store.charts import ChartScope
from inspector.store.queries import StoreReader
from inspector.ui.charts._pg import pg
from inspector.ui.charts.export import CsvExports, ExportButton, save_png
from inspector.ui.charts.tables import SORT_ROLE, ModelUsageTableModel
from inspector.ui.charts.theme import (
    COST,
    INPUT,
    OUTPUT,
    UNKNOWN,
    legend,
    light_grid,
    muted,
    style_plot,
    style_view,
    swatch,
)
from inspector.ui.text import cost, count, local_time, tooltip

BAR_WIDTH = 0.8


class RunAxis(pg.AxisItem):  # type: ignore[misc]
    """Run positions labelled by their start time (HH:MM, or the date when runs span days)."""

    def __init__(self, **kw: Any) -> None:
        super().__init__("bottom", **kw)
        self.starts: list[int] = []

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        starts = self.starts
        if not starts:
            return ["" for _ in values]
        span = max(starts) - min(s for s in starts if s) if any(starts) else 0
        fmt = (
            "%m-%d %H:%M"
            if span > 86_400 * 10**9
            else "%H:%M:%S"
            if span < 600 * 10**9
            else "%H:%M"
        )
        out = []
        for value in values:
            i = round(value)
            if abs(value - i) > 1e-6 or not 0 <= i < len(starts) or not starts[i]:
                out.append("")
                continue
            moment = datetime.fromtimestamp(starts[i] / 1e9).astimezone()
            out.append(moment.strftime(fmt))
        return out


def partly_priced() -> QColor:
    colour = QColor(COST)
    colour.setAlphaF(0.45)
    return colour


def _plot(axis_items: dict[str, Any] | None = None) -> tuple[pg.PlotWidget, pg.PlotItem]:
    widget = pg.PlotWidget(axisItems=axis_items or {})
    plot = widget.getPlotItem()
    plot.setMenuEnabled(False)
    plot.hideButtons()
    light_grid(plot, y=True)
    return widget, plot


class TokensWidget(QWidget):
    """Token and cost usage of the runs in scope.

    Signals:
        runClicked(trace_id): a run's bar was clicked.
    """

    runClicked = Signal(str)  # noqa: N815 - Qt signal naming

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data = TokensData()
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.export_button = ExportButton(lambda: self, self.csv_exports, "usage")

        self.run_axis = RunAxis()
        self.tokens_view, self.tokens_plot = _plot({"bottom": self.run_axis})
        self.tokens_plot.setTitle("Tokens per run", size="10pt")
        self.tokens_plot.setLabel("left", "tokens")
        self.input_bars = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH, brush=INPUT, pen=None)
        self.output_bars = pg.BarGraphItem(
            x=[], y0=[], height=[], width=BAR_WIDTH, brush=OUTPUT, pen=None
        )
        self.tokens_plot.addItem(self.input_bars)
        self.tokens_plot.addItem(self.output_bars)

        self.cost_axis = RunAxis()
        self.cost_view, self.cost_plot = _plot({"bottom": self.cost_axis})
        self.cost_plot.setLabel("left", "cost (USD)")
        self.cost_plot.getAxis("left").enableAutoSIPrefix(False)  # "USD (x0.001)" misleads
        self.cost_plot.setXLink(self.tokens_plot)
        self.cost_bars = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH, brush=COST, pen=None)
        self.partial_bars = pg.BarGraphItem(
            x=[], height=[], width=BAR_WIDTH, brush=partly_priced(), pen=pg.mkPen(COST)
        )
        self.unknown_bars = pg.BarGraphItem(
            x=[],
            height=[],
            width=BAR_WIDTH,
            brush=QBrush(UNKNOWN, Qt.BrushStyle.BDiagPattern),
            pen=pg.mkPen(UNKNOWN),
        )
        for item in (self.cost_bars, self.partial_bars, self.unknown_bars):
            self.cost_plot.addItem(item)

        self.cumulative_view, self.cumulative_plot = _plot({"bottom": pg.DateAxisItem()})
        self.cumulative_plot.setLabel("left", "USD")
        self.cumulative_plot.getAxis("left").enableAutoSIPrefix(False)
        self.cumulative_line = pg.PlotDataItem(pen=pg.mkPen(COST, width=2))
        self.cumulative_plot.addItem(self.cumulative_line)

        self.model_table = ModelUsageTableModel()
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.model_table)
        proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

        self.unknown_note = QLabel()
        self.unknown_note.setTextFormat(Qt.TextFormat.PlainText)
        self.unpriced_note = QLabel()
        self.unpriced_note.setTextFormat(Qt.TextFormat.PlainText)
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.export_button)
        grid = QGridLayout()
        token_legend = legend([(swatch(INPUT), "input tokens"), (swatch(OUTPUT), "output tokens")])
        token_legend.addStretch(1)
        grid.addLayout(token_legend, 0, 0)
        grid.addWidget(self.tokens_view, 1, 0)
        cost_legend = legend(
            [
                (swatch(COST), "cost"),
                (swatch(partly_priced(), outline=COST), "partly priced (lower bound)"),
                (swatch(UNKNOWN, Qt.BrushStyle.BDiagPattern), "cost unknown"),
            ]
        )
        cost_legend.addStretch(1)
        cost_legend.addWidget(self.unknown_note)
        grid.addLayout(cost_legend, 2, 0)
        grid.addWidget(self.cost_view, 3, 0)
        models = QLabel("Per model (LLM calls in scope)")
        line_legend = legend([(swatch(COST), "cumulative cost (USD), priced calls only")])
        line_legend.addStretch(1)
        line_legend.addWidget(self.unpriced_note)
        grid.addLayout(line_legend, 0, 1)
        grid.addWidget(self.cumulative_view, 1, 1)
        grid.addWidget(models, 2, 1)
        grid.addWidget(self.table, 3, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addLayout(grid, 1)

        for view in (self.tokens_view, self.cost_view):
            view.scene().sigMouseClicked.connect(self._on_click)
            view.scene().sigMouseMoved.connect(self._on_hover)
        self._apply_palette()

    # data ------------------------------------------------------------------------------------

    @property
    def data(self) -> TokensData:
        return self._data

    def refresh(self, reader: StoreReader, scope: ChartScope | None = None) -> None:
        """Read and show the runs in scope now (on this thread; see :func:`load_tokens`)."""
        self.set_data(load_tokens(reader, scope))

    def set_data(self, data: object) -> None:
        """Show loaded data (a :class:`TokensData`, e.g. from a worker); items are reused."""
        assert isinstance(data, TokensData)
        self._data = data
        runs = data.runs
        x = np.arange(len(runs), dtype=np.float64)
        bottom, top = runs.token_tops
        self.input_bars.setOpts(x=x, height=bottom, width=BAR_WIDTH)
        self.output_bars.setOpts(x=x, y0=bottom, height=top - bottom, width=BAR_WIDTH)
        starts = runs.start_ns.tolist()
        self.run_axis.starts = starts
        self.cost_axis.starts = starts

        known = runs.cost_known
        partial = runs.partial
        full = known & ~partial
        self.cost_bars.setOpts(x=x[full], height=runs.cost_usd[full], width=BAR_WIDTH)
        self.partial_bars.setOpts(x=x[partial], height=runs.cost_usd[partial], width=BAR_WIDTH)
        highest = float(np.max(runs.cost_usd[known])) if known.any() else 0.0
        unknown = ~known
        # Unknown cost: a hatched bar over the chart's full height, not a bar of height 0.
        self.unknown_bars.setOpts(
            x=x[unknown], height=np.full(int(unknown.sum()), highest or 1.0), width=BAR_WIDTH
        )
        title = "Cost per run"
        if runs.unknown_runs:
            title += f" — cost unknown for {runs.unknown_runs} run{'s' * (runs.unknown_runs > 1)}"
        self.cost_plot.setTitle(title, size="10pt")
        self.unknown_note.setText(f"{runs.unknown_runs} unknown" if runs.unknown_runs else "")

        series = data.cost
        if len(series.time_ns):
            t = series.time_ns / 1e9
            steps_x = np.r_[t[0], np.repeat(t, 2)[1:]]
            steps_y = np.r_[0.0, np.repeat(series.cumulative_usd, 2)[:-1]]
            self.cumulative_line.setData(steps_x, steps_y)
        else:
            self.cumulative_line.setData([], [])
        self.cumulative_plot.setTitle("Cumulative cost — priced calls only", size="10pt")
        self.unpriced_note.setText(
            f"{series.unpriced_calls:,} unpriced calls not included"
            if series.unpriced_calls
            else ""
        )
        self.model_table.set_rows(data.models)
        self._fill_summary()
        self.fit()

    def _fill_summary(self) -> None:
        runs = self._data.runs
        parts = [
            f"{len(runs):,} runs",
            f"{count(int(runs.input_tokens.sum()))} input / "
            f"{count(int(runs.output_tokens.sum()))} output tokens",
            f"{cost(runs.total_cost)} known cost",
        ]
        if runs.unknown_runs:
            parts.append(f"cost unknown for {runs.unknown_runs} runs")
        if runs.partial.any():
            parts.append(f"{int(runs.partial.sum())} partly priced")
        self.summary.setText(" · ".join(parts))

    def fit(self) -> None:
        n = len(self._data.runs)
        self.tokens_plot.setXRange(-0.6, max(n, 1) - 0.4, padding=0)
        for plot in (self.tokens_plot, self.cost_plot, self.cumulative_plot):
            plot.enableAutoRange(axis="y")
        self.cumulative_plot.enableAutoRange(axis="x")
        _, top = self._data.runs.token_tops
        self.tokens_plot.setYRange(0, float(top.max()) * 1.05 if len(top) else 1.0, padding=0)

    # mouse -----------------------------------------------------------------------------------

    def run_at(self, view: pg.PlotWidget, scene_pos: QPointF) -> int | None:
        """The run whose bar is under a scene position of ``view``, or None."""
        box = view.getPlotItem().getViewBox()
        if not box.sceneBoundingRect().contains(scene_pos):
            return None
        point = box.mapSceneToView(scene_pos)
        x: float = point.x()
        i = round(x)
        if not 0 <= i < len(self._data.runs) or abs(x - i) > BAR_WIDTH / 2:
            return None
        return i

    def _view_of(self, scene: object) -> pg.PlotWidget:
        return self.tokens_view if scene is self.tokens_view.scene() else self.cost_view

    def _on_click(self, event: Any) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        view = self._view_of(event.currentItem.scene() if event.currentItem else None)
        i = self.run_at(view, event.scenePos())
        if i is None:
            other = self.cost_view if view is self.tokens_view else self.tokens_view
            i = self.run_at(other, event.scenePos())
        if i is not None:
            event.accept()
            self.runClicked.emit(self._data.runs.trace_ids[i])

    def _on_hover(self, scene_pos: QPointF) -> None:
        for view in (self.tokens_view, self.cost_view):
            if not view.underMouse():
                continue
            i = self.run_at(view, scene_pos)
            if i is None:
                QToolTip.hideText()
                return
            global_pos = view.mapToGlobal(view.mapFromScene(scene_pos))
            QToolTip.showText(global_pos, tooltip(self.describe(i)), view)
            return

    def describe(self, i: int) -> str:
        runs = self._data.runs
        known = bool(runs.cost_known[i])
        lines = [
            runs.names[i] or runs.trace_ids[i],
            local_time(int(runs.start_ns[i]) or None),
            f"{count(int(runs.input_tokens[i]))} input / {count(int(runs.output_tokens[i]))} "
            "output tokens",
            f"{int(runs.llm_calls[i])} LLM calls, {int(runs.priced_calls[i])} priced",
            f"cost {cost(float(runs.cost_usd[i])) if known else 'unknown'}"
            + (" (lower bound)" if runs.partial[i] else ""),
        ]
        return "\n".join(lines)

    # export and palette ----------------------------------------------------------------------

    def csv_exports(self) -> CsvExports:
        return {
            "Runs": lambda: runs_csv(self._data.runs),
            "Cumulative cost": lambda: cost_csv(self._data.cost),
            "Models": lambda: models_csv(self._data.models),
        }

    def export_png(self, path: Path | str) -> bool:
        return save_png(self, path)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        super().changeEvent(event)

    def _apply_palette(self) -> None:
        palette = self.palette()
        for view in (self.tokens_view, self.cost_view, self.cumulative_view):
            style_view(view, palette)
            style_plot(view.getPlotItem(), palette)
        for note in (self.unknown_note, self.unpriced_note):
            note.setStyleSheet(f"color: {muted(palette).name(QColor.NameFormat.HexArgb)}")


def main(argv: list[str] | None = None) -> int:
    from inspector.ui.charts.preview import preview_tokens

    return preview_tokens(argv)


if __name__ == "__main__":
    sys.exit(main())
