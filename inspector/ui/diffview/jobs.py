"""The work behind the diff widgets, as plain functions run on a worker thread (no Qt).

Every job opens its own :class:`StoreReader` from the factory it is given (a reader belongs
to one thread) and closes it when done. Spans that cannot be found raise
:class:`SpanNotFoundError`, a ``ValueError``: the widgets show its message instead of
treating it as a bug.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from inspector.cli import find_span
from inspector.diff import (
    DiffOptions,
    LlmStep,
    PromptVersion,
    RunDiff,
    SpanDiff,
    diff_run_ids,
    diff_spans,
    diff_versions,
    llm_steps,
    previous_llm_call,
    prompt_versions,
    step_path,
)
from inspector.diff.tree import Path
from inspector.diff.versions import ScanCancelledError, iter_runs
from inspector.model import Span
from inspector.model.pricing import Pricing
from inspector.store.queries import RunRow, StoreReader
from inspector.ui.text import one_line

ReaderFactory = Callable[[], StoreReader]
Ref = tuple[str, str]
"""``(trace_id, span_id)``."""
SpanRef = Ref | str
"""A span as a ``(trace_id, span_id)`` pair, or a span id (prefix) to look up."""


class SpanNotFoundError(ValueError):
    """A span to compare is not in the store, or a prefix names none or several."""


@dataclass(frozen=True, slots=True)
class SpanPairResult:
    """Two spans and their diff; ``diff`` is ``None`` when there is nothing to compare."""

    a: Span | None
    b: Span | None
    diff: SpanDiff | None
    note: str = ""


@contextmanager
def opened(factory: ReaderFactory) -> Iterator[StoreReader]:
    reader = factory()
    try:
        yield reader
    finally:
        reader.close()


@cache
def pricing() -> Pricing:
    """The price table, read once (prices calls whose cost was not recorded)."""
    return Pricing.load()


def resolve(reader: StoreReader, ref: SpanRef) -> Ref:
    """``(trace_id, span_id)`` of ``ref``; a string is looked up as a span id prefix."""
    if not isinstance(ref, str):
        return ref
    found = find_span(reader, ref)
    if isinstance(found, str):
        raise SpanNotFoundError(found)
    return found


def load_span(reader: StoreReader, ref: Ref) -> Span:
    span = reader.span(*ref)
    if span is None:
        raise SpanNotFoundError(f"span {ref[1]} of run {ref[0]} is not in the store")
    return span


def compute(a: Span, b: Span, options: DiffOptions) -> SpanDiff:
    return diff_spans(a, b, options, pricing=pricing())


def compare_refs(
    factory: ReaderFactory, a: SpanRef, b: SpanRef, options: DiffOptions
) -> SpanPairResult:
    """Read two spans (ids or unique prefixes) and diff them."""
    with opened(factory) as reader:
        span_a = load_span(reader, resolve(reader, a))
        span_b = load_span(reader, resolve(reader, b))
    return SpanPairResult(span_a, span_b, compute(span_a, span_b, options))


def compare_previous(
    factory: ReaderFactory, trace_id: str, span_id: str, options: DiffOptions
) -> SpanPairResult:
    """Diff an LLM call with the LLM call before it in its run (A: previous, B: this one)."""
    with opened(factory) as reader:
        span_b = load_span(reader, (trace_id, span_id))
        previous = previous_llm_call(reader, trace_id, span_id)
        if previous is None:
            note = (
                f"“{one_line(span_b.name, 80)}” ({span_id[:8]}) is the first LLM call of its run: "
                "there is no previous call to compare it with."
            )
            return SpanPairResult(None, span_b, None, note)
        span_a = load_span(reader, (trace_id, previous.span_id))
    return SpanPairResult(span_a, span_b, compute(span_a, span_b, options))


def compare_versions(
    factory: ReaderFactory, a: PromptVersion, b: PromptVersion, options: DiffOptions
) -> SpanPairResult:
    """Diff the representative calls of two prompt versions."""
    with opened(factory) as reader:
        try:
            diff = diff_versions(reader, a, b, options, pricing=pricing())
        except LookupError as exc:
            raise SpanNotFoundError(str(exc)) from exc
    return SpanPairResult(diff.a, diff.b, diff)


def all_runs(factory: ReaderFactory) -> list[RunRow]:
    """Every run, oldest first."""
    with opened(factory) as reader:
        return iter_runs(reader)


def run_diff(factory: ReaderFactory, trace_a: str, trace_b: str) -> RunDiff:
    with opened(factory) as reader:
        return diff_run_ids(reader, trace_a, trace_b)


def steps(factory: ReaderFactory) -> list[LlmStep]:
    with opened(factory) as reader:
        return llm_steps(reader)


def path_of(factory: ReaderFactory, ref: SpanRef) -> Path | None:
    """The step path (span names from the root) of a span."""
    with opened(factory) as reader:
        trace_id, span_id = resolve(reader, ref)
        return step_path(reader, trace_id, span_id)


def versions(
    factory: ReaderFactory,
    path: Path,
    progress: Callable[[int, int], None],
    cancel: threading.Event,
) -> list[PromptVersion] | None:
    """The step's prompt versions; ``None`` if the scan was cancelled (a newer one runs)."""
    with opened(factory) as reader:
        try:
            return prompt_versions(reader, path, progress=progress, cancel=cancel)
        except ScanCancelledError:
            return None
