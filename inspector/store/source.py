"""Our own store file read as a source of spans (to merge it with other inputs in a folder).

Opened read-only; read in row-id order from a saved row id, so a growing store is followed by
asking again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from inspector.formats.jsonfile import Batch
from inspector.model import Problem
from inspector.store.connection import StoreError
from inspector.store.queries import StoreReader


class StoreFileSource:
    """Spans from a Trace Inspector store, from ``last_row`` on."""

    format = "trace-inspector-store"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.last_row = 0

    def read(self, *, final: bool = True, batch: int = 5_000) -> Iterator[Batch]:
        try:
            reader = StoreReader.open(self.path)
        except (StoreError, OSError) as exc:
            yield Batch(problems=[Problem(str(self.path), "file", str(exc))])
            return
        except Exception as exc:  # sqlite3.Error subclasses: locked, corrupt, not a database
            yield Batch(problems=[Problem(str(self.path), "file", f"cannot read store: {exc}")])
            return
        try:
            total = int(reader.conn.execute("SELECT count(*) FROM spans").fetchone()[0])
            done = 0
            while True:
                rows = reader.conn.execute(
                    "SELECT s.id, r.trace_id, s.span_id FROM spans s JOIN runs r "
                    "ON r.id = s.run_id WHERE s.id > ? ORDER BY s.id LIMIT ?",
                    (self.last_row, batch),
                ).fetchall()
                if not rows:
                    break
                out = Batch(total=total)
                for row_id, trace_id, span_id in rows:
                    span = reader.span(trace_id, span_id)
                    if span is not None:
                        span.source = str(self.path)
                        span.location = f"row {row_id}"
                        out.spans.append(span)
                    self.last_row = row_id
                done += len(rows)
                out.done = done
                yield out
        finally:
            reader.close()
