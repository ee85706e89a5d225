"""Write an ``mlflow.db`` with MLflow's own tracing and its SQLite tracking store.

Run as a script (``python -m tests.formats.make_mlflow_db FOLDER``; it writes
``FOLDER/mlflow.db``). Prints the MLflow trace ids as JSON. Contents: trace 1 = AGENT ->
CHAT_MODEL (OpenAI-shaped messages, token usage 5/2) + TOOL (raises: ERROR with an exception
event), with a human feedback on the trace, an LLM-judge feedback on the chat span and an
expectation; trace 2 = one LLM span (token usage 3/4) in session "sess-7".
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any


def main(folder: Path) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    os.chdir(folder)  # artifacts (./mlruns) go beside the database
    import mlflow
    from mlflow.entities import AssessmentSource, AssessmentSourceType, SpanType

    mlflow.set_tracking_uri(f"sqlite:///{folder / 'mlflow.db'}")
    mlflow.set_experiment("demo")

    @mlflow.trace(span_type=SpanType.CHAT_MODEL)
    def chat(messages: list[dict[str, Any]]) -> dict[str, Any]:
        span = mlflow.get_current_active_span()
        assert span is not None
        span.set_attribute(
            "mlflow.chat.tokenUsage", {"input_tokens": 5, "output_tokens": 2, "total_tokens": 7}
        )
        span.set_attribute("mlflow.llm.model", "gpt-4o-mini")
        return {
            "choices": [
                {"message": {"role": "assistant", "content": "Rainy."}, "finish_reason": "stop"}
            ]
        }

    @mlflow.trace(span_type=SpanType.TOOL)
    def weather(city: str) -> str:
        raise TimeoutError(f"no weather for {city}")

    @mlflow.trace(span_type=SpanType.AGENT)
    def agent(question: str) -> dict[str, Any]:
        answer = chat(
            [{"role": "system", "content": "Be terse."}, {"role": "user", "content": question}]
        )
        with contextlib.suppress(TimeoutError):
            weather("Paris")
        return answer

    @mlflow.trace(span_type=SpanType.LLM)
    def summarise(text: str) -> str:
        mlflow.update_current_trace(metadata={"mlflow.trace.session": "sess-7"})
        span = mlflow.get_current_active_span()
        assert span is not None
        span.set_attribute(
            "mlflow.chat.tokenUsage", {"input_tokens": 3, "output_tokens": 4, "total_tokens": 7}
        )
        return text[:5]

    agent("Weather in Paris?")
    first = mlflow.get_last_active_trace_id()
    summarise("a long text")
    second = mlflow.get_last_active_trace_id()
    assert first and second
    mlflow.flush_trace_async_logging()
    trace = mlflow.get_trace(first)
    assert trace is not None
    chat_span = next(s for s in trace.data.spans if s.name == "chat")
    mlflow.log_feedback(
        trace_id=first,
        name="correctness",
        value=True,
        rationale="right answer",
        source=AssessmentSource(
            source_type=AssessmentSourceType.HUMAN, source_id="alice@example.com"
        ),
    )
    mlflow.log_feedback(
        trace_id=first,
        span_id=chat_span.span_id,
        name="relevance",
        value=0.7,
        rationale="mostly",
        source=AssessmentSource(
            source_type=AssessmentSourceType.LLM_JUDGE, source_id="judge-model"
        ),
    )
    mlflow.log_expectation(
        trace_id=first,
        name="expected_answer",
        value="Rainy.",
        source=AssessmentSource(source_type=AssessmentSourceType.HUMAN, source_id="bob"),
    )
    return {"first": first, "second": second, "chat_span": chat_span.span_id}


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]).resolve())))
