"""The Events tab: exceptions with type, message and stack trace; other events with attributes."""

from __future__ import annotations

from inspector.model import Event, Span
from inspector.ui.detail.display import value_text
from inspector.ui.detail.document import DocWriter
from inspector.ui.text import duration, local_time_full

_EXCEPTION_KEYS = ("exception.type", "exception.message", "exception.stacktrace")


def _when(event: Event, span: Span) -> str:
    if event.time_ns is None:
        return "time unknown"
    moment = local_time_full(event.time_ns)
    if span.start_ns is None:
        return moment
    offset = event.time_ns - span.start_ns
    sign = "+" if offset >= 0 else "-"
    return f"{sign}{duration(abs(offset)) or '0 µs'} after start · {moment}"


def _write_attributes(w: DocWriter, attributes: dict[str, object], skip: tuple[str, ...]) -> None:
    for key, value in attributes.items():
        if key in skip:
            continue
        w.line(f"{key}: ", w.styles.muted)
        w.text(value_text(value), w.styles.mono)


def write_event(w: DocWriter, event: Event, span: Span) -> None:
    styles = w.styles
    is_exception = event.name == "exception"
    w.section(f" {event.name or '(unnamed event)'}")
    w.span(f"   {_when(event, span)}", styles.muted)
    attrs = event.attributes
    if is_exception:
        kind = value_text(attrs.get("exception.type", "Exception"))
        message = attrs.get("exception.message")
        w.paragraph()
        w.span(kind, styles.error)
        if message is not None:
            w.span(": ", styles.error)
            w.text(value_text(message), styles.text)
        trace = attrs.get("exception.stacktrace")
        if trace:
            w.paragraph()
            w.text(value_text(trace), styles.error_mono)
        _write_attributes(w, attrs, _EXCEPTION_KEYS)
    else:
        if not attrs:
            w.line("(no attributes)", styles.muted)
        _write_attributes(w, attrs, ())


def write_events(w: DocWriter, span: Span) -> None:
    for event in span.events:
        write_event(w, event, span)
