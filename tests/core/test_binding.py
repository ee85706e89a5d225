"""Store connections bind None and bytes through registered adapters (see inspector.store.binding)
and rely on SQLite storing a NaN parameter as NULL."""

from __future__ import annotations

import math
import sqlite3

import inspector.store  # noqa: F401  (installs the adapters)


def test_none_and_bytes_have_adapters() -> None:
    for kind in (type(None), bytes):
        assert (kind, sqlite3.PrepareProtocol) in sqlite3.adapters


def test_values_round_trip_unchanged() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (a, b BLOB, c INTEGER, d TEXT)")
    conn.execute("INSERT INTO t VALUES (?, ?, ?, ?)", (None, b"\x00\xffraw", 7, "text"))
    conn.execute("INSERT INTO t VALUES (?, ?, ?, ?)", (math.nan, math.nan, math.nan, math.nan))
    rows = conn.execute("SELECT a, b, typeof(b), c, d, typeof(a) FROM t").fetchall()
    assert rows == [
        (None, b"\x00\xffraw", "blob", 7, "text", "null"),
        (None, None, "null", None, None, "null"),  # NaN is stored as NULL, in every column
    ]
