"""What a poll of the follower reports: the commits it made, and files opened, restarted, closed."""

from __future__ import annotations

from dataclasses import dataclass, field

from inspector.model import Problem
from inspector.store.queries import SpanRow
from inspector.store.writer import Change


@dataclass(slots=True)
class Commit:
    """One committed batch.

    Attributes:
        change: trace ids of runs added and changed, span and problem counts (as the writer
            reported them; a span read twice counts twice here).
        time_ns: wall-clock time when the commit finished (the data is queryable from then).
        spans: new spans and spans that ended, once each (only with ``collect_spans``).
        problems: problems reported for the first time.
    """

    change: Change
    time_ns: int
    spans: list[SpanRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(slots=True)
class Update:
    """What one :meth:`inspector.live.Follower.poll` did."""

    commits: list[Commit] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)
    restarted: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.commits or self.opened or self.restarted or self.closed)

    @property
    def added(self) -> list[str]:
        """Trace ids of runs that are new in this update, in order."""
        return list(dict.fromkeys(t for c in self.commits for t in c.change.added))

    @property
    def changed(self) -> list[str]:
        """Trace ids of runs that existed before this update and grew or changed."""
        added = set(self.added)
        return [
            t
            for t in dict.fromkeys(t for c in self.commits for t in c.change.changed)
            if t not in added
        ]

    @property
    def spans(self) -> list[SpanRow]:
        return [s for c in self.commits for s in c.spans]

    @property
    def problems(self) -> list[Problem]:
        return [p for c in self.commits for p in c.problems]


class Reported:
    """Which spans were reported already, so a re-read file does not report them again.

    A span is news when first seen, and once more when it ends. Keys are hashes of (trace id,
    span id): a collision can only hide a span from ``tail``, never from the index.
    """

    def __init__(self) -> None:
        self.ended: set[int] = set()
        self.running: set[int] = set()

    def note(self, trace_id: str, span_id: str, *, ended: bool) -> bool:
        """Record a sighting; true if it is news."""
        key = hash((trace_id, span_id))
        if key in self.ended:
            return False
        if ended:
            self.running.discard(key)
            self.ended.add(key)
            return True
        if key in self.running:
            return False
        self.running.add(key)
        return True
