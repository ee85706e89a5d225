"""``trace-inspector diff PATH SPAN_A SPAN_B [--json]``: the contract scripts rely on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from openinference.semconv.trace import OpenInferenceSpanKindValues as Kind

from inspector.cli import main
from tests.diff_data import Call, Recorder, msg

TOOL_CALL = [("call_1", "search_flights", '{"to": "LIS", "max": 3}')]
TOOL_CALL_REORDERED = [("call_1", "search_flights", '{"max": 3, "to": "LIS"}')]


@pytest.fixture(scope="module")
def trace(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    recorder = Recorder(tmp_path_factory.mktemp("cli"))
    with recorder.span("agent", Kind.AGENT):
        recorder.llm(
            Call(
                [
                    msg("user", "Find flights to Lisbon."),
                    msg("assistant", tool_calls=TOOL_CALL),
                    msg("tool", "TP123 at 120 EUR", tool_call_id="call_1"),
                ],
                [msg("assistant", "Take TP123.")],
            ),
            key="a",
        )
        recorder.llm(
            Call(
                [
                    msg("system", "Be brief."),
                    msg("user", "Find flights to Lisbon."),
                    msg("assistant", tool_calls=TOOL_CALL_REORDERED),
                    msg("tool", "TP123 at 120 EUR", tool_call_id="call_1"),
                    msg("user", "And a hotel?"),
                ],
                [msg("assistant", "Take TP123.\nStay at Casa Azul.")],
                latency_ms=900,
            ),
            key="b",
        )
    return recorder.close(), recorder.ids


EXPECTED = [
    {
        "side": "prompt",
        "index_a": None,
        "index_b": 0,
        "role": "system",
        "change": "added",
        "diff": "--- /dev/null\n+++ prompt[0] system\n@@ -0,0 +1 @@\n+Be brief.\n",
    },
    {"side": "prompt", "index_a": 0, "index_b": 1, "role": "user", "change": "equal", "diff": ""},
    {
        "side": "prompt",
        "index_a": 1,
        "index_b": 2,
        "role": "assistant",
        "change": "equal",
        "diff": "",
    },
    {"side": "prompt", "index_a": 2, "index_b": 3, "role": "tool", "change": "equal", "diff": ""},
    {
        "side": "prompt",
        "index_a": None,
        "index_b": 4,
        "role": "user",
        "change": "added",
        "diff": "--- /dev/null\n+++ prompt[4] user\n@@ -0,0 +1 @@\n+And a hotel?\n",
    },
    {
        "side": "response",
        "index_a": 0,
        "index_b": 0,
        "role": "assistant",
        "change": "changed",
        "diff": (
            "--- response[0] assistant\n+++ response[0] assistant\n"
            "@@ -1 +1,2 @@\n Take TP123.\n+Stay at Casa Azul.\n"
        ),
    },
]


def test_json_is_exactly_the_list_of_message_changes(
    trace: tuple[Path, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, ids = trace
    assert main(["diff", str(path), ids["a"], ids["b"], "--json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.endswith("\n") and out.count("\n") == 1
    assert orjson.loads(out) == EXPECTED


def test_unique_prefixes_and_text_output(
    trace: tuple[Path, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, ids = trace
    # Ids are 5eed010000000000, 5eed02...: six digits make a unique prefix; case is ignored.
    assert main(["diff", str(path), ids["a"][:6], ids["b"].upper()]) == 0
    out, _ = capsys.readouterr()
    lines = out.splitlines()
    for header in (
        "--- /dev/null",
        "+++ prompt[0] system",
        "+++ prompt[4] user",
        "--- response[0] assistant",
        "+++ response[0] assistant",
        "+Stay at Casa Azul.",
    ):
        assert header in lines
    assert "--- prompt[1] user" not in lines  # equal messages print no diff
    latency = next(line for line in lines if "latency_ms" in line)
    assert latency.startswith("#*") and "+400" in latency


@pytest.mark.parametrize("which", [0, 1])
def test_unknown_id_exits_2(
    trace: tuple[Path, dict[str, str]], capsys: pytest.CaptureFixture[str], which: int
) -> None:
    path, ids = trace
    args = [ids["a"], ids["b"]]
    args[which] = "ffff"
    assert main(["diff", str(path), *args, "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"SPAN_{'AB'[which]}" in err and "'ffff'" in err and "no span id starts with" in err


def test_ambiguous_prefix_exits_2_listing_candidates(
    trace: tuple[Path, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, ids = trace
    assert main(["diff", str(path), "5eed", ids["b"], "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "SPAN_A" in err and "'5eed'" in err and "ambiguous" in err
    assert ids["a"] in err and ids["b"] in err  # the candidates are listed


def test_unreadable_path_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(tmp_path / "missing.jsonl"), "aa", "bb", "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "missing.jsonl" in err
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text("not a trace\n")
    assert main(["diff", str(garbage), "aa", "bb"]) == 2
    assert "garbage.jsonl" in capsys.readouterr().err


def test_real_command_line(trace: tuple[Path, dict[str, str]]) -> None:
    path, ids = trace
    done = subprocess.run(
        [sys.executable, "-m", "inspector", "diff", str(path), ids["a"], ids["b"], "--json"],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert orjson.loads(done.stdout) == EXPECTED
