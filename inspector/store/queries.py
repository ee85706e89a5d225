"""Read queries the UI and the command line need. Bounded, index-backed, parameters bound.

A :class:`StoreReader` owns one connection; give each thread its own reader.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from inspector.formats.otlp import nth_span
from inspector.formats.readonly import connect_readonly
from inspector.model import Event, Problem, Span, SpanKind, Status
from inspector.store.connection import check_version, is_store


@dataclass(frozen=True, slots=True)
class RunRow:
    """One run (trace) with its rollups."""

    trace_id: str
    name: str
    root_span_id: str | None
    spans: int
    errors: int
    llm_calls: int
    input_tokens: int
    output_tokens: int
    cost_usd: float | None
    priced_calls: int
    start_ns: int | None
    end_ns: int | None
    running: bool
    session_id: str | None
    service: str | None
    models: str

    @property
    def duration_ns(self) -> int | None:
        if self.start_ns is None or self.end_ns is None:
            return None
        return max(0, self.end_ns - self.start_ns)


@dataclass(frozen=True, slots=True)
class SpanRow:
    """The indexed columns of one span (no payload): enough for a tree row or a chart point."""

    span_id: str
    parent_id: str | None
    name: str
    kind: SpanKind
    status: Status
    start_ns: int | None
    end_ns: int | None
    model: str | None
    input_tokens: int | None
    output_tokens: int | None
    total_tokens: int | None
    cost_usd: float | None
    trace_id: str = ""

    @property
    def duration_ns(self) -> int | None:
        if self.start_ns is None or self.end_ns is None:
            return None
        return max(0, self.end_ns - self.start_ns)

    @property
    def is_error(self) -> bool:
        return self.status is Status.ERROR

    @property
    def counts_usage(self) -> bool:
        """Whether this span's tokens and cost count in totals (LLM calls only)."""
        return self.kind is SpanKind.LLM


@dataclass(frozen=True, slots=True)
class Aggregate:
    """Per-model or per-name totals."""

    key: str
    count: int
    errors: int
    input_tokens: int
    output_tokens: int
    cost_usd: float | None
    total_duration_ns: int


@dataclass(frozen=True, slots=True)
class Totals:
    traces: int
    spans: int
    errors: int
    llm_calls: int
    input_tokens: int
    output_tokens: int
    cost_usd: float | None
    priced_calls: int
    models: list[str]


RUN_SORT_COLUMNS = {
    "start": "start_ns",
    "name": "name",
    "duration": "(end_ns - start_ns)",
    "spans": "spans",
    "errors": "errors",
    "input_tokens": "input_tokens",
    "output_tokens": "output_tokens",
    "cost": "cost_usd",
    "session": "session_id",
    "status": "errors > 0",
}

_RUN_COLUMNS = (
    "trace_id, name, root_span_id, spans, errors, llm_calls, input_tokens, output_tokens, "
    "cost_usd, priced_calls, start_ns, end_ns, running, session_id, service, models"
)
# The indexed span columns, in the order :func:`span_row` reads them.
SPAN_ROW_COLUMNS = (
    "s.span_id, s.parent_id, s.name, s.kind, s.status, s.start_ns, s.end_ns, s.model, "
    "s.input_tokens, s.output_tokens, s.total_tokens, s.cost_usd"
)


def _run(row: tuple[Any, ...]) -> RunRow:
    return RunRow(
        trace_id=row[0],
        name=row[1],
        root_span_id=row[2],
        spans=row[3],
        errors=int(row[4]),
        llm_calls=int(row[5]),
        input_tokens=int(row[6]),
        output_tokens=int(row[7]),
        cost_usd=row[8],
        priced_calls=int(row[9]),
        start_ns=row[10],
        end_ns=row[11],
        running=bool(row[12]),
        session_id=row[13],
        service=row[14],
        models=row[15],
    )


def span_row(row: Sequence[Any], trace_id: str = "") -> SpanRow:
    """A :class:`SpanRow` from the values of :data:`SPAN_ROW_COLUMNS`."""
    return SpanRow(
        span_id=row[0],
        parent_id=row[1],
        name=row[2],
        kind=SpanKind.parse(row[3]),
        status=Status(row[4]),
        start_ns=row[5],
        end_ns=row[6],
        model=row[7],
        input_tokens=row[8],
        output_tokens=row[9],
        total_tokens=row[10],
        cost_usd=row[11],
        trace_id=trace_id,
    )


def _run_filter(text: str, errors_only: bool) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if text:
        clauses.append(
            "(name LIKE ? ESCAPE '\\' OR trace_id LIKE ? ESCAPE '\\' "
            "OR session_id LIKE ? ESCAPE '\\' OR models LIKE ? ESCAPE '\\')"
        )
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        params += [pattern] * 4
    if errors_only:
        clauses.append("errors > 0")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def decode_raw(fmt: str, data: bytes, index: int, source: str, location: str) -> Span | None:
    """Fully decode a span kept as a reference into its raw source record."""
    if fmt != "otlp-json":
        return None
    from inspector.formats.jsonfile import parse_json

    record, _ = parse_json(data)
    if not isinstance(record, dict):
        return None
    return nth_span(record, source, location, index)


def _verbatim_part(needle: str) -> bytes | None:
    """The longest piece of ``needle`` that every JSON encoding of a text holding it holds
    verbatim (printable ASCII that no encoder escapes: not quotes, backslashes, ``/``, or the
    ``<>&'`` some escape), to rule records out without decoding them; ``None`` when too short to
    help."""
    parts = re.split(r"[^\x20-\x7e]|[\"\\/<>&']", needle)
    best = max(parts, key=len)
    return best.encode() if len(best) >= 2 else None


class Snapshots:
    """Reads records out of the snapshot files a store's spans point into (see the schema).

    Stores written before snapshots existed have neither column; the SQL fragments then read
    NULL, so every query works on old and new stores alike.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        spans = {r[1] for r in conn.execute("PRAGMA table_info(spans)")}
        sources = {r[1] for r in conn.execute("PRAGMA table_info(sources)")}
        present = {"raw_offset", "raw_length"} <= spans and "snapshot" in sources
        self.columns = "s.raw_offset, s.raw_length, src.snapshot" if present else "NULL, NULL, NULL"
        self.where = "s.raw_offset IS NOT NULL OR" if present else ""
        folder = next((r[2] for r in conn.execute("PRAGMA database_list") if r[1] == "main"), "")
        self.folder = Path(folder).parent if folder else None
        self._files: dict[str, Any] = {}

    def read(self, name: str | None, offset: int, length: int) -> bytes | None:
        """The bytes of one record, or ``None`` when the snapshot is gone or too short."""
        if not name or self.folder is None or Path(name).name != name:
            return None
        handle = self._files.get(name)
        try:
            if handle is None:
                handle = self._files[name] = (self.folder / name).open("rb")
            handle.seek(offset)
            data: bytes = handle.read(length)
        except OSError:
            return None
        return data if len(data) == length else None

    def close(self) -> None:
        for handle in self._files.values():
            handle.close()
        self._files.clear()


class StoreReader:
    """Queries over one store database."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.snapshots = Snapshots(conn)

    @classmethod
    def open(cls, path: Path) -> StoreReader:
        """Open a store read-only (any thread may then use it, one at a time)."""
        conn = connect_readonly(path)
        if not is_store(conn):
            conn.close()
            from inspector.store.connection import StoreError

            raise StoreError(f"{path} is not a Trace Inspector store")
        check_version(conn, path)
        return cls(conn)

    def close(self) -> None:
        self.snapshots.close()
        self.conn.close()

    # runs ------------------------------------------------------------------------------------

    def run_count(self, text: str = "", errors_only: bool = False) -> int:
        where, params = _run_filter(text, errors_only)
        return int(self.conn.execute(f"SELECT count(*) FROM runs{where}", params).fetchone()[0])

    def runs(
        self,
        offset: int = 0,
        limit: int = 200,
        *,
        sort: str = "start",
        descending: bool = True,
        text: str = "",
        errors_only: bool = False,
    ) -> list[RunRow]:
        """A page of runs, filtered and sorted in SQL (newest first by default)."""
        column = RUN_SORT_COLUMNS.get(sort)
        if column is None:
            raise ValueError(f"unknown sort column {sort!r}")
        order = "DESC" if descending else "ASC"
        where, params = _run_filter(text, errors_only)
        sql = (
            f"SELECT {_RUN_COLUMNS} FROM runs{where} "
            f"ORDER BY {column} IS NULL, {column} {order}, id {order} LIMIT ? OFFSET ?"
        )
        return [_run(r) for r in self.conn.execute(sql, [*params, limit, offset])]

    def run(self, trace_id: str) -> RunRow | None:
        row = self.conn.execute(
            f"SELECT {_RUN_COLUMNS} FROM runs WHERE trace_id = ?", (trace_id,)
        ).fetchone()
        return _run(row) if row else None

    def runs_by_id(self, trace_ids: list[str]) -> list[RunRow]:
        sql = (
            f"SELECT {_RUN_COLUMNS} FROM runs WHERE trace_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY id"
        )
        return [_run(r) for r in self.conn.execute(sql, (orjson.dumps(trace_ids).decode(),))]

    def _run_id(self, trace_id: str) -> int | None:
        row = self.conn.execute("SELECT id FROM runs WHERE trace_id = ?", (trace_id,)).fetchone()
        return int(row[0]) if row else None

    # spans -----------------------------------------------------------------------------------

    def children(self, trace_id: str, parent_span_id: str | None) -> list[SpanRow]:
        """Direct children of a span, by start time. ``None`` gives the run's top level:
        true roots, spans whose parent never arrived, and self-parented spans."""
        run_id = self._run_id(trace_id)
        if run_id is None:
            return []
        if parent_span_id is None:
            sql = (
                f"SELECT {SPAN_ROW_COLUMNS} FROM spans s WHERE s.run_id = ? AND ("
                "s.parent_id IS NULL OR s.parent_id = s.span_id OR NOT EXISTS ("
                "SELECT 1 FROM spans p WHERE p.run_id = s.run_id AND p.span_id = s.parent_id)) "
                "ORDER BY s.start_ns, s.id"
            )
            rows = self.conn.execute(sql, (run_id,))
        else:
            sql = (
                f"SELECT {SPAN_ROW_COLUMNS} FROM spans s WHERE s.run_id = ? AND s.parent_id = ? "
                "AND s.span_id != s.parent_id ORDER BY s.start_ns, s.id"
            )
            rows = self.conn.execute(sql, (run_id, parent_span_id))
        return [span_row(r, trace_id) for r in rows]

    def span_rows(self, trace_id: str) -> list[SpanRow]:
        """Every span of a run, indexed columns only, by start time (for trees and charts)."""
        run_id = self._run_id(trace_id)
        if run_id is None:
            return []
        sql = f"SELECT {SPAN_ROW_COLUMNS} FROM spans s WHERE s.run_id = ? ORDER BY s.start_ns, s.id"
        return [span_row(r, trace_id) for r in self.conn.execute(sql, (run_id,))]

    def span(self, trace_id: str, span_id: str) -> Span | None:
        """One span with its full payload decoded, and the events recorded apart from it."""
        span = self._span(trace_id, span_id)
        if span is not None:
            span.events.extend(self._span_events(trace_id, span_id))
        return span

    def _span_events(self, trace_id: str, span_id: str) -> list[Event]:
        """Log-record events of a span (GenAI prompts and replies), in time then file order."""
        try:
            rows = self.conn.execute(
                "SELECT name, time_ns, attributes FROM span_events "
                "WHERE trace_id = ? AND span_id = ? ORDER BY time_ns IS NULL, time_ns, id",
                (trace_id, span_id),
            ).fetchall()
        except sqlite3.OperationalError:  # a store written before span_events existed
            return []
        return [Event(r[0], r[1], orjson.loads(r[2])) for r in rows]

    def _span(self, trace_id: str, span_id: str) -> Span | None:
        row = self.conn.execute(
            "SELECT s.span_id, s.parent_id, s.name, s.kind, s.status, s.status_message, "
            "s.start_ns, s.end_ns, s.location, s.payload, src.path, raw.format, raw.data, "
            f"s.raw_index, {self.snapshots.columns} FROM spans s JOIN runs r ON r.id = s.run_id "
            "LEFT JOIN sources src ON src.id = s.source_id "
            "LEFT JOIN raws raw ON raw.id = s.raw_id "
            "WHERE r.trace_id = ? AND s.span_id = ?",
            (trace_id, span_id),
        ).fetchone()
        if row is None:
            return None
        data, fmt = row[12], row[11]
        if row[9] is None and data is None and row[14] is not None:
            data, fmt = self.snapshots.read(row[16], row[14], row[15]), "otlp-json"
        if row[9] is None and data is not None:
            full = decode_raw(fmt, data, row[13], row[10] or "", row[8])
            if full is not None:
                # The stored row is authoritative for what ingest decided (kind, merges).
                full.kind = SpanKind.parse(row[3])
                return full
        body = orjson.loads(row[9]) if row[9] is not None else {}
        return Span(
            trace_id=trace_id,
            span_id=row[0],
            parent_id=row[1],
            name=row[2],
            kind=SpanKind.parse(row[3]),
            status=Status(row[4]),
            status_message=row[5],
            start_ns=row[6],
            end_ns=row[7],
            otel_kind=body.get("otel_kind"),
            attributes=body.get("attributes") or {},
            events=[
                Event(e.get("name", ""), e.get("time_ns"), e.get("attributes") or {})
                for e in body.get("events") or ()
            ],
            links=body.get("links") or [],
            resource=body.get("resource") or {},
            scope=body.get("scope") or {},
            source=row[10] or "",
            location=row[8],
        )

    def find_spans(self, span_id_prefix: str, limit: int = 3) -> list[tuple[str, str]]:
        """(trace_id, span_id) of spans whose id starts with a prefix (for the command line)."""
        pattern = span_id_prefix.lower().replace("%", "").replace("_", "") + "%"
        sql = (
            "SELECT r.trace_id, s.span_id FROM spans s JOIN runs r ON r.id = s.run_id "
            "WHERE s.span_id LIKE ? LIMIT ?"
        )
        return [(r[0], r[1]) for r in self.conn.execute(sql, (pattern, limit))]

    def search(
        self, text: str, trace_id: str | None = None, limit: int = 1000
    ) -> list[tuple[str, str]]:
        """(trace_id, span_id) of spans whose name or content holds ``text`` (any case).

        Content is the span's attributes, events and status message, wherever they are kept:
        its payload, its raw source record (shared with the other spans of that record, so a
        match there is confirmed on the decoded span), or events recorded apart from it.
        """
        if not text:
            return []
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        sql = (
            f"SELECT r.trace_id, s.span_id, {self.snapshots.columns}, "
            "s.name LIKE ?1 ESCAPE '\\' OR s.status_message LIKE ?1 ESCAPE '\\' "
            "OR CAST(s.payload AS TEXT) LIKE ?1 ESCAPE '\\' OR EXISTS ("
            "SELECT 1 FROM span_events e WHERE e.trace_id = r.trace_id AND e.span_id = s.span_id "
            "AND CAST(e.attributes AS TEXT) LIKE ?1 ESCAPE '\\') "
            "FROM spans s JOIN runs r ON r.id = s.run_id LEFT JOIN raws raw ON raw.id = s.raw_id "
            "LEFT JOIN sources src ON src.id = s.source_id "
            f"WHERE ({self.snapshots.where} s.name LIKE ?1 ESCAPE '\\' "
            "OR s.status_message LIKE ?1 ESCAPE '\\' "
            "OR CAST(s.payload AS TEXT) LIKE ?1 ESCAPE '\\' "
            "OR CAST(raw.data AS TEXT) LIKE ?1 ESCAPE '\\' OR EXISTS ("
            "SELECT 1 FROM span_events e WHERE e.trace_id = r.trace_id AND e.span_id = s.span_id "
            "AND CAST(e.attributes AS TEXT) LIKE ?1 ESCAPE '\\'))"
        )
        params: list[Any] = [pattern]
        if trace_id is not None:
            sql += " AND r.trace_id = ?2"
            params.append(trace_id)
        sql += " ORDER BY s.start_ns, s.id"
        if not self._has_span_events():  # a store written before that table existed
            sql = sql.replace(
                "span_events", "(SELECT '' AS trace_id, '' AS span_id, '' AS attributes)"
            )
        needle = text.lower()
        literal = _verbatim_part(needle)
        in_record: dict[tuple[str, int], bool] = {}
        found: list[tuple[str, str]] = []
        for tid, sid, offset, length, snapshot, sure in self.conn.execute(sql, params):
            if not sure and offset is not None and literal is not None:
                # Spans of one record share its text: look at it once, decode only on a hit.
                key = (snapshot, offset)
                hit = in_record.get(key)
                if hit is None:
                    data = self.snapshots.read(snapshot, offset, length)
                    hit = in_record[key] = data is not None and literal in data.lower()
                if not hit:
                    continue
            if sure or self._content_holds(tid, sid, needle):
                found.append((tid, sid))
                if len(found) >= limit:
                    break
        return found

    def _has_span_events(self) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'span_events'"
        ).fetchone()
        return row is not None

    def _content_holds(self, trace_id: str, span_id: str, needle: str) -> bool:
        """Whether a span decoded from its raw record mentions ``needle`` (lower case)."""
        span = self._span(trace_id, span_id)
        if span is None:
            return False
        try:
            body = orjson.dumps([span.attributes, span.events, span.resource]).decode()
        except TypeError:
            body = repr((span.attributes, span.events, span.resource))
        return needle in body.lower()

    # aggregates ------------------------------------------------------------------------------

    def totals(self) -> Totals:
        row = self.conn.execute(
            "SELECT count(*), total(spans), total(errors), total(llm_calls), total(input_tokens), "
            "total(output_tokens), sum(cost_usd), total(priced_calls) FROM runs"
        ).fetchone()
        models = [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT model FROM spans WHERE kind = 'LLM' AND model IS NOT NULL "
                "ORDER BY model"
            )
        ]
        return Totals(
            traces=int(row[0]),
            spans=int(row[1]),
            errors=int(row[2]),
            llm_calls=int(row[3]),
            input_tokens=int(row[4]),
            output_tokens=int(row[5]),
            cost_usd=row[6],
            priced_calls=int(row[7]),
            models=models,
        )

    def aggregates(
        self, by: str = "model", kind: SpanKind | None = SpanKind.LLM
    ) -> list[Aggregate]:
        """Per-model or per-name counts, errors, tokens, cost and total duration."""
        column = {"model": "coalesce(model, '(unknown)')", "name": "name"}[by]
        where = "WHERE kind = ?" if kind is not None else ""
        params = [kind.value] if kind is not None else []
        sql = (
            f"SELECT {column} AS k, count(*), total(status = 2), total(input_tokens), "
            "total(output_tokens), sum(cost_usd), total(end_ns - start_ns) "
            f"FROM spans {where} GROUP BY k ORDER BY count(*) DESC"
        )
        return [
            Aggregate(r[0], int(r[1]), int(r[2]), int(r[3]), int(r[4]), r[5], int(r[6]))
            for r in self.conn.execute(sql, params)
        ]

    def problems(self, limit: int = 10_000) -> list[Problem]:
        return [
            Problem(r[0], r[1], r[2])
            for r in self.conn.execute(
                "SELECT source, location, message FROM problems ORDER BY id LIMIT ?", (limit,)
            )
        ]

    def problem_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM problems").fetchone()[0])

    def sources(self) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self.conn.execute("SELECT path, format FROM sources")]
