"""Run one chart on its own with a trace: ``python -m inspector.ui.charts.<chart> PATH``.

Loads PATH (file, folder or store) synchronously with :class:`Workspace` and shows the chart.
``--screenshot FILE`` saves a PNG and exits; ``--dark`` uses a dark palette; ``--size WxH``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from inspector.store.queries import StoreReader
from inspector.ui.darkpalette import dark_palette
from inspector.workspace import Workspace

Build = Callable[[StoreReader, argparse.Namespace], QWidget]


def run_preview(
    name: str,
    build: Build,
    argv: list[str] | None,
    extra: Callable[[argparse.ArgumentParser], None],
) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m inspector.ui.charts.{name}")
    parser.add_argument("path", type=Path, help="trace file, folder or store")
    parser.add_argument("--screenshot", type=Path, help="save a PNG of the chart and exit")
    parser.add_argument("--dark", action="store_true", help="use a dark palette")
    parser.add_argument("--size", default="1200x700", help="window size, WIDTHxHEIGHT")
    extra(parser)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setStyle("Fusion")
    if args.dark:
        app.setPalette(dark_palette())
    workspace = Workspace(args.path)
    try:
        workspace.load()
        reader = workspace.reader()
        try:
            widget = build(reader, args)
        finally:
            reader.close()
        width, _, height = args.size.partition("x")
        widget.resize(int(width), int(height))
        widget.setWindowTitle(f"{name}: {args.path.name}")
        widget.show()
        if args.screenshot:

            def save() -> None:
                widget.grab().save(str(args.screenshot))
                app.quit()

            QTimer.singleShot(200, save)
        return app.exec()
    finally:
        workspace.close()


def _pick_run(reader: StoreReader, which: str | None) -> str:
    runs = reader.runs(0, 10_000)
    if not runs:
        raise SystemExit("no runs in this trace")
    if which is None:
        return runs[0].trace_id
    if which.isdigit() and int(which) < len(runs):
        return runs[int(which)].trace_id
    for run in runs:
        if run.trace_id.startswith(which):
            return run.trace_id
    raise SystemExit(f"no run {which!r}")


def preview_waterfall(argv: list[str] | None = None) -> int:
    from inspector.ui.charts.waterfall import WaterfallWidget

    def extra(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--run", help="run index (newest first) or trace id prefix")
        parser.add_argument("--critical", action="store_true", help="show the critical path")
        parser.add_argument("--select", help="span id (prefix) to highlight")

    def build(reader: StoreReader, args: argparse.Namespace) -> QWidget:
        widget = WaterfallWidget()
        trace_id = _pick_run(reader, args.run)
        rows = reader.span_rows(trace_id)
        widget.set_run(rows)
        if args.critical:
            widget.set_critical_path(True)
        if args.select:
            match = [r.span_id for r in rows if r.span_id.startswith(args.select)]
            if match:
                widget.highlight_span(match[0])
        return widget

    return run_preview("waterfall", build, argv, extra)


def preview_latency(argv: list[str] | None = None) -> int:
    from inspector.charts.loaders import load_latency
    from inspector.ui.charts.latency import LatencyWidget

    def extra(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--by", choices=("model", "name"), default="model")

    def build(reader: StoreReader, args: argparse.Namespace) -> QWidget:
        widget = LatencyWidget()
        widget.set_group_by(args.by)
        widget.set_data(load_latency(reader))
        return widget

    return run_preview("latency", build, argv, extra)


def preview_tokens(argv: list[str] | None = None) -> int:
    from inspector.charts.loaders import load_tokens
    from inspector.ui.charts.tokens import TokensWidget

    def build(reader: StoreReader, args: argparse.Namespace) -> QWidget:
        widget = TokensWidget()
        widget.set_data(load_tokens(reader))
        return widget

    return run_preview("tokens", build, argv, lambda parser: None)
