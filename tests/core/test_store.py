"""The store: duplicates merged, rollups exact, updates in place, pricing, read-only opens."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.model import Span, SpanKind, Status
from inspector.model.pricing import Price, Pricing
from inspector.store.connection import create
from inspector.store.queries import StoreReader
from inspector.store.writer import StoreWriter

T = "1" * 32


def span(sid: str, parent: str | None, start: int, end: int | None, **attrs: object) -> Span:
    return Span(T, sid, parent, f"span-{sid}", start, end, attributes=dict(attrs))


def llm(
    sid: str,
    parent: str,
    start: int,
    end: int | None,
    model: str = "gpt-4o-mini",
    prompt: int = 100,
    completion: int = 10,
) -> Span:
    return span(
        sid,
        parent,
        start,
        end,
        **{
            "openinference.span.kind": "LLM",
            "llm.model_name": model,
            "llm.token_count.prompt": prompt,
            "llm.token_count.completion": completion,
        },
    )


@pytest.fixture
def store(tmp_path: Path) -> tuple[StoreWriter, StoreReader]:
    conn = create(tmp_path / "s.db", live=True)
    pricing = Pricing({"gpt-4o-mini": Price(1.0, 2.0)})
    return StoreWriter(conn, pricing), StoreReader(conn)


def test_rollups_count_llm_tokens_once(store: tuple[StoreWriter, StoreReader]) -> None:
    writer, reader = store
    root = span(
        "a" * 16,
        None,
        0,
        100,
        **{"openinference.span.kind": "AGENT", "llm.token_count.prompt": 999},
    )
    writer.write([root, llm("b" * 16, "a" * 16, 10, 50), llm("c" * 16, "a" * 16, 60, 90)])
    run = reader.run(T)
    assert run is not None
    assert (run.spans, run.llm_calls, run.input_tokens, run.output_tokens) == (3, 2, 200, 20)
    assert run.cost_usd == pytest.approx(2 * (100 * 1.0 + 10 * 2.0) / 1e6)
    assert run.name == "span-" + "a" * 16 and run.duration_ns == 100


def test_started_then_ended_updates_in_place(store: tuple[StoreWriter, StoreReader]) -> None:
    writer, reader = store
    writer.write([span("a" * 16, None, 0, None)])
    run = reader.run(T)
    assert run is not None and run.running and run.spans == 1
    change = writer.write([span("a" * 16, None, 0, 500), llm("b" * 16, "a" * 16, 1, 2)])
    assert change.changed == [T] and change.added == []
    run = reader.run(T)
    assert run is not None
    assert (run.spans, run.running, run.end_ns, run.llm_calls) == (2, False, 500, 1)
    # an older "started" record arriving late never overwrites the ended one
    writer.write([span("a" * 16, None, 0, None)])
    run = reader.run(T)
    assert run is not None and not run.running and run.spans == 2


def test_unknown_model_cost_is_unknown_not_zero(store: tuple[StoreWriter, StoreReader]) -> None:
    writer, reader = store
    writer.write([span("a" * 16, None, 0, 9), llm("b" * 16, "a" * 16, 1, 2, model="mystery-9")])
    run = reader.run(T)
    assert run is not None and run.cost_usd is None and run.priced_calls == 0
    rows = reader.span_rows(T)
    assert [r.cost_usd for r in rows] == [None, None]
    assert reader.totals().cost_usd is None


def test_missing_tokens_stay_missing(store: tuple[StoreWriter, StoreReader]) -> None:
    writer, reader = store
    writer.write([span("a" * 16, None, 0, 9, **{"openinference.span.kind": "LLM"})])
    (row,) = reader.span_rows(T)
    assert row.kind is SpanKind.LLM
    assert (row.input_tokens, row.output_tokens, row.total_tokens) == (None, None, None)


def test_children_include_orphans_and_payload_round_trips(
    store: tuple[StoreWriter, StoreReader],
) -> None:
    writer, reader = store
    orphan = span("d" * 16, "f" * 16, 5, 6, note="<b>x</b>")
    orphan.status = Status.ERROR
    writer.write([span("a" * 16, None, 0, 9), span("b" * 16, "a" * 16, 1, 2), orphan])
    top = reader.children(T, None)
    assert [r.span_id for r in top] == ["a" * 16, "d" * 16]
    assert [r.span_id for r in reader.children(T, "a" * 16)] == ["b" * 16]
    full = reader.span(T, "d" * 16)
    assert full is not None and full.attributes == {"note": "<b>x</b>"} and full.is_error


def test_pricing_prefix_and_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = Pricing.load()
    assert table.taken
    dated = table.cost("gpt-4o-mini-2024-07-18", 1_000_000, 0)
    assert dated == table.cost("gpt-4o-mini", 1_000_000, 0) == pytest.approx(0.15)
    assert table.cost("no-such-model", 10, 10) is None
    assert table.cost("gpt-4o-mini", None, None) is None
    user = tmp_path / "pricing.json"
    user.write_text('{"taken": "2026-11-28", "models": {"mystery-9": {"input": 1, "output": 1}}}')
    monkeypatch.setenv("TRACE_INSPECTOR_PRICING", str(user))
    mine = Pricing.load()
    assert mine.cost("mystery-9", 1_000_000, 0) == pytest.approx(1.0)
    assert mine.cost("gpt-4o-mini", 1_000_000, 0) == pytest.approx(0.15)


def test_readonly_open_never_writes(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    conn = create(path)
    StoreWriter(conn).write([span("a" * 16, None, 0, 9)])
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = path.read_bytes()
    reader = StoreReader.open(path)
    assert reader.run(T) is not None
    with pytest.raises(Exception, match=r"readonly|read-only"):
        reader.conn.execute("DELETE FROM spans")
    reader.close()
    assert path.read_bytes() == before


def test_older_store_is_migrated(tmp_path: Path) -> None:
    """A store from before raws/span_events gains them (and their columns) when written again."""
    import sqlite3

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "INSERT INTO meta VALUES ('schema_version', '1');"
        "CREATE TABLE sources (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE,"
        " format TEXT NOT NULL, position TEXT NOT NULL DEFAULT '{}');"
        "CREATE TABLE runs (id INTEGER PRIMARY KEY, trace_id TEXT NOT NULL UNIQUE);"
        "INSERT INTO runs (trace_id) VALUES ('2222');"
        "CREATE TABLE spans (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL,"
        " span_id TEXT NOT NULL, parent_id TEXT, name TEXT NOT NULL, kind TEXT NOT NULL,"
        " status INTEGER NOT NULL, payload BLOB, UNIQUE (run_id, span_id));"
        "CREATE TABLE problems (id INTEGER PRIMARY KEY, source TEXT NOT NULL,"
        " location TEXT NOT NULL, message TEXT NOT NULL);"
    )
    conn.close()
    writer = StoreWriter(create(path), Pricing({}))
    writer.write([span("a" * 16, None, 0, 9), llm("b" * 16, "a" * 16, 1, 2)])
    reader = StoreReader.open(path)
    run = reader.run(T)
    assert run is not None and run.spans == 2 and run.llm_calls == 1
    assert reader.span(T, "b" * 16) is not None
    old = reader.run("2222")
    assert old is not None and old.spans == 0 and old.models == ""
    reader.close()


def test_search_finds_content_kept_in_raw_records(tmp_path: Path) -> None:
    """Fast-path spans keep their content in the shared raw record: search decodes to confirm."""
    from inspector.workspace import Workspace
    from tests import sdk

    ws = Workspace(sdk.write_otlp_lines(sdk.make_spans(), tmp_path / "t.jsonl", per_line=3))
    ws.load()
    reader = ws.reader()
    tool = [
        r for r in reader.runs() for s in reader.span_rows(r.trace_id) if s.name == "get_weather"
    ]
    assert tool
    hits = reader.search("RAINY")  # only in the tool span's output.value
    names = {reader.span(t, s).name for t, s in hits}  # type: ignore[union-attr]
    assert names == {"get_weather"}
    assert len(reader.search("<b>a</b>")) == 1  # one LLM prompt, not its record neighbours
    assert {reader.span(t, s).name for t, s in reader.search("chatcompletion")} == {  # type: ignore[union-attr]
        "ChatCompletion"
    }
    assert reader.search("no such words anywhere") == []
    reader.close()
    ws.close()
