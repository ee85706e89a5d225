"""Prompt versions of one LLM step across all loaded runs.

A *step* is identified by its path of span names from the run's root (``agent ▸ plan ▸
ChatCompletion``), so "the planner's call" is the same step in every run. Its *versions* are
the distinct system prompts (or prompt templates) it was called with: grouped by
``llm.prompt_template.version`` when the call records one, else by a hash of the content.

Only light rows are read to find the step in each run; payloads are decoded only for the calls
at that path.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from statistics import fmean

from inspector.diff.messages import message_text
from inspector.diff.spans import SpanDiff, diff_spans
from inspector.diff.text import DiffOptions
from inspector.diff.tree import Path, build_tree, span_paths, spans_at_path
from inspector.model import LlmView, SpanKind, Status
from inspector.model.pricing import Pricing
from inspector.semconv import llm_view
from inspector.store.queries import RunRow, SpanRow, StoreReader

SYSTEM_ROLES = frozenset({"system", "developer"})
_PAGE = 500

Ref = tuple[str, str]
"""(trace_id, span_id) of a call."""


class ScanCancelledError(Exception):
    """The scan was cancelled before it finished."""


@dataclass(frozen=True, slots=True)
class LlmStep:
    """An LLM step: a path of span names, with how often it was called."""

    path: Path
    calls: int
    runs: int


@dataclass(frozen=True, slots=True)
class PromptVersion:
    """One version of a step's prompt and how the runs that used it went.

    Attributes:
        key: what groups calls: ``version:<label>`` or ``sha256:<hex>`` of the content.
        label: for display: the recorded version, or ``#`` and the start of the hash.
        source: ``version`` (recorded label), ``template`` (prompt template), ``system``
            (system messages) or ``none`` (the call had none of them).
        content: the template or system prompt text of the first call.
        contents: how many different contents share this key (more than one means a version
            label was reused for different text).
        calls: every call, in run start order; the first is the representative.
        runs: how many runs used this version.
        mean_latency_ms / mean_input_tokens / mean_output_tokens / mean_cost_usd: averages
            over the calls that recorded them (``None`` if none did).
        error_rate: fraction of the calls that failed.
        run_error_rate: fraction of the runs using this version that had any error.
    """

    key: str
    label: str
    source: str
    content: str
    contents: int
    calls: tuple[Ref, ...]
    runs: int
    mean_latency_ms: float | None
    mean_input_tokens: float | None
    mean_output_tokens: float | None
    mean_cost_usd: float | None
    error_rate: float
    run_error_rate: float

    @property
    def representative(self) -> Ref:
        return self.calls[0]


@dataclass(slots=True)
class _Group:
    label: str
    source: str
    content: str
    hashes: set[str] = field(default_factory=set)
    calls: list[Ref] = field(default_factory=list)
    rows: list[SpanRow] = field(default_factory=list)
    runs: dict[str, bool] = field(default_factory=dict)  # trace id -> run had errors


def iter_runs(reader: StoreReader) -> list[RunRow]:
    """Every run, oldest first, read in pages."""
    out: list[RunRow] = []
    while True:
        page = reader.runs(len(out), _PAGE, sort="start", descending=False)
        out += page
        if len(page) < _PAGE:
            return out


def llm_steps(reader: StoreReader) -> list[LlmStep]:
    """The distinct paths of LLM calls across all runs, most called first."""
    calls: dict[Path, int] = {}
    runs: dict[Path, set[str]] = {}
    for run in iter_runs(reader):
        tree = build_tree(reader.span_rows(run.trace_id))
        for path in span_paths(tree, lambda row: row.kind is SpanKind.LLM).values():
            calls[path] = calls.get(path, 0) + 1
            runs.setdefault(path, set()).add(run.trace_id)
    steps = [LlmStep(path, count, len(runs[path])) for path, count in calls.items()]
    return sorted(steps, key=lambda step: (-step.calls, step.path))


def step_path(reader: StoreReader, trace_id: str, span_id: str) -> Path | None:
    """The path of names from the run's root to a span (``None`` if it is not in the run)."""
    tree = build_tree(reader.span_rows(trace_id))
    return span_paths(tree, lambda row: row.span_id == span_id).get(span_id)


def system_prompt(view: LlmView, options: DiffOptions | None = None) -> str:
    """The call's system (and developer) messages as one text."""
    return "\n\n".join(
        message_text(m, options) for m in view.input_messages if m.role in SYSTEM_ROLES
    )


def version_key(view: LlmView) -> tuple[str, str, str, str]:
    """``(key, label, source, content)`` of a call's prompt version."""
    template = view.prompt_template
    content = template if template else system_prompt(view)
    digest = hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()
    if view.prompt_template_version:
        label = view.prompt_template_version
        return f"version:{label}", label, "version", content
    if template:
        return f"sha256:{digest}", f"#{digest[:8]}", "template", content
    if content:
        return f"sha256:{digest}", f"#{digest[:8]}", "system", content
    return "none", "(no system prompt)", "none", ""


def prompt_versions(
    reader: StoreReader,
    path: Sequence[str],
    *,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> list[PromptVersion]:
    """The versions of the step at ``path`` across all runs, oldest first.

    Args:
        reader: the store.
        path: span names from the root, e.g. ``("agent", "plan", "ChatCompletion")``.
        progress: called with ``(runs done, runs total)`` after each run.
        cancel: set it to stop early (raises :class:`ScanCancelledError`).
    """
    groups: dict[str, _Group] = {}
    runs = iter_runs(reader)
    for done, run in enumerate(runs, 1):
        if cancel is not None and cancel.is_set():
            raise ScanCancelledError
        for row in spans_at_path(build_tree(reader.span_rows(run.trace_id)), path):
            span = reader.span(run.trace_id, row.span_id)
            if span is None:
                continue
            key, label, source, content = version_key(llm_view(span))
            group = groups.get(key)
            if group is None:
                group = groups[key] = _Group(label, source, content)
            group.hashes.add(hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest())
            group.calls.append((run.trace_id, row.span_id))
            group.rows.append(row)
            group.runs[run.trace_id] = run.errors > 0
        if progress is not None:
            progress(done, len(runs))
    return [_version(key, group) for key, group in groups.items()]


def _mean(values: list[float | int | None]) -> float | None:
    known = [v for v in values if v is not None]
    return fmean(known) if known else None


def _version(key: str, group: _Group) -> PromptVersion:
    rows = group.rows
    return PromptVersion(
        key=key,
        label=group.label,
        source=group.source,
        content=group.content,
        contents=len(group.hashes),
        calls=tuple(group.calls),
        runs=len(group.runs),
        mean_latency_ms=_mean(
            [None if r.duration_ns is None else r.duration_ns / 1e6 for r in rows]
        ),
        mean_input_tokens=_mean([r.input_tokens for r in rows]),
        mean_output_tokens=_mean([r.output_tokens for r in rows]),
        mean_cost_usd=_mean([r.cost_usd for r in rows]),
        error_rate=sum(r.status is Status.ERROR for r in rows) / len(rows),
        run_error_rate=sum(group.runs.values()) / len(group.runs),
    )


def diff_versions(
    reader: StoreReader,
    a: PromptVersion,
    b: PromptVersion,
    options: DiffOptions | None = None,
    *,
    pricing: Pricing | None = None,
) -> SpanDiff:
    """The span-vs-span diff of two versions' representative calls.

    Raises:
        LookupError: a representative is no longer in the store.
    """
    spans = []
    for trace_id, span_id in (a.representative, b.representative):
        span = reader.span(trace_id, span_id)
        if span is None:
            raise LookupError(f"span {span_id} of run {trace_id} is not in the store")
        spans.append(span)
    return diff_spans(spans[0], spans[1], options, pricing=pricing)
