"""Run against run: span trees aligned by path of names and order among siblings."""

from __future__ import annotations

from pathlib import Path

from openinference.semconv.trace import OpenInferenceSpanKindValues as Kind

from inspector.diff import Change, diff_run_ids, diff_runs
from inspector.diff.tree import build_tree, span_paths, spans_at_path
from inspector.model import SpanKind, Status
from inspector.store.queries import SpanRow
from tests.diff_data import MS, Call, Recorder, msg, opened


def row(
    span_id: str,
    parent: str | None,
    name: str,
    start: int,
    *,
    duration: int = 10,
    tokens: int | None = None,
    status: Status = Status.UNSET,
    cost: float | None = None,
) -> SpanRow:
    return SpanRow(
        span_id=span_id,
        parent_id=parent,
        name=name,
        kind=SpanKind.LLM if tokens is not None else SpanKind.CHAIN,
        status=status,
        start_ns=start * MS,
        end_ns=(start + duration) * MS,
        model="m" if tokens is not None else None,
        input_tokens=tokens,
        output_tokens=tokens,
        total_tokens=None,
        cost_usd=cost,
    )


def shape(pairs: tuple[object, ...]) -> list[tuple[int, str, str]]:
    return [(p.depth, p.name, p.change.value) for p in pairs]  # type: ignore[attr-defined]


RUN_A = [
    row("a1", None, "agent", 0, duration=100),
    row("a2", "a1", "plan", 1, tokens=50, cost=0.01),
    row("a3", "a1", "search", 20),
    row("a4", "a1", "answer", 40, tokens=80, cost=0.02),
]


def test_extra_span_is_added_and_the_rest_matched() -> None:
    run_b = [
        row("b1", None, "agent", 0, duration=150),
        row("b2", "b1", "plan", 1, tokens=50, cost=0.01),
        row("b3", "b1", "search", 20),
        row("b4", "b1", "search", 30),  # a second search
        row("b5", "b1", "answer", 60, duration=25, tokens=90, cost=0.03),
    ]
    diff = diff_runs(RUN_A, run_b)
    assert shape(diff.pairs) == [
        (0, "agent", "equal"),
        (1, "plan", "equal"),
        (1, "search", "equal"),
        (1, "search", "added"),
        (1, "answer", "changed"),
    ]
    agent, _, search, extra, answer = diff.pairs
    assert (search.a and search.a.span_id, search.b and search.b.span_id) == ("a3", "b3")
    assert extra.a is None and extra.b is not None and extra.b.span_id == "b4"
    assert extra.parent == 0 and answer.parent == 0 and agent.parent is None
    assert agent.duration_delta_ns == 50 * MS
    assert answer.duration_delta_ns == 15 * MS
    assert (answer.input_tokens_delta, answer.output_tokens_delta) == (10, 10)
    assert answer.cost_delta_usd is not None and abs(answer.cost_delta_usd - 0.01) < 1e-12
    assert extra.duration_delta_ns is None
    assert diff.counts() == {Change.EQUAL: 3, Change.CHANGED: 1, Change.ADDED: 1, Change.REMOVED: 0}


def test_removed_subtree_and_status_change() -> None:
    run_b = [
        row("b1", None, "agent", 0, duration=100, status=Status.ERROR),
        row("b2", "b1", "plan", 1, tokens=50, cost=0.01),
        row("b4", "b1", "answer", 40, tokens=80, cost=0.02),
    ]
    run_a = [*RUN_A, row("a5", "a3", "http", 21), row("a6", "a5", "dns", 22)]
    diff = diff_runs(run_a, run_b)
    assert shape(diff.pairs) == [
        (0, "agent", "changed"),
        (1, "plan", "equal"),
        (1, "search", "removed"),
        (2, "http", "removed"),
        (3, "dns", "removed"),
        (1, "answer", "equal"),
    ]
    assert diff.pairs[0].status_changed
    assert diff.pairs[3].parent == 2


def test_deep_runs_need_no_recursion() -> None:
    depth = 5_000  # five times the recursion limit
    chain = [row(f"s{i}", f"s{i - 1}" if i else None, f"step{i % 3}", i) for i in range(depth)]
    longer = [*chain, row("extra", f"s{depth - 1}", "leaf", depth)]
    diff = diff_runs(chain, longer)
    assert len(diff.pairs) == depth + 1
    assert diff.pairs[-1].depth == depth and diff.pairs[-1].change is Change.ADDED
    tree = build_tree(longer)
    paths = span_paths(tree, lambda r: r.span_id == "extra")
    assert len(paths["extra"]) == depth + 1
    assert [r.span_id for r in spans_at_path(tree, paths["extra"])] == ["extra"]


def test_parent_cycles_and_orphans_still_show() -> None:
    rows = [
        row("r", None, "agent", 0),
        row("x", "y", "loop-x", 1),
        row("y", "x", "loop-y", 2),
        row("o", "missing", "orphan", 3),
        row("self", "self", "selfish", 4),
    ]
    diff = diff_runs(rows, rows)
    assert sorted(p.name for p in diff.pairs) == sorted(r.name for r in rows)
    assert all(p.change is Change.EQUAL for p in diff.pairs)


def test_runs_from_the_store(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path)
    call = Call([msg("user", "hi")], [msg("assistant", "hello")])
    for extra_tool in (False, True):
        with recorder.span("agent", Kind.AGENT, key=f"agent{extra_tool}"):
            with recorder.span("plan", Kind.CHAIN):
                recorder.llm(call)
                recorder.tool("search")
                if extra_tool:
                    recorder.tool("fetch_page")
            recorder.llm(call)
    path = recorder.close()
    with opened(path) as reader:
        runs = reader.runs(sort="start", descending=False)
        diff = diff_run_ids(reader, runs[0].trace_id, runs[1].trace_id)
    assert shape(diff.pairs) == [
        (0, "agent", "equal"),
        (1, "plan", "equal"),
        (2, "ChatCompletion", "equal"),
        (2, "search", "equal"),
        (2, "fetch_page", "added"),
        (1, "ChatCompletion", "equal"),
    ]
    assert diff.pairs[0].duration_delta_ns is not None and diff.pairs[0].duration_delta_ns > 0
