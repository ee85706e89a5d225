"""The bundled demo trace: reproducible from its script, and showing what the app is for."""

from __future__ import annotations

import importlib.util
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import orjson
import pytest

DEMO_DIR = Path(__file__).resolve().parents[1] / "resources" / "demo"
BUNDLED = DEMO_DIR / "demo.jsonl"


@pytest.fixture
def make_demo(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The generator script, imported from its file (it is not part of the package)."""
    spec = importlib.util.spec_from_file_location("make_demo", DEMO_DIR / "make_demo.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses looks the module up in sys.modules while the class body is processed.
    monkeypatch.setitem(sys.modules, "make_demo", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def spans() -> list[dict[str, Any]]:
    """Every span in the bundled file, in file order, with attributes as a plain dict."""
    out: list[dict[str, Any]] = []
    for line in BUNDLED.read_bytes().splitlines():
        for resource_spans in orjson.loads(line)["resourceSpans"]:
            for scope_spans in resource_spans["scopeSpans"]:
                for span in scope_spans["spans"]:
                    span["attrs"] = {
                        kv["key"]: next(iter(kv["value"].values())) for kv in span["attributes"]
                    }
                    out.append(span)
    return out


def test_regenerating_gives_the_bundled_file(
    make_demo: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "sub" / "demo.jsonl"
    assert make_demo.main([str(output)]) == 0
    assert str(output) in capsys.readouterr().out
    assert output.read_bytes() == BUNDLED.read_bytes(), (
        "resources/demo/demo.jsonl is stale: run `python resources/demo/make_demo.py`"
    )


def test_file_is_small_and_one_span_per_line(spans: list[dict[str, Any]]) -> None:
    assert BUNDLED.stat().st_size < 320_000
    assert len(BUNDLED.read_bytes().splitlines()) == len(spans)


def test_runs_sessions_and_tree(spans: list[dict[str, Any]]) -> None:
    by_trace: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for span in spans:
        by_trace[span["traceId"]].append(span)
    assert len(by_trace) == 8
    for trace in by_trace.values():
        assert 15 <= len(trace) <= 40
        ids = {span["spanId"] for span in trace}
        roots = [span for span in trace if "parentSpanId" not in span]
        assert [root["attrs"]["openinference.span.kind"] for root in roots] == ["AGENT"]
        assert all(span["parentSpanId"] in ids for span in trace if span is not roots[0])
        # Exported as they end: the root, which ends last, is the trace's last line.
        assert trace[-1] is roots[0]
        assert not any(span.get("droppedAttributesCount") for span in trace)

    roots = [span for span in spans if "parentSpanId" not in span]
    starts = sorted(int(root["startTimeUnixNano"]) for root in roots)
    first = int(datetime(2026, 11, 20, 9, 0, tzinfo=UTC).timestamp()) * 10**9
    assert first <= starts[0] < first + 10**9
    assert 90 * 60 <= (starts[-1] - starts[0]) / 1e9 <= 130 * 60
    durations = [
        (int(root["endTimeUnixNano"]) - int(root["startTimeUnixNano"])) / 1e9 for root in roots
    ]
    assert sum(1 for seconds in durations if 90 <= seconds <= 100) == 1
    assert len({root["attrs"]["session.id"] for root in roots}) in {2, 3}
    assert all(root["attrs"]["user.id"] for root in roots)


def test_llm_spans_carry_what_the_llm_view_needs(spans: list[dict[str, Any]]) -> None:
    llm = [span for span in spans if span["attrs"]["openinference.span.kind"] == "LLM"]
    assert llm
    for span in llm:
        attrs = span["attrs"]
        assert "llm.token_count.prompt" in attrs
        assert int(attrs["llm.token_count.total"]) == int(attrs["llm.token_count.prompt"]) + int(
            attrs["llm.token_count.completion"]
        )
        assert attrs["llm.input_messages.0.message.role"] == "system"
        assert orjson.loads(attrs["llm.invocation_parameters"])["max_tokens"] > 0
        assert attrs["input.mime_type"] == "application/json"
    assert {span["attrs"]["llm.model_name"] for span in llm} == {"gpt-4o-mini", "claude-sonnet-4-5"}
    assert {span["attrs"]["llm.prompt_template.version"] for span in llm} == {"v1", "v2"}
    templates = {span["attrs"]["llm.prompt_template.template"] for span in llm}
    assert "You are a travel assistant. Answer briefly." in templates
    assert len(templates) == 2
    tool_calls = [k for span in llm for k in span["attrs"] if k.endswith("tool_call.function.name")]
    assert tool_calls
    tool_results = [
        span
        for span in llm
        for k, v in span["attrs"].items()
        if k.endswith("message.role") and v == "tool"
    ]
    assert tool_results


def test_failure_and_hostile_text(spans: list[dict[str, Any]]) -> None:
    errors = [span for span in spans if span.get("status", {}).get("code") == 2]
    assert {span["attrs"]["openinference.span.kind"] for span in errors} == {
        "LLM",
        "CHAIN",
        "AGENT",
    }
    assert len({span["traceId"] for span in errors}) == 1
    failed_llm = next(span for span in errors if span["attrs"]["openinference.span.kind"] == "LLM")
    (event,) = failed_llm["events"]
    assert event["name"] == "exception"
    keys = {kv["key"] for kv in event["attributes"]}
    assert {"exception.type", "exception.message", "exception.stacktrace"} <= keys

    markup = "<b>bold?</b> <img src=x onerror=alert(1)> \x1b[31mred\x1b[0m"
    assert any(
        markup in value
        for span in spans
        for key, value in span["attrs"].items()
        if key.endswith("message.content")
    )
    kinds = {span["attrs"]["openinference.span.kind"] for span in spans}
    assert {"AGENT", "CHAIN", "LLM", "TOOL", "RETRIEVER"} <= kinds
    retrievers = [span for span in spans if span["attrs"]["openinference.span.kind"] == "RETRIEVER"]
    assert len(retrievers) == 8
    assert all("retrieval.documents.0.document.score" in span["attrs"] for span in retrievers)
