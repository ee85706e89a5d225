"""Per-run rollups kept in memory by the writer and updated span by span.

Recomputing a run's totals in SQL after every batch costs a scan of the run; adding each new span
to a running total costs nothing. A span seen before (a retry, or a started-then-ended pair) would
be counted twice, so the writer sends such runs to :data:`RECOMPUTE_SQL` instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

UPDATE_SQL = (
    "UPDATE runs SET name = ?, root_span_id = ?, spans = ?, errors = ?, llm_calls = ?, "
    "input_tokens = ?, output_tokens = ?, cost_usd = ?, priced_calls = ?, start_ns = ?, "
    "end_ns = ?, running = ?, session_id = ?, models = ? WHERE id = ?"
)

RECOMPUTE_SQL = """
UPDATE runs SET (spans, errors, llm_calls, input_tokens, output_tokens, cost_usd, priced_calls,
                 start_ns, end_ns, running, session_id, models) = (
    SELECT count(*),
           total(status = 2),
           total(kind = 'LLM'),
           total(CASE WHEN kind = 'LLM' THEN input_tokens END),
           total(CASE WHEN kind = 'LLM' THEN output_tokens END),
           sum(CASE WHEN kind = 'LLM' THEN cost_usd END),
           total(kind = 'LLM' AND cost_usd IS NOT NULL),
           min(start_ns),
           max(coalesce(end_ns, start_ns)),
           max(end_ns IS NULL),
           max(session_id),
           coalesce(group_concat(DISTINCT model), '')
    FROM spans WHERE run_id = runs.id)
WHERE id IN (SELECT value FROM json_each(?));
UPDATE runs SET (name, root_span_id) = (
    SELECT name, span_id FROM spans s
    WHERE s.run_id = runs.id
    ORDER BY s.parent_id IS NOT NULL, s.start_ns IS NULL, s.start_ns, s.id
    LIMIT 1)
WHERE id IN (SELECT value FROM json_each(?));
"""

_FAR = 1 << 63

LOAD_SQL = (
    "SELECT r.name, r.root_span_id, r.spans, r.errors, r.llm_calls, r.input_tokens, "
    "r.output_tokens, r.cost_usd, r.priced_calls, r.start_ns, r.end_ns, r.running, "
    "r.session_id, r.models, s.parent_id IS NOT NULL, s.start_ns, r.id, r.trace_id "
    "FROM runs r LEFT JOIN spans s ON s.run_id = r.id AND s.span_id = r.root_span_id"
)


@dataclass(slots=True)
class RunState:
    """A run's rollups (see ``runs`` in :mod:`inspector.store.schema`)."""

    name: str = ""
    root_span_id: str | None = None
    root_key: tuple[bool, int] = (True, _FAR)
    spans: int = 0
    errors: int = 0
    llm_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = None
    priced_calls: int = 0
    start_ns: int | None = None
    end_ns: int | None = None
    running: bool = False
    session_id: str | None = None
    models: set[str] = field(default_factory=set)

    def add(
        self,
        span_id: str,
        parent_id: str | None,
        name: str,
        is_llm: bool,
        is_error: bool,
        start_ns: int | None,
        end_ns: int | None,
        model: str | None,
        input_tokens: int | None,
        output_tokens: int | None,
        cost_usd: float | None,
        session_id: str | None,
    ) -> None:
        self.spans += 1
        if is_error:
            self.errors += 1
        if is_llm:
            self.llm_calls += 1
            if input_tokens:
                self.input_tokens += input_tokens
            if output_tokens:
                self.output_tokens += output_tokens
            if cost_usd is not None:
                self.priced_calls += 1
                self.cost_usd = cost_usd if self.cost_usd is None else self.cost_usd + cost_usd
        if model:
            self.models.add(model)
        if start_ns is not None and (self.start_ns is None or start_ns < self.start_ns):
            self.start_ns = start_ns
        last = end_ns if end_ns is not None else start_ns
        if last is not None and (self.end_ns is None or last > self.end_ns):
            self.end_ns = last
        if end_ns is None:
            self.running = True
        if session_id is not None and (self.session_id is None or session_id > self.session_id):
            self.session_id = session_id
        key = (parent_id is not None, start_ns if start_ns is not None else _FAR)
        if key < self.root_key:
            self.root_key = key
            self.name = name
            self.root_span_id = span_id

    def merge(self, other: RunState) -> None:
        """Add the rollups of spans counted apart (a later part of the same run)."""
        self.spans += other.spans
        self.errors += other.errors
        self.llm_calls += other.llm_calls
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.priced_calls += other.priced_calls
        if other.cost_usd is not None:
            self.cost_usd = (
                other.cost_usd if self.cost_usd is None else self.cost_usd + other.cost_usd
            )
        self.models |= other.models
        if other.start_ns is not None and (self.start_ns is None or other.start_ns < self.start_ns):
            self.start_ns = other.start_ns
        if other.end_ns is not None and (self.end_ns is None or other.end_ns > self.end_ns):
            self.end_ns = other.end_ns
        self.running = self.running or other.running
        if other.session_id is not None and (
            self.session_id is None or other.session_id > self.session_id
        ):
            self.session_id = other.session_id
        if other.root_span_id is not None and other.root_key < self.root_key:
            self.root_key = other.root_key
            self.name = other.name
            self.root_span_id = other.root_span_id

    def row(self, run_id: int) -> tuple[Any, ...]:
        return (
            self.name,
            self.root_span_id,
            self.spans,
            self.errors,
            self.llm_calls,
            self.input_tokens,
            self.output_tokens,
            self.cost_usd,
            self.priced_calls,
            self.start_ns,
            self.end_ns,
            int(self.running),
            self.session_id,
            ",".join(sorted(self.models)),
            run_id,
        )

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> RunState:
        """Rebuild from a row selected with :data:`LOAD_SQL`."""
        state = cls(
            name=row[0],
            root_span_id=row[1],
            spans=int(row[2]),
            errors=int(row[3]),
            llm_calls=int(row[4]),
            input_tokens=int(row[5]),
            output_tokens=int(row[6]),
            cost_usd=row[7],
            priced_calls=int(row[8]),
            start_ns=row[9],
            end_ns=row[10],
            running=bool(row[11]),
            session_id=row[12],
            models=set(filter(None, (row[13] or "").split(","))),
        )
        if row[1] is not None:
            state.root_key = (bool(row[14]), row[15] if row[15] is not None else _FAR)
        return state
