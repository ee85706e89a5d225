"""Find in spans: a find bar (text, "all runs", previous/next) and the list of matches.

The search itself runs in SQL on a worker (``StoreReader.search`` over names and payloads);
this module only holds the bar and the position in the results.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

Match = tuple[str, str]  # (trace_id, span_id)


class FindState:
    """Search results and the current one; stepping wraps around."""

    def __init__(self) -> None:
        self.text = ""
        self.all_runs = False
        self.matches: list[Match] = []
        self.current = -1

    def set_results(self, text: str, all_runs: bool, matches: list[Match]) -> None:
        self.text, self.all_runs, self.matches, self.current = text, all_runs, matches, -1

    def clear(self) -> None:
        self.set_results("", self.all_runs, [])

    def step(self, forward: bool = True) -> Match | None:
        if not self.matches:
            return None
        if self.current < 0:
            self.current = 0 if forward else len(self.matches) - 1
        else:
            self.current = (self.current + (1 if forward else -1)) % len(self.matches)
        return self.matches[self.current]

    def in_run(self, trace_id: str) -> list[str]:
        return [span for trace, span in self.matches if trace == trace_id]


class FindBar(QWidget):
    """Ctrl+F bar: typing searches (debounced), Enter/F3 steps, Escape closes."""

    search_requested = Signal(str, bool)
    step_requested = Signal(bool)
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Find in span names and content…")
        self.edit.setClearButtonEnabled(True)
        self.all_runs = QCheckBox("All runs")
        self.all_runs.setToolTip("Search every run, not only the selected one")
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setMinimumWidth(90)
        previous = QToolButton()
        previous.setText("▲")
        previous.setToolTip("Previous match (Shift+F3)")
        previous.setAutoRaise(True)
        following = QToolButton()
        following.setText("▼")
        following.setToolTip("Next match (F3)")
        following.setAutoRaise(True)
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Close (Esc)")
        close.setAutoRaise(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(QLabel("Find:"))
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.status)
        layout.addWidget(previous)
        layout.addWidget(following)
        layout.addWidget(self.all_runs)
        layout.addWidget(close)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self._emit_search)
        self.edit.textChanged.connect(lambda _text: self._debounce.start())
        self.all_runs.toggled.connect(lambda _on: self._emit_search())
        self.edit.returnPressed.connect(self._on_return)
        previous.clicked.connect(lambda: self.step_requested.emit(False))
        following.clicked.connect(lambda: self.step_requested.emit(True))
        close.clicked.connect(self.close_bar)

    def open_bar(self) -> None:
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()

    def _on_return(self) -> None:
        if self._debounce.isActive():
            self._debounce.stop()
            self._emit_search()
        else:
            self.step_requested.emit(True)

    def _emit_search(self) -> None:
        self._debounce.stop()
        self.search_requested.emit(self.edit.text(), self.all_runs.isChecked())

    def search_now(self, text: str) -> None:
        """Set the text and search at once (no debounce)."""
        self.edit.setText(text)
        self._emit_search()

    def set_status(self, message: str) -> None:
        self.status.setText(message)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        super().keyPressEvent(event)
