"""Prompt versions of a step across runs, and the previous call of a run (real SDK data)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from openinference.semconv.trace import OpenInferenceSpanKindValues as Kind

from inspector.diff import (
    Change,
    diff_versions,
    format_path,
    llm_steps,
    next_llm_call,
    previous_llm_call,
    prompt_versions,
    step_path,
)
from inspector.diff.versions import ScanCancelledError
from tests.diff_data import Call, Recorder, msg, opened

PLAN = ("agent", "plan", "ChatCompletion")
ANSWER = ("agent", "answer", "ChatCompletion")
V1 = "You are a travel agent. Be concise."
V2 = "You are a travel agent. Be concise and always cite prices."


def record_four_runs(folder: Path, *, labels: tuple[str, ...] | None = None) -> Recorder:
    """Runs 0-1 plan with V1, runs 2-3 with V2; run 3's plan call fails."""
    recorder = Recorder(folder)
    for n in range(4):
        system = V1 if n < 2 else V2
        if labels is not None and n == 3:
            system += " Today is Friday."  # same label, different text
        with recorder.span("agent", Kind.AGENT):
            with recorder.span("plan", Kind.CHAIN):
                recorder.llm(
                    Call(
                        [msg("system", system), msg("user", f"Trip number {n}?")],
                        [msg("assistant", "Plan: fly.")],
                        latency_ms=400 + 200 * n,
                        input_tokens=100 * (n + 1),
                        output_tokens=10,
                        error=n == 3,
                        template_version=None if labels is None else labels[n],
                    ),
                    key=f"plan{n}",
                )
                recorder.tool("search_flights")
            with recorder.span("answer", Kind.CHAIN):
                recorder.llm(
                    Call(
                        [msg("system", "Summarise."), msg("user", "Plan: fly.")],
                        [msg("assistant", "Fly on Monday.")],
                    ),
                    key=f"answer{n}",
                )
                recorder.llm(
                    Call([msg("system", "Summarise."), msg("user", "Shorter?")], [], name="Refine"),
                    key=f"refine{n}",
                )
    recorder.close()
    return recorder


@pytest.fixture(scope="module")
def four_runs(tmp_path_factory: pytest.TempPathFactory) -> Recorder:
    return record_four_runs(tmp_path_factory.mktemp("versions"))


def test_steps_and_paths(four_runs: Recorder) -> None:
    with opened(four_runs.exporter.path) as reader:
        steps = llm_steps(reader)
        trace_id = reader.find_spans(four_runs.ids["plan0"])[0][0]
        path = step_path(reader, trace_id, four_runs.ids["plan0"])
    assert [(s.path, s.calls, s.runs) for s in steps] == [
        (ANSWER, 4, 4),
        (("agent", "answer", "Refine"), 4, 4),
        (PLAN, 4, 4),
    ]
    assert path == PLAN
    assert format_path(PLAN) == "agent ▸ plan ▸ ChatCompletion"


def test_two_system_prompt_versions_across_four_runs(four_runs: Recorder) -> None:
    progress: list[tuple[int, int]] = []
    with opened(four_runs.exporter.path) as reader:
        versions = prompt_versions(reader, PLAN, progress=lambda *p: progress.append(p))
        traces = {
            r.span_id: r.trace_id for t in reader.runs() for r in reader.span_rows(t.trace_id)
        }
        diff = diff_versions(reader, versions[0], versions[1])
    assert progress[-1] == (4, 4)
    first, second = versions
    assert (first.source, first.content, second.source, second.content) == (
        "system",
        V1,
        "system",
        V2,
    )
    assert first.label.startswith("#") and first.key != second.key
    ids = four_runs.ids
    assert first.calls == tuple((traces[ids[k]], ids[k]) for k in ("plan0", "plan1"))
    assert second.representative == (traces[ids["plan2"]], ids["plan2"])
    assert (first.runs, second.runs) == (2, 2)
    assert (first.mean_latency_ms, second.mean_latency_ms) == (500.0, 900.0)
    assert (first.mean_input_tokens, second.mean_input_tokens) == (150.0, 350.0)
    assert (first.error_rate, second.error_rate) == (0.0, 0.5)
    assert (first.run_error_rate, second.run_error_rate) == (0.0, 0.5)
    assert first.mean_cost_usd is not None and second.mean_cost_usd is not None
    assert first.mean_cost_usd < second.mean_cost_usd
    # The picked versions diff as two calls: the system prompt changed, the rest did not.
    assert [(m.role, m.change) for m in diff.prompt] == [
        ("system", Change.CHANGED),
        ("user", Change.CHANGED),
    ]
    assert "+You are a travel agent. Be concise and always cite prices." in (
        diff.prompt[0].unified()
    )


def test_recorded_version_labels_group_calls(tmp_path: Path) -> None:
    recorder = record_four_runs(tmp_path, labels=("v1", "v1", "v2", "v2"))
    with opened(recorder.exporter.path) as reader:
        versions = prompt_versions(reader, PLAN)
    assert [(v.key, v.label, v.source, len(v.calls), v.contents) for v in versions] == [
        ("version:v1", "v1", "version", 2, 1),
        ("version:v2", "v2", "version", 2, 2),
    ]


def test_unknown_step_and_cancel(four_runs: Recorder) -> None:
    cancel = threading.Event()
    cancel.set()
    with opened(four_runs.exporter.path) as reader:
        assert prompt_versions(reader, ("agent", "nope")) == []
        assert prompt_versions(reader, ()) == []
        with pytest.raises(ScanCancelledError):
            prompt_versions(reader, PLAN, cancel=cancel)


def test_previous_and_next_llm_call(four_runs: Recorder) -> None:
    ids = four_runs.ids
    with opened(four_runs.exporter.path) as reader:
        trace_id = reader.find_spans(ids["refine1"])[0][0]
        previous = previous_llm_call(reader, trace_id, ids["refine1"])
        before_that = previous_llm_call(reader, trace_id, ids["answer1"])
        first = previous_llm_call(reader, trace_id, ids["plan1"])
        no_other_refine = previous_llm_call(reader, trace_id, ids["refine1"], same_name=True)
        same_name = previous_llm_call(reader, trace_id, ids["answer1"], same_name=True)
        following = next_llm_call(reader, trace_id, ids["plan1"])
        last = next_llm_call(reader, trace_id, ids["refine1"])
        missing = previous_llm_call(reader, trace_id, "0" * 16)
    assert previous is not None and previous.span_id == ids["answer1"]
    assert before_that is not None and before_that.span_id == ids["plan1"]
    assert first is None  # the run's first call has no previous one (other runs don't count)
    assert no_other_refine is None
    assert same_name is not None and same_name.span_id == ids["plan1"]
    assert following is not None and following.span_id == ids["answer1"]
    assert last is None
    assert missing is None
