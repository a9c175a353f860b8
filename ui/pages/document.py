"""« Document »: metadata, source link, and for a PDF the cited page as printed with the passage
highlighted (its text below as an alternative); for other sources the text by section, the
passage highlighted and scrolled to. A link made for another version of the document says so."""

from __future__ import annotations

import streamlit as st

from core.params import request_int_or
from retrieval.documents import resolve_citation
from ui.cards import FILE_ROUTE, page_image_html, title_html, unit_html
from ui.pages.common import open_index
from ui.services import services

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

params = st.query_params
view = resolve_citation(index, doc_id, params.get("passage", ""), params.get("ord", ""), params.get("v", ""))
cited = view.passage

st.html(title_html(doc.title))
if view.changed:
    st.warning("Ce document a changé depuis que ce lien a été créé : voici sa version actuelle. "
               "Le passage cité n'y est plus surligné.")
facts = [doc.type or "document", doc.date or "sans date"] + ([f"{doc.pages} pages"] if doc.pages else [])
st.text(" · ".join(facts) + (("\nThèmes : " + ", ".join(doc.themes)) if doc.themes else ""))


def unit_heading(unit) -> str:
    heading = f"Page {unit.page}" if unit.page else (unit.section or "Texte")
    return heading + (f" — {unit.section}" if unit.page and unit.section else "")


units = index.units(doc.doc_id)
if doc.kind == "pdf" and doc.pages:
    # The page as printed, the passage highlighted; its extracted text below, as a text alternative.
    asked = params.get("page", "")
    page = request_int_or(asked, "page", None, 1, doc.pages) or (cited.page if cited and cited.page else 1)
    marked = cited if cited and cited.page == page else None
    st.html(page_image_html(doc.doc_id, doc.title, page, doc.pages, marked.id if marked else None))
    keep = {k: params[k] for k in ("passage", "ord", "v") if k in params}
    cols = st.columns(3)
    if page > 1:
        cols[0].page_link("pages/document.py", label="Page précédente",
                          query_params={"doc": doc.doc_id, "page": str(page - 1), **keep})
    if page < doc.pages:
        cols[1].page_link("pages/document.py", label="Page suivante",
                          query_params={"doc": doc.doc_id, "page": str(page + 1), **keep})
    cols[2].link_button("Ouvrir le PDF à cette page", f"{doc.url or f'{FILE_ROUTE}/{doc.doc_id}'}#page={page}")
    with st.expander("Texte de cette page (alternative textuelle)", expanded=False):
        for unit in (u for u in units if u.page == page):
            st.html(unit_html(unit_heading(unit), unit.text,
                              (marked.char_start, marked.char_end) if marked else None))
else:
    st.link_button("Ouvrir la source", doc.url or f"{FILE_ROUTE}/{doc.doc_id}")
    for unit in units:
        span = (cited.char_start, cited.char_end) if cited and cited.unit == unit.unit else None
        st.html(unit_html(unit_heading(unit), unit.text, span))

if cited:
    st.html("<script>setTimeout(function(){var m=window.parent.document.getElementById('passage-cite')"
            "||document.getElementById('passage-cite')||window.parent.document.querySelector('.bsl-page');"
            "if(m){m.scrollIntoView({block:'center'});}},300);</script>", unsafe_allow_javascript=True)
