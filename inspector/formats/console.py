"""OTel Python ``ConsoleSpanExporter`` objects (``span.to_json()``) into normalised spans.

Not OTLP: ``0x`` ids, ``SpanKind.X`` names, ISO-8601 microsecond times, plain-valued attributes,
no scope. Phoenix's JSONL span export has nearly the same shape (``span_kind``, ``status_code``)
and is read here too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from inspector.formats.ids import span_id, trace_id
from inspector.formats.otlp import BadRecord, otel_kind
from inspector.model import Event, Span, SpanKind, Status


def is_console_span(record: object) -> bool:
    return (
        isinstance(record, dict)
        and isinstance(record.get("context"), dict)
        and "trace_id" in record["context"]
    )


def iso_to_ns(value: object) -> int | None:
    """ISO-8601 text (``Z``, an offset, or naive = UTC; ``T`` or space) to epoch nanoseconds."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    if not isinstance(value, str):
        raise BadRecord(f"unreadable time {value!r}"[:200])
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise BadRecord(f"unreadable time {value!r}"[:200]) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1_000


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict) and value:
        for key, inner in value.items():
            _flatten(inner, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list) and value and any(isinstance(v, dict | list) for v in value):
        for index, inner in enumerate(value):
            _flatten(inner, f"{prefix}.{index}", out)
    else:
        out[prefix] = value


def flatten_attributes(attrs: object) -> dict[str, Any]:
    """Flat OTel keys from attributes that may be nested (Phoenix stores them nested)."""
    if not isinstance(attrs, dict):
        return {}
    if not any(isinstance(v, dict) or _has_objects(v) for v in attrs.values()):
        return attrs
    out: dict[str, Any] = {}
    _flatten(attrs, "", out)
    return out


def _has_objects(value: object) -> bool:
    return isinstance(value, list) and any(isinstance(v, dict) for v in value)


def decode_console_span(record: dict[str, Any], source: str, location: str) -> Span:
    """One console-exporter (or Phoenix export) span object into a normalised span."""
    context = record["context"]
    tid = trace_id(context.get("trace_id"))
    sid = span_id(context.get("span_id"))
    if tid is None or sid is None:
        raise BadRecord("span has no trace_id or span_id")
    status = record.get("status")
    if isinstance(status, dict):
        code = Status.parse(status.get("status_code"))
        message = status.get("description") or ""
    else:
        code = Status.parse(record.get("status_code"))
        message = record.get("status_message") or ""
    attributes = flatten_attributes(record.get("attributes"))
    native_kind = record.get("span_kind")
    if native_kind and "openinference.span.kind" not in attributes:
        attributes = {**attributes, "openinference.span.kind": native_kind}
    events = [
        Event(
            name=str(e.get("name", "")),
            time_ns=iso_to_ns(e.get("timestamp")),
            attributes=flatten_attributes(e.get("attributes")),
        )
        for e in record.get("events") or ()
    ]
    links = [
        {
            "trace_id": trace_id((link.get("context") or {}).get("trace_id")),
            "span_id": span_id((link.get("context") or {}).get("span_id")),
            "attributes": link.get("attributes") or {},
        }
        for link in record.get("links") or ()
    ]
    resource = record.get("resource") or {}
    return Span(
        trace_id=tid,
        span_id=sid,
        parent_id=span_id(record.get("parent_id")),
        name=str(record.get("name") or ""),
        start_ns=iso_to_ns(record.get("start_time")),
        end_ns=iso_to_ns(record.get("end_time")),
        kind=SpanKind.parse(native_kind) if native_kind else SpanKind.UNKNOWN,
        otel_kind=otel_kind(record.get("kind")),
        status=code,
        status_message=str(message),
        attributes=attributes,
        events=events,
        links=links,
        resource=dict(resource.get("attributes") or {}),
        scope={},
        source=source,
        location=location,
    )
