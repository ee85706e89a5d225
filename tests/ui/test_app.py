"""``trace-inspector [PATH] [--screenshot FILE] [--select SPAN_ID]`` end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

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


def test_the_parser_leaves_room_for_more_options() -> None:
    args, unknown = build_parser().parse_known_args(["trace.jsonl", "--view", "waterfall"])
    assert args.path == "trace.jsonl"
    assert unknown == ["--view", "waterfall"]


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
