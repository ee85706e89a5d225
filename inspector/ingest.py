"""Reading a large JSON trace file in worker processes while this process writes the index.

Parsing is pure Python work that holds the GIL; inside the app it would compete with the GUI
thread for it, and one process cannot use the machine's other cores. A large file is cut into
pieces at record boundaries (a newline followed by ``{``: every JSON line, and every object of
a pretty-printed stream, starts so), and worker processes parse and prepare the pieces
(:func:`inspector.store.writer.prepare`) in parallel. This process commits them in file order,
so runs fill in from the front and the reader's saved position stays exact.

Workers run without the cyclic garbage collector (see :mod:`inspector.gcpause`) and below the
window's priority. A piece of OTLP JSON lines in the usual shape is decoded by
:mod:`inspector.formats.otlp_lines`; any other piece by the general reader. Each worker
also copies its piece into the source's *snapshot* (a file beside the index) with
an in-kernel copy, and the spans it prepares point at their record's offset there. The records
-- most of a file's bytes -- then cross no pipe and are not written into SQLite a second time.

The first piece is read here, in small batches, while the workers start on the next ones: the
first run shows at once.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any

from inspector.formats.jsonfile import Batch, JsonFileReader
from inspector.formats.otlp_lines import Unusual
from inspector.model.pricing import Pricing
from inspector.store.prepare import Prepared, Ready, ReadyBuilder, prepare

PARALLEL_MIN_BYTES = 32 << 20  # below this, starting processes costs more than it saves
PIECE_BYTES = 8 << 20  # ~8,000 spans of a typical agent trace: one committed batch
WORKERS = max(1, min(2, os.cpu_count() or 1))
FIRST_BATCH = 256  # spans in the first batch read here: the first run shows fast
# The first piece is read by the window's own process, in the GIL the GUI thread needs, while
# the window shows the first run: about the first batch, no more. (At 1 MB, the first run took
# the GUI thread 40 ms of wall time for 3 ms of work, waiting for the GIL.)
FIRST_PIECE_BYTES = 256 << 10
AHEAD = 2 * WORKERS + 1  # pieces submitted ahead of the one being committed


@dataclass(slots=True)
class Step:
    """One prepared batch and where the reader stood after it."""

    batch: Prepared | Ready
    done: int
    total: int
    offset: int
    line_no: int
    format: str | None
    multiline: bool


@dataclass(frozen=True, slots=True)
class Piece:
    """Bytes ``start``..``end`` of a file; ``line_no`` lines come before ``start``."""

    start: int
    end: int
    line_no: int


def pieces(
    path: Path, start: int, line_no: int, size: int = PIECE_BYTES, first: int | None = None
) -> Iterator[Piece]:
    """Cut a file from ``start`` into pieces of about ``size`` bytes (the first of about
    ``first`` bytes, when given) at record boundaries.

    A boundary is a newline followed by ``{``. Inside a JSON line a newline is always escaped,
    and inside a pretty-printed object every line but the first and last is indented, so a
    record never straddles two pieces. A file without such a boundary is one piece.
    """
    with path.open("rb") as handle:
        total = os.fstat(handle.fileno()).st_size
        pos = start
        while pos < total:
            # Read (not mmap: touched pages of a mapping count as this process's memory).
            handle.seek(pos)
            data = handle.read(size if first is None or pos > start else first)
            end = pos + len(data)
            lines = data.count(b"\n")
            tail = data[-1:]
            del data
            while end < total:  # look for the next boundary past ``size`` bytes
                more = handle.read(1 << 16)
                if not more:
                    break
                cut = (tail + more).find(b"\n{")
                if cut >= 0:
                    lines += more.count(b"\n", 0, cut)
                    end += cut
                    break
                lines += more.count(b"\n")
                end += len(more)
                tail = more[-1:]
            end = min(end, total)
            yield Piece(pos, end, line_no)
            line_no += lines
            pos = end


WORKER_NICENESS = 5  # below the window's threads: a busy load must not make the GUI stutter


def _worker_start() -> None:
    """Worker process set-up: no cyclic GC (nothing it makes lives long enough to need it),
    and a lower priority than the process whose GUI thread waits for these pieces."""
    gc.disable()
    with suppress(AttributeError, OSError):  # os.nice is POSIX only
        os.nice(WORKER_NICENESS)


@cache
def _pricing() -> Pricing:
    return Pricing.load()


def _copy(path: str, snapshot: str, start: int, end: int) -> None:
    """Copy bytes ``start``..``end`` of ``path`` to the same offsets of ``snapshot``."""
    src = os.open(path, os.O_RDONLY)
    try:
        dst = os.open(snapshot, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            pos = start
            while pos < end:
                try:
                    copied = os.copy_file_range(src, dst, end - pos, pos, pos)
                except (AttributeError, OSError):  # not Linux, or a file system without it
                    copied = os.pwrite(dst, os.pread(src, min(end - pos, 1 << 22), pos), pos)
                if copied <= 0:
                    raise OSError(f"{path} ended at byte {pos} while it was copied")
                pos += copied
        finally:
            os.close(dst)
    finally:
        os.close(src)


def read_piece(
    path: str, source: str, source_id: int, piece: Piece, fmt: str | None, snapshot: str
) -> Step:
    """Worker process: one piece of a file, prepared, its bytes copied into ``snapshot``."""
    _copy(path, snapshot, piece.start, piece.end)
    shard = Path(f"{snapshot}.{piece.start}.db")
    if fmt == "otlp-json":
        fast = _read_lines(path, source_id, piece, shard)
        if fast is not None:
            return fast
    reader = _piece_reader(path, source, piece, fmt)
    builder = ReadyBuilder(_pricing(), source_id)

    def take(record: dict[str, Any], location: str, at: tuple[int, int], read: Batch) -> None:
        for span in read.spans:  # spans of other records before this one, in file order
            builder.add_span(span)
        read.spans.clear()
        builder.add_otlp(record, source, location, at, read.problems)

    reader.on_otlp_record = take
    read = _whole(reader, piece)
    for span in read.spans:
        builder.add_span(span)
    batch: Prepared | Ready
    if builder.failed:  # a record not in the snapshot (a pretty-printed one): the slow way
        reader = _piece_reader(path, source, piece, fmt)
        read = _whole(reader, piece)
        batch = prepare(read.spans, read.problems, _pricing(), read.events)
    else:
        batch = builder.build(read.problems, read.events, shard)
    return Step(
        batch,
        piece.end,
        read.total,
        reader.offset,
        reader.line_no,
        reader.format,
        reader.multiline,
    )


def _read_lines(path: str, source_id: int, piece: Piece, shard: Path) -> Step | None:
    """A piece of OTLP JSON lines read by the fast decoder, or ``None`` when it holds text only
    the general reader reads (see :mod:`inspector.formats.otlp_lines`)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        total = os.fstat(fd).st_size
        data = os.pread(fd, piece.end - piece.start, piece.start)
    finally:
        os.close(fd)
    if len(data) != piece.end - piece.start:
        return None  # the file changed under us: the general reader says how
    lines = data.split(b"\n")
    del data
    builder = ReadyBuilder(_pricing(), source_id)
    try:
        builder.add_lines(lines, piece.start, piece.line_no)
    except Unusual:
        return None
    return Step(
        builder.build([], [], shard),
        piece.end,
        total,
        piece.end,
        piece.line_no + len(lines) - (not lines[-1]),  # a last line without its newline counts
        "otlp-json",
        False,
    )


def _piece_reader(path: str, source: str, piece: Piece, fmt: str | None) -> JsonFileReader:
    reader = JsonFileReader(Path(path), source)
    reader.offset, reader.line_no, reader.format = piece.start, piece.line_no, fmt
    return reader


def _whole(reader: JsonFileReader, piece: Piece) -> Batch:
    """A piece read as one batch (pieces are small)."""
    whole = Batch()
    for read in reader.read(final=True, first_batch=1 << 30, max_batch=1 << 30, end=piece.end):
        whole = read
    return whole


def is_parallel(reader: JsonFileReader) -> bool:
    """Whether :func:`prepared_steps` reads the rest of this file in worker processes."""
    try:
        return reader.path.stat().st_size - reader.offset >= PARALLEL_MIN_BYTES
    except OSError:
        return False


def prepared_steps(
    reader: JsonFileReader, pricing: Pricing, snapshot: tuple[Path, int] | None = None
) -> Iterator[Step]:
    """Every batch of ``reader``'s file from its current position, prepared.

    When the file is large and ``snapshot`` (the snapshot's path and the source's id in the
    store) is given, all but its first piece are read in worker processes (see the module's
    doc); otherwise everything is read here. The reader's position is kept up to date, so a
    live follower can continue from it.
    """
    if snapshot is None or not is_parallel(reader):
        for batch in reader.read(final=True, first_batch=FIRST_BATCH):
            yield _step(reader, batch, pricing)
        return
    plan = pieces(reader.path, reader.offset, reader.line_no, first=FIRST_PIECE_BYTES)
    first = next(plan)
    context = multiprocessing.get_context("spawn")  # fork is unsafe in a threaded (Qt) process
    executor = ProcessPoolExecutor(
        max_workers=WORKERS, mp_context=context, initializer=_worker_start
    )
    running: deque[Future[Step]] = deque()

    def submit(piece: Piece) -> None:
        args = (str(reader.path), reader.source, snapshot[1], piece, reader.format)
        running.append(executor.submit(read_piece, *args, str(snapshot[0])))

    try:
        # The workers start on the pieces after the first (starting them takes a few tenths
        # of a second) while the first piece is read here, in small batches: the first run
        # shows at once.
        for batch in reader.read(final=True, first_batch=FIRST_BATCH, end=first.end):
            yield _step(reader, batch, pricing)
            if not running:  # after the first batch: spawning takes the parent ~0.1 s
                for piece in islice(plan, AHEAD):
                    submit(piece)
        for piece in islice(plan, AHEAD - len(running)):  # the first piece was one batch
            submit(piece)
        while running:
            step = running.popleft().result()
            for piece in islice(plan, 1):
                submit(piece)
            yield _advance(reader, step)
    finally:  # done, failed or cancelled: let running pieces end, drop what they made
        for future in running:
            future.cancel()
        executor.shutdown(wait=True, cancel_futures=True)
        for future in running:
            if not future.cancelled() and future.exception() is None:
                _discard(future.result())


def _discard(step: Step) -> None:
    if isinstance(step.batch, Ready):
        with suppress(OSError):
            os.unlink(step.batch.shard)


def _step(reader: JsonFileReader, batch: Batch, pricing: Pricing) -> Step:
    return Step(
        prepare(batch.spans, batch.problems, pricing, batch.events),
        batch.done,
        batch.total,
        reader.offset,
        reader.line_no,
        reader.format,
        reader.multiline,
    )


def _advance(reader: JsonFileReader, step: Step) -> Step:
    """Move the parent's reader to where a piece ended."""
    reader.offset, reader.line_no = step.offset, step.line_no
    reader.format = reader.format or step.format
    reader.multiline = reader.multiline or step.multiline
    return step
