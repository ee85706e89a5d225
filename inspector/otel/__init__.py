"""Recorders for a user's agent (the ``otel`` extra): OpenTelemetry exporters and processors.

``install(folder_or_db)`` is the one call most agents need; the pieces are
:class:`~inspector.otel.jsonl.OtlpJsonLinesExporter`,
:class:`~inspector.otel.store.StoreSpanExporter` and
:class:`~inspector.otel.processor.LiveSpanProcessor`.
"""

from __future__ import annotations

from inspector.otel.recorder import install

__all__ = ["install"]
