"""Dropping one known, harmless Qt message; everything else goes where it went before.

The offscreen platform (used for ``--screenshot`` and in CI) prints "This plugin does not
support propagateSizeHints()" for every window shown: noise that says nothing about the app.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QMessageLogContext, QtMsgType, qFormatLogMessage, qInstallMessageHandler

DROPPED = frozenset({"This plugin does not support propagateSizeHints()"})

Handler = Callable[[QtMsgType, QMessageLogContext, str], None]


@contextmanager
def quiet_platform_noise() -> Iterator[None]:
    """While inside, messages in :data:`DROPPED` are dropped; the others reach the handler
    installed before (e.g. pytest-qt's), or are printed as Qt's default handler would."""
    previous: Handler | None = None

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if message in DROPPED:
            return
        if previous is not None:
            previous(kind, context, message)
        else:
            sys.stderr.write(qFormatLogMessage(kind, context, message) + "\n")

    previous = qInstallMessageHandler(handler)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)
