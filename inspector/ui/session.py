"""One opened path in the window: its workspace, its load worker and its per-run indexes.

The session owns the GUI thread's :class:`StoreReader` (bounded queries only: a page of runs,
the children of one span, one span's payload) and hands everything heavier to workers: the
load itself, run indexes (all spans of a run, with rollups) and full-text searches.

A session opened to follow its source keeps the load worker running after the first load: it
polls a :class:`inspector.live.Follower` and reports appends through the same coalesced
``changed`` signal as loaded batches. Following can also be switched on later (a session
opened without it: a worker that only follows, from where the load stopped) and off again
(:meth:`Session.set_following`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from inspector.formats import JsonSource
from inspector.ingest import is_parallel
from inspector.store.queries import StoreReader
from inspector.ui.gcpolicy import freeze_long_lived, release_load_garbage
from inspector.ui.models.runindex import RunIndex, build_index
from inspector.ui.placeholders import with_placeholders
from inspector.ui.workers import LoadWorker, TaskRunner
from inspector.workspace import Progress, Workspace

INDEX_CACHE = 6  # run indexes kept (a 100,000-span run is ~40 MB)


class Session(QObject):
    """A workspace being (or done) loading, seen from the GUI thread.

    Batches from the worker are coalesced (at most one update every 100 ms) so a fast loader
    cannot flood the event loop.
    """

    #: trace ids added, trace ids changed, progress (coalesced)
    changed = Signal(list, list, object)
    finished = Signal(object)
    failed = Signal(str)
    index_ready = Signal(object)
    crashed = Signal(str)
    #: following started, ended, paused or resumed, was asked for or stopped, or became
    #: possible (the first load ended); see :attr:`follow`, :attr:`following`, :attr:`paused`
    follow_changed = Signal()
    #: something the user should know about the followed files (restarted, closed …)
    follow_note = Signal(str)

    def __init__(self, path: Path, parent: QObject | None = None, *, follow: bool = False) -> None:
        """Open ``path``; with ``follow``, keep reading what is appended after the first load.

        Raises:
            FileNotFoundError, ValueError, OSError, StoreError: it cannot be opened.
        """
        super().__init__(parent)
        self.path = path
        #: following is wanted (it starts after the first load; see :meth:`set_following`)
        self.follow = follow
        self.workspace = Workspace(path, live=follow)
        try:
            self.reader: StoreReader = self.workspace.reader()
        except BaseException:
            self.workspace.close()
            raise
        self.progress = Progress()
        self.loading = False
        self.cancelled = False
        self.error: str | None = None
        self.following = False
        self.paused = False
        self._follow_pending = False
        #: runs that received spans while followed: their missing parents get placeholders
        self.live_runs: set[str] = set()
        self._closed = False
        self._added: list[str] = []
        self._changed: list[str] = []
        self._pending_progress: Progress | None = None
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(100)
        self._flush.timeout.connect(self._emit_changes)
        self._worker: LoadWorker | None = None
        self.tasks = TaskRunner(self)
        self.tasks.crashed.connect(self.crashed)
        self._indexes: OrderedDict[str, RunIndex] = OrderedDict()
        self._indexing: set[str] = set()
        self._stale: set[str] = set()
        self._wanted: set[str] = set()
        self._reindex = QTimer(self)
        self._reindex.setSingleShot(True)
        self._reindex.setInterval(1000)
        self._reindex.timeout.connect(self._refresh_wanted)

    # loading -----------------------------------------------------------------------------

    def start(self) -> None:
        """Start reading the source on a worker (our own store files need no loading, but
        may be followed)."""
        if not self.workspace.indexed and not self.follow:
            QTimer.singleShot(0, self, self._finish_immediately)
            self.loading = True
            return
        worker = LoadWorker(self.workspace, self, follow=self.follow, final=self._final_load())
        worker.done.connect(self._on_done)
        worker.cancelled.connect(self._on_cancelled)
        worker.failed.connect(self._on_failed)
        self.loading = True
        self._start_worker(worker)

    def _start_worker(self, worker: LoadWorker) -> None:
        worker.batch.connect(self._on_batch)
        worker.crashed.connect(self._on_crashed)
        worker.following.connect(self._on_following)
        worker.note.connect(self.follow_note)
        worker.finished.connect(self._on_worker_finished)
        self._worker = worker
        worker.start()

    def _final_load(self) -> bool:
        """Whether the first load treats the end of the source as the end of the data.

        A followed source is read "not final" (a half-written last line waits for the rest)
        except a JSON file big enough to be parsed by worker processes, which only a final
        load does: for a 200 MB file that is ~40% faster, at the price of a cut last line
        being reported as a problem if a writer is halfway through one at that moment.
        """
        source = self.workspace.source
        if not self.follow:
            return True
        return isinstance(source, JsonSource) and is_parallel(source.reader)

    def cancel(self) -> None:
        if self._worker is not None and self.loading:
            self._worker.cancel()

    # following -----------------------------------------------------------------------------

    def _on_following(self, on: bool) -> None:
        if self._closed:
            return
        self.following = on
        if not on:
            self.paused = False
        self.follow_changed.emit()

    def set_following(self, on: bool) -> None:
        """Start following the source (when it was opened without following, or following was
        stopped), or stop following it. Not while the first load runs (see :attr:`can_follow`).

        Following carries on from where the load (or the last follow) stopped: what was
        appended meanwhile is read first.
        """
        if not self.can_follow or on == self.follow:
            return
        self.follow = on
        worker = self._worker
        running = worker is not None and not worker.isFinished()
        if on and running:
            self._follow_pending = True  # the last follow is still stopping: start after it
        elif on:
            self._follow_now()
        else:
            self._follow_pending = False
            if worker is not None and running:
                worker.cancel()  # it reports following(False), then its thread ends
        self.follow_changed.emit()

    @property
    def can_follow(self) -> bool:
        """Whether :meth:`set_following` may be used now (the first load is over)."""
        return not self._closed and not self.loading

    def _follow_now(self) -> None:
        self._start_worker(LoadWorker(self.workspace, self, follow=True, load=False))

    def _on_worker_finished(self) -> None:
        worker = self._worker
        if self._closed or worker is None or not worker.isFinished():
            return  # an earlier worker's thread (a newer one runs now)
        if self._follow_pending:
            self._follow_pending = False
            if self.follow:
                self._follow_now()
            return
        if self.follow and not self.following and not self.loading:
            # it could not start following, or stopped by itself (a note said why), or the
            # load was cancelled or failed
            self.follow = False
            self.follow_changed.emit()

    def set_paused(self, paused: bool) -> None:
        """Pause following (nothing is read) or resume it (what was written meanwhile is read)."""
        if self._worker is None or not self.following or paused == self.paused:
            return
        self.paused = paused
        self._worker.set_paused(paused)
        self.follow_changed.emit()

    def _finish_immediately(self) -> None:
        self.loading = False
        self.finished.emit(self.progress)
        self.follow_changed.emit()  # following may be switched on from now on

    def _on_batch(self, added: list[str], changed: list[str], progress: Progress) -> None:
        if self._closed:
            return
        if self.following:
            self.live_runs.update(added)
            self.live_runs.update(changed)
        self._added += added
        self._changed += changed
        self._pending_progress = progress
        self.progress = progress
        for trace_id in (*added, *changed):
            self._invalidate(trace_id)
        if not self._flush.isActive():
            self._flush.start()

    def _emit_changes(self) -> None:
        added, changed = list(dict.fromkeys(self._added)), list(dict.fromkeys(self._changed))
        self._added, self._changed = [], []
        progress, self._pending_progress = self._pending_progress, None
        if self._closed or (not added and not changed and progress is None):
            return
        self.changed.emit(added, [c for c in changed if c not in added], progress or self.progress)

    def _end(self, progress: Progress | None) -> None:
        self._flush.stop()
        self._emit_changes()
        if progress is not None:
            self.progress = progress
        self.loading = False
        self._reindex.stop()
        self._refresh_wanted()  # the final state of the shown run, without waiting
        release_load_garbage()
        self.follow_changed.emit()  # following may be switched on or off from now on

    def _on_done(self, progress: Progress) -> None:
        if self._closed:
            return
        self._end(progress)
        self.finished.emit(progress)

    def _on_cancelled(self, progress: Progress) -> None:
        if self._closed:
            return
        self.cancelled = True
        self._end(progress)
        self.finished.emit(progress)

    def _on_failed(self, message: str) -> None:
        if self._closed:
            return
        self.error = message
        self._end(None)
        self.failed.emit(message)
        self.finished.emit(self.progress)

    def _on_crashed(self, trace: str) -> None:
        if self._closed:
            return
        self.error = "internal error while loading"
        self._end(None)
        self.crashed.emit(trace)
        self.finished.emit(self.progress)

    # run indexes -------------------------------------------------------------------------

    def cached_index(self, trace_id: str) -> RunIndex | None:
        index = self._indexes.get(trace_id)
        if index is not None:
            self._indexes.move_to_end(trace_id)
        return index

    def request_index(self, trace_id: str) -> None:
        """Build (or rebuild, if the run grew) a run's index; ``index_ready`` brings it."""
        self._wanted = {trace_id}
        if trace_id in self._indexing:
            return
        cached = self.cached_index(trace_id)
        if cached is not None and trace_id not in self._stale:
            self.index_ready.emit(cached)
            return
        self._stale.discard(trace_id)
        self._indexing.add(trace_id)
        open_reader = self.workspace.reader
        live = trace_id in self.live_runs

        def work() -> RunIndex:
            reader = open_reader()
            try:
                rows = reader.span_rows(trace_id)
            finally:
                reader.close()
            return build_index(trace_id, with_placeholders(trace_id, rows) if live else rows)

        self.tasks.submit(
            work, self._on_index, lambda message: self._index_failed(trace_id, message)
        )

    def _on_index(self, index: object) -> None:
        assert isinstance(index, RunIndex)
        trace_id = index.trace_id
        self._indexing.discard(trace_id)
        if self._closed:
            return
        freeze_long_lived()
        self._indexes[trace_id] = index
        self._indexes.move_to_end(trace_id)
        while len(self._indexes) > INDEX_CACHE:
            self._indexes.popitem(last=False)
        self.index_ready.emit(index)
        if trace_id in self._stale and trace_id in self._wanted and not self._reindex.isActive():
            self._reindex.start()  # it grew while we were indexing it

    def _index_failed(self, trace_id: str, message: str) -> None:
        self._indexing.discard(trace_id)
        if not self._closed:
            self.failed.emit(f"could not index run {trace_id}: {message}")

    def _invalidate(self, trace_id: str) -> None:
        if trace_id in self._indexes or trace_id in self._indexing:
            self._stale.add(trace_id)
        if trace_id in self._wanted and not self._reindex.isActive():
            # a growing run is re-indexed at most once a second: each pass reads all of it
            self._reindex.start()

    def _refresh_wanted(self) -> None:
        for trace_id in self._wanted:
            if trace_id not in self._indexing and (
                trace_id in self._stale or trace_id not in self._indexes
            ):
                self.request_index(trace_id)

    # misc ----------------------------------------------------------------------------------

    def run_in_background(
        self,
        work: Callable[[StoreReader], object],
        on_done: Callable[[object], None],
        on_failed: Callable[[str], None] | None = None,
    ) -> None:
        """Run a query with a reader of its own on the pool (e.g. a full-text search)."""
        open_reader = self.workspace.reader

        def task() -> object:
            reader = open_reader()
            try:
                return work(reader)
            finally:
                reader.close()

        def done(result: object) -> None:
            if not self._closed:
                on_done(result)

        self.tasks.submit(task, done, on_failed)

    @property
    def busy(self) -> bool:
        """Loading, indexing or searching, or updates not yet delivered."""
        return (
            self.loading
            or self._flush.isActive()
            or self._reindex.isActive()
            or self.tasks.busy
            or bool(self._indexing)
        )

    def close(self) -> None:
        """Stop the worker, wait for tasks, close the reader and remove a temporary index."""
        if self._closed:
            return
        self._closed = True
        self._flush.stop()
        self._reindex.stop()
        if self._worker is not None:
            self._worker.cancel()
            self._worker.wait()
        self.tasks.wait()
        self.reader.close()
        self.workspace.close()
