"""Plain-text rendering of a span diff for a terminal (``trace-inspector diff``).

Trace text is untrusted: control characters (terminal escapes included) are shown as ``\\x1b``
style escapes so that printing a diff can never drive the user's terminal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import orjson

from inspector.diff.messages import Change, MessageDiff
from inspector.diff.spans import FieldDelta, SpanDiff

_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x09), *range(0x0A, 0x20), 0x7F)}
_CONTROL.update({c: f"\\x{c:02x}" for c in range(0x80, 0xA0)})
# Bidirectional overrides can make a printed line read differently from what it holds.
_CONTROL.update(
    {
        c: f"\\u{c:04x}"
        for c in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
    }
)
_VALUE_WIDTH = 28


def printable(text: str) -> str:
    """``text`` with control characters (but tabs) and bidi overrides written as escapes."""
    return text.translate(_CONTROL)


def format_span_diff(diff: SpanDiff, context: int = 3) -> str:
    """The figures side by side, then the prompt and response diffs message by message."""
    out = [
        f"# a: {printable(diff.a.name)}  span {diff.a.span_id}  run {diff.a.trace_id}",
        f"# b: {printable(diff.b.name)}  span {diff.b.span_id}  run {diff.b.trace_id}",
        "#",
        f"# {'':<22} {'a':<{_VALUE_WIDTH}} {'b':<{_VALUE_WIDTH}} delta",
    ]
    out += [_field_line(f) for f in diff.fields]
    for side, rows in (("prompt", diff.prompt), ("response", diff.response)):
        out.append("#")
        out.append(f"# {side}: {_side_summary(rows)}")
        out += [printable(line) for m in rows for line in m.unified(context).splitlines()]
    return "\n".join(out)


def _side_summary(rows: Sequence[MessageDiff]) -> str:
    count_a = sum(m.index_a is not None for m in rows)
    count_b = sum(m.index_b is not None for m in rows)
    changes = Counter(m.change for m in rows)
    parts = [f"{changes[c]} {c.value}" for c in Change if changes[c]]
    return f"{count_a} -> {count_b} messages" + (f" ({', '.join(parts)})" if parts else "")


def _field_line(field: FieldDelta) -> str:
    mark = "*" if field.changed else " "
    delta = ""
    if field.delta is not None and field.changed:
        delta = f"{field.delta:+.6g}"
        if field.relative is not None:
            delta += f" ({field.relative:+.0%})"
    a, b = _value(field.a), _value(field.b)
    return f"#{mark}{field.name:<22} {a:<{_VALUE_WIDTH}} {b:<{_VALUE_WIDTH}} {delta}".rstrip()


def _value(value: object) -> str:
    if value is None:
        text = "-"
    elif isinstance(value, float):
        text = f"{value:.6g}"
    elif isinstance(value, str):
        text = value
    else:
        try:
            text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
        except TypeError:
            text = repr(value)
    text = printable(text)
    return text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 1] + "…"
