"""The fast OTLP-lines decoder of bulk loads gives exactly what the general reader gives, and
leaves everything it does not take to it."""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from inspector import ingest
from inspector.formats.otlp_lines import Unusual, line_spans
from inspector.workspace import Workspace
from tests import sdk
from tests.benchmarks.gen_otlp import generate
from tests.core.test_ingest import _parallel


def _shard_rows(path: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT * FROM rows ORDER BY rowid").fetchall()
    finally:
        conn.close()


def _general(*args: Any) -> None:
    return None  # stands in for ingest._read_lines: every piece goes the general way


def _outcome(step: ingest.Step) -> tuple[Any, ...]:
    batch = step.batch
    assert isinstance(batch, ingest.Ready)
    return (
        batch.trace_ids,
        batch.services,
        batch.partials,
        batch.count,
        batch.problems,
        batch.events,
        _shard_rows(batch.shard),
        (step.done, step.total, step.offset, step.line_no, step.format, step.multiline),
    )


def _sdk_lines(tmp_path: Path) -> Path:
    spans = sdk.make_spans()
    path = tmp_path / "sdk.jsonl"
    with path.open("w") as handle:
        for per_line in (1, 2, 3, 7):
            handle.write(sdk.write_otlp_lines(spans, tmp_path / "part", per_line).read_text())
        handle.write("\n   \r\n")  # blank lines, and a CRLF one
        handle.write(sdk.write_otlp_lines(spans[:2], tmp_path / "part", 2).read_text().strip())
    return path  # the last line has no newline


def _odd_lines(tmp_path: Path) -> Path:
    """Records in the usual shape with values that take care: upper-case and all-zero ids, an
    empty parent, status names, times as numbers, a running span, typed summary values."""
    cost = {"key": "llm.cost.total", "value": {"doubleValue": 0.25}}
    streaming = {"key": "llm.model_name", "value": {"stringValue": ""}}
    spans = [
        {**_SPAN, "traceId": _SPAN["traceId"].upper(), "spanId": "B7AD6B7169203331"},
        {**_SPAN, "spanId": "b7ad6b7169203332", "parentSpanId": "0" * 16},
        {**_SPAN, "spanId": "b7ad6b7169203333", "parentSpanId": ""},
        {**_SPAN, "spanId": "b7ad6b7169203334", "parentSpanId": "B7AD6B7169203331"},
        {**_SPAN, "spanId": "b7ad6b7169203335", "status": {"code": "STATUS_CODE_ERROR"}},
        {**_SPAN, "spanId": "b7ad6b7169203336", "status": {}, "startTimeUnixNano": 17},
        {k: v for k, v in _SPAN.items() if k != "endTimeUnixNano"} | {"spanId": "b7ad6b7169203337"},
        {**_SPAN, "spanId": "b7ad6b7169203338", "attributes": [*_SPAN["attributes"], cost]},
        {**_SPAN, "spanId": "b7ad6b7169203339", "attributes": [streaming], "name": ""},
        {**_SPAN, "spanId": "b7ad6b716920333a", "startTimeUnixNano": "", "status": None},
    ]
    path = tmp_path / "odd.jsonl"
    path.write_bytes(b"\n".join(_record(span) for span in spans) + b"\n")
    return path


@pytest.mark.parametrize("make", ["sdk", "generated", "odd"])
def test_every_piece_matches_the_general_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make: str
) -> None:
    if make == "sdk":
        path = _sdk_lines(tmp_path)
    elif make == "odd":
        path = _odd_lines(tmp_path)
    else:
        path = tmp_path / "gen.jsonl"
        generate(path, 3000)
    snapshot = str(tmp_path / "snapshot.bin")
    pieces = list(ingest.pieces(path, 0, 0, size=1000))
    assert len(pieces) > 3
    for piece in pieces:
        fast = ingest._read_lines(str(path), 1, piece, tmp_path / f"fast{piece.start}.db")
        assert fast is not None, f"the fast decoder left piece {piece} to the general reader"
        with monkeypatch.context() as patch:
            patch.setattr(ingest, "_read_lines", _general)
            general = ingest.read_piece(str(path), str(path), 1, piece, "otlp-json", snapshot)
        assert _outcome(fast) == _outcome(general)


def _record(span: dict[str, Any], **rs: Any) -> bytes:
    """One OTLP JSON line holding ``span``."""
    block = {"resource": {"attributes": []}, "scopeSpans": [{"spans": [span]}], **rs}
    return json.dumps({"resourceSpans": [block]}).encode()


_SPAN = {
    "traceId": "0af7651916cd43dd8448eb211c80319c",
    "spanId": "b7ad6b7169203331",
    "name": "ChatCompletion",
    "startTimeUnixNano": "1700000000000000000",
    "endTimeUnixNano": 1700000001000000000,
    "attributes": [
        {"key": "openinference.span.kind", "value": {"stringValue": "LLM"}},
        {"key": "llm.token_count.prompt", "value": {"intValue": "12"}},
    ],
    "status": {"code": 2, "message": "boom"},
}

UNUSUAL: dict[str, bytes] = {
    "not JSON": b'{"resourceSpans": [',
    "pretty-printed": b"{",
    "an array of records": b"[" + _record(_SPAN) + b"]",
    "snake_case record": json.dumps({"resource_spans": []}).encode(),
    "a logs record": json.dumps({"resourceLogs": []}).encode(),
    "base64 ids": _record({**_SPAN, "traceId": "CvdlGRbNQ92ESOshHIAxnA=="}),
    "all-zero trace id": _record({**_SPAN, "traceId": "0" * 32}),
    "snake_case span id": _record(
        {k: v for k, v in _SPAN.items() if k != "spanId"} | {"span_id": "b7ad6b7169203331"}
    ),
    "snake_case parent": _record({**_SPAN, "parent_span_id": "b7ad6b7169203332"}),
    "snake_case time": _record(
        {k: v for k, v in _SPAN.items() if k != "endTimeUnixNano"} | {"end_time_unix_nano": 5}
    ),
    "float time": _record({**_SPAN, "startTimeUnixNano": 1.5e18}),
    "bad time": _record({**_SPAN, "startTimeUnixNano": "soon"}),
    "legacy span list": _record(_SPAN, instrumentationLibrarySpans=[]),
    "plain attribute value": _record(
        {**_SPAN, "attributes": [{"key": "llm.model_name", "value": "gpt-4o"}]}
    ),
    "array value on a summary key": _record(
        {**_SPAN, "attributes": [{"key": "llm.model_name", "value": {"arrayValue": {}}}]}
    ),
    "attributes as an object": _record({**_SPAN, "attributes": {"llm.model_name": "gpt-4o"}}),
    "unreadable resource": _record(_SPAN, resource=[1]),
    "invalid UTF-8": _record({**_SPAN, "name": "caf\udce9"}).replace(b"\\udce9", b"\xe9"),
    "lone surrogate": _record({**_SPAN, "name": "\ud800"}),
}


@pytest.mark.parametrize("what", list(UNUSUAL))
def test_unusual_text_is_left_to_the_general_reader(what: str) -> None:
    good = _record(_SPAN)
    assert len(list(line_spans([good], 0, 0))) == 1
    with pytest.raises(Unusual, match="line 2"):
        list(line_spans([good, UNUSUAL[what]], 0, 0))


def _spans_table(ws: Workspace) -> list[tuple[Any, ...]]:
    """Every stored column of every span that does not depend on how it was read."""
    conn = sqlite3.connect(ws.store_path)
    try:
        return conn.execute(
            "SELECT r.trace_id, s.span_id, s.parent_id, s.name, s.kind, s.status, "
            "s.status_message, s.start_ns, s.end_ns, s.model, s.provider, s.input_tokens, "
            "s.output_tokens, s.total_tokens, s.cost_usd, typeof(s.cost_usd), s.session_id, "
            "s.location FROM spans s JOIN runs r ON r.id = s.run_id "
            "ORDER BY r.trace_id, s.span_id"
        ).fetchall()
    finally:
        conn.close()


def test_a_file_mixing_usual_and_unusual_lines_loads_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _sdk_lines(tmp_path)
    with path.open("ab") as handle:
        handle.write(b"\n" + b"\n".join(UNUSUAL.values()) + b"\n")
        handle.write(_sdk_lines(tmp_path).read_bytes())
    one = Workspace(path)
    one.load()
    expected = _spans_table(one)
    problems = one.reader().problems()
    one.close()
    _parallel(monkeypatch, 2000)
    ws = Workspace(path)
    try:
        ws.load()
        assert _spans_table(ws) == expected
        assert ws.reader().problems() == problems
        assert {row[15] for row in expected} == {"real", "null"}  # NULL, never NaN or 0
        assert any(row[9] is None for row in expected)  # spans without a model stay NULL
    finally:
        ws.close()


def test_numbers_orjson_refuses_load_the_same_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``1e999`` (valid JSON beyond a double) and ``NaN`` (as Python's json writes it): both
    readers take such records, and their detail still decodes from the snapshot."""
    huge = _record({**_SPAN, "spanId": "b7ad6b7169203341"}).replace(
        b'"name"', b'"droppedAttributesCount": 1e999, "name"'
    )
    nan = _record(
        {
            **_SPAN,
            "spanId": "b7ad6b7169203342",
            "attributes": [{"key": "score", "value": {"doubleValue": float("nan")}}],
        }
    )
    assert b"NaN" in nan
    assert len(list(line_spans([huge], 0, 0))) == 1  # the fast decoder takes this one
    path = tmp_path / "numbers.jsonl"
    path.write_bytes(b"\n".join([_record(_SPAN)] * 30 + [huge, nan]) + b"\n")
    one = Workspace(path)
    one.load()
    expected = _spans_table(one)
    one.close()
    assert len(expected) == 3  # the repeated span is merged
    _parallel(monkeypatch, 500)
    ws = Workspace(path)
    try:
        ws.load()
        assert _spans_table(ws) == expected
        reader = ws.reader()
        assert reader.problems() == []
        trace = _SPAN["traceId"]
        assert reader.span(trace, "b7ad6b7169203341") is not None
        detail = reader.span(trace, "b7ad6b7169203342")
        assert detail is not None and math.isnan(detail.attributes["score"])
        reader.close()
    finally:
        ws.close()
