"""The Raw tab: the whole normalised span as pretty JSON."""

from __future__ import annotations

from typing import Any

from inspector.model import Span
from inspector.ui.detail.display import dumps_pretty
from inspector.ui.detail.document import DocWriter


def span_dict(span: Span) -> dict[str, Any]:
    """The span as plain data, in the order a reader scans it."""
    return {
        "name": span.name,
        "trace_id": span.trace_id,
        "span_id": span.span_id,
        "parent_id": span.parent_id,
        "kind": span.kind.value,
        "otel_kind": span.otel_kind,
        "status": span.status.name,
        "status_message": span.status_message,
        "start_ns": span.start_ns,
        "end_ns": span.end_ns,
        "duration_ns": span.duration_ns,
        "attributes": span.attributes,
        "events": [
            {"name": e.name, "time_ns": e.time_ns, "attributes": e.attributes} for e in span.events
        ],
        "links": span.links,
        "resource": span.resource,
        "scope": span.scope,
        "source": span.source,
        "location": span.location,
    }


def span_json(span: Span) -> str:
    return dumps_pretty(span_dict(span))


def write_raw(w: DocWriter, span: Span) -> None:
    w.paragraph()
    w.json(span_json(span))
