"""A span as a JSON document (what Ctrl+C copies): every field, attributes and events included."""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson

from inspector.model import Span


def span_dict(span: Span) -> dict[str, Any]:
    """The span's fields as plain JSON-ready values (enums by name, times as ns integers)."""
    data = {f.name: getattr(span, f.name) for f in dataclasses.fields(span)}
    data.pop("raw", None)  # an ingest detail (the source record), not part of the span
    data["kind"] = span.kind.value
    data["status"] = span.status.name
    data["events"] = [
        {"name": e.name, "time_ns": e.time_ns, "attributes": e.attributes} for e in span.events
    ]
    data["duration_ns"] = span.duration_ns
    return data


def span_json(span: Span) -> str:
    """Indented JSON; values JSON cannot hold (bytes, huge ints) are written as text."""
    return orjson.dumps(
        span_dict(span),
        option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS,
        default=_fallback,
    ).decode()


def _fallback(value: object) -> object:
    if isinstance(value, bytes):
        return value.hex()
    return str(value)
