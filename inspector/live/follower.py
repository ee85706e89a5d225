"""Following a trace source as it grows: a folder, one file, or a SQLite database.

The :class:`Follower` is pure (no Qt, no threads of its own beyond watchdog's): whoever drives it
calls :meth:`Follower.poll` -- the window from a timer on its ingest worker, ``tail`` and the
benchmark from a loop around :meth:`Follower.wait` -- and gets back what was committed to the
index. watchdog only says *which* paths changed; ``poll`` drains those, looks at each once,
and reads what was appended since the saved offset. Every ``rescan_s`` (and whenever watchdog
cannot be trusted: a new sub-folder, the first poll) it also compares every file's size and
time, because watchdog can miss events.

Files are recognised by identity (see :mod:`inspector.live.files`): a rename keeps reading the
same file; a truncated, rewritten or replaced file is read again from its start (the store
keeps one row per span id, and spans already reported are not reported again); a deleted one
is closed. A trailing line without its newline is held back until it is complete.

Our own store, opened in place (nothing to index), is followed by row id and
``PRAGMA data_version`` (see :mod:`inspector.live.storerows`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType

from inspector import semconv
from inspector.formats import FolderSource, Source
from inspector.formats.jsonfile import Batch
from inspector.live.changes import ChangeQueue, Drained, Watcher
from inspector.live.files import (
    SIDECARS,
    Ident,
    Tracked,
    VersionProbe,
    adopt_source,
    ident,
    is_trace_name,
    open_live,
    owner,
    stat_file,
    walk,
)
from inspector.live.instore import StoreFollow
from inspector.live.update import Commit, Reported, Update
from inspector.model import Problem, Span
from inspector.model.span import SpanEvents
from inspector.store.queries import SpanRow
from inspector.workspace import Workspace

FLUSH_SPANS = 4_000  # commit at least this often while catching up on a large backlog
# While data is arriving, followed files are also stat-ed this often, whatever watchdog says:
# watchdog holds back every event for up to 0.5 s after a rename (pairing the move's halves),
# which is exactly when a writer rotates its file.
QUICK_S = 0.1
ACTIVE_S = 2.0  # how long after the last new data a source counts as active
# A file that left its name without a known destination may still turn up under a new one
# (its move event is late, or the next rescan finds it): it is closed only after this long.
MISSING_GRACE_S = 1.0
DB_GRACE_S = 2.0  # how long a database may stay unreadable before that is a problem


class Follower:
    """Follows a workspace's path and writes what appears into its index.

    Typical use (the window does this on its ingest worker, ``tail`` on its main thread)::

        workspace = Workspace(path, live=True)     # every index built up front
        workspace.load(on_batch, final=False)      # what is there (a cut last line waits)
        follower = Follower(workspace)             # carries on from where the load stopped
        while not stopping:                        # or: a timer calling poll() every 50 ms
            if follower.wait(timeout=0.25):
                update = follower.poll()           # -> update.added / .changed / .problems
        follower.close()

    :meth:`poll` must be called from one thread at a time (it owns the workspace's writer),
    and never while ``workspace.load`` runs; when nothing changed it costs next to nothing
    (a full look at every file once per ``rescan_s``). :meth:`wake` may be called from any
    thread. On a fresh workspace (no load) the first poll reads everything. A store opened in
    place is not indexed: the follower only reports which of its runs changed.

    Args:
        workspace: what to follow.
        watch: use watchdog (off: only the periodic rescan sees changes; for tests).
        from_start: for a store opened in place (nothing is indexed), also report the rows
            already there; otherwise only rows written from now on.
        collect_spans: fill :attr:`Commit.spans` (the ``tail`` command prints them).
        min_interval_s: the least time between two polls that :meth:`wait` allows, so a burst
            of writes is read (and committed) once.
        rescan_s: how often every file is checked whatever watchdog says.
    """

    def __init__(
        self,
        workspace: Workspace,
        *,
        watch: bool = True,
        from_start: bool = False,
        collect_spans: bool = False,
        min_interval_s: float = 0.02,
        rescan_s: float = 1.0,
    ) -> None:
        self.workspace = workspace
        self.given = workspace.path
        self.root = Path(os.path.abspath(workspace.path))
        self.folder = self.root.is_dir()
        self.collect_spans = collect_spans
        self.min_interval_s = min_interval_s
        self.rescan_s = rescan_s
        self.queue = ChangeQueue()
        self.files: dict[Path, Tracked] = {}
        self._by_ident: dict[Ident, Tracked] = {}
        self._pending_spans: list[Span] = []
        self._pending_problems: list[Problem] = []
        self._pending_events: list[SpanEvents] = []
        self._pending_rows: list[SpanRow] = []
        self._source_ids: dict[str, int] = {}
        self._reported = Reported() if collect_spans else None
        self._missing: dict[Ident, tuple[Tracked, float]] = {}
        self._next_rescan = 0.0
        self._next_quick = 0.0
        self._active_until = 0.0
        self._last_poll = 0.0
        self._store: StoreFollow | None = None
        if workspace.source is None:
            self._store = StoreFollow(
                self.root, str(self.given), from_start=from_start, reported=self._reported
            )
        else:
            self._adopt(workspace)
        self._watcher: Watcher | None = None
        if watch:
            folder = self.root if self.folder else self.root.parent
            self._watcher = Watcher(
                folder, self.queue, recursive=self.folder, relevant=self._relevant
            )

    # driving ---------------------------------------------------------------------------------

    def wait(self, timeout: float | None = None) -> bool:
        """Block until a poll may find something (a change was seen, or a rescan is due).

        Returns early on a change, but never sooner than ``min_interval_s`` after the last
        poll: the writes of a burst pile up and are read together.

        Returns:
            whether :meth:`poll` has work (false when ``timeout`` ran out first).
        """
        due = self._due()
        until = max(0.0, due - time.monotonic())
        woke = self.queue.wait(until if timeout is None else min(timeout, until))
        gap = self._last_poll + self.min_interval_s - time.monotonic()
        if woke and gap > 0:
            time.sleep(gap)  # coalescing: let the rest of the burst arrive
        return woke or time.monotonic() >= due

    def wake(self) -> None:
        """Make a :meth:`wait` on another thread return now (thread-safe; to stop a loop)."""
        self.queue.wake()

    def _due(self) -> float:
        """When the next look is due without any event (monotonic time)."""
        if self._next_quick < self._active_until:
            return min(self._next_rescan, self._next_quick)
        return self._next_rescan

    def poll(self, *, rescan: bool = False) -> Update:
        """Read whatever changed since the last poll into the index.

        Args:
            rescan: check every file now, not only those watchdog named.
        """
        drained = self.queue.drain()
        now = time.monotonic()
        full = rescan or drained.rescan or now >= self._next_rescan
        quick = now >= self._next_quick and now < self._active_until
        if full:
            self._next_rescan = now + self.rescan_s
        if full or quick:
            self._next_quick = now + QUICK_S
        update = Update()
        if self._store is not None:
            if full or quick or drained.paths:
                self._store.poll(update)
        else:
            seen = self._look(drained, full, quick)
            for tracked, st in self._reconcile(seen, drained, update):
                self._read(tracked, st, update)
            self._settle_missing(drained, full, update)
            self._flush(update)
        self._last_poll = time.monotonic()
        if update.commits:
            self._active_until = self._last_poll + ACTIVE_S
        return update

    def close(self) -> None:
        """Stop watching and close the followed files (the workspace stays open)."""
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None
        for tracked in [*self.files.values(), *(t for t, _ in self._missing.values())]:
            tracked.close()
        self.files.clear()
        self._by_ident.clear()
        self._missing.clear()
        if self._store is not None:
            self._store.close()

    def __enter__(self) -> Follower:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # which paths -----------------------------------------------------------------------------

    def _relevant(self, path: Path) -> bool:
        """Whether a path watchdog names concerns us (called on watchdog's thread)."""
        if not self.folder:
            return path == self.root or any(path.name == self.root.name + s for s in SIDECARS)
        try:
            parts = path.relative_to(self.root).parts
        except ValueError:
            return False
        return bool(parts) and not any(p.startswith(".") for p in parts)

    def _followable(self, path: Path) -> bool:
        """Whether a file at ``path`` is one we follow (a file under a new name is kept)."""
        return self._relevant(path) and path == owner(path)

    def _name(self, path: Path) -> str:
        """How a file is named in spans and problems: under the path the user gave."""
        if path == self.root:
            return str(self.given)
        try:
            return str(self.given / path.relative_to(self.root))
        except ValueError:  # a file followed out of the folder (renamed away)
            return str(path)

    def _look(self, drained: Drained, full: bool, quick: bool) -> dict[Path, os.stat_result | None]:
        """The files to look at now, with their status (``None``: nothing there)."""
        seen: dict[Path, os.stat_result | None] = {}
        if full:
            if self.folder:
                seen.update(walk(self.root))
            else:
                seen[self.root] = stat_file(self.root)
            for path in self.files:
                seen.setdefault(path, None)
        elif quick:
            seen.update((path, stat_file(path)) for path in self.files)
            if not self.folder:
                seen[self.root] = stat_file(self.root)
        for changed in drained.paths:
            path = owner(changed)
            if path not in seen and self._followable(path):
                seen[path] = stat_file(path)
        return seen

    # which files -----------------------------------------------------------------------------

    def _adopt(self, workspace: Workspace) -> None:
        source = workspace.source
        children = source.children if isinstance(source, FolderSource) else None
        if children is None and source is not None:
            children = {source.path: source}
        skipped = source.skipped if isinstance(source, FolderSource) else set()
        for path, child in (children or {}).items():
            self._track_existing(Path(os.path.abspath(path)), adopt_source(child))
        for path in skipped:
            self._track_existing(Path(os.path.abspath(path)), None, skipped=True)
        if self._reported is not None and self.files:
            # Spans indexed before following began are not news if a file is read again.
            reader = workspace.reader()
            try:
                rows = reader.conn.execute(
                    "SELECT r.trace_id, s.span_id, s.end_ns IS NOT NULL FROM spans s "
                    "JOIN runs r ON r.id = s.run_id"
                )
                for trace_id, span_id, ended in rows:
                    self._reported.note(trace_id, span_id, ended=bool(ended))
            finally:
                reader.close()

    def _track_existing(self, path: Path, source: Source | None, *, skipped: bool = False) -> None:
        st = stat_file(path)
        if st is None:
            return
        tracked = Tracked(path, self._name(path), ident(st))
        if source is not None:
            tracked.source = source
            json = tracked.json
            # What a plain load read: the file may have grown since, so read on from there.
            tracked.size = json.reader.offset if json is not None else -1
            tracked.fresh = json is None
            if json is None:
                tracked.probe = VersionProbe(path)
        elif skipped:
            tracked.size, tracked.mtime_ns, tracked.fresh = st.st_size, st.st_mtime_ns, False
        try:
            tracked.remember_head(st.st_size)
        except OSError:
            return  # gone already
        self._attach(tracked)

    def _attach(self, tracked: Tracked) -> None:
        self.files[tracked.path] = tracked
        self._by_ident[tracked.ident] = tracked

    def _detach(self, tracked: Tracked) -> None:
        if self.files.get(tracked.path) is tracked:
            del self.files[tracked.path]
        if self._by_ident.get(tracked.ident) is tracked:
            del self._by_ident[tracked.ident]

    def _reconcile(
        self, seen: dict[Path, os.stat_result | None], drained: Drained, update: Update
    ) -> Iterator[tuple[Tracked, os.stat_result]]:
        """Match what is on disk with what is followed; yield the files to read."""
        gone: dict[Ident, Tracked] = {}
        for path, st in seen.items():
            tracked = self.files.get(path)
            if tracked is not None and (st is None or ident(st) != tracked.ident):
                self._detach(tracked)  # deleted, renamed away, or replaced under this name
                gone[tracked.ident] = tracked
        for path, st in seen.items():
            if st is None:
                continue
            tracked = self.files.get(path)
            if tracked is not None:
                yield tracked, st
                continue
            key = ident(st)
            previous = gone.pop(key, None) or self._unmiss(key) or self._by_ident.get(key)
            if previous is not None:
                self._detach(previous)
                confirmed = drained.moves.get(previous.path) == path
                if previous.json is not None and (confirmed or _same_start(previous, path)):
                    previous.moved_to(path, self._name(path))
                    self._attach(previous)
                    yield previous, st
                    continue
                self._close(previous, update)  # a reused inode, or a database: start over
            if self._followable(path) and (is_trace_name(path) or not self.folder):
                tracked = Tracked(path, self._name(path), key)
                self._attach(tracked)
                update.opened.append(tracked.name)
                yield tracked, st
        now = time.monotonic()
        for tracked in gone.values():
            self._missing[tracked.ident] = (tracked, now)

    def _unmiss(self, key: Ident) -> Tracked | None:
        found = self._missing.pop(key, None)
        return None if found is None else found[0]

    def _settle_missing(self, drained: Drained, full: bool, update: Update) -> None:
        """Close files that left their name: at once if watchdog said where to (a rotated-away
        log: its last lines are read first), else once a rescan after the grace did not find
        them."""
        now = time.monotonic()
        for key, (tracked, since) in list(self._missing.items()):
            dest = drained.moves.get(tracked.path)
            if dest is not None:
                del self._missing[key]
                self._drain_moved_away(tracked, dest, update)
                self._close(tracked, update)
            elif full and now - since >= MISSING_GRACE_S:
                del self._missing[key]
                self._close(tracked, update)

    def _drain_moved_away(self, tracked: Tracked, dest: Path, update: Update) -> None:
        st = stat_file(dest)
        if st is None or ident(st) != tracked.ident or tracked.json is None:
            return
        tracked.moved_to(dest, self._name(dest))
        self._read(tracked, st, update)

    def _close(self, tracked: Tracked, update: Update) -> None:
        tracked.close()
        update.closed.append(tracked.name)

    # reading ---------------------------------------------------------------------------------

    def _read(self, tracked: Tracked, st: os.stat_result, update: Update) -> None:
        """Read what is new in one file (nothing if it vanished meanwhile: the next look
        finds it gone)."""
        try:
            self._read_file(tracked, st, update)
        except OSError:
            tracked.fresh = True  # read it again whatever its size says, if it is still there

    def _read_file(self, tracked: Tracked, st: os.stat_result, update: Update) -> None:
        json = tracked.json
        if json is not None and json.reader.offset == 0 and tracked.is_database():
            tracked.source, tracked.fresh = None, True  # sniffed while empty: a database
        if tracked.source is None:
            now = time.monotonic()
            due = tracked.fresh or tracked.stat_changed(st) or now >= tracked.retry_at
            if not due or st.st_size == 0:
                return
            tracked.size, tracked.mtime_ns = st.st_size, st.st_mtime_ns
            try:
                tracked.source = open_live(tracked.path)
            except (ValueError, OSError) as exc:
                tracked.fresh = False
                problem = Problem(tracked.name, "file", f"skipped: {exc}")
                if not tracked.is_database():
                    tracked.retry_at = float("inf")  # until it changes
                    self._problems(tracked, [problem])
                    return
                # A database may still be getting its tables (they are created one commit at
                # a time, into the -wal file): retry now and then, and only call it a problem
                # when it stays unreadable.
                tracked.retry_at = now + min(self.rescan_s, DB_GRACE_S / 4)
                if tracked.failing_since is None:
                    tracked.failing_since = now
                elif now - tracked.failing_since >= DB_GRACE_S:
                    self._problems(tracked, [problem])
                return
            tracked.failing_since = None
            tracked.fresh = True
            json = tracked.json
            if json is not None:
                json.reader.source = tracked.name
            else:
                tracked.probe = VersionProbe(tracked.path)
        json = tracked.json
        if json is None:
            probe = tracked.probe
            changed = probe is not None and probe.changed()
            if not (tracked.fresh or changed):
                return
        else:
            if not (tracked.fresh or tracked.stat_changed(st)):
                return
            reader = json.reader
            if st.st_size < reader.offset or not tracked.same_start(tracked.path):
                reader.reset()  # truncated or rewritten in place: read it again from the start
                tracked.head = b""
                update.restarted.append(tracked.name)
            tracked.size, tracked.mtime_ns = st.st_size, st.st_mtime_ns
            tracked.remember_head(st.st_size)
        tracked.fresh = False
        for batch in tracked.source.read(final=False):
            self._take(tracked, batch, update)

    def _take(self, tracked: Tracked, batch: Batch, update: Update) -> None:
        source = tracked.source
        fmt = source.format if source is not None else "unknown"
        writer = self.workspace.writer
        names = {span.source for span in batch.spans} | {e.source for e in batch.events}
        for name in names - self._source_ids.keys():
            self._source_ids[name] = writer.source_id(name, fmt)
        self._pending_spans.extend(batch.spans)
        self._pending_events.extend(batch.events)
        reported = self._reported
        if reported is not None:
            self._pending_rows.extend(
                _row(s)
                for s in batch.spans
                if reported.note(s.trace_id, s.span_id, ended=s.end_ns is not None)
            )
        self._problems(tracked, batch.problems)
        if len(self._pending_spans) >= FLUSH_SPANS:
            self._flush(update)

    def _problems(self, tracked: Tracked, problems: Iterable[Problem]) -> None:
        for problem in problems:
            key = (problem.location, problem.message)
            if key not in tracked.problems:
                tracked.problems.add(key)
                self._pending_problems.append(problem)

    def _flush(self, update: Update) -> None:
        if not (self._pending_spans or self._pending_problems or self._pending_events):
            return
        spans, problems = self._pending_spans, self._pending_problems
        events, self._pending_events = self._pending_events, []
        self._pending_spans, self._pending_problems = [], []
        rows, self._pending_rows = self._pending_rows, []
        change = self.workspace.writer.write(
            spans, problems, source_ids=self._source_ids, events=events
        )
        update.commits.append(Commit(change, time.time_ns(), rows, problems))
        progress = self.workspace.progress
        progress.spans += change.spans
        progress.problems += change.problems
        progress.batches += 1


def _same_start(tracked: Tracked, path: Path) -> bool:
    try:
        return tracked.same_start(path)
    except OSError:
        return False


def _row(span: Span) -> SpanRow:
    s = semconv.summarize(span)
    return SpanRow(
        span_id=span.span_id,
        parent_id=span.parent_id,
        name=span.name,
        kind=s.kind,
        status=span.status,
        start_ns=span.start_ns,
        end_ns=span.end_ns,
        model=s.model,
        input_tokens=s.input_tokens,
        output_tokens=s.output_tokens,
        total_tokens=s.total_tokens,
        cost_usd=s.cost_usd,
        trace_id=span.trace_id,
    )
