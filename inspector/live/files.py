"""One followed file: its identity, what was read of it, and how to tell it was replaced.

A file is known by its identity (device, inode), not its name: a rename keeps it, a rotation or
an editor's atomic save gives the name a new one. Because a freed inode can be reused at once,
a file that turns up under a new name is only taken for an old one if its first bytes match (or
watchdog reported the move).
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from inspector.formats import SQLITE_MAGIC, JsonSource, Source, sniff
from inspector.formats.folder import TRACE_SUFFIXES
from inspector.formats.readonly import connect_readonly
from inspector.live.storerows import LiveStoreSource
from inspector.opening import is_store_file, open_file
from inspector.store.source import StoreFileSource

HEAD = 1024  # bytes kept to recognise a file (the start of its first record)
SIDECARS = ("-wal", "-shm", "-journal")

Ident = tuple[int, int]


def ident(st: os.stat_result) -> Ident:
    return (st.st_dev, st.st_ino)


def owner(path: Path) -> Path:
    """The database a SQLite side file belongs to (``x.db-wal`` -> ``x.db``), else ``path``."""
    name = path.name
    for suffix in SIDECARS:
        if name.endswith(suffix):
            return path.with_name(name.removesuffix(suffix))
    return path


def is_trace_name(path: Path) -> bool:
    return path.suffix.lower() in TRACE_SUFFIXES


def stat_file(path: Path) -> os.stat_result | None:
    """The file's status, or ``None`` when nothing (or not a regular file) is there."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st if stat.S_ISREG(st.st_mode) else None


def walk(root: Path) -> Iterator[tuple[Path, os.stat_result]]:
    """Every regular, non-hidden file below ``root`` with its status (hidden folders skipped)."""
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    yield Path(entry.path), entry.stat(follow_symlinks=False)
            except OSError:
                continue


def read_head(path: Path, size: int = HEAD) -> bytes:
    """The first ``size`` bytes of a file.

    Raises:
        OSError: it cannot be read (it may have just been removed).
    """
    with path.open("rb") as handle:
        return handle.read(size)


def open_live(path: Path) -> Source:
    """A reader for one file, as :func:`inspector.opening.open_file`, but a store is read with
    :class:`LiveStoreSource` (which also sees spans end).

    Raises:
        ValueError: not a trace format this version reads.
        OSError: it cannot be read.
    """
    if sniff(path) == "sqlite" and is_store_file(path):
        return LiveStoreSource(path)
    return open_file(path)


def adopt_source(source: Source) -> Source:
    """Take over a reader a plain load used, keeping its position."""
    if isinstance(source, StoreFileSource):
        return LiveStoreSource(source.path, last_row=source.last_row)
    return source


class VersionProbe:
    """``PRAGMA data_version`` on a read-only connection: did anyone commit since last asked?"""

    def __init__(self, path: Path) -> None:
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None
        try:
            self._conn = connect_readonly(path, timeout=0.2)
        except sqlite3.Error:
            self._conn = None

    def changed(self) -> bool:
        """True when a commit happened since the last call (and when it cannot tell)."""
        if self._conn is None:
            return True
        try:
            version = int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error:
            return True
        old, self._version = self._version, version
        return old != version

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


@dataclass(slots=True)
class Tracked:
    """A followed file.

    Attributes:
        path: where it is now.
        name: the name spans and problems are reported under.
        ident: (device, inode).
        source: its reader, once it has content to sniff.
        size, mtime_ns: as last read (a change means there may be more to read).
        head: its first bytes, to recognise it after a rename or notice it was rewritten.
        probe: for a database, the commit counter that says it changed.
        problems: problems already reported for it (a re-read does not report them again).
        fresh: never read yet (read it whatever its size and time say).
        retry_at: when to try again to open a file that was not readable (monotonic time).
        failing_since: when a database first failed to open (``None``: it has not).
    """

    path: Path
    name: str
    ident: Ident
    source: Source | None = None
    size: int = -1
    mtime_ns: int = -1
    head: bytes = b""
    probe: VersionProbe | None = None
    problems: set[tuple[str, str]] = field(default_factory=set)
    fresh: bool = True
    retry_at: float = float("inf")
    failing_since: float | None = None

    def is_database(self) -> bool:
        """Whether the file starts as a SQLite database does (false if it cannot be read)."""
        try:
            return read_head(self.path, len(SQLITE_MAGIC)) == SQLITE_MAGIC
        except OSError:
            return False

    @property
    def json(self) -> JsonSource | None:
        return self.source if isinstance(self.source, JsonSource) else None

    def stat_changed(self, st: os.stat_result) -> bool:
        return (st.st_size, st.st_mtime_ns) != (self.size, self.mtime_ns)

    def same_start(self, path: Path) -> bool:
        """Whether the file at ``path`` starts with the bytes this one started with.

        Raises:
            OSError: it cannot be read.
        """
        if not self.head:
            return True
        return read_head(path, len(self.head)) == self.head

    def remember_head(self, size: int) -> None:
        """Keep the first bytes (more of them while the file is still short).

        Raises:
            OSError: it cannot be read.
        """
        if len(self.head) < HEAD and size > len(self.head):
            self.head = read_head(self.path)

    def moved_to(self, path: Path, name: str) -> None:
        self.path = path
        self.name = name
        json = self.json
        if json is not None:
            json.path = json.reader.path = path
            json.reader.source = name

    def close(self) -> None:
        if self.probe is not None:
            self.probe.close()
            self.probe = None
        close = getattr(self.source, "close", None)
        if callable(close):
            close()
