"""Write a ``phoenix.db`` with Arize Phoenix's own code: its engine, migrations, span ingest.

Run as a script (``python -m tests.formats.make_phoenix_db DB``). Spans are made with the real
OpenTelemetry SDK and go through the path Phoenix's OTLP endpoint takes: ``encode_spans`` to
protobuf, Phoenix's ``decode_otlp_span``, then its ``insert_span``. Annotations are added as
Phoenix's REST handlers add them (its ORM models). Prints the ids the test checks, as JSON.

Contents: project "demo-project"; trace 1 (session "sess-1") = agent -> LLM (tool call, 42/7
tokens) + TOOL (error, exception event) + a GenAI-attribute chat span (10/3 tokens); trace 2 =
one LLM span (5/2 tokens, no session). A span annotation on the LLM span and a trace
annotation on trace 1.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Status, StatusCode

PROJECT = "demo-project"
CALL = "llm.output_messages.0.message.tool_calls.0.tool_call"


def make_spans() -> tuple[Any, dict[str, str]]:
    memory = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"openinference.project.name": PROJECT}))
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("demo")
    ids: dict[str, str] = {}
    with tracer.start_as_current_span(
        "agent",
        attributes={
            "openinference.span.kind": "AGENT",
            "session.id": "sess-1",
            "input.value": "weather?",
            "metadata": json.dumps({"team": "a"}),
            "tag.tags": ["x", "y"],
            "odd.0": "zero",
        },
    ) as agent:
        ids["trace1"] = f"{agent.get_span_context().trace_id:032x}"
        ids["agent"] = f"{agent.get_span_context().span_id:016x}"
        with tracer.start_as_current_span(
            "llm",
            attributes={
                "openinference.span.kind": "LLM",
                "llm.model_name": "gpt-4o-mini",
                "llm.provider": "openai",
                "llm.token_count.prompt": 42,
                "llm.token_count.completion": 7,
                "llm.input_messages.0.message.role": "system",
                "llm.input_messages.0.message.content": "Be terse.",
                "llm.input_messages.1.message.role": "user",
                "llm.input_messages.1.message.content": "Weather in Paris?",
                "llm.output_messages.0.message.role": "assistant",
                f"{CALL}.id": "call_1",
                f"{CALL}.function.name": "weather",
                f"{CALL}.function.arguments": '{"city": "Paris"}',
                "llm.invocation_parameters": json.dumps({"temperature": 0}),
            },
        ) as llm:
            ids["llm"] = f"{llm.get_span_context().span_id:016x}"
        with tracer.start_as_current_span(
            "weather",
            attributes={
                "openinference.span.kind": "TOOL",
                "tool.name": "weather",
                "tool.parameters": json.dumps({"type": "object"}),
            },
        ) as tool:
            ids["tool"] = f"{tool.get_span_context().span_id:016x}"
            try:
                raise TimeoutError("weather service timed out")
            except TimeoutError as exc:
                tool.record_exception(exc)
                tool.set_status(Status(StatusCode.ERROR, "TimeoutError"))
        with tracer.start_as_current_span(
            "chat gpt-4o",
            attributes={
                "gen_ai.operation.name": "chat",
                "gen_ai.request.model": "gpt-4o",
                "gen_ai.provider.name": "openai",
                "gen_ai.usage.input_tokens": 10,
                "gen_ai.usage.output_tokens": 3,
                "gen_ai.input.messages": json.dumps(
                    [{"role": "user", "parts": [{"type": "text", "content": "hi"}]}]
                ),
                "gen_ai.output.messages": json.dumps(
                    [
                        {
                            "role": "assistant",
                            "parts": [{"type": "text", "content": "hello"}],
                            "finish_reason": "stop",
                        }
                    ]
                ),
            },
        ):
            pass
    with tracer.start_as_current_span(
        "summarise",
        attributes={
            "openinference.span.kind": "LLM",
            "llm.model_name": "gpt-4o-mini",
            "llm.token_count.prompt": 5,
            "llm.token_count.completion": 2,
        },
    ) as second:
        ids["trace2"] = f"{second.get_span_context().trace_id:032x}"
    provider.shutdown()
    return encode_spans(memory.get_finished_spans()), ids


async def write(db: Path) -> dict[str, str]:
    from phoenix.db import models
    from phoenix.db.engines import create_engine
    from phoenix.db.insertion.span import insert_span
    from phoenix.trace.otel import decode_otlp_span
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import async_sessionmaker

    request, ids = make_spans()
    engine = create_engine(f"sqlite:///{db}", log_migrations=False)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session, session.begin():
        for resource_spans in request.resource_spans:
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    await insert_span(session, decode_otlp_span(span), PROJECT)
    async with sessions() as session, session.begin():
        span_row = await session.scalar(select(models.Span.id).filter_by(span_id=ids["llm"]))
        trace_row = await session.scalar(select(models.Trace.id).filter_by(trace_id=ids["trace1"]))
        session.add(
            models.SpanAnnotation(
                span_rowid=span_row,
                name="correctness",
                label="correct",
                score=1.0,
                explanation="called the right tool",
                metadata_={"reviewer": "qa"},
                annotator_kind="HUMAN",
                identifier="",
                source="API",
                user_id=None,
            )
        )
        session.add(
            models.TraceAnnotation(
                trace_rowid=trace_row,
                name="helpfulness",
                label="helpful",
                score=0.8,
                explanation="answered",
                metadata_={},
                annotator_kind="LLM",
                identifier="judge-1",
                source="API",
                user_id=None,
            )
        )
    await engine.dispose()
    return ids


if __name__ == "__main__":
    print(json.dumps(asyncio.run(write(Path(sys.argv[1])))))
