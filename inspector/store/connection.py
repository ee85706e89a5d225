"""Opening and creating store databases (one connection per thread)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from inspector.store.schema import (
    APPLICATION_ID,
    DEFERRED_INDEXES,
    REQUIRED_TABLES,
    SCHEMA_VERSION,
    TABLES,
)


class StoreError(Exception):
    """A store that cannot be opened or is not ours; the message says what was expected."""


def create(path: Path, *, live: bool = False, durable: bool = True) -> sqlite3.Connection:
    """Create (or open for writing) a store at ``path`` and return the writer's connection.

    Args:
        path: the database file.
        live: build every index now (the store will be queried while it grows).
        durable: sync to disk at checkpoints. A temporary index of someone else's file can be
            rebuilt from that file, so it skips syncing (much faster bulk loads).
    """
    conn = sqlite3.connect(path, timeout=30.0, check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {'NORMAL' if durable else 'OFF'}")
    conn.execute("PRAGMA wal_autocheckpoint = 10000")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA cache_size = -65536")
    existing = _tables(conn)
    if existing and not existing >= REQUIRED_TABLES:
        raise StoreError(f"{path} is a SQLite database but not a Trace Inspector store")
    if existing:
        migrate_columns(conn)
    conn.executescript(TABLES)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?), "
        "('created_by', 'trace-inspector')",
        (str(SCHEMA_VERSION),),
    )
    if live:
        conn.executescript(DEFERRED_INDEXES)
    return conn


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _literal(default: str) -> object:
    """A column default as PRAGMA table_info gives it (SQL text) as a Python value."""
    if default.startswith("'") and default.endswith("'"):
        return default[1:-1].replace("''", "'")
    try:
        return int(default)
    except ValueError:
        return float(default)


def migrate_columns(conn: sqlite3.Connection) -> list[str]:
    """Add the columns a store written by an older version lacks, before its tables' indexes
    are created (new tables come from ``CREATE TABLE IF NOT EXISTS``). Returns
    ``table.column`` for each column added."""
    reference = sqlite3.connect(":memory:")
    reference.executescript(TABLES)
    missing: list[tuple[str, str, str, object]] = []
    for table in _tables(reference) & _tables(conn):
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        for _, name, kind, notnull, default, _pk in reference.execute(
            f"PRAGMA table_info({table})"
        ):
            if name not in have:
                fill = _literal(default) if notnull and default is not None else None
                missing.append((table, name, kind or "TEXT", fill))
    reference.close()
    if not missing:
        return []
    import sqlite_utils  # only for migrations: importing it costs ~1 s where pandas is installed

    db = sqlite_utils.Database(conn)
    types = {"INTEGER": int, "REAL": float, "BLOB": bytes}
    for table, name, kind, fill in missing:
        db.table(table).add_column(name, types.get(kind, str), not_null_default=fill)
    return [f"{table}.{name}" for table, name, _, _ in missing]


def build_deferred_indexes(conn: sqlite3.Connection) -> None:
    conn.executescript(DEFERRED_INDEXES)


def is_store(conn: sqlite3.Connection) -> bool:
    """Whether an open database is a Trace Inspector store."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return tables >= REQUIRED_TABLES


def check_version(conn: sqlite3.Connection, path: Path) -> None:
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    version = int(row[0]) if row else 0
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} was written by a newer Trace Inspector (store schema {version}, "
            f"this version reads up to {SCHEMA_VERSION})"
        )
