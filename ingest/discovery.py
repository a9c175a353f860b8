"""What a site publishes beyond its listing's pages: the URLs of its sitemaps (robots.txt's
``Sitemap:`` lines, else ``/sitemap.xml``, sitemap indexes followed) and the entries of the RSS
or Atom feeds its listing page announces (``<link rel="alternate">``), with their title, date
and summary. Only parsing lives here; the fetching is the harvester's, with its guards.

Everything is parsed as data, from the bytes the harvester fetched: feedparser is handed them
wrapped in a stream, since given bytes or a string it first tries to open them as a local path
or a URL (a feed whose body is ``/etc/passwd`` or ``/dev/zero`` would be read from this
machine); lxml parses bytes, without entities, DTDs or network. What is not a feed or a sitemap
raises ``Unreadable``, so that the harvest counts that address as not read rather than as
read and empty."""

from __future__ import annotations

import io
import time
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin

import feedparser
import lxml.etree
import lxml.html

from core.documents import Metadata
from core.errors import BoussoleError
from ingest.encoding import decode_html
from ingest.listing import shorten
from ingest.normalize import normalize_text

FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/feed+json", "application/xml",
              "text/xml"}
FEED_ROOTS = {"rss", "feed", "RDF"}


class Unreadable(BoussoleError):
    """What was fetched is not the feed or sitemap it should be (an HTML page, a truncated
    document, something else): that address was not read."""


@dataclass(frozen=True)
class Found:
    url: str
    entry: Metadata


def announced_feeds(content: bytes, url: str, content_type: str = "") -> list[str]:
    """The feeds a page announces in its head."""
    try:
        root = lxml.html.document_fromstring(decode_html(content, content_type).encode("utf-8"),
                                             parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (lxml.etree.ParserError, ValueError):
        return []
    return [urljoin(url, link.get("href")) for link in root.xpath("//link[@href]")
            if "alternate" in (link.get("rel") or "").lower().split()
            and (link.get("type") or "").lower() in FEED_TYPES]


def feed_entries(content: bytes) -> list[Found]:
    """Each entry's link (and its enclosures: the PDF of a post), with its title, date, summary.
    Raises Unreadable when the content is not an RSS or Atom feed."""
    feed = feedparser.parse(io.BytesIO(content))  # a stream: never opened as a path or a URL
    if not feed.get("version") and not feed.entries:
        raise Unreadable(f"not an RSS or Atom feed ({_why(feed)})")
    out = []
    for item in feed.entries:
        published = item.get("published_parsed") or item.get("updated_parsed")
        summary = normalize_text(lxml.html.fromstring(item["summary"]).text_content()) if item.get("summary") else ""
        entry = Metadata(title=normalize_text(item.get("title", "")), description=shorten(summary),
                         date=time.strftime("%Y-%m-%d", published) if published else "")
        links = [item.get("link", "")] + [e.get("href", "") for e in item.get("enclosures", [])]
        out += [Found(link, entry) for link in links if link]
    return out


def sitemap_locations(content: bytes, max_bytes: int) -> tuple[list[str], list[str]]:
    """(pages, nested sitemaps) listed in a sitemap or sitemap index, gzipped or not (at most
    ``max_bytes`` once unzipped), or in a feed given as a sitemap (the protocol allows RSS and
    Atom). Raises Unreadable for anything else, a truncated sitemap included: read in part, it
    would pass for the whole."""
    content = _gunzipped(content, max_bytes) if content[:2] == b"\x1f\x8b" else content
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=False, huge_tree=False)
    try:
        root = lxml.etree.fromstring(content, parser=parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise Unreadable(f"not a sitemap (not well-formed XML: {exc})") from exc
    name = lxml.etree.QName(root).localname if isinstance(root.tag, str) else ""
    if name in FEED_ROOTS:
        return [found.url for found in feed_entries(content)], []
    if name not in ("urlset", "sitemapindex"):
        raise Unreadable(f"not a sitemap (its root element is <{name}>)")
    locations = lambda parent: [(loc.text or "").strip() for loc in root.iter("{*}" + parent)
                                for loc in loc.iter("{*}loc")]
    return [u for u in locations("url") if u], [u for u in locations("sitemap") if u]


def _gunzipped(content: bytes, max_bytes: int) -> bytes:
    """A gzipped sitemap, unzipped up to ``max_bytes`` (a zip bomb goes no further)."""
    unzip = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = unzip.decompress(content, max_bytes + 1)
    except zlib.error as exc:
        raise Unreadable(f"not a sitemap (a corrupt gzip file: {exc})") from exc
    if len(out) > max_bytes:
        raise Unreadable(f"larger than the limit of {max_bytes / 1e6:.1f} MB once unzipped")
    if not unzip.eof:
        raise Unreadable("not a sitemap (a truncated gzip file)")
    return out


def _why(feed) -> str:
    problem = feed.get("bozo_exception")
    return f"{type(problem).__name__}: {problem}"[:200] if problem else "no entries, no feed format"
