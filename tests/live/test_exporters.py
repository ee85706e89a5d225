"""The recorders: real SDK spans (OpenInference and GenAI attributes) written by ``install``
into a folder or a store, read back with messages and tokens intact; start records."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from openinference.semconv.trace import MessageAttributes, SpanAttributes, ToolCallAttributes
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

from inspector.model import Span
from inspector.otel import install
from inspector.otel.recorder import exporter_for
from inspector.otel.store import StoreSpanExporter
from inspector.semconv import llm_view
from inspector.store.queries import StoreReader
from inspector.workspace import Workspace

TARGETS = ["traces", "agent.db"]
IN, OUT = SpanAttributes.LLM_INPUT_MESSAGES, SpanAttributes.LLM_OUTPUT_MESSAGES
ROLE, CONTENT = MessageAttributes.MESSAGE_ROLE, MessageAttributes.MESSAGE_CONTENT

OPENINFERENCE = {
    SpanAttributes.OPENINFERENCE_SPAN_KIND: "LLM",
    SpanAttributes.LLM_MODEL_NAME: "gpt-4o-mini",
    SpanAttributes.LLM_TOKEN_COUNT_PROMPT: 120,
    SpanAttributes.LLM_TOKEN_COUNT_COMPLETION: 30,
    f"{IN}.0.{ROLE}": "system",
    f"{IN}.0.{CONTENT}": "You are a travel assistant.",
    f"{IN}.1.{ROLE}": "user",
    f"{IN}.1.{CONTENT}": "<b>Weather</b> in Paris?",
    f"{OUT}.0.{ROLE}": "assistant",
    f"{OUT}.0.{MessageAttributes.MESSAGE_TOOL_CALLS}.0."
    f"{ToolCallAttributes.TOOL_CALL_FUNCTION_NAME}": "get_weather",
}

GENAI = {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "openai",
    "gen_ai.request.model": "gpt-4o",
    "gen_ai.usage.input_tokens": 50,
    "gen_ai.usage.output_tokens": 9,
    "gen_ai.input.messages": json.dumps(
        [{"role": "user", "parts": [{"type": "text", "content": "Hello there"}]}]
    ),
    "gen_ai.output.messages": json.dumps(
        [
            {
                "role": "assistant",
                "parts": [{"type": "text", "content": "Hi!"}],
                "finish_reason": "stop",
            }
        ]
    ),
}


@pytest.fixture
def provider() -> Iterator[TracerProvider]:
    provider = TracerProvider(
        resource=Resource({"service.name": "exporter-test"}), shutdown_on_exit=False
    )
    yield provider
    provider.shutdown()


def _spans(target: Path) -> dict[str, Span]:
    """Every span the inspector reads from ``target``, by name, with its full payload."""
    workspace = Workspace(target)
    try:
        workspace.load(final=False)
        reader = workspace.reader()
        try:
            out: dict[str, Span] = {}
            for run in reader.runs(0, 100):
                for row in reader.span_rows(run.trace_id):
                    span = reader.span(run.trace_id, row.span_id)
                    assert span is not None
                    out[span.name] = span
            return out
        finally:
            reader.close()
    finally:
        workspace.close()


@pytest.mark.parametrize("name", TARGETS)
def test_install_round_trips_openinference_and_genai_spans(
    tmp_path: Path, provider: TracerProvider, name: str
) -> None:
    target = tmp_path / name
    assert install(target, provider=provider, delay_s=0.01) is provider
    tracer = provider.get_tracer("tests.exporters")
    with tracer.start_as_current_span("agent", attributes={"openinference.span.kind": "AGENT"}):
        with tracer.start_as_current_span("ChatCompletion", attributes=OPENINFERENCE):
            pass
        with tracer.start_as_current_span("chat gpt-4o", attributes=GENAI):
            pass
    provider.force_flush()
    spans = _spans(target)
    assert set(spans) == {"agent", "ChatCompletion", "chat gpt-4o"}
    oi = llm_view(spans["ChatCompletion"])
    assert [(m.role, m.text) for m in oi.input_messages] == [
        ("system", "You are a travel assistant."),
        ("user", "<b>Weather</b> in Paris?"),
    ]
    assert [p.name for p in oi.output_messages[0].parts if p.type == "tool_call"] == ["get_weather"]
    assert (oi.model, oi.usage.input, oi.usage.output) == ("gpt-4o-mini", 120, 30)
    genai = llm_view(spans["chat gpt-4o"])
    assert [(m.role, m.text) for m in genai.input_messages] == [("user", "Hello there")]
    assert [(m.role, m.text) for m in genai.output_messages] == [("assistant", "Hi!")]
    assert (genai.model, genai.usage.input, genai.usage.output) == ("gpt-4o", 50, 9)
    assert spans["ChatCompletion"].resource["service.name"] == "exporter-test"


@pytest.mark.parametrize("name", TARGETS)
def test_a_running_span_is_recorded_then_replaced_by_its_end(
    tmp_path: Path, provider: TracerProvider, name: str
) -> None:
    target = tmp_path / name
    install(target, provider=provider, delay_s=0.01)
    tracer = provider.get_tracer("tests.exporters")
    long_call = tracer.start_span("ChatCompletion", attributes=OPENINFERENCE)
    provider.force_flush()
    running = _spans(target)
    assert running["ChatCompletion"].end_ns is None
    assert running["ChatCompletion"].attributes[SpanAttributes.LLM_MODEL_NAME] == "gpt-4o-mini"
    long_call.set_attribute("late.attribute", "set after the start record")
    long_call.end()
    provider.force_flush()
    ended = _spans(target)
    assert list(ended) == ["ChatCompletion"]
    assert ended["ChatCompletion"].end_ns is not None
    assert ended["ChatCompletion"].attributes["late.attribute"] == "set after the start record"
    if target.suffix == ".db":
        reader = StoreReader.open(target)
        try:
            run = reader.runs(0, 1)[0]
            assert (run.spans, run.llm_calls, run.running, run.input_tokens) == (1, 1, False, 120)
        finally:
            reader.close()
    else:
        records = [
            orjson.loads(line) for f in target.iterdir() for line in f.read_bytes().splitlines()
        ]
        ends = [_only_span(r).get("endTimeUnixNano") for r in records]
        assert len(records) == 2 and ends[0] is None and ends[1] is not None


def _only_span(record: dict[str, object]) -> dict[str, object]:
    (resource,) = record["resourceSpans"]  # type: ignore[misc]
    (scope,) = resource["scopeSpans"]
    (span,) = scope["spans"]
    return span  # type: ignore[no-any-return]


def _lines(folder: Path) -> int:
    return sum(len(f.read_bytes().splitlines()) for f in folder.iterdir())


def test_a_span_that_ends_before_its_batch_is_written_once(
    tmp_path: Path, provider: TracerProvider
) -> None:
    install(tmp_path, provider=provider, delay_s=60.0)  # nothing is written until the flush
    tracer = provider.get_tracer("tests.exporters")
    with tracer.start_as_current_span("quick"):
        pass
    provider.force_flush()
    assert _lines(tmp_path) == 1
    records = [
        orjson.loads(line) for f in tmp_path.iterdir() for line in f.read_bytes().splitlines()
    ]
    assert _only_span(records[0])["endTimeUnixNano"] is not None


def test_without_start_records_only_finished_spans_are_written(
    tmp_path: Path, provider: TracerProvider
) -> None:
    install(tmp_path, provider=provider, record_starts=False, delay_s=0.01)
    span = provider.get_tracer("t").start_span("long")
    provider.force_flush()
    assert _lines(tmp_path) == 0
    span.end()
    provider.force_flush()
    assert _lines(tmp_path) == 1


def test_unsampled_spans_are_not_written(tmp_path: Path) -> None:
    provider = TracerProvider(sampler=ALWAYS_OFF, shutdown_on_exit=False)
    install(tmp_path, provider=provider, delay_s=0.01)
    with provider.get_tracer("t").start_as_current_span("dropped"):
        pass
    provider.shutdown()
    assert _lines(tmp_path) == 0


def test_shutdown_writes_what_is_queued(tmp_path: Path) -> None:
    provider = TracerProvider(shutdown_on_exit=False)
    install(tmp_path / "agent.db", provider=provider, delay_s=60.0)
    with provider.get_tracer("t").start_as_current_span("last words"):
        pass
    provider.shutdown()
    assert set(_spans(tmp_path / "agent.db")) == {"last words"}


def test_two_writers_of_one_store_keep_the_run_rollups_right(tmp_path: Path) -> None:
    """A second exporter (another process, in real life) commits between our writes."""
    db = tmp_path / "agent.db"
    providers = [TracerProvider(shutdown_on_exit=False) for _ in range(2)]
    for p in providers:
        install(db, provider=p, delay_s=0.01)
    first, second = (p.get_tracer("t") for p in providers)
    root = first.start_span("root")
    context = trace.set_span_in_context(root)
    for i in range(3):
        with second.start_as_current_span(f"child-{i}", context=context):
            pass
        providers[1].force_flush()
        with first.start_as_current_span(f"sibling-{i}", context=context):
            pass
        providers[0].force_flush()
    root.end()
    for p in providers:
        p.shutdown()
    reader = StoreReader.open(db)
    try:
        (run,) = reader.runs(0, 10)
        assert (run.spans, run.name, run.running) == (7, "root", False)
        assert reader.totals().spans == 7
    finally:
        reader.close()


def test_exporter_for_picks_by_destination(tmp_path: Path) -> None:
    assert isinstance(exporter_for(tmp_path / "x.sqlite"), StoreSpanExporter)
    (tmp_path / "run.jsonl").write_text("{}\n")
    with pytest.raises(ValueError, match="give a folder"):
        exporter_for(tmp_path / "run.jsonl")
