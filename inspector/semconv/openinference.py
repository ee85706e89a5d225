"""The OpenInference (Arize) attribute dialect: flattened ``llm.*`` keys into the LLM view."""

from __future__ import annotations

from typing import Any

from inspector.model import Document, LlmView, Message, Part, SpanKind, Summary
from inspector.semconv.values import (
    as_float,
    as_int,
    as_str,
    indexed,
    loads_lenient,
    to_text,
)

NAME = "openinference"

_MODEL_KEYS = (
    "llm.model_name",
    "llm.response.model_name",
    "llm.request.model_name",
    "embedding.model_name",
    "reranker.model_name",
)

# Every key :func:`summarize` reads (the ingest fast path keeps only these; a test checks it).
SUMMARY_KEYS = frozenset(
    {
        "openinference.span.kind",
        *_MODEL_KEYS,
        "llm.provider",
        "llm.system",
        "llm.token_count.prompt",
        "llm.token_count.completion",
        "llm.token_count.total",
        "llm.cost.total",
        "session.id",
    }
)


_MODEL_KEY_SET = frozenset(_MODEL_KEYS)


def summarize(attrs: dict[str, Any], out: Summary) -> None:
    """Fill what this dialect knows into ``out``, leaving fields already set alone.

    Runs once per span on the ingest hot path: absent keys cost one ``get`` and no call.
    """
    get = attrs.get
    if out.kind is SpanKind.UNKNOWN:
        raw_kind = get("openinference.span.kind")
        if raw_kind is not None:
            out.kind = SpanKind.parse(raw_kind)
    if out.model is None and not _MODEL_KEY_SET.isdisjoint(attrs):
        for key in _MODEL_KEYS:
            model = get(key)
            if model:
                out.model = as_str(model)
                break
    if out.provider is None:
        provider = get("llm.provider") or get("llm.system")
        if provider:
            out.provider = as_str(provider)
    if out.input_tokens is None:
        value = get("llm.token_count.prompt")
        if value is not None:
            out.input_tokens = as_int(value)
    if out.output_tokens is None:
        value = get("llm.token_count.completion")
        if value is not None:
            out.output_tokens = as_int(value)
    if out.total_tokens is None:
        value = get("llm.token_count.total")
        if value is not None:
            out.total_tokens = as_int(value)
    if out.cost_usd is None:
        value = get("llm.cost.total")
        if value is not None:
            out.cost_usd = as_float(value)
    if out.session_id is None:
        session = get("session.id")
        if session:
            out.session_id = as_str(session)


def _parts_from_contents(contents: dict[int, dict[str, Any]]) -> list[Part]:
    parts: list[Part] = []
    for _, item in sorted(contents.items()):
        kind = as_str(item.get("message_content.type")) or "text"
        if kind == "text":
            parts.append(Part("text", text=as_str(item.get("message_content.text"))))
        elif kind == "image":
            url = item.get("message_content.image.image.url")
            parts.append(Part("image", text=as_str(url)))
        else:
            text = item.get("message_content.text") or item.get("message_content.data")
            parts.append(Part(kind, text=as_str(text)))
    return parts


def _tool_calls(calls: dict[int, dict[str, Any]]) -> list[Part]:
    return [
        Part(
            "tool_call",
            name=as_str(call.get("tool_call.function.name")),
            arguments=to_text(call.get("tool_call.function.arguments")),
            id=as_str(call.get("tool_call.id")),
        )
        for _, call in sorted(calls.items())
    ]


def _message(flat: dict[str, Any]) -> Message:
    role = as_str(flat.get("message.role")) or "unknown"
    parts: list[Part] = []
    content = flat.get("message.content")
    tool_call_id = as_str(flat.get("message.tool_call_id"))
    if content is not None:
        if role == "tool" or tool_call_id:
            parts.append(Part("tool_result", text=to_text(content), id=tool_call_id))
        else:
            parts.append(Part("text", text=to_text(content)))
    parts.extend(_parts_from_contents(indexed(flat, "message.contents")))
    parts.extend(_tool_calls(indexed(flat, "message.tool_calls")))
    fn_name = flat.get("message.function_call_name")
    if fn_name:
        args = to_text(flat.get("message.function_call_arguments_json"))
        parts.append(Part("tool_call", name=as_str(fn_name), arguments=args))
    return Message(role=role, parts=parts, name=as_str(flat.get("message.name")))


def _message_from_object(obj: dict[str, Any]) -> Message:
    """A message given as an object (the whole list stored as one JSON string)."""
    flat: dict[str, Any] = {}
    for key, value in obj.items():
        if key == "tool_calls" and isinstance(value, list):
            for i, call in enumerate(value):
                fn = call.get("function") or {}
                flat[f"message.tool_calls.{i}.tool_call.id"] = call.get("id")
                flat[f"message.tool_calls.{i}.tool_call.function.name"] = fn.get("name")
                flat[f"message.tool_calls.{i}.tool_call.function.arguments"] = fn.get("arguments")
        else:
            flat[f"message.{key}" if not key.startswith("message.") else key] = value
    return _message(flat)


def messages(attrs: dict[str, Any], prefix: str) -> list[Message]:
    """Messages under ``prefix`` (``llm.input_messages``), flattened or as one JSON list."""
    groups = indexed(attrs, prefix)
    if groups:
        return [_message(groups[i]) for i in sorted(groups)]
    whole = loads_lenient(attrs.get(prefix))
    if isinstance(whole, list):
        return [_message_from_object(m) for m in whole if isinstance(m, dict)]
    return []


def fill_view(attrs: dict[str, Any], view: LlmView) -> None:
    """Fill the LLM view from OpenInference attributes, recording provenance."""
    summary = Summary()
    summarize(attrs, summary)
    src = view.sources
    if view.model is None and summary.model:
        view.model = summary.model
        src["model"] = next(k for k in _MODEL_KEYS if attrs.get(k))
    if view.provider is None and summary.provider:
        view.provider = summary.provider
        src["provider"] = "llm.provider" if attrs.get("llm.provider") else "llm.system"
    for field_name, prefix in (
        ("input_messages", "llm.input_messages"),
        ("output_messages", "llm.output_messages"),
    ):
        if not getattr(view, field_name):
            found = messages(attrs, prefix)
            if found:
                setattr(view, field_name, found)
                src[field_name] = prefix
    usage = view.usage
    if usage.input is None and summary.input_tokens is not None:
        usage.input = summary.input_tokens
        src["usage"] = "llm.token_count.*"
    if usage.output is None:
        usage.output = summary.output_tokens
    if usage.total is None:
        usage.total = summary.total_tokens
    if usage.cache_read is None:
        usage.cache_read = as_int(attrs.get("llm.token_count.prompt_details.cache_read"))
    if usage.cache_write is None:
        usage.cache_write = as_int(attrs.get("llm.token_count.prompt_details.cache_write"))
    if usage.reasoning is None:
        usage.reasoning = as_int(attrs.get("llm.token_count.completion_details.reasoning"))
    if view.cost_usd is None and summary.cost_usd is not None:
        view.cost_usd = summary.cost_usd
        src["cost"] = "llm.cost.total"
    params = loads_lenient(attrs.get("llm.invocation_parameters"))
    if isinstance(params, dict) and not view.invocation_parameters:
        view.invocation_parameters = params
        src["invocation_parameters"] = "llm.invocation_parameters"
    for side in ("input", "output"):
        value = attrs.get(f"{side}.value")
        if value is not None and getattr(view, f"{side}_value") is None:
            setattr(view, f"{side}_value", to_text(value))
            setattr(view, f"{side}_mime_type", as_str(attrs.get(f"{side}.mime_type")))
            src[f"{side}_value"] = f"{side}.value"
    if not view.documents:
        for prefix in ("retrieval.documents", "reranker.output_documents"):
            docs = indexed(attrs, prefix)
            if docs:
                view.documents = [
                    Document(
                        id=as_str(d.get("document.id")),
                        score=as_float(d.get("document.score")),
                        content=as_str(d.get("document.content")),
                        metadata=loads_lenient(d.get("document.metadata")),
                    )
                    for _, d in sorted(docs.items())
                ]
                src["documents"] = prefix
                break
    if view.prompt_template is None:
        view.prompt_template = as_str(attrs.get("llm.prompt_template.template"))
        view.prompt_template_version = as_str(attrs.get("llm.prompt_template.version"))
    if view.session_id is None:
        view.session_id = summary.session_id
    if view.tool_name is None:
        view.tool_name = as_str(attrs.get("tool.name"))
