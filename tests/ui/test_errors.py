"""The exception hook: bugs are logged and shown with their traceback; the app keeps running."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from inspector.ui.errors import ErrorReporter

pytestmark = pytest.mark.gui


def raise_and_capture() -> tuple[type[BaseException], BaseException, object]:
    try:
        raise RuntimeError("boom <b>not bold</b>")
    except RuntimeError:
        kind, error, trace = sys.exc_info()
        assert kind is not None and error is not None
        return kind, error, trace


def test_hook_logs_and_shows_the_traceback(qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    reporter = ErrorReporter(lambda: None)
    shown: list[str] = []

    def close_dialog() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        shown.append(box.detailedText())
        box.accept()

    QTimer.singleShot(0, close_dialog)
    kind, error, trace = raise_and_capture()
    reporter.hook(kind, error, trace)  # type: ignore[arg-type]
    assert reporter.count == 1
    assert "RuntimeError: boom <b>not bold</b>" in shown[0]
    assert "raise_and_capture" in shown[0]
    assert "internal error" in caplog.text


def test_install_and_headless_mode(capsys: pytest.CaptureFixture[str]) -> None:
    reporter = ErrorReporter(lambda: None, interactive=False)
    previous = sys.excepthook
    reporter.install()
    try:
        assert sys.excepthook == reporter.hook
        kind, error, trace = raise_and_capture()
        sys.excepthook(kind, error, trace)  # type: ignore[arg-type]
    finally:
        reporter.uninstall()
    assert sys.excepthook is previous
    assert reporter.count == 1
    assert "RuntimeError: boom" in capsys.readouterr().err
