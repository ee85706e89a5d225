"""Folders for temporary indexes, named after the process that owns them, so that folders left
by a process that ended without removing its own (a crash, a kill) are found and removed.

A temporary index holds about 1.3x the file it indexes (see ``workspace.check_room``): one left
behind by every crash would fill the disk, or where the temp folder is in memory, the RAM.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

PREFIX = "trace-inspector-"


def new_index_dir(parent: Path) -> Path:
    """A new empty folder in ``parent`` for this process's index: ``trace-inspector-<pid>-*``."""
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=parent))


def sweep_stale(parent: Path) -> list[Path]:
    """Remove the index folders in ``parent`` whose process has ended; return them.

    Only folders of this user named by :func:`new_index_dir` are considered, and one is kept
    whenever its process might still run (POSIX only: elsewhere nothing is removed).
    """
    if os.name != "posix":
        return []  # os.kill(pid, 0) sends CTRL+C on Windows: no safe liveness test here
    removed: list[Path] = []
    try:
        folders = list(parent.glob(f"{PREFIX}*-*"))
    except OSError:
        return removed
    for folder in folders:
        pid_text = folder.name[len(PREFIX) :].split("-", 1)[0]
        if not pid_text.isdigit() or int(pid_text) == os.getpid():
            continue
        try:
            if not folder.is_dir() or folder.stat().st_uid != os.getuid():
                continue
        except OSError:
            continue
        if _alive(int(pid_text)):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process, or cannot tell: keep its folder
    return True
