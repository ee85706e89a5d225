"""Reading other tools' SQLite databases safely: read-only, patient with their writers.

A tool may be writing its database while we read it (Phoenix keeps it open in WAL mode; MLflow
commits from its tracking server). We open with a ``mode=ro`` URI, so nothing -- not even the
journal mode -- is ever changed, read in short transactions, and retry briefly when the writer
holds a lock. A lock that outlasts the retries becomes a problem the user sees.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from inspector.formats.jsonfile import Batch
from inspector.formats.readonly import connect_readonly
from inspector.model import Problem

T = TypeVar("T")

PATIENCE_S = 5.0  # how long a writer's lock is waited out before it becomes a problem
BUSY_TIMEOUT_S = 0.5  # SQLite's own wait per attempt (some WAL locks skip it: hence the loop)


class Unreadable(Exception):
    """The database cannot be read now (locked past the retries, corrupt, vanished)."""


def is_busy(exc: sqlite3.Error) -> bool:
    """Whether an error means another connection holds a lock (worth retrying)."""
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def retrying(action: Callable[[], T], *, patience_s: float = PATIENCE_S) -> T:
    """Run ``action``, retrying with a growing wait while the database is busy.

    Raises:
        Unreadable: the database stayed locked for ``patience_s``, or another SQLite error.
    """
    deadline = time.monotonic() + patience_s
    wait = 0.02
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or time.monotonic() + wait > deadline:
                raise Unreadable(_explain(exc)) from exc
        except sqlite3.DatabaseError as exc:
            raise Unreadable(_explain(exc)) from exc
        except UnicodeDecodeError as exc:  # text that is not UTF-8: a damaged page
            raise Unreadable(f"the database file is damaged (undecodable text: {exc})") from exc
        time.sleep(wait)  # a writer's commit is short: back off, then try again
        wait = min(wait * 2, 0.5)


def _explain(exc: sqlite3.Error) -> str:
    text = str(exc)
    if is_busy(exc):
        return f"the database stayed locked by another program ({text})"
    if "not a database" in text or "malformed" in text:
        return f"the database file is damaged ({text})"
    return text


def open_readonly(path: Path, *, patience_s: float = PATIENCE_S) -> sqlite3.Connection:
    """A read-only connection; retries while a writer is mid-commit.

    Raises:
        Unreadable: the file cannot be opened as a database.
    """

    def connect() -> sqlite3.Connection:
        conn = connect_readonly(path, timeout=min(BUSY_TIMEOUT_S, patience_s))
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error:
            conn.close()
            raise
        return conn

    return retrying(connect, patience_s=patience_s)


def tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {str(r[0]) for r in rows}


def columns(conn: sqlite3.Connection, table: str) -> set[str]:
    """The columns of ``table`` (empty if it does not exist); hidden generated columns too."""
    rows = conn.execute("SELECT name FROM pragma_table_xinfo(?)", (table,)).fetchall()
    return {str(r[0]) for r in rows}


def table_names(path: Path, *, patience_s: float = PATIENCE_S) -> set[str]:
    """The tables of the database at ``path``.

    Raises:
        Unreadable: the file cannot be read as a database.
    """
    conn = open_readonly(path, patience_s=patience_s)
    try:
        return retrying(lambda: tables(conn), patience_s=patience_s)
    finally:
        conn.close()


class DatabaseSource:
    """The reading loop the SQLite readers share: open read-only (waiting out brief locks),
    read what is new, and turn a database that cannot be read into a problem, not a crash.

    Subclasses implement :meth:`_read` and keep their own resume positions.
    """

    def __init__(self, path: Path, *, patience_s: float = PATIENCE_S) -> None:
        self.path = path
        self.source = str(path)
        self.patience_s = patience_s

    def read(self, *, final: bool = True, batch: int = 2_000) -> Iterator[Batch]:
        """Batches of what was added (or re-annotated) since the last read."""
        del final  # rows are committed whole: there is no partial record to hold back
        try:
            conn = open_readonly(self.path, patience_s=self.patience_s)
        except Unreadable as exc:
            yield Batch(problems=[Problem(self.source, "database", f"cannot read: {exc}")])
            return
        try:
            yield from self._read(conn, batch)
        except Unreadable as exc:
            yield Batch(problems=[Problem(self.source, "database", f"reading stopped: {exc}")])
        finally:
            conn.close()

    def _retry(self, action: Callable[..., T], *args: Any) -> T:
        return retrying(partial(action, *args), patience_s=self.patience_s)

    def _read(self, conn: sqlite3.Connection, batch: int) -> Iterator[Batch]:
        raise NotImplementedError
