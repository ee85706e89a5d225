"""The run index: exact child lists, rollups and orders, iteratively (no recursion)."""

from __future__ import annotations

import sys

from inspector.model import SpanKind, Status
from inspector.store.queries import SpanRow
from inspector.ui.models.runindex import build_index


def row(
    span_id: str,
    parent: str | None,
    start: int,
    *,
    kind: SpanKind = SpanKind.CHAIN,
    error: bool = False,
    tokens: tuple[int | None, int | None] = (None, None),
    cost: float | None = None,
) -> SpanRow:
    return SpanRow(
        span_id=span_id,
        parent_id=parent,
        name=span_id,
        kind=kind,
        status=Status.ERROR if error else Status.OK,
        start_ns=start,
        end_ns=start + 10,
        model="m" if kind is SpanKind.LLM else None,
        input_tokens=tokens[0],
        output_tokens=tokens[1],
        total_tokens=None,
        cost_usd=cost,
        trace_id="t",
    )


def test_rollups_count_llm_spans_and_errors_below() -> None:
    rows = [
        row("root", None, 0, kind=SpanKind.AGENT, tokens=(999, 999)),  # not an LLM: not counted
        row("a", "root", 1),
        row("llm1", "a", 2, kind=SpanKind.LLM, tokens=(100, 10), cost=0.5),
        row("llm2", "a", 3, kind=SpanKind.LLM, tokens=(50, None), error=True),
        row("tool", "root", 4, kind=SpanKind.TOOL, error=True),
    ]
    index = build_index("t", rows)
    top = index.rollups["root"]
    assert (top.spans, top.errors, top.llm_calls) == (5, 2, 2)
    assert (top.input_tokens, top.output_tokens) == (150, 10)
    assert top.cost_usd == 0.5
    assert top.unpriced == 1
    assert index.rollups["a"].errors == 1
    assert index.preorder == ["root", "a", "llm1", "llm2", "tool"]
    assert index.errors_in_order() == ["llm2", "tool"]
    assert index.path("llm2") == ["root", "a", "llm2"]


def test_orphans_self_parents_and_cycles_are_top_level() -> None:
    rows = [
        row("root", None, 0),
        row("orphan", "never-arrived", 1),
        row("self", "self", 2),
        row("c1", "c2", 3),
        row("c2", "c1", 4),
        row("under-c2", "c2", 5),
    ]
    index = build_index("t", rows)
    top = index.child_ids(None)
    assert top[:3] == ["root", "orphan", "self"]
    assert len(index.preorder) == len(rows), "a parent cycle must not hide spans"
    assert set(index.preorder) == {r.span_id for r in rows}
    assert len(top) == 4  # one member of the cycle is cut and shown at the top


def test_a_100000_deep_chain_needs_no_recursion() -> None:
    depth = 100_000
    assert depth > sys.getrecursionlimit()
    rows = [row("s0", None, 0, kind=SpanKind.LLM, tokens=(1, 2), cost=0.001)]
    rows += [
        row(f"s{i}", f"s{i - 1}", i, kind=SpanKind.LLM, tokens=(1, 2), cost=0.001)
        for i in range(1, depth)
    ]
    index = build_index("t", rows)
    assert index.rollups["s0"].input_tokens == depth
    assert index.rollups["s0"].output_tokens == 2 * depth
    assert index.rollups[f"s{depth - 1}"].spans == 1
    assert len(index.ancestors(f"s{depth - 1}")) == depth - 1
    assert index.preorder[-1] == f"s{depth - 1}"


def test_filter_keeps_ancestors_of_matches() -> None:
    rows = [
        row("root", None, 0),
        row("a", "root", 1),
        row("b", "a", 2, error=True),
        row("c", "root", 3),
    ]
    index = build_index("t", rows)
    matches = index.matching(lambda r: r.status is Status.ERROR)
    assert matches == ["b"]
    assert index.with_ancestors(matches) == {"root", "a", "b"}
