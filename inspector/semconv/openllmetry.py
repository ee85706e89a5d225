"""The OpenLLMetry (Traceloop) dialect: indexed ``gen_ai.prompt.N.*`` / ``gen_ai.completion.N.*``.

Not an OpenTelemetry standard but widely deployed. It shares ``gen_ai.system``, the model and
the old ``gen_ai.usage.prompt_tokens`` names with the GenAI conventions (read there) and adds its
own: flattened messages, ``llm.usage.total_tokens``, ``traceloop.span.kind`` and
``llm.request.type``. Releases before 2024 used ``llm.prompts.N`` / ``llm.completions.N`` and
``llm.usage.*`` names, read here as a fallback.
"""

from __future__ import annotations

from typing import Any

from inspector.model import Event, LlmView, Message, Part, SpanKind, Summary
from inspector.semconv import chat_shapes
from inspector.semconv.values import as_int, as_str, indexed, loads_lenient, to_text

NAME = "openllmetry"

_SPAN_KINDS = {
    "workflow": SpanKind.CHAIN,
    "task": SpanKind.CHAIN,
    "agent": SpanKind.AGENT,
    "tool": SpanKind.TOOL,
}
_REQUEST_KINDS = {
    "chat": SpanKind.LLM,
    "completion": SpanKind.LLM,
    "embedding": SpanKind.EMBEDDING,
    "rerank": SpanKind.RERANKER,
}
_PROMPTS = ("gen_ai.prompt", "llm.prompts")

# Every key :func:`summarize` reads (the ingest fast path keeps only these).
SUMMARY_KEYS = frozenset(
    {
        "traceloop.span.kind",
        "llm.request.type",
        "llm.response.model",
        "llm.request.model",
        "llm.vendor",
        "llm.usage.prompt_tokens",
        "llm.usage.completion_tokens",
        "llm.usage.total_tokens",
    }
)
_COMPLETIONS = ("gen_ai.completion", "llm.completions")


def summarize(attrs: dict[str, Any], out: Summary) -> None:
    """Fill what this dialect knows into ``out``, leaving fields already set alone."""
    span_kind = attrs.get("traceloop.span.kind")
    request = attrs.get("llm.request.type")
    if span_kind is None and request is None:
        return  # the ingest hot path: OpenLLMetry marks every span with one of these
    if out.kind is SpanKind.UNKNOWN:
        if isinstance(request, str) and request in _REQUEST_KINDS:
            out.kind = _REQUEST_KINDS[request]
        elif isinstance(span_kind, str):
            out.kind = _SPAN_KINDS.get(span_kind, SpanKind.UNKNOWN)
    if out.model is None:
        model = attrs.get("llm.response.model") or attrs.get("llm.request.model")
        if model:
            out.model = as_str(model)
    if out.provider is None and attrs.get("llm.vendor"):
        out.provider = as_str(attrs.get("llm.vendor"))
    if out.input_tokens is None:
        out.input_tokens = as_int(attrs.get("llm.usage.prompt_tokens"))
    if out.output_tokens is None:
        out.output_tokens = as_int(attrs.get("llm.usage.completion_tokens"))
    if out.total_tokens is None:
        out.total_tokens = as_int(attrs.get("llm.usage.total_tokens"))


def _tool_calls(flat: dict[str, Any]) -> list[Part]:
    calls = indexed(flat, "tool_calls")
    return [
        Part(
            "tool_call",
            name=as_str(call.get("name")),
            arguments=to_text(call.get("arguments")),
            id=as_str(call.get("id")),
        )
        for _, call in sorted(calls.items())
    ]


def _message(flat: dict[str, Any]) -> Message:
    role = as_str(flat.get("role")) or "unknown"
    content = flat.get("content")
    parts: list[Part] = []
    if content is not None:
        decoded = loads_lenient(content)
        # Multimodal content is a JSON list of OpenAI-style blocks; plain text stays text.
        if isinstance(decoded, list) and all(isinstance(b, dict) for b in decoded):
            parts = chat_shapes.content_parts(decoded)
        else:
            parts = [Part("text", text=to_text(content))]
    tool_call_id = as_str(flat.get("tool_call_id"))
    if tool_call_id:
        parts = [
            Part("tool_result", text=p.text, id=tool_call_id) if p.type == "text" else p
            for p in parts
        ]
    parts += _tool_calls(flat)
    if flat.get("function_call.name"):  # the legacy single function call
        parts.append(
            Part(
                "tool_call",
                name=as_str(flat.get("function_call.name")),
                arguments=to_text(flat.get("function_call.arguments")),
            )
        )
    return Message(role=role, parts=parts, finish_reason=as_str(flat.get("finish_reason")))


def _messages(attrs: dict[str, Any], prefixes: tuple[str, ...]) -> tuple[list[Message], str]:
    for prefix in prefixes:
        groups = indexed(attrs, prefix)
        if groups:
            found = [_message(groups[i]) for i in sorted(groups)]
            return [m for m in found if m.parts or m.role != "unknown"], f"{prefix}.N"
    return [], ""


def fill_view(attrs: dict[str, Any], events: list[Event], view: LlmView) -> None:
    """Fill the LLM view from OpenLLMetry attributes, recording provenance."""
    del events
    src = view.sources
    if not view.input_messages:
        found, where = _messages(attrs, _PROMPTS)
        if found:
            view.input_messages = found
            src["input_messages"] = where
    if not view.output_messages:
        found, where = _messages(attrs, _COMPLETIONS)
        if found:
            view.output_messages = found
            src["output_messages"] = where
    summary = Summary()
    summarize(attrs, summary)
    if view.model is None and summary.model:
        view.model = summary.model
        src["model"] = (
            "llm.response.model" if attrs.get("llm.response.model") else "llm.request.model"
        )
    if view.provider is None and summary.provider:
        view.provider = summary.provider
        src["provider"] = "llm.vendor"
    usage = view.usage
    if usage.input is None and summary.input_tokens is not None:
        usage.input = summary.input_tokens
        src["usage"] = "llm.usage.*"
    if usage.output is None:
        usage.output = summary.output_tokens
    if usage.total is None and summary.total_tokens is not None:
        usage.total = summary.total_tokens
        src.setdefault("usage", "llm.usage.total_tokens")
    if usage.cache_read is None:
        usage.cache_read = as_int(
            attrs.get("gen_ai.usage.cache_read_input_tokens")
            or attrs.get("llm.usage.cache_read_input_tokens")
        )
    if usage.cache_write is None:
        usage.cache_write = as_int(
            attrs.get("gen_ai.usage.cache_creation_input_tokens")
            or attrs.get("llm.usage.cache_creation_input_tokens")
        )
    for side in ("input", "output"):
        key = f"traceloop.entity.{side}"
        value = attrs.get(key)
        if value is not None and getattr(view, f"{side}_value") is None:
            setattr(view, f"{side}_value", to_text(loads_lenient(value)))
            src[f"{side}_value"] = key
    if view.tool_name is None and attrs.get("traceloop.span.kind") == "tool":
        view.tool_name = as_str(attrs.get("traceloop.entity.name"))
