"""« Document »: metadata, source link, and the text by page or section, with the cited
passage highlighted and scrolled to."""

from __future__ import annotations

import streamlit as st

from retrieval.documents import cited_unit
from ui.cards import FILE_ROUTE, STYLE, title_html, unit_html
from ui.pages.common import open_index
from ui.services import services

st.html(STYLE)
svc = services()
index = open_index(svc)
if index is None:
    st.stop()

doc_id = st.query_params.get("doc", "")
doc = index.documents.get(doc_id)
if doc is None:
    st.title("Document")
    st.info("Choisissez un document dans la page « Documents » ou depuis un extrait cité.")
    st.page_link("pages/documents.py", label="Voir tous les documents")
    st.stop()

raw_passage = st.query_params.get("passage", "")
unit_index, span = cited_unit(index, doc_id, int(raw_passage) if raw_passage.isdigit() else None)

st.html(title_html(doc.title))
facts = [doc.type or "document", doc.date or "sans date"] + ([f"{doc.pages} pages"] if doc.pages else [])
st.text(" · ".join(facts) + (("\nThèmes : " + ", ".join(doc.themes)) if doc.themes else ""))
st.link_button("Ouvrir la source", doc.url or f"{FILE_ROUTE}/{doc.doc_id}")

for unit in index.units(doc.doc_id):
    heading = f"Page {unit.page}" if unit.page else (unit.section or "Texte")
    if unit.page and unit.section:
        heading += f" — {unit.section}"
    st.html(unit_html(heading, unit.text, span if unit.unit == unit_index else None))

if span:
    st.html("<script>setTimeout(function(){var m=window.parent.document.getElementById('passage-cite')"
            "||document.getElementById('passage-cite');if(m){m.scrollIntoView({block:'center'});}},300);"
            "</script>", unsafe_allow_javascript=True)
