"""Waiting for a trace path that does not exist yet.

A developer often starts ``tail`` before the agent has written its first trace file. The path's
folder is watched (watchdog, with a periodic look in case an event is missed) until something
is there: a folder, or a file with content. An empty file is not enough: SQLite creates its file
empty and writes the header later, and the reader is chosen by the first bytes.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from inspector.live.changes import ChangeQueue, Watcher

T = TypeVar("T")

POLL_S = 0.25  # a look without an event (watchdog may miss one; it costs one stat)
# How long a path that is there but cannot be opened yet is retried before that is an error:
# a database is readable only once its writer has created its tables, a moment after its header.
GRACE_S = 2.0


def missing_folder(path: Path) -> str | None:
    """Why nothing can appear at ``path`` (its folder is missing), or ``None`` if it can."""
    folder = Path(os.path.abspath(path)).parent
    if folder.is_dir():
        return None
    what = "is not a folder" if folder.exists() else "does not exist"
    return f"{path}: no such file or folder, and its folder {folder} {what}"


def present(path: Path) -> bool:
    """Whether something to read is at ``path``: anything but nothing or an empty file."""
    try:
        st = path.stat()
    except OSError:
        return False
    return not stat.S_ISREG(st.st_mode) or st.st_size > 0


def open_when_present(
    path: Path,
    opener: Callable[[Path], T],
    *,
    poll_s: float = POLL_S,
    grace_s: float = GRACE_S,
) -> T:
    """Wait until something is at ``path``, then return ``opener(path)``.

    If ``opener`` raises :class:`FileNotFoundError` (it went away again) the wait goes on; if it
    raises :class:`ValueError` (not readable yet) it is retried on each change for ``grace_s``.
    Ctrl+C (:class:`KeyboardInterrupt`) ends the wait.

    Raises:
        FileNotFoundError: the folder of ``path`` does not exist (or was removed while waiting).
        ValueError: what ``opener`` raised once ``grace_s`` had passed.
    """
    target = Path(os.path.abspath(path))
    queue = ChangeQueue()
    watcher = _watch(target, queue)  # before the first look, so no creation falls in between
    failing_since: float | None = None
    try:
        while True:
            problem = missing_folder(path)
            if problem is not None:
                raise FileNotFoundError(problem)
            if present(target):
                try:
                    return opener(path)
                except FileNotFoundError:
                    failing_since = None  # gone again before it could be opened: wait again
                except ValueError:
                    now = time.monotonic()
                    if failing_since is None:
                        failing_since = now
                    elif now - failing_since >= grace_s:
                        raise
            queue.wait(poll_s)
            queue.drain()
    finally:
        if watcher is not None:
            watcher.close()


def _watch(target: Path, queue: ChangeQueue) -> Watcher | None:
    try:
        return Watcher(
            target.parent, queue, recursive=False, relevant=lambda changed: changed == target
        )
    except OSError:  # out of inotify watches, say: the periodic look still finds it
        return None
