"""A span processor for live viewing: short export delay, and optionally a record at span start.

The SDK's ``BatchSpanProcessor`` waits up to 5 s before exporting and only ever sees finished
spans, so a 40-second LLM call is invisible until it returns. This processor exports within
``delay_s`` and, with ``record_starts``, also exports a span when it starts (no end time yet).
The finished record replaces the started one wherever it lands: our store keeps one row per
span id, preferring the record with an end time, and the inspector does the same for files.

A span that starts and ends within one export window is exported once, finished: start records
only show spans that are still running when their batch is written.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
import weakref
from collections import deque
from typing import Any

from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor
from opentelemetry.sdk.trace.export import SpanExporter

__all__ = ["LiveSpanProcessor"]

_logger = logging.getLogger(__name__)


class LiveSpanProcessor(SpanProcessor):
    """Export spans in the background, soon after they end (and when they start).

    Args:
        exporter: where spans go (``OtlpJsonLinesExporter``, ``StoreSpanExporter`` ...).
        record_starts: also export each sampled span as it starts.
        delay_s: the longest a span waits before its batch is exported.
        max_batch: export as soon as this many spans are waiting.
        max_queue: spans kept waiting at most; beyond it new ones are dropped (and logged),
            so a stuck exporter cannot eat the agent's memory.
    """

    def __init__(
        self,
        exporter: SpanExporter,
        *,
        record_starts: bool = True,
        delay_s: float = 0.1,
        max_batch: int = 512,
        max_queue: int = 100_000,
    ) -> None:
        self.exporter = exporter
        self.record_starts = record_starts
        self.delay_s = delay_s
        self.max_batch = max_batch
        self.max_queue = max_queue
        self.dropped = 0
        self._init_state()
        if sys.platform != "win32":
            reference = weakref.WeakMethod(self._init_state)

            def after_fork_in_child() -> None:
                method = reference()
                if method is not None:
                    method()

            os.register_at_fork(after_in_child=after_fork_in_child)

    def _init_state(self) -> None:
        """Fresh queue, lock and worker (at start, and in a forked child, which has no worker)."""
        self._queue: deque[tuple[bool, ReadableSpan]] = deque()
        self._cond = threading.Condition()
        self._flush_requested = 0
        self._flushed = 0
        self._stopping = False
        self._worker = threading.Thread(
            target=self._run, name="inspector-live-span-export", daemon=True
        )
        self._worker.start()

    # SpanProcessor ---------------------------------------------------------------------------

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        del parent_context
        if not self.record_starts or not span.context.trace_flags.sampled:
            return
        self._put(True, _snapshot(span))

    def on_end(self, span: ReadableSpan) -> None:
        if span.context is None or not span.context.trace_flags.sampled:
            return
        self._put(False, span)

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        """Export everything queued so far; false if that took longer than the timeout."""
        deadline = time.monotonic() + timeout_millis / 1000
        with self._cond:
            if not self._worker.is_alive():
                return not self._queue
            self._flush_requested += 1
            ticket = self._flush_requested
            self._cond.notify_all()
            while self._flushed < ticket:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def shutdown(self) -> None:
        """Export what is queued, stop the worker and shut the exporter down."""
        with self._cond:
            if self._stopping:
                return
            self._stopping = True
            self._cond.notify_all()
        self._worker.join(timeout=30)
        self.exporter.shutdown()

    # worker ----------------------------------------------------------------------------------

    def _put(self, started: bool, span: ReadableSpan) -> None:
        with self._cond:
            if self._stopping:
                return
            if len(self._queue) >= self.max_queue:
                self.dropped += 1
                if self.dropped == 1:
                    _logger.warning("LiveSpanProcessor: queue full, dropping spans")
                return
            self._queue.append((started, span))
            if len(self._queue) == 1 or len(self._queue) >= self.max_batch:
                self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not (self._queue or self._stopping or self._flush_wanted()):
                    self._cond.wait()
                # The first span of a batch waits at most delay_s for company.
                deadline = time.monotonic() + self.delay_s
                while not (
                    self._stopping or self._flush_wanted() or len(self._queue) >= self.max_batch
                ):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._cond.wait(left)
                batch = list(self._queue)
                self._queue.clear()
                ticket = self._flush_requested
                stopping = self._stopping
            self._export(batch)
            with self._cond:
                self._flushed = max(self._flushed, ticket)
                self._cond.notify_all()
            if stopping:
                return

    def _flush_wanted(self) -> bool:
        return self._flush_requested > self._flushed

    def _export(self, batch: list[tuple[bool, ReadableSpan]]) -> None:
        if not batch:
            return
        ended = {_key(span) for started, span in batch if not started}
        spans = [span for started, span in batch if not (started and _key(span) in ended)]
        for start in range(0, len(spans), self.max_batch):
            try:
                self.exporter.export(spans[start : start + self.max_batch])
            except Exception:  # the worker must survive any exporter bug
                _logger.exception("LiveSpanProcessor: export failed")


def _key(span: ReadableSpan) -> tuple[int, int]:
    context = span.context
    return (context.trace_id, context.span_id) if context is not None else (0, 0)


def _snapshot(span: Span) -> ReadableSpan:
    """The span as it is now: later changes (attributes, end) must not leak into its record."""
    fields: dict[str, Any] = {
        "name": span.name,
        "context": span.context,
        "parent": span.parent,
        "resource": span.resource,
        "attributes": dict(span.attributes or {}),
        "events": tuple(span.events),
        "links": tuple(span.links),
        "kind": span.kind,
        "status": span.status,
        "start_time": span.start_time,
        "end_time": None,
        "instrumentation_scope": span.instrumentation_scope,
    }
    return ReadableSpan(**fields)
