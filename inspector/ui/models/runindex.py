"""An in-memory index of one run's span tree, built off the GUI thread (pure Python, no Qt).

Built from :meth:`StoreReader.span_rows` (indexed columns only, ordered by start time) in
one pass. Everything is iterative: a run may be a 100,000-deep chain, far past Python's
recursion limit. The index gives the tree model exact child lists and subtree rollups, and the
window its "next error", "reveal span" and span-filter answers without touching SQLite.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from inspector.model import SpanKind, Status
from inspector.store.queries import SpanRow


@dataclass(slots=True)
class Rollup:
    """Totals of a subtree (the span itself and everything below it).

    Tokens and cost count LLM spans only, as the run rollups do: agent and chain spans often
    repeat their children's totals. ``unpriced`` counts LLM spans without a cost.
    """

    spans: int = 0
    errors: int = 0
    llm_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = None
    unpriced: int = 0

    def add(self, other: Rollup) -> None:
        self.spans += other.spans
        self.errors += other.errors
        self.llm_calls += other.llm_calls
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.unpriced += other.unpriced
        if other.cost_usd is not None:
            self.cost_usd = other.cost_usd + (self.cost_usd or 0.0)


def own_rollup(row: SpanRow) -> Rollup:
    """The rollup of a span on its own."""
    llm = row.kind is SpanKind.LLM
    return Rollup(
        spans=1,
        errors=int(row.status is Status.ERROR),
        llm_calls=int(llm),
        input_tokens=(row.input_tokens or 0) if llm else 0,
        output_tokens=(row.output_tokens or 0) if llm else 0,
        cost_usd=row.cost_usd if llm else None,
        unpriced=int(llm and row.cost_usd is None),
    )


@dataclass(slots=True)
class RunIndex:
    """Parent/child links, pre-order and subtree rollups of one run.

    ``children[None]`` is the top level: true roots, spans whose parent never arrived,
    self-parented spans and (so nothing is hidden) one member of each parent cycle.
    """

    trace_id: str
    rows: dict[str, SpanRow] = field(default_factory=dict)
    children: dict[str | None, list[str]] = field(default_factory=dict)
    parent: dict[str, str | None] = field(default_factory=dict)
    preorder: list[str] = field(default_factory=list)
    rollups: dict[str, Rollup] = field(default_factory=dict)
    start_ns: int | None = None
    end_ns: int | None = None
    models: list[str] = field(default_factory=list)

    def child_ids(self, span_id: str | None) -> list[str]:
        return self.children.get(span_id, [])

    def has_children(self, span_id: str) -> bool:
        return bool(self.children.get(span_id))

    def ancestors(self, span_id: str) -> list[str]:
        """Ids from the top level down to the span's parent (empty for a top-level span)."""
        chain: list[str] = []
        current = self.parent.get(span_id)
        while current is not None:
            chain.append(current)
            current = self.parent.get(current)
        chain.reverse()
        return chain

    def path(self, span_id: str) -> list[str]:
        """Ids from the top level down to the span itself."""
        return [*self.ancestors(span_id), span_id]

    def errors_in_order(self) -> list[str]:
        return [s for s in self.preorder if self.rows[s].status is Status.ERROR]

    def matching(self, predicate: Callable[[SpanRow], bool]) -> list[str]:
        """Ids of spans the predicate accepts, in tree (pre-)order."""
        return [s for s in self.preorder if predicate(self.rows[s])]

    def with_ancestors(self, span_ids: Iterable[str]) -> set[str]:
        """The spans and every ancestor of them (what a filtered tree must show)."""
        shown: set[str] = set()
        for span_id in span_ids:
            current: str | None = span_id
            while current is not None and current not in shown:
                shown.add(current)
                current = self.parent.get(current)
        return shown


def build_index(trace_id: str, rows: Iterable[SpanRow]) -> RunIndex:
    """Index a run's spans (given in start order, as :meth:`StoreReader.span_rows` returns)."""
    index = RunIndex(trace_id)
    by_id = index.rows
    for row in rows:
        by_id[row.span_id] = row
    children = index.children
    top: list[str] = []
    for span_id, row in by_id.items():
        parent = row.parent_id
        if parent is None or parent == span_id or parent not in by_id:
            index.parent[span_id] = None
            top.append(span_id)
        else:
            index.parent[span_id] = parent
            children.setdefault(parent, []).append(span_id)
    children[None] = top
    _walk(index, top)
    if len(index.preorder) < len(by_id):
        # Spans in a parent cycle are unreachable from the top level: cut each cycle at its
        # earliest span and show it at the top so that nothing read is hidden.
        seen = set(index.preorder)
        for span_id in by_id:
            if span_id not in seen:
                cut = _cycle_member(index, span_id)
                old_parent = index.parent[cut]
                if old_parent is not None:
                    children[old_parent].remove(cut)
                index.parent[cut] = None
                top.append(cut)
                before = len(index.preorder)
                _walk(index, [cut])
                seen.update(index.preorder[before:])
    _roll_up(index)
    starts = [r.start_ns for r in by_id.values() if r.start_ns is not None]
    ends = [r.end_ns if r.end_ns is not None else r.start_ns for r in by_id.values()]
    known_ends = [e for e in ends if e is not None]
    index.models = sorted({r.model for r in by_id.values() if r.model})
    index.start_ns = min(starts) if starts else None
    index.end_ns = max(known_ends) if known_ends else None
    return index


def _cycle_member(index: RunIndex, span_id: str) -> str:
    """Follow parent links from an unreachable span until they loop; return a member."""
    visited: set[str] = set()
    current = span_id
    while current not in visited:
        visited.add(current)
        parent = index.parent[current]
        if parent is None:
            return current
        current = parent
    return current


def _walk(index: RunIndex, roots: list[str]) -> None:
    """Append the subtrees under ``roots`` to ``index.preorder`` (iterative depth-first)."""
    stack = list(reversed(roots))
    children = index.children
    order = index.preorder
    while stack:
        span_id = stack.pop()
        order.append(span_id)
        kids = children.get(span_id)
        if kids:
            stack.extend(reversed(kids))


def _roll_up(index: RunIndex) -> None:
    """Subtree totals: reverse pre-order visits every child before its parent."""
    rollups = index.rollups
    for span_id in index.preorder:
        rollups[span_id] = own_rollup(index.rows[span_id])
    for span_id in reversed(index.preorder):
        parent = index.parent[span_id]
        if parent is not None:
            rollups[parent].add(rollups[span_id])
