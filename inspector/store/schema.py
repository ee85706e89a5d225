"""The store's schema: the workspace index, and Trace Inspector's native trace file format.

One SQLite database (WAL mode: one writer, many readers). A file written by our exporter or by an
import is opened as is, because it already is an index. Tables:

``meta``      key/value: ``schema_version``, ``created_by``.
``sources``   each input read into the store: path, format, resumable position (byte offset and
              line, or last row id) so a live follower reads only what was appended, and
              ``snapshot``: the name (in the store's folder) of a copy of the file's bytes that
              spans point into, when a large file was indexed in parallel.
``runs``      one row per trace (an agent run) with its rollups, kept up to date per batch:
              root name, span and error counts, LLM calls, input/output tokens of LLM spans only,
              cost (sum of the priced LLM calls; ``priced_calls`` says how many of ``llm_calls``
              had a price), start/end, whether any span is still open, session, service, models.
``spans``     one row per (run, span id). Columns hold what the UI sorts, filters and charts on;
              ``payload`` holds everything else (attributes, events, links, resource, scope) as
              JSON, decoded only when a span is shown or diffed. A span read on the fast path
              has no payload but ``raw_id``/``raw_index``: its source record, stored once in
              ``raws`` for all the spans it holds, and its ordinal in it -- or, instead of
              ``raw_id``, ``raw_offset``/``raw_length``: where that record is in its source's
              snapshot file (a bulk load copies the file once rather than writing every record
              into SQLite a second time). ``depth`` is not stored: trees are walked from the
              parent links.
``raws``      source records (an OTLP JSON line) kept verbatim, with their format name.
``span_events`` events recorded apart from their span (OTLP log records: GenAI prompts and
              replies), keyed by trace and span id -- not by run, since a logs file may be read
              before the traces file -- and appended to the span's events when it is read.
``problems``  every input record that could not be read: source, location, reason.

Ids are lowercase hex text; times are UTC nanoseconds since the epoch; ``status`` is 0 unset,
1 ok, 2 error; ``kind`` is a :class:`inspector.model.SpanKind` value. Missing token counts and
costs are NULL, never 0.
"""

from __future__ import annotations

SCHEMA_VERSION = 1
APPLICATION_ID = 0x54524349  # "TRCI": marks a SQLite file as a Trace Inspector store

TABLES = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sources (
    id       INTEGER PRIMARY KEY,
    path     TEXT NOT NULL UNIQUE,
    format   TEXT NOT NULL,
    position TEXT NOT NULL DEFAULT '{}',
    snapshot TEXT
);
CREATE TABLE IF NOT EXISTS runs (
    id           INTEGER PRIMARY KEY,
    trace_id     TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL DEFAULT '',
    root_span_id TEXT,
    spans        INTEGER NOT NULL DEFAULT 0,
    errors       INTEGER NOT NULL DEFAULT 0,
    llm_calls    INTEGER NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd     REAL,
    priced_calls INTEGER NOT NULL DEFAULT 0,
    start_ns     INTEGER,
    end_ns       INTEGER,
    running      INTEGER NOT NULL DEFAULT 0,
    session_id   TEXT,
    service      TEXT,
    models       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS runs_start ON runs (start_ns);
CREATE TABLE IF NOT EXISTS spans (
    id             INTEGER PRIMARY KEY,
    run_id         INTEGER NOT NULL REFERENCES runs (id),
    span_id        TEXT NOT NULL,
    parent_id      TEXT,
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    status         INTEGER NOT NULL,
    status_message TEXT NOT NULL DEFAULT '',
    start_ns       INTEGER,
    end_ns         INTEGER,
    model          TEXT,
    provider       TEXT,
    input_tokens   INTEGER,
    output_tokens  INTEGER,
    total_tokens   INTEGER,
    cost_usd       REAL,
    session_id     TEXT,
    source_id      INTEGER REFERENCES sources (id),
    location       TEXT NOT NULL DEFAULT '',
    payload        BLOB,
    raw_id         INTEGER REFERENCES raws (id),
    raw_index      INTEGER,
    raw_offset     INTEGER,
    raw_length     INTEGER,
    UNIQUE (run_id, span_id)
);
CREATE TABLE IF NOT EXISTS raws (
    id     INTEGER PRIMARY KEY,
    format TEXT NOT NULL,
    data   BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS span_events (
    id         INTEGER PRIMARY KEY,
    trace_id   TEXT NOT NULL,
    span_id    TEXT NOT NULL,
    name       TEXT NOT NULL,
    time_ns    INTEGER,
    attributes BLOB NOT NULL,
    source_id  INTEGER REFERENCES sources (id),
    location   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS span_events_span ON span_events (trace_id, span_id);
CREATE TABLE IF NOT EXISTS problems (
    id       INTEGER PRIMARY KEY,
    source   TEXT NOT NULL,
    location TEXT NOT NULL,
    message  TEXT NOT NULL
);
"""

# Built after a bulk load (cheaper than maintaining them row by row); created at once on a store
# that is followed live. Queries work without them, only slower. ``spans_llm`` holds LLM spans
# only (a fraction of all spans: less to keep up during a load) for the queries that take
# ``kind = 'LLM'`` with the literal in their SQL, as a partial index needs. Stores written
# before it have ``spans_kind (kind, model)`` instead, which serves the same queries.
#
# There is no index on ``parent_id``: a run's children are found through ``(run_id, span_id)``,
# which reads the run's rows (the span tree asks for children only until it has indexed the
# whole run, which reads them anyway). Keeping one up cost a fifth of the writer's time in a
# bulk load. Stores written before have ``spans_parent (run_id, parent_id)``.
DEFERRED_INDEXES = """
CREATE INDEX IF NOT EXISTS spans_llm ON spans (model) WHERE kind = 'LLM';
"""

SPAN_COLUMNS = (
    "run_id",
    "span_id",
    "parent_id",
    "name",
    "kind",
    "status",
    "status_message",
    "start_ns",
    "end_ns",
    "model",
    "provider",
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "cost_usd",
    "session_id",
    "source_id",
    "location",
    "payload",
    "raw_id",
    "raw_index",
    "raw_offset",
    "raw_length",
)

# What makes a SQLite file one of our stores; newer tables are added to older stores on open.
REQUIRED_TABLES = frozenset({"meta", "runs", "spans", "problems", "sources"})
