"""Arize Phoenix's SQLite database (``phoenix.db``) read as a trace source.

Phoenix stores each span once, with its attributes as *nested* JSON (it splits OTel keys on
``.``), UTC text timestamps, its OpenInference kind and token counts in columns, the project on
the trace and the session in ``project_sessions``; annotations live in their own tables.
Spans are read in row-id order from a saved row id, so a later :meth:`PhoenixSource.read`
returns only what Phoenix added since, plus spans whose annotations were added or changed.
The database is opened read-only and never written (Phoenix may be running: WAL mode).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import orjson

from inspector.formats.console import iso_to_ns
from inspector.formats.jsonfile import Batch
from inspector.formats.otlp import BadRecord
from inspector.formats.sqlitedb import (
    PATIENCE_S,
    DatabaseSource,
    columns,
)
from inspector.model import Event, Problem, Span, SpanKind, Status
from inspector.model.span import Feedback
from inspector.semconv.feedback import feedback_event

FORMAT = "phoenix-sqlite"
TABLES = frozenset({"projects", "traces", "spans"})

# What this reader needs; Phoenix's migrations have kept these since its 2024 SQL store.
REQUIRED = {
    "spans": {
        "id",
        "trace_rowid",
        "span_id",
        "parent_id",
        "name",
        "span_kind",
        "start_time",
        "end_time",
        "attributes",
        "events",
        "status_code",
        "status_message",
    },
    "traces": {"id", "project_rowid", "trace_id"},
    "projects": {"id", "name"},
}
ANNOTATION_COLUMNS = {"id", "name", "label", "score", "explanation", "annotator_kind"}

# Attributes Phoenix parses from JSON strings at ingest; put back as JSON text when flattening.
JSON_STRING_KEYS = (
    "document.metadata",
    "llm.prompt_template.variables",
    "metadata",
    "tool.parameters",
)
PROJECT_KEY = "openinference.project.name"

T = TypeVar("T")


def is_phoenix(tables: set[str]) -> bool:
    return tables >= TABLES


def unnest(value: Any, prefix: str, out: dict[str, Any]) -> None:
    """Flatten Phoenix's nested attributes back to OTel keys (inverse of its ``unflatten``).

    Dicts give ``.key``; lists of objects give ``.i`` (Phoenix turns a numeric segment into a
    list index only when more segments follow, so ``x.0 = "a"`` was stored as ``{"x": {"0":
    "a"}}`` and comes back as ``x.0``); lists of scalars are attribute values and stay lists.
    """
    if prefix.endswith(JSON_STRING_KEYS) and isinstance(value, dict | list):
        out[prefix] = orjson.dumps(value).decode()
    elif isinstance(value, dict) and value:
        for key, inner in value.items():
            unnest(inner, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
        for index, inner in enumerate(value):
            unnest(inner, f"{prefix}.{index}", out)
    elif prefix:
        out[prefix] = value


def flat_attributes(nested: object) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(nested, dict):
        unnest(nested, "", out)
    return out


class PhoenixSource(DatabaseSource):
    """Spans (with their annotations as feedback events) from a Phoenix database."""

    format = FORMAT

    def __init__(self, path: Path, *, patience_s: float = PATIENCE_S) -> None:
        super().__init__(path, patience_s=patience_s)
        self.last_row = 0
        self.last_annotation: dict[str, int] = {}
        self.last_annotation_update: dict[str, str] = {}

    def _read(self, conn: sqlite3.Connection, batch: int) -> Iterator[Batch]:
        schema = self._retry(self._schema, conn)
        if isinstance(schema, Problem):
            yield Batch(problems=[schema])
            return
        reader = _Reader(conn, schema, self.source)
        # Annotation watermarks before reading spans: anything newer is caught next time.
        marks = self._retry(reader.annotation_marks)
        if self.last_row:
            yield from self._reannotated(reader, marks)
        total = self._retry(reader.max_row)
        while True:
            rows = self._retry(reader.spans_after, self.last_row, batch)
            if not rows:
                break
            out = Batch(total=total)
            self._retry(reader.decode, rows, out)
            self.last_row = rows[-1][0]
            out.done = self.last_row
            yield out
        for table, (top, updated) in marks.items():
            self.last_annotation[table] = top
            self.last_annotation_update[table] = updated

    def _reannotated(self, reader: _Reader, marks: dict[str, tuple[int, str]]) -> Iterator[Batch]:
        """Spans read before whose annotations were added or changed since: read them again."""
        row_ids: set[int] = set()
        for table, (top, updated) in marks.items():
            after = self.last_annotation.get(table, 0)
            since = self.last_annotation_update.get(table, "")
            row_ids |= self._retry(
                reader.annotated_rows, table, after, top, since, updated, self.last_row
            )
        if row_ids:
            out = Batch()
            rows = self._retry(reader.spans_by_row, sorted(row_ids))
            self._retry(reader.decode, rows, out)
            yield out

    def _schema(self, conn: sqlite3.Connection) -> dict[str, set[str]] | Problem:
        found = {
            table: columns(conn, table)
            for table in (
                *REQUIRED,
                "project_sessions",
                "span_annotations",
                "trace_annotations",
                "users",
            )
        }
        missing = [
            f"{table}.{column}"
            for table, needed in REQUIRED.items()
            for column in sorted(needed - found[table])
        ]
        if missing:
            version = _alembic_version(conn)
            return Problem(
                self.source,
                "database",
                "a Phoenix database of a schema this version cannot read "
                f"(alembic revision {version or 'unknown'}): expected columns "
                f"{', '.join(missing[:8])} are missing",
            )
        return found


def _alembic_version(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


class _Reader:
    """Queries over one open Phoenix database whose columns were probed."""

    def __init__(self, conn: sqlite3.Connection, schema: dict[str, set[str]], source: str) -> None:
        self.conn = conn
        self.source = source
        spans = schema["spans"]
        self.token_columns = [
            c for c in ("llm_token_count_prompt", "llm_token_count_completion") if c in spans
        ]
        self.sessions = (
            "project_session_rowid" in schema["traces"]
            and {"id", "session_id"} <= schema["project_sessions"]
        )
        self.annotations = {
            table: schema[table]
            for table in ("span_annotations", "trace_annotations")
            if schema[table] >= ANNOTATION_COLUMNS
        }
        self.users = {"id", "username"} <= schema["users"]
        tokens = "".join(f", s.{c}" for c in self.token_columns)
        session = ", ps.session_id" if self.sessions else ", NULL"
        join = (
            " LEFT JOIN project_sessions ps ON ps.id = t.project_session_rowid"
            if self.sessions
            else ""
        )
        self.select = (
            "SELECT s.id, t.trace_id, s.span_id, s.parent_id, s.name, s.span_kind, s.start_time, "
            "s.end_time, s.attributes, s.events, s.status_code, s.status_message, s.trace_rowid, "
            f"p.name{session}{tokens} FROM spans s JOIN traces t ON t.id = s.trace_rowid "
            f"LEFT JOIN projects p ON p.id = t.project_rowid{join}"
        )

    def max_row(self) -> int:
        return int(self.conn.execute("SELECT coalesce(max(id), 0) FROM spans").fetchone()[0])

    def spans_after(self, row: int, limit: int) -> list[tuple[Any, ...]]:
        sql = f"{self.select} WHERE s.id > ? ORDER BY s.id LIMIT ?"
        return self.conn.execute(sql, (row, limit)).fetchall()

    def spans_by_row(self, rows: list[int]) -> list[tuple[Any, ...]]:
        sql = f"{self.select} WHERE s.id IN (SELECT value FROM json_each(?)) ORDER BY s.id"
        return self.conn.execute(sql, (orjson.dumps(rows).decode(),)).fetchall()

    # annotations -------------------------------------------------------------------------

    def annotation_marks(self) -> dict[str, tuple[int, str]]:
        """Per annotation table: the highest row id and the latest ``updated_at`` now."""
        marks = {}
        for table, cols in self.annotations.items():
            updated = "max(updated_at)" if "updated_at" in cols else "''"
            row = self.conn.execute(
                f"SELECT coalesce(max(id), 0), {updated} FROM {table}"
            ).fetchone()
            marks[table] = (int(row[0]), str(row[1] or ""))
        return marks

    def annotated_rows(
        self, table: str, after: int, top: int, since: str, until: str, read_up_to: int
    ) -> set[int]:
        """Span row ids (already read) with annotations new in ``(after, top]`` or updated."""
        changed = "id > ? AND id <= ?"
        params: list[Any] = [after, top]
        if "updated_at" in self.annotations[table] and since:
            changed = f"(({changed}) OR (updated_at > ? AND updated_at <= ?))"
            params += [since, until]
        if table == "span_annotations":
            sql = f"SELECT DISTINCT span_rowid FROM span_annotations WHERE {changed}"
        else:
            sql = (
                "SELECT DISTINCT (SELECT s.id FROM spans s WHERE s.trace_rowid = a.trace_rowid "
                "ORDER BY s.parent_id IS NOT NULL, s.start_time, s.id LIMIT 1) "
                f"FROM trace_annotations a WHERE {changed}"
            )
        rows = self.conn.execute(sql, params).fetchall()
        return {int(r[0]) for r in rows if r[0] is not None and int(r[0]) <= read_up_to}

    def _feedback(self, rows: list[tuple[Any, ...]]) -> dict[int, list[Event]]:
        """Feedback events per span row id: its span annotations, and its trace's annotations
        when it is the trace's anchor (the root, else the earliest span)."""
        found: dict[int, list[Event]] = defaultdict(list)
        if not self.annotations:
            return found
        ids = orjson.dumps([r[0] for r in rows]).decode()
        if "span_annotations" in self.annotations:
            sql = self._annotation_sql("span_annotations", "a.span_rowid")
            for row in self.conn.execute(
                f"{sql} WHERE a.span_rowid IN (SELECT value FROM json_each(?)) ORDER BY a.id",
                (ids,),
            ):
                found[int(row[0])].append(self._event(row, "span", "span_annotations"))
        if "trace_annotations" in self.annotations:
            anchor = (
                "(SELECT s.id FROM spans s WHERE s.trace_rowid = a.trace_rowid "
                "ORDER BY s.parent_id IS NOT NULL, s.start_time, s.id LIMIT 1)"
            )
            traces = orjson.dumps(sorted({r[12] for r in rows})).decode()
            sql = self._annotation_sql("trace_annotations", anchor)
            for row in self.conn.execute(
                f"{sql} WHERE a.trace_rowid IN (SELECT value FROM json_each(?)) ORDER BY a.id",
                (traces,),
            ):
                if row[0] is not None:
                    found[int(row[0])].append(self._event(row, "trace", "trace_annotations"))
        return found

    def _annotation_sql(self, table: str, owner: str) -> str:
        cols = self.annotations[table]

        def col(name: str) -> str:
            return f"a.{name}" if name in cols else "NULL"

        who = "u.username" if self.users and "user_id" in cols else "NULL"
        join = " LEFT JOIN users u ON u.id = a.user_id" if who != "NULL" else ""
        return (
            f"SELECT {owner}, a.name, a.label, a.score, a.explanation, a.annotator_kind, "
            f"{col('identifier')}, {col('source')}, {col('metadata')}, {col('updated_at')}, "
            f"{who} FROM {table} a{join}"
        )

    def _event(self, row: tuple[Any, ...], level: str, table: str) -> Event:
        metadata = _json(row[8])
        annotator = row[10] or row[6] or None  # the user who gave it, else its identifier
        try:
            when = iso_to_ns(row[9])
        except BadRecord:
            when = None
        return feedback_event(
            Feedback(
                name=str(row[1]),
                label=row[2],
                score=row[3],
                explanation=row[4],
                annotator=annotator,
                annotator_kind=row[5],
                level=level,
                source=f"phoenix {table}" + (f" ({row[7]})" if row[7] else ""),
                time_ns=when,
                metadata=metadata or None,
            )
        )

    # spans -------------------------------------------------------------------------------

    def decode(self, rows: list[tuple[Any, ...]], out: Batch) -> None:
        """Decode span rows into ``out`` (a bad row becomes a problem naming it)."""
        feedback = self._feedback(rows)
        spans, problems = [], []
        for row in rows:
            try:
                span = self._span(row)
            except (BadRecord, ValueError, TypeError, orjson.JSONDecodeError) as exc:
                problems.append(Problem(self.source, f"spans row {row[0]}", f"skipped: {exc}"))
                continue
            span.events.extend(feedback.get(row[0], ()))
            spans.append(span)
        out.spans.extend(spans)
        out.problems.extend(problems)

    def _span(self, row: tuple[Any, ...]) -> Span:
        (
            row_id,
            trace,
            span,
            parent,
            name,
            kind,
            start,
            end,
            attrs,
            events,
            status,
            message,
            _trace_row,
            project,
            session,
            *tokens,
        ) = row
        attributes = flat_attributes(_json(attrs))
        if kind and "openinference.span.kind" not in attributes:
            attributes["openinference.span.kind"] = kind
        for column, value in zip(self.token_columns, tokens, strict=True):
            key = "llm.token_count." + column.rsplit("_", 1)[-1]
            if value is not None and key not in attributes:
                attributes[key] = value
        if session and "session.id" not in attributes:
            attributes["session.id"] = session
        return Span(
            trace_id=str(trace).lower(),
            span_id=str(span).lower(),
            parent_id=str(parent).lower() if parent else None,
            name=str(name or ""),
            start_ns=iso_to_ns(start),
            end_ns=iso_to_ns(end),
            kind=SpanKind.parse(kind),
            status=Status.parse(status),
            status_message=str(message or ""),
            attributes=attributes,
            events=[_event(e) for e in _json(events) or () if isinstance(e, dict)],
            resource={PROJECT_KEY: project} if project else {},
            source=self.source,
            location=f"spans row {row_id}",
        )


def _json(value: object) -> Any:
    if value is None or isinstance(value, dict | list):
        return value
    if isinstance(value, bytes | str):
        return orjson.loads(value)
    raise BadRecord(f"not JSON: {type(value).__name__}")


def _event(raw: dict[str, Any]) -> Event:
    return Event(
        name=str(raw.get("name") or ""),
        time_ns=iso_to_ns(raw.get("timestamp")),
        attributes=flat_attributes(raw.get("attributes")),
    )
