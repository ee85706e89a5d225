"""The Input/Output tab: ``input.value`` / ``output.value`` of non-LLM spans.

JSON values (by mime type or because they parse) are pretty-printed and highlighted; anything
else is shown as plain text.
"""

from __future__ import annotations

from inspector.model import LlmView
from inspector.ui.detail.document import DocWriter


def has_input_output(view: LlmView) -> bool:
    return view.input_value is not None or view.output_value is not None


def _write_value(w: DocWriter, title: str, value: str | None, mime: str | None) -> None:
    label = f"  {title}" + (f" · {mime}" if mime else "")
    w.section(label)
    if value is None:
        w.line("(not recorded)", w.styles.muted)
        return
    if value == "":
        w.line("(empty)", w.styles.muted)
        return
    w.paragraph()
    looks_json = value.lstrip()[:1] in ("{", "[")
    if looks_json or (mime is not None and "json" in mime.lower()):
        w.code(value)
    else:
        w.text(value, w.styles.text)


def write_input_output(w: DocWriter, view: LlmView) -> None:
    _write_value(w, "INPUT", view.input_value, view.input_mime_type)
    _write_value(w, "OUTPUT", view.output_value, view.output_mime_type)
