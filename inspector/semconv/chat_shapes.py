"""Chat messages in the providers' own request/response shapes, into :class:`Message` objects.

MLflow records a call's inputs and outputs as the provider's JSON (OpenAI chat completions,
Anthropic messages, Gemini contents, LangChain messages), and the older GenAI log events carry
OpenAI-shaped message bodies. One decoder for those shapes serves every dialect that meets them.
Anything unrecognised gives no messages, and the caller falls back to showing the raw value.
"""

from __future__ import annotations

from typing import Any

from inspector.model import Message, Part
from inspector.semconv.values import as_str, loads_lenient, to_text

# LangChain message ``type`` values to chat roles.
_LANGCHAIN_ROLES = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool"}


def content_parts(content: object) -> list[Part]:
    """The parts of one message ``content``: a string, or a list of typed blocks."""
    if content is None:
        return []
    if isinstance(content, str):
        return [Part("text", text=content)]
    if isinstance(content, dict):
        content = [content]
    if not isinstance(content, list):
        return [Part("text", text=to_text(content))]
    return [_block(block) for block in content]


def _block(block: object) -> Part:
    if isinstance(block, str):
        return Part("text", text=block)
    if not isinstance(block, dict):
        return Part("text", text=to_text(block))
    kind = as_str(block.get("type")) or ("text" if "text" in block else "other")
    if kind in ("text", "input_text", "output_text") or (kind == "other" and "text" in block):
        return Part("text", text=to_text(block.get("text")))
    if kind in ("thinking", "reasoning"):
        return Part("reasoning", text=to_text(block.get("thinking") or block.get("text")))
    if kind == "tool_use":  # Anthropic
        return Part(
            "tool_call",
            name=as_str(block.get("name")),
            arguments=to_text(block.get("input")),
            id=as_str(block.get("id")),
        )
    if kind == "tool_result":  # Anthropic
        inner = block.get("content")
        text = "\n".join(p.text or "" for p in content_parts(inner)) if inner is not None else None
        return Part("tool_result", text=text, id=as_str(block.get("tool_use_id")))
    if kind in ("image_url", "image", "input_image"):
        url = block.get("image_url")
        if isinstance(url, dict):
            url = url.get("url")
        source = block.get("source")
        if url is None and isinstance(source, dict):
            url = source.get("url") or f"<{source.get('media_type') or 'image'} data omitted>"
        return Part("image", text=as_str(url))
    rest = {k: v for k, v in block.items() if k != "type"}
    return Part(kind, text=to_text(rest))


def _tool_calls(calls: object) -> list[Part]:
    """OpenAI ``tool_calls`` (``{id, type, function: {name, arguments}}``)."""
    if not isinstance(calls, list):
        return []
    parts = []
    for call in calls:
        if not isinstance(call, dict):
            continue
        inner = call.get("function")
        function: dict[str, Any] = inner if isinstance(inner, dict) else call
        parts.append(
            Part(
                "tool_call",
                name=as_str(function.get("name")),
                arguments=to_text(function.get("arguments")),
                id=as_str(call.get("id")),
            )
        )
    return parts


def message(raw: object, default_role: str = "unknown") -> Message | None:
    """One message in OpenAI, Anthropic, Gemini or LangChain shape (``None`` if not one)."""
    if not isinstance(raw, dict):
        return None
    if "kwargs" in raw and isinstance(raw["kwargs"], dict) and raw.get("lc"):
        return _langchain_serialized(raw)
    role = as_str(raw.get("role"))
    if role is None and isinstance(raw.get("type"), str) and raw["type"] in _LANGCHAIN_ROLES:
        role = _LANGCHAIN_ROLES[raw["type"]]
    if role == "model":  # Gemini
        role = "assistant"
    if "parts" in raw and "content" not in raw:  # Gemini content
        parts = [_gemini_part(p) for p in raw.get("parts") or ()]
    else:
        parts = content_parts(raw.get("content"))
    tool_call_id = as_str(raw.get("tool_call_id"))
    if tool_call_id and (role == "tool" or role is None):
        parts = [
            Part("tool_result", text=p.text, id=tool_call_id) if p.type == "text" else p
            for p in parts
        ]
    parts += _tool_calls(raw.get("tool_calls"))
    function_call = raw.get("function_call")
    if isinstance(function_call, dict):
        parts += _tool_calls([{"function": function_call}])
    if not parts and role is None:
        return None
    return Message(
        role=role or default_role,
        parts=parts,
        name=as_str(raw.get("name")),
        finish_reason=as_str(raw.get("finish_reason")),
    )


def _gemini_part(raw: object) -> Part:
    if not isinstance(raw, dict):
        return Part("text", text=to_text(raw))
    if "text" in raw:
        return Part("reasoning" if raw.get("thought") else "text", text=to_text(raw["text"]))
    call = raw.get("function_call") or raw.get("functionCall")
    if isinstance(call, dict):
        return Part("tool_call", name=as_str(call.get("name")), arguments=to_text(call.get("args")))
    response = raw.get("function_response") or raw.get("functionResponse")
    if isinstance(response, dict):
        return Part("tool_result", text=to_text(response.get("response")))
    return Part("other", text=to_text(raw))


def _langchain_serialized(raw: dict[str, Any]) -> Message | None:
    """A LangChain message as ``dumpd`` writes it: ``{"lc": 1, "id": [..., "HumanMessage"]}``."""
    kwargs = raw["kwargs"]
    ids = raw.get("id")
    cls = ids[-1] if isinstance(ids, list) and ids else ""
    role = {
        "HumanMessage": "user",
        "AIMessage": "assistant",
        "SystemMessage": "system",
        "ToolMessage": "tool",
    }.get(str(cls))
    return message({**kwargs, "role": kwargs.get("role") or role}, role or "unknown")


def messages(value: object) -> list[Message]:
    """A list of messages (any supported shape); anything else gives ``[]``."""
    data = loads_lenient(value)
    if isinstance(data, list) and len(data) == 1 and isinstance(data[0], list):
        data = data[0]  # LangChain batches: [[message, ...]]
    if not isinstance(data, list):
        return []
    found = [message(m) for m in data]
    return [m for m in found if m is not None]


def request_messages(inputs: object) -> list[Message]:
    """The prompt messages of a recorded request (``{"messages": [...]}``, Gemini, Anthropic)."""
    data = loads_lenient(inputs)
    if isinstance(data, list):
        return messages(data)
    if not isinstance(data, dict):
        return []
    out: list[Message] = []
    system = data.get("system") or data.get("system_instruction")
    if system is not None:  # Anthropic / Gemini keep the system prompt apart
        if isinstance(system, dict) and "parts" in system:
            parts = [_gemini_part(p) for p in system.get("parts") or ()]
        else:
            parts = content_parts(system)
        out.append(Message("system", parts))
    for key in ("messages", "contents", "input"):
        value = data.get(key)
        if isinstance(value, list):
            return out + messages(value)
        if key == "contents" and isinstance(value, str):
            return [*out, Message("user", [Part("text", text=value)])]
    return out


def response_messages(outputs: object) -> list[Message]:
    """The reply messages of a recorded response (OpenAI, Anthropic, Gemini, LangChain)."""
    data = loads_lenient(outputs)
    if isinstance(data, list):
        return messages(data)
    if not isinstance(data, dict):
        return []
    choices = data.get("choices")
    if isinstance(choices, list):  # OpenAI chat completion
        out = []
        for choice in choices:
            if not isinstance(choice, dict):
                continue
            msg = message(choice.get("message") or choice.get("delta"), "assistant")
            if msg is None and choice.get("text") is not None:  # completions API
                msg = Message("assistant", [Part("text", text=to_text(choice.get("text")))])
            if msg is not None:
                msg.finish_reason = msg.finish_reason or as_str(choice.get("finish_reason"))
                out.append(msg)
        return out
    candidates = data.get("candidates")
    if isinstance(candidates, list):  # Gemini
        out = []
        for candidate in candidates:
            if isinstance(candidate, dict):
                msg = message(candidate.get("content"), "assistant")
                if msg is not None:
                    msg.finish_reason = as_str(candidate.get("finish_reason"))
                    out.append(msg)
        return out
    generations = data.get("generations")
    if isinstance(generations, list):  # LangChain LLMResult
        flat = [g for batch in generations for g in (batch if isinstance(batch, list) else [batch])]
        out = []
        for gen in flat:
            if isinstance(gen, dict):
                msg = message(gen.get("message"), "assistant")
                if msg is None and gen.get("text") is not None:
                    msg = Message("assistant", [Part("text", text=to_text(gen.get("text")))])
                if msg is not None:
                    out.append(msg)
        return out
    if "content" in data:  # Anthropic message, or a bare {"content": ...} reply
        msg = message(data, "assistant")
        if msg is not None:
            msg.finish_reason = msg.finish_reason or as_str(data.get("stop_reason"))
            return [msg]
    return []
