"""MLflow tracing: its SQLite tracking database (``mlflow.db``) and its span JSON.

MLflow 3 keeps each span as JSON in ``spans.content`` (ids in base64, every attribute value
JSON-encoded a second time); older traces, and traces whose ``mlflow.trace.spansLocation`` tag
is not ``TRACKING_STORE``, keep them in an artifact file ``traces.json`` beside the database.
Trace-level facts (tags, request metadata, status, session, user) go on the trace's root span;
assessments become feedback events on the span (or, for the trace, its root span) they judge.
Rows are read in row-id order from saved row ids, so a later read returns only what is new.
The database is opened read-only and never written.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlparse

import orjson

from inspector.formats.ids import span_id
from inspector.formats.jsonfile import Batch
from inspector.formats.mlflow_json import TraceContext, decode_json, decode_span_dict, decode_value
from inspector.formats.otlp import BadRecord
from inspector.formats.sqlitedb import (
    PATIENCE_S,
    DatabaseSource,
    columns,
)
from inspector.model import Event, Problem, Span, SpanKind, Status
from inspector.model.span import Feedback
from inspector.semconv.feedback import feedback_event

FORMAT = "mlflow-sqlite"
TABLES = frozenset({"trace_info", "trace_tags"})
REQUIRED = {
    "trace_info": {"request_id", "experiment_id", "timestamp_ms", "status"},
    "trace_tags": {"key", "value", "request_id"},
}
SPAN_COLUMNS = {"trace_id", "span_id", "content"}
SPANS_LOCATION = "mlflow.trace.spansLocation"
ARTIFACT_LOCATION = "mlflow.artifactLocation"
IN_TRACKING_STORE = "TRACKING_STORE"

T = TypeVar("T")


def is_mlflow(tables: set[str]) -> bool:
    return tables >= TABLES


# the database ------------------------------------------------------------------------------


class MlflowSource(DatabaseSource):
    """Spans (with assessments as feedback events) from an MLflow tracking database."""

    format = FORMAT

    def __init__(self, path: Path, *, patience_s: float = PATIENCE_S) -> None:
        super().__init__(path, patience_s=patience_s)
        self.last_span_row = 0
        self.last_trace_row = 0
        self.last_assessment_row = 0
        self.last_assessment_update = 0
        self.waiting: set[str] = set()  # in-progress traces whose artifact is not written yet
        self.read_traces: set[str] = set()

    def _read(self, conn: sqlite3.Connection, batch: int) -> Iterator[Batch]:
        schema = self._retry(_schema, conn)
        missing = [
            f"{table}.{column}"
            for table, needed in REQUIRED.items()
            for column in sorted(needed - schema[table])
        ]
        if missing:
            message = (
                "an MLflow database of a schema this version cannot read: expected columns "
                f"{', '.join(missing)} are missing"
            )
            yield Batch(problems=[Problem(self.source, "database", message)])
            return
        db = _Db(conn, schema, self.path)
        marks = self._retry(db.assessment_marks)
        if self.read_traces:
            again = self._retry(
                db.reassessed,
                self.last_assessment_row,
                self.last_assessment_update,
                marks,
                self.read_traces,
            )
            if again:
                out = Batch()
                self._retry(db.respans, again, out)
                yield out
        if db.has_spans:
            total = self._retry(db.max_span_row)
            while True:
                rows = self._retry(db.span_rows, self.last_span_row, batch)
                if not rows:
                    break
                out = Batch(total=total)
                self._retry(db.decode_rows, rows, out)
                self.last_span_row = rows[-1][0]
                self.read_traces.update(str(r[1]) for r in rows)
                out.done = self.last_span_row
                yield out
        top = self._retry(db.max_trace_row)
        for row_id, request_id in self._retry(
            db.artifact_traces, self.last_trace_row, top, self.waiting
        ):
            out = Batch()
            context = self._retry(db.context, request_id)
            if db.artifact_spans(context, out) == "waiting":
                self.waiting.add(request_id)
            else:
                self.waiting.discard(request_id)
                self.read_traces.add(request_id)
                self._retry(db.attach_assessments, request_id, out.spans)
            self.last_trace_row = max(self.last_trace_row, row_id)
            if out.spans or out.problems:
                yield out
        self.last_trace_row = max(self.last_trace_row, top)
        self.last_assessment_row, self.last_assessment_update = marks


def _schema(conn: sqlite3.Connection) -> dict[str, set[str]]:
    names = (
        "trace_info",
        "trace_tags",
        "trace_request_metadata",
        "spans",
        "assessments",
        "experiments",
    )
    return {name: columns(conn, name) for name in names}


class _Db:
    """Queries over one open MLflow database whose columns were probed."""

    def __init__(self, conn: sqlite3.Connection, schema: dict[str, set[str]], path: Path) -> None:
        self.conn = conn
        self.schema = schema
        self.path = path
        self.source = str(path)
        self.has_spans = schema["spans"] >= SPAN_COLUMNS
        self.has_metadata = {"key", "value", "request_id"} <= schema["trace_request_metadata"]
        self.has_assessments = {"trace_id", "name", "value", "span_id"} <= schema["assessments"]
        self.contexts: dict[str, TraceContext] = {}

    # trace context ---------------------------------------------------------------------

    def context(self, request_id: str) -> TraceContext:
        found = self.contexts.get(request_id)
        if found is not None:
            return found
        cols = self.schema["trace_info"]
        extra = ", ".join(c if c in cols else "NULL" for c in ("trace_name", "session_id"))
        exp = self.schema["experiments"]
        name = "e.name" if {"experiment_id", "name"} <= exp else "NULL"
        join = (
            " LEFT JOIN experiments e ON e.experiment_id = t.experiment_id"
            if name != "NULL"
            else ""
        )
        row = self.conn.execute(
            f"SELECT t.experiment_id, t.status, {extra}, {name} FROM trace_info t{join} "
            "WHERE t.request_id = ?",
            (request_id,),
        ).fetchone()
        tags = dict(
            self.conn.execute(
                "SELECT key, value FROM trace_tags WHERE request_id = ?", (request_id,)
            ).fetchall()
        )
        metadata: dict[str, Any] = {}
        if self.has_metadata:
            metadata = dict(
                self.conn.execute(
                    "SELECT key, value FROM trace_request_metadata WHERE request_id = ?",
                    (request_id,),
                ).fetchall()
            )
        context = TraceContext(request_id=request_id, tags=tags, metadata=metadata)
        if row is not None:
            context.experiment_id = None if row[0] is None else str(row[0])
            context.status = str(row[1] or "")
            context.name = row[2] or tags.get("mlflow.traceName")
            context.session = row[3] or metadata.get("mlflow.trace.session")
            context.experiment_name = row[4]
        self.contexts[request_id] = context
        return context

    # spans in the table ------------------------------------------------------------------

    def max_span_row(self) -> int:
        return int(self.conn.execute("SELECT coalesce(max(rowid), 0) FROM spans").fetchone()[0])

    def max_trace_row(self) -> int:
        return int(
            self.conn.execute("SELECT coalesce(max(rowid), 0) FROM trace_info").fetchone()[0]
        )

    def _span_select(self) -> str:
        cols = self.schema["spans"]
        extra = ", ".join(f"s.{c}" if c in cols else "NULL" for c in ("type", "status"))
        return f"SELECT s.rowid, s.trace_id, s.span_id, s.content, {extra} FROM spans s"

    def span_rows(self, after: int, limit: int) -> list[tuple[Any, ...]]:
        sql = f"{self._span_select()} WHERE s.rowid > ? ORDER BY s.rowid LIMIT ?"
        return self.conn.execute(sql, (after, limit)).fetchall()

    def decode_rows(self, rows: list[tuple[Any, ...]], out: Batch) -> None:
        spans: list[Span] = []
        problems: list[Problem] = []
        for row_id, request_id, _sid, content, kind, status in rows:
            location = f"spans row {row_id}"
            try:
                span = decode_span_dict(orjson.loads(content), self.source, location)
            except (BadRecord, ValueError, TypeError, AttributeError) as exc:
                problems.append(Problem(self.source, location, f"skipped: {exc}"))
                continue
            if kind and "mlflow.spanType" not in span.attributes:
                span.kind = SpanKind.parse(kind)
            if status and span.status is Status.UNSET:
                span.status = Status.parse(status)
            self.context(str(request_id)).apply(span)
            span.resource.setdefault("mlflow.trace.request_id", str(request_id))
            spans.append(span)
        by_trace: dict[str, list[Span]] = defaultdict(list)
        for span in spans:
            by_trace[span.resource["mlflow.trace.request_id"]].append(span)
        for request_id, group in by_trace.items():
            self.attach_assessments(request_id, group)
        out.spans.extend(spans)
        out.problems.extend(problems)

    # spans in artifact files -------------------------------------------------------------

    def artifact_traces(self, after: int, top: int, waiting: set[str]) -> list[tuple[int, str]]:
        """Traces (new, or still waiting for their artifact) whose spans are not in the table."""
        in_table = (
            " AND NOT EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = t.request_id)"
            if self.has_spans
            else ""
        )
        sql = (
            "SELECT t.rowid, t.request_id FROM trace_info t WHERE ((t.rowid > ? AND t.rowid <= ?) "
            "OR t.request_id IN "
            "(SELECT value FROM json_each(?))) AND coalesce((SELECT value FROM trace_tags g WHERE "
            f"g.request_id = t.request_id AND g.key = ?), '') != ?{in_table} ORDER BY t.rowid"
        )
        params = (
            after,
            top,
            orjson.dumps(sorted(waiting)).decode(),
            SPANS_LOCATION,
            IN_TRACKING_STORE,
        )
        return [(int(r[0]), str(r[1])) for r in self.conn.execute(sql, params)]

    def artifact_file(self, context: TraceContext) -> Path | str:
        """The ``traces.json`` holding a trace's spans, or a description if it is not local."""
        location = context.tags.get(ARTIFACT_LOCATION)
        fallback = (
            self.path.parent
            / "mlruns"
            / str(context.experiment_id)
            / "traces"
            / context.request_id
            / "artifacts"
            / "traces.json"
        )
        if not location:
            return fallback
        parsed = urlparse(str(location))
        if parsed.scheme == "file":
            directory = Path(unquote(parsed.path))
        elif parsed.scheme and len(parsed.scheme) > 1:  # s3:, mlflow-artifacts:, dbfs: ...
            return f"{location}/traces.json (not a local file)"
        else:
            directory = Path(str(location))
            if not directory.is_absolute():
                directory = self.path.parent / directory
        file = directory / "traces.json"
        return file if file.exists() or not fallback.exists() else fallback

    def artifact_spans(self, context: TraceContext, out: Batch) -> str:
        """Read a trace's artifact file into ``out``; ``"waiting"`` if it may still come."""
        where = self.artifact_file(context)
        status = context.status.upper()
        if isinstance(where, str) or not where.exists():
            if status in ("IN_PROGRESS", "STATE_UNSPECIFIED") and not isinstance(where, str):
                return "waiting"
            kind = context.tags.get(SPANS_LOCATION) or "ARTIFACT_REPO"
            out.problems.append(
                Problem(
                    self.source,
                    f"trace {context.request_id}",
                    f"the spans are in an artifact file that cannot be read ({kind}): {where}",
                )
            )
            return "missing"
        try:
            record = orjson.loads(where.read_bytes())
        except (OSError, orjson.JSONDecodeError) as exc:
            out.problems.append(Problem(str(where), "file", f"unreadable MLflow trace file: {exc}"))
            return "missing"
        if not isinstance(record, dict):
            out.problems.append(Problem(str(where), "file", "not an MLflow trace file"))
            return "missing"
        for item in decode_json(record, str(where), "traces.json"):
            if isinstance(item, Span):
                context.apply(item)
                out.spans.append(item)
            else:
                out.problems.append(item)
        return "read"

    # assessments -------------------------------------------------------------------------

    def assessment_marks(self) -> tuple[int, int]:
        if not self.has_assessments:
            return 0, 0
        updated = (
            "max(last_updated_timestamp)"
            if "last_updated_timestamp" in self.schema["assessments"]
            else "0"
        )
        row = self.conn.execute(
            f"SELECT coalesce(max(rowid), 0), coalesce({updated}, 0) FROM assessments"
        ).fetchone()
        return int(row[0]), int(row[1])

    def _assessment_sql(self) -> str:
        cols = self.schema["assessments"]

        def col(name: str) -> str:
            return name if name in cols else "NULL"

        names = (
            "assessment_type",
            "rationale",
            "error",
            "source_type",
            "source_id",
            "last_updated_timestamp",
            "assessment_metadata",
            "valid",
        )
        return (
            f"SELECT trace_id, span_id, name, value, {', '.join(col(n) for n in names)} "
            "FROM assessments"
        )

    def attach_assessments(self, request_id: str, spans: list[Span]) -> None:
        """Append each assessment of the trace to the span it judges (trace-level: the root)."""
        if not self.has_assessments or not spans:
            return
        by_id = {span.span_id: span for span in spans}
        root = self._root_span_id(request_id)
        for row in self.conn.execute(
            f"{self._assessment_sql()} WHERE trace_id = ? ORDER BY rowid", (request_id,)
        ):
            if row[11] is not None and not row[11]:
                continue  # overridden by a later assessment
            target = span_id(row[1]) if row[1] else root
            span = by_id.get(target) if target else None
            if span is not None:
                span.events.append(_assessment_event(row))

    def _root_span_id(self, request_id: str) -> str | None:
        if self.has_spans:
            row = self.conn.execute(
                "SELECT span_id FROM spans WHERE trace_id = ? ORDER BY parent_span_id IS NOT NULL,"
                " start_time_unix_nano LIMIT 1"
                if "parent_span_id" in self.schema["spans"]
                else "SELECT span_id FROM spans WHERE trace_id = ? LIMIT 1",
                (request_id,),
            ).fetchone()
            if row is not None:
                return span_id(row[0])
        return None if not self.contexts.get(request_id) else self._artifact_root(request_id)

    def _artifact_root(self, request_id: str) -> str | None:
        where = self.artifact_file(self.contexts[request_id])
        if isinstance(where, str) or not where.exists():
            return None
        out = Batch()
        self.artifact_spans(self.contexts[request_id], out)
        roots = [s for s in out.spans if s.parent_id is None] or out.spans
        return min(roots, key=lambda s: s.start_ns or 0).span_id if roots else None

    def reassessed(
        self, after: int, since: int, marks: tuple[int, int], read: set[str]
    ) -> dict[str, set[str | None]]:
        """Traces already read whose assessments changed: trace -> span ids (None = root)."""
        if not self.has_assessments:
            return {}
        top, until = marks
        changed = "(rowid > ? AND rowid <= ?)"
        params: list[Any] = [after, top]
        if "last_updated_timestamp" in self.schema["assessments"] and since:
            changed = f"({changed} OR (last_updated_timestamp > ? AND last_updated_timestamp <= ?))"
            params += [since, until]
        found: dict[str, set[str | None]] = defaultdict(set)
        for trace, sid in self.conn.execute(
            f"SELECT trace_id, span_id FROM assessments WHERE {changed}", params
        ):
            if str(trace) in read:
                found[str(trace)].add(span_id(sid) if sid else None)
        return found

    def respans(self, traces: dict[str, set[str | None]], out: Batch) -> None:
        """Read again the spans named in ``traces`` (with all their current assessments)."""
        for request_id, wanted in traces.items():
            context = self.context(request_id)
            group = Batch()
            if (
                self.has_spans
                and self.conn.execute(
                    "SELECT 1 FROM spans WHERE trace_id = ? LIMIT 1", (request_id,)
                ).fetchone()
            ):
                rows = self.conn.execute(
                    f"{self._span_select()} WHERE s.trace_id = ? ORDER BY s.rowid", (request_id,)
                ).fetchall()
                self.decode_rows(rows, group)
            else:
                self.artifact_spans(context, group)
                self.attach_assessments(request_id, group.spans)
            root = self._root_span_id(request_id)
            keep = {root if sid is None else sid for sid in wanted}
            out.spans.extend(s for s in group.spans if s.span_id in keep)


def _assessment_event(row: tuple[Any, ...]) -> Event:
    (
        _trace,
        _span,
        name,
        value,
        kind,
        rationale,
        error,
        source_type,
        source_id,
        updated,
        metadata,
        _valid,
    ) = row
    decoded = decode_value(value)
    if isinstance(decoded, dict) and "value" in decoded:  # {"feedback": ...} wrappers
        decoded = decoded["value"]
    score: float | None = None
    label: str | None = None
    if isinstance(decoded, bool):
        score, label = float(decoded), "true" if decoded else "false"
    elif isinstance(decoded, int | float):
        score = float(decoded)
    elif decoded is not None:
        label = decoded if isinstance(decoded, str) else orjson.dumps(decoded).decode()
    extra = decode_value(metadata) if metadata else None
    return feedback_event(
        Feedback(
            name=str(name),
            label=label,
            score=score,
            explanation=rationale or (f"error: {error}" if error else None),
            annotator=source_id,
            annotator_kind=source_type,
            level="span" if _span else "trace",
            source=f"mlflow {kind or 'assessment'}",
            time_ns=int(updated) * 1_000_000 if isinstance(updated, int) else None,
            metadata=extra if isinstance(extra, dict) and extra else None,
        )
    )
