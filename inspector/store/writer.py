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
from inspector.model.span import SpanEvents
from inspector.store.rollup import LOAD_SQL, RECOMPUTE_SQL, UPDATE_SQL, RunState
from inspector.store.schema import SPAN_COLUMNS

_INSERT_SPAN = (
    f"INSERT INTO spans ({', '.join(SPAN_COLUMNS)}) VALUES ({', '.join('?' * len(SPAN_COLUMNS))}) "
    "ON CONFLICT (run_id, span_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in SPAN_COLUMNS if c not in ("run_id", "span_id"))
    + " WHERE excluded.end_ns IS NOT NULL OR spans.end_ns IS NULL"
)


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


def _event_attributes(attributes: dict[str, Any]) -> bytes:
    try:
        return orjson.dumps(attributes)
    except TypeError:  # an int beyond 64 bits or a lone surrogate: keep it, as text
        return json.dumps(attributes, default=_plain, ensure_ascii=False).encode("utf-8", "replace")


def _plain(value: object) -> object:
    fields = getattr(value, "__slots__", None)
    if fields:
        return {name: getattr(value, name) for name in fields}
    return str(value)


@dataclass(slots=True)
class Prepared:
    """A batch turned into rows, ready for :meth:`StoreWriter.commit`; picklable, so it can be
    made in another process.

    ``rows[i]`` is a span row without its run id (the writer assigns those): the columns of
    :data:`SPAN_COLUMNS` after ``run_id``, with the source *path* where the source id goes and,
    for ``raw_id``, an index into ``raws`` (or ``None``).
    """

    trace_ids: list[str] = field(default_factory=list)
    services: list[str | None] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    raws: list[tuple[str, bytes]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # (trace_id, span_id, name, time_ns, attributes JSON, source path, location)
    events: list[tuple[str, str, str, int | None, bytes, str, str]] = field(default_factory=list)


def prepare(
    spans: Iterable[Span],
    problems: Iterable[Problem],
    pricing: Pricing,
    events: Iterable[SpanEvents] = (),
) -> Prepared:
    """Derive every stored column of a batch (a pure function of its input)."""
    out = Prepared(problems=list(problems))
    out.events = [
        (
            group.trace_id,
            group.span_id,
            event.name,
            event.time_ns,
            _event_attributes(event.attributes),
            group.source,
            group.location,
        )
        for group in events
        for event in group.events
    ]
    raw_slots: dict[int, int] = {}
    summarize = semconv.summarize
    cost_of = pricing.cost
    llm = SpanKind.LLM
    trace_ids, services, rows, raws = out.trace_ids, out.services, out.rows, out.raws
    for span in spans:
        s = summarize(span)
        cost = s.cost_usd
        if cost is None and s.kind is llm:
            cost = cost_of(s.model, s.input_tokens, s.output_tokens)
        raw = span.raw
        if raw is None:
            body: bytes | None = payload(span)
            slot = raw_index = None
        else:
            body = None
            raw_index = raw[1]
            slot = raw_slots.get(id(raw[0]))
            if slot is None:
                slot = raw_slots[id(raw[0])] = len(raws)
                raws.append(("otlp-json", raw[0]))
        trace_ids.append(span.trace_id)
        services.append(_service(span))
        rows.append(
            (
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
                span.source,
                span.location,
                body,
                slot,
                raw_index,
            )
        )
    return out


class StoreWriter:
    """The single writer of a store. Not thread-safe: one ingest worker owns it.

    Rollups are kept in memory (:class:`RunState`) and written per batch. A span whose
    (run, span id) was written before makes its run's rollups be recomputed in SQL instead, so
    duplicates and started-then-ended updates are never counted twice. Keys are remembered as
    hashes: a collision only costs a recompute, never a wrong count.
    """

    def __init__(self, conn: sqlite3.Connection, pricing: Pricing | None = None) -> None:
        self.conn = conn
        self.pricing = pricing or Pricing.load()
        self._runs: dict[str, int] = {}
        self._state: dict[int, RunState] = {}
        for row in conn.execute(LOAD_SQL):
            self._runs[row[17]] = row[16]
            self._state[row[16]] = RunState.from_row(row)
        self._seen: set[int] = {
            hash((r, s)) for r, s in conn.execute("SELECT run_id, span_id FROM spans")
        }
        self._next_run = 1 + (conn.execute("SELECT max(id) FROM runs").fetchone()[0] or 0)
        self._next_raw = 1 + (conn.execute("SELECT max(id) FROM raws").fetchone()[0] or 0)
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

    def write(
        self,
        spans: Sequence[Span],
        problems: Iterable[Problem] = (),
        *,
        source_ids: dict[str, int] | None = None,
        position: tuple[int, str, dict[str, Any]] | None = None,
        events: Sequence[SpanEvents] = (),
    ) -> Change:
        """Write one batch in one transaction and update the rollups of the runs it touched.

        Args:
            spans: normalised spans; a span already stored (same trace and span id) is replaced
                when the new record has an end time or the stored one has none.
            problems: unreadable records to list.
            source_ids: source path -> id, for the spans' ``source``.
            position: ``(source_id, format, position)`` to save with the batch, so a follower
                resumes exactly after what was committed.
            events: events recorded apart from their spans (log records), kept by trace and
                span id and handed back with the span whenever it is read.
        """
        prepared = prepare(spans, problems, self.pricing, events)
        return self.commit(prepared, source_ids=source_ids, position=position)

    def commit(
        self,
        batch: Prepared,
        *,
        source_ids: dict[str, int] | None = None,
        position: tuple[int, str, dict[str, Any]] | None = None,
    ) -> Change:
        """Write a batch made by :func:`prepare` (possibly in another process)."""
        change = Change()
        runs, states, seen = self._runs, self._state, self._seen
        touched: set[int] = set()
        dirty: set[int] = set()
        new_runs: list[tuple[int, str, str | None]] = []
        raw_ids = list(range(self._next_raw, self._next_raw + len(batch.raws)))
        self._next_raw += len(batch.raws)
        rows: list[tuple[Any, ...]] = []
        ids = source_ids or {}
        for trace_id, service, row in zip(batch.trace_ids, batch.services, batch.rows, strict=True):
            run_id = runs.get(trace_id)
            if run_id is None:
                run_id = self._next_run
                self._next_run += 1
                runs[trace_id] = run_id
                states[run_id] = RunState()
                new_runs.append((run_id, trace_id, service))
                change.added.append(trace_id)
            elif run_id not in touched and run_id not in dirty:
                change.changed.append(trace_id)
            key = hash((run_id, row[0]))
            if key in seen:
                dirty.add(run_id)
            else:
                seen.add(key)
                states[run_id].add(
                    row[0],
                    row[1],
                    row[2],
                    row[3] == "LLM",
                    row[4] == 2,
                    row[6],
                    row[7],
                    row[8],
                    row[10],
                    row[11],
                    row[13],
                    row[14],
                )
            touched.add(run_id)
            slot = row[18]
            rows.append(
                (
                    run_id,
                    *row[:15],
                    ids.get(row[15]),
                    row[16],
                    row[17],
                    None if slot is None else raw_ids[slot],
                    row[19],
                )
            )
        problem_rows = [(p.source, p.location, p.message) for p in batch.problems]
        event_rows = [(*e[:5], ids.get(e[5]), e[6]) for e in batch.events]
        for event in batch.events:  # a run already shown gets new events: say it changed
            tid = event[0]
            if tid in runs and tid not in change.added and tid not in change.changed:
                change.changed.append(tid)
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            if new_runs:
                conn.executemany(
                    "INSERT INTO runs (id, trace_id, service) VALUES (?, ?, ?)", new_runs
                )
            if batch.raws:
                conn.executemany(
                    "INSERT INTO raws (id, format, data) VALUES (?, ?, ?)",
                    [
                        (rid, fmt, data)
                        for rid, (fmt, data) in zip(raw_ids, batch.raws, strict=True)
                    ],
                )
            conn.executemany(_INSERT_SPAN, rows)
            if problem_rows:
                conn.executemany(
                    "INSERT INTO problems (source, location, message) VALUES (?, ?, ?)",
                    problem_rows,
                )
            if event_rows:
                conn.executemany(
                    "INSERT INTO span_events (trace_id, span_id, name, time_ns, attributes, "
                    "source_id, location) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    event_rows,
                )
            clean = touched - dirty
            if clean:
                conn.executemany(UPDATE_SQL, [states[r].row(r) for r in clean])
            if dirty:
                self._recompute(dirty)
            if position is not None:
                self.save_position(*position)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        change.spans = len(rows)
        change.problems = len(problem_rows)
        return change

    def _recompute(self, run_ids: set[int]) -> None:
        """Recompute rollups in SQL (for runs that received a span twice) and reload them."""
        ids = orjson.dumps(sorted(run_ids)).decode()
        for statement in filter(str.strip, RECOMPUTE_SQL.split(";")):
            self.conn.execute(statement, (ids,))
        sql = LOAD_SQL + " WHERE r.id IN (SELECT value FROM json_each(?))"
        for row in self.conn.execute(sql, (ids,)):
            self._state[row[16]] = RunState.from_row(row)


def _service(span: Span) -> str | None:
    value = span.resource.get("service.name")
    return None if value is None else str(value)
