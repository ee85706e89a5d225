"""Tree rules: missing parents, cycles, duplicates, and very deep chains."""

from __future__ import annotations

from dataclasses import dataclass

from inspector.model.tree import build_tree, subtree_rollups


@dataclass
class S:
    span_id: str
    parent_id: str | None
    start_ns: int | None = None
    end_ns: int | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    cost_usd: float | None = None
    is_error: bool = False
    counts_usage: bool = False


def test_missing_parent_becomes_flagged_root() -> None:
    tree = build_tree([S("a", None, 1), S("b", "a", 2), S("c", "gone", 3)])
    assert tree.roots == ["a", "c"]
    assert tree.parent_missing == {"c"}
    assert tree.children == {"a": ["b"]}


def test_self_parent_and_cycle_are_broken() -> None:
    tree = build_tree([S("x", "x", 1), S("p", "q", 2), S("q", "p", 3), S("r", "q", 4)])
    assert set(tree.walk()) == {"x", "p", "q", "r"}
    assert "x" in tree.cycles and len(tree.walk()) == 4
    assert {"x", "p"} <= set(tree.roots)
    assert tree.ancestors("r") == ["p", "q"]


def test_duplicates_merge_keeping_the_ended_record() -> None:
    tree = build_tree(
        [S("a", None, 1, 5), S("a", None, 1, None), S("b", "a", 2, None), S("b", "a", 2, 4)]
    )
    assert len(tree.spans) == 2
    assert tree.spans["a"].end_ns == 5 and tree.spans["b"].end_ns == 4


def test_deep_chain_does_not_recurse() -> None:
    n = 100_000
    chain = [
        S(str(i), str(i - 1) if i else None, i, i + 1, 1, 2, 0.5, i == n - 1, True)
        for i in range(n)
    ]
    tree = build_tree(chain)
    assert tree.roots == ["0"]
    assert tree.depth[str(n - 1)] == n - 1
    rollups = subtree_rollups(tree)
    root = rollups["0"]
    assert (root.spans, root.errors, root.input_tokens, root.output_tokens) == (n, 1, n, 2 * n)
    assert len(tree.ancestors(str(n - 1))) == n - 1


def test_rollups_keep_unknown_usage_unknown() -> None:
    tree = build_tree(
        [
            S("a", None, 1),
            S("b", "a", 2, counts_usage=True),
            S("c", "a", 3, input_tokens=5, counts_usage=True),
        ]
    )
    rollups = subtree_rollups(tree)
    assert rollups["b"].input_tokens is None and rollups["b"].cost_usd is None
    assert rollups["a"].input_tokens == 5 and rollups["a"].output_tokens is None
