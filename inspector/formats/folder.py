"""A folder of trace files (and below), read as one merged source."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from inspector.formats.jsonfile import Batch
from inspector.formats.source import Source
from inspector.model import Problem

TRACE_SUFFIXES = frozenset(
    {".json", ".jsonl", ".ndjson", ".log", ".txt", ".db", ".sqlite", ".sqlite3"}
)


def trace_files(folder: Path) -> list[Path]:
    """Candidate trace files below ``folder``, oldest first (hidden files and -wal/-shm skipped)."""
    found = [
        p
        for p in folder.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        and p.suffix.lower() in TRACE_SUFFIXES
    ]
    return sorted(found, key=lambda p: (p.stat().st_mtime, str(p)))


class FolderSource:
    """Every trace file in a folder. Files that appear later are picked up by the next read."""

    format = "directory"

    def __init__(self, path: Path, opener: Callable[[Path], Source]) -> None:
        self.path = path
        self.opener = opener
        self.children: dict[Path, Source] = {}
        self.skipped: set[Path] = set()

    def read(self, *, final: bool = True) -> Iterator[Batch]:
        for file in trace_files(self.path):
            if file in self.skipped:
                continue
            child = self.children.get(file)
            if child is None:
                try:
                    child = self.opener(file)
                except (ValueError, OSError) as exc:
                    self.skipped.add(file)
                    yield Batch(problems=[Problem(str(file), "file", f"skipped: {exc}")])
                    continue
                self.children[file] = child
            yield from child.read(final=final)
