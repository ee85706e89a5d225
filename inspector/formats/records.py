"""Decoding one parsed JSON record into spans, whichever trace format it belongs to.

Each format registers a (recognise, decode) pair. A record that no format recognises becomes a
problem naming the keys it had, so an unsupported file says why instead of loading nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from inspector.formats.console import decode_console_span, is_console_span
from inspector.formats.mlflow_json import decode_json as decode_mlflow_json
from inspector.formats.mlflow_json import is_mlflow_json
from inspector.formats.otlp import (
    BadRecord,
    decode_traces,
    decode_traces_lazy,
    is_otlp_traces,
)
from inspector.formats.otlp_logs import decode_logs, is_otlp_logs
from inspector.model import Problem, Span
from inspector.model.span import SpanEvents

# Spans, problems, and events recorded apart from their span (log records) to attach by id.
Decoded = Iterator[Span | Problem | SpanEvents]


@dataclass(frozen=True, slots=True)
class RecordFormat:
    """A JSON record shape: its name in ``summary``, how to recognise it, how to decode it."""

    name: str
    recognise: Callable[[object], bool]
    decode: Callable[[dict[str, Any], str, str], Decoded]
    # Ingest fast path: decode only the indexed fields and keep a reference to the raw record.
    decode_lazy: Callable[[dict[str, Any], str, str, bytes], Decoded] | None = None


def _console(record: dict[str, Any], source: str, location: str) -> Decoded:
    try:
        yield decode_console_span(record, source, location)
    except (BadRecord, ValueError, TypeError, AttributeError, KeyError) as exc:
        yield Problem(source, location, f"skipped span {record.get('name')!r}: {exc}")


def _otlp_logs(record: dict[str, Any], source: str, location: str) -> Decoded:
    yield from decode_logs(record, source, location)


RECORD_FORMATS: list[RecordFormat] = [
    RecordFormat("otlp-json", is_otlp_traces, decode_traces, decode_traces_lazy),
    RecordFormat("otel-console", is_console_span, _console),
    RecordFormat("otlp-logs", is_otlp_logs, _otlp_logs),
    RecordFormat("mlflow-json", is_mlflow_json, decode_mlflow_json),
]


def recognise(record: object) -> RecordFormat | None:
    """The format a parsed record belongs to, or ``None``."""
    for fmt in RECORD_FORMATS:
        if fmt.recognise(record):
            return fmt
    return None


def describe(record: object) -> str:
    """A short description of an unrecognised record, for the problem message."""
    if isinstance(record, dict):
        keys = ", ".join(sorted(map(str, record))[:6])
        return f"not a trace record (an object with keys: {keys or 'none'})"
    return f"not a trace record (a JSON {type(record).__name__})"
