"""JSON highlighting for Qt text documents: lex once with pygments, insert formatted runs.

The text is lexed in one pass; adjacent tokens that end up with the same format are merged, and
each run is inserted with one ``QTextCursor.insertText`` call, so the cost is one call per
coloured run rather than per character or per line. Past :data:`HIGHLIGHT_LIMIT` the text is
inserted plain: lexing and formatting megabytes would freeze the window for seconds.

Colours come from a pygments style picked by the palette's lightness (``default`` on light,
``one-dark`` on dark backgrounds), and each colour is nudged until it has enough contrast with
the palette's base colour, so a custom or high-contrast palette stays readable. Backgrounds from
the style are never used: the view keeps the system palette.
"""

from __future__ import annotations

from collections.abc import Iterator

from pygments.lexers import JsonLexer
from pygments.style import StyleMeta
from pygments.styles import get_style_by_name
from pygments.token import Punctuation, Text, Whitespace, _TokenType, is_token_subtype
from PySide6.QtGui import QColor, QFont, QPalette, QTextCharFormat, QTextCursor

from inspector.ui.marked import insert_marked

HIGHLIGHT_LIMIT = 200_000
"""Texts longer than this (in characters) are not highlighted."""

LIGHT_STYLE = "default"
DARK_STYLE = "one-dark"
MIN_CONTRAST = 4.5  # WCAG AA for normal text

_LEXER = JsonLexer()
_UNCOLOURED = (Text, Whitespace, Punctuation)


def json_runs(text: str) -> Iterator[tuple[_TokenType, str]]:
    """Token runs covering ``text`` exactly, in order (one pygments pass, no preprocessing).

    ``get_tokens_unprocessed`` is used rather than ``get_tokens`` because the latter rewrites
    newlines and strips the text, which would shift it against what is shown.
    """
    for _, token_type, value in _LEXER.get_tokens_unprocessed(text):
        yield token_type, value


def is_dark(palette: QPalette) -> bool:
    """Whether the palette draws text on a dark background."""
    return palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable(colour: QColor, background: QColor, minimum: float = MIN_CONTRAST) -> QColor:
    """``colour`` made darker (on light) or lighter (on dark backgrounds) until readable."""
    out = QColor(colour)
    darken = background.lightnessF() >= 0.5
    for _ in range(20):
        if contrast(out, background) >= minimum:
            break
        out = out.darker(115) if darken else out.lighter(115)
        if not darken and out.value() == 255:
            # lighter() saturates at full value; move toward white instead.
            hue = max(0.0, out.hsvHueF())  # -1 for greys
            out = QColor.fromHsvF(hue, max(0.0, out.hsvSaturationF() - 0.1), 1.0, out.alphaF())
    return out


class JsonFormats:
    """Character formats for JSON token types, built from a palette and a base format.

    Args:
        palette: the palette of the view the text is shown in.
        base: the format plain (punctuation, whitespace) text gets, usually monospace.
    """

    def __init__(self, palette: QPalette, base: QTextCharFormat) -> None:
        self.base = base
        self.dark = is_dark(palette)
        self.style: StyleMeta = get_style_by_name(DARK_STYLE if self.dark else LIGHT_STYLE)
        self._background = palette.color(QPalette.ColorRole.Base)
        self._by_type: dict[_TokenType, QTextCharFormat] = {}
        self._by_look: dict[tuple[str, bool, bool], QTextCharFormat] = {}

    def format_for(self, token_type: _TokenType) -> QTextCharFormat:
        """The format of one token type (one shared object per distinct look)."""
        found = self._by_type.get(token_type)
        if found is not None:
            return found
        look = self.style.style_for_token(token_type)
        colour = look["color"]
        if not colour or any(is_token_subtype(token_type, kind) for kind in _UNCOLOURED):
            found = self.base
        else:
            key = (colour, bool(look["bold"]), bool(look["italic"]))
            found = self._by_look.get(key)
            if found is None:
                found = QTextCharFormat(self.base)
                found.setForeground(readable(QColor("#" + colour), self._background))
                if key[1]:
                    found.setFontWeight(QFont.Weight.Bold)
                if key[2]:
                    found.setFontItalic(True)
                self._by_look[key] = found
        self._by_type[token_type] = found
        return found


def insert_json(
    cursor: QTextCursor, text: str, formats: JsonFormats, limit: int = HIGHLIGHT_LIMIT
) -> bool:
    """Insert ``text`` at ``cursor``, highlighted as JSON when it is at most ``limit`` long.

    Returns:
        Whether the text was highlighted (``False``: inserted plain with the base format).
    """
    if len(text) > limit:
        insert_marked(cursor, text, formats.base)
        return False
    current: QTextCharFormat | None = None
    pieces: list[str] = []
    for token_type, value in json_runs(text):
        fmt = formats.format_for(token_type)
        if fmt is not current:
            if pieces and current is not None:
                insert_marked(cursor, "".join(pieces), current)
            current, pieces = fmt, []
        pieces.append(value)
    if pieces and current is not None:
        insert_marked(cursor, "".join(pieces), current)
    return True
