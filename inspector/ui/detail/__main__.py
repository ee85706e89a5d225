"""Preview the span detail on its own: ``python -m inspector.ui.detail PATH [SPAN_ID]``.

Opens PATH (a trace file, folder or store), loads it synchronously and shows the span whose id
starts with SPAN_ID, or else the first LLM span. ``--screenshot FILE`` saves a PNG and exits;
``--tab`` picks the tab, ``--dark`` uses a dark palette, ``--size`` sets the window size.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from inspector.model import Span, SpanKind
from inspector.store.queries import StoreReader
from inspector.ui.darkpalette import dark_palette
from inspector.ui.detail import SpanDetailWidget
from inspector.ui.text import one_line
from inspector.workspace import Workspace


def find_span(reader: StoreReader, span_id: str | None) -> Span | None:
    """The span whose id starts with ``span_id``, or the first LLM span (else the first span)."""
    if span_id:
        found = reader.find_spans(span_id, limit=1)
        return reader.span(*found[0]) if found else None
    first: tuple[str, str] | None = None
    for run in reader.runs(0, 200):
        for row in reader.span_rows(run.trace_id):
            if row.kind is SpanKind.LLM:
                return reader.span(run.trace_id, row.span_id)
            if first is None:
                first = (run.trace_id, row.span_id)
    return reader.span(*first) if first else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m inspector.ui.detail", description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("span_id", nargs="?", help="span id or a unique prefix of it")
    parser.add_argument("--screenshot", type=Path, help="save a PNG of the window and exit")
    parser.add_argument("--tab", help="tab to show (Messages, Attributes, Events, Raw, ...)")
    parser.add_argument("--dark", action="store_true", help="use a dark palette")
    parser.add_argument("--size", default="1280x800", help="window size, WIDTHxHEIGHT")
    args = parser.parse_args(argv)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    if args.dark:
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    workspace = Workspace(args.path)
    try:
        workspace.load()
        reader = workspace.reader()
        span = find_span(reader, args.span_id)
        reader.close()
        if span is None:
            print(f"no span found in {args.path}", file=sys.stderr)
            return 1
        widget = SpanDetailWidget()
        width, _, height = args.size.partition("x")
        widget.resize(int(width), int(height))
        widget.setWindowTitle(f"Span detail: {one_line(span.name, 120)}")
        widget.show_span(span)
        if args.tab and not widget.set_current_tab(args.tab):
            print(f"no tab {args.tab!r}; tabs: {', '.join(widget.tab_names())}", file=sys.stderr)
        widget.show()
        if args.screenshot:

            def save() -> None:
                widget.grab().save(str(args.screenshot))
                app.quit()

            QTimer.singleShot(100, save)
        return app.exec()
    finally:
        workspace.close()


if __name__ == "__main__":
    sys.exit(main())
