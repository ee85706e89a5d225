"""Diff colours derived from the widget's palette, so light and dark themes both read well.

Backgrounds are the palette's base colour tinted toward red (removed) or green (added): a
light tint for a whole line, a stronger one for the words that differ. Foregrounds (better /
worse figures, links) are nudged until they have enough contrast with the base colour.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPalette

from inspector.ui.detail.styles import mix
from inspector.ui.highlight import is_dark, readable

_RED = QColor("#e5534b")
_GREEN = QColor("#2da44e")
_AMBER = ("#9a6700", "#d4a72c")
_BETTER = ("#1a7f37", "#57ab5a")
_WORSE = ("#cf222e", "#f47067")


@dataclass(frozen=True)
class DiffColours:
    """Colours of one rendering (build with :meth:`from_palette`)."""

    base: QColor
    text: QColor
    removed_line: QColor
    removed_word: QColor
    added_line: QColor
    added_word: QColor
    missing: QBrush
    """Hatching for the side of a row or message that does not exist."""
    fold: QColor
    border: QColor
    muted: QColor
    link: QColor
    better: QColor
    worse: QColor
    changed: QColor
    """Neutral emphasis for a changed value that is neither better nor worse."""

    @classmethod
    def from_palette(cls, palette: QPalette) -> DiffColours:
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        dark = is_dark(palette)
        line, word = (0.22, 0.5) if dark else (0.13, 0.38)
        hatch = QBrush(mix(base, text, 0.22), Qt.BrushStyle.BDiagPattern)
        return cls(
            base=base,
            text=text,
            removed_line=mix(base, _RED, line),
            removed_word=mix(base, _RED, word),
            added_line=mix(base, _GREEN, line),
            added_word=mix(base, _GREEN, word),
            missing=hatch,
            fold=mix(base, text, 0.07),
            border=mix(base, text, 0.2),
            muted=readable(mix(text, base, 0.45), base, 3.0),
            link=readable(palette.color(QPalette.ColorRole.Link), base),
            better=readable(QColor(_BETTER[dark]), base),
            worse=readable(QColor(_WORSE[dark]), base),
            changed=readable(QColor(_AMBER[dark]), base),
        )
