"""Test data for the diff tests: agent runs recorded with the real OpenTelemetry SDK.

Spans carry OpenInference attributes and go through :class:`OtlpJsonLinesExporter`, so the
tests read them back through the same reader -> store path as the app.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from openinference.semconv.trace import (
    MessageAttributes,
    OpenInferenceSpanKindValues,
    SpanAttributes,
    ToolCallAttributes,
)
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.trace import Span, Status, StatusCode, Tracer

from inspector.model import Message, Part
from inspector.otel.jsonl import OtlpJsonLinesExporter
from inspector.store.queries import StoreReader
from inspector.workspace import Workspace

MS = 1_000_000
BASE_NS = 1_767_000_000_000_000_000


def msg(role: str, text: str | None = None, **extra: Any) -> dict[str, Any]:
    """A chat message as a plain dict: ``tool_calls=[(id, name, args_json)]``, ``tool_call_id``."""
    out: dict[str, Any] = {"role": role}
    if text is not None:
        out["content"] = text
    out.update(extra)
    return out


def to_message(raw: dict[str, Any]) -> Message:
    """The model :class:`Message` the OpenInference reader makes of ``raw`` (for pure tests)."""
    parts: list[Part] = []
    if raw.get("content") is not None:
        if raw.get("tool_call_id"):
            parts.append(Part("tool_result", text=raw["content"], id=raw["tool_call_id"]))
        else:
            parts.append(Part("text", text=raw["content"]))
    for call_id, name, args in raw.get("tool_calls", ()):
        parts.append(Part("tool_call", name=name, arguments=args, id=call_id))
    return Message(raw["role"], parts)


def message_attributes(prefix: str, messages: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Flattened OpenInference attributes for a message list."""
    attrs: dict[str, Any] = {}
    for i, raw in enumerate(messages):
        base = f"{prefix}.{i}."
        attrs[base + MessageAttributes.MESSAGE_ROLE] = raw["role"]
        if raw.get("content") is not None:
            attrs[base + MessageAttributes.MESSAGE_CONTENT] = raw["content"]
        if raw.get("tool_call_id"):
            attrs[base + MessageAttributes.MESSAGE_TOOL_CALL_ID] = raw["tool_call_id"]
        for k, (call_id, name, args) in enumerate(raw.get("tool_calls", ())):
            call = f"{base}{MessageAttributes.MESSAGE_TOOL_CALLS}.{k}."
            attrs[call + ToolCallAttributes.TOOL_CALL_ID] = call_id
            attrs[call + ToolCallAttributes.TOOL_CALL_FUNCTION_NAME] = name
            attrs[call + ToolCallAttributes.TOOL_CALL_FUNCTION_ARGUMENTS_JSON] = args
    return attrs


@dataclass
class Call:
    """One LLM call to record."""

    prompt: list[dict[str, Any]]
    response: list[dict[str, Any]]
    model: str = "gpt-4o-mini"
    input_tokens: int | None = 100
    output_tokens: int | None = 20
    latency_ms: int = 500
    params: dict[str, Any] = field(default_factory=lambda: {"temperature": 0.2})
    template_version: str | None = None
    error: bool = False
    name: str = "ChatCompletion"

    def attributes(self) -> dict[str, Any]:
        attrs: dict[str, Any] = {
            SpanAttributes.OPENINFERENCE_SPAN_KIND: OpenInferenceSpanKindValues.LLM.value,
            SpanAttributes.LLM_MODEL_NAME: self.model,
            SpanAttributes.LLM_INVOCATION_PARAMETERS: orjson.dumps(self.params).decode(),
        }
        if self.input_tokens is not None:
            attrs[SpanAttributes.LLM_TOKEN_COUNT_PROMPT] = self.input_tokens
        if self.output_tokens is not None:
            attrs[SpanAttributes.LLM_TOKEN_COUNT_COMPLETION] = self.output_tokens
        if self.template_version is not None:
            attrs[SpanAttributes.LLM_PROMPT_TEMPLATE_VERSION] = self.template_version
        attrs.update(message_attributes(SpanAttributes.LLM_INPUT_MESSAGES, self.prompt))
        attrs.update(message_attributes(SpanAttributes.LLM_OUTPUT_MESSAGES, self.response))
        return attrs


SPAN_ID_BASE = 0x5EED_0000_0000_0000


class SequentialIds(IdGenerator):
    """Predictable ids: span ids ``5eed010000000000``, ``5eed02...`` (all share ``5eed``,
    and ``5eed01`` is a unique prefix of the first)."""

    def __init__(self) -> None:
        self.spans = 0
        self.traces = 0

    def generate_span_id(self) -> int:
        self.spans += 1
        return SPAN_ID_BASE + (self.spans << 40)

    def generate_trace_id(self) -> int:
        self.traces += 1
        return (0x7ACE << 112) + self.traces


class Recorder:
    """Records runs with explicit times and predictable ids into one OTLP JSON-lines file."""

    def __init__(self, folder: Path) -> None:
        self.exporter = OtlpJsonLinesExporter(folder)
        self.provider = TracerProvider(
            resource=Resource({"service.name": "diff-tests"}),
            shutdown_on_exit=False,
            id_generator=SequentialIds(),
        )
        self.provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.tracer: Tracer = self.provider.get_tracer("tests.diff")
        self.now = BASE_NS
        self.ids: dict[str, str] = {}

    def _tick(self, ms: int = 1) -> int:
        self.now += ms * MS
        return self.now

    @contextmanager
    def span(self, name: str, kind: OpenInferenceSpanKindValues, key: str = "") -> Iterator[Span]:
        """A span around the body; ``key`` records its hex id in :attr:`ids`."""
        span = self.tracer.start_span(
            name,
            attributes={SpanAttributes.OPENINFERENCE_SPAN_KIND: kind.value},
            start_time=self._tick(),
        )
        with trace.use_span(span, end_on_exit=False):
            yield span
        span.end(end_time=self._tick())
        if key:
            self.ids[key] = format(span.get_span_context().span_id, "016x")

    def llm(self, call: Call, key: str = "") -> None:
        span = self.tracer.start_span(
            call.name, attributes=call.attributes(), start_time=self._tick()
        )
        if call.error:
            span.set_status(Status(StatusCode.ERROR, "RateLimitError"))
        span.end(end_time=self._tick(call.latency_ms))
        if key:
            self.ids[key] = format(span.get_span_context().span_id, "016x")

    def tool(self, name: str, latency_ms: int = 5) -> None:
        span = self.tracer.start_span(
            name,
            attributes={
                SpanAttributes.OPENINFERENCE_SPAN_KIND: OpenInferenceSpanKindValues.TOOL.value
            },
            start_time=self._tick(),
        )
        span.end(end_time=self._tick(latency_ms))

    def close(self) -> Path:
        self.provider.shutdown()
        return self.exporter.path


@contextmanager
def opened(path: Path) -> Iterator[StoreReader]:
    """A loaded workspace's reader (closed, with the workspace, on exit)."""
    workspace = Workspace(path)
    try:
        workspace.load()
        reader = workspace.reader()
        try:
            yield reader
        finally:
            reader.close()
    finally:
        workspace.close()
