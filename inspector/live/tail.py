"""``trace-inspector tail``: print each span as the follower indexes it.

One line per span (or one JSON object per line with ``--json``), flushed as it is written, so
the output can be piped. A span recorded when it started prints again when it ends. Problems go
to stderr as ``problem: file: location: message``. Ctrl+C ends it with status 0. A path that
does not exist yet is waited for (in a folder that does exist), then followed from its start.
"""

from __future__ import annotations

import io
import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import orjson

from inspector.live.appear import missing_folder, open_when_present
from inspector.live.follower import Follower
from inspector.live.update import Update
from inspector.model import Problem
from inspector.store.queries import SpanRow
from inspector.workspace import Workspace

EXIT_OK = 0
EXIT_NOTHING = 2


def iso(ns: int | None) -> str | None:
    """UTC nanoseconds as ISO-8601 with microseconds and a ``Z`` (as ``summary --json``)."""
    if ns is None:
        return None
    moment = datetime.fromtimestamp(ns // 1_000_000_000, tz=UTC).replace(
        microsecond=(ns % 1_000_000_000) // 1000
    )
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def span_record(row: SpanRow) -> dict[str, Any]:
    """The ``tail --json`` object for one span (its fields are a contract with scripts)."""
    duration = row.duration_ns
    return {
        "trace_id": row.trace_id,
        "span_id": row.span_id,
        "parent_id": row.parent_id,
        "name": row.name,
        "kind": row.kind.value,
        "status": row.status.name,
        "start": iso(row.start_ns),
        "end": iso(row.end_ns),
        "duration_ms": None if duration is None else duration / 1e6,
        "running": row.end_ns is None,
        "model": row.model,
        "input_tokens": row.input_tokens,
        "output_tokens": row.output_tokens,
        "total_tokens": row.total_tokens,
    }


def span_line(row: SpanRow) -> str:
    """One human-readable line: local start time, run, name, kind, duration, tokens, model."""
    when = "--:--:--.---"
    if row.start_ns is not None:
        when = datetime.fromtimestamp(row.start_ns / 1e9).strftime("%H:%M:%S.%f")[:-3]
    duration = row.duration_ns
    took = "running" if duration is None else _duration(duration)
    tokens = "-"
    if row.input_tokens is not None or row.output_tokens is not None:
        tokens = f"in {_count(row.input_tokens)} out {_count(row.output_tokens)}"
    elif row.total_tokens is not None:
        tokens = f"{row.total_tokens} tok"
    name = _oneline(row.name)
    if len(name) > 32:
        name = name[:31] + "…"
    parts = [when, row.trace_id[:8], f"{name:<32}", f"{row.kind.value:<9}", f"{took:>9}"]
    parts.append(f"{tokens:<18}")
    if row.model:
        parts.append(_oneline(row.model))
    if row.status.name == "ERROR":
        parts.append("ERROR")
    return " ".join(parts).rstrip()


def problem_line(problem: Problem) -> str:
    return f"problem: {problem.source}: {problem.location}: {_oneline(problem.message)}"


def _duration(ns: int) -> str:
    if ns < 1_000_000_000:
        return f"{ns / 1e6:.1f}ms"
    return f"{ns / 1e9:.2f}s"


def _count(value: int | None) -> str:
    return "?" if value is None else str(value)


def _oneline(text: str) -> str:
    """Trace text on one terminal line: control characters (escapes too) shown, not obeyed."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class Printer:
    """Writes an :class:`Update` out, one flushed line at a time."""

    def __init__(self, out: TextIO, err: TextIO, *, as_json: bool) -> None:
        self.out = out
        self.err = err
        self.as_json = as_json

    def emit(self, update: Update) -> None:
        for name in update.restarted:
            self.note(f"note: {name}: truncated or replaced; reading it again")
        for commit in update.commits:
            for row in commit.spans:
                line = orjson.dumps(span_record(row)).decode() if self.as_json else span_line(row)
                self.out.write(line + "\n")
                self.out.flush()
            for problem in commit.problems:
                self.note(problem_line(problem))
        for name in update.closed:
            self.note(f"note: {name}: gone; no longer followed")

    def note(self, text: str) -> None:
        self.err.write(text + "\n")
        self.err.flush()


def run_tail(path: Path, *, as_json: bool, since_start: bool) -> int:
    """Follow ``path`` until Ctrl+C; print spans to stdout and problems to stderr."""
    try:
        return _follow(path, as_json=as_json, since_start=since_start)
    except KeyboardInterrupt:
        return EXIT_OK
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, and let nothing flush into the pipe.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _follow(path: Path, *, as_json: bool, since_start: bool) -> int:
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):  # trace text in any script, on any console
            stream.reconfigure(errors="backslashreplace")
    printer = Printer(sys.stdout, sys.stderr, as_json=as_json)
    appeared = not path.exists()
    try:
        if appeared:
            # Started before the agent's first write: wait for the path (its folder must exist).
            problem = missing_folder(path)
            if problem is not None:
                raise FileNotFoundError(problem)
            printer.note(f"waiting for {path} to appear… (Ctrl+C to stop)")
            workspace = open_when_present(path, lambda p: Workspace(p, live=True))
        else:
            workspace = Workspace(path, live=True)
    except (FileNotFoundError, ValueError, PermissionError, IsADirectoryError) as exc:
        print(f"trace-inspector: {exc}", file=sys.stderr)
        return EXIT_NOTHING
    # Whatever a path that appeared holds was written after tail started: all of it is new.
    from_start = since_start or appeared
    follower: Follower | None = None
    try:
        if not from_start:
            workspace.load(final=False)  # know the runs there are, but print only what is new
        follower = Follower(workspace, collect_spans=True, from_start=from_start)
        printer.note(f"following {path} (Ctrl+C to stop)")
        while True:
            follower.wait()
            printer.emit(follower.poll())
    finally:
        # Ctrl+C lands here first: a second one must not break the clean-up.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            if follower is not None:
                follower.close()
            workspace.close()
        finally:
            signal.signal(signal.SIGINT, previous)
