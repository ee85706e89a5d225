"""The OpenTelemetry GenAI semantic conventions (``gen_ai.*``), every generation seen in files.

Current form (v1.37+): ``gen_ai.input.messages`` / ``gen_ai.output.messages`` /
``gen_ai.system_instructions`` as JSON strings or structured values holding typed parts, on the
span or on a ``gen_ai.client.inference.operation.details`` log event. Older forms: per-message log
events (v1.28-1.36: ``gen_ai.user.message`` ... ``gen_ai.choice``, bodies in OpenAI shape),
``gen_ai.prompt`` / ``gen_ai.completion`` on span events (v1.26-1.27), and the
``gen_ai.usage.prompt_tokens`` names. Log records reach the span as events (see
:mod:`inspector.formats.otlp_logs`) with their body under :data:`LOG_BODY`.
"""

from __future__ import annotations

from typing import Any

from inspector.model import Event, LlmView, Message, Part, SpanKind, Summary
from inspector.model.span import LOG_BODY
from inspector.semconv import chat_shapes
from inspector.semconv.values import as_float, as_int, as_str, loads_lenient, to_text

NAME = "genai"

OPERATION_KINDS: dict[str, SpanKind] = {
    "chat": SpanKind.LLM,
    "text_completion": SpanKind.LLM,
    "generate_content": SpanKind.LLM,
    "embeddings": SpanKind.EMBEDDING,
    "execute_tool": SpanKind.TOOL,
    "invoke_agent": SpanKind.AGENT,
    "create_agent": SpanKind.AGENT,
    "invoke_workflow": SpanKind.CHAIN,
    "retrieval": SpanKind.RETRIEVER,
}

_INPUT_TOKEN_KEYS = ("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens")
_OUTPUT_TOKEN_KEYS = ("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens")

OPERATION_DETAILS = "gen_ai.client.inference.operation.details"
# v1.28-1.36 per-message log events and the role each one speaks in.
MESSAGE_EVENTS = {
    "gen_ai.system.message": "system",
    "gen_ai.user.message": "user",
    "gen_ai.assistant.message": "assistant",
    "gen_ai.tool.message": "tool",
}
CHOICE_EVENT = "gen_ai.choice"

# Every key :func:`summarize` reads (the ingest fast path keeps only these; a test checks it).
SUMMARY_KEYS = frozenset(
    {
        "gen_ai.operation.name",
        "gen_ai.response.model",
        "gen_ai.request.model",
        "gen_ai.provider.name",
        "gen_ai.system",
        *_INPUT_TOKEN_KEYS,
        *_OUTPUT_TOKEN_KEYS,
        "gen_ai.usage.total_tokens",
        "gen_ai.conversation.id",
    }
)


def _first(attrs: dict[str, Any], keys: tuple[str, ...]) -> tuple[str | None, Any]:
    for key in keys:
        value = attrs.get(key)
        if value is not None:
            return key, value
    return None, None


def summarize(attrs: dict[str, Any], out: Summary) -> None:
    """Fill what this dialect knows into ``out``, leaving fields already set alone."""
    if out.kind is SpanKind.UNKNOWN:
        operation = attrs.get("gen_ai.operation.name")
        if isinstance(operation, str):
            out.kind = OPERATION_KINDS.get(operation, SpanKind.UNKNOWN)
    if out.model is None:
        model = attrs.get("gen_ai.response.model") or attrs.get("gen_ai.request.model")
        if model:
            out.model = as_str(model)
    if out.provider is None:
        provider = attrs.get("gen_ai.provider.name") or attrs.get("gen_ai.system")
        if provider:
            out.provider = as_str(provider)
    if out.input_tokens is None:
        out.input_tokens = as_int(_first(attrs, _INPUT_TOKEN_KEYS)[1])
    if out.output_tokens is None:
        out.output_tokens = as_int(_first(attrs, _OUTPUT_TOKEN_KEYS)[1])
    if out.total_tokens is None:  # not in the spec (total = input + output), but emitted by some
        out.total_tokens = as_int(attrs.get("gen_ai.usage.total_tokens"))
    if out.session_id is None:
        conversation = attrs.get("gen_ai.conversation.id")
        if conversation:
            out.session_id = as_str(conversation)


def _part(raw: object) -> Part:
    if not isinstance(raw, dict):
        return Part("text", text=to_text(raw))
    kind = as_str(raw.get("type")) or "text"
    if kind in ("text", "reasoning"):
        return Part(kind, text=to_text(raw.get("content")))
    if kind == "tool_call":
        return Part(
            "tool_call",
            name=as_str(raw.get("name")),
            arguments=to_text(raw.get("arguments")),
            id=as_str(raw.get("id")),
        )
    if kind == "tool_call_response":
        return Part("tool_result", text=to_text(raw.get("response")), id=as_str(raw.get("id")))
    if kind == "server_tool_call":
        return Part(
            "tool_call",
            name=as_str(raw.get("name")),
            arguments=to_text(raw.get("server_tool_call")),
            id=as_str(raw.get("id")),
        )
    if kind == "server_tool_call_response":
        return Part(
            "tool_result",
            text=to_text(raw.get("server_tool_call_response")),
            id=as_str(raw.get("id")),
        )
    if kind == "uri":
        return Part(as_str(raw.get("modality")) or "uri", text=as_str(raw.get("uri")))
    if kind == "file":
        return Part(as_str(raw.get("modality")) or "file", text=as_str(raw.get("file_id")))
    if kind == "blob":
        mime = as_str(raw.get("mime_type")) or as_str(raw.get("modality")) or "binary"
        return Part(as_str(raw.get("modality")) or "blob", text=f"<{mime} content omitted>")
    rest = {k: v for k, v in raw.items() if k != "type"}
    return Part(kind, text=to_text(rest))


def structured_messages(value: object) -> list[Message]:
    """``gen_ai.input.messages`` / ``gen_ai.output.messages`` (JSON text or structured)."""
    data = loads_lenient(value)
    if not isinstance(data, list):
        return []
    out: list[Message] = []
    for raw in data:
        if not isinstance(raw, dict):
            continue
        parts = [_part(p) for p in raw.get("parts") or ()]
        if not parts and raw.get("content") is not None:
            parts = [Part("text", text=to_text(raw.get("content")))]
        out.append(
            Message(
                role=as_str(raw.get("role")) or "unknown",
                parts=parts,
                name=as_str(raw.get("name")),
                finish_reason=as_str(raw.get("finish_reason")),
            )
        )
    return out


def _legacy_event_messages(events: list[Event], attr: str) -> list[Message]:
    """v1.26-1.27 ``gen_ai.content.prompt``/``completion`` span events."""
    for event in events:
        value = event.attributes.get(attr)
        if value is None:
            continue
        data = loads_lenient(value)
        if isinstance(data, list):
            return [
                Message(
                    role=as_str(m.get("role")) or "unknown",
                    parts=[Part("text", text=to_text(m.get("content")))],
                )
                for m in data
                if isinstance(m, dict)
            ]
        return [Message(role="unknown", parts=[Part("text", text=to_text(value))])]
    return []


def _body(event: Event) -> Any:
    """A GenAI event's body: a log record's body, else the event's own attributes."""
    body = event.attributes.get(LOG_BODY)
    if body is None:
        body = {k: v for k, v in event.attributes.items() if not k.startswith("gen_ai.")}
    return loads_lenient(body)


def log_event_messages(events: list[Event]) -> tuple[list[Message], list[Message]]:
    """Input and output messages from v1.28-1.36 per-message events, in event order."""
    inputs: list[Message] = []
    choices: list[tuple[int, Message]] = []
    for event in events:
        role = MESSAGE_EVENTS.get(event.name)
        if role is not None:
            body = _body(event)
            raw = body if isinstance(body, dict) else {"content": body}
            if role == "tool" and "id" in raw and "tool_call_id" not in raw:
                raw = {**raw, "tool_call_id": raw["id"]}
            msg = chat_shapes.message({**raw, "role": raw.get("role") or role}, role)
            inputs.append(msg or Message(role))
        elif event.name == CHOICE_EVENT:
            body = _body(event)
            if not isinstance(body, dict):
                continue
            reply = body.get("message")
            msg = chat_shapes.message(reply if isinstance(reply, dict) else {}, "assistant")
            msg = msg or Message("assistant")
            msg.finish_reason = as_str(body.get("finish_reason"))
            choices.append((as_int(body.get("index")) or 0, msg))
    return inputs, [m for _, m in sorted(choices, key=lambda c: c[0])]


def _details(events: list[Event]) -> dict[str, Any]:
    """The attributes of the first ``gen_ai.client.inference.operation.details`` event."""
    for event in events:
        if event.name == OPERATION_DETAILS:
            return event.attributes
    return {}


def _instructions_and_inputs(attrs: dict[str, Any]) -> list[Message]:
    found: list[Message] = []
    system = loads_lenient(attrs.get("gen_ai.system_instructions"))
    if system is not None:
        parts = [_part(p) for p in system] if isinstance(system, list) else [_part(system)]
        found.append(Message("system", parts))
    return found + structured_messages(attrs.get("gen_ai.input.messages"))


def _fill_messages(attrs: dict[str, Any], events: list[Event], view: LlmView) -> None:
    src = view.sources
    details = _details(events) if events else {}
    if not view.input_messages:
        found = _instructions_and_inputs(attrs)
        where = "gen_ai.input.messages"
        if not found and details:
            found = _instructions_and_inputs(details)
            where = f"event {OPERATION_DETAILS}"
        if found:
            view.input_messages = found
            src["input_messages"] = where
    if not view.output_messages:
        found = structured_messages(attrs.get("gen_ai.output.messages"))
        where = "gen_ai.output.messages"
        if not found and details:
            found = structured_messages(details.get("gen_ai.output.messages"))
            where = f"event {OPERATION_DETAILS}"
        if found:
            view.output_messages = found
            src["output_messages"] = where
    if events and (not view.input_messages or not view.output_messages):
        inputs, outputs = log_event_messages(events)
        if inputs and not view.input_messages:
            view.input_messages = inputs
            src["input_messages"] = "events gen_ai.*.message"
        if outputs and not view.output_messages:
            view.output_messages = outputs
            src["output_messages"] = f"events {CHOICE_EVENT}"
    if not view.input_messages:
        found = _legacy_event_messages(events, "gen_ai.prompt")
        if found:
            view.input_messages = found
            src["input_messages"] = "event gen_ai.content.prompt"
    if not view.output_messages:
        found = _legacy_event_messages(events, "gen_ai.completion")
        if found:
            view.output_messages = found
            src["output_messages"] = "event gen_ai.content.completion"


def fill_view(attrs: dict[str, Any], events: list[Event], view: LlmView) -> None:
    """Fill the LLM view from GenAI attributes and legacy content events, with provenance."""
    summary = Summary()
    summarize(attrs, summary)
    src = view.sources
    if view.model is None and summary.model:
        view.model = summary.model
        src["model"] = (
            "gen_ai.response.model"
            if attrs.get("gen_ai.response.model")
            else "gen_ai.request.model"
        )
    if view.provider is None and summary.provider:
        view.provider = summary.provider
        src["provider"] = (
            "gen_ai.provider.name" if attrs.get("gen_ai.provider.name") else "gen_ai.system"
        )
    _fill_messages(attrs, events, view)
    usage = view.usage
    if usage.input is None and summary.input_tokens is not None:
        usage.input = summary.input_tokens
        src["usage"] = _first(attrs, _INPUT_TOKEN_KEYS)[0] or "gen_ai.usage.*"
    if usage.output is None:
        usage.output = summary.output_tokens
    if usage.total is None:
        usage.total = summary.total_tokens
    if usage.cache_read is None:
        usage.cache_read = as_int(attrs.get("gen_ai.usage.cache_read.input_tokens"))
    if usage.cache_write is None:
        usage.cache_write = as_int(attrs.get("gen_ai.usage.cache_creation.input_tokens"))
    if usage.reasoning is None:
        usage.reasoning = as_int(attrs.get("gen_ai.usage.reasoning.output_tokens"))
    if not view.invocation_parameters:
        params = {
            key.removeprefix("gen_ai.request."): value
            for key, value in attrs.items()
            if key.startswith("gen_ai.request.") and key != "gen_ai.request.model"
        }
        if params:
            view.invocation_parameters = params
            src["invocation_parameters"] = "gen_ai.request.*"
    if view.tool_name is None:
        view.tool_name = as_str(attrs.get("gen_ai.tool.name"))
    if view.input_value is None and attrs.get("gen_ai.tool.call.arguments") is not None:
        view.input_value = to_text(attrs.get("gen_ai.tool.call.arguments"))
        src["input_value"] = "gen_ai.tool.call.arguments"
    if view.output_value is None and attrs.get("gen_ai.tool.call.result") is not None:
        view.output_value = to_text(attrs.get("gen_ai.tool.call.result"))
        src["output_value"] = "gen_ai.tool.call.result"
    if view.session_id is None:
        view.session_id = summary.session_id
    if view.cost_usd is None:
        view.cost_usd = as_float(attrs.get("gen_ai.usage.cost"))
