"""« Documents »: every indexed guide, filtered or ranked for a few words."""

from __future__ import annotations

import streamlit as st

from retrieval.documents import list_documents, search_documents
from ui.cards import document_link_html
from ui.pages.common import open_index, sidebar_filters
from ui.services import services

st.title("Documents")
st.caption("Toutes les publications indexées. Filtrez par thème, type ou période, "
           "ou décrivez ce que vous cherchez.")
svc = services()
index = open_index(svc)
if index is None:
    st.stop()
filters, _ = sidebar_filters(index, with_k=False, key="docs")
query = st.text_input("Rechercher des documents", placeholder="ex. : santé, emploi des jeunes, logement…")
docs = search_documents(svc.searcher, query, filters) if query.strip() else list_documents(index, filters)

st.write(f"{len(docs)} document(s)")
for doc in docs:
    facts = [doc.type or "document", doc.date or "sans date"]
    if doc.pages:
        facts.append(f"{doc.pages} pages")
    if doc.themes:
        facts.append("thèmes : " + ", ".join(doc.themes))
    # a title is document data: shown as escaped HTML, never as a Markdown label
    st.html(document_link_html(doc.doc_id, doc.title, " · ".join(facts), doc.description))
