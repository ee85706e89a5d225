"""The figures row of a span diff: model, parameters, latency, tokens and cost of A and B,
with the delta and whether B is better or worse (pure functions, no Qt).

Lower latency, fewer tokens and lower cost count as better; a call that newly fails is worse.
Parameter and model changes are neither: they are shown as "changed".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import orjson

from inspector.diff import FieldDelta, SpanDiff
from inspector.ui.text import count, duration, one_line

MINUS = "\u2212"
"""The minus sign (as wide as "+", so signed figures line up)."""
VALUE_CHARS = 40
"""Longest value shown in a cell (the full value is in the tooltip)."""

_TITLES = {
    "model": "Model",
    "provider": "Provider",
    "status": "Status",
    "latency_ms": "Latency",
    "input_tokens": "Input tokens",
    "output_tokens": "Output tokens",
    "total_tokens": "Total tokens",
    "cache_read_tokens": "Cache read",
    "cache_write_tokens": "Cache write",
    "reasoning_tokens": "Reasoning",
    "cost_usd": "Cost",
}
# Shown only when they differ: the call's name is in the header, the provider follows the model.
_ONLY_IF_CHANGED = frozenset({"name", "provider"})


class Verdict(StrEnum):
    SAME = "same"
    CHANGED = "changed"
    BETTER = "better"
    WORSE = "worse"


@dataclass(frozen=True, slots=True)
class Figure:
    """One column of the figures row."""

    name: str
    title: str
    a: str
    b: str
    delta: str
    verdict: Verdict
    full_a: str
    full_b: str


STATUS_NAMES = {"UNSET": "unset", "OK": "ok", "ERROR": "ERROR"}


def status_text(name: str) -> str:
    """A span status as shown: ``ok``, ``unset`` (no status recorded) or ``ERROR``."""
    return STATUS_NAMES.get(name, name)


def precise_cost(usd: float) -> str:
    """Dollars with three significant digits (``$0.000122``): two calls' costs often differ
    by a few percent, which the two digits of the runs table would hide."""
    if usd == 0:
        return "$0"
    if usd >= 1:
        return f"${usd:,.2f}"
    digits = min(10, max(2, 2 - math.floor(math.log10(usd))))
    return f"${usd:.{digits}f}"


def value_text(name: str, value: object) -> str:
    """A value as the cell shows it (un-cut)."""
    if value is None:
        return "—"
    if name == "status" and isinstance(value, str):
        return status_text(value)
    if name == "latency_ms" and isinstance(value, int | float):
        return duration(round(value * 1_000_000))
    if name == "cost_usd" and isinstance(value, int | float):
        return precise_cost(float(value))
    if name.endswith("_tokens") and isinstance(value, int) and not isinstance(value, bool):
        return count(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return value
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    except TypeError:
        return repr(value)


def _signed(name: str, delta: float) -> str:
    sign = "+" if delta > 0 else MINUS
    size = abs(delta)
    if name == "latency_ms":
        return sign + duration(round(size * 1_000_000))
    if name == "cost_usd":
        return sign + precise_cost(size)
    if name.endswith("_tokens"):
        return sign + count(round(size))
    return f"{sign}{size:g}"


def delta_text(field: FieldDelta) -> str:
    if not field.changed:
        return "same"
    if field.delta is None:
        return "changed"
    text = _signed(field.name, field.delta)
    if field.relative is not None and field.group == "usage":
        percent = field.relative * 100
        text += f" ({'+' if percent > 0 else MINUS}{abs(percent):.0f}%)"
    return text


def verdict(field: FieldDelta) -> Verdict:
    if not field.changed:
        return Verdict.SAME
    if field.group == "usage" and field.delta is not None:
        return Verdict.BETTER if field.delta < 0 else Verdict.WORSE
    if field.name == "status" and "ERROR" in (field.a, field.b):
        return Verdict.WORSE if field.b == "ERROR" else Verdict.BETTER
    return Verdict.CHANGED


def _cut(text: str) -> str:
    return one_line(text, VALUE_CHARS)


def figures(diff: SpanDiff) -> list[Figure]:
    """The columns of the figures row, in the engine's order (call, parameters, usage)."""
    out: list[Figure] = []
    for field in diff.fields:
        if field.name in _ONLY_IF_CHANGED and not field.changed:
            continue
        a, b = value_text(field.name, field.a), value_text(field.name, field.b)
        title = _TITLES.get(field.name) or field.name.replace("_", " ").capitalize()
        out.append(
            Figure(field.name, title, _cut(a), _cut(b), delta_text(field), verdict(field), a, b)
        )
    return out
