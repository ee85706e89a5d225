"""What every trace source offers: a format name and resumable batches of spans and problems."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from inspector.formats.jsonfile import Batch


class Source(Protocol):
    """A readable trace source (a file, a database, a folder of them)."""

    path: Path

    @property
    def format(self) -> str:
        """The format name reported by ``summary`` (known once reading has started)."""
        ...

    def read(self, *, final: bool = True) -> Iterator[Batch]:
        """Batches of what the source holds beyond what was already read.

        Args:
            final: the data is complete (a plain load). When false (live tailing), records
                that may still be being written are held back for the next call.
        """
        ...


class JsonSource:
    """A JSON trace file (OTLP JSON or JSON lines, console-exporter output)."""

    def __init__(self, path: Path) -> None:
        from inspector.formats.jsonfile import JsonFileReader

        self.path = path
        self.reader = JsonFileReader(path)

    @property
    def format(self) -> str:
        fmt = self.reader.format or "json"
        if fmt == "otlp-json" and not self.reader.multiline:
            return "otlp-jsonl"
        return fmt

    def read(self, *, final: bool = True) -> Iterator[Batch]:
        return self.reader.read(final=final)
