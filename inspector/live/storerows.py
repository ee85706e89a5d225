"""Following one of our own stores while another process writes it (our exporter, WAL mode).

New spans are new row ids. A span recorded when it started and again when it ended is one row
updated in place (same id), so row ids alone would miss the end: the cursor also remembers the
rows it handed out without an end time and asks for those again. ``PRAGMA data_version`` on the
cursor's own read-only connection says, for the price of one pragma, whether anyone committed
since the last look.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from inspector.formats.jsonfile import Batch
from inspector.model import Problem
from inspector.store.connection import StoreError
from inspector.store.queries import SPAN_ROW_COLUMNS, SpanRow, StoreReader, span_row

_COLUMNS = f"s.id, r.trace_id, {SPAN_ROW_COLUMNS}"
_NEW = (
    f"SELECT {_COLUMNS} FROM spans s JOIN runs r ON r.id = s.run_id "
    "WHERE s.id > ? ORDER BY s.id LIMIT ?"
)
_ENDED = (
    f"SELECT {_COLUMNS} FROM spans s JOIN runs r ON r.id = s.run_id "
    "WHERE s.id IN (SELECT value FROM json_each(?)) AND s.end_ns IS NOT NULL ORDER BY s.id"
)


@dataclass(slots=True)
class Rows:
    """Rows found by one look: spans (new or newly ended) and the trace ids of new runs."""

    spans: list[SpanRow] = field(default_factory=list)
    row_ids: list[int] = field(default_factory=list)
    new_runs: list[str] = field(default_factory=list)
    more: bool = False


class StoreCursor:
    """New and newly ended span rows of a store, one look at a time.

    Raises:
        StoreError: the file is not a store (or a newer one).
        sqlite3.Error: it cannot be opened.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.reader = StoreReader.open(path)
        self.last_row = 0
        self.last_run = 0
        self.open_rows: set[int] = set()
        self._version: int | None = None

    def skip_existing(self) -> None:
        """Start at the end: only rows written (or ended) from now on will be found."""
        self.resume(None)

    def resume(self, last_row: int | None) -> None:
        """Continue after ``last_row`` (``None``: the last row now) as if it had looked so far."""
        conn = self.reader.conn
        conn.execute("BEGIN")
        try:
            if last_row is None:
                self._version = self._data_version()
                last_row = conn.execute("SELECT coalesce(max(id), 0) FROM spans").fetchone()[0]
                self.last_run = conn.execute("SELECT coalesce(max(id), 0) FROM runs").fetchone()[0]
            self.last_row = int(last_row)
            self.open_rows = {
                r[0]
                for r in conn.execute(
                    "SELECT id FROM spans WHERE id <= ? AND end_ns IS NULL", (self.last_row,)
                )
            }
        finally:
            conn.execute("COMMIT")

    def _data_version(self) -> int:
        return int(self.reader.conn.execute("PRAGMA data_version").fetchone()[0])

    def changed(self) -> bool:
        """Whether anyone committed since the last :meth:`look` (always true before the first)."""
        return self._version is None or self._data_version() != self._version

    def look(self, limit: int = 5_000) -> Rows:
        """Up to ``limit`` new rows, plus every row handed out open that has ended since.

        Call again while the result says there is ``more``. The cursor moves on only when
        every query succeeded, so a failed look (a busy database) can simply be repeated.
        """
        conn = self.reader.conn
        conn.execute("BEGIN")  # one snapshot for the version, the new rows and the ended ones
        try:
            version = self._data_version()
            ended: list[tuple[Any, ...]] = []
            if self.open_rows:
                ids = orjson.dumps(sorted(self.open_rows)).decode()
                ended = conn.execute(_ENDED, (ids,)).fetchall()
            new = conn.execute(_NEW, (self.last_row, limit)).fetchall()
            runs = conn.execute(
                "SELECT id, trace_id FROM runs WHERE id > ? ORDER BY id", (self.last_run,)
            ).fetchall()
        finally:
            conn.execute("COMMIT")
        out = Rows(new_runs=[r[1] for r in runs], more=len(new) == limit)
        for row in ended:
            self.open_rows.discard(row[0])
            self._take(row, out)
        for row in new:
            if row[8] is None:
                self.open_rows.add(row[0])
            self._take(row, out)
        if new:
            self.last_row = new[-1][0]
        if runs:
            self.last_run = runs[-1][0]
        # Only a look that saw everything up to this snapshot may remember its version.
        self._version = None if out.more else version
        return out

    @staticmethod
    def _take(row: tuple[Any, ...], out: Rows) -> None:
        out.row_ids.append(int(row[0]))
        out.spans.append(span_row(row[2:], row[1]))

    def close(self) -> None:
        self.reader.close()


class LiveStoreSource:
    """A store read as a source of full spans (when it sits in a followed folder).

    Like :class:`inspector.store.source.StoreFileSource`, plus spans that ended after they were
    first read.
    """

    format = "trace-inspector-store"

    def __init__(self, path: Path, last_row: int = 0) -> None:
        self.path = path
        self.source = str(path)
        self._cursor: StoreCursor | None = None
        self._last_row = last_row

    def read(self, *, final: bool = True, batch: int = 2_000) -> Iterator[Batch]:
        del final  # rows are committed whole
        try:
            if self._cursor is None:
                self._cursor = StoreCursor(self.path)
                if self._last_row:  # adopted after a plain load read this far
                    self._cursor.resume(self._last_row)
            while True:
                rows = self._cursor.look(batch)
                out = Batch(total=self._cursor.last_row, done=self._cursor.last_row)
                for row_id, row in zip(rows.row_ids, rows.spans, strict=True):
                    span = self._cursor.reader.span(row.trace_id, row.span_id)
                    if span is not None:
                        span.source = self.source
                        span.location = f"row {row_id}"
                        out.spans.append(span)
                yield out
                if not rows.more:
                    return
        except (StoreError, sqlite3.Error) as exc:
            yield Batch(problems=[Problem(self.source, "database", f"cannot read store: {exc}")])

    def close(self) -> None:
        if self._cursor is not None:
            self._cursor.close()
            self._cursor = None
