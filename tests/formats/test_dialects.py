"""Attribute dialects inside OTLP files: OpenLLMetry, MLflow, GenAI in structured and old forms.

Spans with primitive attributes come from the real OpenTelemetry SDK (through our OTLP JSON
lines exporter, so the ingest fast path and its ``SUMMARY_KEYS`` are exercised). Structured
(kvlist) GenAI values cannot be set through the SDK's span API, so those records are written by
hand from the OTLP and GenAI specs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.util.types import AttributeValue

from inspector.model import Event, Span, SpanKind
from inspector.otel.jsonl import OtlpJsonLinesExporter
from inspector.semconv import chat_shapes, llm_view, summarize
from tests.formats.helpers import load_spans, summary

OPENLLMETRY: dict[str, AttributeValue] = {
    "traceloop.span.kind": "workflow",
    "traceloop.entity.input": json.dumps({"question": "weather?"}),
}
OPENLLMETRY_LLM: dict[str, AttributeValue] = {
    "llm.request.type": "chat",
    "gen_ai.system": "openai",
    "gen_ai.request.model": "gpt-4o-mini",
    "gen_ai.usage.prompt_tokens": 30,
    "gen_ai.usage.completion_tokens": 8,
    "llm.usage.total_tokens": 38,
    "gen_ai.prompt.0.role": "system",
    "gen_ai.prompt.0.content": "Be terse.",
    "gen_ai.prompt.1.role": "user",
    "gen_ai.prompt.1.content": json.dumps([{"type": "text", "text": "Weather?"}]),
    "gen_ai.completion.0.role": "assistant",
    "gen_ai.completion.0.finish_reason": "tool_calls",
    "gen_ai.completion.0.tool_calls.0.id": "call_9",
    "gen_ai.completion.0.tool_calls.0.name": "weather",
    "gen_ai.completion.0.tool_calls.0.arguments": '{"city": "Oslo"}',
}
MLFLOW_LLM: dict[
    str, AttributeValue
] = {  # as MLflow's OTLP exporter leaves them: every value JSON-encoded
    "mlflow.spanType": '"CHAT_MODEL"',
    "mlflow.spanInputs": json.dumps(
        {"messages": [{"role": "user", "content": "hi"}], "model": "claude-x", "temperature": 0.1}
    ),
    "mlflow.spanOutputs": json.dumps(
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "text", "text": "hello"}],
            "stop_reason": "end_turn",
        }
    ),
    "mlflow.chat.tokenUsage": json.dumps(
        {"input_tokens": 7, "output_tokens": 2, "total_tokens": 9}
    ),
}


def sdk_file(folder: Path) -> Path:
    provider = TracerProvider()
    exporter = OtlpJsonLinesExporter(folder)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("dialects")
    with tracer.start_as_current_span("workflow", attributes=OPENLLMETRY):
        with tracer.start_as_current_span("openai.chat", attributes=OPENLLMETRY_LLM):
            pass
        with tracer.start_as_current_span("mlflow chat", attributes=MLFLOW_LLM):
            pass
    provider.shutdown()
    return exporter.path


def test_openllmetry_and_mlflow_spans_in_an_otlp_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = sdk_file(tmp_path)
    data = summary(path, capsys)
    assert (data["spans"], data["llm_calls"]) == (3, 2)
    assert (data["input_tokens"], data["output_tokens"]) == (30 + 7, 8 + 2)
    spans = load_spans(path)
    assert summarize(spans["workflow"]).kind is SpanKind.CHAIN
    assert llm_view(spans["workflow"]).input_value == '{\n  "question": "weather?"\n}'

    view = llm_view(spans["openai.chat"])
    assert view.sources["input_messages"] == "gen_ai.prompt.N"
    assert [(m.role, m.text) for m in view.input_messages] == [
        ("system", "Be terse."),
        ("user", "Weather?"),
    ]
    [reply] = view.output_messages
    assert reply.finish_reason == "tool_calls"
    assert [(p.name, p.arguments, p.id) for p in reply.parts] == [
        ("weather", '{"city": "Oslo"}', "call_9")
    ]
    assert (view.usage.input, view.usage.output, view.usage.total) == (30, 8, 38)
    assert view.sources["usage"] == "gen_ai.usage.prompt_tokens"

    view = llm_view(spans["mlflow chat"])
    assert view.model == "claude-x" and view.sources["model"] == "mlflow.spanInputs.model"
    assert [(m.role, m.text) for m in view.output_messages] == [("assistant", "hello")]
    assert view.output_messages[0].finish_reason == "end_turn"
    assert view.invocation_parameters == {"temperature": 0.1}


def kv(key: str, value: Any) -> dict[str, Any]:
    return {"key": key, "value": any_value(value)}


def any_value(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return {"kvlistValue": {"values": [kv(k, v) for k, v in value.items()]}}
    if isinstance(value, list):
        return {"arrayValue": {"values": [any_value(v) for v in value]}}
    if isinstance(value, int):
        return {"intValue": str(value)}
    return {"stringValue": value}


def test_structured_genai_messages_every_part_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = [
        {
            "role": "user",
            "parts": [
                {"type": "text", "content": "Describe this"},
                {"type": "uri", "modality": "image", "uri": "https://example.com/cat.png"},
                {"type": "blob", "modality": "image", "mime_type": "image/png", "content": "iVBO"},
                {"type": "file", "modality": "document", "file_id": "file-1"},
            ],
        },
        {
            "role": "assistant",
            "parts": [
                {"type": "reasoning", "content": "look first"},
                {
                    "type": "server_tool_call",
                    "id": "s1",
                    "name": "search",
                    "server_tool_call": {"type": "web_search", "query": "cats"},
                },
            ],
        },
        {
            "role": "tool",
            "parts": [
                {
                    "type": "server_tool_call_response",
                    "id": "s1",
                    "server_tool_call_response": {"hits": 3},
                },
                {"type": "custom_part", "detail": "kept"},
            ],
        },
    ]
    span = {
        "traceId": "7" * 32,
        "spanId": "8" * 16,
        "name": "generate_content gemini",
        "startTimeUnixNano": "1700000000000000000",
        "endTimeUnixNano": "1700000000500000000",
        "attributes": [
            kv("gen_ai.operation.name", "generate_content"),
            kv("gen_ai.provider.name", "gcp.gemini"),
            kv("gen_ai.request.model", "gemini-x"),
            kv("gen_ai.usage.input_tokens", 12),
            kv("gen_ai.usage.output_tokens", 3),
            kv("gen_ai.usage.cache_read.input_tokens", 2),
            kv("gen_ai.system_instructions", [{"type": "text", "content": "Be kind."}]),
            kv("gen_ai.input.messages", inputs),
            kv(
                "gen_ai.output.messages",
                [
                    {
                        "role": "assistant",
                        "finish_reason": "stop",
                        "parts": [{"type": "text", "content": "A cat."}],
                    }
                ],
            ),
        ],
    }
    path = tmp_path / "structured.json"
    path.write_text(json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [span]}]}]}))
    data = summary(path, capsys)
    assert (data["llm_calls"], data["input_tokens"], data["output_tokens"]) == (1, 12, 3)
    view = llm_view(load_spans(path)["generate_content gemini"])
    assert view.sources["input_messages"] == "gen_ai.input.messages"
    assert [m.role for m in view.input_messages] == ["system", "user", "assistant", "tool"]
    assert [(p.type, p.text) for p in view.input_messages[1].parts] == [
        ("text", "Describe this"),
        ("image", "https://example.com/cat.png"),
        ("image", "<image/png content omitted>"),
        ("document", "file-1"),
    ]
    reasoning, server_call = view.input_messages[2].parts
    assert (reasoning.type, reasoning.text) == ("reasoning", "look first")
    assert (server_call.type, server_call.name, server_call.id) == ("tool_call", "search", "s1")
    response, custom = view.input_messages[3].parts
    assert (response.type, response.id, json.loads(response.text or "")) == (
        "tool_result",
        "s1",
        {"hits": 3},
    )
    assert (custom.type, json.loads(custom.text or "")) == ("custom_part", {"detail": "kept"})
    assert [m.text for m in view.output_messages] == ["A cat."]
    assert (view.usage.cache_read, view.provider) == (2, "gcp.gemini")


def span_with(attrs: dict[str, Any], events: list[Event] | None = None) -> Span:
    return Span("1" * 32, "2" * 16, None, "s", 1, 2, attributes=attrs, events=events or [])


def test_v1_26_content_events_and_operation_kinds() -> None:
    events = [
        Event(
            "gen_ai.content.prompt",
            1,
            {"gen_ai.prompt": json.dumps([{"role": "user", "content": "2+2?"}])},
        ),
        Event("gen_ai.content.completion", 2, {"gen_ai.completion": "4"}),
    ]
    view = llm_view(span_with({"gen_ai.operation.name": "text_completion"}, events))
    assert [(m.role, m.text) for m in view.input_messages] == [("user", "2+2?")]
    assert [m.text for m in view.output_messages] == ["4"]
    assert view.sources["output_messages"] == "event gen_ai.content.completion"
    kinds = {
        op: summarize(span_with({"gen_ai.operation.name": op})).kind
        for op in (
            "chat",
            "generate_content",
            "embeddings",
            "execute_tool",
            "invoke_agent",
            "create_agent",
            "invoke_workflow",
            "retrieval",
            "something_new",
        )
    }
    assert kinds == {
        "chat": SpanKind.LLM,
        "generate_content": SpanKind.LLM,
        "embeddings": SpanKind.EMBEDDING,
        "execute_tool": SpanKind.TOOL,
        "invoke_agent": SpanKind.AGENT,
        "create_agent": SpanKind.AGENT,
        "invoke_workflow": SpanKind.CHAIN,
        "retrieval": SpanKind.RETRIEVER,
        "something_new": SpanKind.UNKNOWN,
    }


def test_feedback_in_standard_forms() -> None:
    evaluation = Event(
        "gen_ai.evaluation.result",
        5,
        {
            "gen_ai.evaluation.name": "relevance",
            "gen_ai.evaluation.score.value": 0.4,
            "gen_ai.evaluation.score.label": "low",
            "gen_ai.evaluation.explanation": "off topic",
        },
    )
    annotations = {
        "annotations.0.annotation.name": "tone",
        "annotations.0.annotation.label": "polite",
        "annotations.0.annotation.annotator_kind": "HUMAN",
    }
    view = llm_view(span_with(annotations, [evaluation]))
    evaluated, annotated = view.feedback
    assert (evaluated.name, evaluated.score, evaluated.label, evaluated.explanation) == (
        "relevance",
        0.4,
        "low",
        "off topic",
    )
    assert evaluated.time_ns == 5
    assert (annotated.name, annotated.label, annotated.annotator_kind) == (
        "tone",
        "polite",
        "HUMAN",
    )
    assert view.sources["feedback"] == "annotations.N.annotation, gen_ai.evaluation.result"


def test_provider_shaped_messages() -> None:
    anthropic = chat_shapes.request_messages(
        {
            "system": "Be brief.",
            "messages": [
                {"role": "user", "content": "hi"},
                {
                    "role": "assistant",
                    "content": [
                        {"type": "thinking", "thinking": "hmm"},
                        {"type": "tool_use", "id": "tu1", "name": "calc", "input": {"x": 1}},
                    ],
                },
                {
                    "role": "user",
                    "content": [{"type": "tool_result", "tool_use_id": "tu1", "content": "2"}],
                },
            ],
        }
    )
    assert [m.role for m in anthropic] == ["system", "user", "assistant", "user"]
    assert [(p.type, p.id) for p in anthropic[2].parts] == [
        ("reasoning", None),
        ("tool_call", "tu1"),
    ]
    assert (anthropic[3].parts[0].type, anthropic[3].parts[0].text) == ("tool_result", "2")
    gemini = chat_shapes.response_messages(
        {
            "candidates": [
                {
                    "content": {
                        "role": "model",
                        "parts": [
                            {"text": "ok"},
                            {"function_call": {"name": "f", "args": {"a": 1}}},
                        ],
                    },
                    "finish_reason": "STOP",
                }
            ]
        }
    )
    assert [(m.role, m.finish_reason) for m in gemini] == [("assistant", "STOP")]
    assert [(p.type, p.name) for p in gemini[0].parts] == [("text", None), ("tool_call", "f")]
    assert chat_shapes.response_messages("just text") == []
