"""Driving a follower against real writer processes: deadlines, never fixed sleeps."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from inspector.live import Follower, Update
from inspector.model import Problem
from inspector.store.queries import SpanRow
from inspector.workspace import Workspace
from tests.commandproc import CommandProcess

WRITER = Path(__file__).with_name("writer.py")
DEADLINE_S = 10.0


class WriterProcess(CommandProcess):
    """``tests/live/writer.py`` in its own process; :meth:`send` returns once it is done."""

    def __init__(self, first_span: int = 0) -> None:
        super().__init__(str(WRITER), str(first_span))

    def send(self, *commands: str) -> int:
        """Run commands in order; return how many spans the writer has written in all."""
        written = 0
        for command in commands:
            answer = self.ask(command)
            assert answer.startswith("ok "), f"writer failed on {command!r}: {answer!r}"
            written = int(answer.split()[1])
        return written


class Harness:
    """A workspace and its follower, with everything the follower reported so far."""

    def __init__(
        self, path: Path, *, load: bool = False, from_start: bool = True, **options: Any
    ) -> None:
        self.workspace = Workspace(path, live=True)
        if load:
            self.workspace.load(final=False)
        self.follower = Follower(
            self.workspace, collect_spans=True, from_start=from_start, **options
        )
        self.spans: list[SpanRow] = []
        self.problems: list[Problem] = []
        self.updates: list[Update] = []
        self.written = 0  # spans the writer sent to the store (re-reads count again)

    def take(self, update: Update) -> None:
        self.updates.append(update)
        self.spans += update.spans
        self.problems += update.problems
        self.written += sum(c.change.spans for c in update.commits)

    def look(self) -> None:
        """One poll that checks every file now (no waiting on events)."""
        self.take(self.follower.poll(rescan=True))

    def pump_until(self, done: Callable[[], bool], what: str, timeout: float = DEADLINE_S) -> None:
        """Poll as the window or ``tail`` would until ``done()``, failing after ``timeout``."""
        deadline = time.monotonic() + timeout
        while not done():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            self.follower.wait(timeout=0.2)
            self.take(self.follower.poll())

    def ended(self) -> set[str]:
        return {s.span_id for s in self.spans if s.end_ns is not None}

    def stored(self) -> list[tuple[str, str, int | None]]:
        """(trace id, span id, end) of every span row in the index, in row order."""
        reader = self.workspace.reader()
        try:
            rows = reader.conn.execute(
                "SELECT r.trace_id, s.span_id, s.end_ns FROM spans s "
                "JOIN runs r ON r.id = s.run_id ORDER BY s.id"
            ).fetchall()
        finally:
            reader.close()
        return [(r[0], r[1], r[2]) for r in rows]

    def names(self, attribute: str) -> list[str]:
        return [name for u in self.updates for name in getattr(u, attribute)]

    def close(self) -> None:
        self.follower.close()
        self.workspace.close()

    def __enter__(self) -> Harness:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
