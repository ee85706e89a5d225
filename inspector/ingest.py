"""Reading a large JSON trace file in a child process while this process writes the index.

Parsing is pure Python work that holds the GIL; inside the app it would compete with the GUI
thread for it, and it cannot use the machine's second core. A child process parses and prepares
rows (:func:`inspector.store.writer.prepare`), and the parent only commits them. The first batch
is still read in the parent, so the first run shows before the child has even started.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from inspector.formats.jsonfile import JsonFileReader
from inspector.model.pricing import Pricing
from inspector.store.writer import Prepared, prepare

PARALLEL_MIN_BYTES = 32 << 20  # below this, starting a process costs more than it saves


@dataclass(slots=True)
class Step:
    """One prepared batch and where the reader stood after it."""

    batch: Prepared
    done: int
    total: int
    offset: int
    line_no: int
    format: str | None
    multiline: bool


def _child(path: str, source: str, conn: Connection) -> None:
    """Child process: wait for the start position, then stream prepared batches."""
    try:
        offset, line_no, fmt = conn.recv()
        reader = JsonFileReader(Path(path), source)
        reader.offset, reader.line_no, reader.format = offset, line_no, fmt
        pricing = Pricing.load()
        for batch in reader.read(final=True, first_batch=2_000, max_batch=8_000):
            step = Step(
                prepare(batch.spans, batch.problems, pricing, batch.events),
                batch.done,
                batch.total,
                reader.offset,
                reader.line_no,
                reader.format,
                reader.multiline,
            )
            conn.send(step)
        conn.send(None)
    except BaseException:  # reported to the parent, which raises it
        conn.send(traceback.format_exc())
    finally:
        conn.close()


def prepared_steps(reader: JsonFileReader, pricing: Pricing) -> Iterator[Step]:
    """Every batch of ``reader``'s file from its current position, prepared.

    The first batch is read here; the rest in a child process when the file is large. The
    reader's position is kept up to date, so a live follower can continue from it.
    """
    size = reader.path.stat().st_size - reader.offset
    ctx = multiprocessing.get_context("spawn")  # fork is unsafe in a threaded (Qt) process
    parent_end: Connection | None = None
    process = None
    if size >= PARALLEL_MIN_BYTES:
        parent_end, child_end = ctx.Pipe(duplex=True)
        process = ctx.Process(
            target=_child,
            args=(str(reader.path), reader.source, child_end),
            name="trace-inspector-reader",
            daemon=True,
        )
        process.start()
        child_end.close()
    try:
        for batch in reader.read(final=True):
            yield Step(
                prepare(batch.spans, batch.problems, pricing, batch.events),
                batch.done,
                batch.total,
                reader.offset,
                reader.line_no,
                reader.format,
                reader.multiline,
            )
            if parent_end is not None:
                break  # the child reads the rest
        if parent_end is None:
            return
        parent_end.send((reader.offset, reader.line_no, reader.format))
        while True:
            message = parent_end.recv()
            if message is None:
                return
            if isinstance(message, str):
                raise RuntimeError(f"the reader process failed:\n{message}")
            reader.offset, reader.line_no = message.offset, message.line_no
            reader.format = message.format
            reader.multiline = reader.multiline or message.multiline
            yield message
    finally:
        if process is not None:
            if process.is_alive():
                process.terminate()
            process.join(timeout=5)
        if parent_end is not None:
            parent_end.close()
