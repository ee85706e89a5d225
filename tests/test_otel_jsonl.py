"""OtlpJsonLinesExporter: real SDK spans in, OTLP/JSON lines (hex ids, integer enums) out."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from openinference.semconv.trace import OpenInferenceSpanKindValues, SpanAttributes
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.trace import SpanKind, Status, StatusCode, format_span_id, format_trace_id

from inspector.otel.jsonl import OtlpJsonLinesExporter, encode_otlp_json


def _provider(exporter: OtlpJsonLinesExporter) -> TracerProvider:
    # No atexit hook: each test shuts its provider down itself, which closes the file.
    provider = TracerProvider(
        resource=Resource({"service.name": "test-agent"}), shutdown_on_exit=False
    )
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


def _lines(path: Path) -> list[dict[str, Any]]:
    data = path.read_bytes()
    assert data.endswith(b"\n")
    return [orjson.loads(line) for line in data.splitlines()]


def _spans(line: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for resource_spans in line["resourceSpans"]:
        for scope_spans in resource_spans["scopeSpans"]:
            yield from scope_spans["spans"]


def _attributes(span: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {kv["key"]: kv["value"] for kv in span.get("attributes", [])}


@pytest.fixture
def agent_run(tmp_path: Path) -> tuple[Path, dict[str, ReadableSpan]]:
    """Record AGENT -> LLM (ok) and AGENT -> TOOL (failed) with the real SDK.

    Returns the written file and the SDK's own finished spans, keyed by name, to compare against.
    """
    exporter = OtlpJsonLinesExporter(tmp_path)
    provider = _provider(exporter)
    tracer = provider.get_tracer("tests.agent", "1.2.3")
    finished: dict[str, ReadableSpan] = {}
    with tracer.start_as_current_span(
        "agent",
        attributes={
            SpanAttributes.OPENINFERENCE_SPAN_KIND: OpenInferenceSpanKindValues.AGENT.value
        },
    ) as agent:
        with tracer.start_as_current_span(
            "ChatCompletion",
            kind=SpanKind.CLIENT,
            attributes={
                SpanAttributes.OPENINFERENCE_SPAN_KIND: OpenInferenceSpanKindValues.LLM.value,
                SpanAttributes.LLM_MODEL_NAME: "gpt-4o-mini",
                SpanAttributes.LLM_TOKEN_COUNT_PROMPT: 42,
                SpanAttributes.LLM_TOKEN_COUNT_COMPLETION: 7,
                f"{SpanAttributes.LLM_INPUT_MESSAGES}.0.message.role": "user",
                f"{SpanAttributes.LLM_INPUT_MESSAGES}.0.message.content": "hi",
                SpanAttributes.TAG_TAGS: ["demo", "test"],
                "temperature": 0.5,
                "streamed": False,
            },
        ) as llm:
            pass
        with tracer.start_as_current_span(
            "search",
            attributes={
                SpanAttributes.OPENINFERENCE_SPAN_KIND: OpenInferenceSpanKindValues.TOOL.value,
                SpanAttributes.TOOL_NAME: "search",
            },
            record_exception=False,
            set_status_on_exception=False,
        ) as tool:
            try:
                raise TimeoutError("search timed out")
            except TimeoutError as error:
                tool.record_exception(error)
                tool.set_status(Status(StatusCode.ERROR, "TimeoutError: search timed out"))
    for span in (agent, llm, tool):
        assert isinstance(span, ReadableSpan)
        finished[span.name] = span
    provider.shutdown()
    return exporter.path, finished


def test_one_line_per_export_with_otlp_json_shape(
    agent_run: tuple[Path, dict[str, ReadableSpan]],
) -> None:
    path, sdk_spans = agent_run
    lines = _lines(path)
    # SimpleSpanProcessor exports each span as it ends: children first, then the parent.
    assert [[s["name"] for s in _spans(line)] for line in lines] == [
        ["ChatCompletion"],
        ["search"],
        ["agent"],
    ]
    resource = lines[0]["resourceSpans"][0]["resource"]
    assert resource["attributes"] == [
        {"key": "service.name", "value": {"stringValue": "test-agent"}}
    ]
    assert lines[0]["resourceSpans"][0]["scopeSpans"][0]["scope"] == {
        "name": "tests.agent",
        "version": "1.2.3",
    }

    spans = {s["name"]: s for line in lines for s in _spans(line)}
    for name, span in spans.items():
        context = sdk_spans[name].get_span_context()
        assert context is not None
        assert span["traceId"] == format_trace_id(context.trace_id)
        assert span["spanId"] == format_span_id(context.span_id)
        assert len(span["traceId"]) == 32
        assert len(span["spanId"]) == 16
        assert span["startTimeUnixNano"] == str(sdk_spans[name].start_time)
        assert span["endTimeUnixNano"] == str(sdk_spans[name].end_time)
        assert isinstance(span["kind"], int)

    assert "parentSpanId" not in spans["agent"]
    assert spans["ChatCompletion"]["parentSpanId"] == spans["agent"]["spanId"]
    assert spans["search"]["parentSpanId"] == spans["agent"]["spanId"]
    assert spans["agent"]["kind"] == 1  # INTERNAL
    assert spans["ChatCompletion"]["kind"] == 3  # CLIENT
    # proto3 JSON leaves out defaults: UNSET status is an empty object.
    assert spans["agent"]["status"] == {}


def test_attributes_are_typed_key_values(agent_run: tuple[Path, dict[str, ReadableSpan]]) -> None:
    path, _ = agent_run
    spans = {s["name"]: s for line in _lines(path) for s in _spans(line)}
    attributes = _attributes(spans["ChatCompletion"])
    assert attributes[SpanAttributes.OPENINFERENCE_SPAN_KIND] == {"stringValue": "LLM"}
    # int64 values are decimal strings in OTLP/JSON.
    assert attributes[SpanAttributes.LLM_TOKEN_COUNT_PROMPT] == {"intValue": "42"}
    assert attributes[SpanAttributes.LLM_TOKEN_COUNT_COMPLETION] == {"intValue": "7"}
    assert attributes["llm.input_messages.0.message.content"] == {"stringValue": "hi"}
    assert attributes["temperature"] == {"doubleValue": 0.5}
    assert attributes["streamed"] == {"boolValue": False}
    assert attributes[SpanAttributes.TAG_TAGS] == {
        "arrayValue": {"values": [{"stringValue": "demo"}, {"stringValue": "test"}]}
    }


def test_error_span_has_status_and_exception_event(
    agent_run: tuple[Path, dict[str, ReadableSpan]],
) -> None:
    path, sdk_spans = agent_run
    spans = {s["name"]: s for line in _lines(path) for s in _spans(line)}
    tool = spans["search"]
    assert tool["status"] == {"code": 2, "message": "TimeoutError: search timed out"}
    (event,) = tool["events"]
    assert event["name"] == "exception"
    assert event["timeUnixNano"] == str(sdk_spans["search"].events[0].timestamp)
    attributes = _attributes(event)
    assert attributes["exception.type"] == {"stringValue": "TimeoutError"}
    assert attributes["exception.message"] == {"stringValue": "search timed out"}
    assert "Traceback" in attributes["exception.stacktrace"]["stringValue"]


def test_file_name_and_one_file_per_exporter(tmp_path: Path) -> None:
    folder = tmp_path / "not" / "yet" / "there"
    first = OtlpJsonLinesExporter(folder)
    second = OtlpJsonLinesExporter(folder, prefix="spans")
    providers = [_provider(first), _provider(second)]
    try:
        assert first.path != second.path
        for path in (first.path, second.path):
            assert path.parent == folder
            assert path.name.startswith(f"spans-{os.getpid()}-")
            assert path.suffix == ".jsonl"
        for index, provider in enumerate(providers):
            tracer = provider.get_tracer("tests")
            for n in range(index + 2):
                tracer.start_span(f"span-{index}-{n}").end()
    finally:
        for provider in providers:
            provider.shutdown()
    assert sorted(p.name for p in folder.iterdir()) == sorted([first.path.name, second.path.name])
    assert [s["name"] for line in _lines(first.path) for s in _spans(line)] == [
        "span-0-0",
        "span-0-1",
    ]
    assert [s["name"] for line in _lines(second.path) for s in _spans(line)] == [
        "span-1-0",
        "span-1-1",
        "span-1-2",
    ]


def test_batch_is_one_line_and_encoder_is_reusable(tmp_path: Path) -> None:
    collected: list[ReadableSpan] = []
    provider = TracerProvider(shutdown_on_exit=False)
    tracer = provider.get_tracer("tests")
    root = tracer.start_span("root")
    context = trace.set_span_in_context(root)
    child = tracer.start_span("child", context=context, links=[trace.Link(root.get_span_context())])
    child.end()
    root.end()
    for span in (child, root):
        assert isinstance(span, ReadableSpan)
        collected.append(span)

    exporter = OtlpJsonLinesExporter(tmp_path, prefix="batch")
    assert exporter.export(collected) is SpanExportResult.SUCCESS
    assert exporter.export([]) is SpanExportResult.SUCCESS  # nothing to write, no empty line
    exporter.shutdown()
    exporter.shutdown()  # idempotent
    assert exporter.export(collected) is SpanExportResult.FAILURE
    assert exporter.force_flush() is True
    provider.shutdown()

    (line,) = _lines(exporter.path)
    assert line == encode_otlp_json(collected)
    child_json, root_json = _spans(line)
    (link,) = child_json["links"]
    # Link ids follow the same hex rule as span ids.
    assert link["traceId"] == root_json["traceId"]
    assert link["spanId"] == root_json["spanId"]
    assert encode_otlp_json([]) == {}


def test_concurrent_exports_never_interleave(tmp_path: Path) -> None:
    exporter = OtlpJsonLinesExporter(tmp_path)
    provider = _provider(exporter)
    tracer = provider.get_tracer("tests")
    big = "x" * 20_000  # larger than a pipe/page write, so interleaving would show

    def work(worker: int) -> None:
        for n in range(25):
            tracer.start_span(f"{worker}-{n}", attributes={"payload": big}).end()

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    provider.shutdown()
    names = [s["name"] for line in _lines(exporter.path) for s in _spans(line)]
    assert sorted(names) == sorted(f"{w}-{n}" for w in range(4) for n in range(25))


@pytest.mark.skipif(sys.platform == "win32", reason="needs os.fork")
# Python 3.12+ warns about fork() when any other thread exists (faulthandler's watchdog counts).
@pytest.mark.filterwarnings("ignore:.*fork.*:DeprecationWarning")
def test_forked_child_writes_its_own_file(tmp_path: Path) -> None:
    exporter = OtlpJsonLinesExporter(tmp_path)
    provider = _provider(exporter)
    tracer = provider.get_tracer("tests")
    tracer.start_span("parent-before").end()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which must never return into pytest
        code = 1
        try:
            tracer.start_span("child").end()
            code = 0 if exporter.path.name.startswith(f"spans-{os.getpid()}-") else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    tracer.start_span("parent-after").end()
    provider.shutdown()

    files = sorted(tmp_path.iterdir())
    assert len(files) == 2
    by_name = {
        path.name: [s["name"] for line in _lines(path) for s in _spans(line)] for path in files
    }
    assert by_name.pop(exporter.path.name) == ["parent-before", "parent-after"]
    ((child_name, child_spans),) = by_name.items()
    assert child_name.startswith(f"spans-{pid}-")
    assert child_spans == ["child"]
