"""The loading thread runs below the GUI thread (Linux: per-thread niceness)."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from inspector.ui import workers


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread niceness is Linux")
def test_loader_thread_runs_below_the_gui_thread() -> None:
    seen: list[int] = []
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def load() -> None:
        tid = threading.get_native_id()
        before = os.getpriority(os.PRIO_PROCESS, tid)
        workers._below_the_gui()
        seen.append(os.getpriority(os.PRIO_PROCESS, tid) - before)

    thread = threading.Thread(target=load)
    thread.start()
    thread.join()
    assert seen == [workers.LOADER_NICENESS]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine  # only that thread
