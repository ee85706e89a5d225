"""Untrusted text in documents: hidden characters shown as marks, and copied back as they were.

The multi-line views (span detail, diffs) show every character of a trace's text. A bidi
override or isolate (see :data:`inspector.ui.text.HIDDEN`) would silently reorder the rest of
its line, so :func:`insert_marked` inserts each one as a visible ``<U+202E>`` whose character
format carries :data:`ORIGINAL`. :func:`copy_mime` turns those marks back into the characters
they stand for, so copying a selection gives the text the trace holds, not its display.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit

from inspector.ui.text import HIDDEN, mark

ORIGINAL = int(QTextFormat.Property.UserProperty) + 0x4D4B
"""Character-format property set on the text of a mark (its value: ``True``)."""
_MARK = re.compile(r"<U\+([0-9A-F]{4})>")
_MARK_SIZE = len(mark("\u202e"))  # every hidden character is in the BMP: one size for all
_FRAME_CHARS = str.maketrans("", "", "\ufdd0\ufdd1\ufdef")  # table and frame boundaries


def insert_marked(cursor: QTextCursor, text: str, fmt: QTextCharFormat) -> None:
    """``cursor.insertText(text, fmt)``, with each hidden character inserted as its mark."""
    if text.isascii() or HIDDEN.search(text) is None:  # isascii: 100x faster than the search
        cursor.insertText(text, fmt)
        return
    marked = QTextCharFormat(fmt)
    marked.setProperty(ORIGINAL, True)
    at = 0
    for found in HIDDEN.finditer(text):
        if found.start() > at:
            cursor.insertText(text[at : found.start()], fmt)
        cursor.insertText(mark(found.group()), marked)
        at = found.end()
    if at < len(text):
        cursor.insertText(text[at:], fmt)


def original_text(cursor: QTextCursor) -> tuple[str, bool]:
    """The selected text with marks turned back into their characters (blocks joined by
    ``\\n``), and whether it held any mark."""
    start, end = cursor.selectionStart(), cursor.selectionEnd()
    block = cursor.document().findBlock(start)
    lines: list[str] = []
    restored = False
    while block.isValid() and block.position() <= end:
        pieces: list[str] = []
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            fragments += 1
            first = fragment.position()
            low, high = max(first, start), min(first + fragment.length(), end)
            if low >= high:
                continue
            text = fragment.text()
            if fragment.charFormat().hasProperty(ORIGINAL):
                # Identical marks side by side share a fragment: take every mark touched.
                originals = [chr(int(code, 16)) for code in _MARK.findall(text)]
                touched = originals[(low - first) // _MARK_SIZE : -(-(high - first) // _MARK_SIZE)]
                pieces.append("".join(touched))
                restored = True
            else:
                pieces.append(text[low - first : high - first])
        lines.append("".join(pieces).translate(_FRAME_CHARS))
        block = block.next()
    return "\n".join(lines), restored


def copy_mime(cursor: QTextCursor, data: QMimeData) -> QMimeData:
    """What copying the selection puts on the clipboard: ``data`` (the widget's own, made by
    Qt) with its text made the original (plain text, as the trace has it) when the selection
    holds marks. Left as is without marks, or for a rectangle of table cells (Qt copies those
    cell by cell).

    The widget's own object is edited rather than a new QMimeData returned: Qt takes
    ownership of what this virtual returns, and an object made in Python was then deleted
    twice when the application exited (a segmentation fault after every test run that copied).
    """
    if not cursor.hasSelection() or cursor.hasComplexSelection():
        return data
    text, restored = original_text(cursor)
    if not restored:
        return data
    data.text()  # a text edit's mime data fills its formats in on first use: let it, then
    for name in data.formats():  # drop every format that carries the marks (html, markdown,
        data.removeFormat(name)  # ODF) and put the original text in their place
    data.setText(text)
    return data


class TraceTextEdit(QPlainTextEdit):
    """A plain-text view whose copy gives back the characters shown as marks."""

    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802 - Qt override
        return copy_mime(self.textCursor(), super().createMimeDataFromSelection())
