"""Background work for the window: loading a workspace, and small query tasks.

Results come back to the GUI thread only through queued signals (the signal objects live on
the GUI thread, so Qt queues every emit from a worker). Environment failures (a file that
disappears, a locked database) arrive as ``failed`` with a message for the user; bugs arrive as
``crashed`` with a traceback for the exception dialog.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sqlite3
import sys
import threading
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal

from inspector.store.connection import StoreError
from inspector.store.writer import Change
from inspector.workspace import Cancelled, Progress, Workspace

if TYPE_CHECKING:
    from inspector.live import Follower, Update

#: failures of the environment, not of the program: shown as messages, never as crashes
ENVIRONMENT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    sqlite3.Error,
    StoreError,
    ValueError,
)
POLL_WAIT_S = 0.25  # longest a follow loop waits before it looks at its stop flag again


LOADER_NICENESS = 5  # as the parsing processes (inspector.ingest.WORKER_NICENESS)


def _below_the_gui() -> None:
    """Run this thread below the GUI thread's priority: while a large file loads, its worker
    processes and this writer keep both cores busy, and the window must still get a core the
    moment it has work. Linux only (a thread id taken as a process id); elsewhere a no-op."""
    if not sys.platform.startswith("linux"):
        return
    tid = threading.get_native_id()
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + LOADER_NICENESS)


class LoadWorker(QThread):
    """Runs :meth:`Workspace.load` on its own thread and reports each committed batch.

    With ``follow``, the thread then keeps the source followed (:class:`Follower`, created on
    this thread: it owns the workspace's writer from then on) and reports what each poll
    committed through the same ``batch`` signal, so the window treats a live append exactly
    like a loaded batch. ``done`` marks the end of the initial load, not of the thread.

    With ``load=False`` (and ``follow``) it only follows, from where an earlier load (or
    follow) stopped: a session opened without following, asked to follow later. It then
    emits neither ``done`` nor ``cancelled``.
    """

    #: trace ids added, trace ids changed, a snapshot of the progress
    batch = Signal(list, list, object)
    done = Signal(object)
    cancelled = Signal(object)
    failed = Signal(str)
    crashed = Signal(str)
    #: following started (True) or ended (False)
    following = Signal(bool)
    #: a followed file was opened, restarted (truncated or replaced) or closed
    note = Signal(str)

    def __init__(
        self,
        workspace: Workspace,
        parent: QObject | None = None,
        *,
        follow: bool = False,
        final: bool = True,
        load: bool = True,
    ) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self._cancel = threading.Event()
        self._follow = follow
        self._load = load
        self._final = final
        self._paused = False
        self._nudge = threading.Event()  # wakes a paused loop (resume, stop)
        self._lock = threading.Lock()
        self._follower: Follower | None = None

    def cancel(self) -> None:
        """Stop after the batch being written (what was committed stays usable); also ends
        following."""
        self._cancel.set()
        self._wake()

    def set_paused(self, paused: bool) -> None:
        """Pause or resume following (a paused follower reads nothing; resuming catches up)."""
        self._paused = paused
        self._wake()

    def _wake(self) -> None:
        self._nudge.set()
        with self._lock:
            if self._follower is not None:
                self._follower.wake()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def _on_batch(self, change: Change, progress: Progress) -> None:
        self.batch.emit(list(change.added), list(change.changed), dataclasses.replace(progress))

    def run(self) -> None:
        _below_the_gui()
        if not self._load:
            if self._follow and not self._cancel.is_set():
                self._follow_source(self._workspace.progress)
            return
        try:
            progress = self._workspace.load(self._on_batch, self._cancel, final=self._final)
        except Cancelled:
            self.cancelled.emit(dataclasses.replace(self._workspace.progress))
            return
        except ENVIRONMENT_ERRORS as exc:
            self.failed.emit(str(exc) or type(exc).__name__)
            return
        except Exception:  # a bug: hand the traceback to the exception dialog
            self.crashed.emit(traceback.format_exc())
            return
        self.done.emit(dataclasses.replace(progress))
        if self._follow and not self._cancel.is_set():
            self._follow_source(progress)

    def _follow_source(self, progress: Progress) -> None:
        from inspector.live import Follower  # watchdog: imported when first needed

        try:
            follower = Follower(self._workspace)
        except ENVIRONMENT_ERRORS as exc:
            self.note.emit(f"Cannot follow {self._workspace.path}: {exc}")
            return
        except Exception:
            self.crashed.emit(traceback.format_exc())
            return
        with self._lock:
            self._follower = follower
        self.following.emit(True)
        try:
            self._poll_loop(follower, progress)
        except ENVIRONMENT_ERRORS as exc:
            self.note.emit(f"Stopped following {self._workspace.path}: {exc}")
        except Exception:
            self.crashed.emit(traceback.format_exc())
        finally:
            with self._lock:
                self._follower = None
            follower.close()
            self.following.emit(False)

    def _poll_loop(self, follower: Follower, progress: Progress) -> None:
        was_paused = False
        while not self._cancel.is_set():
            if self._paused:
                was_paused = True
                self._nudge.wait(POLL_WAIT_S)
                self._nudge.clear()
                continue
            if was_paused:  # what was written meanwhile: look at every file now
                was_paused = False
                self._report(follower.poll(rescan=True), progress)
                continue
            if follower.wait(POLL_WAIT_S) and not self._cancel.is_set() and not self._paused:
                self._report(follower.poll(), progress)

    def _report(self, update: Update, progress: Progress) -> None:
        for commit in update.commits:
            progress.spans += commit.change.spans
            progress.problems += commit.change.problems
            progress.batches += 1
        if update.commits:
            self.batch.emit(update.added, update.changed, dataclasses.replace(progress))
        for name in update.restarted:
            self.note.emit(f"{name} was truncated or replaced; reading it again")
        for name in update.closed:
            self.note.emit(f"{name} is gone; no longer followed")


class _Relay(QObject):
    """Carries one task's outcome back to the GUI thread."""

    finished = Signal(object)
    failed = Signal(str)
    crashed = Signal(str)


class _Task(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._work = work
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._work()
        except ENVIRONMENT_ERRORS as exc:
            self._relay.failed.emit(str(exc) or type(exc).__name__)
        except Exception:  # a bug: hand the traceback to the exception dialog
            self._relay.crashed.emit(traceback.format_exc())
        else:
            self._relay.finished.emit(result)


class TaskRunner(QObject):
    """Runs pure functions on a private thread pool; results return through queued signals.

    ``crashed`` carries tracebacks of failed tasks (bugs) for the exception dialog.
    """

    crashed = Signal(str)

    def __init__(self, parent: QObject | None = None, *, threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._relays: set[_Relay] = set()

    def submit(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[str], None] | None = None,
    ) -> None:
        """Run ``work()`` on the pool; call ``on_done(result)`` on this (the GUI) thread."""
        relay = _Relay(self)
        self._relays.add(relay)

        def finish(result: object) -> None:
            self._drop(relay)
            on_done(result)

        def fail(message: str) -> None:
            self._drop(relay)
            if on_failed is not None:
                on_failed(message)

        def crash(trace: str) -> None:
            self._drop(relay)
            self.crashed.emit(trace)

        relay.finished.connect(finish)
        relay.failed.connect(fail)
        relay.crashed.connect(crash)
        self._pool.start(_Task(work, relay))

    def _drop(self, relay: _Relay) -> None:
        self._relays.discard(relay)
        relay.deleteLater()

    @property
    def busy(self) -> bool:
        """Whether tasks are queued, running, or have results not yet delivered."""
        return bool(self._relays)

    def wait(self, msecs: int = -1) -> bool:
        """Block until every task has run (results may still be queued)."""
        return bool(self._pool.waitForDone(msecs))
