"""An "agent" run as a separate process: the real OpenTelemetry SDK recording through
``inspector.otel.install`` (global provider, start records on), driven by stdin commands.

    python tests/live/agent.py TARGET      # a folder or a .db file

Prints "ready" once installed, then for each command "ok" once its spans are flushed:

    start       start an AGENT span and, inside it, a long LLM span (OpenInference attributes)
    steps N     N short TOOL spans inside the agent span
    end         finish the LLM call (output message, tokens) and the agent span
    quit
"""

from __future__ import annotations

import sys
from typing import Any

from opentelemetry import trace

import inspector.otel

LLM_ATTRIBUTES = {
    "openinference.span.kind": "LLM",
    "llm.model_name": "gpt-4o-mini",
    "llm.input_messages.0.message.role": "user",
    "llm.input_messages.0.message.content": "What is the weather in Paris?",
}


def main() -> None:
    provider = inspector.otel.install(sys.argv[1], delay_s=0.02)
    tracer = trace.get_tracer("tests.live.agent")
    agent: Any = None
    llm: Any = None
    print("ready", flush=True)
    for raw in sys.stdin:
        words = raw.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        if words[0] == "start":
            agent = tracer.start_span("agent", attributes={"openinference.span.kind": "AGENT"})
            context = trace.set_span_in_context(agent)
            llm = tracer.start_span("ChatCompletion", context=context, attributes=LLM_ATTRIBUTES)
        elif words[0] == "steps":
            context = trace.set_span_in_context(agent)
            for i in range(int(words[1])):
                step = tracer.start_span(
                    f"tool-{i}", context=context, attributes={"openinference.span.kind": "TOOL"}
                )
                step.end()
        elif words[0] == "end":
            llm.set_attribute("llm.output_messages.0.message.role", "assistant")
            llm.set_attribute("llm.output_messages.0.message.content", "Rainy, 12 C.")
            llm.set_attribute("llm.token_count.prompt", 12)
            llm.set_attribute("llm.token_count.completion", 5)
            llm.end()
            agent.end()
        provider.force_flush()
        print("ok", flush=True)
    provider.shutdown()


if __name__ == "__main__":
    main()
