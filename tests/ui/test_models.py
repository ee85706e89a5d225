"""The runs and span-tree models over a real store built from an SDK-written trace."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from inspector.store.queries import StoreReader
from inspector.ui.models.runindex import build_index
from inspector.ui.models.runs import RunsModel
from inspector.ui.models.spantree import MORE_ROLE, PARENT_MISSING, SPAN_ID_ROLE, SpanTreeModel
from inspector.workspace import Workspace
from tests.ui.conftest import HTML_NAME, MS, T0, write_otlp_tree
from tests.ui.tooltips import shown_as

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qapp")]

DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole


@pytest.fixture
def reader(agent_trace: Path) -> Iterator[StoreReader]:
    workspace = Workspace(agent_trace)
    workspace.load()
    store = workspace.reader()
    yield store
    store.close()
    workspace.close()


def test_runs_model(qtmodeltester: ModelTester, reader: StoreReader) -> None:
    model = RunsModel()
    model.set_reader(reader)
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    # newest first; the newer run is the one with the HTML-looking name
    newest = model.data(model.index(0, 1), DISPLAY)
    assert newest.startswith("<b>x</b> <img src=")
    assert "\x1b" not in newest and "^[[31m" in newest  # the escape is shown, not obeyed
    assert HTML_NAME.split("\x1b")[0] in shown_as(model.data(model.index(0, 1), TOOLTIP))
    assert model.data(model.index(0, 7), DISPLAY) == "error (2)"
    assert model.data(model.index(1, 7), DISPLAY) == "ok"
    assert model.data(model.index(1, 4), DISPLAY) == "120"
    assert model.data(model.index(1, 5), DISPLAY) == "30"
    assert model.data(model.index(1, 3), DISPLAY) == "4"
    # gpt-4o-mini is priced in the bundled table; the failed call (no output count) is not
    assert model.data(model.index(1, 6), DISPLAY).startswith("$")

    model.sort(1, Qt.SortOrder.AscendingOrder)  # by name, in SQL
    assert model.data(model.index(0, 1), DISPLAY).startswith("<b>")
    model.set_filter("weather", errors_only=False)
    assert model.rowCount() == 1
    assert model.data(model.index(0, 1), DISPLAY) == "weather-agent"
    model.set_filter("", errors_only=True)
    assert [model.data(model.index(r, 7), DISPLAY) for r in range(model.rowCount())] == [
        "error (2)"
    ]


def test_runs_model_pages_lazily_and_inserts_without_reset(
    qtmodeltester: ModelTester, tmp_path: Path, qtbot: QtBot
) -> None:
    lines = []
    for i in range(45):
        trace_id = f"{i + 1:032x}"
        start = T0 + i * 1000 * MS
        span = {
            "traceId": trace_id,
            "spanId": f"{i + 1:016x}",
            "name": f"run {i}",
            "startTimeUnixNano": str(start),
            "endTimeUnixNano": str(start + 5 * MS),
        }
        lines.append(
            orjson.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [span]}]}]}).decode()
        )
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(lines[:40]) + "\n")
    workspace = Workspace(path)
    workspace.load(final=False)
    store = workspace.reader()
    try:
        model = RunsModel()
        model.PAGE = 25
        model.set_reader(store)
        assert model.total == 40
        assert model.rowCount() == 25
        assert model.canFetchMore()
        model.fetchMore()
        assert model.rowCount() == 40
        assert not model.canFetchMore()
        qtmodeltester.check(model)
        assert model.data(model.index(0, 1), DISPLAY) == "run 39"

        # 5 more runs arrive (newer): inserted at the top, one insert each, no reset
        with path.open("a") as handle:
            handle.write("\n".join(lines[40:]) + "\n")
        added: list[str] = []
        workspace.load(lambda change, _progress: added.extend(change.added), final=False)
        resets: list[int] = []
        model.modelReset.connect(lambda: resets.append(1))
        with qtbot.waitSignals([model.rowsInserted] * 1, timeout=1000):
            model.apply_change(added, [])
        assert not resets
        assert model.rowCount() == 45
        assert model.data(model.index(0, 1), DISPLAY) == "run 44"
        assert model.data(model.index(5, 1), DISPLAY) == "run 39"
        qtmodeltester.check(model)
    finally:
        store.close()
        workspace.close()


def test_span_tree_model(qtmodeltester: ModelTester, reader: StoreReader) -> None:
    runs = reader.runs()
    weather = next(r for r in runs if r.name == "weather-agent")
    model = SpanTreeModel()
    model.set_run(reader, weather)
    assert model.rowCount() == 1
    root = model.index(0, 0)
    assert model.data(root, DISPLAY) == "weather-agent"
    assert model.canFetchMore(root)
    model.fetchMore(root)
    assert model.rowCount(root) == 1
    plan = model.index(0, 0, root)
    model.fetchMore(plan)
    assert [model.data(model.index(r, 0, plan), DISPLAY) for r in range(2)] == [
        "ChatCompletion",
        "get_weather",
    ]
    llm = model.index(0, 0, plan)
    assert model.data(llm.siblingAtColumn(SpanTreeModel.TOKENS), DISPLAY) == "120 / 30"
    assert model.data(llm.siblingAtColumn(SpanTreeModel.MODEL), DISPLAY) == "gpt-4o-mini"
    assert model.data(llm.siblingAtColumn(SpanTreeModel.DURATION), DISPLAY) == "890.0 ms"

    # the index (built off-thread in the app) brings subtree totals for collapsed rows
    model.set_index(build_index(weather.trace_id, reader.span_rows(weather.trace_id)))
    qtmodeltester.check(model)
    assert model.data(root.siblingAtColumn(SpanTreeModel.TOKENS), DISPLAY) == "Σ 120 / 30"
    model.set_expanded(root, True)
    assert model.data(root.siblingAtColumn(SpanTreeModel.TOKENS), DISPLAY) == ""
    assert not model.hasChildren(llm)
    qtmodeltester.check(model)


def test_html_names_stay_literal_in_the_tree(
    qtmodeltester: ModelTester, reader: StoreReader
) -> None:
    run = next(r for r in reader.runs() if r.errors)
    model = SpanTreeModel()
    model.set_run(reader, run, build_index(run.trace_id, reader.span_rows(run.trace_id)))
    qtmodeltester.check(model)
    root = model.index(0, 0)
    display = model.data(root, DISPLAY)
    assert display == "<b>x</b> <img src=http://example.invalid/a.png> ^[[31mred^[[0m"
    tip = model.data(root, TOOLTIP)
    assert HTML_NAME.split("\x1b")[0] in shown_as(tip)  # markup shown, not rendered
    assert "<img" not in tip.replace("&lt;img", "")  # no live image tag for Qt to load
    model.fetchMore(root)
    failed = model.index(0, 0, root)
    assert model.data(failed.siblingAtColumn(SpanTreeModel.STATUS), DISPLAY) == "error"
    assert model.data(failed.siblingAtColumn(SpanTreeModel.COST), DISPLAY).startswith("$")


def test_orphans_show_a_parent_missing_marker(qtmodeltester: ModelTester, tmp_path: Path) -> None:
    trace_id = "ab" * 16
    path = tmp_path / "orphan.jsonl"
    path.write_text(
        '{"resourceSpans":[{"scopeSpans":[{"spans":['
        f'{{"traceId":"{trace_id}","spanId":"00000000000000a1","name":"root",'
        f'"startTimeUnixNano":"{T0}","endTimeUnixNano":"{T0 + 9 * MS}"}},'
        f'{{"traceId":"{trace_id}","spanId":"00000000000000b2","parentSpanId":"00000000000000ff",'
        f'"name":"lost child","startTimeUnixNano":"{T0 + MS}","endTimeUnixNano":"{T0 + 2 * MS}"}}'
        "]}]}]}\n"
    )
    workspace = Workspace(path)
    workspace.load()
    store = workspace.reader()
    try:
        run = store.runs()[0]
        model = SpanTreeModel()
        model.set_run(store, run)
        qtmodeltester.check(model)
        names = [model.data(model.index(r, 0), DISPLAY) for r in range(model.rowCount())]
        assert names == ["root", f"lost child   {PARENT_MISSING}"]
        assert "00000000000000ff" in shown_as(model.data(model.index(1, 0), TOOLTIP))
        assert model.data(model.index(1, 0), SPAN_ID_ROLE) == "00000000000000b2"
        assert model.index_of_span("00000000000000b2") == model.index(1, 0)
        assert model.index_of_span("nope") == QModelIndex()
    finally:
        store.close()
        workspace.close()


def test_wide_nodes_show_a_page_at_a_time(qtmodeltester: ModelTester, tmp_path: Path) -> None:
    edges = [(1, None, "root")] + [(n, 1, f"child {n}") for n in range(2, 10)]
    path = write_otlp_tree(tmp_path / "wide.jsonl", "cd" * 16, edges)
    workspace = Workspace(path)
    workspace.load()
    store = workspace.reader()
    try:
        run = store.runs()[0]
        model = SpanTreeModel()
        model.page = 3
        model.set_run(store, run, build_index(run.trace_id, store.span_rows(run.trace_id)))
        root = model.index(0, 0)
        model.fetchMore(root)
        assert model.rowCount(root) == 4  # three children and a "show more" row
        more = model.index(3, 0, root)
        assert model.is_more(more)
        assert model.data(more, MORE_ROLE) is True
        assert model.data(more, DISPLAY).startswith("⋯ 5 more spans")
        assert not model.hasChildren(more)
        assert model.show_more(more) == 3
        assert [model.data(model.index(r, 0, root)) for r in range(6)] == [
            f"child {n}" for n in range(2, 8)
        ]
        qtmodeltester.check(model)
        # revealing a span further down pages it in
        target = model.index_of_span(f"{9:016x}", fetch=True)
        assert target.isValid() and model.data(target) == "child 9"
        assert model.rowCount(root) == 8  # all shown: the "show more" row is gone
        assert not any(model.is_more(model.index(r, 0, root)) for r in range(8))
        qtmodeltester.check(model)
    finally:
        store.close()
        workspace.close()


@pytest.mark.parametrize("column", [0, 1, 2, 3])
@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_runs_model_batch_insert_keeps_the_sql_order(
    qtmodeltester: ModelTester, tmp_path: Path, column: int, order: Qt.SortOrder
) -> None:
    """A batch of new runs lands in several gaps among the shown runs, in the store's order."""
    lines = []
    for i in range(60):
        start = T0 + ((i * 37) % 60) * 1000 * MS  # starts out of file order
        span = {
            "traceId": f"{i + 1:032x}",
            "spanId": f"{i + 1:016x}",
            "name": f"run {(i * 13) % 60:02d}",
            "startTimeUnixNano": str(start),
            "endTimeUnixNano": str(start + ((i * 7) % 11 + 1) * MS),
        }
        lines.append(
            orjson.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [span]}]}]}).decode()
        )
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines[:30]) + "\n")
    workspace = Workspace(path)
    workspace.load(final=False)
    store = workspace.reader()
    try:
        model = RunsModel()
        model.set_reader(store)
        model.sort(column, order)
        with path.open("a") as handle:
            handle.write("\n".join(lines[30:]) + "\n")
        added: list[str] = []
        workspace.load(lambda change, _progress: added.extend(change.added), final=False)
        inserts: list[int] = []
        model.rowsInserted.connect(lambda *_: inserts.append(1))
        model.apply_change(added, [])
        shown = [model.run_at(r).trace_id for r in range(model.rowCount())]  # type: ignore[union-attr]
        key = model._sort  # the SQL sort the model mirrors
        expected = [
            r.trace_id
            for r in store.runs(0, 100, sort=key, descending=order == Qt.SortOrder.DescendingOrder)
        ]
        assert shown == expected
        assert 0 < len(inserts) < 30  # grouped: fewer insertions than new runs
        qtmodeltester.check(model)
    finally:
        store.close()
        workspace.close()
