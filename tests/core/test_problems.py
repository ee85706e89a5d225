"""Bad input gets a clear problem and loses nothing around it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inspector.cli import main
from inspector.formats.jsonfile import JsonFileReader
from tests import sdk


@pytest.fixture(scope="module")
def lines() -> list[str]:
    spans = sdk.make_spans()
    from inspector.otel.jsonl import encode_otlp_json

    return [json.dumps(encode_otlp_json([s])) for s in spans]  # one span per line


def test_broken_lines_and_truncated_tail(lines: list[str], tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    body = [
        lines[0],
        lines[1],
        "{this is not json",  # line 3
        lines[2],
        "",  # blank lines are not problems
        lines[3],
        '{"resourceSpans": [{"scopeSpans": [{"spans": [{"name": "no ids"}]}]}]}',  # line 7
        lines[4],
        lines[5],
        '["just", "a", "list"]',  # line 10
        lines[6][: len(lines[6]) // 2],  # line 11: truncated last line, no newline
    ]
    path = tmp_path / "broken.jsonl"
    path.write_text("\n".join(body))
    assert main(["summary", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["spans"] == 6  # every good span: lines 1, 2, 4, 6, 8, 9
    problems = {p["location"]: p["message"] for p in data["problems"]}
    assert set(problems) == {"line 3", "line 7", "line 10", "line 11"}
    assert "invalid or truncated JSON" in problems["line 3"]
    assert "no traceId or spanId" in problems["line 7"]
    assert "not a trace record" in problems["line 10"]
    assert "truncated" in problems["line 11"]
    assert all(p["source"] == str(path) for p in data["problems"])


def test_one_bad_span_keeps_its_neighbours(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    good = {
        "traceId": "a" * 32,
        "spanId": "b" * 16,
        "name": "ok",
        "startTimeUnixNano": "1",
        "endTimeUnixNano": "2",
    }
    bad = {"traceId": "a" * 32, "spanId": "c" * 16, "name": "bad", "startTimeUnixNano": "yesterday"}
    doc = {"resourceSpans": [{"scopeSpans": [{"spans": [good, bad]}]}]}
    path = tmp_path / "mixed.jsonl"
    path.write_text(json.dumps(doc) + "\n")
    assert main(["summary", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["spans"] == 1
    assert len(data["problems"]) == 1
    assert "'bad'" in data["problems"][0]["message"]


def test_invalid_utf8_is_replaced_not_lost(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    span = {
        "traceId": "a" * 32,
        "spanId": "b" * 16,
        "name": "NAME",
        "startTimeUnixNano": "1",
        "endTimeUnixNano": "2",
    }
    raw = json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [span]}]}]}).encode()
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(raw.replace(b"NAME", b"caf\xe9") + b"\n")
    assert main(["summary", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["spans"] == 1
    assert data["runs"][0]["name"] == "caf\ufffd"
    assert "invalid UTF-8" in data["problems"][0]["message"]


def test_live_reader_holds_back_partial_line(lines: list[str], tmp_path: Path) -> None:
    path = tmp_path / "growing.jsonl"
    path.write_text(lines[0] + "\n" + lines[1][:40])
    reader = JsonFileReader(path)
    batches = list(reader.read(final=False))
    assert sum(len(b.spans) for b in batches) == 1
    assert not any(b.problems for b in batches)  # a partial line is not a problem yet
    assert reader.offset == len(lines[0]) + 1 and reader.line_no == 1
    with path.open("a") as handle:
        handle.write(lines[1][40:] + "\n" + lines[2] + "\n")
    batches = list(reader.read(final=False))
    assert sum(len(b.spans) for b in batches) == 2
    assert not any(b.problems for b in batches)
    assert reader.line_no == 3


def test_pretty_document_split_over_reads(lines: list[str], tmp_path: Path) -> None:
    """A multi-line object still being written is held back whole, then read once complete."""
    text = json.dumps(json.loads(lines[0]), indent=2)
    path = tmp_path / "pretty.json"
    path.write_text(text[: len(text) // 2])
    reader = JsonFileReader(path)
    assert sum(len(b.spans) for b in reader.read(final=False)) == 0
    assert reader.offset == 0
    path.write_text(text + "\n")
    batches = list(reader.read(final=False))
    assert sum(len(b.spans) for b in batches) == 1
    assert not any(b.problems for b in batches)
