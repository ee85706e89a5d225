"""Bulk ingest of normalised spans into the store, one transaction per batch, with run rollups."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

import orjson

from inspector.model import Problem, Span
from inspector.model.pricing import Pricing
from inspector.model.span import SpanEvents
from inspector.store.prepare import Prepared, Ready, ReadyBuilder, payload, prepare
from inspector.store.rollup import LOAD_SQL, RECOMPUTE_SQL, UPDATE_SQL, RunState
from inspector.store.schema import SPAN_COLUMNS

__all__ = ["Change", "Prepared", "Ready", "ReadyBuilder", "StoreWriter", "payload", "prepare"]

_INSERT_SPAN = (
    f"INSERT INTO spans ({', '.join(SPAN_COLUMNS)}) VALUES ({', '.join('?' * len(SPAN_COLUMNS))}) "
    "ON CONFLICT (run_id, span_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in SPAN_COLUMNS if c not in ("run_id", "span_id"))
    + " WHERE excluded.end_ns IS NOT NULL OR spans.end_ns IS NULL"
)


# The same, copied from a worker's shard attached as ``piece`` (see ``prepare.write_shard``), in
# file order; its rows name their run by its place in ``Ready.trace_ids`` (a worker cannot know
# run ids: ``temp.slots`` maps one to the other). ``WHERE true``
# keeps SQLite from reading ON CONFLICT as a join constraint.
_UPSERT = _INSERT_SPAN[_INSERT_SPAN.index(" ON CONFLICT") :]
_INSERT_SHARD = (
    f"INSERT INTO spans ({', '.join(SPAN_COLUMNS)}) "
    "SELECT (SELECT run_id FROM temp.slots WHERE slot = p.c0), "
    + ", ".join(f"p.c{i}" for i in range(1, len(SPAN_COLUMNS)))
    + " FROM piece.rows p WHERE true ORDER BY p.rowid"
    + _UPSERT
)


@dataclass(slots=True)
class Change:
    """What one committed batch changed: trace ids of new runs and of runs that grew."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    spans: int = 0
    problems: int = 0


class StoreWriter:
    """The single writer of a store. Not thread-safe: one ingest worker owns it.

    Rollups are kept in memory (:class:`RunState`) and written per batch. A batch holding a span
    whose (run, span id) was written before makes the runs it touched be recomputed in SQL
    instead, so duplicates and started-then-ended updates are never counted twice.
    """

    def __init__(self, conn: sqlite3.Connection, pricing: Pricing | None = None) -> None:
        self.conn = conn
        self.pricing = pricing or Pricing.load()
        self._runs: dict[str, int] = {}
        self._state: dict[int, RunState] = {}
        for row in conn.execute(LOAD_SQL):
            self._runs[row[17]] = row[16]
            self._state[row[16]] = RunState.from_row(row)
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

    def set_snapshot(self, source_id: int, name: str) -> None:
        """Name the copy of a source's bytes (in the store's folder) its spans point into."""
        self.conn.execute("UPDATE sources SET snapshot = ? WHERE id = ?", (name, source_id))

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
        runs, states = self._runs, self._state
        touched: set[int] = set()
        new_runs: list[tuple[int, str, str | None]] = []
        raw_ids = list(range(self._next_raw, self._next_raw + len(batch.raws)))
        self._next_raw += len(batch.raws)
        rows: list[tuple[Any, ...]] = []
        ids = source_ids or {}
        for trace_id, service, row in zip(batch.trace_ids, batch.services, batch.rows, strict=True):
            run_id = runs.get(trace_id)
            if run_id is None:
                run_id = self._new_run(trace_id, service, change, new_runs)
            elif run_id not in touched:
                change.changed.append(trace_id)
            touched.add(run_id)
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
            slot = row[18]
            rows.append(
                (
                    run_id,
                    *row[:15],
                    ids.get(row[15]),
                    row[16],
                    row[17],
                    None if slot is None else raw_ids[slot],
                    *row[19:],
                )
            )
        event_rows = [(*e[:5], ids.get(e[5]), e[6]) for e in batch.events]
        raw_rows = [(rid, fmt, data) for rid, (fmt, data) in zip(raw_ids, batch.raws, strict=True)]
        self._write(
            change,
            list(touched),
            new_runs,
            raw_rows,
            _INSERT_SPAN,
            rows,
            batch.problems,
            event_rows,
            position,
        )
        return change

    def commit_ready(
        self, batch: Ready, *, position: tuple[int, str, dict[str, Any]] | None = None
    ) -> Change:
        """Write a batch made by a :class:`ReadyBuilder` (in a worker process)."""
        change = Change()
        runs = self._runs
        new_runs: list[tuple[int, str, str | None]] = []
        touched: list[int] = []
        for trace_id, service in zip(batch.trace_ids, batch.services, strict=True):
            run_id = runs.get(trace_id)
            if run_id is None:
                run_id = self._new_run(trace_id, service, change, new_runs)
            else:
                change.changed.append(trace_id)
            touched.append(run_id)
        conn = self.conn
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS slots (slot INTEGER PRIMARY KEY, run_id)")
        conn.execute("DELETE FROM temp.slots")
        conn.executemany("INSERT INTO temp.slots VALUES (?, ?)", enumerate(touched))
        conn.execute("ATTACH DATABASE ? AS piece", (batch.shard,))
        try:
            self._write(
                change,
                touched,
                new_runs,
                [],
                _INSERT_SHARD,
                None,
                batch.problems,
                batch.events,
                position,
                batch.partials,
                batch.count,
            )
        finally:
            self.conn.execute("DETACH DATABASE piece")
            with suppress(OSError):
                os.unlink(batch.shard)
        return change

    def _new_run(
        self,
        trace_id: str,
        service: str | None,
        change: Change,
        new_runs: list[tuple[int, str, str | None]],
    ) -> int:
        """Give a trace seen for the first time its run id (its row is inserted with the batch)."""
        run_id = self._next_run
        self._next_run += 1
        self._runs[trace_id] = run_id
        self._state[run_id] = RunState()
        new_runs.append((run_id, trace_id, service))
        change.added.append(trace_id)
        return run_id

    def _write(
        self,
        change: Change,
        touched: list[int],
        new_runs: list[tuple[int, str, str | None]],
        raw_rows: list[tuple[int, str, bytes]],
        insert: str,
        rows: list[tuple[Any, ...]] | None,
        problems: list[Problem],
        event_rows: Sequence[tuple[Any, ...]],
        position: tuple[int, str, dict[str, Any]] | None,
        partials: list[RunState] | None = None,
        count: int = 0,
    ) -> None:
        """One transaction: runs, raws, spans, problems, events, then the touched runs' rollups.

        A span already stored (a duplicate, or the end of a span first written when it started)
        is updated, not inserted. Counting the rows inserted (span ids are handed out in order)
        tells whether that happened; if it did, the touched runs are recomputed in SQL instead
        of adding the batch to their in-memory rollups, so nothing is counted twice.
        ``partials`` (aligned with ``touched``) are rollups to add that were counted elsewhere.
        """
        runs, states = self._runs, self._state
        for event in event_rows:  # a run already shown gets new events: say it changed
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
            if raw_rows:
                conn.executemany("INSERT INTO raws (id, format, data) VALUES (?, ?, ?)", raw_rows)
            before = self._last_span()
            if rows is None:  # ``count`` rows from an attached shard
                conn.execute(insert)
            else:
                conn.executemany(insert, rows)
                count = len(rows)
            repeated = count - (self._last_span() - before)
            if problems:
                conn.executemany(
                    "INSERT INTO problems (source, location, message) VALUES (?, ?, ?)",
                    [(p.source, p.location, p.message) for p in problems],
                )
            if event_rows:
                conn.executemany(
                    "INSERT INTO span_events (trace_id, span_id, name, time_ns, attributes, "
                    "source_id, location) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    event_rows,
                )
            if repeated:
                self._recompute(set(touched))
            else:
                if partials is not None:
                    for run_id, partial in zip(touched, partials, strict=True):
                        states[run_id].merge(partial)
                conn.executemany(UPDATE_SQL, [states[r].row(r) for r in touched])
            if position is not None:
                self.save_position(*position)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        change.spans = count
        change.problems = len(problems)

    def _last_span(self) -> int:
        return int(self.conn.execute("SELECT max(id) FROM spans").fetchone()[0] or 0)

    def _recompute(self, run_ids: set[int]) -> None:
        """Recompute rollups in SQL (for runs that received a span twice) and reload them."""
        ids = orjson.dumps(sorted(run_ids)).decode()
        for statement in filter(str.strip, RECOMPUTE_SQL.split(";")):
            self.conn.execute(statement, (ids,))
        sql = LOAD_SQL + " WHERE r.id IN (SELECT value FROM json_each(?))"
        for row in self.conn.execute(sql, (ids,)):
            self._state[row[16]] = RunState.from_row(row)
