"""An OpenTelemetry span exporter that writes OTLP JSON lines the inspector can open and tail.

Each ``export`` call becomes one line holding ``{"resourceSpans": [...]}``: the shape the
OpenTelemetry Collector's ``file`` exporter writes and the OTLP file-exporter spec describes.
The protobuf message comes from the SDK's own OTLP encoder, so resource, scope, events, links,
flags and attribute types match what an OTLP/HTTP exporter would send; only the generic
protobuf-to-JSON mapping is corrected to the OTLP/JSON rules (hex ids, integer enums).

Usage::

    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(OtlpJsonLinesExporter("traces")))
"""

from __future__ import annotations

import base64
import logging
import os
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from io import FileIO
from pathlib import Path
from typing import Any

import orjson
from google.protobuf.json_format import MessageToDict
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from inspector.otel.fork import on_fork_in_child

__all__ = ["OtlpJsonLinesExporter", "encode_otlp_json"]

_logger = logging.getLogger(__name__)

# Span fields that hold trace/span ids. OTLP/JSON wants these as hex, while the generic protobuf
# mapping writes every bytes field as base64. Only these are converted: an attribute's
# ``bytesValue`` is an ordinary bytes field and stays base64 under the spec.
_SPAN_ID_FIELDS = ("traceId", "spanId", "parentSpanId")
_LINK_ID_FIELDS = ("traceId", "spanId")


def encode_otlp_json(spans: Sequence[ReadableSpan]) -> dict[str, Any]:
    """Encode finished SDK spans as an OTLP/JSON ``ExportTraceServiceRequest`` object.

    The result is ready for any JSON serialiser: ids are lowercase hex, ``kind`` and
    ``status.code`` are integers, 64-bit integers (times, ``intValue``) are decimal strings and
    fields holding their default value are left out, as proto3 JSON requires.

    Args:
        spans: Finished spans, in any mix of resources and instrumentation scopes.

    Returns:
        A dict with one key, ``resourceSpans`` (absent when ``spans`` is empty).
    """
    # Integer enums come straight from the printer; names such as "SPAN_KIND_CLIENT" are the
    # generic proto3 mapping and the OTLP/JSON spec forbids them.
    data: dict[str, Any] = MessageToDict(encode_spans(spans), use_integers_for_enums=True)
    for resource_spans in data.get("resourceSpans", ()):
        for scope_spans in resource_spans.get("scopeSpans", ()):
            for span in scope_spans.get("spans", ()):
                _ids_to_hex(span, _SPAN_ID_FIELDS)
                for link in span.get("links", ()):
                    _ids_to_hex(link, _LINK_ID_FIELDS)
    return data


def _ids_to_hex(message: dict[str, Any], fields: Sequence[str]) -> None:
    """Rewrite the base64 id fields of one span or link dict as lowercase hex, in place."""
    for name in fields:
        value = message.get(name)
        if isinstance(value, str):
            message[name] = base64.b64decode(value).hex()


class OtlpJsonLinesExporter(SpanExporter):
    """Append each exported batch of spans as one OTLP JSON line to a file of its own.

    The file is ``{prefix}-{pid}-{UTC start time}.jsonl`` inside ``folder``; it is created (with
    the folder) when the exporter is constructed, so a viewer watching the folder sees the run
    start before its first span ends. The name never reuses an existing file: a clash gets a
    ``-1``, ``-2`` ... suffix. A process that forks keeps writing its own file, and the child
    starts a new one (with its own pid) on its first export.

    Lines are written with one unbuffered ``write`` per export, so every export is visible to a
    reader as soon as it returns and a crash can at worst leave the last line partial, which
    OTLP JSON-lines readers skip. The exporter is safe to call from several threads.

    Args:
        folder: Directory for the file; created if missing.
        prefix: Start of the file name.
    """

    def __init__(self, folder: str | Path, *, prefix: str = "spans") -> None:
        self._folder = Path(folder)
        self._prefix = prefix
        self._lock = threading.Lock()
        self._shutdown = False
        self._path, file = self._open_new_file()
        self._file: FileIO | None = file
        on_fork_in_child(self._after_fork_in_child)

    @property
    def path(self) -> Path:
        """The file this exporter writes to (in a forked child: the parent's, until it exports)."""
        return self._path

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        """Write ``spans`` as one OTLP JSON line.

        Args:
            spans: The batch to write; an empty batch writes nothing.

        Returns:
            ``SUCCESS`` once the line is handed to the operating system, ``FAILURE`` after
            ``shutdown`` or when the file cannot be written.
        """
        if not spans:
            return SpanExportResult.SUCCESS
        line = orjson.dumps(encode_otlp_json(spans)) + b"\n"
        with self._lock:
            if self._shutdown:
                _logger.warning("OtlpJsonLinesExporter: export called after shutdown")
                return SpanExportResult.FAILURE
            try:
                if self._file is None:
                    self._path, self._file = self._open_new_file()
                _write_all(self._file, line)
            except OSError:
                _logger.exception("OtlpJsonLinesExporter: cannot write to %s", self._path)
                return SpanExportResult.FAILURE
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        """Close the file; later exports fail. Calling it again does nothing."""
        with self._lock:
            self._shutdown = True
            if self._file is not None:
                self._file.close()
                self._file = None

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        """Return ``True``: every export is already written through, nothing is held back.

        Args:
            timeout_millis: Unused; part of the ``SpanExporter`` interface.
        """
        del timeout_millis
        return True

    def _open_new_file(self) -> tuple[Path, FileIO]:
        """Create a new, not yet existing file for this process and return it with its path."""
        self._folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        stem = f"{self._prefix}-{os.getpid()}-{stamp}"
        attempt = 0
        while True:
            path = self._folder / (f"{stem}.jsonl" if attempt == 0 else f"{stem}-{attempt}.jsonl")
            try:
                # "x" refuses to reuse a file: two exporters created within the clock's
                # resolution would otherwise interleave their lines in one file. Unbuffered,
                # so no bytes wait in a Python buffer (nothing to lose, nothing a fork copies).
                # The file outlives this call on purpose; ``shutdown`` closes it.
                file = open(path, "xb", buffering=0)  # noqa: SIM115
            except FileExistsError:
                attempt += 1
                continue
            return path, file

    def _after_fork_in_child(self) -> None:
        """Drop the parent's file and lock in a forked child; the first export opens a new file."""
        self._lock = threading.Lock()
        if self._file is not None:
            # Closes only the child's copy of the descriptor; unbuffered, so nothing is flushed
            # into the parent's file.
            self._file.close()
            self._file = None


def _write_all(file: FileIO, data: bytes) -> None:
    """Write all of ``data``: a raw write may be partial, e.g. when interrupted by a signal."""
    view = memoryview(data)
    while view:
        written = file.write(view)
        if written is None:  # pragma: no cover - only non-blocking files return None
            raise OSError("write would block")
        view = view[written:]
