"""Read a publications listing page (lxml): its links, and for each, the listing entry that
holds it — the heading above it, the date, the kind of publication and the summary.

A listing presents each publication as a heading, a date, a few lines and a link
(« Accéder au document »), most often inside an element repeated once per entry: a WordPress
``<article>``, a Drupal Views row, a SPIP or Typo3 ``<li>`` or ``<div>``. The entry of a link is
that element — the nearest one holding the link that repeats beside siblings of its kind (same
tag, a class in common), each with a link and a heading or a date — so that its title, date,
summary and kind come from it alone, wherever the date stands (before the title, after it, in
a sibling block of the row), never from a neighbour. Its title is its heading, else its first
link's words when they are not generic (« Accéder au document »). On a page showing a single
entry (the last page of a pagination), nothing repeats: the entry is then the nearest element
holding the link, a date and one title at most.

A page without such elements (entries written flat one after the other) is read by headings:
the entry of a link is the stretch of the page from the heading before it to the next heading,
as long as that heading is not inside another entry.
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
_HIDDEN = re.compile(r"\b(visually-hidden|screen-reader-text|sr-only|element-invisible|hidden)\b")
_DATED = re.compile(r"\b(published|updated|dtstart|date)\b")  # abbr/span classes carrying an ISO date in title
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
    etree.strip_elements(root, "script", "style", "noscript", with_tail=False)
    base = root.xpath("//base/@href")
    base_url = urljoin(url, base[0]) if base else url
    entries = _Entries()
    segment = _Segment()
    pending: list[tuple[str, str, str, object, _Segment]] = []
    for element in root.iter(etree.Element):
        if element.tag in HEADINGS:
            segment = _Segment(title=_text(element), owner=entries.of(element))
        segment.add(element)
        if element.tag == "a" and element.get("href"):
            href = normal_url(urldefrag(urljoin(base_url, element.get("href").strip())).url)
            pending.append((href, _text(element), (element.get("rel") or "").lower(), element, segment))
    return [Link(href, text, rel, _entry_of(entries.of(element), seg, text)) for href, text, rel, element, seg in pending]


def _entry_of(box, segment: "_Segment", link_text: str) -> Metadata:
    """The entry of a link: its repeated element when it holds one title, else the heading's
    stretch it is in — if that heading belongs to the same entry (or to none)."""
    if box is not None and len(_headings(box)) <= 1:
        return _box_entry(box, link_text)
    return segment.entry(link_text) if segment.owner is box else Metadata()


def _box_entry(box, link_text: str) -> Metadata:
    headings = _headings(box)
    title = _text(headings[0]) if headings else next(
        (words for a in box.iter("a") if (words := _text(a)) and not is_generic(words) and not _date([], words)), "")
    text = " ".join(_text(box).split())  # one line, as the catalogue shows it
    summary = text.replace(title, "", 1).replace(link_text, "").strip() if title else ""
    return Metadata(title=title, date=_date(_iso_dates(box.iter()), text), type=_kind(text), description=shorten(summary))


class _Entries:
    """Which element of the page is the entry holding a given element (None: none is)."""

    def __init__(self):
        self._kinds: dict = {}  # parent -> its children's kinds that look like entries
        self._cache: dict = {}  # element -> whether it is an entry shown alone

    def of(self, element):
        """The nearest element holding ``element`` that is an entry of a list, or that holds a
        date and at most one title (a page of one entry)."""
        for candidate in [element, *element.iterancestors()]:
            if candidate.tag in ("body", "html") or len(_headings(candidate)) > 1 and not self._repeats(candidate):
                return None  # every element above holds several titles: the page's, not an entry
            if candidate.tag not in HEADINGS and (self._repeats(candidate) or self._alone(candidate)):
                return candidate
        return None

    def _alone(self, element) -> bool:
        """An entry shown alone: a link, a date and one title at most, and no list of entries."""
        if element not in self._cache:
            self._cache[element] = _alone(element) and not any(
                self._repeats(inner) for inner in element.iterdescendants() if isinstance(inner.tag, str))
        return self._cache[element]

    def _repeats(self, element) -> bool:
        """One of at least two siblings of its kind (same tag, a class in common, or both
        without class) that hold a link and a heading or a date: an entry of a list."""
        parent = element.getparent()
        if parent is None:
            return False
        if parent not in self._kinds:
            self._kinds[parent] = _entry_kinds(parent)
        kinds = self._kinds[parent]
        return any(kinds.get((element.tag, token), 0) >= 2 for token in _classes(element))


def _entry_kinds(parent) -> dict[tuple[str, str], int]:
    """For the children of ``parent``: how many of each (tag, class) look like entries."""
    counts: dict[tuple[str, str], int] = {}
    for child in parent:
        if isinstance(child.tag, str) and _looks_like_entry(child):
            for token in _classes(child):
                counts[(child.tag, token)] = counts.get((child.tag, token), 0) + 1
    return counts


def _alone(element) -> bool:
    """An entry shown alone: a link, a date and one title (a heading, or the link's own words)."""
    if element.find(".//a[@href]") is None and not (element.tag == "a" and element.get("href")):
        return False
    dated = _iso_dates(element.iter()) or _date([], _text(element))
    return bool(dated) and (len(_headings(element)) == 1 or any(
        (words := _text(a)) and not is_generic(words) and not _date([], words) for a in element.iter("a")))


def _looks_like_entry(element) -> bool:
    has_link = (element.tag == "a" and element.get("href")) or element.find(".//a[@href]") is not None
    return bool(has_link) and bool(_headings(element) or _iso_dates(element.iter()) or _date([], _text(element)))


def _classes(element) -> set[str]:
    """Its class tokens that name a kind, not a position or a record (``views-row-3``,
    ``post-123``, ``odd``); "" for an element without any."""
    tokens = {t for t in (element.get("class") or "").split()
              if not any(c.isdigit() for c in t) and t not in ("odd", "even", "first", "last", "active")}
    return tokens or {""}


def _headings(element) -> list:
    return [h for h in element.iter(*HEADINGS) if not _HIDDEN.search(h.get("class") or "") and _text(h)]


def _iso_dates(elements) -> list[str]:
    """ISO dates the markup carries: ``<time datetime>``, and microformats' ``<abbr title>``."""
    out = []
    for element in elements:
        if element.tag == "time" and element.get("datetime"):
            out.append(element.get("datetime"))
        elif element.tag in ("abbr", "span") and element.get("title") and _DATED.search(element.get("class") or ""):
            out.append(element.get("title"))
    return out


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
    """The page from one heading to the next, gathered as the page is read; ``owner`` is the
    entry element holding the heading, if any."""

    def __init__(self, title: str = "", owner=None):
        self.title = title
        self.owner = owner
        self.times: list[str] = []
        self.pieces: list[str] = []

    def add(self, element) -> None:
        self.times += _iso_dates([element])
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
    if not text:
        return ""
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
