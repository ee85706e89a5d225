"""Preview the diff window: ``python -m inspector.ui.diffview PATH SPAN_A SPAN_B``.

Opens PATH (a trace file, folder or store), loads it synchronously and compares the spans
whose ids start with SPAN_A and SPAN_B (unique prefixes, as ``trace-inspector diff`` takes).

- ``--previous``: compare SPAN_A with the LLM call before it in its run;
- ``--tab runs``: the two spans' runs aligned (``--select NAME`` picks the first pair named
  NAME, e.g. ``ChatCompletion``);
- ``--tab versions``: the prompt versions of SPAN_A's step (or of the most called step);
- ``--screenshot FILE``: save a PNG once every worker has finished, then exit.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication

from inspector.cli import find_span
from inspector.diff import Change
from inspector.ui.darkpalette import dark_palette
from inspector.ui.diffview.screenshot import save_when_idle
from inspector.ui.diffview.window import RUNS, VERSIONS, DiffWindow
from inspector.workspace import Workspace

TABS = {"calls": 0, "runs": RUNS, "versions": VERSIONS}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m inspector.ui.diffview", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("path", type=Path)
    parser.add_argument("span_a", nargs="?", help="span id or a unique prefix of one")
    parser.add_argument("span_b", nargs="?", help="span id or a unique prefix of one")
    parser.add_argument("--previous", action="store_true", help="diff SPAN_A with the call before")
    parser.add_argument("--tab", choices=sorted(TABS), default="calls")
    parser.add_argument("--select", help="runs tab: select the first changed pair of this name")
    parser.add_argument("--screenshot", type=Path, help="save a PNG of the window and exit")
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
        refs = []
        reader = workspace.reader()
        try:
            for prefix in (args.span_a, args.span_b):
                if prefix is None:
                    continue
                found = find_span(reader, prefix)
                if isinstance(found, str):
                    print(f"python -m inspector.ui.diffview: {found}", file=sys.stderr)
                    return 2
                refs.append(found)
        finally:
            reader.close()
        window = DiffWindow(workspace.reader)
        width, _, height = args.size.partition("x")
        window.resize(int(width), int(height))
        tab = TABS[args.tab]
        if args.previous and refs:
            window.compare_previous(*refs[0])
        elif len(refs) == 2:
            window.compare_spans(refs[0], refs[1])
        elif tab == 0:
            parser.error("give SPAN_A and SPAN_B, or SPAN_A with --previous, or --tab")
        if tab == RUNS:
            if len(refs) == 2:
                window.compare_runs(refs[0][0], refs[1][0])
            else:
                window.tabs.setCurrentIndex(RUNS)
            if args.select:
                name = args.select

                def select() -> None:
                    found = window.run_diff.first_index(Change.CHANGED, name)
                    if found is not None:
                        window.run_diff.select_pair(found)

                window.run_diff.diff_ready.connect(select)
        elif tab == VERSIONS:
            window.show_versions(span=refs[0] if refs else None)
        window.show()
        if not args.screenshot:
            return app.exec()
        # A local loop, not app.exec(): QApplication.quit() would close every window.
        loop = QEventLoop()
        save_when_idle(window, args.screenshot, loop.quit)
        loop.exec()
        window.wait()
        window.close()
        return 0
    finally:
        workspace.close()


if __name__ == "__main__":
    sys.exit(main())
