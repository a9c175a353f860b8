"""What a site publishes beyond its listing's pages: the URLs of its sitemaps (robots.txt's
``Sitemap:`` lines, else ``/sitemap.xml``, sitemap indexes followed) and the entries of the RSS
or Atom feeds its listing page announces (``<link rel="alternate">``), with their title, date
and summary. Only parsing lives here; the fetching is the harvester's, with its guards."""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urljoin

import feedparser
import lxml.etree
import lxml.html

from core.documents import Metadata
from ingest.encoding import decode_html
from ingest.listing import shorten
from ingest.normalize import normalize_text

FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/feed+json", "application/xml",
              "text/xml"}
MAX_SITEMAPS = 20


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
    """Each entry's link (and its enclosures: the PDF of a post), with its title, date, summary."""
    feed = feedparser.parse(content)
    out = []
    for item in feed.entries:
        published = item.get("published_parsed") or item.get("updated_parsed")
        summary = normalize_text(lxml.html.fromstring(item["summary"]).text_content()) if item.get("summary") else ""
        entry = Metadata(title=normalize_text(item.get("title", "")), description=shorten(summary),
                         date=time.strftime("%Y-%m-%d", published) if published else "")
        links = [item.get("link", "")] + [e.get("href", "") for e in item.get("enclosures", [])]
        out += [Found(link, entry) for link in links if link]
    return out


def sitemap_locations(content: bytes) -> tuple[list[str], list[str]]:
    """(pages, nested sitemaps) listed in a sitemap or sitemap index."""
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = lxml.etree.fromstring(content, parser=parser)
    except lxml.etree.XMLSyntaxError:
        return [], []
    if root is None:
        return [], []
    locations = lambda parent: [(loc.text or "").strip() for loc in root.iter("{*}" + parent)
                                for loc in loc.iter("{*}loc")]
    return [u for u in locations("url") if u], [u for u in locations("sitemap") if u]
