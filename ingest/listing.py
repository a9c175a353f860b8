"""Read a publications listing page (lxml): its links, and for each, the listing entry that
holds it — the heading above it, the date, the kind of publication and the summary.

A listing presents each publication as a heading, a date, a few lines and a link
(« Accéder au document »). The entry of a link is the stretch of the page from the heading
before it to the next heading: its title is that heading, not the link's generic words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

import lxml.html
from courlan import normalize_url
from lxml import etree

from core.analysis import fold
from core.documents import Metadata
from ingest.encoding import decode_html
from ingest.normalize import normalize_text

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
MONTHS = {"janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
          "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12}
_FRENCH_DATE = re.compile(r"\b(\d{1,2})(?:er)?\s+(" + "|".join(MONTHS) + r")\s+(\d{4})\b")
_MONTH_YEAR = re.compile(r"\b(" + "|".join(MONTHS) + r")\s+(\d{4})\b")
_ISO_DATE = re.compile(r"^(\d{4})(-\d{2})?(-\d{2})?")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")  # French order: day, month, year
# The kinds of publication a resource centre lists, as the entries name them (folded: shown).
KINDS = {"webinaire": "webinaire", "guide": "guide", "dossier": "dossier", "journee": "journée",
         "capitalisation": "capitalisation", "seminaire": "séminaire", "rapport": "rapport",
         "fiche": "fiche", "synthese": "synthèse", "formation": "formation", "etude": "étude",
         "actes": "actes"}
_GENERIC = re.compile(r"^(acceder|telecharger|lire|voir|consulter|en savoir plus|cliquez|ici|pdf|"
                      r"document|le document|la suite)\b")
SUMMARY_CHARS = 600


@dataclass(frozen=True)
class Link:
    url: str  # absolute, without fragment
    text: str
    rel: str
    entry: Metadata  # the listing entry holding the link: title, date, type, summary as description


def read_listing(content: bytes, url: str, content_type: str | None = None) -> list[Link]:
    """Every link of the page, in order, each with the entry that holds it. The bytes are
    decoded as a browser would, from the HTTP ``Content-Type`` header and the page itself."""
    text = decode_html(content, content_type)
    try:
        # re-encoded, because lxml refuses text that still carries an XML encoding declaration
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError):
        return []
    base = root.xpath("//base/@href")
    base_url = urljoin(url, base[0]) if base else url
    links, segment = [], _Segment()
    pending: list[tuple[str, str, str, _Segment]] = []
    for element in root.iter(etree.Element):
        if element.tag in ("script", "style", "noscript"):
            continue
        if element.tag in HEADINGS:
            segment = _Segment(title=_text(element))
        segment.add(element)
        if element.tag == "a" and element.get("href"):
            href = normal_url(urldefrag(urljoin(base_url, element.get("href").strip())).url)
            pending.append((href, _text(element), (element.get("rel") or "").lower(), segment))
    for href, text, rel, seg in pending:
        links.append(Link(href, text, rel, seg.entry(text)))
    return links


def normal_url(url: str) -> str:
    """courlan's normal form: host in lower case, default port and tracking parameters gone, so
    one document linked twice with different decorations is one document. A query holding a
    parameter without a value (SPIP's ``spip.php?article34``) is kept as it is: courlan would
    drop it, and every article of the site would become one address."""
    if not url.lower().startswith(("http://", "https://")):
        return url
    parts = urlsplit(url)
    if any("=" not in pair for pair in parts.query.split("&") if pair):
        return normalize_url(urlunsplit(parts._replace(query=""))) + "?" + parts.query
    return normalize_url(url)


def is_generic(link_text: str) -> bool:
    return not link_text or bool(_GENERIC.match(fold(link_text)))


class _Segment:
    """The page from one heading to the next, gathered as the page is read."""

    def __init__(self, title: str = ""):
        self.title = title
        self.times: list[str] = []
        self.pieces: list[str] = []

    def add(self, element) -> None:
        if element.tag == "time" and element.get("datetime"):
            self.times.append(element.get("datetime"))
        for piece in (element.text, element.tail):
            if piece and piece.strip():
                self.pieces.append(piece.strip())

    def entry(self, link_text: str) -> Metadata:
        text = normalize_text(" ".join(self.pieces))
        summary = text.replace(self.title, "", 1).replace(link_text, "").strip() if self.title else ""
        return Metadata(title=self.title, date=_date(self.times, text), type=_kind(text),
                        description=shorten(summary))


def _text(element) -> str:
    return normalize_text(" ".join(element.itertext()))


def _date(times: list[str], text: str) -> str:
    for value in times:
        match = _ISO_DATE.match(value.strip())
        if match:
            return "".join(g for g in match.groups() if g)
    folded = fold(text)
    match = _FRENCH_DATE.search(folded)
    if match:
        day, month, year = match.groups()
        return f"{year}-{MONTHS[month]:02d}-{int(day):02d}"
    match = _NUMERIC_DATE.search(folded)
    if match and 1 <= int(match.group(1)) <= 31 and 1 <= int(match.group(2)) <= 12:
        day, month, year = map(int, match.groups())
        return f"{year}-{month:02d}-{day:02d}"
    match = _MONTH_YEAR.search(folded)
    return f"{match.group(2)}-{MONTHS[match.group(1)]:02d}" if match else ""


def _kind(text: str) -> str:
    folded = fold(text)
    found = [(match.start(), shown) for kind, shown in KINDS.items()
             for match in [re.search(rf"\b{kind}s?\b", folded)] if match]
    return min(found)[1] if found else ""


def shorten(text: str) -> str:
    if len(text) <= SUMMARY_CHARS:
        return text
    cut = text[:SUMMARY_CHARS].rsplit(" ", 1)[0]
    return cut + " …"
