"""Saved HTML pages: main text and headings through trafilatura, title and canonical URL
from the page's metadata. Menus, scripts, styles and footers are left out by trafilatura."""

from __future__ import annotations

import lxml.html
import trafilatura
from lxml import etree
from lxml_html_clean import Cleaner

from core.documents import Metadata, Unit
from core.errors import ExtractionError
from ingest.encoding import decode_html
from ingest.markdown import first_heading, markdown_unit, text_unit


def load_html(raw: bytes, name: str) -> tuple[Unit, Metadata]:
    html = decode_html(raw)
    body = trafilatura.extract(
        html, output_format="markdown", include_formatting=True, include_links=False,
        include_tables=True, include_comments=False, favor_recall=True)
    unit = markdown_unit(body) if body and body.strip() else _whole_page_text(html)
    if not unit.text.strip():
        raise ExtractionError(f"{name}: no main text found in the HTML page")
    meta = trafilatura.extract_metadata(html)
    title = (meta.title if meta and meta.title else "") or first_heading(unit)
    url = meta.url if meta and meta.url and meta.url.startswith("http") else ""
    date = meta.date if meta and meta.date else ""
    return unit, Metadata(title=title.strip(), url=url, date=date or "")


def _whole_page_text(html: str) -> Unit:
    """Fallback for pages trafilatura cannot read (broken markup): all visible text,
    scripts, styles and comments removed by lxml's cleaner."""
    try:
        tree = lxml.html.fromstring(html)
        tree = Cleaner(scripts=True, javascript=True, style=True, comments=True, forms=False).clean_html(tree)
        return text_unit(tree.text_content())
    except (etree.ParserError, ValueError):
        return Unit(text="")


