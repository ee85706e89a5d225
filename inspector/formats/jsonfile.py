"""Streaming reader for JSON trace files: JSON lines, one pretty document, or objects back to back.

The file is read in binary chunks and split on newlines; each line is parsed on its own (the fast
path for JSON lines). A line that opens an object without closing it starts a multi-line record
(pretty-printed OTLP, the OTel console exporter), which ends at a closing brace in column 0.
The reader remembers a resumable position -- the byte offset and line number just after the last
record it handed out -- so a live follower can read only what was appended.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from inspector.formats.records import describe, recognise
from inspector.model import Problem, Span
from inspector.model.span import SpanEvents

CHUNK = 4 << 20
MAX_RECORD = 256 << 20


@dataclass(slots=True)
class Batch:
    """Spans and problems read since the last batch, with progress through the source."""

    spans: list[Span] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    done: int = 0
    total: int = 0
    # Events recorded apart from their span (OTLP log records), attached to it by the store.
    events: list[SpanEvents] = field(default_factory=list)


def parse_json(data: bytes) -> tuple[object, str | None]:
    """Parse JSON bytes; invalid UTF-8 is replaced (and said) rather than losing the record.

    What orjson refuses for another reason goes to the standard library's parser, which also
    reads numbers beyond a double (``1e999``: valid JSON, read as infinity) and the ``NaN`` and
    ``Infinity`` Python's own ``json.dumps`` writes; only when that fails too is the record
    unreadable (orjson's error is raised). The fast OTLP-lines decoder of bulk loads accepts
    the first kind as well, so both readers take the same records.
    """
    try:
        return orjson.loads(data), None
    except orjson.JSONDecodeError as exc:
        if "utf-8" not in str(exc).lower() and "surrogate" not in str(exc).lower():
            return _lenient(data, exc), None
    text = data.decode("utf-8", "replace")
    if "\\ud" in text.lower():
        import json  # lone surrogate escapes: only the stdlib accepts them

        value = json.loads(text)
        return _scrub(value), "lone UTF-16 surrogates replaced with U+FFFD"
    return orjson.loads(text), "invalid UTF-8 bytes replaced with U+FFFD"


def _lenient(data: bytes, error: orjson.JSONDecodeError) -> object:
    import json

    try:
        return json.loads(data)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise error from None


def _scrub(value: object) -> object:
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    return value


class JsonFileReader:
    """Reads spans from a JSON trace file, resumably.

    Attributes:
        path: the file.
        offset: byte offset just after the last record handed out.
        line_no: number of lines consumed up to ``offset``.
        format: the record format seen first (``otlp-json``, ``otel-console`` ...), or ``None``.
        multiline: whether any record spanned several lines (a pretty document).
    """

    def __init__(self, path: Path, source: str | None = None) -> None:
        self.path = path
        self.source = source or str(path)
        self.offset = 0
        self.line_no = 0
        self.format: str | None = None
        self.multiline = False
        # Takes each OTLP traces record found at a known (offset, length) instead of decoding
        # it into spans: a bulk loader going straight from records to rows.
        self.on_otlp_record: (
            Callable[[dict[str, Any], str, tuple[int, int], Batch], None] | None
        ) = None

    def reset(self) -> None:
        """Start again from the beginning (the file was truncated or replaced)."""
        self.offset = 0
        self.line_no = 0

    def read(
        self,
        *,
        final: bool = True,
        first_batch: int = 256,
        max_batch: int = 8_000,
        end: int | None = None,
    ) -> Iterator[Batch]:
        """Yield batches of what the file holds past ``offset``.

        Args:
            final: treat the end of the file as the end of the data. When false (live tailing)
                a trailing line without its newline, or an unfinished multi-line object, is held
                back for the next call instead of being reported as broken.
            first_batch: spans in the first batch (small, so the first run shows quickly);
                each later batch is twice the previous, up to ``max_batch``.
            max_batch: the largest batch.
            end: stop at this byte offset, as if the file ended there (one piece of a file
                read in parallel; it must fall at the start of a line).
        """
        target = first_batch
        batch = Batch()
        with self.path.open("rb") as handle:
            handle.seek(self.offset)
            batch.total = os.fstat(handle.fileno()).st_size
            offset, line_no = self.offset, self.line_no
            left = -1 if end is None else max(0, end - offset)
            pending = b""
            acc: list[bytes] = []
            acc_start = (offset, line_no)  # position before the first accumulated line
            while left:
                chunk = handle.read(CHUNK if left < 0 else min(CHUNK, left))
                if not chunk:
                    break
                if left > 0:
                    left -= len(chunk)
                lines = (pending + chunk).split(b"\n")
                pending = lines.pop()
                for line in lines:
                    line_no += 1
                    start = offset
                    offset += len(line) + 1
                    if acc:
                        acc = self._continue(acc, line, acc_start[1] + 1, line_no, batch)
                        if acc and len(acc) == 1 and acc[0] is line:
                            acc_start = (start, line_no - 1)
                    else:
                        acc = self._line(line, line_no, batch, start)
                        if acc:
                            acc_start = (start, line_no - 1)
                    if not acc:
                        self.offset, self.line_no = offset, line_no
                    if len(batch.spans) >= target:
                        batch.done = offset
                        yield batch
                        batch = Batch(total=batch.total)
                        target = min(target * 2, max_batch)
            if final:
                if pending:
                    line_no += 1
                    offset += len(pending)
                    if acc:
                        acc = self._continue(acc, pending, acc_start[1] + 1, line_no, batch)
                    else:
                        acc = self._line(pending, line_no, batch, offset - len(pending))
                        if acc:
                            acc_start = (offset - len(pending), line_no - 1)
                if acc:
                    first = acc_start[1] + 1
                    batch.problems.append(
                        Problem(
                            self.source,
                            _lines(first, line_no),
                            "truncated: the JSON object starting here never ends",
                        )
                    )
                self.offset, self.line_no = offset, line_no
            batch.done = self.offset
            yield batch

    def _line(self, line: bytes, line_no: int, batch: Batch, start: int = -1) -> list[bytes]:
        """Handle one line (starting at byte ``start``) outside a multi-line record; return it
        if it opens one."""
        stripped = line.strip()
        if not stripped:
            return []
        try:
            value, note = parse_json(stripped)
        except orjson.JSONDecodeError as exc:
            if stripped[:1] in (b"{", b"[") and stripped[-1:] in (b"{", b"[", b","):
                return [line]  # the first line of a pretty-printed object
            batch.problems.append(Problem(self.source, f"line {line_no}", _why(stripped, exc)))
            return []
        if note:
            batch.problems.append(Problem(self.source, f"line {line_no}", note))
        at = start + len(line) - len(line.lstrip()) if start >= 0 else -1
        self._record(value, f"line {line_no}", batch, stripped, at)
        return []

    def _continue(
        self, acc: list[bytes], line: bytes, first: int, line_no: int, batch: Batch
    ) -> list[bytes]:
        """Add a line to a multi-line record; parse it when its closing brace arrives."""
        if line[:1] in (b"{", b"[") and line.rstrip() not in (b"{", b"["):
            batch.problems.append(
                Problem(self.source, _lines(first, line_no - 1), "truncated: object never ends")
            )
            return self._line(line, line_no, batch)
        if line[:1] in (b"{", b"["):
            batch.problems.append(
                Problem(self.source, _lines(first, line_no - 1), "truncated: object never ends")
            )
            return [line]
        acc.append(line)
        if line.rstrip() not in (b"}", b"]", b"},", b"],"):
            if sum(map(len, acc)) > MAX_RECORD:
                batch.problems.append(
                    Problem(self.source, _lines(first, line_no), "record larger than 256 MB")
                )
                return []
            return acc
        location = _lines(first, line_no)
        data = b"\n".join(acc).rstrip().rstrip(b",")
        try:
            value, note = parse_json(data)
        except orjson.JSONDecodeError as exc:
            batch.problems.append(Problem(self.source, location, _why(data, exc)))
            return []
        self.multiline = True
        if note:
            batch.problems.append(Problem(self.source, location, note))
        self._record(value, location, batch, data)
        return []

    def _record(self, value: object, location: str, batch: Batch, raw: bytes, at: int = -1) -> None:
        if isinstance(value, dict):
            fmt = recognise(value)
            if fmt is not None and fmt.decode_lazy is not None:
                if self.format is None:
                    self.format = fmt.name
                if at >= 0 and self.on_otlp_record is not None and fmt.name == "otlp-json":
                    self.on_otlp_record(value, location, (at, len(raw)), batch)
                    return
                for item in fmt.decode_lazy(value, self.source, location, raw):
                    if isinstance(item, Span):
                        batch.spans.append(item)
                    elif isinstance(item, SpanEvents):
                        batch.events.append(item)
                    else:
                        batch.problems.append(item)
                return
        records = value if isinstance(value, list) else [value]
        for record in records:
            fmt = recognise(record)
            if fmt is None or not isinstance(record, dict):
                batch.problems.append(Problem(self.source, location, describe(record)))
                continue
            if self.format is None:
                self.format = fmt.name
            for item in fmt.decode(record, self.source, location):
                if isinstance(item, Span):
                    batch.spans.append(item)
                elif isinstance(item, SpanEvents):
                    batch.events.append(item)
                else:
                    batch.problems.append(item)


def _lines(first: int, last: int) -> str:
    return f"line {first}" if first >= last else f"lines {first}-{last}"


def _why(data: bytes, exc: orjson.JSONDecodeError) -> str:
    reason = str(exc).split(":", 1)[0]
    if data[:1] not in (b"{", b"["):
        return f"not JSON: {reason}"
    return f"invalid or truncated JSON: {reason}"
