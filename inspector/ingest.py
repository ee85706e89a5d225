"""Reading a large JSON trace file in worker processes while this process writes the index.

Parsing is pure Python work that holds the GIL; inside the app it would compete with the GUI
thread for it, and one process cannot use the machine's other cores. A large file is cut into
pieces at record boundaries (a newline followed by ``{``: every JSON line, and every object of
a pretty-printed stream, starts so), and worker processes parse and prepare the pieces
(:func:`inspector.store.writer.prepare`) in parallel. This process commits them in file order,
so runs fill in from the front and the reader's saved position stays exact.

Each worker also copies its piece into the source's *snapshot* (a file beside the index) with
an in-kernel copy, and the spans it prepares point at their record's offset there. The records
-- most of a file's bytes -- then cross no pipe and are not written into SQLite a second time.

The first batch is read here, so the first run shows before the workers have started.
"""

from __future__ import annotations

import mmap
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from inspector.formats.jsonfile import JsonFileReader
from inspector.model.pricing import Pricing
from inspector.store.prepare import Prepared, Ready, prepare, prepare_ready

PARALLEL_MIN_BYTES = 32 << 20  # below this, starting processes costs more than it saves
PIECE_BYTES = 8 << 20  # ~8,000 spans of a typical agent trace: one committed batch
WORKERS = max(1, min(2, os.cpu_count() or 1))
FIRST_BATCH = 256  # spans read here before the workers take over: the first run, fast


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


def pieces(path: Path, start: int, line_no: int, size: int = PIECE_BYTES) -> Iterator[Piece]:
    """Cut a file from ``start`` into pieces of about ``size`` bytes at record boundaries.

    A boundary is a newline followed by ``{``. Inside a JSON line a newline is always escaped,
    and inside a pretty-printed object every line but the first and last is indented, so a
    record never straddles two pieces. A file without such a boundary is one piece.
    """
    with path.open("rb") as handle:
        total = os.fstat(handle.fileno()).st_size
        if start >= total:
            return
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
            pos = start
            while pos < total:
                cut = view.find(b"\n{", pos + size)
                end = total if cut < 0 else cut + 1
                yield Piece(pos, end, line_no)
                line_no += view[pos:end].count(b"\n")
                pos = end


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
    reader = JsonFileReader(Path(path), source)
    reader.offset, reader.line_no, reader.format = piece.start, piece.line_no, fmt
    reader.track_positions = True
    batch: Prepared | Ready = Prepared()
    total = 0
    for read in reader.read(final=True, first_batch=1 << 30, max_batch=1 << 30, end=piece.end):
        # One batch per piece (it is small); a pretty record's bytes go in raws the slow way.
        total = read.total
        args = (read.spans, read.problems, _pricing(), read.events)
        batch = prepare_ready(*args, read.positions, source_id) or prepare(*args)
    return Step(
        batch,
        piece.end,
        total,
        reader.offset,
        reader.line_no,
        reader.format,
        reader.multiline,
    )


def prepared_steps(
    reader: JsonFileReader, pricing: Pricing, snapshot: tuple[Path, int] | None = None
) -> Iterator[Step]:
    """Every batch of ``reader``'s file from its current position, prepared.

    The first batch is read here; when the file is large and ``snapshot`` (the snapshot's path
    and the source's id in the store) is given, the rest in worker processes (see the module's
    doc). The reader's position is kept up to date, so a
    live follower can continue from it.
    """
    size = reader.path.stat().st_size - reader.offset
    parallel = snapshot is not None and size >= PARALLEL_MIN_BYTES
    for batch in reader.read(final=True, first_batch=FIRST_BATCH):
        yield Step(
            prepare(batch.spans, batch.problems, pricing, batch.events),
            batch.done,
            batch.total,
            reader.offset,
            reader.line_no,
            reader.format,
            reader.multiline,
        )
        if parallel:
            break  # the workers read the rest
    if not parallel or snapshot is None:
        return
    context = multiprocessing.get_context("spawn")  # fork is unsafe in a threaded (Qt) process
    executor = ProcessPoolExecutor(max_workers=WORKERS, mp_context=context)
    running: deque[Future[Step]] = deque()
    try:
        for piece in pieces(reader.path, reader.offset, reader.line_no):
            running.append(
                executor.submit(
                    read_piece,
                    str(reader.path),
                    reader.source,
                    snapshot[1],
                    piece,
                    reader.format,
                    str(snapshot[0]),
                )
            )
            if len(running) > 2 * WORKERS:  # bounded: a few pieces ahead of the commits
                yield _advance(reader, running.popleft().result())
        while running:
            yield _advance(reader, running.popleft().result())
    finally:
        for future in running:
            future.cancel()
        executor.shutdown(wait=False, cancel_futures=True)


def _advance(reader: JsonFileReader, step: Step) -> Step:
    """Move the parent's reader to where a piece ended."""
    reader.offset, reader.line_no = step.offset, step.line_no
    reader.format = reader.format or step.format
    reader.multiline = reader.multiline or step.multiline
    return step
