"""A fast decoder for the usual shape of OTLP JSON lines, for the bulk-load hot path.

:func:`inspector.formats.otlp.lazy_fields` reads a span from a record ``orjson`` parsed into
dicts: every value of every span -- the prompts and replies that are most of a file's bytes --
becomes a Python object only to be thrown away, since the index keeps a span's record by
position. Here ``msgspec`` decodes each line into typed structs that name only the fields the
index derives its columns from, and leaves attribute values as undecoded JSON (``Raw``) unless
their key is one :data:`inspector.semconv.SUMMARY_KEYS` names.

It takes only records in the shape the OTLP file exporter and the SDKs write (camelCase keys,
hex ids, times as strings or numbers). Anything else -- a line that is not JSON, snake_case keys,
base64 ids, a legacy ``instrumentationLibrarySpans`` list, a span the general decoder would turn
into a problem -- raises :class:`Unusual`, and the caller reads that text with the general reader
instead. Both give the same fields for every record this module takes (a test checks it).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import msgspec
import orjson

from inspector.formats.ids import span_id
from inspector.formats.otlp import attributes, to_int
from inspector.model import Status
from inspector.semconv import SUMMARY_KEYS


class Unusual(Exception):
    """Text this decoder leaves to the general reader (the message says where and why)."""


class _AnyValue(msgspec.Struct, gc=False):
    """An OTLP ``AnyValue``: ``UNSET`` tells an absent field from a JSON ``null``."""

    stringValue: str | msgspec.UnsetType | None = msgspec.UNSET  # noqa: N815 (the JSON key)
    intValue: int | str | msgspec.UnsetType | None = msgspec.UNSET  # noqa: N815
    boolValue: bool | msgspec.UnsetType | None = msgspec.UNSET  # noqa: N815
    doubleValue: float | str | msgspec.UnsetType | None = msgspec.UNSET  # noqa: N815


class _KeyValue(msgspec.Struct, gc=False):
    key: str = ""
    value: _AnyValue | None = None


class _Status(msgspec.Struct, gc=False):
    code: int | str | None = None
    message: str | None = None


class _Span(msgspec.Struct, rename="camel", gc=False):
    trace_id: str | None = None
    span_id: str | None = None
    parent_span_id: str | None = None
    name: str | None = None
    start_time_unix_nano: str | int | None = None
    end_time_unix_nano: str | int | None = None
    status: _Status | None = None
    attributes: list[_KeyValue] = []
    # snake_case spellings the general decoder falls back to when the camelCase key is absent
    snake_parent: msgspec.Raw = msgspec.field(default=msgspec.Raw(), name="parent_span_id")
    snake_start: msgspec.Raw = msgspec.field(default=msgspec.Raw(), name="start_time_unix_nano")
    snake_end: msgspec.Raw = msgspec.field(default=msgspec.Raw(), name="end_time_unix_nano")


class _ScopeSpans(msgspec.Struct, gc=False):
    spans: list[_Span] = []


class _ResourceSpans(msgspec.Struct, gc=False):
    resource: msgspec.Raw = msgspec.Raw()
    scopeSpans: list[_ScopeSpans] = []  # noqa: N815 (the JSON key)
    # other span lists the general decoder also reads: a record holding one is left to it
    scope_spans: msgspec.Raw = msgspec.Raw()
    instrumentationLibrarySpans: msgspec.Raw = msgspec.Raw()  # noqa: N815 (the JSON key)
    instrumentation_library_spans: msgspec.Raw = msgspec.Raw()


class _Traces(msgspec.Struct, gc=False):
    resourceSpans: list[_ResourceSpans] | None = None  # noqa: N815 (the JSON key)


# The structs hold no cycles (gc=False: not tracked by the cyclic collector), and live for one
# line.
_DECODER = msgspec.json.Decoder(_Traces)
_DECODE_ERRORS = (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError)
_ZERO_TRACE = "0" * 32
_ZERO_SPAN = "0" * 16

_STATUS_CODES: dict[int | str | None, int] = {None: 0, 0: 0, 1: 1, 2: 2}

# One span: trace id, span id, parent id, name, start, end, status code, status message, the
# attributes :data:`inspector.semconv.SUMMARY_KEYS` names, whether all of those are strings (or
# null), its resource's attributes, its location (``line N``), its ordinal in the record, and
# the record's offset and length in the file. The fields are those of
# :func:`inspector.formats.otlp.lazy_fields`, with the status code as a plain int.
LineSpan = tuple[
    str,
    str,
    str | None,
    str,
    int | None,
    int | None,
    int,
    str,
    dict[str, Any],
    bool,
    dict[str, Any],
    str,
    int,
    int,
    int,
]


def line_spans(lines: list[bytes], start: int, line_no: int) -> Iterator[LineSpan]:
    """Every span in ``lines`` (text of a file from byte ``start``, after ``line_no`` lines,
    split at newlines), in file order.

    One function, with the span's fields read inline: it runs once per span of a bulk load.

    Raises:
        Unusual: at the first text the general reader must read instead.
    """
    keys = SUMMARY_KEYS
    unset = msgspec.UNSET
    codes = _STATUS_CODES
    resources: dict[bytes, dict[str, Any]] = {}  # shared by the spans of each: never changed
    offset = start
    for line in lines:
        line_no += 1
        at = offset
        offset += len(line) + 1
        record = line.strip()
        if not record:
            continue
        location = f"line {line_no}"
        try:
            traces = _DECODER.decode(record)
        except _DECODE_ERRORS as exc:
            raise Unusual(f"{location}: {exc}") from None
        if traces.resourceSpans is None:
            raise Unusual(f"{location}: not an OTLP traces record with camelCase keys")
        at += len(line) - len(line.lstrip())
        length = len(record)
        ordinal = -1
        for rs in traces.resourceSpans:
            if rs.scope_spans or rs.instrumentationLibrarySpans or rs.instrumentation_library_spans:
                raise Unusual(f"{location}: another spelling of the span lists")
            raw = rs.resource
            text = bytes(raw) if raw else b""
            resource = resources.get(text)
            if resource is None:  # the same few resources repeat on every line
                resource = resources[text] = _resource(raw, location)
            for ss in rs.scopeSpans:
                for s in ss.spans:
                    ordinal += 1
                    tid = s.trace_id
                    sid = s.span_id
                    if tid is None or len(tid) != 32 or tid == _ZERO_TRACE:
                        raise Unusual(f"{location}: trace id {tid!r}")
                    if sid is None or len(sid) != 16 or sid == _ZERO_SPAN:
                        raise Unusual(f"{location}: span id {sid!r}")
                    parent = s.parent_span_id
                    if parent is None:
                        if s.snake_parent:
                            raise Unusual(f"{location}: parent_span_id")
                    elif len(parent) == 16:
                        parent = None if parent == _ZERO_SPAN else parent.lower()
                    else:
                        parent = span_id(parent)
                    status = s.status
                    if status is None:
                        code, message = 0, ""
                    else:
                        code = codes.get(status.code, -1)
                        if code < 0:
                            code = int(Status.parse(status.code))
                        message = status.message or ""
                    attrs: dict[str, Any] = {}
                    plain = True
                    for kv in s.attributes:
                        key = kv.key
                        if key in keys:
                            v = kv.value
                            if v is not None and v.stringValue is not unset:
                                attrs[key] = v.stringValue
                            else:
                                attrs[key] = _value(v, key, location)
                                plain = False
                    begin = s.start_time_unix_nano
                    if begin.__class__ is not int:
                        begin = _time(begin, s.snake_start, location)
                    end = s.end_time_unix_nano
                    if end.__class__ is not int:
                        end = _time(end, s.snake_end, location)
                    yield (
                        tid.lower(),
                        sid.lower(),
                        parent,
                        s.name or "",
                        begin or None,
                        end or None,
                        code,
                        message,
                        attrs,
                        plain,
                        resource,
                        location,
                        ordinal,
                        at,
                        length,
                    )


def _resource(raw: msgspec.Raw, location: str) -> dict[str, Any]:
    """A resource's attributes, read exactly as the general decoder reads them."""
    if not raw:
        return {}
    try:
        value = orjson.loads(memoryview(raw))
        return attributes((value or {}).get("attributes"))
    except (ValueError, AttributeError) as exc:  # BadRecord is a ValueError
        raise Unusual(f"{location}: resource: {exc}") from None


def _value(v: _AnyValue | None, key: str, location: str) -> Any:
    """An attribute's value, as :func:`inspector.formats.otlp.any_value` gives it."""
    if v is None:
        return None
    unset = msgspec.UNSET
    if v.stringValue is not unset:
        return v.stringValue
    try:
        if v.intValue is not unset:
            return to_int(v.intValue)
        if v.boolValue is not unset:
            return bool(v.boolValue)
        if v.doubleValue is not unset:
            return float(v.doubleValue) if v.doubleValue is not None else math.nan
    except ValueError as exc:
        raise Unusual(f"{location}: attribute {key!r}: {exc}") from None
    raise Unusual(f"{location}: attribute {key!r} holds another kind of value")


def _time(value: str | int | None, snake: msgspec.Raw, location: str) -> int | None:
    if isinstance(value, str):
        try:
            return int(value) or None if value else None
        except ValueError:
            raise Unusual(f"{location}: time {value!r}") from None
    if value is None and snake:
        raise Unusual(f"{location}: snake_case time")
    return value or None
