"""HTML for everything that shows document text, titles or answers. Pure functions: every piece
of document text or metadata is escaped here, and the pages show the result with ``st.html``,
never through Markdown, so a document containing ``<script>``, Markdown headings, lists, links
or images after a blank line shows them as text."""

from __future__ import annotations

import html
from urllib.parse import quote, urlencode

from insights.themes import documents_text
from retrieval.glossary import Glossary
from retrieval.highlight import split_marked, term_spans
from retrieval.search import Hit

FILE_ROUTE = "/fichiers"


def marked_html(text: str, spans: list[tuple[int, int]], mark_class: str = "") -> str:
    attr = f' class="{mark_class}"' if mark_class else ""
    return "".join(f"<mark{attr}>{html.escape(piece)}</mark>" if marked else html.escape(piece)
                   for piece, marked in split_marked(text, spans))


def source_link(hit: Hit) -> str:
    """The document's public URL, else the local file served by the app; PDFs open at the page."""
    d, p = hit.document, hit.passage
    base = d.url or f"{FILE_ROUTE}/{quote(d.doc_id)}"
    return f"{base}#page={p.page}" if p.page and d.kind == "pdf" else base


def place(hit: Hit) -> str:
    p = hit.passage
    if p.page:
        return f"p. {p.page}" + (f" — {p.section}" if p.section else "")
    return p.section


def card_html(n: int, hit: Hit, question: str, glossary: Glossary | None = None) -> str:
    d = hit.document
    facts = " · ".join(html.escape(x) for x in (d.type, d.date, place(hit)) if x)
    shown = " ".join(hit.passage.text.split())  # PDF line breaks would read as gaps
    excerpt = marked_html(shown, term_spans(shown, question))
    notes = ""
    if glossary:
        entries = glossary.found_in(hit.passage.text + " " + d.title)
        if entries:
            notes = "<p class='bsl-gloss'>" + " · ".join(
                f"<abbr title='{html.escape(e.explanation, quote=True)}'>{html.escape(e.term)}</abbr> : "
                f"{html.escape(e.full)}" for e in entries) + "</p>"
    return (f"<article class='bsl-card' aria-label='Extrait {n}'>"
            f"<h3><span class='bsl-n'>[{n}]</span> {html.escape(d.title)}</h3>"
            f"<p class='bsl-facts'>{facts}</p>"
            f"<blockquote class='bsl-excerpt'>{excerpt}</blockquote>{notes}</article>")


def answer_html(text: str, glossary: Glossary | None = None) -> str:
    """The answer, escaped, with the first occurrence of each acronym explained on hover.

    Acronyms are found in one pass over the plain text, then the HTML is built once, so a
    tooltip already inserted is never searched again (« CAF » inside the explanation of
    « CLAS »)."""
    body, position = [], 0
    for start, end, entry in (glossary.acronyms_in(text) if glossary else []):
        tip = html.escape(f"{entry.full} : {entry.explanation}", quote=True)
        body += [html.escape(text[position:start]), f"<abbr title='{tip}'>{html.escape(text[start:end])}</abbr>"]
        position = end
    body.append(html.escape(text[position:]))
    return f"<div class='bsl-answer'>{''.join(body)}</div>"


def announcement_html(key: str, text: str) -> str:
    """A complete answer, for screen readers: the page's script (static/annonces.js) reads it
    aloud once, through a polite live region, when an element with a new key appears."""
    return (f"<h2 class='bsl-sr'>Réponse</h2><div class='bsl-sr' data-bsl-announce='{html.escape(key, quote=True)}'>"
            f"Réponse : {html.escape(text)}</div>")


def share_link_html(question: str) -> str:
    """The app's address that asks ``question`` when opened, to send to someone."""
    href = "./?" + urlencode({"q": question})
    return (f"<p class='bsl-share'><a href='{html.escape(href, quote=True)}'>Lien vers cette question, "
            f"à partager</a></p>")


def short_title(title: str, limit: int = 60) -> str:
    return title if len(title) <= limit else title[:limit].rsplit(" ", 1)[0] + "…"


def title_html(title: str) -> str:
    return f"<h1 class='bsl-title'>{html.escape(title)}</h1>"


def unit_html(heading: str, text: str, cited: tuple[int, int] | None) -> str:
    """One page or section of a document, its cited passage marked (and given the anchor the
    page scrolls to)."""
    body = marked_html(text, [cited] if cited else [], "bsl-cited")
    if cited:
        body = body.replace("<mark class", "<mark id='passage-cite' class", 1)
    return (f"<section class='bsl-doc' aria-label='{html.escape(heading, quote=True)}'>"
            f"<h2>{html.escape(heading)}</h2><div style='white-space:pre-wrap'>{body}</div></section>")


def document_link_html(doc_id: str, title: str, facts: str, description: str = "") -> str:
    """A document in the Documents list: its title links to the Document page."""
    about = f"<p class='bsl-excerpt'>{html.escape(description)}</p>" if description else ""
    return (f"<div class='bsl-card'><a href='document?doc={quote(doc_id)}'>{html.escape(title)}</a>"
            f"<p class='bsl-facts'>{html.escape(facts)}</p>{about}</div>")


def page_image_html(doc_id: str, title: str, page: int, pages: int, passage: int | None) -> str:
    """A PDF page as printed (served by the app), the passage highlighted when given."""
    src = f"{FILE_ROUTE.lstrip('/')}/{quote(doc_id)}/pages/{page}.png" + (f"?passage={passage}" if passage is not None else "")
    alt = f"Page {page} de « {title} »" + (", le passage cité surligné" if passage is not None else "")
    return (f"<figure class='bsl-page'><img src='{html.escape(src, quote=True)}' alt='{html.escape(alt, quote=True)}' "
            f"style='width:100%;max-width:1200px;border:1px solid #c9ced6'>"
            f"<figcaption>Page {page} sur {pages}</figcaption></figure>")


def theme_html(theme) -> str:
    """A theme of « Ce que cherchent les visiteurs »: its name is a visitor's question, shown as
    text — a question written as a Markdown link or HTML must not become one in staff's page."""
    documents = documents_text(theme, " ; ")
    return (f"<div class='bsl-theme'><p><strong>{html.escape(theme.label)}</strong> — {theme.size} question(s), "
            f"tendance {theme.trend:+d} sur 7 jours</p>"
            f"<p class='bsl-facts'>Mots fréquents : {html.escape(', '.join(theme.words) or '—')}<br>"
            f"Documents proches : {html.escape(documents)}</p></div>")


def passages_html(passages) -> str:
    """A document's passages as Boussole will quote them: page or section, then the text."""
    items = "".join(
        f"<li><p class='bsl-facts'>{html.escape(', '.join(x for x in (f'p. {p.page}' if p.page else '', p.section) if x) or 'texte')}</p>"
        f"<blockquote class='bsl-excerpt'>{html.escape(' '.join(p.text.split()))}</blockquote></li>"
        for p in passages)
    return f"<ol class='bsl-passages' aria-label='Passages du document'>{items}</ol>"


STYLE = """
<style>
.bsl-card {border:1px solid #c9ced6; border-radius:8px; padding:0.6rem 0.9rem; margin:0.4rem 0;}
.bsl-card h3 {margin:0 0 0.2rem 0; padding:0; font-size:1.02rem; font-weight:600;}
.bsl-doc h2 {font-size:1.05rem; padding:0.4rem 0 0.2rem 0;}
.bsl-sr {position:absolute !important; width:1px; height:1px; padding:0; margin:-1px; overflow:hidden;
         clip:rect(0,0,0,0); white-space:nowrap; border:0;}
/* Streamlit's captions and help texts are grey at 3.9:1 on white; 7:1 here (RGAA 3.2). */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stWidgetLabel"] small, [data-testid="stMarkdownContainer"] small {color:#4a4f57 !important; opacity:1 !important;}
.bsl-doc div, .bsl-excerpt, .bsl-answer {overflow-wrap:anywhere;}
.bsl-answer {white-space:pre-line;}
.bsl-n {color:#1f4e9c; font-weight:700;}
.bsl-facts {color:#4a4f57; font-size:0.85rem; margin:0 0 0.3rem 0;}
.bsl-excerpt {margin:0; padding-left:0.6rem; border-left:3px solid #1f4e9c; font-size:0.95rem;}
.bsl-gloss {font-size:0.8rem; color:#4a4f57; margin:0.3rem 0 0 0;}
.bsl-card mark, .bsl-doc mark {background:#ffe08a; padding:0 1px;}
.bsl-doc mark.bsl-cited {background:#ffd24d; outline:2px solid #b8860b;}
abbr {text-decoration: underline dotted; cursor: help;}
a:focus, button:focus, input:focus, [tabindex]:focus {outline:3px solid #1f4e9c !important; outline-offset:2px;}
@media (max-width: 640px) { .bsl-card {padding:0.5rem;} .bsl-card h3 {font-size:0.95rem;} }
</style>
"""
