"""OTLP/JSON log records (``{"resourceLogs": [...]}``) as events of the spans they belong to.

GenAI instrumentations put prompts and replies on the logs pipeline (v1.28-1.36 per-message
events, and the v1.37+ ``gen_ai.client.inference.operation.details`` event), linked to their span
by ``traceId``/``spanId``. Each record becomes an :class:`Event` named by its ``eventName`` (or
its ``event.name`` attribute, before OTLP 1.5), carrying the record's attributes and its decoded
body under :data:`LOG_BODY`. Records of one span in one line are yielded together as a
:class:`SpanEvents`, which the store attaches to the span whenever that span is read. A record
without a span id cannot be attached and is reported, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from inspector.formats.ids import span_id, trace_id
from inspector.formats.otlp import BadRecord, any_value, attributes, to_int
from inspector.model import Event, Problem
from inspector.model.span import LOG_BODY, SpanEvents

_SCOPE_LISTS = (
    ("scopeLogs", "scope"),
    ("scope_logs", "scope"),
    ("instrumentationLibraryLogs", "instrumentationLibrary"),
    ("instrumentation_library_logs", "instrumentation_library"),
)


def is_otlp_logs(record: object) -> bool:
    return isinstance(record, dict) and ("resourceLogs" in record or "resource_logs" in record)


def _get(d: dict[str, Any], camel: str, snake: str) -> Any:
    value = d.get(camel)
    return d.get(snake) if value is None else value


def decode_record(r: dict[str, Any]) -> tuple[str | None, str | None, Event]:
    """One ``LogRecord`` as (trace id, span id, event)."""
    attrs = attributes(r.get("attributes"))
    name = _get(r, "eventName", "event_name") or attrs.get("event.name") or "log"
    body = any_value(r.get("body")) if r.get("body") is not None else None
    if body is not None and body != "":
        attrs = {**attrs, LOG_BODY: body}
    severity = _get(r, "severityText", "severity_text")
    if severity:
        attrs.setdefault("log.severity", severity)
    time_ns = to_int(_get(r, "timeUnixNano", "time_unix_nano")) or to_int(
        _get(r, "observedTimeUnixNano", "observed_time_unix_nano")
    )
    return (
        trace_id(_get(r, "traceId", "trace_id")),
        span_id(_get(r, "spanId", "span_id")),
        Event(str(name), time_ns or None, attrs),
    )


def decode_logs(
    record: dict[str, Any], source: str, location: str
) -> Iterator[SpanEvents | Problem]:
    """The span events in one ``LogsData`` / ``ExportLogsServiceRequest`` record.

    Yields one :class:`SpanEvents` per span the record's log records belong to (in record
    order), and one :class:`Problem` for the records that name no span or cannot be read.
    """
    by_span: dict[tuple[str, str], SpanEvents] = {}
    unattached = 0
    resource_logs = _get(record, "resourceLogs", "resource_logs") or ()
    if not isinstance(resource_logs, list):
        yield Problem(source, location, "resourceLogs is not a list")
        return
    for rl in resource_logs:
        if not isinstance(rl, dict):
            yield Problem(source, location, "skipped a resourceLogs entry that is not an object")
            continue
        for list_key, _scope_key in _SCOPE_LISTS:
            for sl in rl.get(list_key) or ():
                for r in sl.get("logRecords") or sl.get("log_records") or ():
                    try:
                        tid, sid, event = decode_record(r)
                    except (BadRecord, ValueError, TypeError, AttributeError, KeyError) as exc:
                        yield Problem(source, location, f"skipped a log record: {exc}")
                        continue
                    if tid is None or sid is None:
                        unattached += 1
                        continue
                    group = by_span.get((tid, sid))
                    if group is None:
                        group = by_span[(tid, sid)] = SpanEvents(tid, sid, [], source, location)
                    group.events.append(event)
    yield from by_span.values()
    if unattached:
        what = "record has" if unattached == 1 else "records have"
        yield Problem(
            source, location, f"{unattached} log {what} no trace and span id: not attached"
        )
