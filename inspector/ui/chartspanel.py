"""The window's chart tabs: waterfall of the selected run, latency, tokens and cost.

The chart widgets (and pyqtgraph, ~0.5 s to import) are created the first time their tab is
shown. Data is read and laid out on the session's workers (the waterfall's bars are even
recorded there) and only drawn on the GUI thread; a chart that is not shown only remembers
that it is out of date and loads when it is shown. Each chart has at most one read in
flight; live updates are throttled (:class:`_Feed`), and results for a run or scope that is
no longer current are dropped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from inspector.store.queries import StoreReader
from inspector.ui.scopebar import ScopeBar
from inspector.ui.session import Session

if TYPE_CHECKING:
    from inspector.charts import ChartScope
    from inspector.ui.charts.latency import LatencyWidget
    from inspector.ui.charts.tokens import TokensWidget
    from inspector.ui.charts.waterfall import WaterfallWidget

WATERFALL, LATENCY, TOKENS = "waterfall", "latency", "tokens"
CHARTS = (WATERFALL, LATENCY, TOKENS)
TITLES = {WATERFALL: "Waterfall", LATENCY: "Latency", TOKENS: "Tokens && cost"}
# Least time between two live reads of a chart: each one reads (and the latency chart
# re-computes over) everything in scope.
LIVE_INTERVAL_MS = {WATERFALL: 1000, LATENCY: 1000, TOKENS: 1000}
CLOCK_MS = 1000  # running bars grow this often while the source is followed

FULL, MORE = 2, 1  # how much a chart must read: everything again, or what was appended
MAX_NAMES = 200  # span names offered in the scope bar (the most called ones)


class _Feed:
    """One chart's reads: one in flight at a time, live ones at most one per interval.

    ``start(kind)`` begins a read and must call :meth:`landed` when it is over (whatever the
    outcome). A full read requested while one is running starts when it lands.
    """

    def __init__(
        self,
        owner: QObject,
        interval_ms: int,
        start: Callable[[int], None],
        shown: Callable[[], bool],
    ) -> None:
        self._start = start
        self._shown = shown
        self._interval = interval_ms / 1000
        self.pending = 0
        self.inflight = False
        self._last = 0.0
        self._timer = QTimer(owner)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.kick)

    def request(self, kind: int) -> None:
        self.pending = max(self.pending, kind)
        self.kick()

    def kick(self) -> None:
        if self.inflight or not self.pending or not self._shown():
            return
        wait = self._last + self._interval - time.monotonic()
        if self.pending == MORE and wait > 0:
            if not self._timer.isActive():
                self._timer.start(int(wait * 1000) + 1)
            return
        kind, self.pending = self.pending, 0
        self.inflight = True
        self._last = time.monotonic()
        self._start(kind)

    def landed(self) -> None:
        self.inflight = False
        self.kick()

    def reset(self) -> None:
        self.pending = 0
        self.inflight = False
        self._timer.stop()

    @property
    def busy(self) -> bool:
        return self.inflight or (bool(self.pending) and self._shown())


class ChartsPanel(QObject):
    """Owns the chart tab pages and keeps their charts fed.

    Signals:
        span_clicked(str, str, str): chart name, trace id, span id of a clicked bar or point.
        run_clicked(str): trace id of a run clicked in the tokens chart.
        model_picked(str): a model was picked in the scope bar ("" = all models).
        status_message(str): something for the status bar (a read failed).
    """

    span_clicked = Signal(str, str, str)
    run_clicked = Signal(str)
    model_picked = Signal(str)
    status_message = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session: Session | None = None
        self.pages: dict[str, QWidget] = {}
        self._layouts: dict[str, QVBoxLayout] = {}
        for name in CHARTS:
            page = QWidget()
            layout = QVBoxLayout(page)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setSpacing(0)
            self.pages[name] = page
            self._layouts[name] = layout
        self.scope_bar = ScopeBar()  # above the latency or the tokens chart, whichever shows
        self._layouts[LATENCY].addWidget(self.scope_bar)
        self.scope_bar.changed.connect(self._scope_picked)
        self.scope_bar.model_picked.connect(self.model_picked)
        self._scope: ChartScope | None = None  # numpy comes with it: made when first needed
        self.waterfall: WaterfallWidget | None = None
        self.latency: LatencyWidget | None = None
        self.tokens: TokensWidget | None = None
        self._shown: str | None = None
        self._run: str | None = None
        self._drawn_run: str | None = None  # the run the waterfall shows
        self._highlight: str | None = None
        self._runs_filter = ""
        self._filter_model: str | None = None  # the model the runs filter named, if any
        self._latency_generation = 0
        self._feeds = {
            name: _Feed(self, LIVE_INTERVAL_MS[name], starter, partial(self._is_shown, name))
            for name, starter in (
                (WATERFALL, self._read_waterfall),
                (LATENCY, self._read_latency),
                (TOKENS, self._read_tokens),
            )
        }
        self._clock = QTimer(self)
        self._clock.setInterval(CLOCK_MS)
        self._clock.timeout.connect(self._tick)

    def _is_shown(self, name: str) -> bool:
        return self._shown == name

    # widgets ---------------------------------------------------------------------------------

    def widget(self, name: str) -> QWidget:
        """The chart widget of a tab (created, with pyqtgraph imported, on first use)."""
        if name == WATERFALL:
            return self._waterfall()
        if name == LATENCY:
            return self._latency()
        if name == TOKENS:
            return self._tokens()
        raise ValueError(f"no chart {name!r}")

    def _waterfall(self) -> WaterfallWidget:
        if self.waterfall is None:
            from inspector.ui.charts.waterfall import WaterfallWidget

            self.waterfall = WaterfallWidget()
            self.waterfall.background = self._in_background
            self.waterfall.spanClicked.connect(
                lambda trace, span: self.span_clicked.emit(WATERFALL, trace, span)
            )
            self._layouts[WATERFALL].addWidget(self.waterfall)
        return self.waterfall

    def _latency(self) -> LatencyWidget:
        if self.latency is None:
            from inspector.ui.charts.latency import LatencyWidget

            self.latency = LatencyWidget()
            self.latency.set_reader(self.session.reader if self.session is not None else None)
            self.latency.spanClicked.connect(
                lambda trace, span: self.span_clicked.emit(LATENCY, trace, span)
            )
            self._layouts[LATENCY].addWidget(self.latency)
        return self.latency

    def _tokens(self) -> TokensWidget:
        if self.tokens is None:
            from inspector.ui.charts.tokens import TokensWidget

            self.tokens = TokensWidget()
            self.tokens.runClicked.connect(self.run_clicked)
            self._layouts[TOKENS].addWidget(self.tokens)
        return self.tokens

    # what to show ----------------------------------------------------------------------------

    def set_session(self, session: Session | None) -> None:
        """Show another workspace's data (or none)."""
        for feed in self._feeds.values():
            feed.reset()
        self.session = session
        self._run = self._drawn_run = self._highlight = None
        self._latency_generation += 1
        # another file: its models, names and times are not the last one's
        self.scope_bar.reset()
        self._scope = None
        self._filter_model = None
        if self.latency is not None:
            self.latency.set_reader(session.reader if session is not None else None)
        if self.waterfall is not None:
            self.waterfall.clear()
        if session is None:
            self._clear_overviews()
        if session is not None:
            session.follow_changed.connect(self._update_clock)
            self._feeds[LATENCY].request(FULL)
            self._feeds[TOKENS].request(FULL)
        self._update_clock()

    def _clear_overviews(self) -> None:
        if self.latency is None and self.tokens is None:
            return
        from inspector.charts.loaders import LatencyData, TokensData

        if self.latency is not None:
            self.latency.set_data(LatencyData())
        if self.tokens is not None:
            self.tokens.set_data(TokensData())

    def set_run(self, trace_id: str | None) -> None:
        """The run whose waterfall to show (the one selected in the runs list)."""
        if trace_id == self._run:
            return
        self._run = trace_id
        self._highlight = None
        self._feeds[WATERFALL].request(FULL)

    def show_page(self, name: str | None) -> None:
        """The tab now shown (``None``: not a chart); its chart is created and brought up to
        date."""
        self._shown = name
        if name is None:
            self._update_clock()
            return
        self.widget(name)
        if name in (LATENCY, TOKENS):
            self._layouts[name].insertWidget(0, self.scope_bar)
        if name == WATERFALL and self._drawn_run != self._run:
            self._feeds[WATERFALL].request(FULL)
        self._feeds[name].kick()
        self._update_clock()

    def highlight_span(self, span_id: str | None) -> None:
        """Mark the span selected in the tree (when the waterfall shows its run)."""
        self._highlight = span_id
        if self.waterfall is not None and self._drawn_run == self._run:
            self.waterfall.highlight_span(span_id)

    def on_changed(self, added: list[str], changed: list[str]) -> None:
        """Runs were added or grew (loading or live): bring the charts up to date."""
        if not (added or changed):
            return
        if self._run is not None and self._run in changed:
            self._feeds[WATERFALL].request(MORE)
        self._feeds[LATENCY].request(MORE)
        self._feeds[TOKENS].request(MORE)

    # scope -----------------------------------------------------------------------------------

    @property
    def scope(self) -> ChartScope:
        """What the latency and cost charts show."""
        if self._scope is None:
            from inspector.charts import ChartScope

            self._scope = ChartScope()
        return self._scope

    def set_scope(self, scope: ChartScope) -> None:
        if scope == self.scope:
            return
        self._scope = scope
        self._latency_generation += 1
        self._feeds[LATENCY].request(FULL)
        self._feeds[TOKENS].request(FULL)

    def _scope_picked(self) -> None:
        self.set_scope(self.scope_bar.scope_for(self._newest_start()))

    def _newest_start(self) -> int | None:
        if self.session is None:
            return None
        newest = self.session.reader.runs(0, 1)  # one row, by the start index
        return newest[0].start_ns if newest else None

    def runs_filter_changed(self, text: str) -> None:
        """The runs list's filter text: when it names a model, the charts show that model
        (and stop doing so when the filter no longer names it)."""
        self._runs_filter = text
        wanted = text.strip().lower()
        model = next((m for m in self.scope_bar.models() if m.lower() == wanted), None)
        if model is not None:
            self._filter_model = model
            self.scope_bar.set_model(model)
        elif self._filter_model is not None:
            if self.scope_bar.picked_model() == self._filter_model:
                self.scope_bar.set_model(None)
            self._filter_model = None
        else:
            return
        self._scope_picked()

    # reads -----------------------------------------------------------------------------------

    def _submit(
        self,
        name: str,
        work: Callable[[StoreReader], object],
        done: Callable[[object], None],
    ) -> None:
        session = self.session
        feed = self._feeds[name]
        if session is None:
            feed.landed()
            return

        def finish(result: object) -> None:
            try:
                if self.session is session:
                    done(result)
            finally:
                feed.landed()

        def fail(message: str) -> None:
            feed.landed()
            if self.session is session:
                self.status_message.emit(f"Could not read the {name} chart: {message}")

        session.run_in_background(work, finish, fail)

    def _in_background(self, work: Callable[[], object], done: Callable[[object], None]) -> None:
        """The waterfall's own background work (its critical path, when toggled on)."""
        session = self.session
        if session is None:
            return

        def finish(result: object) -> None:
            if self.session is session:
                done(result)

        session.tasks.submit(work, finish)

    def _read_waterfall(self, kind: int) -> None:
        from inspector.charts.loaders import load_waterfall
        from inspector.ui.charts.waterfall import WaterfallFrame, prepare_frame

        trace_id = self._run
        widget = self._waterfall()
        if trace_id is None:
            widget.clear()
            self._drawn_run = None
            self._feeds[WATERFALL].landed()
            return
        live = self.session is not None and self.session.following
        critical = widget.critical_button.isChecked()
        grown = kind == MORE and self._drawn_run == trace_id
        previous = widget.bars.recorded if grown else None  # blocks that did not change

        def work(reader: StoreReader) -> object:
            # all of it here, off the GUI thread: read, lay out, critical path, record the bars
            data = load_waterfall(reader, trace_id, live=live, critical=critical)
            return prepare_frame(data, previous=previous)

        def draw(frame: object) -> None:
            if trace_id != self._run or not isinstance(frame, WaterfallFrame):
                return
            if kind == MORE and self._drawn_run == trace_id:
                widget.update_frame(frame)
            else:
                widget.set_frame(frame)
                self._drawn_run = trace_id
            if self._highlight is not None:
                widget.highlight_span(self._highlight)

        self._submit(WATERFALL, work, draw)

    def _read_latency(self, kind: int) -> None:
        from inspector.charts.loaders import LatencyData, load_latency, load_more_latency
        from inspector.charts.stats import ALL as ALL_CALLS

        widget = self._latency()
        scope, generation = self.scope, self._latency_generation
        before = widget.data
        incremental = kind == MORE and before.scope == scope

        def work(reader: StoreReader) -> object:
            if incremental:
                return load_more_latency(reader, before)
            return load_latency(reader, scope)

        def draw(data: object) -> None:
            if not isinstance(data, LatencyData) or generation != self._latency_generation:
                return
            if data.scope != self.scope:
                return
            widget.set_data(data)
            if scope.model is None and scope.name is None:
                # the most called span names: a live agent may name every span differently
                groups = sorted(
                    (g for g in data.by_name if g.key != ALL_CALLS), key=lambda g: -g.count
                )
                self.scope_bar.set_choices(data.calls.models, [g.key for g in groups[:MAX_NAMES]])
                if self._runs_filter and self._filter_model is None:
                    self.runs_filter_changed(self._runs_filter)  # it may name a model now

        self._submit(LATENCY, work, draw)

    def _read_tokens(self, kind: int) -> None:
        from inspector.charts.loaders import TokensData, load_tokens

        del kind  # always read whole: a scope's runs are few, and their totals change
        widget = self._tokens()
        scope = self.scope

        def draw(data: object) -> None:
            if isinstance(data, TokensData) and data.scope == self.scope:
                widget.set_data(data)

        self._submit(TOKENS, lambda reader: load_tokens(reader, scope), draw)

    # live ------------------------------------------------------------------------------------

    def _update_clock(self) -> None:
        live = self.session is not None and self.session.following
        if live and self._shown == WATERFALL:
            if not self._clock.isActive():
                self._clock.start()
        else:
            self._clock.stop()

    def _tick(self) -> None:
        if self.waterfall is not None and self._drawn_run is not None:
            self.waterfall.tick(time.time_ns())

    @property
    def busy(self) -> bool:
        """A chart being read, or out of date while shown, or re-picking its points."""
        if any(feed.busy for feed in self._feeds.values()):
            return True
        return self.latency is not None and self.latency.picker.busy
