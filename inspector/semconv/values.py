"""Small value helpers shared by the attribute dialects: lenient JSON, numbers, indexed keys."""

from __future__ import annotations

import ast
import math
from collections import defaultdict
from typing import Any

import orjson


def as_int(value: object) -> int | None:
    """An integer count from an attribute value (int, float or numeric string); else ``None``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else int(value)
    if isinstance(value, str):
        try:
            return int(float(value))
        except ValueError:
            return None
    return None


def as_float(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def as_str(value: object) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def loads_lenient(value: object) -> Any:
    """Decode a JSON string attribute; accept Python-repr text; return other values unchanged.

    Some instrumentors write ``str(dict)`` instead of JSON. Text that is neither is returned as
    the string it was.
    """
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text or text[0] not in '[{"0123456789-tfn':
        return value
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    if text[0] in "[{":
        try:
            return ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return value
    return value


def to_text(value: object) -> str | None:
    """Render any attribute value as display text (JSON for structures)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    except TypeError:
        return repr(value)


def indexed(attrs: dict[str, Any], prefix: str) -> dict[int, dict[str, Any]]:
    """Group flattened list keys ``<prefix>.<i>.<suffix>`` into ``{i: {suffix: value}}``.

    Indexes may be sparse or out of order; callers sort the result.
    """
    groups: dict[int, dict[str, Any]] = defaultdict(dict)
    start = prefix + "."
    cut = len(start)
    for key, value in attrs.items():
        if key.startswith(start):
            index, _, suffix = key[cut:].partition(".")
            if index.isdigit():
                groups[int(index)][suffix] = value
    return dict(groups)
