"""Cell and document texts: hidden characters (bidi overrides, "Trojan Source") shown as marks in
one-line cells, tooltips and documents, copied back as they were; ordinary Unicode untouched;
costs readable however small."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from PySide6 import QtGui
from PySide6.QtGui import QGuiApplication, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from inspector.store.queries import StoreReader
from inspector.ui.detail import SpanDetailWidget
from inspector.ui.detail.display import display_text
from inspector.ui.detail.widget import MESSAGES, RAW
from inspector.ui.diffview.spandiff import DiffBrowser
from inspector.ui.marked import insert_marked, original_text
from inspector.ui.models.runindex import build_index
from inspector.ui.models.runs import RunsModel
from inspector.ui.models.spantree import SpanTreeModel
from inspector.ui.text import cost, mark, one_line, tooltip
from inspector.workspace import Workspace
from tests.ui.conftest import MS, T0
from tests.ui.tooltips import shown_as

# Reads "invoiceexe.pdf" on screen when the override is obeyed: the tail is reversed.
SPOOF = "invoice\u202efdp.exe"
SPOOF_SHOWN = "invoice<U+202E>fdp.exe"
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Text that must show exactly as it is: CJK, accents, RTL scripts, emoji with ZWJ and skin tone.
ORDINARY = "東京 café naïve Ελληνικά עברית العربية 👩\u200d👩\u200d👧 👍🏽 ½ ™ →"
CONTENT = "abc\u202edef\nsecond \u2067line\u2069 日本"
DISPLAY = QtGui.Qt.ItemDataRole.DisplayRole
TOOLTIP = QtGui.Qt.ItemDataRole.ToolTipRole


# one-line cells and tooltips ------------------------------------------------------------------


def test_one_line_shows_every_bidi_control_as_a_mark() -> None:
    assert one_line(SPOOF) == SPOOF_SHOWN
    shown = one_line(f"a{BIDI}b")
    assert shown == "a" + "".join(f"<U+{ord(c):04X}>" for c in BIDI) + "b"
    assert not set(shown) & set(BIDI)
    assert one_line("C1\x85next\x9b31m") == "C1<U+0085>next<U+009B>31m"
    assert one_line("line\u2028separator\u2029end") == "line↵separator↵end"


def test_ordinary_unicode_is_left_as_it_is() -> None:
    assert one_line(ORDINARY) == ORDINARY
    assert mark(ORDINARY) == ORDINARY
    assert shown_as(tooltip(ORDINARY)) == ORDINARY
    document = QTextDocument()
    insert_marked(QTextCursor(document), ORDINARY, QTextCharFormat())
    assert document.toPlainText() == ORDINARY
    assert display_text(ORDINARY) == ORDINARY


def test_tooltips_show_bidi_controls_as_marks() -> None:
    assert shown_as(tooltip(f"{SPOOF}\nnext line")) == f"{SPOOF_SHOWN}\nnext line"
    assert "\u202e" not in tooltip(SPOOF)


# documents: marked for display, original on copy ---------------------------------------------


def _selected(document: QTextDocument, start: int, end: int) -> tuple[str, bool]:
    cursor = QTextCursor(document)
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    return original_text(cursor)


def test_marks_copy_back_as_the_characters_they_stand_for() -> None:
    document = QTextDocument()
    cursor = QTextCursor(document)
    insert_marked(cursor, "a\u202e\u202eb", QTextCharFormat())  # two alike marks: one fragment
    cursor.insertBlock()
    insert_marked(cursor, "c\u2066d", QTextCharFormat())
    assert document.toPlainText() == "a<U+202E><U+202E>b\nc<U+2066>d"
    end = len(document.toPlainText())
    assert document.toPlainText() == display_text("a\u202e\u202eb\r\nc\u2066d")
    assert _selected(document, 0, end) == ("a\u202e\u202eb\nc\u2066d", True)
    assert _selected(document, 3, 12) == ("\u202e\u202e", True)  # parts of both marks
    assert _selected(document, 0, 1) == ("a", False)
    assert _selected(document, 18, end) == ("\nc\u2066d", True)  # from the end of "b"


@pytest.mark.gui
@pytest.mark.parametrize("widget_class", [QPlainTextEdit, DiffBrowser])
def test_copying_from_the_diff_view_gives_the_original(
    qtbot: QtBot, widget_class: type[QPlainTextEdit] | type[DiffBrowser]
) -> None:
    """The diff view copies originals; a stock QPlainTextEdit (the control) copies marks."""
    widget = widget_class()
    qtbot.addWidget(widget)
    insert_marked(widget.textCursor(), SPOOF, QTextCharFormat())
    assert widget.toPlainText() == SPOOF_SHOWN
    widget.selectAll()
    widget.copy()
    copied = QGuiApplication.clipboard().text()
    assert copied == (SPOOF if widget_class is DiffBrowser else SPOOF_SHOWN)


# the views trace text reaches -----------------------------------------------------------------


def _write_trace(path: Path, trace_id: str) -> Path:
    """One run: a root span named :data:`SPOOF` and an LLM child whose prompt is CONTENT."""
    attributes = [
        {"key": "openinference.span.kind", "value": {"stringValue": "LLM"}},
        {"key": "llm.model_name", "value": {"stringValue": "gpt\u202e-4o"}},
        {"key": "llm.input_messages.0.message.role", "value": {"stringValue": "user"}},
        {"key": "llm.input_messages.0.message.content", "value": {"stringValue": CONTENT}},
    ]
    spans = [
        {
            "traceId": trace_id,
            "spanId": "00000000000000a1",
            "name": SPOOF,
            "startTimeUnixNano": str(T0),
            "endTimeUnixNano": str(T0 + 9 * MS),
        },
        {
            "traceId": trace_id,
            "spanId": "00000000000000b2",
            "parentSpanId": "00000000000000a1",
            "name": f"call {SPOOF}",
            "startTimeUnixNano": str(T0 + MS),
            "endTimeUnixNano": str(T0 + 2 * MS),
            "attributes": attributes,
        },
    ]
    record = {"resourceSpans": [{"scopeSpans": [{"spans": spans}]}]}
    path.write_bytes(orjson.dumps(record) + b"\n")
    return path


@pytest.fixture
def reader(tmp_path: Path) -> Iterator[StoreReader]:
    workspace = Workspace(_write_trace(tmp_path / "spoof.jsonl", "ef" * 16))
    workspace.load()
    store = workspace.reader()
    yield store
    store.close()
    workspace.close()


@pytest.mark.gui
def test_runs_and_tree_show_marks(
    qapp: QApplication, qtmodeltester: ModelTester, reader: StoreReader
) -> None:
    runs = RunsModel()
    runs.set_reader(reader)
    qtmodeltester.check(runs)
    assert runs.data(runs.index(0, 1), DISPLAY) == SPOOF_SHOWN
    assert SPOOF_SHOWN in shown_as(runs.data(runs.index(0, 1), TOOLTIP))

    run = reader.runs()[0]
    tree = SpanTreeModel()
    tree.set_run(reader, run, build_index(run.trace_id, reader.span_rows(run.trace_id)))
    qtmodeltester.check(tree)
    root = tree.index(0, 0)
    assert tree.data(root, DISPLAY) == SPOOF_SHOWN
    assert SPOOF_SHOWN in shown_as(tree.data(root, TOOLTIP))
    tree.fetchMore(root)
    child = tree.index(0, 0, root)
    assert tree.data(child, DISPLAY) == f"call {SPOOF_SHOWN}"
    assert tree.data(child.siblingAtColumn(SpanTreeModel.MODEL), DISPLAY) == "gpt<U+202E>-4o"


@pytest.mark.gui
@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_span_detail_shows_marks_and_copies_the_original(qtbot: QtBot, reader: StoreReader) -> None:
    run = reader.runs()[0]
    span = reader.span(run.trace_id, "00000000000000b2")
    assert span is not None
    detail = SpanDetailWidget()
    qtbot.addWidget(detail)
    detail.show_span(span)

    assert detail.header.name.text() == f"call {SPOOF_SHOWN}"
    assert "gpt<U+202E>-4o" in detail.header.facts.text()
    editor = detail.document_pane(MESSAGES).editor
    shown = editor.toPlainText()
    assert "abc<U+202E>def\nsecond <U+2067>line<U+2069> 日本" in shown
    assert not set(shown) & set(BIDI)
    # Copy gives the prompt as the trace holds it (the marks turned back into characters).
    start = shown.index("abc")
    cursor = editor.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(shown.index(" 日本") + len(" 日本"), QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    editor.copy()
    assert QGuiApplication.clipboard().text() == CONTENT

    detail.set_current_tab(RAW)  # highlighted JSON goes through the same marking
    raw = detail.document_pane(RAW)
    assert "call invoice<U+202E>fdp.exe" in raw.plain_text()
    assert not set(raw.plain_text()) & set(BIDI)


# costs ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "?"),
        (0.0, "$0"),
        (1e-9, "<$0.00001"),
        (0.0000042, "<$0.00001"),
        (0.00001, "$0.000010"),
        (0.000036, "$0.000036"),
        (0.0000996, "$0.00010"),  # rounded to two digits first
        (0.0042, "$0.0042"),
        (0.00996, "$0.010"),
        (0.0123, "$0.012"),
        (0.5, "$0.500"),
        (0.9996, "$1.00"),
        (12.5, "$12.50"),
        (-0.002, "-$0.0020"),
    ],
)
def test_cost_is_short_and_readable(value: float | None, shown: str) -> None:
    assert cost(value) == shown
    assert len(shown) <= 9  # fits the runs table's cost column (with its "*" for unpriced)
