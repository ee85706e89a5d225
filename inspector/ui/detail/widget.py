"""The span-detail panel: a header over tabs (Messages, Input/Output, Documents, Attributes,
Events, Raw), showing only the tabs that have content.

Tabs are filled lazily: :meth:`SpanDetailWidget.show_span` renders only the visible tab and
marks the others stale, so selecting a span with megabytes of payload costs one tab's (cut)
rendering. Switching tabs renders the newly shown tab once per span.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from inspector.model import LlmView, Span, SpanKind
from inspector.model.pricing import Pricing
from inspector.semconv import llm_view
from inspector.ui.detail.attributes import AttributesPane
from inspector.ui.detail.document import DocumentPane, Renderer
from inspector.ui.detail.documents import write_documents
from inspector.ui.detail.events import write_events
from inspector.ui.detail.header import SpanHeader
from inspector.ui.detail.inout import has_input_output, write_input_output
from inspector.ui.detail.messages import has_messages, write_messages
from inspector.ui.detail.raw import write_raw

MESSAGES = "Messages"
INPUT_OUTPUT = "Input/Output"
DOCUMENTS = "Documents"
ATTRIBUTES = "Attributes"
EVENTS = "Events"
RAW = "Raw"


def tab_names(span: Span, view: LlmView) -> list[str]:
    """The tabs worth showing for ``span``, in order (the first is the default)."""
    names: list[str] = []
    documents_first = span.kind in (SpanKind.RETRIEVER, SpanKind.RERANKER)
    if has_messages(view):
        names.append(MESSAGES)
    if view.documents and documents_first:
        names.append(DOCUMENTS)
    # An LLM span's input.value usually repeats its messages; show it only when nothing else.
    if has_input_output(view) and not (span.kind is SpanKind.LLM and has_messages(view)):
        names.append(INPUT_OUTPUT)
    if view.documents and not documents_first:
        names.append(DOCUMENTS)
    if span.attributes or span.resource or span.scope:
        names.append(ATTRIBUTES)
    if span.events:
        names.append(EVENTS)
    names.append(RAW)
    return names


class SpanDetailWidget(QWidget):
    """Everything about one span. Call :meth:`show_span` with a full span (or ``None``).

    Args:
        parent: the usual Qt parent.
        pricing: price table for estimating the cost of LLM spans that did not record one
            (default: the bundled table plus the user's overrides).
    """

    def __init__(self, parent: QWidget | None = None, pricing: Pricing | None = None) -> None:
        super().__init__(parent)
        self._pricing = pricing if pricing is not None else Pricing.load()
        self.header = SpanHeader(self._pricing, self)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.panes: dict[str, QWidget] = {
            MESSAGES: DocumentPane(self),
            INPUT_OUTPUT: DocumentPane(self),
            DOCUMENTS: DocumentPane(self),
            ATTRIBUTES: AttributesPane(self),
            EVENTS: DocumentPane(self),
            RAW: DocumentPane(self),
        }
        for pane in self.panes.values():
            pane.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)
        self._span: Span | None = None
        self._view: LlmView | None = None
        self._stale: set[str] = set()
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.setFocusProxy(self.tabs)

    @property
    def span(self) -> Span | None:
        return self._span

    def pane(self, name: str) -> QWidget:
        return self.panes[name]

    def document_pane(self, name: str) -> DocumentPane:
        pane = self.panes[name]
        assert isinstance(pane, DocumentPane)
        return pane

    def show_span(self, span: Span | None) -> None:
        """Show ``span`` (its full payload, as from ``StoreReader.span``); ``None`` clears."""
        previous = self.current_tab_name()
        self._span = span
        self._view = llm_view(span) if span is not None else None
        self.header.show_span(span, self._view)
        names = tab_names(span, self._view) if span is not None and self._view else []
        self.tabs.blockSignals(True)
        try:
            self.tabs.clear()
            for name in names:
                self.tabs.addTab(self.panes[name], name)
            self._stale = set(names)
            for name in self.panes.keys() - set(names):
                self._clear(name)
            if previous in names:
                self.tabs.setCurrentIndex(names.index(previous))
        finally:
            self.tabs.blockSignals(False)
        self._ensure_rendered(self.current_tab_name())

    def current_tab_name(self) -> str:
        index = self.tabs.currentIndex()
        return self.tabs.tabText(index) if index >= 0 else ""

    def tab_names(self) -> list[str]:
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    def set_current_tab(self, name: str) -> bool:
        names = self.tab_names()
        if name not in names:
            return False
        self.tabs.setCurrentIndex(names.index(name))
        return True

    def messages_text(self) -> str:
        """Plain text of what the Messages tab shows ("" when the span has no messages)."""
        if MESSAGES not in self.tab_names():
            return ""
        self._ensure_rendered(MESSAGES)
        return self.document_pane(MESSAGES).plain_text()

    def _on_tab_changed(self, index: int) -> None:
        if index >= 0:
            self._ensure_rendered(self.tabs.tabText(index))

    def _ensure_rendered(self, name: str) -> None:
        if name not in self._stale or self._span is None or self._view is None:
            return
        self._stale.discard(name)
        if name == ATTRIBUTES:
            pane = self.panes[ATTRIBUTES]
            assert isinstance(pane, AttributesPane)
            pane.show_span(self._span)
            return
        self.document_pane(name).set_content(self._renderer(name, self._span, self._view))

    @staticmethod
    def _renderer(name: str, span: Span, view: LlmView) -> Renderer:
        renderers: dict[str, Callable[[], Renderer]] = {
            MESSAGES: lambda: partial(write_messages, view=view),
            INPUT_OUTPUT: lambda: partial(write_input_output, view=view),
            DOCUMENTS: lambda: partial(write_documents, documents=view.documents),
            EVENTS: lambda: partial(write_events, span=span),
            RAW: lambda: partial(write_raw, span=span),
        }
        return renderers[name]()

    def _clear(self, name: str) -> None:
        pane = self.panes[name]
        if isinstance(pane, AttributesPane):
            pane.show_span(None)
        elif isinstance(pane, DocumentPane):
            pane.clear()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        # The header's colours are baked in; the document panes re-render themselves.
        if event.type() == QEvent.Type.PaletteChange:
            self.header.show_span(self._span, self._view)
