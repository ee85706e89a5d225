"""The Documents tab: what a retriever (or reranker) span returned, one block per document."""

from __future__ import annotations

from inspector.model import Document
from inspector.ui.detail.display import dumps_pretty
from inspector.ui.detail.document import DocWriter


def write_documents(w: DocWriter, documents: list[Document]) -> None:
    total = len(documents)
    for number, doc in enumerate(documents, start=1):
        w.section(f" Document {number} of {total}")
        if doc.id is not None:
            w.span(f"   id {doc.id}", w.styles.text)
        if doc.score is not None:
            w.span(f"   score {doc.score:.4g}", w.styles.text)
        w.paragraph()
        if doc.content:
            w.text(doc.content, w.styles.text)
        else:
            w.span("(no content recorded)", w.styles.muted)
        if doc.metadata not in (None, "", {}, []):
            w.line("metadata", w.styles.muted)
            w.paragraph()
            if isinstance(doc.metadata, str):
                w.code(doc.metadata)
            else:
                w.json(dumps_pretty(doc.metadata))
