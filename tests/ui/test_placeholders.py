"""Placeholders for parents that have not arrived, and the live tree model that shows them."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester

from inspector.model import SpanKind, Status
from inspector.store.queries import RunRow, SpanRow
from inspector.ui.livetree import LiveSpanTreeModel, elapsed_text
from inspector.ui.models.runindex import build_index
from inspector.ui.placeholders import PlaceholderRow, is_placeholder, with_placeholders

TRACE = "ab" * 16
T0 = 1_763_630_000_000_000_000
MS = 1_000_000


def row(span_id: str, parent: str | None, start: int | None, end: int | None = None) -> SpanRow:
    return SpanRow(
        span_id=span_id,
        parent_id=parent,
        name=f"span {span_id}",
        kind=SpanKind.TOOL,
        status=Status.OK,
        start_ns=None if start is None else T0 + start * MS,
        end_ns=None if end is None else T0 + end * MS,
        model=None,
        input_tokens=None,
        output_tokens=None,
        total_tokens=None,
        cost_usd=None,
        trace_id=TRACE,
    )


def test_missing_parents_get_one_placeholder_each_in_start_order() -> None:
    rows = [
        row("a", None, 0, 100),
        row("c1", "missing-c", 10, 20),
        row("d1", "missing-d", 15, 25),
        row("c2", "missing-c", 30, 40),
        row("b", "a", 50, 60),
    ]
    result = with_placeholders(TRACE, rows)
    assert [r.span_id for r in result] == ["a", "missing-c", "c1", "missing-d", "d1", "c2", "b"]
    waiting = result[1]
    assert is_placeholder(waiting) and isinstance(waiting, PlaceholderRow)
    assert waiting.parent_id is None and waiting.end_ns is None
    assert waiting.start_ns == T0 + 10 * MS  # its first child's start
    assert "missing-c" in waiting.name
    assert not any(is_placeholder(r) for r in result if r.span_id in {"a", "b", "c1"})
    # a complete run is returned as it is
    assert with_placeholders(TRACE, rows[:1] + rows[4:]) == rows[:1] + rows[4:]


def test_children_group_under_their_placeholder_and_the_parent_replaces_it() -> None:
    early = [row("other", None, 5, 30), row("child", "parent", 10, 20)]  # in start order
    index = build_index(TRACE, with_placeholders(TRACE, early))
    assert index.child_ids(None) == ["other", "parent"]
    assert index.child_ids("parent") == ["child"]
    # the parent lands: same id, a real row, the same children
    later = [row("parent", None, 8, 40), *early]
    later.sort(key=lambda r: r.start_ns or 0)
    index = build_index(TRACE, with_placeholders(TRACE, later))
    assert index.child_ids(None) == ["other", "parent"]
    assert not is_placeholder(index.rows["parent"])
    assert index.child_ids("parent") == ["child"]


@pytest.mark.gui
@pytest.mark.usefixtures("qapp")
def test_live_model_shows_placeholders_and_running_time(qtmodeltester: ModelTester) -> None:
    now = time.time_ns()
    running = SpanRow(
        "run",
        None,
        "running",
        SpanKind.AGENT,
        Status.UNSET,
        now - 5_000_000_000,
        None,
        None,
        None,
        None,
        None,
        None,
        TRACE,
    )
    rows = [running, row("c1", "missing", 10, 20), row("c2", "run", 30, 40)]
    rows.sort(key=lambda r: r.start_ns or 0)
    index = build_index(TRACE, with_placeholders(TRACE, rows))
    model = LiveSpanTreeModel()
    run = RunRow(TRACE, "running", "run", 3, 0, 0, 0, 0, None, 0, T0, None, True, None, None, "")
    model.set_run(None, run, index)
    qtmodeltester.check(model)
    top = [model.index(r, 0) for r in range(model.rowCount())]
    names = [i.data() for i in top]
    assert "waiting for span missing …" in names
    waiting = top[names.index("waiting for span missing …")]
    assert model.data(model.index(0, 0, waiting)) == "span c1"
    assert waiting.data(Qt.ItemDataRole.ForegroundRole) is not None  # greyed
    assert "has not arrived yet" in waiting.data(Qt.ItemDataRole.ToolTipRole)
    agent = top[names.index("running")]
    duration = agent.siblingAtColumn(model.DURATION)
    assert duration.data() == "running"  # not followed: no clock
    model.live_clock = True
    assert duration.data() == "5 s…"
    assert model.rowCount(QModelIndex()) == 2


@pytest.mark.parametrize(
    ("ns", "shown"),
    [(400_000_000, "<1 s…"), (12_700_000_000, "12 s…"), (125_000_000_000, "2 m 05 s…")],
)
def test_elapsed_text(ns: int, shown: str) -> None:
    assert elapsed_text(ns) == shown
