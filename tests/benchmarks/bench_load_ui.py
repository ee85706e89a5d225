"""Window benchmark: does the event loop stall while the window loads a large file?

    QT_QPA_PLATFORM=offscreen python -m tests.benchmarks.bench_load_ui --spans 200000 [--file F]

Opens the file in a real MainWindow (not followed, so the load is the parallel bulk path) and
runs a 5 ms QTimer probe from the moment it is opened until the load has finished; a stall is
the gap between ticks beyond 5 ms. Also selects the newest run every 250 ms during the load,
as a user clicking around would, which makes the GUI thread query the growing index. Prints the
load time, max / p99.9 / p99 / median stall and the ticks over 50 and 100 ms.
Not part of the test suite (noisy machines): run it by hand.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.gen_otlp import generate

PROBE_MS = 5
CLICK = "--no-click" not in sys.argv


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spans", type=int, default=200_000)
    parser.add_argument("--file", type=Path)
    parser.add_argument("--verbose", action="store_true", help="list the stalls over 50 ms")
    parser.add_argument("--no-click", action="store_true", help="do not select runs while loading")
    args = parser.parse_args()
    path = args.file
    if path is None:
        path = Path(tempfile.mkdtemp(prefix="bench-load-ui-")) / "big.jsonl"
        generate(path, args.spans)

    from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from inspector.ui.mainwindow import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    folder = Path(tempfile.mkdtemp(prefix="bench-load-ui-settings-"))
    window = MainWindow(QSettings(str(folder / "w.ini"), QSettings.Format.IniFormat))
    window.interactive = False
    window.resize(1280, 800)
    window.show()
    app.processEvents()

    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]

    when: list[float] = []

    def probe() -> None:
        now = clock.nsecsElapsed()
        gaps.append((now - last[0]) / 1e6)
        when.append(now / 1e9)
        last[0] = now

    def click() -> None:
        if CLICK and window.runs.model.rowCount() > 0:
            window.runs.select_row(0)

    timer = QTimer()
    timer.setInterval(PROBE_MS)
    timer.timeout.connect(probe)
    clicker = QTimer()
    clicker.setInterval(250)
    clicker.timeout.connect(click)
    loop = QEventLoop()
    window.load_finished.connect(loop.quit)
    started = time.perf_counter()
    timer.start()
    clicker.start()
    window.open_path(path, follow=False)
    loop.exec()
    loaded = time.perf_counter() - started
    timer.stop()
    clicker.stop()
    stalls = sorted(max(0.0, g - PROBE_MS) for g in gaps[1:])
    if not stalls:
        print(f"window load {loaded:.2f} s: over before two probe ticks, nothing to measure")
        window.close()
        return

    def pct(p: float) -> float:
        return stalls[min(len(stalls) - 1, int(p * len(stalls)))]

    size_mb = path.stat().st_size / 1e6
    print(f"file           {path} ({size_mb:.0f} MB)")
    print(f"window load    {loaded:.2f} s")
    print(
        f"event-loop stall over {len(stalls):,} probe ticks: max {stalls[-1]:.1f} ms, "
        f"p99.9 {pct(0.999):.1f} ms, p99 {pct(0.99):.1f} ms, median "
        f"{statistics.median(stalls):.1f} ms; ticks stalled >50 ms: "
        f"{sum(s > 50 for s in stalls)}, >100 ms: {sum(s > 100 for s in stalls)}"
    )
    if "--verbose" in sys.argv:
        base = when[0]
        for gap, at in zip(gaps, when, strict=True):
            if gap - PROBE_MS > 50:
                print(f"  stall {gap - PROBE_MS:.0f} ms ending at {at - base:.2f} s")
    window.close()


if __name__ == "__main__":
    main()
