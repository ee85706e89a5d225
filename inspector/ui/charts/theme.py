"""Colours of the charts and how a plot follows the widget palette (light or dark).

Kind colours are mid-tone so they read on white and on near-black; red is kept for errors and
appears in no kind colour.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel

from inspector.charts.waterfall import KIND_ORDER
from inspector.model import SpanKind
from inspector.ui.charts._pg import pg

KIND_COLOURS: dict[SpanKind, str] = {
    SpanKind.AGENT: "#4e79a7",
    SpanKind.CHAIN: "#76b7b2",
    SpanKind.LLM: "#9467bd",
    SpanKind.TOOL: "#f28e2b",
    SpanKind.RETRIEVER: "#edc948",
    SpanKind.RERANKER: "#b07aa1",
    SpanKind.EMBEDDING: "#9c755f",
    SpanKind.GUARDRAIL: "#59a14f",
    SpanKind.EVALUATOR: "#ff9da7",
    SpanKind.PROMPT: "#bab0ac",
    SpanKind.UNKNOWN: "#8c8c8c",
}
#: brush per colour key (index into KIND_ORDER)
KEY_COLOURS: list[QColor] = [QColor(KIND_COLOURS[kind]) for kind in KIND_ORDER]
ERROR = QColor("#e0281b")
INPUT = QColor("#4e79a7")
OUTPUT = QColor("#f28e2b")
COST = QColor("#59a14f")
UNKNOWN = QColor("#9aa0a6")
POINT_LIGHT = "#3b6ea5"
POINT_DARK = "#8ab4f8"
PERCENTILES = {"p50": QColor("#2ca02c"), "p90": QColor("#e6a100"), "p99": QColor("#e0281b")}


def kind_label(kind: SpanKind) -> str:
    """``LLM``, ``Tool``, ``Agent`` ... for legends and tooltips."""
    return kind.value if kind is SpanKind.LLM else kind.value.title()


def background(palette: QPalette) -> QColor:
    return palette.color(QPalette.ColorRole.Base)


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def foreground(palette: QPalette) -> QColor:
    return palette.color(QPalette.ColorRole.WindowText)


def muted(palette: QPalette) -> QColor:
    colour = QColor(foreground(palette))
    colour.setAlphaF(0.6)
    return colour


def style_plot(plot: pg.PlotItem, palette: QPalette) -> None:
    """Axes, labels and grid in the palette's text colour."""
    text = foreground(palette)
    line = QColor(text)
    line.setAlphaF(0.45)
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(line))
        axis.setTextPen(pg.mkPen(text))
    plot.titleLabel.setAttr("color", text.name())
    if plot.titleLabel.text:
        plot.titleLabel.setText(plot.titleLabel.text)


def light_grid(plot: pg.PlotItem, x: bool = False, y: bool = False) -> None:
    """Grid lines at major ticks only: pyqtgraph's translucent minor grid lines cost tens of
    milliseconds per frame on a large plot."""
    plot.showGrid(x=x, y=y, alpha=0.15)
    for name, on in (("bottom", x), ("left", y)):
        if on:
            plot.getAxis(name).setStyle(maxTickLevel=0)


def style_view(view: pg.PlotWidget | pg.GraphicsLayoutWidget, palette: QPalette) -> None:
    view.setBackground(palette.color(QPalette.ColorRole.Base))


def swatch(
    colour: QColor,
    pattern: Qt.BrushStyle = Qt.BrushStyle.SolidPattern,
    outline: QColor | None = None,
) -> QLabel:
    """A 12x12 legend square (hatched for "unknown", outlined for "error")."""
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        if pattern != Qt.BrushStyle.SolidPattern:
            tint = QColor(colour)
            tint.setAlphaF(0.35)
            painter.fillRect(0, 0, 12, 12, tint)
        if pattern != Qt.BrushStyle.NoBrush:
            painter.fillRect(0, 0, 12, 12, QBrush(colour, pattern))
        painter.setPen(QPen(outline or colour.darker(130), 2 if outline else 1))
        painter.drawRect(0, 0, 11, 11)
    finally:
        painter.end()
    label = QLabel()
    label.setPixmap(pixmap)
    label.setFixedSize(12, 12)
    return label


def legend(entries: list[tuple[QLabel, str]]) -> QHBoxLayout:
    """A row of swatches and their captions."""
    row = QHBoxLayout()
    row.setSpacing(4)
    for mark, text in entries:
        caption = QLabel(text)
        caption.setTextFormat(Qt.TextFormat.PlainText)
        row.addWidget(mark)
        row.addWidget(caption)
        row.addSpacing(8)
    return row
