"""The one place bugs end up: log the traceback, show it in a dialog, keep the app running.

Environment problems (unreadable files, bad records) never come here; they are messages and
Problems entries. Tracebacks from worker threads arrive as text via :func:`report`.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

log = logging.getLogger("inspector.ui")

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


class ErrorReporter:
    """Logs bugs and shows each in a dialog (unless headless, e.g. while taking a screenshot).

    Args:
        parent: returns the window to put dialogs over (or ``None``).
        interactive: show dialogs; when false the traceback only goes to the log and stderr.
    """

    def __init__(self, parent: Callable[[], QWidget | None], *, interactive: bool = True) -> None:
        self._parent = parent
        self.interactive = interactive
        self.count = 0
        self._showing = False
        self._previous: ExceptHook | None = None

    def install(self) -> None:
        """Become ``sys.excepthook`` (exceptions in Qt slots and event handlers land here)."""
        self._previous = sys.excepthook
        sys.excepthook = self.hook

    def uninstall(self) -> None:
        if self._previous is not None and sys.excepthook == self.hook:
            sys.excepthook = self._previous
        self._previous = None

    def hook(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        self.report("".join(traceback.format_exception(exc_type, exc, tb)))

    def report(self, trace: str) -> None:
        """Log a bug's traceback and show it; re-entrant failures are only logged."""
        self.count += 1
        log.error("internal error:\n%s", trace)
        if not self.interactive or self._showing or QApplication.instance() is None:
            print(trace, file=sys.stderr)
            return
        self._showing = True
        try:
            box = QMessageBox(self._parent())
            box.setIcon(QMessageBox.Icon.Critical)
            box.setWindowTitle("Trace Inspector — internal error")
            box.setTextFormat(Qt.TextFormat.PlainText)
            last = trace.strip().splitlines()[-1] if trace.strip() else "unknown error"
            box.setText(
                "Something went wrong inside Trace Inspector. The window keeps running; "
                "the data you see is still valid.\n\n" + last
            )
            box.setInformativeText("Please report this with the details below.")
            box.setDetailedText(trace)
            box.exec()
        finally:
            self._showing = False
