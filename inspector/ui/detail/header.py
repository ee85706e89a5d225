"""The header of the span detail: what the span is, how long it took, what it cost, where from.

Every label is plain text (trace names and status messages are untrusted). Ids are selectable
and have a copy button. The provenance line says which attribute each LLM field came from.
"""

from __future__ import annotations

from pathlib import PurePath

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inspector.model import LlmView, Span, SpanKind, Status
from inspector.model.pricing import Pricing
from inspector.ui.badges import kind_colour, kind_label
from inspector.ui.detail.styles import Styles, monospace_font
from inspector.ui.text import duration, local_time_full, one_line, tooltip

NAME_LIMIT = 300
MESSAGE_LIMIT = 300

# The provenance line: which LlmView.sources keys it shows, grouped and labelled, in order.
# (Everything, provider and parameters included, is in its tooltip.)
_SOURCE_GROUPS = (
    ("model", ("model",)),
    ("messages", ("input_messages", "output_messages")),
    ("usage", ("usage",)),
    ("cost", ("cost",)),
    ("documents", ("documents",)),
    ("input/output", ("input_value", "output_value")),
)


def plain_label(parent: QWidget, selectable: bool = False) -> QLabel:
    """A QLabel that never interprets its text as rich text."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def tokens_text(view: LlmView) -> str:
    """``42 in · 7 out · 49 total · 10 cached · 5 reasoning``; unknown parts say so."""
    usage = view.usage
    if not usage.known:
        return "unknown"

    def number(value: int | None) -> str:
        return "?" if value is None else f"{value:,}"

    parts = [
        f"{number(usage.input)} in",
        f"{number(usage.output)} out",
        f"{number(usage.total)} total",
    ]
    if usage.cache_read is not None:
        parts.append(f"{usage.cache_read:,} cached")
    if usage.cache_write is not None:
        parts.append(f"{usage.cache_write:,} cache write")
    if usage.reasoning is not None:
        parts.append(f"{usage.reasoning:,} reasoning")
    return " · ".join(parts)


def cost_text(view: LlmView, pricing: Pricing | None) -> str:
    """Recorded cost, else an estimate from the price table, else "unknown" (never $0)."""
    if view.cost_usd is not None:
        return _dollars(view.cost_usd)
    if pricing is not None:
        estimate = pricing.cost(view.model, view.usage.input, view.usage.output)
        if estimate is not None:
            return f"{_dollars(estimate)} (estimated from price table)"
    return "unknown"


def _dollars(value: float) -> str:
    if value == 0:
        return "$0.00"
    if abs(value) < 0.01:
        return f"${value:.5f}"
    return f"${value:.4f}" if abs(value) < 1 else f"${value:,.2f}"


def provenance_text(view: LlmView) -> str:
    """``messages: llm.input_messages + llm.output_messages · usage: llm.token_count.*``."""
    items = []
    for label, keys in _SOURCE_GROUPS:
        found = list(dict.fromkeys(view.sources[key] for key in keys if key in view.sources))
        if found:
            items.append(f"{label}: {' + '.join(found)}")
    return " · ".join(items)


def provenance_details(view: LlmView) -> str:
    """Every field and the attribute it came from, one per line (for the tooltip)."""
    return "\n".join(f"{key}: {value}" for key, value in view.sources.items())


class IdField(QWidget):
    """``trace 4bf9…`` as selectable monospace text with a Copy button."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = plain_label(self)
        self._title.setText(title)
        self.value = plain_label(self, selectable=True)
        self.value.setFont(monospace_font())
        self.copy_button = QToolButton(self)
        self.copy_button.setText("Copy")
        self.copy_button.setToolTip(f"Copy the {title} id")
        self.copy_button.setAutoRaise(True)
        self.copy_button.clicked.connect(self.copy)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self._title)
        layout.addWidget(self.value)
        layout.addWidget(self.copy_button)

    def set_value(self, text: str) -> None:
        self.value.setText(text)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.value.text())


class SpanHeader(QWidget):
    """Name, kind, model, timing, tokens, cost, status, ids, source and provenance of a span."""

    def __init__(self, pricing: Pricing | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pricing = pricing
        self.kind = plain_label(self)
        self.name = plain_label(self, selectable=True)
        name_font = QFont(self.name.font())
        name_font.setBold(True)
        name_font.setPointSizeF(name_font.pointSizeF() * 1.2)
        self.name.setFont(name_font)
        # Long names are clipped rather than widening the whole panel.
        self.name.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status = plain_label(self)
        self.facts = plain_label(self, selectable=True)
        self.facts.setWordWrap(True)
        self.status_message = plain_label(self, selectable=True)
        self.status_message.setWordWrap(True)
        self.trace_id = IdField("trace", self)
        self.span_id = IdField("span", self)
        self.source = plain_label(self, selectable=True)
        self.source.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.provenance = plain_label(self, selectable=True)
        self.provenance.setWordWrap(True)
        small = QFont(self.provenance.font())
        small.setPointSizeF(small.pointSizeF() * 0.9)
        self.provenance.setFont(small)

        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.kind)
        top.addWidget(self.name, 1)
        top.addWidget(self.status)
        ids = QHBoxLayout()
        ids.setSpacing(16)
        ids.addWidget(self.trace_id)
        ids.addWidget(self.span_id)
        ids.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 6)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addWidget(self.facts)
        layout.addWidget(self.status_message)
        layout.addLayout(ids)
        layout.addWidget(self.source)
        layout.addWidget(self.provenance)
        self.show_span(None, None)

    def show_span(self, span: Span | None, view: LlmView | None) -> None:
        styles = Styles.from_palette(self.palette())
        if span is None or view is None:
            self.kind.hide()
            self.status.hide()
            self.name.setText("No span selected")
            self.name.setToolTip("")
            for widget in (
                self.facts,
                self.status_message,
                self.trace_id,
                self.span_id,
                self.source,
                self.provenance,
            ):
                widget.hide()
            return
        self.kind.setText(kind_label(span.kind))
        self.kind.setStyleSheet(
            f"QLabel {{ background: {kind_colour(span.kind).name()}; color: white;"
            " border-radius: 4px; padding: 1px 6px; font-weight: bold; }"
        )
        self.kind.show()
        self.name.setText(one_line(span.name or "(unnamed span)", NAME_LIMIT))
        self.name.setToolTip(tooltip(span.name[:2000]))
        status_colour = {
            Status.OK: styles.ok_colour.name(),
            Status.ERROR: styles.error_colour.name(),
        }.get(span.status)
        self.status.setText(span.status.name)
        self.status.setStyleSheet(
            f"QLabel {{ color: {status_colour}; font-weight: bold; }}" if status_colour else ""
        )
        self.status.show()

        facts = []
        if view.model:
            facts.append(one_line(view.model, 120))
        if view.provider:
            facts.append(one_line(view.provider, 60))
        span_duration = span.duration_ns
        facts.append(
            duration(span_duration) if span_duration is not None else "duration unknown (no end)"
        )
        facts.append(f"started {local_time_full(span.start_ns)}")
        if span.kind is SpanKind.LLM or view.usage.known:
            facts.append(f"tokens {tokens_text(view)}")
        if span.kind is SpanKind.LLM or view.cost_usd is not None:
            facts.append(f"cost {cost_text(view, self._pricing)}")
        self.facts.setText("  ·  ".join(facts))
        self.facts.show()

        message = span.status_message.strip()
        if span.status is Status.ERROR or message:
            self.status_message.setText(
                one_line(message, MESSAGE_LIMIT) if message else "error (no message)"
            )
            self.status_message.setStyleSheet(
                f"QLabel {{ color: {styles.error_colour.name()}; }}" if span.is_error else ""
            )
            self.status_message.show()
        else:
            self.status_message.hide()

        self.trace_id.set_value(span.trace_id)
        self.span_id.set_value(span.span_id)
        self.trace_id.show()
        self.span_id.show()
        where = PurePath(span.source).name if span.source else "unknown source"
        location = f" · {one_line(span.location, 100)}" if span.location else ""
        self.source.setText(f"from {one_line(where, 200)}{location}")
        self.source.setToolTip(tooltip(span.source or where))
        self.source.show()
        provenance = provenance_text(view)
        self.provenance.setText(f"read from {provenance}" if provenance else "")
        self.provenance.setToolTip(tooltip(provenance_details(view)))
        self.provenance.setVisible(bool(provenance))
