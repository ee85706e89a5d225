"""Turning store values into short cell texts (pure functions, no Qt).

Trace text is untrusted: :func:`one_line` makes control characters visible (an ANSI escape shows
as ``^[[31m``) so a name can neither colour nor break a row, and :func:`tooltip` escapes text
for Qt's tooltips, which render anything that looks like HTML as rich text.
"""

from __future__ import annotations

import html
import math
from datetime import datetime

# C0 controls and DEL become their Unicode "control picture" (U+2400 block): visible, one cell.
# Control characters in caret notation (ESC -> "^[", as terminals echo it): visible, plain
# ASCII that every font has. A newline shows as "↵" on one-line displays; a tab as a space.
_CARET: dict[int, str] = {code: "^" + chr(code + 0x40) for code in range(0x20)} | {0x7F: "^?"}
_ONE_LINE = _CARET | {0x0A: "↵", 0x09: " ", 0x0D: ""}
_MULTI_LINE = _CARET | {0x0A: "\n", 0x09: "\t", 0x0D: ""}

DASH = "—"


def one_line(text: str, limit: int = 300) -> str:
    """A single display line: control characters shown as symbols, long text cut with "…"."""
    if len(text) > limit:
        text = text[:limit] + "…"
    return text.translate(_ONE_LINE)


def tooltip(text: str) -> str:
    """Rich-text tooltip that shows ``text`` literally (``<b>`` stays ``<b>``).

    Qt decides per tooltip whether it is rich text, so plain text that looks like markup would be
    interpreted. Escaping and wrapping in ``<qt>`` forces rich text whose visible text is
    exactly ``text``.
    """
    body = html.escape(text.translate(_MULTI_LINE), quote=False)
    return "<qt><p style='white-space:pre-wrap'>" + body.replace("\n", "<br>") + "</p></qt>"


def duration(ns: int | None) -> str:
    """``850 µs``, ``12.3 ms``, ``4.56 s``, ``2 m 05 s``; empty when unknown."""
    if ns is None:
        return ""
    if ns < 1_000_000:
        return f"{ns / 1000:.0f} µs"
    if ns < 1_000_000_000:
        return f"{ns / 1e6:.1f} ms"
    seconds = ns / 1e9
    if seconds < 60:
        return f"{seconds:.2f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} m {rest:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} m"


def count(value: int | None) -> str:
    """Thousands-separated integer; empty when unknown."""
    return "" if value is None else f"{value:,}"


def compact(value: int | None) -> str:
    """``950``, ``9,600``, ``12.3k``, ``4.72M``; ``?`` when unknown (fits narrow columns)."""
    if value is None:
        return "?"
    if value < 10_000:
        return f"{value:,}"
    if value < 1_000_000:
        return f"{value / 1000:.1f}k"
    return f"{value / 1_000_000:.2f}M"


def cost(value: float | None) -> str:
    """Dollar amount with enough digits for fractions of a cent; ``?`` when unknown."""
    if value is None:
        return "?"
    if value == 0:
        return "$0"
    if value < 0.01:
        # two significant digits for fractions of a cent: $0.0042, $0.000036
        decimals = min(8, max(4, 1 - math.floor(math.log10(value))))
        return f"${value:.{decimals}f}"
    return f"${value:.2f}" if value >= 1 else f"${value:.3f}"


def local_time(ns: int | None) -> str:
    """Start time in the user's local time zone, to the second."""
    if ns is None:
        return ""
    return datetime.fromtimestamp(ns / 1e9).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def local_time_full(ns: int | None) -> str:
    """Local time with milliseconds and the zone, for tooltips."""
    if ns is None:
        return "unknown"
    moment = datetime.fromtimestamp(ns / 1e9).astimezone()
    return (
        moment.strftime("%Y-%m-%d %H:%M:%S.")
        + f"{moment.microsecond // 1000:03d} "
        + (moment.strftime("%Z") or moment.strftime("%z"))
    )
