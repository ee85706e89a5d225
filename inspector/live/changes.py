"""Paths that changed, collected from watchdog's thread and drained by the follower.

watchdog calls its handlers on its own thread, often many times per write burst. The handler
does nothing but add paths to a set under a lock (so a burst of 100 writes to one file is one
entry) and wake whoever waits; the follower drains the set when it polls. Nothing here reads a
file or touches the store.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

# Opening and closing are left out on purpose: the follower's own reads would otherwise wake it
# up again, forever, and a write is already reported as a modification.
EVENTS: tuple[type[FileSystemEvent], ...] = (
    FileCreatedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileDeletedEvent,
    DirCreatedEvent,
    DirMovedEvent,
    DirDeletedEvent,
)


@dataclass(slots=True)
class Drained:
    """What changed since the last drain."""

    paths: set[Path] = field(default_factory=set)
    moves: dict[Path, Path] = field(default_factory=dict)
    rescan: bool = False


class ChangeQueue:
    """A thread-safe set of changed paths, the moves seen, and a wake-up event."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending = Drained()
        self._wake = threading.Event()

    def add(self, path: Path) -> None:
        with self._lock:
            self._pending.paths.add(path)
        self._wake.set()

    def moved(self, src: Path, dest: Path) -> None:
        with self._lock:
            self._pending.paths.update((src, dest))
            self._pending.moves[src] = dest
        self._wake.set()

    def request_rescan(self) -> None:
        """Ask for a full rescan (a directory appeared or moved: its files may have no events)."""
        with self._lock:
            self._pending.rescan = True
        self._wake.set()

    def wake(self) -> None:
        """Make a pending :meth:`wait` return now (to stop a follower's loop)."""
        self._wake.set()

    def drain(self) -> Drained:
        with self._lock:
            out, self._pending = self._pending, Drained()
            self._wake.clear()
        return out

    def wait(self, timeout: float | None) -> bool:
        """Block until something is queued (true) or ``timeout`` seconds pass (false)."""
        return self._wake.wait(timeout)

    @property
    def pending(self) -> bool:
        return self._wake.is_set()


class _Enqueue(FileSystemEventHandler):
    def __init__(self, queue: ChangeQueue, relevant: Callable[[Path], bool]) -> None:
        self.queue = queue
        self.relevant = relevant

    def on_any_event(self, event: FileSystemEvent) -> None:
        src = Path(_text(event.src_path))
        if event.is_directory:
            if event.event_type != "modified":
                self.queue.request_rescan()
            return
        if isinstance(event, FileMovedEvent):
            dest = Path(_text(event.dest_path))
            if self.relevant(src) or self.relevant(dest):
                self.queue.moved(src, dest)
        elif self.relevant(src):
            self.queue.add(src)


def _text(path: str | bytes) -> str:
    return path.decode() if isinstance(path, bytes) else path


class Watcher:
    """A watchdog observer feeding a :class:`ChangeQueue`.

    Args:
        folder: the directory to watch.
        queue: where changed paths go.
        recursive: watch sub-folders too.
        relevant: which paths to enqueue (others are dropped on watchdog's thread, so a busy
            parent folder does not wake the follower).
    """

    def __init__(
        self,
        folder: Path,
        queue: ChangeQueue,
        *,
        recursive: bool,
        relevant: Callable[[Path], bool],
    ) -> None:
        self._observer = Observer()
        self._observer.daemon = True
        self._observer.schedule(
            _Enqueue(queue, relevant),
            str(folder),
            recursive=recursive,
            event_filter=list(EVENTS),
        )
        self._observer.start()

    def close(self) -> None:
        self._observer.stop()
        self._observer.join(timeout=5)
