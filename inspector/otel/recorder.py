"""One call to record an agent's spans where the inspector can watch them.

::

    import inspector.otel
    inspector.otel.install("traces/")      # a folder: OTLP JSON lines, one file per process
    inspector.otel.install("agent.db")     # or our SQLite store

then ``trace-inspector traces/`` (or ``trace-inspector tail traces/``) shows spans as they land.
"""

from __future__ import annotations

from pathlib import Path

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SpanExporter

from inspector.formats import SQLITE_MAGIC
from inspector.otel.jsonl import OtlpJsonLinesExporter
from inspector.otel.processor import LiveSpanProcessor

__all__ = ["DATABASE_SUFFIXES", "exporter_for", "install"]

DATABASE_SUFFIXES = frozenset({".db", ".sqlite", ".sqlite3"})


def exporter_for(target: str | Path) -> SpanExporter:
    """The exporter for a destination: a store for a database path, JSON lines for a folder.

    Raises:
        ValueError: ``target`` is an existing file that is not a SQLite database.
    """
    from inspector.otel.store import StoreSpanExporter  # the store's imports only when used

    path = Path(target)
    if path.is_file():
        with path.open("rb") as handle:
            is_database = handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
        if not is_database and path.stat().st_size > 0:
            raise ValueError(
                f"{path} is a file: give a folder (spans are written there as OTLP JSON lines, "
                "one file per process) or a .db file (a Trace Inspector store)"
            )
        return StoreSpanExporter(path)
    if path.suffix.lower() in DATABASE_SUFFIXES:
        return StoreSpanExporter(path)
    return OtlpJsonLinesExporter(path)


def install(
    folder_or_db: str | Path,
    *,
    record_starts: bool = True,
    provider: TracerProvider | None = None,
    delay_s: float = 0.1,
) -> TracerProvider:
    """Record spans into a folder (OTLP JSON lines) or a ``.db`` store for the inspector.

    Args:
        folder_or_db: a folder (created if missing) or a ``.db``/``.sqlite``/``.sqlite3`` file.
        record_starts: also record each span when it starts, so a long LLM call shows while
            it runs; its finished record replaces it.
        provider: the provider to add the recorder to. By default the global one; if no SDK
            provider is installed globally yet, a new one is made and installed.
        delay_s: the longest a finished span waits before it is written.

    Returns:
        The provider the recorder was added to.
    """
    if provider is None:
        current = trace.get_tracer_provider()
        if isinstance(current, TracerProvider):
            provider = current
        else:
            provider = TracerProvider()
            trace.set_tracer_provider(provider)
            if trace.get_tracer_provider() is not provider:
                raise RuntimeError(
                    "another (non-SDK) tracer provider is installed globally already: pass the "
                    "provider your agent uses as install(..., provider=...)"
                )
    exporter = exporter_for(folder_or_db)
    provider.add_span_processor(
        LiveSpanProcessor(exporter, record_starts=record_starts, delay_s=delay_s)
    )
    return provider
