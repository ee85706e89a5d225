"""Read queries for the charts: every LLM call as numpy columns, per-model usage, scoped runs.

Kept apart from :mod:`inspector.store.queries` because they return columns (numpy arrays) for
plotting rather than rows for views. All filters go through one :class:`ChartScope`, shared by
the runs list and every chart so they agree on what is "in view". Call them on a worker thread
with a reader of its own: a million LLM calls take about a second to read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from inspector.store.queries import _RUN_COLUMNS, RunRow, StoreReader, _run

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class ChartScope:
    """What the charts show: a time window, one model, one span name (``None`` = all).

    Times are UTC ns; a span or run is in scope when it *starts* in ``[start_ns, end_ns)``.
    """

    start_ns: int | None = None
    end_ns: int | None = None
    model: str | None = None
    name: str | None = None

    def span_filter(self, alias: str = "s") -> tuple[str, list[Any]]:
        """SQL conditions (joined with AND, or empty) and their parameters, for ``spans``."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.start_ns is not None:
            clauses.append(f"{alias}.start_ns >= ?")
            params.append(self.start_ns)
        if self.end_ns is not None:
            clauses.append(f"{alias}.start_ns < ?")
            params.append(self.end_ns)
        if self.model is not None:
            clauses.append(f"coalesce({alias}.model, '(unknown)') = ?")
            params.append(self.model)
        if self.name is not None:
            clauses.append(f"{alias}.name = ?")
            params.append(self.name)
        return " AND ".join(clauses), params


@dataclass(slots=True)
class LlmCalls:
    """Every LLM call in scope as parallel columns, ordered by start time.

    ``row_id`` is the store's row id of each span: small to keep for a million points, and
    turned back into ``(trace_id, span_id)`` by :func:`call_ids` when the user clicks one.
    ``model_code``/``name_code`` index ``models``/``names``. ``open_ids`` are calls still
    running (not plotted); an incremental read asks for them again. ``last_id`` is the highest
    row id read, the cursor of the next incremental read.
    """

    row_id: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    start_ns: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    duration_ns: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    model_code: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    name_code: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    error: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, np.bool_))
    models: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    open_ids: list[int] = field(default_factory=list)
    last_id: int = 0

    def __len__(self) -> int:
        return len(self.row_id)


_CALL_SQL = (
    "SELECT s.id, s.start_ns, s.end_ns, coalesce(s.model, '(unknown)'), s.name, s.status "
    "FROM spans s WHERE s.kind = 'LLM' AND s.start_ns IS NOT NULL"
)


def llm_calls(reader: StoreReader, scope: ChartScope | None = None) -> LlmCalls:
    """Every LLM call in scope (calls still running are listed in ``open_ids`` only)."""
    return _read_calls(reader, scope or ChartScope(), "", [], LlmCalls())


def more_llm_calls(
    reader: StoreReader, before: LlmCalls, scope: ChartScope | None = None
) -> LlmCalls:
    """``before`` plus the calls written since it was read (and those that have ended since).

    Returns a new :class:`LlmCalls`; codes of ``before`` stay valid (new models and names are
    appended to the lists).
    """
    extra = "(s.id > ?" + (
        f" OR s.id IN ({', '.join('?' * len(before.open_ids))}))" if before.open_ids else ")"
    )
    return _read_calls(
        reader, scope or ChartScope(), extra, [before.last_id, *before.open_ids], before
    )


def _read_calls(
    reader: StoreReader, scope: ChartScope, extra: str, extra_params: list[Any], base: LlmCalls
) -> LlmCalls:
    where, params = scope.span_filter()
    sql = _CALL_SQL + "".join(f" AND {c}" for c in (where, extra) if c)
    rows = reader.conn.execute(sql, [*params, *extra_params]).fetchall()
    models = {m: i for i, m in enumerate(base.models)}
    names = {n: i for i, n in enumerate(base.names)}
    ended = [r for r in rows if r[2] is not None]
    open_ids = [int(r[0]) for r in rows if r[2] is None]
    count = len(ended)
    row_id = np.fromiter((r[0] for r in ended), np.int64, count)
    start = np.fromiter((r[1] for r in ended), np.int64, count)
    end = np.fromiter((r[2] for r in ended), np.int64, count)
    model = np.fromiter((models.setdefault(r[3], len(models)) for r in ended), np.int64, count)
    name = np.fromiter((names.setdefault(r[4], len(names)) for r in ended), np.int64, count)
    error = np.fromiter((r[5] == 2 for r in ended), np.bool_, count)
    last_id = max([base.last_id, *(int(r[0]) for r in rows)])
    merged = LlmCalls(
        row_id=np.concatenate([base.row_id, row_id]),
        start_ns=np.concatenate([base.start_ns, start]),
        duration_ns=np.concatenate([base.duration_ns, np.maximum(end - start, 0)]),
        model_code=np.concatenate([base.model_code, model]),
        name_code=np.concatenate([base.name_code, name]),
        error=np.concatenate([base.error, error]),
        models=list(models),
        names=list(names),
        open_ids=open_ids,
        last_id=last_id,
    )
    order = np.argsort(merged.start_ns, kind="stable")
    if count and not np.all(order == np.arange(len(order))):
        for column in ("row_id", "start_ns", "duration_ns", "model_code", "name_code", "error"):
            setattr(merged, column, getattr(merged, column)[order])
    return merged


def call_ids(reader: StoreReader, row_ids: Sequence[int]) -> list[tuple[str, str]]:
    """``(trace_id, span_id)`` of spans given by store row id, in the order given."""
    found: dict[int, tuple[str, str]] = {}
    ids = [int(i) for i in row_ids]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        sql = (
            "SELECT s.id, r.trace_id, s.span_id FROM spans s JOIN runs r ON r.id = s.run_id "
            f"WHERE s.id IN ({', '.join('?' * len(chunk))})"
        )
        found.update({int(r[0]): (r[1], r[2]) for r in reader.conn.execute(sql, chunk)})
    return [found[i] for i in ids if i in found]


@dataclass(frozen=True, slots=True)
class ModelUsage:
    """LLM calls of one model in scope: tokens are sums of known counts, cost of priced calls."""

    model: str
    calls: int
    errors: int
    input_tokens: int
    output_tokens: int
    cost_usd: float | None
    priced_calls: int
    duration_ns: int


def model_usage(reader: StoreReader, scope: ChartScope | None = None) -> list[ModelUsage]:
    """Per-model totals of the LLM calls in scope, most calls first."""
    where, params = (scope or ChartScope()).span_filter()
    sql = (
        "SELECT coalesce(s.model, '(unknown)') AS m, count(*), total(s.status = 2), "
        "total(s.input_tokens), total(s.output_tokens), sum(s.cost_usd), count(s.cost_usd), "
        "total(s.end_ns - s.start_ns) FROM spans s WHERE s.kind = 'LLM'"
        + (f" AND {where}" if where else "")
        + " GROUP BY m ORDER BY count(*) DESC, m"
    )
    return [
        ModelUsage(r[0], int(r[1]), int(r[2]), int(r[3]), int(r[4]), r[5], int(r[6]), int(r[7]))
        for r in reader.conn.execute(sql, params)
    ]


def scoped_runs(
    reader: StoreReader, scope: ChartScope | None = None, limit: int = 20_000
) -> list[RunRow]:
    """Runs starting in the scope's window (and using its model, if set), oldest first.

    The newest ``limit`` runs are kept when there are more. ``scope.name`` does not filter runs
    (a run has many span names).
    """
    scope = scope or ChartScope()
    clauses: list[str] = []
    params: list[Any] = []
    if scope.start_ns is not None:
        clauses.append("start_ns >= ?")
        params.append(scope.start_ns)
    if scope.end_ns is not None:
        clauses.append("start_ns < ?")
        params.append(scope.end_ns)
    if scope.model is not None:
        clauses.append(
            "id IN (SELECT run_id FROM spans WHERE kind = 'LLM' "
            "AND coalesce(model, '(unknown)') = ?)"
        )
        params.append(scope.model)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    sql = (
        f"SELECT * FROM (SELECT {_RUN_COLUMNS} FROM runs{where} "
        "ORDER BY start_ns IS NULL, start_ns DESC, id DESC LIMIT ?) ORDER BY start_ns, trace_id"
    )
    return [_run(r) for r in reader.conn.execute(sql, [*params, limit])]
