"""MLflow tracking databases: written by MLflow itself, and built on its schema for edge cases."""

from __future__ import annotations

import base64
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from inspector.formats.mlflow import MlflowSource
from inspector.model import Span, SpanKind, Status
from inspector.opening import open_source
from inspector.semconv import llm_view, summarize
from tests.formats.helpers import (
    digest,
    load_spans,
    run_module,
    run_sessions,
    summary,
    write_transaction,
)
from tests.formats.schemas import MLFLOW_DDL

# --- a database written by MLflow ---------------------------------------------------------------


@pytest.fixture(scope="module")
def real_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("mlflow")
    ids = json.loads(run_module("tests.formats.make_mlflow_db", str(folder)).splitlines()[-1])
    return folder / "mlflow.db", ids


@pytest.mark.slow
def test_real_mlflow_db_summary_while_mlflow_writes(
    real_db: tuple[Path, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    db, ids = real_db
    before = digest(db)
    insert = "INSERT INTO experiments (experiment_id, name) VALUES (99, 'written meanwhile')"
    with write_transaction(db, insert):
        data = summary(db, capsys)
    assert digest(db) == before
    assert data["format"] == "mlflow-sqlite"
    assert data["problems"] == []
    assert (data["traces"], data["spans"], data["errors"], data["llm_calls"]) == (2, 4, 1, 2)
    assert (data["input_tokens"], data["output_tokens"]) == (5 + 3, 2 + 4)
    # The runs are keyed by the OpenTelemetry trace id inside MLflow's "tr-<hex>" id.
    assert {r["trace_id"] for r in data["runs"]} == {
        ids["first"].removeprefix("tr-"),
        ids["second"].removeprefix("tr-"),
    }


@pytest.mark.slow
def test_real_mlflow_db_messages_session_and_assessments(
    real_db: tuple[Path, dict[str, str]],
) -> None:
    db, ids = real_db
    spans = load_spans(db)
    assert run_sessions(db) == {"agent": None, "summarise": "sess-7"}
    chat = spans["chat"]
    assert chat.span_id == ids["chat_span"]
    assert summarize(chat).kind is SpanKind.LLM
    view = llm_view(chat)
    assert view.model == "gpt-4o-mini"
    assert [(m.role, m.text) for m in view.input_messages] == [
        ("system", "Be terse."),
        ("user", "Weather in Paris?"),
    ]
    assert [(m.role, m.text, m.finish_reason) for m in view.output_messages] == [
        ("assistant", "Rainy.", "stop")
    ]
    assert (view.usage.input, view.usage.output, view.usage.total) == (5, 2, 7)
    assert view.sources["input_messages"] == "mlflow.spanInputs"
    assert view.sources["usage"] == "mlflow.chat.tokenUsage"
    assert [(f.name, f.score, f.annotator, f.annotator_kind) for f in view.feedback] == [
        ("relevance", 0.7, "judge-model", "LLM_JUDGE")
    ]
    agent = spans["agent"]
    assert agent.resource["mlflow.trace.request_id"] == ids["first"]
    assert agent.resource["mlflow.experiment_name"] == "demo"
    assert agent.resource["mlflow.trace.status"] == "OK"
    assert [(f.name, f.label, f.score, f.level, f.source) for f in llm_view(agent).feedback] == [
        ("correctness", "true", 1.0, "trace", "mlflow feedback"),
        ("expected_answer", "Rainy.", None, "trace", "mlflow expectation"),
    ]
    weather = spans["weather"]
    assert weather.status is Status.ERROR
    assert weather.events[0].attributes["exception.type"] == "TimeoutError"


# --- databases built on MLflow's schema ------------------------------------------------------


def b64(hex_id: str) -> str:
    return base64.b64encode(bytes.fromhex(hex_id)).decode()


def span_content(trace: str, span: str, parent: str | None, name: str, **attrs: Any) -> str:
    """A span as MLflow's ``Span.to_dict()`` writes it: base64 ids, values JSON-encoded twice."""
    return json.dumps(
        {
            "trace_id": b64(trace),
            "span_id": b64(span),
            "parent_span_id": b64(parent) if parent else None,
            "name": name,
            "start_time_unix_nano": 1_700_000_000_000_000_000,
            "end_time_unix_nano": 1_700_000_001_000_000_000,
            "events": [],
            "status": {"code": "STATUS_CODE_OK", "message": ""},
            "attributes": {k: json.dumps(v) for k, v in attrs.items()},
            "links": [],
        }
    )


def build(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(MLFLOW_DDL)
    conn.execute(
        "INSERT INTO experiments (experiment_id, name, artifact_location) "
        "VALUES (1, 'exp', 'mlruns/1')"
    )
    return conn


def add_trace(
    conn: sqlite3.Connection, hex_id: str, *, status: str = "OK", tags: dict[str, str] | None = None
) -> str:
    request_id = f"tr-{hex_id}"
    conn.execute(
        "INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, "
        "status) VALUES (?, 1, 1700000000000, 1000, ?)",
        (request_id, status),
    )
    conn.executemany(
        "INSERT INTO trace_tags (key, value, request_id) VALUES (?, ?, ?)",
        [(k, v, request_id) for k, v in (tags or {}).items()],
    )
    return request_id


def add_span(
    conn: sqlite3.Connection, hex_trace: str, span: str, parent: str | None, name: str, **attrs: Any
) -> None:
    conn.execute(
        "INSERT INTO spans (trace_id, experiment_id, span_id, parent_span_id, name, type, "
        "status, start_time_unix_nano, end_time_unix_nano, content) VALUES "
        "(?, 1, ?, ?, ?, ?, 'OK', 1700000000000000000, 1700000001000000000, ?)",
        (
            f"tr-{hex_trace}",
            span,
            parent,
            name,
            attrs.get("mlflow.spanType"),
            span_content(hex_trace, span, parent, name, **attrs),
        ),
    )


def read_all(source: MlflowSource) -> tuple[list[Span], list[str]]:
    spans, problems = [], []
    for batch in source.read():
        spans += batch.spans
        problems += [p.message for p in batch.problems]
    return spans, problems


T1, T2, T3 = "1" * 32, "2" * 32, "3" * 32
S1, S2 = "a" * 16, "b" * 16


def test_span_table_and_artifact_files(tmp_path: Path) -> None:
    db = tmp_path / "mlflow.db"
    conn = build(db)
    add_trace(conn, T1, tags={"mlflow.trace.spansLocation": "TRACKING_STORE"})
    add_span(conn, T1, S1, None, "root", **{"mlflow.spanType": "AGENT"})
    add_span(
        conn,
        T1,
        S2,
        S1,
        "llm",
        **{
            "mlflow.spanType": "CHAT_MODEL",
            "mlflow.chat.tokenUsage": {"input_tokens": 3, "output_tokens": 1, "total_tokens": 4},
            "mlflow.spanInputs": {"messages": [{"role": "user", "content": "hi"}]},
        },
    )
    # An older trace whose spans are in an artifact file, written the 2.x way.
    folder = tmp_path / "mlruns" / "1" / "traces" / f"tr-{T2}" / "artifacts"
    folder.mkdir(parents=True)
    (folder / "traces.json").write_text(
        json.dumps(
            {
                "spans": [
                    {
                        "name": "old",
                        "context": {"trace_id": f"0x{T2}", "span_id": f"0x{S1}"},
                        "parent_id": None,
                        "start_time": 1_700_000_000_000_000_000,
                        "end_time": 1_700_000_002_000_000_000,
                        "status_code": "ERROR",
                        "status_message": "boom",
                        "attributes": {"mlflow.spanType": '"LLM"'},
                        "events": [
                            {
                                "name": "exception",
                                "timestamp": 1_700_000_001_000_000_000,
                                "attributes": {"exception.message": '"boom"'},
                            }
                        ],
                    }
                ]
            }
        )
    )
    add_trace(conn, T2, status="ERROR", tags={"mlflow.artifactLocation": str(folder)})
    # A trace whose artifact file is gone.
    gone = tmp_path / "elsewhere" / "artifacts"
    add_trace(conn, T3, tags={"mlflow.artifactLocation": f"file://{gone}"})
    conn.close()

    before = digest(tmp_path)
    source = open_source(db)
    assert isinstance(source, MlflowSource)
    spans, problems = read_all(source)
    assert digest(tmp_path) == before
    assert [(s.trace_id, s.name) for s in spans] == [(T1, "root"), (T1, "llm"), (T2, "old")]
    assert len(problems) == 1 and str(gone / "traces.json") in problems[0]
    llm = spans[1]
    assert (llm.parent_id, llm.attributes["mlflow.spanType"]) == (S1, "CHAT_MODEL")
    assert summarize(llm).input_tokens == 3
    assert [m.text for m in llm_view(llm).input_messages] == ["hi"]
    old = spans[2]
    assert (old.status, old.status_message, old.end_ns) == (
        Status.ERROR,
        "boom",
        1_700_000_002_000_000_000,
    )
    assert old.events[0].attributes == {"exception.message": "boom"}
    assert summarize(old).kind is SpanKind.LLM
    assert read_all(source) == ([], [])  # a second read finds nothing new


def test_new_assessment_on_a_read_trace_rereads_its_span(tmp_path: Path) -> None:
    db = tmp_path / "mlflow.db"
    conn = build(db)
    add_trace(conn, T1)
    add_span(conn, T1, S1, None, "root")
    add_span(conn, T1, S2, S1, "child")
    source = MlflowSource(db)
    assert len(read_all(source)[0]) == 2
    conn.execute(
        "INSERT INTO assessments (assessment_id, trace_id, name, assessment_type, value, "
        "created_timestamp, last_updated_timestamp, source_type, source_id, span_id, rationale,"
        " valid) VALUES ('a-1', ?, 'tone', 'feedback', '\"polite\"', 1, 1700000000000, 'HUMAN',"
        " 'eve', ?, 'kind words', 1)",
        (f"tr-{T1}", S2),
    )
    spans, problems = read_all(source)
    assert problems == []
    assert [s.name for s in spans] == ["child"]
    [feedback] = llm_view(spans[0]).feedback
    assert (feedback.name, feedback.label, feedback.explanation, feedback.annotator) == (
        "tone",
        "polite",
        "kind words",
        "eve",
    )
    assert feedback.time_ns == 1_700_000_000_000_000_000
    conn.close()


def test_reads_under_a_write_transaction_and_reports_an_unreadable_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "mlflow.db"
    conn = build(db)
    add_trace(conn, T1, tags={"mlflow.trace.spansLocation": "TRACKING_STORE"})
    add_span(conn, T1, S1, None, "root")
    conn.close()
    before = digest(db)
    with write_transaction(db, "INSERT INTO experiments (experiment_id, name) VALUES (2, 'x')"):
        data = summary(db, capsys)
    assert (data["spans"], data["problems"]) == (1, [])
    assert digest(db) == before

    old = tmp_path / "old.db"
    sqlite3.connect(old).executescript(
        "CREATE TABLE trace_info (request_id TEXT, timestamp_ms INT);"
        "CREATE TABLE trace_tags (key TEXT, value TEXT, request_id TEXT);"
    )
    data = summary(old, capsys, code=2)
    [problem] = data["problems"]
    assert "MLflow database" in problem["message"]
    assert "trace_info.experiment_id" in problem["message"]


def test_trace_json_export_file_reads_as_spans(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "trace.json"
    export.write_text(
        json.dumps(
            {
                "info": {
                    "trace_id": f"tr-{T1}",
                    "state": "OK",
                    "trace_metadata": {"mlflow.trace.session": "chat-9"},
                },
                "data": {
                    "spans": [
                        json.loads(
                            span_content(
                                T1,
                                S1,
                                None,
                                "root",
                                **{
                                    "mlflow.spanType": "LLM",
                                    "mlflow.chat.tokenUsage": {
                                        "input_tokens": 2,
                                        "output_tokens": 3,
                                    },
                                },
                            )
                        )
                    ]
                },
            }
        )
    )
    data = summary(export, capsys)
    assert (data["format"], data["llm_calls"], data["input_tokens"], data["output_tokens"]) == (
        "mlflow-json",
        1,
        2,
        3,
    )
    assert run_sessions(export) == {"root": "chat-9"}
