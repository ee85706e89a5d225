"""Message-aware diff of prompts, responses, spans, runs and prompt versions (pure, Qt-free).

Entry points:

- :func:`diff_text` -- two texts line by line, word marks inside changed lines, hunks/folds;
- :func:`diff_messages` -- two message lists aligned message by message;
- :func:`diff_spans` -- two calls: prompt and response diffs plus model/parameter/usage deltas;
- :func:`previous_llm_call` -- the call before a given one in the same run;
- :func:`prompt_versions` / :func:`diff_versions` -- a step's prompt versions across runs;
- :func:`diff_runs` -- two runs' span trees aligned, with deltas.
"""

from inspector.diff.messages import Change, MessageDiff, diff_messages, message_text
from inspector.diff.previous import next_llm_call, previous_llm_call
from inspector.diff.runs import RunDiff, SpanPair, diff_run_ids, diff_runs
from inspector.diff.spans import FieldDelta, SpanDiff, diff_spans
from inspector.diff.text import (
    Block,
    DiffOptions,
    Fold,
    Hunk,
    Row,
    RowTag,
    TextDiff,
    diff_text,
    normalize_json,
)
from inspector.diff.tree import format_path
from inspector.diff.versions import (
    LlmStep,
    PromptVersion,
    diff_versions,
    llm_steps,
    prompt_versions,
    step_path,
)

__all__ = [
    "Block",
    "Change",
    "DiffOptions",
    "FieldDelta",
    "Fold",
    "Hunk",
    "LlmStep",
    "MessageDiff",
    "PromptVersion",
    "Row",
    "RowTag",
    "RunDiff",
    "SpanDiff",
    "SpanPair",
    "TextDiff",
    "diff_messages",
    "diff_run_ids",
    "diff_runs",
    "diff_spans",
    "diff_text",
    "diff_versions",
    "format_path",
    "llm_steps",
    "message_text",
    "next_llm_call",
    "normalize_json",
    "previous_llm_call",
    "prompt_versions",
    "step_path",
]
