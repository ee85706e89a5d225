"""The runs table's cost column with tiny costs: never cut to "$0.00000…", exact in the tooltip.

gpt-4o-mini costs $0.15 per million input and $0.60 per million output tokens in the bundled
price table, so 28 input tokens cost $0.0000042 and 200 in / 10 out cost $0.000036.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from inspector.store.queries import StoreReader
from inspector.ui.costdelegate import CostDelegate, text_room
from inspector.ui.models.runs import exact_cost
from inspector.ui.runspanel import RunsPanel
from inspector.workspace import Workspace
from tests.ui.tooltips import shown_as

pytestmark = pytest.mark.gui

T0 = 1_763_630_000_000_000_000
MS = 1_000_000
COST = 6  # the column


def _llm(trace: str, number: int, parent: int, tokens: tuple[int, int], model: str) -> dict:
    return {
        "traceId": trace,
        "spanId": f"{number:016x}",
        "parentSpanId": f"{parent:016x}",
        "name": "ChatCompletion",
        "startTimeUnixNano": str(T0 + number * MS),
        "endTimeUnixNano": str(T0 + number * MS + 5 * MS),
        "attributes": [
            {"key": "openinference.span.kind", "value": {"stringValue": "LLM"}},
            {"key": "llm.model_name", "value": {"stringValue": model}},
            {"key": "llm.token_count.prompt", "value": {"intValue": str(tokens[0])}},
            {"key": "llm.token_count.completion", "value": {"intValue": str(tokens[1])}},
        ],
    }


@pytest.fixture
def reader(tmp_path: Path) -> Iterator[StoreReader]:
    """Runs named by their cost: one LLM call each, "partly" with an unpriced call too."""
    runs = [
        ("tiny", (28, 0), False),  # $0.0000042
        ("tiny partly", (28, 0), True),
        ("small", (200, 10), False),  # $0.000036
        ("dollar", (2_000_000, 1_000_000), False),  # $0.90
    ]
    spans = []
    for number, (name, tokens, partly) in enumerate(runs, start=1):
        trace = f"{number:032x}"
        root = number * 100
        spans.append(
            {
                "traceId": trace,
                "spanId": f"{root:016x}",
                "name": name,
                "startTimeUnixNano": str(T0 + root * MS),
                "endTimeUnixNano": str(T0 + root * MS + 50 * MS),
            }
        )
        spans.append(_llm(trace, root + 1, root, tokens, "gpt-4o-mini"))
        if partly:
            spans.append(_llm(trace, root + 2, root, (5, 5), "no-such-model"))
    path = tmp_path / "costs.jsonl"
    with path.open("wb") as handle:
        for span in spans:
            record = {"resourceSpans": [{"scopeSpans": [{"spans": [span]}]}]}
            handle.write(orjson.dumps(record) + b"\n")
    workspace = Workspace(path)
    workspace.load()
    store = workspace.reader()
    yield store
    store.close()
    workspace.close()


def painted_text(panel: RunsPanel, row: int) -> str:
    """The text the cost cell paints (what the delegate makes of it at the column's width)."""
    index = panel.model.index(row, COST)
    delegate = panel.table.itemDelegateForColumn(COST)
    assert isinstance(delegate, CostDelegate)
    option = QStyleOptionViewItem()
    option.initFrom(panel.table)
    option.rect = panel.table.visualRect(index)
    delegate.initStyleOption(option, index)
    assert option.fontMetrics.horizontalAdvance(option.text) <= text_room(option)  # not cut
    return option.text


def test_tiny_costs_show_whole_with_the_exact_value_in_the_tooltip(
    qtbot: QtBot, qtmodeltester: ModelTester, reader: StoreReader
) -> None:
    panel = RunsPanel()
    qtbot.addWidget(panel)
    panel.resize(1280, 300)
    panel.model.set_reader(reader)
    panel.show()
    qtbot.waitExposed(panel)
    qtmodeltester.check(panel.model)
    model = panel.model
    rows = {model.index(r, 1).data(): r for r in range(model.rowCount())}

    # at the column's own width every cost shows whole, as text.cost wrote it
    cells = {name: painted_text(panel, row) for name, row in rows.items()}
    assert cells == {
        "tiny": "<$0.00001",
        "tiny partly": "<$0.00001*",
        "small": "$0.000036",
        "dollar": "$0.900",
    }
    tips = {name: shown_as(model.index(row, COST).data(Qt.ItemDataRole.ToolTipRole))
            for name, row in rows.items()}  # fmt: skip
    assert tips["tiny"] == "$0.0000042 for 1 LLM call"
    assert tips["tiny partly"].splitlines() == [
        "$0.0000042 for 1 LLM call",
        "1 of 2 LLM calls priced; the rest are not counted",
    ]
    assert tips["small"] == "$0.000036 for 1 LLM call"
    assert tips["dollar"] == "$0.90 for 1 LLM call"

    # a column made too narrow shows a shorter text that is still true, never "$0.00000…"
    panel.table.setColumnWidth(COST, 56)
    narrow = {name: painted_text(panel, row) for name, row in rows.items()}
    assert narrow["small"] in ("<$0.0001", "<$0.001", "<$0.01")
    assert narrow["tiny"] in ("<$0.0001", "<$0.001", "<$0.01")
    assert narrow["tiny partly"].startswith("<$0.0")
    assert narrow["dollar"] == "$0.900"  # short enough already


@pytest.mark.parametrize(
    ("value", "exact"),
    [
        (0.0, "$0.00"),
        (4.2e-6, "$0.0000042"),
        (4.2137e-6, "$0.0000042137"),
        (0.000036, "$0.000036"),
        (0.5, "$0.50"),
        (1234.5678, "$1,234.57"),
        (-0.002, "-$0.002"),
    ],
)
def test_exact_cost(value: float, exact: str) -> None:
    assert exact_cost(value) == exact
