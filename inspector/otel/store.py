"""An OpenTelemetry span exporter that writes our SQLite store, ready to open (or follow) as is.

Each ``export`` is one transaction through :class:`inspector.store.writer.StoreWriter`: the same
rows, rollups and de-duplication as an import. Finished spans are kept as their OTLP JSON record
(one ``raws`` row per export, decoded when a span is shown); a span recorded when it *started*
(no end time yet, see :class:`inspector.otel.processor.LiveSpanProcessor`) gets a plain payload,
because its row is replaced when the span ends.

The database is in WAL mode, so the inspector can read and follow it while the agent writes.
It appears on disk complete (created under a temporary name, then linked into place), so a
follower never sees a store without its tables. Several processes may export to one store:
writes are serialised by a lock file (``<db>-lock``) and a writer whose view is stale (another
process committed, ``PRAGMA data_version`` says) reloads its rollups before writing.

Usage::

    provider.add_span_processor(LiveSpanProcessor(StoreSpanExporter("agent.db")))
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import orjson
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from inspector.formats.otlp import decode_traces
from inspector.model import Problem, Span
from inspector.model.pricing import Pricing
from inspector.otel.fork import on_fork_in_child
from inspector.otel.jsonl import encode_otlp_json
from inspector.store.connection import create
from inspector.store.writer import StoreWriter

__all__ = ["StoreSpanExporter"]

_logger = logging.getLogger(__name__)

# Connections inherited over fork: never used (SQLite forbids it) and never closed (closing
# could checkpoint and remove the parent's WAL), only kept from the garbage collector.
_INHERITED: list[sqlite3.Connection] = []


class StoreSpanExporter(SpanExporter):
    """Write exported spans into a Trace Inspector store.

    Args:
        path: the database file (created, with its folder, if missing; an existing store is
            added to).

    Raises:
        inspector.store.connection.StoreError: ``path`` is a SQLite database but not a store.
    """

    def __init__(self, path: str | Path) -> None:
        self._path = Path(path)
        self._lock = threading.Lock()
        self._shutdown = False
        self._exports = 0
        self._conn: sqlite3.Connection | None = None
        self._writer: StoreWriter | None = None
        self._version = -1
        self._pricing = Pricing.load()
        self._path.parent.mkdir(parents=True, exist_ok=True)
        if not self._path.exists():
            _create_atomically(self._path)
        self._connect()
        on_fork_in_child(self._after_fork_in_child)

    @property
    def path(self) -> Path:
        return self._path

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        """Write ``spans`` (finished, or just started) in one transaction.

        Returns:
            ``SUCCESS`` once committed; ``FAILURE`` after ``shutdown`` or on a database error.
        """
        if not spans:
            return SpanExportResult.SUCCESS
        with self._lock:
            if self._shutdown:
                _logger.warning("StoreSpanExporter: export called after shutdown")
                return SpanExportResult.FAILURE
            self._exports += 1
            location = f"export {self._exports}"
            source = f"pid {os.getpid()}"
            decoded = _decode(spans, source, location)
            try:
                if self._conn is None:
                    self._connect()
                with _file_lock(self._path):
                    writer = self._current_writer()
                    ids = {source: writer.source_id(source, "otel-sdk")}
                    writer.write(
                        [s for s in decoded if isinstance(s, Span)],
                        [p for p in decoded if isinstance(p, Problem)],
                        source_ids=ids,
                    )
            except (sqlite3.Error, OSError):
                _logger.exception("StoreSpanExporter: cannot write to %s", self._path)
                self._writer = None  # reload from the database before the next write
                return SpanExportResult.FAILURE
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        """Close the database; later exports fail. Calling it again does nothing."""
        with self._lock:
            self._shutdown = True
            if self._conn is not None:
                self._conn.close()
                self._conn = None
                self._writer = None

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        """Return ``True``: every export is committed before it returns."""
        del timeout_millis
        return True

    def _connect(self) -> None:
        self._conn = create(self._path, live=True, durable=True)
        self._writer = None

    def _current_writer(self) -> StoreWriter:
        """The writer, reloaded if another connection committed since our last write."""
        conn = self._conn
        assert conn is not None
        version = int(conn.execute("PRAGMA data_version").fetchone()[0])
        if self._writer is None or version != self._version:
            self._writer = StoreWriter(conn, self._pricing)
            self._version = version
        return self._writer

    def _after_fork_in_child(self) -> None:
        self._lock = threading.Lock()
        if self._conn is not None:
            _INHERITED.append(self._conn)
            self._conn = None
            self._writer = None


def _decode(spans: Sequence[ReadableSpan], source: str, location: str) -> list[Span | Problem]:
    """SDK spans as normalised spans, through the same OTLP decoder the reader uses."""
    finished = [s for s in spans if s.end_time is not None]
    started = [s for s in spans if s.end_time is None]
    out: list[Span | Problem] = []
    if finished:
        record = encode_otlp_json(finished)
        out.extend(decode_traces(record, source, location, orjson.dumps(record)))
    if started:
        out.extend(decode_traces(encode_otlp_json(started), source, location))
    return out


def _create_atomically(path: Path) -> None:
    """Make an empty store at ``path`` unless one appears there first.

    A store built in place would be visible before it has all its tables; built aside and
    hard-linked in, it appears whole, and a link never replaces a file another process made.
    """
    temp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    conn = create(temp, live=True)
    conn.execute("PRAGMA journal_mode = DELETE")  # fold the WAL into the file before linking
    conn.close()
    try:
        os.link(temp, path)
    except FileExistsError:
        pass
    except OSError:  # a file system without hard links
        if not path.exists():
            os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Serialise writers of one store across processes (a no-op where ``fcntl`` is missing)."""
    try:
        import fcntl
    except ImportError:  # Windows: one process per store
        yield
        return
    with open(path.with_name(path.name + "-lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
