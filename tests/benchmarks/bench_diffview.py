"""How long the GUI thread stalls while the span diff view diffs two 5 MB prompts.

A 5 ms QTimer probe records the longest gap between its ticks from the moment the diff is
requested until the result is shown and laid out (plus a second of scrolling through it).
The diff itself runs on a worker; what the GUI thread pays for is the capped rendering and
the GIL the worker holds between switches.

    QT_QPA_PLATFORM=offscreen python -m tests.benchmarks.bench_diffview [--size 5000000]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from inspector.model import Span
from inspector.ui.diffview import SpanDiffWidget
from tests.benchmarks.bench_diff import make_spans, prompt_bytes


class StallProbe:
    """Records the longest gap between ticks of a 5 ms timer (the event loop's stalls)."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.gaps: list[float] = []

    def start(self) -> None:
        self.gaps.clear()
        self.clock.start()
        self.timer.start()

    def _tick(self) -> None:
        self.gaps.append(self.clock.nsecsElapsed() / 1e6)
        self.clock.restart()

    def stop(self) -> float:
        self.timer.stop()
        return max(self.gaps, default=0.0)


def scatter_edits(span: Span, every: int) -> Span:
    """``span`` with a word appended to every ``every``-th line of its longest message."""
    key = max(span.attributes, key=lambda k: len(str(span.attributes[k])))
    lines = str(span.attributes[key]).split("\n")
    for at in range(0, len(lines), every):
        lines[at] += " edited"
    attributes = dict(span.attributes)
    attributes[key] = "\n".join(lines)
    return dataclasses.replace(span, attributes=attributes)


def spin(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", type=int, default=5_000_000)
    parser.add_argument(
        "--edit-every", type=int, default=0, help="also edit every N-th line of B's document"
    )
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    a, b = make_spans(args.size)
    if args.edit_every:
        b = scatter_edits(b, args.edit_every)
    widget = SpanDiffWidget()
    widget.resize(1280, 800)
    widget.show()
    spin(200)
    probe = StallProbe()
    done = QEventLoop()
    widget.diff_ready.connect(done.quit)
    probe.start()
    started = time.perf_counter()
    widget.set_spans(a, b)
    done.exec()
    elapsed = time.perf_counter() - started
    spin(300)  # layout and paint of the shown part
    bar = widget.browser.verticalScrollBar()
    for step in range(1, 11):  # scroll through the rendering
        bar.setValue(bar.maximum() * step // 10)
        spin(50)
    stall = probe.stop()
    document = widget.browser.document()
    print(
        f"prompts {prompt_bytes(a) / 1e6:.1f} MB + {prompt_bytes(b) / 1e6:.1f} MB: "
        f"diff shown after {elapsed * 1000:.0f} ms; longest event-loop stall {stall:.0f} ms; "
        f"median tick {sorted(probe.gaps)[len(probe.gaps) // 2]:.1f} ms; "
        f"{document.characterCount():,} characters rendered, "
        f"{len(widget.highlighted_fragments()):,} word highlights"
    )
    widget.runner.wait()
    del app


if __name__ == "__main__":
    main()
