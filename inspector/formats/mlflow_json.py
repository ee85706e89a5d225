"""MLflow's span JSON: ``Span.to_dict()`` in ``spans.content``, ``traces.json`` and trace exports.

Ids are base64 (hex in the 2.x ``context`` form) and every attribute value is JSON-encoded a
second time (the span type ``LLM`` is stored as ``"\"LLM\""``); both are undone here. Trace-level
facts (tags, request metadata, status, session, user) are put on the trace's root span.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from inspector.formats.console import iso_to_ns
from inspector.formats.ids import span_id, trace_id
from inspector.formats.otlp import BadRecord
from inspector.model import Event, Problem, Span, Status


def decode_value(value: object) -> Any:
    """An MLflow attribute value: JSON-encoded text, decoded; anything else as it is."""
    if isinstance(value, str):
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            return value  # set directly by OTel code, not through MLflow's encoder
    return value


def _ns(value: object) -> int | None:
    if value is None or value in ("", 0):
        return None
    if isinstance(value, str) and value.isdigit():
        return int(value) or None
    return iso_to_ns(value)


def decode_span_dict(d: dict[str, Any], source: str, location: str) -> Span:
    """One span as ``Span.to_dict()`` writes it (MLflow 3, or the 2.x ``context`` form)."""
    context = d.get("context")
    if isinstance(context, dict):  # MLflow 2.x
        tid, sid = trace_id(context.get("trace_id")), span_id(context.get("span_id"))
        parent = span_id(d.get("parent_id"))
        start, end = _ns(d.get("start_time")), _ns(d.get("end_time"))
        code, message = d.get("status_code"), d.get("status_message")
        time_key = "timestamp"
    else:
        tid, sid = trace_id(d.get("trace_id")), span_id(d.get("span_id"))
        parent = span_id(d.get("parent_span_id"))
        start, end = _ns(d.get("start_time_unix_nano")), _ns(d.get("end_time_unix_nano"))
        raw_status = d.get("status")
        status: dict[str, Any] = raw_status if isinstance(raw_status, dict) else {}
        code, message = status.get("code", d.get("status")), status.get("message")
        time_key = "time_unix_nano"
    if tid is None or sid is None:
        raise BadRecord("span has no trace_id or span_id")
    raw_attrs = d.get("attributes") or {}
    if not isinstance(raw_attrs, dict):
        raise BadRecord("attributes is not an object")
    events = [
        Event(
            name=str(e.get("name") or ""),
            time_ns=_ns(e.get(time_key, e.get("timestamp"))),
            attributes={k: decode_value(v) for k, v in (e.get("attributes") or {}).items()},
        )
        for e in d.get("events") or ()
        if isinstance(e, dict)
    ]
    return Span(
        trace_id=tid,
        span_id=sid,
        parent_id=parent,
        name=str(d.get("name") or ""),
        start_ns=start,
        end_ns=end,
        status=Status.parse(code),
        status_message=str(message or ""),
        attributes={k: decode_value(v) for k, v in raw_attrs.items()},
        events=events,
        links=[link for link in d.get("links") or () if isinstance(link, dict)],
        source=source,
        location=location,
    )


def _data(record: dict[str, Any]) -> dict[str, Any]:
    inner = record.get("data")
    return inner if isinstance(inner, dict) else record


def is_mlflow_json(record: object) -> bool:
    """``{"spans": [...]}`` (``traces.json``) or ``{"info": ..., "data": {"spans": ...}}``."""
    if not isinstance(record, dict):
        return False
    data = _data(record)
    spans = data.get("spans")
    if not isinstance(spans, list) or not spans or not isinstance(spans[0], dict):
        return False
    first = spans[0]
    return ("span_id" in first and "start_time_unix_nano" in first) or (
        "context" in first and "start_time" in first and "attributes" in first
    )


def decode_json(record: dict[str, Any], source: str, location: str) -> Iterator[Span | Problem]:
    """The spans of an MLflow trace JSON record (trace info, when present, on the root)."""
    data = _data(record)
    info = record.get("info")
    trace = json_trace_context(info) if isinstance(info, dict) else None
    for index, raw in enumerate(data.get("spans") or ()):
        where = f"{location} span {index}"
        try:
            span = decode_span_dict(raw, source, where)
        except (BadRecord, ValueError, TypeError, AttributeError) as exc:
            yield Problem(source, where, f"skipped: {exc}")
            continue
        if trace is not None:
            trace.apply(span)
        yield span


def json_trace_context(info: dict[str, Any]) -> TraceContext:
    metadata = info.get("trace_metadata") or info.get("request_metadata") or {}
    tags = info.get("tags") or {}
    if isinstance(metadata, list):  # the 2.x list of {key, value}
        metadata = {m.get("key"): m.get("value") for m in metadata if isinstance(m, dict)}
    if isinstance(tags, list):
        tags = {t.get("key"): t.get("value") for t in tags if isinstance(t, dict)}
    context = TraceContext(
        request_id=str(info.get("trace_id") or info.get("request_id") or ""),
        status=str(info.get("state") or info.get("status") or ""),
        tags={str(k): v for k, v in tags.items()} if isinstance(tags, dict) else {},
        metadata={str(k): v for k, v in metadata.items()} if isinstance(metadata, dict) else {},
    )
    context.session = context.metadata.get("mlflow.trace.session")
    return context


@dataclass(slots=True)
class TraceContext:
    """What MLflow records about a whole trace, put on its spans."""

    request_id: str
    experiment_id: str | None = None
    experiment_name: str | None = None
    status: str = ""
    name: str | None = None
    session: str | None = None
    tags: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)

    def apply(self, span: Span) -> None:
        resource: dict[str, Any] = {}
        if self.experiment_id is not None:
            resource["mlflow.experiment_id"] = self.experiment_id
        if self.experiment_name:
            resource["mlflow.experiment_name"] = self.experiment_name
        if span.parent_id is None:
            resource.update(self.metadata)
            resource.update(self.tags)
            resource["mlflow.trace.request_id"] = self.request_id
            if self.status:
                resource["mlflow.trace.status"] = self.status
            if self.name:
                resource["mlflow.trace.name"] = self.name
            if span.status is Status.UNSET and Status.parse(self.status) is Status.ERROR:
                span.status = Status.ERROR
        span.resource = {**resource, **span.resource}
        if self.session and "session.id" not in span.attributes:
            span.attributes["session.id"] = self.session
        user = self.metadata.get("mlflow.trace.user")
        if user and "user.id" not in span.attributes:
            span.attributes["user.id"] = user
