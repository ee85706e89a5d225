"""Span against span: message diffs plus model, parameter and usage deltas."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from inspector.diff import Change, diff_spans
from inspector.model import Span, SpanKind, Status
from inspector.model.pricing import Price, Pricing
from tests.diff_data import MS, Call, msg


def llm_span(call: Call, span_id: str, status: Status = Status.UNSET) -> Span:
    return Span(
        trace_id="7ace" + "0" * 28,
        span_id=span_id,
        parent_id=None,
        name=call.name,
        start_ns=1_000 * MS,
        end_ns=(1_000 + call.latency_ms) * MS,
        kind=SpanKind.LLM,
        status=status,
        attributes=call.attributes(),
    )


def test_figures_side_by_side_with_deltas() -> None:
    prompt = [msg("system", "Be brief."), msg("user", "Weather in Porto?")]
    a = Call(
        prompt,
        [msg("assistant", "Sunny.")],
        latency_ms=800,
        input_tokens=200,
        output_tokens=10,
        params={"temperature": 0.2},
    )
    b = Call(
        prompt,
        [msg("assistant", "Sunny, 24C.")],
        model="gpt-4o",
        latency_ms=1000,
        input_tokens=200,
        output_tokens=25,
        params={"temperature": 0.7, "max_tokens": 256},
    )
    pricing = Pricing({"gpt-4o-mini": Price(0.15, 0.6), "gpt-4o": Price(2.5, 10.0)})
    diff = diff_spans(llm_span(a, "a" * 16), llm_span(b, "b" * 16, Status.ERROR), pricing=pricing)

    assert [m.change for m in diff.prompt] == [Change.EQUAL, Change.EQUAL]
    assert [m.change for m in diff.response] == [Change.CHANGED]
    assert not diff.equal

    def values(name: str) -> tuple[Any, Any, bool]:
        field = diff.field(name)
        assert field is not None, name
        return field.a, field.b, field.changed

    assert values("model") == ("gpt-4o-mini", "gpt-4o", True)
    assert values("status") == ("UNSET", "ERROR", True)
    assert values("temperature") == (0.2, 0.7, True)
    assert values("max_tokens") == (None, 256, True)
    assert values("input_tokens") == (200, 200, False)
    latency = diff.field("latency_ms")
    assert latency is not None
    assert (latency.a, latency.b, latency.delta) == (800.0, 1000.0, 200.0)
    assert latency.relative == pytest.approx(0.25)
    output = diff.field("output_tokens")
    assert output is not None and output.delta == 15
    cost = diff.field("cost_usd")
    assert cost is not None
    assert cost.a == pytest.approx((200 * 0.15 + 10 * 0.6) / 1e6)
    assert cost.b == pytest.approx((200 * 2.5 + 25 * 10.0) / 1e6)
    assert cost.delta == pytest.approx(cost.b - cost.a)
    assert [f.group for f in diff.fields][:4] == ["call"] * 4


def test_recorded_cost_wins_and_unknown_stays_none() -> None:
    call = Call([msg("user", "hi")], [msg("assistant", "hello")], model="unknown-model")
    span_a = llm_span(call, "a" * 16)
    span_a.attributes["llm.cost.total"] = 0.5
    diff = diff_spans(span_a, llm_span(call, "b" * 16), pricing=Pricing({}))
    cost = diff.field("cost_usd")
    assert cost is not None
    assert (cost.a, cost.b, cost.delta) == (0.5, None, None)
    assert diff.equal


def test_structured_parameters_compare_by_content() -> None:
    call_a = Call([msg("user", "hi")], [], params={"response_format": {"type": "json", "s": 1}})
    call_b = Call([msg("user", "hi")], [], params={"response_format": {"s": 1, "type": "json"}})
    diff = diff_spans(llm_span(call_a, "a" * 16), llm_span(call_b, "b" * 16))
    field = diff.field("response_format")
    assert field is not None and not field.changed


def test_spans_without_chat_messages_diff_their_values() -> None:
    def chain(value: str, output: str) -> Span:
        return Span(
            trace_id="t",
            span_id=value[:4],
            parent_id=None,
            name="retrieve",
            start_ns=0,
            end_ns=1,
            attributes={
                "openinference.span.kind": "CHAIN",
                "input.value": orjson.dumps({"query": value, "k": 3}).decode(),
                "output.value": output,
            },
        )

    diff = diff_spans(chain("hotels", "found 3"), chain("hotels", "found 4"))
    assert [(m.role, m.change) for m in diff.messages] == [
        ("input", Change.EQUAL),
        ("output", Change.CHANGED),
    ]
