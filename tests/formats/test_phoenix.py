"""Arize Phoenix databases: written by Phoenix itself, and built on its schema for edge cases."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from inspector.cli import main
from inspector.formats.phoenix import PhoenixSource, flat_attributes
from inspector.model import Span, Status
from inspector.opening import open_source
from inspector.semconv import llm_view
from tests.formats.helpers import (
    digest,
    load_spans,
    run_module,
    run_sessions,
    summary,
    write_transaction,
)
from tests.formats.schemas import PHOENIX_DDL, PHOENIX_REVISION

# --- a database written by Phoenix's own code ----------------------------------------------


@pytest.fixture(scope="module")
def real_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    db = tmp_path_factory.mktemp("phoenix") / "phoenix.db"
    ids = json.loads(run_module("tests.formats.make_phoenix_db", str(db)).splitlines()[-1])
    return db, ids


@pytest.mark.slow
def test_real_phoenix_db_summary_while_phoenix_writes(
    real_db: tuple[Path, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    db, ids = real_db
    before = digest(db)
    insert = "INSERT INTO projects (name) VALUES ('written meanwhile')"
    with write_transaction(db, insert):
        data = summary(db, capsys)
    assert digest(db) == before
    assert data["format"] == "phoenix-sqlite"
    assert data["problems"] == []
    assert (data["traces"], data["spans"], data["errors"], data["llm_calls"]) == (2, 5, 1, 3)
    assert (data["input_tokens"], data["output_tokens"]) == (42 + 10 + 5, 7 + 3 + 2)
    assert {r["trace_id"] for r in data["runs"]} == {ids["trace1"], ids["trace2"]}
    assert sorted(data["models"]) == ["gpt-4o", "gpt-4o-mini"]


@pytest.mark.slow
def test_real_phoenix_db_spans_project_session_and_feedback(
    real_db: tuple[Path, dict[str, str]],
) -> None:
    db, ids = real_db
    spans = load_spans(db)
    assert run_sessions(db) == {"agent": "sess-1", "summarise": None}
    assert {s.resource.get("openinference.project.name") for s in spans.values()} == {
        "demo-project"
    }
    llm = spans["llm"]
    assert llm.span_id == ids["llm"] and llm.parent_id == ids["agent"]
    view = llm_view(llm)
    assert [m.role for m in view.input_messages] == ["system", "user"]
    call = view.output_messages[0].parts[0]
    assert (call.type, call.name, call.id) == ("tool_call", "weather", "call_1")
    assert json.loads(call.arguments or "") == {"city": "Paris"}
    assert (view.usage.input, view.usage.output) == (42, 7)
    assert view.sources["input_messages"] == "llm.input_messages"
    assert [(f.name, f.label, f.score, f.annotator_kind, f.level) for f in view.feedback] == [
        ("correctness", "correct", 1.0, "HUMAN", "span")
    ]
    assert view.feedback[0].metadata == {"reviewer": "qa"}
    trace_feedback = llm_view(spans["agent"]).feedback
    assert [(f.name, f.annotator, f.level) for f in trace_feedback] == [
        ("helpfulness", "judge-1", "trace")
    ]
    tool = spans["weather"]
    assert tool.status is Status.ERROR
    assert [e.name for e in tool.events] == ["exception"]
    assert tool.events[0].attributes["exception.type"] == "TimeoutError"
    assert tool.attributes["tool.parameters"] == '{"type":"object"}'
    agent = spans["agent"].attributes
    assert (agent["odd.0"], agent["tag.tags"], json.loads(agent["metadata"])) == (
        "zero",
        ["x", "y"],
        {"team": "a"},
    )
    chat = llm_view(spans["chat gpt-4o"])
    assert [m.text for m in chat.output_messages] == ["hello"]


# --- databases built on Phoenix's schema -----------------------------------------------------


def build(path: Path, *, journal: str = "wal") -> sqlite3.Connection:
    """An empty Phoenix database (real DDL) with one project; returns a writing connection."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    conn.executescript(PHOENIX_DDL)
    conn.execute("INSERT INTO alembic_version VALUES (?)", (PHOENIX_REVISION,))
    conn.execute("INSERT INTO projects (id, name) VALUES (1, 'proj')")
    return conn


def add_trace(conn: sqlite3.Connection, trace_id: str, session: str | None = None) -> int:
    session_row = None
    if session is not None:
        session_row = conn.execute(
            "INSERT INTO project_sessions (session_id, project_id, start_time, end_time) "
            "VALUES (?, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:01') RETURNING id",
            (session,),
        ).fetchone()[0]
    return int(
        conn.execute(
            "INSERT INTO traces (project_rowid, trace_id, start_time, end_time, "
            "project_session_rowid) VALUES (1, ?, '2026-01-01 00:00:00', "
            "'2026-01-01 00:00:01', ?) RETURNING id",
            (trace_id, session_row),
        ).fetchone()[0]
    )


def add_span(
    conn: sqlite3.Connection,
    trace_row: int,
    span_id: str,
    *,
    parent: str | None = None,
    kind: str = "CHAIN",
    attributes: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
    status: str = "UNSET",
    prompt: int | None = None,
    completion: int | None = None,
) -> int:
    return int(
        conn.execute(
            "INSERT INTO spans (trace_rowid, span_id, parent_id, name, span_kind, start_time, "
            "end_time, attributes, events, status_code, status_message, cumulative_error_count, "
            "cumulative_llm_token_count_prompt, cumulative_llm_token_count_completion, "
            "llm_token_count_prompt, llm_token_count_completion) VALUES "
            "(?, ?, ?, ?, ?, '2026-01-01 00:00:00.250000', '2026-01-01 00:00:00.750000', ?, ?, "
            "?, '', 0, 0, 0, ?, ?) RETURNING id",
            (
                trace_row,
                span_id,
                parent,
                f"span {span_id[-2:]}",
                kind,
                json.dumps(attributes or {}),
                json.dumps(events or []),
                status,
                prompt,
                completion,
            ),
        ).fetchone()[0]
    )


def annotate(conn: sqlite3.Connection, span_row: int, name: str, score: float) -> None:
    conn.execute(
        "INSERT INTO span_annotations (span_rowid, name, label, score, explanation, metadata, "
        "annotator_kind, identifier, source) VALUES (?, ?, 'ok', ?, 'why', '{}', 'HUMAN', '', "
        "'APP')",
        (span_row, name, score),
    )


def read_all(source: PhoenixSource) -> tuple[list[Span], list[str]]:
    spans, problems = [], []
    for batch in source.read():
        spans += batch.spans
        problems += [p.message for p in batch.problems]
    return spans, problems


T1 = "a" * 32


def test_nested_attributes_flatten_back_to_otel_keys(tmp_path: Path) -> None:
    db = tmp_path / "phoenix.db"
    conn = build(db)
    trace = add_trace(conn, T1, session="s-1")
    nested = {
        "llm": {
            "input_messages": [{"message": {"role": "user", "content": "hi"}}],
            "token_count": {"total": 9},
        },
        "odd": {"0": "zero"},  # Phoenix keeps a numeric key with a scalar value as a dict key
        "tag": {"tags": ["a", "b"]},
        "metadata": {"k": [1, 2]},  # parsed from a JSON string at ingest: back to a string
        "retrieval": {"documents": [{"document": {"id": "d1", "metadata": {"src": "x"}}}]},
    }
    events = [
        {
            "name": "exception",
            "timestamp": "2026-01-01T00:00:00.500000+00:00",
            "attributes": {"exception.type": "ValueError"},
        }
    ]
    add_span(
        conn,
        trace,
        "1" * 16,
        kind="LLM",
        attributes=nested,
        events=events,
        status="ERROR",
        prompt=4,
        completion=5,
    )
    conn.close()

    [span], problems = read_all(PhoenixSource(db))
    assert problems == []
    assert span.attributes == {
        "llm.input_messages.0.message.role": "user",
        "llm.input_messages.0.message.content": "hi",
        "llm.token_count.total": 9,
        "llm.token_count.prompt": 4,  # from the token columns, absent from the attributes
        "llm.token_count.completion": 5,
        "odd.0": "zero",
        "tag.tags": ["a", "b"],
        "metadata": '{"k":[1,2]}',
        "retrieval.documents.0.document.id": "d1",
        "retrieval.documents.0.document.metadata": '{"src":"x"}',
        "openinference.span.kind": "LLM",
        "session.id": "s-1",
    }
    assert flat_attributes({"a": {"b": [{"c": 1}, {"c": 2}]}}) == {"a.b.0.c": 1, "a.b.1.c": 2}
    start = 1767225600_250000000  # 2026-01-01T00:00:00.25Z
    assert (span.start_ns, span.end_ns) == (start, start + 500_000_000)
    assert span.events[0].time_ns == start + 250_000_000
    assert span.status is Status.ERROR
    assert span.resource == {"openinference.project.name": "proj"}


def test_later_reads_return_new_spans_and_reannotated_ones(tmp_path: Path) -> None:
    db = tmp_path / "phoenix.db"
    conn = build(db)
    trace = add_trace(conn, T1)
    first = add_span(conn, trace, "1" * 16)
    add_span(conn, trace, "2" * 16, parent="1" * 16)
    source = PhoenixSource(db)
    spans, _ = read_all(source)
    assert [s.span_id for s in spans] == ["1" * 16, "2" * 16]
    assert read_all(source) == ([], [])  # nothing new

    add_span(conn, trace, "3" * 16, parent="1" * 16)
    annotate(conn, first, "quality", 0.5)
    spans, problems = read_all(source)
    assert problems == []
    assert sorted(s.span_id for s in spans) == ["1" * 16, "3" * 16]
    again = next(s for s in spans if s.span_id == "1" * 16)
    assert [(f.name, f.score) for f in llm_view(again).feedback] == [("quality", 0.5)]

    conn.execute("UPDATE span_annotations SET score = 0.9, updated_at = '2999-01-01 00:00:00'")
    spans, _ = read_all(source)
    assert [(s.span_id, llm_view(s).feedback[0].score) for s in spans] == [("1" * 16, 0.9)]
    conn.close()


def test_reads_while_another_connection_holds_a_write_transaction(tmp_path: Path) -> None:
    for journal in ("wal", "delete"):
        db = tmp_path / f"phoenix-{journal}.db"
        conn = build(db, journal=journal)
        add_span(conn, add_trace(conn, T1), "1" * 16)
        conn.close()
        before = digest(db)
        statement = (
            f"INSERT INTO traces (project_rowid, trace_id, start_time, end_time) VALUES "
            f"(1, '{'b' * 32}', '2026-01-01', '2026-01-01')"
        )
        with write_transaction(db, statement):
            source = open_source(db)
            assert isinstance(source, PhoenixSource)
            spans, problems = read_all(source)
        assert (len(spans), problems) == (1, [])
        assert digest(db) == before, journal


def test_a_lock_that_does_not_go_away_is_a_problem(tmp_path: Path) -> None:
    db = tmp_path / "phoenix.db"
    conn = build(db, journal="delete")
    add_span(conn, add_trace(conn, T1), "1" * 16)
    source = PhoenixSource(db, patience_s=0.2)
    conn.execute("BEGIN EXCLUSIVE")  # readers are shut out until it ends
    try:
        spans, problems = read_all(source)
    finally:
        conn.execute("ROLLBACK")
        conn.close()
    assert spans == []
    assert len(problems) == 1 and "locked" in problems[0]
    assert len(read_all(source)[0]) == 1  # once the lock is gone, reading resumes


def test_unknown_schema_version_says_what_was_expected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "phoenix.db"
    conn = sqlite3.connect(db)
    conn.executescript(
        "CREATE TABLE alembic_version (version_num TEXT);"
        "INSERT INTO alembic_version VALUES ('future1');"
        "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT);"
        "CREATE TABLE traces (id INTEGER PRIMARY KEY, project_rowid INT, trace_id TEXT);"
        "CREATE TABLE spans (id INTEGER PRIMARY KEY, trace_rowid INT, span_id TEXT, name TEXT,"
        " payload BLOB);"
    )
    conn.close()
    data = summary(db, capsys, code=2)
    [problem] = data["problems"]
    assert "Phoenix database" in problem["message"] and "future1" in problem["message"]
    assert "spans.attributes" in problem["message"]


def test_a_damaged_database_is_reported_not_raised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "phoenix.db"
    db.write_bytes(b"SQLite format 3\x00" + b"\x00\xff" * 2000)
    with pytest.raises(ValueError, match="cannot be read"):
        open_source(db)
    assert main(["summary", str(db), "--json"]) == 2
    err = capsys.readouterr().err
    assert "cannot be read" in err and "damaged" in err


def test_a_database_of_another_program_names_what_was_expected(tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    sqlite3.connect(db).executescript("CREATE TABLE notes (id INTEGER);")
    with pytest.raises(ValueError, match=r"projects/traces/spans.*found tables: notes"):
        open_source(db)


def test_damaged_pages_give_a_problem_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "phoenix.db"
    conn = build(db, journal="delete")
    trace = add_trace(conn, T1)
    for i in range(40):
        add_span(conn, trace, f"{i:016x}", attributes={"input": {"value": "x" * 300}})
    conn.close()
    data = bytearray(db.read_bytes())
    for offset in range(4096, len(data), 331):  # every page after the first: flipped bytes
        data[offset] ^= 0xFF
    db.write_bytes(bytes(data))
    code = main(["summary", str(db), "--json"])
    captured = capsys.readouterr()
    assert code == 2
    problems = json.loads(captured.out)["problems"] if captured.out.strip() else []
    said = captured.err + " ".join(p["message"] for p in problems)
    assert "damaged" in said
