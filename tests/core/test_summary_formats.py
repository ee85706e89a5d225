"""`summary --json` gives the right counts for every OTLP shape the real SDK can produce."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from inspector.cli import main
from inspector.formats.ids import span_id, trace_id
from tests import sdk

SUMMARY_KEYS = {
    "format",
    "traces",
    "spans",
    "errors",
    "llm_calls",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "models",
    "problems",
    "runs",
}
RUN_KEYS = {
    "trace_id",
    "name",
    "spans",
    "errors",
    "start",
    "duration_ms",
    "input_tokens",
    "output_tokens",
}


@pytest.fixture(scope="module")
def spans() -> list:  # type: ignore[type-arg]
    return sdk.make_spans()


def summary(path: Path, capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    assert main(["summary", str(path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def check_counts(data: dict, spans: list, fmt: str) -> None:  # type: ignore[type-arg]
    assert set(data) == SUMMARY_KEYS
    assert data["format"] == fmt
    for key, value in sdk.EXPECTED.items():
        assert data[key] == value, key
    assert data["problems"] == []
    expected_traces = {f"{s.context.trace_id:032x}" for s in spans}
    assert {r["trace_id"] for r in data["runs"]} == expected_traces
    for run in data["runs"]:
        assert set(run) == RUN_KEYS
        assert run["name"] == "agent"
        assert run["start"].endswith("Z")
        assert run["duration_ms"] is not None and run["duration_ms"] >= 0
    assert sorted(r["spans"] for r in data["runs"]) == [2, 5]
    assert sorted(r["errors"] for r in data["runs"]) == [0, 2]
    # gpt-4o-mini is in the bundled price table: 370 in, 70 out at 0.15 / 0.60 USD per 1M
    assert data["cost_usd"] == pytest.approx((370 * 0.15 + 70 * 0.60) / 1e6)


WRITERS: dict[str, tuple[Callable[..., Path], str]] = {
    "otlp-lines-hex": (sdk.write_otlp_lines, "otlp-jsonl"),
    "otlp-document-hex": (sdk.write_otlp_document, "otlp-json"),
    "protobuf-json-base64": (sdk.write_protobuf_json, "otlp-json"),
    "console-pretty": (sdk.write_console, "otel-console"),
}


@pytest.mark.parametrize("shape", sorted(WRITERS))
def test_summary_counts(shape: str, spans: list, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def, type-arg]
    writer, fmt = WRITERS[shape]
    path = writer(spans, tmp_path / f"{shape}.json")
    check_counts(summary(path, capsys), spans, fmt)


def test_console_one_per_line(spans: list, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def, type-arg]
    path = sdk.write_console(spans, tmp_path / "console.jsonl", one_line=True)
    check_counts(summary(path, capsys), spans, "otel-console")


def test_base64_ids_become_the_same_hex(spans: list, tmp_path: Path) -> None:  # type: ignore[type-arg]
    from inspector.workspace import Workspace

    ids = {}
    for name, writer in (("hex", sdk.write_otlp_lines), ("b64", sdk.write_protobuf_json)):
        ws = Workspace(writer(spans, tmp_path / f"{name}.json"))
        ws.load()
        reader = ws.reader()
        ids[name] = {
            (r.trace_id, row.span_id, row.parent_id)
            for r in reader.runs()
            for row in reader.span_rows(r.trace_id)
        }
        reader.close()
        ws.close()
    assert ids["hex"] == ids["b64"]
    assert {s for _, s, _ in ids["hex"]} == {f"{s.context.span_id:016x}" for s in spans}


def test_snake_case_legacy_and_numeric_fields(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Collector-lenient input: snake_case keys, legacy library spans, numbers, enum names."""
    doc = {
        "resource_spans": [
            {
                "resource": {"attributes": []},
                "instrumentationLibrarySpans": [
                    {
                        "instrumentationLibrary": {"name": "old"},
                        "spans": [
                            {
                                "trace_id": "AAAAAAAAAAAAAAAAAAAAAQ==",
                                "span_id": "AAAAAAAAAAE=",
                                "name": "old-root",
                                "kind": "SPAN_KIND_SERVER",
                                "start_time_unix_nano": 1700000000000000000,
                                "end_time_unix_nano": 1700000001000000000,
                                "status": {"code": "STATUS_CODE_ERROR"},
                                "attributes": [
                                    {
                                        "key": "openinference.span.kind",
                                        "value": {"string_value": "LLM"},
                                    },
                                    {"key": "llm.token_count.prompt", "value": {"intValue": 7}},
                                ],
                            }
                        ],
                    }
                ],
            }
        ]
    }
    path = tmp_path / "legacy.json"
    path.write_text(json.dumps(doc))
    data = summary(path, capsys)
    assert (data["spans"], data["errors"], data["llm_calls"], data["input_tokens"]) == (1, 1, 1, 7)
    assert data["runs"][0]["trace_id"] == "00000000000000000000000000000001"
    assert data["runs"][0]["duration_ms"] == 1000.0


def test_ids() -> None:
    assert trace_id("W47/95gDgQPSabYzgT/GDA==") == "5b8efff798038103d269b633813fc60c"
    assert span_id("7uGbfsPBsXQ=") == "eee19b7ec3c1b174"
    assert trace_id("0x56859B9A41B63D96B5C37D1680BD7005") == "56859b9a41b63d96b5c37d1680bd7005"
    assert span_id("") is None
    assert span_id("0000000000000000") is None
    assert span_id("AAAAAAAAAAA=") is None  # base64 of eight zero bytes
    assert trace_id("tr-7f3a") == "tr-7f3a"  # native ids are kept verbatim


def test_nothing_readable_exits_2(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "notes.json"
    path.write_text('{"hello": "world"}\n')
    assert main(["summary", str(path), "--json"]) == 2
    err = capsys.readouterr().err
    assert "no spans could be read" in err and "line 1" in err
    assert main(["summary", str(tmp_path / "missing.jsonl")]) == 2
    assert "no such file" in capsys.readouterr().err
    binary = tmp_path / "image.json"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n")
    assert main(["summary", str(binary)]) == 2
    assert "not a trace file" in capsys.readouterr().err


def test_directory_merges_files(spans: list, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def, type-arg]
    folder = tmp_path / "traces"
    (folder / "sub").mkdir(parents=True)
    sdk.write_otlp_lines(spans[:3], folder / "a.jsonl")
    sdk.write_otlp_lines(spans[3:], folder / "sub" / "b.jsonl")
    sdk.write_otlp_lines(spans[:2], folder / "dup.jsonl")  # re-delivered spans: merged
    data = summary(folder, capsys)
    assert data["format"] == "directory"
    for key, value in sdk.EXPECTED.items():
        assert data[key] == value, key


def test_store_file_is_native_format(spans: list, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def, type-arg]
    """A store we wrote opens directly, read-only, with the same answers."""
    from inspector.store.connection import create
    from inspector.store.writer import StoreWriter
    from inspector.workspace import Workspace

    ws = Workspace(sdk.write_otlp_lines(spans, tmp_path / "t.jsonl"))
    ws.load()
    reader = ws.reader()
    all_spans = [
        reader.span(r.trace_id, s.span_id)
        for r in reader.runs()
        for s in reader.span_rows(r.trace_id)
    ]
    reader.close()
    ws.close()
    store = tmp_path / "native.db"
    conn = create(store)
    StoreWriter(conn).write([s for s in all_spans if s is not None])
    conn.close()
    before = store.read_bytes()
    data = summary(store, capsys)
    assert data["format"] == "trace-inspector-store"
    for key, value in sdk.EXPECTED.items():
        assert data[key] == value, key
    assert store.read_bytes() == before
