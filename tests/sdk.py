"""Trace data made by the real OpenTelemetry SDK, in every file shape the readers accept.

One agent run with OpenInference attributes: AGENT -> CHAIN -> LLM (+ a TOOL), and a second run
whose LLM call fails with an exception. The spans are captured in memory, then written out as
our OTLP JSON lines, one pretty OTLP document, protobuf ``MessageToJson`` output (base64 ids,
enum names) and ``ConsoleSpanExporter`` output.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from pathlib import Path

from google.protobuf.json_format import MessageToJson
from openinference.semconv.trace import (
    MessageAttributes,
    OpenInferenceSpanKindValues,
    SpanAttributes,
    ToolCallAttributes,
)
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Status, StatusCode

from inspector.otel.jsonl import encode_otlp_json

KIND = SpanAttributes.OPENINFERENCE_SPAN_KIND
IN = SpanAttributes.LLM_INPUT_MESSAGES
OUT = SpanAttributes.LLM_OUTPUT_MESSAGES

# What the spans below add up to (checked against summary --json).
EXPECTED = {
    "traces": 2,
    "spans": 7,
    "errors": 2,
    "llm_calls": 3,
    "input_tokens": 120 + 200 + 50,
    "output_tokens": 30 + 40 + 0,
    "models": ["gpt-4o-mini"],
}


def _llm(name: str, prompt: int, completion: int | None) -> dict[str, object]:
    attrs: dict[str, object] = {
        KIND: OpenInferenceSpanKindValues.LLM.value,
        SpanAttributes.LLM_MODEL_NAME: "gpt-4o-mini",
        SpanAttributes.LLM_PROVIDER: "openai",
        SpanAttributes.LLM_TOKEN_COUNT_PROMPT: prompt,
        f"{IN}.0.{MessageAttributes.MESSAGE_ROLE}": "system",
        f"{IN}.0.{MessageAttributes.MESSAGE_CONTENT}": "You are a travel assistant.",
        f"{IN}.1.{MessageAttributes.MESSAGE_ROLE}": "user",
        f"{IN}.1.{MessageAttributes.MESSAGE_CONTENT}": f"<b>{name}</b> weather in Paris?",
        SpanAttributes.SESSION_ID: "session-1",
    }
    if completion is not None:
        attrs[SpanAttributes.LLM_TOKEN_COUNT_COMPLETION] = completion
        attrs[f"{OUT}.0.{MessageAttributes.MESSAGE_ROLE}"] = "assistant"
        call = f"{OUT}.0.{MessageAttributes.MESSAGE_TOOL_CALLS}.0."
        attrs[call + ToolCallAttributes.TOOL_CALL_FUNCTION_NAME] = "get_weather"
        attrs[call + ToolCallAttributes.TOOL_CALL_FUNCTION_ARGUMENTS_JSON] = '{"city": "Paris"}'
        attrs[call + ToolCallAttributes.TOOL_CALL_ID] = "call_1"
    return attrs


def make_spans() -> list[ReadableSpan]:
    """Two runs made with the real SDK (7 spans, 2 with ERROR status, 3 LLM calls)."""
    memory = InMemorySpanExporter()
    provider = TracerProvider(
        resource=Resource({"service.name": "sdk-test-agent"}), shutdown_on_exit=False
    )
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("tests.sdk")
    span = tracer.start_as_current_span
    with span("agent", attributes={KIND: "AGENT"}), span("plan", attributes={KIND: "CHAIN"}):
        with span("ChatCompletion", attributes=_llm("a", 120, 30)):
            pass
        tool = {
            KIND: "TOOL",
            SpanAttributes.TOOL_NAME: "get_weather",
            SpanAttributes.INPUT_VALUE: '{"city": "Paris"}',
            SpanAttributes.OUTPUT_VALUE: "rainy",
        }
        with span("get_weather", attributes=tool):
            pass
        with span("ChatCompletion", attributes=_llm("b", 200, 40)):
            pass
    with span("agent", attributes={KIND: "AGENT"}) as root:
        with span("ChatCompletion", attributes=_llm("c", 50, None)) as failed:
            failed.record_exception(TimeoutError("upstream timed out"))
            failed.set_status(Status(StatusCode.ERROR, "TimeoutError: upstream timed out"))
        root.set_status(Status(StatusCode.ERROR, "step failed"))
    provider.shutdown()
    return list(memory.get_finished_spans())


def write_otlp_lines(spans: Sequence[ReadableSpan], path: Path, per_line: int = 2) -> Path:
    """Collector file-exporter shape: one ``{"resourceSpans": ...}`` object per line, hex ids."""
    with path.open("w") as handle:
        for i in range(0, len(spans), per_line):
            handle.write(json.dumps(encode_otlp_json(spans[i : i + per_line])) + "\n")
    return path


def write_otlp_document(spans: Sequence[ReadableSpan], path: Path) -> Path:
    """One pretty-printed OTLP/JSON document (hex ids, integer enums)."""
    path.write_text(json.dumps(encode_otlp_json(spans), indent=2))
    return path


def write_protobuf_json(spans: Sequence[ReadableSpan], path: Path) -> Path:
    """Generic protobuf JSON (``MessageToJson``): base64 ids and enum names, one document."""
    path.write_text(MessageToJson(encode_spans(spans)))
    return path


def write_console(spans: Sequence[ReadableSpan], path: Path, *, one_line: bool = False) -> Path:
    """``ConsoleSpanExporter`` output: pretty JSON objects back to back (or one per line)."""
    out = io.StringIO()
    if one_line:
        exporter = ConsoleSpanExporter(out=out, formatter=lambda s: s.to_json(indent=None) + "\n")
    else:
        exporter = ConsoleSpanExporter(out=out)
    exporter.export(spans)
    path.write_text(out.getvalue())
    return path
