"""Starting the window: ``trace-inspector [PATH] [--screenshot FILE] [--select SPAN_ID]``.

``--screenshot`` opens PATH (or the demo), waits until loading is done and the window is idle,
selects the first run (or the run of SPAN_ID, with that span revealed), saves a PNG of the
window at 1280x800 and exits: 0 on success, 2 when PATH cannot be opened or SPAN_ID is unknown.
It works headless (``QT_QPA_PLATFORM=offscreen``).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from inspector.resources import demo_trace
from inspector.ui import gcpolicy
from inspector.ui.mainwindow import MainWindow

ORGANIZATION = "trace-inspector"
APPLICATION = "Trace Inspector"
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_UNUSABLE = 2
SCREENSHOT_SIZE = (1280, 800)
SCREENSHOT_TIMEOUT_MS = 120_000


def build_parser() -> argparse.ArgumentParser:
    """The window's options; adding one is one ``add_argument`` line."""
    parser = argparse.ArgumentParser(
        prog="trace-inspector",
        description="Inspect LLM agent traces: OTLP JSON, OpenInference, OTel GenAI, SQLite "
        "stores. Without PATH, the bundled demo trace opens.",
    )
    parser.add_argument("path", nargs="?", help="a trace file, a folder, or a SQLite store")
    parser.add_argument(
        "--screenshot", metavar="FILE", help="save a PNG of the window once loaded, then exit"
    )
    parser.add_argument(
        "--select",
        metavar="SPAN_ID",
        help="select this span (its run, with its ancestors expanded)",
    )
    return parser


def application(qt_args: list[str]) -> QApplication:
    """The QApplication (an existing one is reused, e.g. under pytest-qt)."""
    existing = QApplication.instance()
    app = (
        existing
        if isinstance(existing, QApplication)
        else QApplication([sys.argv[0] if sys.argv else "trace-inspector", *qt_args])
    )
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    return app


def run_gui(argv: list[str]) -> int:
    """Run the window (or take a screenshot); returns the process exit code."""
    args, unknown = build_parser().parse_known_args(argv)
    app = application(unknown)  # unknown options may be Qt's own (-style, -platform …)
    gcpolicy.tune()
    path = Path(args.path) if args.path else demo_trace()
    if args.screenshot:
        return _screenshot(app, path, Path(args.screenshot), args.select)
    window = MainWindow(QSettings())
    window.reporter.install()
    try:
        window.restore_state()
        window.show()
        opened = window.open_path(path)
        if opened and args.select:
            _select_when_loaded(window, args.select)
        return int(app.exec())
    finally:
        window.reporter.uninstall()
        window.shutdown()


def _select_when_loaded(window: MainWindow, span_prefix: str) -> None:
    def select() -> None:
        if window.session is None:
            return
        found = _find_span(window, span_prefix)
        if found is None:
            window.show_message(f"No span with id {span_prefix}")
        else:
            window.reveal_span(*found)

    window.load_finished.connect(select)


def _find_span(window: MainWindow, span_prefix: str) -> tuple[str, str] | None:
    assert window.session is not None
    matches = window.session.reader.find_spans(span_prefix.strip().lower(), limit=10)
    exact = [m for m in matches if m[1] == span_prefix.strip().lower()]
    chosen = exact or matches
    return chosen[0] if chosen else None


class _Screenshot:
    """Drives one screenshot: open → loaded → select → idle → grab → exit code."""

    def __init__(self, window: MainWindow, out: Path, select: str | None) -> None:
        self.window = window
        self.out = out
        self.select = select
        self.loop = QEventLoop()
        self.code = EXIT_FAILED
        self.message = ""
        self._idle_ticks = 0
        self._poll = QTimer()
        self._poll.setInterval(40)
        self._poll.timeout.connect(self._check_idle)
        self._deadline = QTimer()
        self._deadline.setSingleShot(True)
        self._deadline.timeout.connect(
            lambda: self._finish(EXIT_FAILED, "timed out waiting for the window to be ready")
        )

    def run(self, path: Path) -> int:
        self.window.load_finished.connect(self._loaded)
        self._deadline.start(SCREENSHOT_TIMEOUT_MS)
        if not self.window.open_path(path):
            return EXIT_UNUSABLE
        self.loop.exec()
        return self.code

    def _loaded(self) -> None:
        window = self.window
        if window.session is None:
            return
        if window.session.error:
            self._finish(
                EXIT_UNUSABLE, f"cannot read {window.session.path}: {window.session.error}"
            )
            return
        if self.select:
            found = _find_span(window, self.select)
            if found is None:
                self._finish(
                    EXIT_UNUSABLE, f"no span with id {self.select!r} in {window.session.path}"
                )
                return
            window.reveal_span(*found)
        elif window.runs.model.rowCount() > 0:
            window.runs.select_row(0)
        self._poll.start()

    def _check_idle(self) -> None:
        # idle for a few consecutive polls: queued signals and repaints have run
        self._idle_ticks = self._idle_ticks + 1 if self.window.is_idle() else 0
        if self._idle_ticks < 3:
            return
        self._poll.stop()
        image = self.window.grab()
        if image.isNull() or not image.save(str(self.out), "PNG"):
            self._finish(EXIT_FAILED, f"could not write {self.out}")
        else:
            self._finish(EXIT_OK, "")

    def _finish(self, code: int, message: str) -> None:
        self._poll.stop()
        self._deadline.stop()
        self.code, self.message = code, message
        self.loop.exit(code)


def _screenshot(app: QApplication, path: Path, out: Path, select: str | None) -> int:
    del app  # the QApplication must exist; the job runs its own event loop
    settings = QSettings()  # read-only use: a screenshot never saves window state
    window = MainWindow(settings, interactive=False)
    window.reporter.install()
    messages: list[str] = []
    window.open_failed.connect(messages.append)
    try:
        window.resize(*SCREENSHOT_SIZE)
        window.show()
        job = _Screenshot(window, out, select)
        code = job.run(path)
        if job.message:
            messages.append(job.message)
        if code == EXIT_OK and window.reporter.count:
            code = EXIT_FAILED
            messages.append("internal errors happened while preparing the screenshot")
        for message in messages:
            print(f"trace-inspector: {message}", file=sys.stderr)
        return code
    finally:
        window.reporter.uninstall()
        window.shutdown()
        window.close()
        window.deleteLater()


logging.getLogger("inspector").addHandler(logging.NullHandler())
