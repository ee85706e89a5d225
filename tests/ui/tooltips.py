"""What a tooltip shows the user: Qt renders a tooltip as rich text when it looks like markup."""

from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtGui import QTextDocument


def shown_as(tip: str) -> str:
    """The plain text a tooltip displays."""
    document = QTextDocument()
    if QtGui.Qt.mightBeRichText(tip):
        document.setHtml(tip)
    else:
        document.setPlainText(tip)
    return document.toPlainText()
