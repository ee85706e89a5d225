"""Bulk ingest of normalised spans into the store, one transaction per batch, with run rollups."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from inspector import semconv
from inspector.model import Problem, Span, SpanKind
from inspector.model.pricing import Pricing
from inspector.store.schema import SPAN_COLUMNS

_INSERT_SPAN = (
    f"INSERT INTO spans ({', '.join(SPAN_COLUMNS)}) VALUES ({', '.join('?' * len(SPAN_COLUMNS))}) "
    "ON CONFLICT (run_id, span_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in SPAN_COLUMNS if c not in ("run_id", "span_id"))
    + " WHERE excluded.end_ns IS NOT NULL OR spans.end_ns IS NULL"
)

_ROLLUP = """
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
WHERE id IN (SELECT value FROM json_each(?))
"""

_ROOT = """
UPDATE runs SET (name, root_span_id) = (
    SELECT name, span_id FROM spans s
    WHERE s.run_id = runs.id
    ORDER BY s.parent_id IS NOT NULL, s.start_ns IS NULL, s.start_ns, s.id
    LIMIT 1)
WHERE id IN (SELECT value FROM json_each(?))
"""


@dataclass(slots=True)
class Change:
    """What one committed batch changed: trace ids of new runs and of runs that grew."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    spans: int = 0
    problems: int = 0


def payload(span: Span) -> bytes:
    """The span's full detail as JSON, stored once and decoded only when shown."""
    body: dict[str, Any] = {
        "trace_id": span.trace_id,
        "attributes": span.attributes,
        "events": span.events,
        "resource": span.resource,
    }
    if span.links:
        body["links"] = span.links
    if span.scope:
        body["scope"] = span.scope
    if span.otel_kind:
        body["otel_kind"] = span.otel_kind
    try:
        return orjson.dumps(body)
    except TypeError:  # an int beyond 64 bits or a lone surrogate: keep it, as text
        return json.dumps(body, default=_plain, ensure_ascii=False).encode("utf-8", "replace")


def _plain(value: object) -> object:
    fields = getattr(value, "__slots__", None)
    if fields:
        return {name: getattr(value, name) for name in fields}
    return str(value)


class StoreWriter:
    """The single writer of a store. Not thread-safe: one ingest worker owns it."""

    def __init__(self, conn: sqlite3.Connection, pricing: Pricing | None = None) -> None:
        self.conn = conn
        self.pricing = pricing or Pricing.load()
        self._runs: dict[str, int] = dict(
            conn.execute("SELECT trace_id, id FROM runs").fetchall()
        )
        self._sources: dict[str, int] = {
            path: sid for sid, path in conn.execute("SELECT id, path FROM sources")
        }

    def source_id(self, path: str, fmt: str) -> int:
        """The id of a source, registering it on first use."""
        sid = self._sources.get(path)
        if sid is None:
            cur = self.conn.execute(
                "INSERT INTO sources (path, format) VALUES (?, ?) "
                "ON CONFLICT (path) DO UPDATE SET format = excluded.format RETURNING id",
                (path, fmt),
            )
            sid = int(cur.fetchone()[0])
            self._sources[path] = sid
        return sid

    def save_position(self, source_id: int, fmt: str, position: dict[str, Any]) -> None:
        self.conn.execute(
            "UPDATE sources SET format = ?, position = ? WHERE id = ?",
            (fmt, orjson.dumps(position).decode(), source_id),
        )

    def _row(self, span: Span, run_id: int, source_id: int | None) -> tuple[Any, ...]:
        s = semconv.summarize(span)
        cost = s.cost_usd
        if cost is None and s.kind is SpanKind.LLM:
            cost = self.pricing.cost(s.model, s.input_tokens, s.output_tokens)
        return (
            run_id,
            span.span_id,
            span.parent_id,
            span.name,
            s.kind.value,
            int(span.status),
            span.status_message,
            span.start_ns,
            span.end_ns,
            s.model,
            s.provider,
            s.input_tokens,
            s.output_tokens,
            s.total_tokens,
            cost,
            s.session_id,
            source_id,
            span.location,
            payload(span),
        )

    def write(
        self,
        spans: Sequence[Span],
        problems: Iterable[Problem] = (),
        *,
        source_ids: dict[str, int] | None = None,
        position: tuple[int, str, dict[str, Any]] | None = None,
    ) -> Change:
        """Write one batch in one transaction and update the rollups of the runs it touched.

        Args:
            spans: normalised spans; a span already stored (same trace and span id) is replaced
                when the new record has an end time or the stored one has none.
            problems: unreadable records to list.
            source_ids: source path -> id, for the spans' ``source``.
            position: ``(source_id, format, position)`` to save with the batch, so a follower
                resumes exactly after what was committed.
        """
        change = Change()
        runs = self._runs
        touched: set[int] = set()
        rows = []
        ids = source_ids or {}
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            for span in spans:
                run_id = runs.get(span.trace_id)
                if run_id is None:
                    cur = conn.execute(
                        "INSERT INTO runs (trace_id, name, service) VALUES (?, ?, ?)",
                        (span.trace_id, span.name, _service(span)),
                    )
                    run_id = int(cur.lastrowid or 0)
                    runs[span.trace_id] = run_id
                    change.added.append(span.trace_id)
                elif run_id not in touched:
                    change.changed.append(span.trace_id)
                touched.add(run_id)
                rows.append(self._row(span, run_id, ids.get(span.source)))
            conn.executemany(_INSERT_SPAN, rows)
            problem_rows = [(p.source, p.location, p.message) for p in problems]
            if problem_rows:
                conn.executemany(
                    "INSERT INTO problems (source, location, message) VALUES (?, ?, ?)",
                    problem_rows,
                )
            if touched:
                touched_json = orjson.dumps(sorted(touched)).decode()
                conn.execute(_ROLLUP, (touched_json,))
                conn.execute(_ROOT, (touched_json,))
            if position is not None:
                self.save_position(*position)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        change.spans = len(rows)
        change.problems = len(problem_rows)
        return change


def _service(span: Span) -> str | None:
    value = span.resource.get("service.name")
    return None if value is None else str(value)
