"""The Messages tab: an LLM call's prompt and response written as a conversation.

One block per message: a tinted header line with the coloured role (and name, finish reason),
then its parts -- text, reasoning, tool calls (name, id, arguments pretty-printed and
highlighted), tool results (with the call id), images and other parts by URL or text. A divider
line separates the prompt (input messages) from the response (output messages).
"""

from __future__ import annotations

from inspector.model import LlmView, Message, Part
from inspector.ui.detail.display import value_text
from inspector.ui.detail.document import DocWriter


def has_messages(view: LlmView) -> bool:
    return bool(view.input_messages or view.output_messages)


def _count(items: list[Message], what: str) -> str:
    return f"{len(items)} {what}{'' if len(items) == 1 else 's'}"


def write_divider(w: DocWriter, title: str) -> None:
    w.section(f"━━  {title}")


def write_parameters(w: DocWriter, view: LlmView) -> None:
    """One muted line of invocation parameters (``temperature 0.2 · max_tokens 512``)."""
    if not view.invocation_parameters:
        return
    items = [
        f"{key} {value_text(value)}"
        for key, value in view.invocation_parameters.items()
        if key not in ("messages", "tools", "model", "functions")
    ]
    if items:
        w.line("Parameters: " + " · ".join(items), w.styles.muted)
    if view.prompt_template_version:
        version = view.prompt_template_version
        w.line(
            f"Prompt template {'' if version.startswith('v') else 'version '}{version}",
            w.styles.muted,
        )


def write_part(w: DocWriter, part: Part) -> None:
    styles = w.styles
    if part.type == "text":
        if part.text:
            w.paragraph()
            w.text(part.text, styles.text)
    elif part.type == "reasoning":
        w.line("reasoning", styles.muted)
        if part.text:
            w.paragraph()
            w.text(part.text, styles.muted)
    elif part.type == "tool_call":
        w.line("→ tool call ", styles.muted)
        w.span(part.name or "(unnamed)", styles.bold)
        if part.id:
            w.span(f"   id {part.id}", styles.muted)
        if part.arguments:
            w.paragraph()
            w.code(part.arguments)
    elif part.type == "tool_result":
        w.line("← tool result", styles.muted)
        if part.id:
            w.span(f" for {part.id}", styles.muted)
        if part.text:
            w.paragraph()
            w.code(part.text)
    else:
        # Images, audio, URIs and types we do not know: the type, then the URL or text as-is.
        w.line(f"[{part.type}]", styles.muted)
        if part.text:
            w.span(" ", styles.text)
            w.text(part.text, styles.mono)
        if part.name:
            w.span(f" {part.name}", styles.text)


def write_message(w: DocWriter, message: Message) -> None:
    char, block = w.styles.role(message.role)
    w.gap()
    w.line(f" {message.role.upper()}", char, block)
    if message.name:
        w.span(f"  {message.name}", w.styles.bold)
    if message.finish_reason:
        w.span(f"   finish: {message.finish_reason}", w.styles.muted)
    if not message.parts:
        w.line("(empty)", w.styles.muted)
    for part in message.parts:
        write_part(w, part)


def write_messages(w: DocWriter, view: LlmView) -> None:
    """The whole conversation: parameters, the prompt, a divider, the response."""
    write_parameters(w, view)
    write_divider(w, f"PROMPT · {_count(view.input_messages, 'message')}")
    if not view.input_messages:
        w.line("(no input messages recorded)", w.styles.muted)
    for message in view.input_messages:
        write_message(w, message)
    write_divider(w, f"RESPONSE · {_count(view.output_messages, 'message')}")
    if not view.output_messages:
        w.line("(no output messages recorded)", w.styles.muted)
    for message in view.output_messages:
        write_message(w, message)
