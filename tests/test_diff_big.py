"""Big prompts: the span diff of two 200 KB prompts stays interactive (<= 100 ms)."""

from __future__ import annotations

import statistics
import time

from inspector.diff import Change, RowTag, diff_spans
from tests.benchmarks.bench_diff import make_spans, prompt_bytes


def test_two_200kb_prompts_diff_in_100ms() -> None:
    a, b = make_spans(200_000)
    assert prompt_bytes(a) >= 195_000
    times = []
    for _ in range(3):
        started = time.perf_counter()
        diff = diff_spans(a, b)
        times.append(time.perf_counter() - started)
    assert statistics.median(times) <= 0.100, times
    # ... and the result is right: B is A with an edited system prompt, an inserted user
    # message, an edited document, the tool result's JSON keys reordered, two more turns.
    assert [(m.index_a, m.index_b, m.role, m.change) for m in diff.prompt] == [
        (0, 0, "system", Change.CHANGED),
        (1, 1, "user", Change.EQUAL),
        (2, 2, "assistant", Change.EQUAL),
        (3, 3, "tool", Change.EQUAL),
        (None, 4, "user", Change.ADDED),
        (4, 5, "user", Change.CHANGED),
        (5, 6, "assistant", Change.EQUAL),
        (6, 7, "user", Change.EQUAL),
        (None, 8, "assistant", Change.ADDED),
        (None, 9, "user", Change.ADDED),
    ]
    system_rows = [r for r in diff.prompt[0].text.rows() if r.tag is not RowTag.EQUAL]
    assert len(system_rows) == 1 and system_rows[0].tag is RowTag.CHANGED
    line = diff.prompt[0].text.b_lines[system_rows[0].b or 0]
    assert [line[s:e] for s, e in system_rows[0].b_marks] == ["very"]
    document = diff.prompt[5].text.counts()
    assert (document[RowTag.CHANGED], document[RowTag.ADDED], document[RowTag.REMOVED]) == (
        20,
        1,
        0,
    )
