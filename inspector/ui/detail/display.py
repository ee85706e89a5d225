"""Preparing untrusted text for display (pure functions, no Qt).

Trace text is shown literally: control characters become visible symbols (an ANSI escape shows as
``␛[31m``), Windows newlines become plain ones, and lines too long for Qt to lay out quickly are
broken for display with a visible mark. Sizes and JSON helpers used by the detail panes live here
too, so they can be tested without a display.
"""

from __future__ import annotations

import re

import orjson

from inspector.ui.text import mark

# C0 controls (except tab and newline) and DEL become their Unicode "control picture" (U+2400
# block), so escapes show as ␛[31m instead of being dropped or interpreted.
_PICTURES = {code: 0x2400 + code for code in range(0x20) if code not in (0x09, 0x0A)}
_PICTURES[0x7F] = 0x2421
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

# Qt lays out a text block (a line) in one piece; a multi-megabyte line takes seconds, so lines
# longer than this are broken for display, each break marked with BREAK_MARK.
LONG_LINE = 20_000
BREAK_MARK = "↩"

# Pretty-printing needs the whole value parsed; past this size the text is shown as it is.
PRETTY_LIMIT = 2_000_000


def normalize_newlines(text: str) -> str:
    """``\\r\\n`` becomes ``\\n``; a lone ``\\r`` is kept (and later shown as ␍)."""
    return text.replace("\r\n", "\n") if "\r" in text else text


def visible(text: str) -> str:
    """Control characters (ESC, NUL, BEL, lone CR ...) replaced by visible control pictures."""
    if _CONTROLS.search(text) is None:
        return text
    return text.translate(_PICTURES)


def break_long_lines(text: str, column: int = 0, limit: int = LONG_LINE) -> tuple[str, int]:
    """Break lines longer than ``limit`` for display.

    Args:
        text: a piece of text, possibly the continuation of a line already ``column`` long.
        column: length of the current line before ``text``.
        limit: longest line left alone.

    Returns:
        The text with ``BREAK_MARK + "\\n"`` inserted where a line reaches ``limit``, and the
        length of the last line (to continue with the next piece).
    """
    if "\n" not in text and column + len(text) <= limit:
        return text, column + len(text)
    lines = text.split("\n")
    out: list[str] = []
    for index, line in enumerate(lines):
        start = column if index == 0 else 0
        if start + len(line) <= limit:
            out.append(line)
            column = start + len(line)
            continue
        pieces: list[str] = []
        first = limit - start
        pieces.append(line[:first])
        rest = line[first:]
        while len(rest) > limit:
            pieces.append(rest[:limit])
            rest = rest[limit:]
        pieces.append(rest)
        out.append((BREAK_MARK + "\n").join(pieces))
        column = len(rest)
    return "\n".join(out), column


def display_text(text: str) -> str:
    """What a text looks like on screen when shown in full (for callers and tests); hidden
    characters are marked as :func:`inspector.ui.marked.insert_marked` inserts them."""
    return mark(visible(break_long_lines(normalize_newlines(text))[0]))


def utf8_size(text: str) -> int:
    """Size of ``text`` in UTF-8 bytes (cheap for ASCII)."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def human_size(size: int) -> str:
    """``812 B``, ``100 KB``, ``20.0 MB`` (decimal units, as file managers show)."""
    if size < 1000:
        return f"{size} B"
    if size < 1_000_000:
        return f"{size / 1000:.0f} KB"
    if size < 1_000_000_000:
        return f"{size / 1e6:.1f} MB"
    return f"{size / 1e9:.1f} GB"


def pretty_json(text: str) -> str | None:
    """``text`` re-indented if it is a JSON object or array; ``None`` if it is not (or too big)."""
    stripped = text.lstrip()
    if not stripped or stripped[0] not in "[{" or len(text) > PRETTY_LIMIT:
        return None
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    return dumps_pretty(value)


def dumps_pretty(value: object) -> str:
    """Indented JSON for any value; what JSON cannot hold is shown with ``str``."""
    option = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS
    return orjson.dumps(value, option=option, default=str).decode()


def value_text(value: object) -> str:
    """An attribute value as text: strings as they are, other values as compact JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return orjson.dumps(value).decode()
    if isinstance(value, int | float):
        return repr(value)
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS, default=str).decode()
