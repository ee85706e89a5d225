"""Kind badges and colours for spans: small solid pills readable on light and dark palettes.

Each badge carries its own background (a mid-tone colour) and white text, so it does not depend
on the window palette; everything else in the views uses the system palette.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QApplication

from inspector.model import SpanKind

BADGE_WIDTH = 58
BADGE_HEIGHT = 16

_LABELS = {
    SpanKind.AGENT: "AGENT",
    SpanKind.CHAIN: "CHAIN",
    SpanKind.LLM: "LLM",
    SpanKind.TOOL: "TOOL",
    SpanKind.RETRIEVER: "RETRIEVE",
    SpanKind.RERANKER: "RERANK",
    SpanKind.EMBEDDING: "EMBED",
    SpanKind.GUARDRAIL: "GUARD",
    SpanKind.EVALUATOR: "EVAL",
    SpanKind.PROMPT: "PROMPT",
    SpanKind.UNKNOWN: "SPAN",
}

_COLOURS = {
    SpanKind.AGENT: "#7b4fc0",
    SpanKind.CHAIN: "#5b6b78",
    SpanKind.LLM: "#1f77d0",
    SpanKind.TOOL: "#c75a00",
    SpanKind.RETRIEVER: "#00897b",
    SpanKind.RERANKER: "#2e7d57",
    SpanKind.EMBEDDING: "#5e5ab8",
    SpanKind.GUARDRAIL: "#b8336a",
    SpanKind.EVALUATOR: "#8d6e3a",
    SpanKind.PROMPT: "#3f51b5",
    SpanKind.UNKNOWN: "#80868b",
}

_cache: dict[SpanKind, QIcon] = {}


def kind_label(kind: SpanKind) -> str:
    return _LABELS.get(kind, "SPAN")


def kind_colour(kind: SpanKind) -> QColor:
    return QColor(_COLOURS.get(kind, _COLOURS[SpanKind.UNKNOWN]))


def badge_icon(kind: SpanKind) -> QIcon:
    """A pill with the kind's short label (cached; needs a QGuiApplication)."""
    icon = _cache.get(kind)
    if icon is None:
        icon = QIcon(_badge_pixmap(kind))
        _cache[kind] = icon
    return icon


def _badge_pixmap(kind: SpanKind) -> QPixmap:
    app = QApplication.instance()
    ratio = app.devicePixelRatio() if isinstance(app, QApplication) else 1.0
    pixmap = QPixmap(int(BADGE_WIDTH * ratio), int(BADGE_HEIGHT * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(kind_colour(kind))
    rect = QRectF(0.5, 0.5, BADGE_WIDTH - 1, BADGE_HEIGHT - 1)
    painter.drawRoundedRect(rect, 4, 4)
    font = QFont(QApplication.font())
    font.setPixelSize(9)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, kind_label(kind))
    painter.end()
    return pixmap
