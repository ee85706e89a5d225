"""``trace-inspector [PATH] [--screenshot FILE] [--select SPAN_ID]`` end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from inspector.model import SpanKind
from inspector.resources import demo_trace
from inspector.ui.app import build_parser, run_gui
from inspector.workspace import Workspace

pytestmark = [
    pytest.mark.gui,
    pytest.mark.usefixtures("qapp"),
    pytest.mark.qt_log_ignore("propagateSizeHints"),
]


def llm_span_id(path: Path) -> str:
    workspace = Workspace(path)
    workspace.load()
    reader = workspace.reader()
    try:
        return next(s for _t, s in reader.search("ChatCompletion") if reader.find_spans(s))
    finally:
        reader.close()
        workspace.close()


def test_screenshot_of_a_file(agent_trace: Path, tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    assert run_gui([str(agent_trace), "--screenshot", str(out)]) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 800)
    assert len({image.pixel(x, 300) for x in range(0, 1280, 16)}) > 3  # not a blank window


def test_screenshot_selecting_a_span(agent_trace: Path, tmp_path: Path) -> None:
    out = tmp_path / "selected.png"
    span_id = llm_span_id(agent_trace)
    assert run_gui([str(agent_trace), "--screenshot", str(out), "--select", span_id]) == 0
    assert QImage(str(out)).size().toTuple() == (1280, 800)


def test_unknown_span_and_unreadable_path_exit_2(
    agent_trace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "never.png"
    assert (
        run_gui([str(agent_trace), "--screenshot", str(out), "--select", "feedfacefeedface"]) == 2
    )
    assert "feedfacefeedface" in capsys.readouterr().err
    assert run_gui([str(tmp_path / "missing.jsonl"), "--screenshot", str(out)]) == 2
    assert "missing.jsonl" in capsys.readouterr().err
    assert not out.exists()


def test_the_parser_takes_views_and_compare_and_passes_qt_options_on() -> None:
    args, unknown = build_parser().parse_known_args(
        ["trace.jsonl", "--view", "waterfall", "--compare", "a1", "b2", "-style", "Fusion"]
    )
    assert args.path == "trace.jsonl"
    assert args.view == "waterfall"
    assert args.compare == ["a1", "b2"]
    assert not args.no_follow
    assert unknown == ["-style", "Fusion"]


def test_command_line_screenshot_of_the_demo(tmp_path: Path) -> None:
    """The installed entry point, no PATH: the bundled demo opens (a real process)."""
    out = tmp_path / "demo.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "inspector", "--screenshot", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert QImage(str(out)).size().toTuple() == (1280, 800)
    assert "propagateSizeHints" not in result.stderr  # the offscreen platform's noise is dropped


def first_calls(path: Path) -> tuple[str, str]:
    """The first LLM call of the oldest run and of the newest run."""
    workspace = Workspace(path)
    workspace.load()
    reader = workspace.reader()
    try:
        runs = reader.runs(0, 100)
        calls = [
            next(r.span_id for r in reader.span_rows(run.trace_id) if r.kind is SpanKind.LLM)
            for run in (runs[-1], runs[0])
        ]
    finally:
        reader.close()
        workspace.close()
    return calls[0], calls[1]


@pytest.mark.parametrize("view", ["waterfall", "latency", "tokens"])
def test_screenshot_of_a_chart(tmp_path: Path, view: str) -> None:
    out = tmp_path / f"{view}.png"
    assert run_gui([str(demo_trace()), "--view", view, "--screenshot", str(out)]) == 0
    image = QImage(str(out))
    assert image.width() == 1280 and image.height() > 650  # the chart, not the window
    colours = {image.pixel(x, y) for x in range(0, 1280, 8) for y in range(0, 650, 8)}
    assert len(colours) > 6  # drawn, not blank


def test_screenshot_of_a_compare(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    older, newer = first_calls(demo_trace())
    out = tmp_path / "compare.png"
    assert (
        run_gui([str(demo_trace()), "--compare", older[:8], newer[:8], "--screenshot", str(out)])
        == 0
    )
    assert QImage(str(out)).size().toTuple() == (1280, 800)

    missing = tmp_path / "missing.png"
    code = run_gui(
        [str(demo_trace()), "--compare", older, "feedface", "--screenshot", str(missing)]
    )
    assert code == 2
    assert "feedface" in capsys.readouterr().err
    # a one-character prefix names many spans
    code = run_gui([str(demo_trace()), "--compare", older[0], newer, "--screenshot", str(missing)])
    assert code == 2
    assert "ambiguous" in capsys.readouterr().err
    assert not missing.exists()
