"""The diff views: two calls side by side, previous call, run vs run, prompt versions, the
window and its preview. Runs come from the bundled demo (recorded with the real SDK: runs 1-4
use system prompt v1, runs 5-8 v2)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QBrush
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from inspector.diff import (
    Change,
    DiffOptions,
    PromptVersion,
    diff_messages,
    diff_spans,
    prompt_versions,
)
from inspector.model import Message, Part, Span, SpanKind
from inspector.resources import demo_trace
from inspector.store.queries import StoreReader
from inspector.ui.diffview import (
    PromptVersionsWidget,
    RunDiffWidget,
    SpanDiffWidget,
    open_compare,
    plan,
)
from inspector.ui.diffview import __main__ as preview
from inspector.ui.diffview.colours import DiffColours
from inspector.ui.diffview.document import LINK_SCHEME
from inspector.ui.diffview.figures import Verdict, figures, precise_cost
from inspector.ui.diffview.runmodel import NAME_A, NAME_B, ONLY_IN_A, ONLY_IN_B
from inspector.ui.diffview.versionmodel import RUNS, VERSION
from inspector.workspace import Workspace

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]

PLAN = ("travel-agent", "plan", "ChatCompletion")
BACKGROUND = Qt.ItemDataRole.BackgroundRole
HTML = "<b>bold?</b> <img src=x onerror=alert(1)>"
WAIT_MS = 10_000


@pytest.fixture(scope="module")
def demo() -> Iterator[Workspace]:
    workspace = Workspace(demo_trace())
    workspace.load()
    yield workspace
    workspace.close()


@pytest.fixture(scope="module")
def plan_versions(demo: Workspace) -> list[PromptVersion]:
    reader = demo.reader()
    try:
        return prompt_versions(reader, PLAN)
    finally:
        reader.close()


@pytest.fixture
def span_diff(qtbot: QtBot, demo: Workspace) -> Iterator[SpanDiffWidget]:
    widget = SpanDiffWidget(demo.reader)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    yield widget
    assert widget.runner.wait(WAIT_MS)  # no worker outlives the test


def llm_span(span_id: str, messages: list[tuple[str, str]], output: str = "ok") -> Span:
    """An LLM span with OpenInference message attributes (for diffs without a store)."""
    attributes: dict[str, object] = {"openinference.span.kind": "LLM", "llm.model_name": "m"}
    for i, (role, content) in enumerate(messages):
        attributes[f"llm.input_messages.{i}.message.role"] = role
        attributes[f"llm.input_messages.{i}.message.content"] = content
    attributes["llm.output_messages.0.message.role"] = "assistant"
    attributes["llm.output_messages.0.message.content"] = output
    return Span(
        trace_id="ab" * 16,
        span_id=span_id * 16,
        parent_id=None,
        name="ChatCompletion",
        start_ns=0,
        end_ns=1_000_000,
        kind=SpanKind.LLM,
        attributes=attributes,
    )


def shown(qtbot: QtBot, widget: SpanDiffWidget, request: object) -> None:
    """Run ``request`` (a callable) and wait for the diff it asked for."""
    with qtbot.waitSignal(widget.diff_ready, timeout=WAIT_MS):
        request()  # type: ignore[operator]


# span against span -----------------------------------------------------------------------------


def test_v1_against_v2_highlights_the_new_rules_off_the_gui_thread(
    qtbot: QtBot, span_diff: SpanDiffWidget, plan_versions: list[PromptVersion]
) -> None:
    v1, v2 = plan_versions
    assert (v1.label, v2.label) == ("v1", "v2")
    with qtbot.waitSignal(span_diff.diff_ready, timeout=WAIT_MS):
        span_diff.compare(v1.representative, v2.representative)
        # The diff is computed on a worker: the request returns at once, busy bar showing.
        assert span_diff.is_busy()
        assert span_diff.busy.isVisible()
    assert not span_diff.is_busy()
    added = span_diff.highlighted_fragments("b")
    # v2 adds rules to v1's system prompt; the added words are highlighted on B's side.
    assert any("Never book without explicit confirmation" in text for text in added)
    assert not any("confirmation" in text for text in span_diff.highlighted_fragments("a"))
    diff = span_diff.diff
    assert diff is not None
    assert diff.prompt[0].role == "system" and diff.prompt[0].change is Change.CHANGED
    text = span_diff.changes_text()
    assert "system" in text and "changed" in text
    # The figures row: max_tokens went 512 -> 1024 (a parameter: neither better nor worse).
    figures_shown = span_diff.figures.figure_texts()
    assert figures_shown["max_tokens"] == ("512", "1,024", "+512")
    assert (
        span_diff.figures.delta_colour("max_tokens")
        == DiffColours.from_palette(span_diff.palette()).changed
    )


def test_prompt_html_and_escapes_show_literally(
    qtbot: QtBot, span_diff: SpanDiffWidget, plan_versions: list[PromptVersion]
) -> None:
    v1, v2 = plan_versions
    shown(qtbot, span_diff, lambda: span_diff.compare(v1.representative, v2.representative))
    text = span_diff.changes_text()
    assert HTML in text
    assert "\u241b[31mred" in text  # ESC shown as a visible symbol, never interpreted
    assert any(HTML in fragment for fragment in span_diff.highlighted_fragments("b"))
    # Nothing was parsed as markup: no image, and the only anchors are our own links.
    document = span_diff.browser.document()
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fmt = iterator.fragment().charFormat()
            assert not fmt.isImageFormat()
            assert not fmt.isAnchor() or fmt.anchorHref().startswith(LINK_SCHEME + ":")
            iterator += 1
        block = block.next()


def test_equal_messages_show_as_unchanged_and_long_ones_fold(
    qtbot: QtBot, span_diff: SpanDiffWidget
) -> None:
    rules = "\n".join(f"Rule {n}: be kind to traveller number {n}." for n in range(40))
    a = llm_span("a", [("system", rules), ("user", "Trip to Rome?")])
    b = llm_span("b", [("system", rules), ("user", "Trip to Oslo?")])
    shown(qtbot, span_diff, lambda: span_diff.set_spans(a, b))
    text = span_diff.changes_text()
    assert "unchanged" in text
    assert "⋯ 40 unchanged lines — click to expand" in text
    assert "Rule 7:" not in text  # folded away
    assert span_diff.highlighted_fragments() == ["Rome", "Oslo"]
    # Clicking the fold's link expands it in place.
    rendered = span_diff._rendered
    assert rendered is not None
    href = next(iter(rendered.links))
    span_diff.browser.anchorClicked.emit(QUrl(href))
    assert "Rule 7: be kind to traveller number 7." in span_diff.changes_text()
    assert "click to expand" not in span_diff.changes_text()


def test_ignore_whitespace_toggle_reruns_the_diff(qtbot: QtBot, span_diff: SpanDiffWidget) -> None:
    a = llm_span("a", [("system", "Answer   briefly.\n  Be kind.")])
    b = llm_span("b", [("system", "Answer briefly.\nBe kind.")])
    shown(qtbot, span_diff, lambda: span_diff.set_spans(a, b))
    assert span_diff.diff is not None and not span_diff.diff.equal
    assert "changed" in span_diff.changes_text()
    shown(qtbot, span_diff, lambda: span_diff.ignore_whitespace.setChecked(True))
    assert span_diff.diff is not None and span_diff.diff.equal
    assert span_diff.summary.text() == "Prompts and responses are the same."
    assert span_diff.highlighted_fragments() == []
    shown(qtbot, span_diff, lambda: span_diff.ignore_whitespace.setChecked(False))
    assert span_diff.diff is not None and not span_diff.diff.equal


def test_json_is_normalised_by_default(qtbot: QtBot, span_diff: SpanDiffWidget) -> None:
    a = llm_span("a", [("tool", '{"city": "Paris", "units": "metric"}')])
    b = llm_span("b", [("tool", '{"units":"metric","city":"Paris"}')])
    shown(qtbot, span_diff, lambda: span_diff.set_spans(a, b))
    assert span_diff.diff is not None and span_diff.diff.equal
    shown(qtbot, span_diff, lambda: span_diff.normalize_json.setChecked(False))
    assert span_diff.diff is not None and not span_diff.diff.equal


def test_newer_request_supersedes_an_older_one(qtbot: QtBot, span_diff: SpanDiffWidget) -> None:
    old = llm_span("a", [("user", "old question")])
    new = llm_span("b", [("user", "new question")])
    with qtbot.waitSignal(span_diff.diff_ready, timeout=WAIT_MS):
        span_diff.set_spans(old, old)
        span_diff.set_spans(old, new)
    assert span_diff.runner.wait(WAIT_MS)
    qtbot.wait(50)  # let the stale result arrive: it must be dropped
    assert span_diff.highlighted_fragments() == ["old", "new"]


def test_big_changes_are_capped_with_show_more(qtbot: QtBot, span_diff: SpanDiffWidget) -> None:
    lines = 3_000
    a = llm_span("a", [("user", "\n".join(f"line {n} alpha" for n in range(lines)))])
    b = llm_span("b", [("user", "\n".join(f"line {n} beta" for n in range(lines)))])
    shown(qtbot, span_diff, lambda: span_diff.set_spans(a, b))
    # A wholesale rewrite: 3,000 removed rows then 3,000 added ones; the first 120 are shown.
    text = span_diff.changes_text()
    assert f"{2 * lines - plan.HUNK_ROWS:,} more changed lines — show 200 more" in text
    assert f"line {plan.HUNK_ROWS - 1} alpha" in text
    assert f"line {plan.HUNK_ROWS} alpha" not in text
    assert "beta" not in text
    rendered = span_diff._rendered
    assert rendered is not None
    more = next(h for h, e in rendered.links.items() if e.rows == plan.HUNK_ROWS + 200)
    span_diff.browser.anchorClicked.emit(QUrl(more))
    text = span_diff.changes_text()
    assert f"line {plan.HUNK_ROWS + 199} alpha" in text
    assert f"line {plan.HUNK_ROWS + 200} alpha" not in text


def test_thousands_of_scattered_changes_stop_at_the_row_limit() -> None:
    lines = [f"line {n}" for n in range(12_000)]
    edited = [f"{line} edited" if n % 10 == 0 else line for n, line in enumerate(lines)]
    a = [Message("user", [Part("text", text="\n".join(lines))])]
    b = [Message("user", [Part("text", text="\n".join(edited))])]
    message = diff_messages(a, b)[0]
    state, budget = plan.ViewState(), plan.Budget()
    rows = plan.message_rows(message, 0, state, budget)
    assert plan.ROW_LIMIT <= len(rows) < plan.ROW_LIMIT + 200
    rest = rows[-1]
    assert isinstance(rest, plan.RestRow) and rest.changes > 1_000
    # "show more" lets the next items through, whatever the budget.
    state.shown[rest.key] = rest.shown + plan.REST_STEP
    again = plan.message_rows(message, 0, state, plan.Budget(rows=plan.ROW_LIMIT))
    last = again[-1]
    assert isinstance(last, plan.RestRow) and last.shown == rest.shown + plan.REST_STEP


def test_very_long_line_is_cut(qtbot: QtBot, span_diff: SpanDiffWidget) -> None:
    long = "x" * (plan.LINE_CHARS + 5_000)
    a = llm_span("a", [("user", long + " end")])
    b = llm_span("b", [("user", long + " END")])
    shown(qtbot, span_diff, lambda: span_diff.set_spans(a, b))
    assert "5,004 more characters on this line" in span_diff.changes_text()


def test_next_and_previous_change_step_through_the_changes(
    qtbot: QtBot, span_diff: SpanDiffWidget
) -> None:
    turns = 60
    a = llm_span("a", [("user", f"question {n} about Rome") for n in range(turns)])
    b = llm_span("b", [("user", f"question {n} about Oslo") for n in range(turns)])
    shown(qtbot, span_diff, lambda: span_diff.set_spans(a, b))
    rendered = span_diff._rendered
    assert rendered is not None and len(rendered.changes) == turns
    bar = span_diff.browser.verticalScrollBar()
    bar.setValue(0)
    positions = []
    for _ in range(20):
        span_diff.next_change()
        positions.append(span_diff.browser.textCursor().position())
    assert positions == sorted(positions) and len(set(positions)) == 20
    assert set(positions) <= set(rendered.changes)
    assert bar.value() > 0
    span_diff.previous_change()
    assert span_diff.browser.textCursor().position() < positions[-1]


# previous call ---------------------------------------------------------------------------------


def llm_rows(reader: StoreReader, trace_id: str) -> list[str]:
    return [r.span_id for r in reader.span_rows(trace_id) if r.kind is SpanKind.LLM]


def test_diff_with_previous_llm_call(
    qtbot: QtBot, span_diff: SpanDiffWidget, demo: Workspace, plan_versions: list[PromptVersion]
) -> None:
    trace_id, first = plan_versions[0].representative
    reader = demo.reader()
    calls = llm_rows(reader, trace_id)
    reader.close()
    assert calls[0] == first
    shown(qtbot, span_diff, lambda: span_diff.show_previous(demo.reader, trace_id, first))
    assert span_diff.diff is None
    assert "first LLM call of its run" in span_diff.note.text()
    assert span_diff.note.isVisible() and not span_diff.figures.isVisible()

    shown(qtbot, span_diff, lambda: span_diff.show_previous(demo.reader, trace_id, calls[1]))
    diff = span_diff.diff
    assert diff is not None
    assert (diff.a.span_id, diff.b.span_id) == (calls[0], calls[1])
    assert span_diff.figures.verticalHeaderItem(0).text() == "A · previous call"
    assert diff.prompt[0].change is Change.EQUAL  # same system prompt within a run
    assert not span_diff.note.isVisible()


def test_unknown_span_is_reported(qtbot: QtBot, span_diff: SpanDiffWidget) -> None:
    with qtbot.waitSignal(span_diff.failed, timeout=WAIT_MS) as blocker:
        span_diff.compare("ffffffffffff", "eeeeeeeeeee")
    assert "no span id starts with" in str(blocker.args[0])
    assert span_diff.note.isVisible()


# figures ---------------------------------------------------------------------------------------


def test_figures_verdicts() -> None:
    a = llm_span("a", [("user", "hi")])
    b = llm_span("b", [("user", "hi")])
    b.end_ns = 500_000  # faster
    b.attributes["llm.token_count.prompt"] = 12
    a.attributes["llm.token_count.prompt"] = 10
    by_name = {f.name: f for f in figures(diff_spans(a, b, DiffOptions()))}
    assert by_name["latency_ms"].verdict is Verdict.BETTER
    assert by_name["latency_ms"].delta == "\u2212500 µs (\u221250%)"
    assert by_name["input_tokens"].verdict is Verdict.WORSE
    assert by_name["input_tokens"].delta == "+2 (+20%)"
    assert by_name["model"].verdict is Verdict.SAME and by_name["model"].delta == "same"
    assert "name" not in by_name  # shown only when the names differ
    assert precise_cost(0.0001224) == "$0.000122"


# run against run -------------------------------------------------------------------------------


def test_run_diff_model_marks_added_and_removed_spans(
    qtbot: QtBot, qtmodeltester: ModelTester, demo: Workspace, plan_versions: list[PromptVersion]
) -> None:
    widget = RunDiffWidget(demo.reader)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    run_a = plan_versions[0].representative[0]  # run 1: Berlin -> Lisbon, flights
    run_b = plan_versions[1].representative[0]  # run 5: Munich -> Vienna, trains
    with qtbot.waitSignal(widget.diff_ready, timeout=WAIT_MS):
        widget.set_runs(run_a, run_b)
        assert widget.is_busy()
    qtmodeltester.check(widget.model)
    model = widget.model
    assert model.rowCount() == 1  # the two roots are aligned as one pair
    added = widget.first_index(Change.ADDED, "search trains")
    removed = widget.first_index(Change.REMOVED, "search flights")
    assert added is not None and removed is not None
    colours = DiffColours.from_palette(widget.palette())
    index = model.index_of(added, NAME_A)
    assert index.data() == ONLY_IN_B
    assert model.index_of(added, NAME_B).data() == "search trains"
    assert index.data(BACKGROUND) == QBrush(colours.added_line)
    assert model.index_of(removed, NAME_B).data() == ONLY_IN_A
    assert model.index_of(removed, NAME_A).data(BACKGROUND) == QBrush(colours.removed_line)
    assert "only in B" in widget.counts.text()

    # Selecting a matched LLM pair emits its ids and opens the span diff below.
    pair = widget.first_index(Change.CHANGED, "ChatCompletion")
    assert pair is not None
    expected = model.pairs[pair]
    assert expected.a is not None and expected.b is not None
    with (
        qtbot.waitSignal(widget.pairSelected, timeout=WAIT_MS) as selected,
        qtbot.waitSignal(widget.span_diff.diff_ready, timeout=WAIT_MS),
    ):
        widget.select_pair(pair)
    assert selected.args == [run_a, expected.a.span_id, run_b, expected.b.span_id]
    assert widget.span_diff.diff is not None
    assert widget.span_diff.diff.a.span_id == expected.a.span_id

    with qtbot.waitSignal(widget.pairSelected, timeout=WAIT_MS) as selected:
        widget.select_pair(added)
    assert selected.args[:2] == ["", ""]
    assert "only in run B" in widget.span_diff.note.text()
    assert widget.runner.wait(WAIT_MS) and widget.span_diff.runner.wait(WAIT_MS)


# prompt versions -------------------------------------------------------------------------------


def test_prompt_versions_table_and_diff(
    qtbot: QtBot, qtmodeltester: ModelTester, demo: Workspace
) -> None:
    widget = PromptVersionsWidget(demo.reader)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    with qtbot.waitSignal(widget.versions_ready, timeout=WAIT_MS):
        widget.load_steps(path=PLAN)
        assert "Finding the LLM steps" in widget.status.text()
    # The first two versions are selected, which compares them on a worker.
    qtbot.waitUntil(lambda: widget.span_diff.diff is not None, timeout=WAIT_MS)
    qtmodeltester.check(widget.model)
    model = widget.model
    rows = [(model.index(r, VERSION).data(), model.index(r, RUNS).data()) for r in range(2)]
    assert rows == [("v1", "4"), ("v2", "4")]
    assert model.rowCount() == 2
    assert widget.step.currentText().startswith("travel-agent ▸ plan ▸ ChatCompletion")
    # The two versions are selected and their first calls compared below.
    assert [v.label for v in widget.selected_versions()] == ["v1", "v2"]
    assert any(
        "Never book without explicit confirmation" in text
        for text in widget.span_diff.highlighted_fragments("b")
    )
    assert widget.span_diff.figures.verticalHeaderItem(1).text() == "B · version v2"
    # One row selected: the diff asks for a second one.
    widget.select_rows(0, 0)
    assert "Select two versions" in widget.span_diff.note.text()
    assert widget.runner.wait(WAIT_MS) and widget.span_diff.runner.wait(WAIT_MS)


# window and preview ----------------------------------------------------------------------------


def test_open_compare_with_prefixes_then_other_tabs(
    qtbot: QtBot, demo: Workspace, plan_versions: list[PromptVersion]
) -> None:
    a = plan_versions[0].representative
    b = plan_versions[1].representative
    window = open_compare(None, demo, a[1][:10], b[1][:10])
    qtbot.addWidget(window)
    try:
        # The result comes through a queued signal: nothing is delivered before we wait.
        assert window.span_diff.is_busy()
        with qtbot.waitSignal(window.diff_ready, timeout=WAIT_MS):
            pass
        assert window.span_diff.diff is not None
        assert window.span_diff.diff.b.span_id == b[1]
        assert a[1][:8] in window.windowTitle()
        # The runs tab starts with the two calls' runs; the versions tab with B's step.
        with qtbot.waitSignal(window.run_diff.diff_ready, timeout=WAIT_MS):
            window.tabs.setCurrentIndex(1)
        assert window.run_diff.traces == (a[0], b[0])
        with qtbot.waitSignal(window.versions.versions_ready, timeout=WAIT_MS):
            window.tabs.setCurrentIndex(2)
        assert window.versions.path == PLAN
    finally:
        assert window.wait(WAIT_MS)


def test_preview_saves_a_screenshot(
    qtbot: QtBot, tmp_path: Path, plan_versions: list[PromptVersion]
) -> None:
    out = tmp_path / "diff.png"
    a = plan_versions[0].representative[1][:8]
    b = plan_versions[1].representative[1][:8]
    assert (
        preview.main([str(demo_trace()), a, b, "--screenshot", str(out), "--size", "640x400"]) == 0
    )
    assert out.stat().st_size > 10_000
