"""OTLP/JSON trace records (``{"resourceSpans": [...]}``) into normalised spans.

Lenient the way the OpenTelemetry Collector is: camelCase and snake_case keys, enum ints or names,
int64 as strings or numbers, hex or base64 ids, and the pre-2022 ``instrumentationLibrarySpans``.
One record holds many spans; a malformed span becomes a problem without losing its neighbours.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from inspector.formats.ids import span_id, trace_id
from inspector.model import Event, Problem, Span, SpanKind, Status
from inspector.model.span import RawRef
from inspector.semconv import SUMMARY_KEYS

OTEL_KINDS = ("UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER")


class BadRecord(ValueError):
    """A record (or one span inside it) that cannot be turned into spans; the message says why."""


def is_otlp_traces(record: object) -> bool:
    return isinstance(record, dict) and ("resourceSpans" in record or "resource_spans" in record)


def to_int(value: object) -> int | None:
    """An int64 written as a JSON number or a decimal string; ``None`` when absent or zero-ish."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return int(value) if value else None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise BadRecord(f"expected an integer, got {value!r}"[:200])


def _double(value: object) -> float:
    if isinstance(value, str):
        return float(value)  # "NaN", "Infinity", "-Infinity" are legal proto3 JSON
    if isinstance(value, int | float):
        return float(value)
    return math.nan


def any_value(value: object) -> Any:
    """Decode an OTLP ``AnyValue`` into a plain Python value (bytes stay base64 text)."""
    if not isinstance(value, dict):
        return value  # lenient: a producer that wrote the plain value
    if "stringValue" in value:
        return value["stringValue"]
    if "intValue" in value:
        return to_int(value["intValue"])
    if "boolValue" in value:
        return bool(value["boolValue"])
    if "doubleValue" in value:
        return _double(value["doubleValue"])
    if "arrayValue" in value:
        return [any_value(v) for v in (value["arrayValue"] or {}).get("values") or ()]
    if "kvlistValue" in value:
        return attributes((value["kvlistValue"] or {}).get("values"))
    if "bytesValue" in value:
        return value["bytesValue"]
    for snake, camel in _SNAKE_VALUES:
        if snake in value:
            return any_value({camel: value[snake]})
    return None


_SNAKE_VALUES = (
    ("string_value", "stringValue"),
    ("int_value", "intValue"),
    ("bool_value", "boolValue"),
    ("double_value", "doubleValue"),
    ("array_value", "arrayValue"),
    ("kvlist_value", "kvlistValue"),
    ("bytes_value", "bytesValue"),
)


def attributes(kvs: object) -> dict[str, Any]:
    """A list of OTLP ``KeyValue`` into a flat dict (a plain dict is accepted as is)."""
    if not kvs:
        return {}
    if isinstance(kvs, dict):
        return kvs
    if not isinstance(kvs, list):
        raise BadRecord(f"attributes should be a list, got {type(kvs).__name__}")
    out: dict[str, Any] = {}
    for kv in kvs:
        try:
            out[kv["key"]] = any_value(kv.get("value"))
        except (KeyError, TypeError, AttributeError) as exc:
            raise BadRecord(f"malformed attribute {kv!r}"[:200]) from exc
    return out


def _get(d: dict[str, Any], camel: str, snake: str) -> Any:
    value = d.get(camel)
    return d.get(snake) if value is None else value


def otel_kind(value: object) -> str | None:
    """OTel span kind from an int (1..5) or a name (``SPAN_KIND_SERVER``, ``SpanKind.SERVER``)."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return OTEL_KINDS[value] if 0 <= value < len(OTEL_KINDS) else None
    if isinstance(value, str):
        name = value.rsplit(".", 1)[-1].upper().removeprefix("SPAN_KIND_")
        if name.isdigit():
            return otel_kind(int(name))
        return name if name in OTEL_KINDS else None
    return None


def decode_span(
    s: dict[str, Any],
    resource: dict[str, Any],
    scope: dict[str, Any],
    source: str,
    location: str,
) -> Span:
    """One OTLP ``Span`` object into a normalised span."""
    tid = trace_id(_get(s, "traceId", "trace_id"))
    sid = span_id(_get(s, "spanId", "span_id"))
    if tid is None or sid is None:
        raise BadRecord("span has no traceId or spanId")
    status = s.get("status") or {}
    events = [
        Event(
            name=str(e.get("name", "")),
            time_ns=to_int(_get(e, "timeUnixNano", "time_unix_nano")) or None,
            attributes=attributes(e.get("attributes")),
        )
        for e in s.get("events") or ()
    ]
    links = [
        {
            "trace_id": trace_id(_get(link, "traceId", "trace_id")),
            "span_id": span_id(_get(link, "spanId", "span_id")),
            "attributes": attributes(link.get("attributes")),
        }
        for link in s.get("links") or ()
    ]
    return Span(
        trace_id=tid,
        span_id=sid,
        parent_id=span_id(_get(s, "parentSpanId", "parent_span_id")),
        name=str(s.get("name") or ""),
        start_ns=to_int(_get(s, "startTimeUnixNano", "start_time_unix_nano")) or None,
        end_ns=to_int(_get(s, "endTimeUnixNano", "end_time_unix_nano")) or None,
        otel_kind=otel_kind(s.get("kind")),
        status=Status.parse(status.get("code")),
        status_message=str(status.get("message") or ""),
        attributes=attributes(s.get("attributes")),
        events=events,
        links=links,
        resource=resource,
        scope=scope,
        source=source,
        location=location,
    )


_SCOPE_LISTS = (
    ("scopeSpans", "scope"),
    ("scope_spans", "scope"),
    ("instrumentationLibrarySpans", "instrumentationLibrary"),
    ("instrumentation_library_spans", "instrumentation_library"),
)


# What decoding one span can raise on malformed input: it becomes a problem, not a crash.
DECODE_ERRORS = (BadRecord, ValueError, TypeError, AttributeError, KeyError)

# One span object of a record, its resource's attributes, its scope object, its ordinal.
SpanSite = tuple[Any, dict[str, Any], dict[str, Any], int]


def walk_spans(record: dict[str, Any], source: str, location: str) -> Iterator[SpanSite | Problem]:
    """Every span object in one ``TracesData``/``ExportTraceServiceRequest`` record, in order,
    with a :class:`Problem` in place of each resource block that cannot be read."""
    resource_spans = _get(record, "resourceSpans", "resource_spans") or ()
    ordinal = -1
    if not isinstance(resource_spans, list):
        yield Problem(source, location, "resourceSpans is not a list")
        return
    for rs in resource_spans:
        try:
            resource = attributes((rs.get("resource") or {}).get("attributes"))
        except (BadRecord, AttributeError) as exc:
            yield Problem(source, location, f"unreadable resource: {exc}")
            continue
        for list_key, scope_key in _SCOPE_LISTS:
            for ss in rs.get(list_key) or ():
                scope_obj = ss.get(scope_key) or {}
                for s in ss.get("spans") or ():
                    ordinal += 1
                    yield s, resource, scope_obj, ordinal


def span_problem(s: object, source: str, location: str, exc: Exception) -> Problem:
    """The problem for a span object that could not be decoded."""
    name = s.get("name") if isinstance(s, dict) else None
    what = f"span {name!r}" if name else "a span"
    return Problem(source, location, f"skipped {what}: {exc}")


def decode_traces(
    record: dict[str, Any], source: str, location: str, raw: bytes | None = None
) -> Iterator[Span | Problem]:
    """Every span in one ``TracesData``/``ExportTraceServiceRequest`` record.

    Yields a :class:`Problem` in place of each span (or resource block) that cannot be read, so
    one bad span never hides the good ones beside it.

    Args:
        record: the parsed record.
        source: file name, for problems and provenance.
        location: where the record is in the file (``line 12``).
        raw: the record's bytes. When given, spans are decoded lazily: only the fields the
            store indexes, with ``span.raw`` pointing back at the record for the full decode.
    """
    for site in walk_spans(record, source, location):
        if isinstance(site, Problem):
            yield site
            continue
        s, resource, scope_obj, ordinal = site
        try:
            if raw is None:
                scope = {"name": scope_obj.get("name", ""), "version": scope_obj.get("version", "")}
                yield decode_span(s, resource, scope, source, location)
            else:
                yield decode_span_lazy(s, resource, source, location, (raw, ordinal))
        except DECODE_ERRORS as exc:
            yield span_problem(s, source, location, exc)


def decode_traces_lazy(
    record: dict[str, Any], source: str, location: str, raw: bytes
) -> Iterator[Span | Problem]:
    """:func:`decode_traces` on the ingest fast path (see its ``raw`` argument)."""
    return decode_traces(record, source, location, raw)


def nth_span(record: dict[str, Any], source: str, location: str, ordinal: int) -> Span | None:
    """Fully decode the span with this ordinal in a record (the inverse of the lazy path)."""
    count = -1
    for rs in _get(record, "resourceSpans", "resource_spans") or ():
        resource: dict[str, Any] | None = None
        for list_key, scope_key in _SCOPE_LISTS:
            for ss in rs.get(list_key) or ():
                spans = ss.get("spans") or ()
                if count + len(spans) < ordinal:
                    count += len(spans)
                    continue
                if resource is None:
                    resource = attributes((rs.get("resource") or {}).get("attributes"))
                scope_obj = ss.get(scope_key) or {}
                scope = {"name": scope_obj.get("name", ""), "version": scope_obj.get("version", "")}
                return decode_span(spans[ordinal - count - 1], resource, scope, source, location)
    return None


def _summary_attributes(kvs: object) -> dict[str, Any]:
    """Only the attributes the indexed columns are derived from (see ``semconv.SUMMARY_KEYS``)."""
    if not kvs:
        return {}
    if isinstance(kvs, dict):
        return {k: v for k, v in kvs.items() if k in SUMMARY_KEYS}
    keys = SUMMARY_KEYS
    out: dict[str, Any] = {}
    for kv in kvs:  # type: ignore[attr-defined]
        key = kv.get("key")
        if key in keys:
            value = kv.get("value")
            text = value.get("stringValue") if isinstance(value, dict) else None
            out[key] = text if text is not None else any_value(value)
    return out


# trace id, span id, parent id, name, start, end, status, status message, summary attributes
LazyFields = tuple[str, str, str | None, str, int | None, int | None, Status, str, dict[str, Any]]


def lazy_fields(s: dict[str, Any]) -> LazyFields:
    """The indexed fields of one OTLP span object (the ingest hot path: no Span is built)."""
    tid = s.get("traceId")
    if not (isinstance(tid, str) and len(tid) == 32):
        tid = trace_id(_get(s, "traceId", "trace_id"))
    elif tid == _ZERO_TRACE:
        tid = None
    else:
        tid = tid.lower()
    sid = s.get("spanId")
    if not (isinstance(sid, str) and len(sid) == 16):
        sid = span_id(_get(s, "spanId", "span_id"))
    elif sid == _ZERO_SPAN:
        sid = None
    else:
        sid = sid.lower()
    if tid is None or sid is None:
        raise BadRecord("span has no traceId or spanId")
    parent = s.get("parentSpanId")
    if parent is None or not (isinstance(parent, str) and len(parent) == 16):
        parent = span_id(_get(s, "parentSpanId", "parent_span_id"))
    elif parent == _ZERO_SPAN:
        parent = None
    else:
        parent = parent.lower()
    status = s.get("status")
    if status:
        code = Status.parse(status.get("code"))
        message = str(status.get("message") or "")
    else:
        code, message = Status.UNSET, ""
    name = s.get("name")
    return (
        tid,
        sid,
        parent,
        name if isinstance(name, str) else str(name or ""),
        _time(s, "startTimeUnixNano", "start_time_unix_nano"),
        _time(s, "endTimeUnixNano", "end_time_unix_nano"),
        code,
        message,
        _summary_attributes(s.get("attributes")),
    )


def decode_span_lazy(
    s: dict[str, Any], resource: dict[str, Any], source: str, location: str, raw: RawRef
) -> Span:
    """The indexed fields of one OTLP span, with a reference to its raw record."""
    tid, sid, parent, name, start, end, code, message, attrs = lazy_fields(s)
    # Positional: this runs once per span on the ingest hot path (see Span's field order).
    return Span(
        tid,
        sid,
        parent,
        name,
        start,
        end,
        SpanKind.UNKNOWN,
        None,
        code,
        message,
        attrs,
        [],
        [],
        resource,
        _NO_SCOPE,
        source,
        location,
        raw,
    )


_NO_SCOPE: dict[str, Any] = {}  # shared and never mutated: lazily read spans carry no scope
_ZERO_TRACE = "0" * 32
_ZERO_SPAN = "0" * 16


def _time(s: dict[str, Any], camel: str, snake: str) -> int | None:
    value = s.get(camel)
    if isinstance(value, str) and value:
        return int(value) or None
    return to_int(value if value is not None else s.get(snake)) or None
