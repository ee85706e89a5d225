"""Pausing Python's cyclic garbage collector while a load allocates millions of objects.

Parsed records, spans and rows are freed by reference counting (they hold no cycles), but each
allocation counts towards the collector's thresholds, and every full pass walks everything
alive: measured on 16 MB of OTLP JSON, parsing and decoding cost 2-3x as much with the
collector on. Loads may overlap (a folder, a comparison), so pauses nest.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pause:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.depth = 0
        self.was_enabled = True


_PAUSE = _Pause()


@contextmanager
def paused() -> Iterator[None]:
    """No automatic collections inside the block (nested blocks and threads share one pause)."""
    with _PAUSE.lock:
        if _PAUSE.depth == 0:
            _PAUSE.was_enabled = gc.isenabled()
            gc.disable()
        _PAUSE.depth += 1
    try:
        yield
    finally:
        with _PAUSE.lock:
            _PAUSE.depth -= 1
            if _PAUSE.depth == 0 and _PAUSE.was_enabled:
                gc.enable()
