"""Starting the window: ``trace-inspector [PATH] [--view VIEW] [--select SPAN_ID]
[--compare SPAN_A SPAN_B] [--no-follow] [--screenshot FILE]``.

The opened path is followed as it grows unless ``--no-follow`` (or ``--screenshot``) is given.
``--view`` shows a tab below the runs table (``waterfall``, ``latency``, ``tokens``);
``--compare`` opens the diff of two spans (ids or unique prefixes) once loaded.

``--screenshot`` opens PATH (or the demo), waits until loading is done and the window is idle,
selects the first run (or the run of SPAN_ID, with that span revealed) and saves a PNG, then
exits: of the window at 1280x800; with ``--view``, of that chart alone; with ``--compare``, of
the diff window. Exit status 0 on success, 2 when PATH cannot be opened or a span id is unknown
or ambiguous. It works headless (``QT_QPA_PLATFORM=offscreen``).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from inspector.cli import find_span
from inspector.resources import demo_trace
from inspector.ui import gcpolicy
from inspector.ui.chartspanel import CHARTS
from inspector.ui.mainwindow import VIEWS, MainWindow
from inspector.ui.qtlog import quiet_platform_noise

if TYPE_CHECKING:
    from inspector.ui.diffview import DiffWindow

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
    parser.add_argument(
        "--view",
        choices=VIEWS,
        help="show this tab below the runs (with --screenshot: save that chart alone)",
    )
    parser.add_argument(
        "--compare",
        nargs=2,
        metavar=("SPAN_A", "SPAN_B"),
        help="open the diff of two spans (ids or unique prefixes) once loaded",
    )
    parser.add_argument(
        "--no-follow",
        action="store_true",
        help="read PATH once; do not follow what is appended to it (Live > Follow File turns "
        "following on later)",
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
    with quiet_platform_noise():
        if args.screenshot:
            job = _Screenshot(Path(args.screenshot), args.select, args.view, args.compare)
            return _screenshot(app, path, job)
        return _interactive(app, path, args)


def _interactive(app: QApplication, path: Path, args: argparse.Namespace) -> int:
    window = MainWindow(QSettings())
    window.follow_on_open = not args.no_follow
    window.reporter.install()
    try:
        window.restore_state()
        if args.view:
            window.show_view(args.view)
        window.show()
        opened = window.open_path(path)
        if opened and args.select:
            _select_when_loaded(window, args.select)
        if opened and args.compare:
            _compare_when_loaded(window, args.compare)
        return int(app.exec())
    finally:
        window.reporter.uninstall()
        window.shutdown()


def _once_loaded(window: MainWindow, action: Callable[[], None]) -> None:
    """Run ``action`` after the first load (later loads of other paths do not)."""

    def run() -> None:
        window.load_finished.disconnect(run)
        if window.session is not None:
            action()

    window.load_finished.connect(run)


def _select_when_loaded(window: MainWindow, span_prefix: str) -> None:
    def select() -> None:
        found = _find_span(window, span_prefix)
        if found is None:
            window.show_message(f"No span with id {span_prefix}")
        else:
            window.reveal_span(*found)

    _once_loaded(window, select)


def _compare_when_loaded(window: MainWindow, prefixes: list[str]) -> None:
    def compare() -> None:
        refs = _compare_refs(window, prefixes)
        if isinstance(refs, str):
            window.show_message(f"Cannot compare: {refs}")
            return
        _open_compare(window, refs)

    _once_loaded(window, compare)


def _compare_refs(
    window: MainWindow, prefixes: list[str]
) -> tuple[tuple[str, str], tuple[str, str]] | str:
    """The two spans to compare, or why not (no such span, or an ambiguous prefix)."""
    assert window.session is not None
    refs: list[tuple[str, str]] = []
    for prefix in prefixes:
        found = find_span(window.session.reader, prefix.strip().lower())
        if isinstance(found, str):
            return found
        refs.append(found)
    return refs[0], refs[1]


def _open_compare(window: MainWindow, refs: tuple[tuple[str, str], tuple[str, str]]) -> DiffWindow:
    from inspector.ui.diffview import open_compare

    assert window.session is not None
    diff = open_compare(window, window.session.workspace, *refs)
    window.compare.adopt(diff)
    return diff


def _find_span(window: MainWindow, span_prefix: str) -> tuple[str, str] | None:
    assert window.session is not None
    matches = window.session.reader.find_spans(span_prefix.strip().lower(), limit=10)
    exact = [m for m in matches if m[1] == span_prefix.strip().lower()]
    chosen = exact or matches
    return chosen[0] if chosen else None


class _Screenshot:
    """Drives one screenshot: open → loaded → select → idle → grab → exit code.

    What is grabbed: the window; with ``view``, that chart; with ``compare``, the diff window
    (once its workers have been idle for a moment).
    """

    def __init__(
        self,
        out: Path,
        select: str | None,
        view: str | None = None,
        compare: list[str] | None = None,
    ) -> None:
        self.out = out
        self.select = select
        self.view = view
        self.compare = compare
        self.window: MainWindow | None = None
        self._keep: object = None  # the diff screenshot's polling timer
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

    def run(self, window: MainWindow, path: Path) -> int:
        self.window = window
        window.load_finished.connect(self._loaded)
        self._deadline.start(SCREENSHOT_TIMEOUT_MS)
        if not window.open_path(path, follow=False):
            return EXIT_UNUSABLE
        self.loop.exec()
        return self.code

    def _loaded(self) -> None:
        window = self.window
        if window is None or window.session is None:
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
        if self.compare:
            self._start_compare(window, self.compare)
            return
        if self.view:
            window.show_view(self.view)
            if self.view in CHARTS:
                window.runs.hide()  # the chart alone is saved: give it the window's height
        self._poll.start()

    def _start_compare(self, window: MainWindow, prefixes: list[str]) -> None:
        from inspector.ui.diffview.screenshot import save_when_idle

        refs = _compare_refs(window, prefixes)
        if isinstance(refs, str):
            self._finish(EXIT_UNUSABLE, refs)
            return
        diff = _open_compare(window, refs)
        diff.resize(*SCREENSHOT_SIZE)

        def saved() -> None:
            if self.out.exists():
                self._finish(EXIT_OK, "")
            else:
                self._finish(EXIT_FAILED, f"could not write {self.out}")

        self._keep = save_when_idle(diff, self.out, saved, timeout_ms=SCREENSHOT_TIMEOUT_MS)

    def _check_idle(self) -> None:
        window = self.window
        assert window is not None
        # idle for a few consecutive polls: queued signals and repaints have run
        self._idle_ticks = self._idle_ticks + 1 if window.is_idle() else 0
        if self._idle_ticks < 3:
            return
        self._poll.stop()
        if self.view in CHARTS:
            saved = window.charts.pages[self.view].grab().save(str(self.out), "PNG")
        else:
            image = window.grab()
            saved = not image.isNull() and image.save(str(self.out), "PNG")
        if not saved:
            self._finish(EXIT_FAILED, f"could not write {self.out}")
        else:
            self._finish(EXIT_OK, "")

    def _finish(self, code: int, message: str) -> None:
        self._poll.stop()
        self._deadline.stop()
        self.code, self.message = code, message
        self.loop.exit(code)


def _screenshot(app: QApplication, path: Path, job: _Screenshot) -> int:
    del app  # the QApplication must exist; the job runs its own event loop
    settings = QSettings()  # read-only use: a screenshot never saves window state
    window = MainWindow(settings, interactive=False)
    window.follow_on_open = False  # a followed source is never "done": the grab must happen
    window.reporter.install()
    messages: list[str] = []
    window.open_failed.connect(messages.append)
    try:
        window.resize(*SCREENSHOT_SIZE)
        window.show()
        code = job.run(window, path)
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
