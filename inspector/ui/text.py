"""Turning store values into short cell texts (pure functions, no Qt).

Trace text is untrusted: :func:`one_line` makes control characters visible (an ANSI escape shows
as ``^[[31m``) so a name can neither colour nor break a row, and :func:`tooltip` escapes text
for Qt's tooltips, which render anything that looks like HTML as rich text. Both also show
invisible characters that would change how the text around them reads (see :data:`HIDDEN`).
"""

from __future__ import annotations

import html
import math
import re
from datetime import datetime

# Invisible characters that change how the text around them reads: bidirectional embeddings,
# overrides, isolates and marks (a name holding U+202E shows its tail reversed, "Trojan
# Source"), and the C1 controls (U+0080-U+009F; fonts draw them as nothing or as boxes). They
# are shown as "<U+202E>": plain ASCII that every font has, and searchable. Characters that
# only join or shape (ZWJ in emoji, ZWNJ in Persian) are left alone: they reorder nothing.
_HIDDEN_CODES = (
    *range(0x80, 0xA0),
    0x061C,  # ARABIC LETTER MARK
    0x200E,  # LEFT-TO-RIGHT MARK
    0x200F,  # RIGHT-TO-LEFT MARK
    *range(0x202A, 0x202F),  # LRE, RLE, PDF, LRO, RLO
    *range(0x2066, 0x206A),  # LRI, RLI, FSI, PDI
)
HIDDEN = re.compile("[" + "".join(re.escape(chr(c)) for c in _HIDDEN_CODES) + "]")
"""Matches one character that :func:`mark` shows visibly."""
_MARKS = {code: f"<U+{code:04X}>" for code in _HIDDEN_CODES}

# Control characters in caret notation (ESC -> "^[", as terminals echo it): visible, plain
# ASCII that every font has. A newline shows as "↵" on one-line displays (so do the Unicode
# line and paragraph separators, which Qt breaks lines at); a tab as a space.
_CARET: dict[int, str] = {code: "^" + chr(code + 0x40) for code in range(0x20)} | {0x7F: "^?"}
_ONE_LINE = _CARET | _MARKS | {0x0A: "↵", 0x09: " ", 0x0D: "", 0x2028: "↵", 0x2029: "↵"}
_MULTI_LINE = _CARET | _MARKS | {0x0A: "\n", 0x09: "\t", 0x0D: ""}

DASH = "—"


def one_line(text: str, limit: int = 300) -> str:
    """A single display line: control characters shown as symbols, :data:`HIDDEN` characters as
    ``<U+202E>``, long text cut with "…"."""
    if len(text) > limit:
        text = text[:limit] + "…"
    return text.translate(_ONE_LINE)


def mark(text: str) -> str:
    """``text`` with each :data:`HIDDEN` character written as ``<U+202E>`` (nothing else)."""
    return text.translate(_MARKS)


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


TINY_COST = 0.00001
"""Costs below this (a hundred-thousandth of a dollar) show as ``<$0.00001``."""


def cost(value: float | None) -> str:
    """Dollars, short enough for a narrow column: ``$12.34``, ``$0.123``, two significant digits
    for fractions of a cent (``$0.0042``, ``$0.000036``), and ``<$0.00001`` below that (next
    to nothing; more digits would not fit). ``$0`` for zero, ``?`` when unknown."""
    if value is None:
        return "?"
    if value < 0:
        return "-" + cost(-value)
    if value == 0:
        return "$0"
    if value < TINY_COST:
        return f"<${TINY_COST:.5f}"
    if value < 0.01:
        value = float(f"{value:.2g}")  # round first: 0.0000996 is $0.00010, 0.00996 is $0.010
    if value < 0.01:
        decimals = max(4, 1 - math.floor(math.log10(value)))
        return f"${value:.{decimals}f}"
    if value < 1 and (shown := f"{value:.3f}") != "1.000":
        return "$" + shown
    return f"${value:.2f}"


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
