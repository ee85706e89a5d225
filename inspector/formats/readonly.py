"""Read-only SQLite connections, for any database we read but must never change.

It sits in the formats layer, the lowest one that opens databases: the other tools' readers
here use it, and so does the store (one layer up) to open its own files for reading.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote


def readonly_uri(path: Path) -> str:
    """A ``file:`` URI opening ``path`` with ``mode=ro`` (the path quoted, so ``?`` and ``#``
    in a file name stay part of the name)."""
    return f"file:{quote(str(path.resolve()))}?mode=ro"


def connect_readonly(path: Path, *, timeout: float = 5.0) -> sqlite3.Connection:
    """A read-only connection: a user's database is never written, not even its journal mode."""
    conn = sqlite3.connect(readonly_uri(path), uri=True, timeout=timeout, check_same_thread=False)
    conn.execute("PRAGMA query_only = ON")
    return conn
