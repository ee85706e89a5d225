"""Text formats of the detail panes, derived from the widget's palette (light or dark).

Everything is built from the current palette when a pane renders, so a palette change (the user
switching the system theme) re-renders with matching colours.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
)

from inspector.ui.highlight import JsonFormats, is_dark, readable

# Role colours: (on light backgrounds, on dark backgrounds).
_ROLE_COLOURS: dict[str, tuple[str, str]] = {
    "system": ("#7b1fa2", "#ce93d8"),
    "developer": ("#7b1fa2", "#ce93d8"),
    "user": ("#1565c0", "#90caf9"),
    "human": ("#1565c0", "#90caf9"),
    "assistant": ("#2e7d32", "#a5d6a7"),
    "ai": ("#2e7d32", "#a5d6a7"),
    "model": ("#2e7d32", "#a5d6a7"),
    "tool": ("#c25100", "#ffb74d"),
    "function": ("#c25100", "#ffb74d"),
    "ipython": ("#c25100", "#ffb74d"),
}
_OTHER_ROLE = ("#546e7a", "#b0bec5")
_ERROR = ("#c62828", "#ef9a9a")
_OK = ("#2e7d32", "#a5d6a7")


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    """``a`` moved ``amount`` (0..1) of the way toward ``b``."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * amount,
        a.greenF() + (b.greenF() - a.greenF()) * amount,
        a.blueF() + (b.blueF() - a.blueF()) * amount,
    )


def monospace_font() -> QFont:
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


@dataclass
class Styles:
    """The formats one rendering uses. Build with :meth:`from_palette`."""

    palette: QPalette
    dark: bool
    text: QTextCharFormat
    mono: QTextCharFormat
    muted: QTextCharFormat
    bold: QTextCharFormat
    error: QTextCharFormat
    error_mono: QTextCharFormat
    marker: QTextCharFormat
    heading_block: QTextBlockFormat
    divider_block: QTextBlockFormat
    plain_block: QTextBlockFormat
    json: JsonFormats
    _roles: dict[str, tuple[QTextCharFormat, QTextBlockFormat]] = field(default_factory=dict)

    @classmethod
    def from_palette(cls, palette: QPalette) -> Styles:
        dark = is_dark(palette)
        base = palette.color(QPalette.ColorRole.Base)
        foreground = palette.color(QPalette.ColorRole.Text)

        text = QTextCharFormat()
        mono = QTextCharFormat()
        mono.setFontFamilies([monospace_font().family()])
        mono.setFontFixedPitch(True)
        muted = QTextCharFormat()
        muted.setForeground(readable(mix(foreground, base, 0.45), base, 3.0))
        bold = QTextCharFormat()
        bold.setFontWeight(QFont.Weight.Bold)
        error_colour = readable(QColor(_ERROR[dark]), base)
        error = QTextCharFormat()
        error.setForeground(error_colour)
        error.setFontWeight(QFont.Weight.Bold)
        error_mono = QTextCharFormat(mono)
        error_mono.setForeground(error_colour)
        marker = QTextCharFormat(muted)
        marker.setFontItalic(True)

        heading_block = QTextBlockFormat()
        heading_block.setTopMargin(6)
        divider_block = QTextBlockFormat()
        divider_block.setBackground(mix(base, foreground, 0.10))
        divider_block.setTopMargin(10)
        divider_block.setBottomMargin(4)
        return cls(
            palette=palette,
            dark=dark,
            text=text,
            mono=mono,
            muted=muted,
            bold=bold,
            error=error,
            error_mono=error_mono,
            marker=marker,
            heading_block=heading_block,
            divider_block=divider_block,
            plain_block=QTextBlockFormat(),
            json=JsonFormats(palette, mono),
        )

    def colour(self, pair: tuple[str, str]) -> QColor:
        return readable(QColor(pair[self.dark]), self.palette.color(QPalette.ColorRole.Base))

    @property
    def ok_colour(self) -> QColor:
        return self.colour(_OK)

    @property
    def error_colour(self) -> QColor:
        return self.colour(_ERROR)

    def role(self, role: str) -> tuple[QTextCharFormat, QTextBlockFormat]:
        """Header formats of a message role: bold coloured text on a lightly tinted line."""
        key = role.lower()
        found = self._roles.get(key)
        if found is None:
            colour = self.colour(_ROLE_COLOURS.get(key, _OTHER_ROLE))
            char = QTextCharFormat()
            char.setForeground(colour)
            char.setFontWeight(QFont.Weight.Bold)
            block = QTextBlockFormat(self.heading_block)
            base = self.palette.color(QPalette.ColorRole.Base)
            block.setBackground(mix(base, colour, 0.14))
            found = (char, block)
            self._roles[key] = found
        return found
