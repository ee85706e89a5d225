"""Saving a picture of a diff window once its workers are done (for ``--screenshot``)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from inspector.ui.diffview.window import DiffWindow

POLL_MS = 25
IDLE_TICKS = 4
"""Consecutive idle polls (100 ms) before grabbing: results are in and laid out."""


def save_when_idle(
    window: DiffWindow, path: Path, done: Callable[[], None], timeout_ms: int = 120_000
) -> QObject:
    """Grab ``window`` into ``path`` (PNG) once no worker of it has run for a moment, then
    call ``done``. Gives up after ``timeout_ms`` (grabbing what is shown).

    Returns the polling timer (keep it alive; it stops itself).
    """
    timer = QTimer(window)
    timer.setInterval(POLL_MS)
    state = {"idle": 0, "left": timeout_ms // POLL_MS}

    def poll() -> None:
        state["left"] -= 1
        state["idle"] = 0 if window.is_busy() else state["idle"] + 1
        if state["idle"] < IDLE_TICKS and state["left"] > 0:
            return
        timer.stop()
        if state["left"] <= 0:
            print("diffview: timed out waiting for the diff; saving what is shown", file=sys.stderr)
        if not window.grab().save(str(path)):
            print(f"diffview: could not save {path}", file=sys.stderr)
        done()

    timer.timeout.connect(poll)
    timer.start()
    return timer
