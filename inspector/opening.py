"""Choosing the reader for a path: a folder, one of our stores, another tool's database, JSON."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from inspector.formats import FolderSource, JsonSource, Source, sniff
from inspector.formats.mlflow import MlflowSource, is_mlflow
from inspector.formats.phoenix import PhoenixSource, is_phoenix
from inspector.formats.readonly import connect_readonly
from inspector.formats.sqlitedb import Unreadable, table_names
from inspector.store.connection import is_store
from inspector.store.source import StoreFileSource


def is_store_file(path: Path) -> bool:
    """Whether ``path`` is a Trace Inspector store (our native format)."""
    if not path.is_file() or sniff(path) != "sqlite":
        return False
    try:
        conn = connect_readonly(path)
    except sqlite3.Error:
        return False
    try:
        return is_store(conn)
    except (sqlite3.Error, UnicodeDecodeError):  # damaged: open_database says how
        return False
    finally:
        conn.close()


def open_file(path: Path) -> Source:
    """A reader for one file, chosen by its content (never by its name).

    Raises:
        ValueError: the file is not a trace format this version reads (the message says why).
    """
    kind = sniff(path)
    if kind == "directory":
        return FolderSource(path, open_file)
    if kind == "sqlite":
        return open_database(path)
    return JsonSource(path)


def open_database(path: Path) -> Source:
    """A reader for a SQLite file, chosen by its tables (FORMATS.md section 0).

    Raises:
        ValueError: not a database this version reads, or it cannot be read at all.
    """
    try:
        names = table_names(path)
    except Unreadable as exc:
        raise ValueError(f"a SQLite database that cannot be read: {exc}") from exc
    if is_store_file(path):
        return StoreFileSource(path)
    if is_phoenix(names):
        return PhoenixSource(path)
    if is_mlflow(names):
        return MlflowSource(path)
    shown = ", ".join(sorted(names)[:8]) or "none"
    raise ValueError(
        "a SQLite database, but not one this version reads (expected a Trace Inspector store, "
        "an Arize Phoenix database with tables projects/traces/spans, or an MLflow tracking "
        f"database with tables trace_info/trace_tags; found tables: {shown})"
    )


def open_source(path: Path) -> Source:
    """A reader for a file or folder.

    Raises:
        FileNotFoundError: nothing at ``path``.
        ValueError: not a trace format this version reads.
    """
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or folder")
    return open_file(path)
