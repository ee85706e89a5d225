"""Span against span: prompts and responses message by message, and the call's figures.

:func:`diff_spans` is what a side-by-side view or ``trace-inspector diff`` shows: the prompt
and the response as :class:`~inspector.diff.messages.MessageDiff` rows, and model, parameters,
latency, tokens and cost as :class:`FieldDelta` rows with deltas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from inspector.diff.messages import Change, MessageDiff, diff_messages
from inspector.diff.text import DiffOptions
from inspector.model import LlmView, Message, Part, Span
from inspector.model.pricing import Pricing
from inspector.semconv import llm_view


@dataclass(frozen=True, slots=True)
class FieldDelta:
    """One figure of both calls side by side.

    Attributes:
        group: ``"call"`` (name, model, provider, status), ``"parameter"`` (invocation
            parameters such as temperature) or ``"usage"`` (latency, tokens, cost).
        name: e.g. ``model``, ``temperature``, ``latency_ms``, ``input_tokens``, ``cost_usd``.
        a: A's value (``None``: not recorded).
        b: B's value.
        changed: whether the values differ.
        delta: ``b - a`` when both are numbers.
        relative: ``delta / a`` when that is defined (``0.25`` means B is 25 % higher).
    """

    group: str
    name: str
    a: Any
    b: Any
    changed: bool
    delta: float | None = None
    relative: float | None = None


@dataclass(frozen=True, slots=True)
class SpanDiff:
    """Two spans compared: message-level diffs of prompt and response, and field deltas."""

    a: Span
    b: Span
    prompt: tuple[MessageDiff, ...]
    response: tuple[MessageDiff, ...]
    fields: tuple[FieldDelta, ...]

    @property
    def messages(self) -> tuple[MessageDiff, ...]:
        """Prompt rows then response rows (the order of ``trace-inspector diff --json``)."""
        return self.prompt + self.response

    @property
    def equal(self) -> bool:
        """Whether prompts and responses are the same (figures such as latency may differ)."""
        return all(m.change is Change.EQUAL for m in self.messages)

    def field(self, name: str) -> FieldDelta | None:
        return next((f for f in self.fields if f.name == name), None)


def prompt_messages(view: LlmView) -> list[Message]:
    """The prompt of a call; a span without chat messages offers its ``input.value``."""
    if view.input_messages:
        return view.input_messages
    if view.input_value is not None:
        return [Message("input", [Part("text", text=view.input_value)])]
    return []


def response_messages(view: LlmView) -> list[Message]:
    """The response of a call; a span without chat messages offers its ``output.value``."""
    if view.output_messages:
        return view.output_messages
    if view.output_value is not None:
        return [Message("output", [Part("text", text=view.output_value)])]
    return []


def diff_spans(
    a: Span,
    b: Span,
    options: DiffOptions | None = None,
    *,
    pricing: Pricing | None = None,
) -> SpanDiff:
    """Compare two spans (usually two LLM calls).

    Args:
        a: the left span, with its payload.
        b: the right span.
        options: whitespace and JSON handling.
        pricing: prices a call whose cost was not recorded (as the store does at ingest).
    """
    options = options or DiffOptions()
    view_a, view_b = llm_view(a), llm_view(b)
    prompt = diff_messages(prompt_messages(view_a), prompt_messages(view_b), "prompt", options)
    response = diff_messages(
        response_messages(view_a), response_messages(view_b), "response", options
    )
    return SpanDiff(
        a=a,
        b=b,
        prompt=tuple(prompt),
        response=tuple(response),
        fields=tuple(field_deltas(a, view_a, b, view_b, pricing)),
    )


def field_deltas(
    a: Span, view_a: LlmView, b: Span, view_b: LlmView, pricing: Pricing | None = None
) -> list[FieldDelta]:
    """Name, model, parameters, latency, tokens and cost of two calls, with deltas."""
    out = [
        _delta("call", "name", a.name, b.name),
        _delta("call", "model", view_a.model, view_b.model),
        _delta("call", "provider", view_a.provider, view_b.provider),
        _delta("call", "status", a.status.name, b.status.name),
    ]
    params_a, params_b = view_a.invocation_parameters, view_b.invocation_parameters
    for key in sorted(params_a.keys() | params_b.keys()):
        out.append(_delta("parameter", key, params_a.get(key), params_b.get(key)))
    usage_a, usage_b = view_a.usage, view_b.usage
    out += [
        _delta("usage", "latency_ms", _ms(a.duration_ns), _ms(b.duration_ns)),
        _delta("usage", "input_tokens", usage_a.input, usage_b.input),
        _delta("usage", "output_tokens", usage_a.output, usage_b.output),
        _delta("usage", "total_tokens", usage_a.total, usage_b.total),
    ]
    for name in ("cache_read", "cache_write", "reasoning"):
        value_a, value_b = getattr(usage_a, name), getattr(usage_b, name)
        if value_a is not None or value_b is not None:
            out.append(_delta("usage", f"{name}_tokens", value_a, value_b))
    out.append(_delta("usage", "cost_usd", _cost(view_a, pricing), _cost(view_b, pricing)))
    return out


def _ms(ns: int | None) -> float | None:
    return None if ns is None else ns / 1e6


def _cost(view: LlmView, pricing: Pricing | None) -> float | None:
    if view.cost_usd is not None or pricing is None:
        return view.cost_usd
    return pricing.cost(view.model, view.usage.input, view.usage.output)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _comparable(value: object) -> object:
    """Structures compare by content, whatever their key order."""
    if isinstance(value, dict | list):
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except TypeError:
            return repr(value)
    return value


def _delta(group: str, name: str, a: object, b: object) -> FieldDelta:
    number_a, number_b = _number(a), _number(b)
    delta = relative = None
    if number_a is not None and number_b is not None:
        delta = number_b - number_a
        relative = delta / number_a if number_a else None
        changed = delta != 0
    else:
        changed = _comparable(a) != _comparable(b)
    return FieldDelta(group, name, a, b, changed, delta, relative)
