"""Our own store followed in place (opened directly, nothing to index): report what changed.

The exporter's process writes the store; the window reads it directly. Following it only means
finding which spans are new or ended (a :class:`StoreCursor`) and saying which runs they
belong to. A store that is deleted or replaced is started again from its first row.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from inspector.live.files import Ident, ident, stat_file
from inspector.live.storerows import StoreCursor
from inspector.live.update import Commit, Reported, Update
from inspector.store.connection import StoreError
from inspector.store.writer import Change


class StoreFollow:
    """Reports the span rows another process commits to a store.

    Args:
        path: the store.
        name: how it is named in updates.
        from_start: report the rows already there on the first poll.
        reported: fill :attr:`Commit.spans` (deduplicated with this record); ``None``: don't.

    Raises:
        StoreError: not a store this version reads.
        sqlite3.Error: it cannot be opened.
    """

    def __init__(
        self, path: Path, name: str, *, from_start: bool, reported: Reported | None
    ) -> None:
        self.path = path
        self.name = name
        self.reported = reported
        self._cursor: StoreCursor | None = None
        self._ident: Ident | None = None
        self._open(from_start)

    def _open(self, from_start: bool) -> None:
        st = stat_file(self.path)
        if st is None:
            return
        cursor = StoreCursor(self.path)
        if not from_start:
            cursor.skip_existing()
        self._cursor, self._ident = cursor, ident(st)

    def poll(self, update: Update) -> None:
        st = stat_file(self.path)
        if self._cursor is not None and (st is None or ident(st) != self._ident):
            self.close()  # deleted or replaced
            update.closed.append(self.name)
        if self._cursor is None:
            if st is None:
                return
            try:
                self._open(from_start=True)
            except (StoreError, sqlite3.Error):
                return  # not (yet) a readable store: try again at the next poll
            update.opened.append(self.name)
        cursor = self._cursor
        if cursor is None:
            return
        try:
            if not cursor.changed():
                return
            while True:
                rows = cursor.look()
                added = set(rows.new_runs)
                touched = dict.fromkeys(s.trace_id for s in rows.spans)
                change = Change(
                    added=rows.new_runs,
                    changed=[t for t in touched if t not in added],
                    spans=len(rows.spans),
                )
                reported = self.reported
                spans = (
                    [
                        s
                        for s in rows.spans
                        if reported.note(s.trace_id, s.span_id, ended=s.end_ns is not None)
                    ]
                    if reported is not None
                    else []
                )
                if rows.spans or rows.new_runs:
                    update.commits.append(Commit(change, time.time_ns(), spans))
                if not rows.more:
                    return
        except sqlite3.OperationalError:
            return  # busy for a moment (a checkpoint): the next poll asks again

    def close(self) -> None:
        if self._cursor is not None:
            self._cursor.close()
            self._cursor = None
