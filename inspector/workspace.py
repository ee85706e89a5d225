"""A workspace: one opened path and the store that indexes it.

Opening our own store file uses it directly (it already is an index). Anything else is read into
a temporary store by :meth:`Workspace.load`, which is a plain function of the calling thread: the
UI runs it on a worker, the command line runs it inline.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from queue import Empty, Queue
from typing import TypeVar

from inspector import gcpause
from inspector.formats import JsonSource, Source
from inspector.indexdirs import new_index_dir, sweep_stale
from inspector.ingest import Step, is_parallel, prepared_steps
from inspector.model.pricing import Pricing
from inspector.opening import is_store_file, open_source
from inspector.store.connection import build_deferred_indexes, create
from inspector.store.queries import StoreReader
from inspector.store.writer import Change, Ready, StoreWriter, prepare


@dataclass(slots=True)
class Progress:
    """How far a load has got: bytes (or rows) of the source, spans and problems so far."""

    done: int = 0
    total: int = 0
    spans: int = 0
    problems: int = 0
    batches: int = 0
    elapsed_s: float = 0.0

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.total) if self.total else 0.0


T = TypeVar("T")
_DONE = object()


def prefetch(items: Iterator[T], depth: int = 2) -> Iterator[T]:
    """Run ``items`` on a helper thread, ``depth`` ahead of the consumer.

    Parsing holds the GIL but SQLite releases it while it writes, so reading the next batch
    overlaps with committing this one. Exceptions from the producer re-raise here; stopping
    early (cancel) ends the producer at its next batch.
    """
    queue: Queue[object] = Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                queue.put(item)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            queue.put(_Failure(exc))
        finally:
            queue.put(_DONE)

    thread = threading.Thread(target=produce, name="trace-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = queue.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            with suppress(Empty):
                queue.get(timeout=0.05)
        thread.join()


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class Cancelled(Exception):
    """The load was cancelled; what was committed before stays usable."""


BatchCallback = Callable[[Change, Progress], None]


INDEX_DIR_ENV = "TRACE_INSPECTOR_INDEX_DIR"  # where temporary indexes go (default: the temp dir)


class NoRoomForIndex(ValueError):
    """The folder for the index has too little free space for this file's index."""


def check_room(path: Path, folder: Path) -> None:
    """Refuse to index a file where its index cannot fit, before writing anything.

    The index of a JSON file holds the file's records once more (in SQLite, or in the copy a
    parallel load points into) plus the indexed columns: about 1.3x the file.
    """
    try:
        size = path.stat().st_size if path.is_file() else 0
        free = shutil.disk_usage(folder).free
    except OSError:
        return  # cannot tell: let the load say what goes wrong
    need = int(size * 1.3) + (64 << 20)
    if size and free < need:
        raise NoRoomForIndex(
            f"not enough free space in {folder} to index {path.name}: it needs about "
            f"{need >> 20:,} MB and {free >> 20:,} MB are free. Free some space, or set "
            f"{INDEX_DIR_ENV} to a folder on a disk with room."
        )


class Workspace:
    """One opened path and its index.

    Args:
        path: a trace file, a folder, or a SQLite database.
        index_dir: where to put the index of a non-store source (default: a new temp folder,
            removed by :meth:`close`).
        live: the source will be followed as it grows (:class:`inspector.live.Follower`): the
            index gets all its indexes now, since it is queried while it is written.

    Raises:
        FileNotFoundError: nothing at ``path``.
        ValueError: ``path`` is not a trace format this version reads.
    """

    def __init__(self, path: Path, index_dir: Path | None = None, *, live: bool = False) -> None:
        self.path = path
        self.live = live
        self._tmp: Path | None = None
        self.source: Source | None = None
        if is_store_file(path):
            self.store_path = path
            self.format = "trace-inspector-store"
        else:
            self.source = open_source(path)
            if index_dir is None:
                parent = Path(os.environ.get(INDEX_DIR_ENV) or tempfile.gettempdir())
                sweep_stale(parent)  # first: what a crashed run left counts as free space
                check_room(path, parent)
                self._tmp = new_index_dir(parent)
                index_dir = self._tmp
            self.store_path = index_dir / "index.db"
            self.format = self.source.format
            self._conn = create(self.store_path, durable=False, live=live)
            self.writer = StoreWriter(self._conn, Pricing.load())
        self.progress = Progress()

    @property
    def indexed(self) -> bool:
        """Whether spans are read into a separate index (false for our own store files)."""
        return self.source is not None

    def load(
        self,
        on_batch: BatchCallback | None = None,
        cancel: threading.Event | None = None,
        *,
        final: bool = True,
    ) -> Progress:
        """Read everything the source holds (beyond what was read before) into the index.

        Args:
            on_batch: called after each committed batch with what changed (on this thread).
            cancel: set it to stop after the current batch (raises :class:`Cancelled`).
            final: see :meth:`inspector.formats.Source.read`.
        """
        progress = self.progress
        if self.source is None:
            return progress
        with gcpause.paused():
            return self._load(on_batch, cancel, final)

    def _load(
        self, on_batch: BatchCallback | None, cancel: threading.Event | None, final: bool
    ) -> Progress:
        progress = self.progress
        source = self.source
        assert source is not None
        started = time.perf_counter() - progress.elapsed_s
        source_ids: dict[str, int] = {}
        for step in self._steps(final):
            batch = step.batch
            if isinstance(batch, Ready):
                change = self.writer.commit_ready(batch)
            else:
                names = {row[15] for row in batch.rows} | {e[5] for e in batch.events}
                for name in names - source_ids.keys():
                    source_ids[name] = self.writer.source_id(name, source.format)
                change = self.writer.commit(batch, source_ids=source_ids)
            progress.done, progress.total = step.done, step.total
            progress.spans += change.spans
            progress.problems += change.problems
            progress.batches += 1
            progress.elapsed_s = time.perf_counter() - started
            self.format = source.format
            if on_batch is not None:
                on_batch(change, progress)
            if cancel is not None and cancel.is_set():
                raise Cancelled
        if final:
            build_deferred_indexes(self._conn)
        self.format = source.format
        progress.elapsed_s = time.perf_counter() - started
        return progress

    def _steps(self, final: bool) -> Iterator[Step]:
        """Prepared batches: a big JSON file is parsed in worker processes, the rest here."""
        source = self.source
        assert source is not None
        pricing = self.writer.pricing
        if final and isinstance(source, JsonSource):
            if is_parallel(source.reader):
                # The workers are the bottleneck there and this thread waits for them most of
                # the time: keeping the indexes as rows arrive costs it nothing in wall time,
                # while building them after the last row took 1.75 s of a 20 s load (1M spans).
                build_deferred_indexes(self._conn)
            return prepared_steps(source.reader, pricing, self._snapshot(source))
        return (
            Step(
                prepare(b.spans, b.problems, pricing, b.events), b.done, b.total, 0, 0, None, False
            )
            for b in prefetch(source.read(final=final), depth=1)
        )

    def _snapshot(self, source: JsonSource) -> tuple[Path, int]:
        """Where a large file's records are copied for the index to point into (see ingest),
        and the file's source id."""
        source_id = self.writer.source_id(source.reader.source, source.format)
        name = f"snapshot-{source_id}.bin"
        self.writer.set_snapshot(source_id, name)
        return self.store_path.parent / name, source_id

    def reader(self) -> StoreReader:
        """A new read-only query connection (one per thread)."""
        if self.source is None:
            return StoreReader.open(self.store_path)
        import sqlite3

        conn = sqlite3.connect(self.store_path, check_same_thread=False)
        conn.execute("PRAGMA query_only = ON")
        return StoreReader(conn)

    def close(self) -> None:
        """Close the index and remove it if it was temporary."""
        if self.source is not None:
            self._conn.close()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
