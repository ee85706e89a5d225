"""OTLP/JSON log records attach to their spans, whichever file is read first.

Records are written by hand per the OTLP spec to cover shapes the OpenAI instrumentation does not
produce: the pre-OTLP-1.5 ``event.name`` attribute, snake_case keys, a record with no span, and
a logs file older than its traces file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from inspector.formats.otlp_logs import decode_logs
from inspector.model import Problem
from inspector.model.span import LOG_BODY, SpanEvents
from inspector.semconv import llm_view
from tests.formats.helpers import digest, load_spans, summary

TRACE, SPAN = "5" * 32, "6" * 16


def kv(key: str, value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return {
            "key": key,
            "value": {"kvlistValue": {"values": [kv(k, v) for k, v in value.items()]}},
        }
    if isinstance(value, int):
        return {"key": key, "value": {"intValue": str(value)}}
    return {"key": key, "value": {"stringValue": value}}


def traces_line() -> str:
    span = {
        "traceId": TRACE,
        "spanId": SPAN,
        "name": "chat gpt-4o",
        "kind": 3,
        "startTimeUnixNano": "1700000000000000000",
        "endTimeUnixNano": "1700000001000000000",
        "attributes": [
            kv("gen_ai.operation.name", "chat"),
            kv("gen_ai.system", "openai"),
            kv("gen_ai.request.model", "gpt-4o"),
            kv("gen_ai.usage.prompt_tokens", 11),
            kv("gen_ai.usage.completion_tokens", 4),
        ],
    }
    return json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [span]}]}]})


def logs_line() -> str:
    records = [
        {  # OTLP >= 1.5: the name in eventName
            "timeUnixNano": "1700000000100000000",
            "eventName": "gen_ai.user.message",
            "traceId": TRACE,
            "spanId": SPAN,
            "body": kv("b", {"content": "hello?"})["value"],
        },
        {  # before OTLP 1.5: the name in the event.name attribute, snake_case keys
            "observed_time_unix_nano": "1700000000900000000",
            "trace_id": TRACE,
            "span_id": SPAN,
            "attributes": [kv("event.name", "gen_ai.choice")],
            "body": kv(
                "b",
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": "hi!"},
                },
            )["value"],
        },
        {"timeUnixNano": "1700000000000000000", "body": {"stringValue": "no span here"}},
    ]
    return json.dumps({"resource_logs": [{"scope_logs": [{"log_records": records}]}]})


def test_decode_groups_records_by_span_and_reports_unattached_ones() -> None:
    items = list(decode_logs(json.loads(logs_line()), "logs.jsonl", "line 1"))
    [group, problem] = items
    assert isinstance(group, SpanEvents) and isinstance(problem, Problem)
    assert (group.trace_id, group.span_id) == (TRACE, SPAN)
    assert [e.name for e in group.events] == ["gen_ai.user.message", "gen_ai.choice"]
    assert group.events[0].attributes[LOG_BODY] == {"content": "hello?"}
    assert group.events[1].time_ns == 1_700_000_000_900_000_000
    assert "1 log record has no trace and span id" in problem.message


@pytest.mark.parametrize("logs_first", [True, False])
def test_folder_attaches_log_messages_to_spans(
    tmp_path: Path, logs_first: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    traces, logs = tmp_path / "traces.jsonl", tmp_path / "logs.jsonl"
    traces.write_text(traces_line() + "\n")
    logs.write_text(logs_line() + "\n")
    # The folder reads oldest first: make either file the older one.
    older, newer = (logs, traces) if logs_first else (traces, logs)
    os.utime(older, (1_000_000, 1_000_000))
    os.utime(newer, (2_000_000, 2_000_000))
    before = digest(tmp_path)

    data = summary(tmp_path, capsys)
    assert (data["spans"], data["llm_calls"], data["input_tokens"], data["output_tokens"]) == (
        1,
        1,
        11,
        4,
    )
    assert [p["message"] for p in data["problems"]] == [
        "1 log record has no trace and span id: not attached"
    ]
    span = load_spans(tmp_path)["chat gpt-4o"]
    view = llm_view(span)
    assert [(m.role, m.text) for m in view.input_messages] == [("user", "hello?")]
    assert [(m.role, m.text, m.finish_reason) for m in view.output_messages] == [
        ("assistant", "hi!", "stop")
    ]
    assert view.sources["output_messages"] == "events gen_ai.choice"
    assert (view.usage.input, view.usage.output) == (11, 4)  # v1.26 token names
    assert digest(tmp_path) == before
