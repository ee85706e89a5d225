"""Fixtures for the window's tests: isolated settings and trace files made with the real SDK."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson
import pytest
from openinference.semconv.trace import (
    MessageAttributes,
    OpenInferenceSpanKindValues,
    SpanAttributes,
)
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import Status, StatusCode
from PySide6.QtCore import QSettings

from inspector.otel.jsonl import OtlpJsonLinesExporter

KIND = SpanAttributes.OPENINFERENCE_SPAN_KIND
IN = SpanAttributes.LLM_INPUT_MESSAGES
OUT = SpanAttributes.LLM_OUTPUT_MESSAGES
T0 = 1_763_630_000_000_000_000  # 2025-11-20, in ns
MS = 1_000_000
HTML_NAME = "<b>x</b> <img src=http://example.invalid/a.png> \x1b[31mred\x1b[0m"


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path) -> Iterator[Path]:
    """Every QSettings() of a test reads and writes an INI file under tmp_path."""
    folder = tmp_path / "settings"
    folder.mkdir()
    previous = QSettings.defaultFormat()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.SystemScope, str(folder))
    yield folder
    QSettings.setDefaultFormat(previous)


def _llm_attributes(question: str, prompt: int, completion: int | None) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        KIND: OpenInferenceSpanKindValues.LLM.value,
        SpanAttributes.LLM_MODEL_NAME: "gpt-4o-mini",
        SpanAttributes.LLM_PROVIDER: "openai",
        SpanAttributes.LLM_TOKEN_COUNT_PROMPT: prompt,
        f"{IN}.0.{MessageAttributes.MESSAGE_ROLE}": "system",
        f"{IN}.0.{MessageAttributes.MESSAGE_CONTENT}": "You are a travel assistant.",
        f"{IN}.1.{MessageAttributes.MESSAGE_ROLE}": "user",
        f"{IN}.1.{MessageAttributes.MESSAGE_CONTENT}": question,
        SpanAttributes.SESSION_ID: "session-42",
    }
    if completion is not None:
        attributes[SpanAttributes.LLM_TOKEN_COUNT_COMPLETION] = completion
        attributes[f"{OUT}.0.{MessageAttributes.MESSAGE_ROLE}"] = "assistant"
        attributes[f"{OUT}.0.{MessageAttributes.MESSAGE_CONTENT}"] = "It is sunny, 21 °C."
    return attributes


def write_agent_trace(folder: Path) -> Path:
    """Two runs recorded with the real SDK through OtlpJsonLinesExporter.

    Run "weather-agent" (older): AGENT -> CHAIN "plan" -> LLM "ChatCompletion" (120 in / 30
    out) and TOOL "get_weather". Run named :data:`HTML_NAME` (newer): AGENT -> LLM that fails
    with an exception event.
    """
    exporter = OtlpJsonLinesExporter(folder)
    provider = TracerProvider(
        resource=Resource({"service.name": "ui-test-agent"}), shutdown_on_exit=False
    )
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("tests.ui")

    def child(
        name: str, parent: trace.Span, start: int, end: int, attributes: dict[str, Any]
    ) -> trace.Span:
        span = tracer.start_span(
            name, trace.set_span_in_context(parent), attributes=attributes, start_time=start
        )
        span.end(end_time=end)
        return span

    agent = tracer.start_span("weather-agent", attributes={KIND: "AGENT"}, start_time=T0)
    plan = tracer.start_span(
        "plan", trace.set_span_in_context(agent), attributes={KIND: "CHAIN"}, start_time=T0 + 5 * MS
    )
    child(
        "ChatCompletion",
        plan,
        T0 + 10 * MS,
        T0 + 900 * MS,
        _llm_attributes("What's the weather in Paris?", 120, 30),
    )
    child(
        "get_weather",
        plan,
        T0 + 910 * MS,
        T0 + 1200 * MS,
        {KIND: "TOOL", SpanAttributes.TOOL_NAME: "get_weather"},
    )
    plan.end(end_time=T0 + 1300 * MS)
    agent.end(end_time=T0 + 1400 * MS)

    later = T0 + 60_000 * MS
    agent2 = tracer.start_span(HTML_NAME, attributes={KIND: "AGENT"}, start_time=later)
    failing = tracer.start_span(
        "ChatCompletion",
        trace.set_span_in_context(agent2),
        attributes=_llm_attributes("Book a train to Lyon", 200, None),
        start_time=later + 10 * MS,
    )
    failing.record_exception(TimeoutError("upstream timed out"), timestamp=later + 500 * MS)
    failing.set_status(Status(StatusCode.ERROR, "TimeoutError: upstream timed out"))
    failing.end(end_time=later + 600 * MS)
    agent2.set_status(Status(StatusCode.ERROR, "step failed"))
    agent2.end(end_time=later + 700 * MS)
    provider.shutdown()
    return exporter.path


@pytest.fixture
def agent_trace(tmp_path: Path) -> Path:
    return write_agent_trace(tmp_path / "traces")


@pytest.fixture
def broken_trace(tmp_path: Path) -> Path:
    """The agent trace with one unreadable line in the middle."""
    path = write_agent_trace(tmp_path / "broken")
    lines = path.read_bytes().splitlines(keepends=True)
    lines.insert(2, b'{"resourceSpans": [ this is not json\n')
    path.write_bytes(b"".join(lines))
    return path


def write_otlp_tree(
    path: Path, trace_id: str, edges: Sequence[tuple[int, int | None, str]]
) -> Path:
    """One OTLP JSON line per 500 spans of one trace: ``(span number, parent number, name)``.

    Span ``n`` starts at ``T0 + n`` ms and lasts 1 ms, so siblings keep their given order.
    """
    spans = [
        {
            "traceId": trace_id,
            "spanId": f"{number:016x}",
            **({"parentSpanId": f"{parent:016x}"} if parent is not None else {}),
            "name": name,
            "startTimeUnixNano": str(T0 + number * MS),
            "endTimeUnixNano": str(T0 + (number + 1) * MS),
        }
        for number, parent, name in edges
    ]
    with path.open("w") as handle:
        for offset in range(0, len(spans), 500):
            document = {
                "resourceSpans": [{"scopeSpans": [{"spans": spans[offset : offset + 500]}]}]
            }
            handle.write(orjson.dumps(document).decode() + "\n")
    return path
