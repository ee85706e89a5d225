"""Readers: sniff a source by its content and stream it as normalised spans and problems.

Choosing the reader for a path (which may be one of our own stores) happens one layer up, in
:mod:`inspector.opening`; this package knows only foreign formats.
"""

from __future__ import annotations

from pathlib import Path

from inspector.formats.folder import FolderSource
from inspector.formats.jsonfile import Batch
from inspector.formats.source import JsonSource, Source

SQLITE_MAGIC = b"SQLite format 3\x00"


def sniff(path: Path) -> str:
    """The kind of source at ``path``: ``directory``, ``sqlite`` or ``json``.

    Raises:
        FileNotFoundError: nothing is there.
        ValueError: the file is neither JSON nor SQLite (the message says what it looks like).
    """
    if path.is_dir():
        return "directory"
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        return "json"  # empty so far: nothing to read yet (it may be growing)
    if text[:1] in (b"{", b"["):
        return "json"
    raise ValueError(f"not a trace file: starts with {head[:24]!r}")


__all__ = ["Batch", "FolderSource", "JsonSource", "Source", "sniff"]
