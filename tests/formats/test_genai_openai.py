"""Traces from the real OpenAI client and OTel GenAI instrumentation, in each of its forms.

Each form is made in a fresh interpreter (see ``make_openai_genai.py``) against a fake OpenAI
server on loopback: messages as span attributes (current form), as one
``gen_ai.client.inference.operation.details`` log event per call, and as the older per-message
log events. With logs, the folder holds a traces file and a logs file; opening the folder
attaches each log record to its span.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inspector.model import Status
from inspector.semconv import llm_view
from tests.formats.helpers import all_spans, digest, run_module, summary

LATEST = {"OTEL_SEMCONV_STABILITY_OPT_IN": "gen_ai_latest_experimental"}
FORMS = {
    # form: (environment, where the input messages are found)
    "span-attributes": (
        {**LATEST, "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "span_only"},
        "gen_ai.input.messages",
    ),
    "operation-details-event": (
        {**LATEST, "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "event_only"},
        "event gen_ai.client.inference.operation.details",
    ),
    "message-log-events": (
        {"OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "true"},
        "events gen_ai.*.message",
    ),
}


@pytest.fixture(scope="module", params=sorted(FORMS))
def made(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str]:
    env, where = FORMS[request.param]
    folder = tmp_path_factory.mktemp(request.param)
    run_module("tests.formats.make_openai_genai", str(folder), env=env)
    return folder, where


@pytest.mark.slow
def test_summary_counts_calls_errors_and_tokens(
    made: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, where = made
    logs = folder / "logs.jsonl"
    assert logs.exists() == (where != "gen_ai.input.messages")
    before = digest(folder)
    data = summary(folder, capsys)
    assert digest(folder) == before
    assert data["problems"] == []
    assert (data["traces"], data["spans"], data["errors"], data["llm_calls"]) == (1, 4, 1, 3)
    assert (data["input_tokens"], data["output_tokens"]) == (20 + 40, 5 + 6)
    assert "gpt-4o-mini-2024-07-18" in data["models"]


@pytest.mark.slow
def test_messages_tool_calls_and_results_are_intact(made: tuple[Path, str]) -> None:
    folder, where = made
    calls = [s for s in all_spans(folder) if s.name == "chat gpt-4o-mini"]
    first, second, failed = calls
    view = llm_view(first)
    assert view.sources["input_messages"] == where
    assert [(m.role, m.text) for m in view.input_messages] == [
        ("system", "You are terse."),
        ("user", "Weather in Paris?"),
    ]
    [reply] = view.output_messages
    [call] = reply.parts
    assert (call.type, call.name, call.id, reply.finish_reason) == (
        "tool_call",
        "get_weather",
        "call_1",
        "tool_calls",
    )
    assert json.loads(call.arguments or "") == {"city": "Paris"}
    assert (view.usage.input, view.usage.output, view.usage.total) == (20, 5, 25)

    view = llm_view(second)
    roles = [m.role for m in view.input_messages]
    assert roles == ["system", "user", "assistant", "tool"]
    result = view.input_messages[3].parts[0]
    assert (result.type, result.text, result.id) == ("tool_result", "rainy, 14C", "call_1")
    assert [(m.role, m.text, m.finish_reason) for m in view.output_messages] == [
        ("assistant", "Rainy, 14C.", "stop")
    ]
    assert failed.status is Status.ERROR
    assert [m.text for m in llm_view(failed).input_messages] == ["please fail"]
