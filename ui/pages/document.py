"""« Document »: metadata, source link, and the text by page or section, with the cited
passage highlighted and scrolled to."""

from __future__ import annotations

import html

import streamlit as st

from retrieval.documents import cited_unit
from ui.cards import FILE_ROUTE, STYLE, marked_html
from ui.pages.common import open_index
from ui.services import services

st.markdown(STYLE, unsafe_allow_html=True)
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

st.title(doc.title)
facts = [doc.type or "document", doc.date or "sans date"] + ([f"{doc.pages} pages"] if doc.pages else [])
st.text(" · ".join(facts) + (("\nThèmes : " + ", ".join(doc.themes)) if doc.themes else ""))
st.link_button("Ouvrir la source", doc.url or f"{FILE_ROUTE}/{doc.doc_id}")

for unit in index.units(doc.doc_id):
    heading = f"Page {unit.page}" if unit.page else (unit.section or "Texte")
    if unit.page and unit.section:
        heading += f" — {unit.section}"
    cited = unit.unit == unit_index
    spans = [span] if cited and span else []
    body = marked_html(unit.text, spans, "bsl-cited").replace("<mark class", "<mark id='passage-cite' class", 1)
    st.markdown(f"<section class='bsl-doc' aria-label='{html.escape(heading, quote=True)}'>"
                f"<h3>{html.escape(heading)}</h3>"
                f"<div style='white-space:pre-wrap'>{body}</div></section>", unsafe_allow_html=True)

if span:
    st.html("<script>setTimeout(function(){var m=window.parent.document.getElementById('passage-cite')"
            "||document.getElementById('passage-cite');if(m){m.scrollIntoView({block:'center'});}},300);"
            "</script>", unsafe_allow_javascript=True)
