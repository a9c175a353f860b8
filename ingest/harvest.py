"""Harvest a resource centre's website into a sources folder: its publications listing and
the pages of its pagination, the entries of its sitemaps and of the feeds the listing
announces, every document they link to on the same site (PDF, DOCX, ODT), and the HTML
publication pages under the listing's path — with catalogue rows taken from the listing.

    SOURCES/web/<host>/<path on the site>      the files, one folder per host
    SOURCES/web/<host>/.harvest.json           per URL: file, validators, entry, starts, last seen
    SOURCES/web/<host>/catalogue.csv           made from .harvest.json and the curator's overrides
    SOURCES/web/.reads.json                    per start address, the entries of its last complete read

Crash-safe: each document is committed as it lands — file first, then the state, then the
catalogue, each written atomically — and a folder holding ``.harvest.json`` counts only the
files its catalogue names (``ingest/sources.py``). A harvest killed at any point leaves no
document without its row; the next run deletes what the last one left half-done and resumes
(documents already committed are asked for with their validators and not downloaded again).

Incremental: unchanged documents answer 304; a failed download keeps the previous copy; every
failure is one URL with its reason, and the harvest goes on.

Withdrawal: a document no longer linked is removed only when every start address that linked
it was read completely this time — every listing page to the pagination's natural end (no
``--max-pages`` cap reached), every feed it announces and every sitemap of its site (no cap
reached) read and parsed, within the run's time limit — and that read is not a collapse: a
read finding under half the entries of the address's last complete read (on its listing pages,
or in all) withdraws nothing and is a failure of that address (a maintenance page answering
200, a redesign the listing reader cannot follow), until staff confirm it (``confirm_withdrawal``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pypdfium2 as pdfium
from courlan import is_navigation_page
from tld import get_fld

from core.documents import Failure, Metadata
from core.errors import ExtractionError
from core.files import atomic_write
from core.store import write_last_harvest
from core.settings import Settings
from ingest.catalogue import CATALOGUE_NAME, write_catalogue
from ingest.decisions import (
    apply_overrides,
    exclusions,
    extra_hosts,
    overrides,
    set_overrides,
    web_folder,
)
from ingest.discovery import Unreadable, announced_feeds, feed_entries, sitemap_locations
from ingest.encoding import decode_html
from ingest.fetch import Disallowed, Fetcher, FetchFailed, Response
from ingest.listing import Link, is_generic, normal_url, read_listing
from ingest.lock import writer_lock
from ingest.office import check_archive
from ingest.network import AddressRefused, Resolver, check_scheme, system_resolver
from ingest.sources import HARVEST_STATE

DOCUMENTS = {".pdf": b"%PDF", ".docx": b"PK", ".odt": b"PK"}  # what each kind's content starts with
PAGE_SUFFIXES = {"", ".html", ".htm", ".php", ".asp", ".aspx", ".jsp"}
STATE = HARVEST_STATE
READS = ".reads.json"  # in web/: per start address, {"listed": n, "found": n} of its last complete read
# What each kind of fetched text may weigh (and never more than BOUSSOLE_MAX_FILE_BYTES): far
# above any real listing page or feed; a sitemap's own protocol caps it at 50 MB uncompressed.
LISTING_BYTES = 20_000_000
FEED_BYTES = 20_000_000
SITEMAP_BYTES = 50_000_000
# A read finding fewer than this share of the last complete read's entries withdraws nothing.
SHRINK = 0.5
INCOMPLETE = "non retiré : lecture incomplète"
# Pagination as the common CMSs write it: WordPress /page/2/ and ?paged=2, Drupal ?page=1,
# Joomla ?start=10 / ?limitstart=10, SPIP ?debut_articles=10.
_PAGINATION = re.compile(r"(/page/\d+/?$|[?&](page|paged|p|pg|start|limitstart|debut_[a-z_]+)=\d+)", re.IGNORECASE)
_NEXT_WORDS = re.compile(r"^(page suivante|suivante?|next|[›»>]+|\d+|suivante?\s*[›»>]+)$", re.IGNORECASE)


@dataclass
class HarvestReport:
    documents: int = 0  # published by the site now (excluded ones left out)
    downloaded: int = 0
    unchanged: int = 0
    removed: int = 0
    excluded: int = 0  # published, but removed by staff
    discovered: int = 0  # found through sitemaps or feeds only
    listing_pages: int = 0
    requests: int = 0
    bytes: int = 0
    seconds: float = 0.0
    kept: int = 0  # no longer seen, not withdrawn: a start address that linked them was not read in full
    failures: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    incomplete: dict[str, list[str]] = field(default_factory=dict)  # start address -> why not read in full
    unconfirmed: list[str] = field(default_factory=list)  # start addresses whose collapse awaits staff

    def summary(self) -> str:
        line = (f"harvest: {self.documents} document(s) on the site, {self.downloaded} downloaded, "
                f"{self.unchanged} unchanged, {self.removed} removed, {self.excluded} excluded, "
                f"{len(self.failures)} failed ({self.listing_pages} listing page(s), {self.discovered} found "
                f"by sitemap or feed, {self.requests} request(s), {self.bytes / 1e6:.1f} MB, {self.seconds:.1f} s)")
        if self.incomplete:
            line += (f"; {len(self.incomplete)} address(es) not read in full, {self.kept} document(s) no longer "
                     f"seen kept ({INCOMPLETE})")
        return line

    def incomplete_lines(self) -> list[str]:
        """One line per start address not read in full: why, and that it withdrew nothing."""
        return [f"{start}: {'; '.join(reasons)} — {INCOMPLETE}" for start, reasons in self.incomplete.items()]


@dataclass
class _Wanted:
    url: str
    entry: Metadata
    listing: str  # the listing page (or sitemap, feed) that links to it
    kind: str  # "document" or "page"
    starts: set[str]
    discovered: bool = False


@dataclass
class _Read:
    """One start address's read in this run: what it found, and what kept it from being complete."""
    listed: set[str] = field(default_factory=set)  # on its listing pages
    found: set[str] = field(default_factory=set)  # there, in its feeds and in its site's sitemaps
    gaps: list[str] = field(default_factory=list)  # empty: read in full


@dataclass
class _Crawl:
    """What the start addresses found, and how completely each was read (only the complete ones
    may withdraw documents)."""
    wanted: dict[str, _Wanted] = field(default_factory=dict)
    reads: dict[str, _Read] = field(default_factory=dict)

    @property
    def complete(self) -> set[str]:
        return {start for start, read in self.reads.items() if not read.gaps}

    def add(self, url: str, entry: Metadata, listing: str, kind: str, start: str, discovered: bool = False) -> None:
        read = self.reads.setdefault(start, _Read())
        read.found.add(url)
        if not discovered:
            read.listed.add(url)
        known = self.wanted.get(url)
        if known is None:
            self.wanted[url] = _Wanted(url, entry, listing, kind, {start}, discovered)
            return
        known.starts.add(start)
        if known.discovered and not discovered:  # the listing's entry says more than a sitemap
            self.wanted[url] = _Wanted(url, entry, listing, kind, known.starts)
        elif entry.title and not known.entry.title:
            known.entry, known.listing = entry, listing


def harvest(settings: Settings, start_urls: list[str], sources: Path, progress=None,
            resolve: Resolver = system_resolver, confirm_withdrawal: bool = False) -> HarvestReport:
    """Harvest each start address into ``sources/web/<host>/``, holding the writers' lock.
    Every failure is reported in the result, by URL; nothing raises for one bad address.
    ``confirm_withdrawal``: staff confirm that a read finding far fewer entries than the last
    complete one is real, and what it no longer lists is withdrawn."""
    with writer_lock(settings, "moissonnage du site"):
        started = time.perf_counter()
        report = HarvestReport()
        fetcher = Fetcher(settings, resolve)
        try:
            crawl = _Crawl()
            hosts = extra_hosts(sources)
            for url in dict.fromkeys(start_urls):
                try:
                    check_scheme(url)
                except AddressRefused as exc:
                    report.failures.append(Failure(url, _reason(exc, url)))
                    continue
                _crawl(fetcher, normal_url(url), hosts, report, crawl)
            previous = _load_reads(Path(sources))
            baseline = {**_counts_in_state(Path(sources), crawl.reads), **previous}
            _check_collapse(crawl, baseline, report, confirm_withdrawal)
            report.incomplete = {start: read.gaps for start, read in crawl.reads.items() if read.gaps}
            _download_all(fetcher, crawl, Path(sources), report, progress)
            _save_reads(Path(sources), previous, crawl)
        finally:
            fetcher.close()
        report.warnings += fetcher.warnings
        report.requests, report.bytes = fetcher.requests, fetcher.bytes_read
        report.seconds = time.perf_counter() - started
        write_last_harvest(settings.index_path, {  # for Administration, /healthz and /metrics
            "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "ok": not report.failures,
            "summary": report.summary(), "failures": [{"url": f.path, "reason": f.reason} for f in report.failures],
            "counts": {"documents": report.documents, "downloaded": report.downloaded, "unchanged": report.unchanged,
                       "removed": report.removed, "incomplete": len(report.incomplete)}})
        return report


def harvest_origins(root: Path) -> dict[str, dict]:
    """For each harvested file of a sources folder (``web/<host>/…``, keyed by that path): the
    address it was linked at (``link``), its own address, the listing page that links to it and
    the day it was last seen there."""
    origins = {}
    for state in sorted(web_folder(root).glob(f"*/{STATE}")):
        host = state.parent.name
        for url, known in _load_state(state.parent).items():
            origins[f"web/{host}/{known['file']}"] = {"link": url, "url": known.get("url", url),
                                                      "listing": known.get("listing", ""),
                                                      "seen": known.get("seen", "")}
    return origins


def edit_harvested(root: Path, source: str, edited: Metadata) -> Path | None:
    """Keep a curator's edit of a harvested document as overrides over what the site says
    (they survive every harvest) and rewrite its catalogue, which is returned; None if the
    file is not harvested."""
    found = _harvested(root, source)
    if found is None:
        return None
    folder, url, known = found
    set_overrides(root, url, _row(url, known, {}), edited)
    _write_catalogue(folder, _load_state(folder), overrides(root))
    return folder / CATALOGUE_NAME


def forget_harvested(root: Path, source: str) -> str | None:
    """Drop a harvested file: its state entry, its row, then the file. Returns its linked
    address (for the exclusion list), or None if it is not harvested."""
    found = _harvested(root, source)
    if found is None:
        return None
    folder, url, known = found
    state = _load_state(folder)
    del state[url]
    _commit(folder, state, overrides(root))
    (folder / known["file"]).unlink(missing_ok=True)
    return url


def _harvested(root: Path, source: str) -> tuple[Path, str, dict] | None:
    """(host folder, linked address, state entry) of ``web/<host>/<file>``, else None."""
    parts = PurePosixPath(source).parts
    if len(parts) < 3 or parts[0] != "web":
        return None
    folder, file = web_folder(root) / parts[1], PurePosixPath(*parts[2:]).as_posix()
    return next(((folder, url, known) for url, known in _load_state(folder).items() if known["file"] == file), None)


def same_site(url: str, start: str, hosts: list[str] = ()) -> bool:
    """Same registrable domain (Public Suffix List: ``centre.fr`` is not ``centre.xyz``, and two
    ``*.gouv.fr`` sites are two sites), or a host staff added, or — for an address with no
    registrable domain (an IP address, ``localhost``) — the very same host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    host = parts.hostname
    if any(host == h or host.endswith("." + h) for h in hosts):
        return True
    mine, theirs = _registrable(url), _registrable(start)
    return mine == theirs if mine and theirs else host == urlsplit(start).hostname


def _registrable(url: str) -> str | None:
    return get_fld(url, fail_silently=True)


def _crawl(fetcher: Fetcher, start: str, hosts: list[str], report: HarvestReport, crawl: _Crawl) -> None:
    """Read the listing and its pagination, then the site's sitemaps and the listing's feeds;
    every page, cap or failure that leaves part of them unread is a gap of this start's read."""
    settings = fetcher.settings
    read = crawl.reads.setdefault(start, _Read())
    prefix = _folder_of(start)
    queue, queued, pages_read, feeds = [start], {start}, 0, []
    pages: list[tuple[str, Metadata, str]] = []
    while queue:
        if pages_read >= settings.harvest_max_pages:
            read.gaps.append(f"stopped after {settings.harvest_max_pages} listing page(s) (--max-pages), "
                             f"{len(queue)} more at least not read")
            break
        url = queue.pop(0)
        try:
            page = fetcher.get(url, min(LISTING_BYTES, settings.max_file_bytes))
        except FetchFailed as exc:
            report.failures.append(Failure(url, _reason(exc, url)))
            read.gaps.append(f"listing page {url} not read")
            continue
        report.listing_pages += 1
        pages_read += 1
        if url == start:
            feeds = announced_feeds(page.content, page.url, page.content_type)
        for link in read_listing(page.content, page.url, page.content_type):
            if not same_site(link.url, start, hosts):
                continue
            if _suffix(link.url) in DOCUMENTS:
                crawl.add(link.url, _entry(link), page.url, "document", start)
            elif link.url.startswith(prefix) and link.url not in queued:
                if _is_pagination(link):
                    queue.append(link.url)
                    queued.add(link.url)
                elif link.entry.title:
                    pages.append((link.url, _entry(link), page.url))
    for url, entry, listing in pages:
        if url not in queued:  # a listing page is not a publication
            crawl.add(url, entry, listing, "page", start)
    if fetcher.robots(start).unavailable:
        return  # nothing on the site may be read: its listing's failure says why
    _read_feeds(fetcher, start, prefix, hosts, feeds, queued, report, crawl)
    _read_sitemaps(fetcher, start, prefix, hosts, queued, report, crawl)


def _discovered(crawl: _Crawl, start: str, prefix: str, hosts: list[str], queued: set[str]):
    """What to do with an address a feed or a sitemap gives: a document, or a publication page
    under the listing's path, is wanted; anything else is left."""
    def consider(url: str, entry: Metadata, listing: str) -> None:
        url = normal_url(url) if url.startswith(("http://", "https://")) else ""
        if not url or url in queued or not same_site(url, start, hosts):
            return
        if _suffix(url) in DOCUMENTS:
            kind = "document"
        elif url.startswith(prefix) and _suffix(url) in PAGE_SUFFIXES and not _PAGINATION.search(url):
            kind = "page"
        else:
            return
        crawl.add(url, entry, listing, kind, start, discovered=True)
    return consider


def _read_feeds(fetcher, start, prefix, hosts, feeds, queued, report, crawl) -> None:
    """The feeds the listing announces: one that cannot be fetched or is not a feed is a failure
    and leaves the read incomplete."""
    consider = _discovered(crawl, start, prefix, hosts, queued)
    for feed in feeds:
        if not same_site(feed, start, hosts):
            continue
        try:
            entries = feed_entries(fetcher.get(feed, min(FEED_BYTES, fetcher.settings.max_file_bytes)).content)
        except (FetchFailed, Unreadable) as exc:
            report.failures.append(Failure(feed, _reason(exc, feed)))
            crawl.reads[start].gaps.append(f"feed {feed} not read")
            continue
        for found in entries:
            consider(found.url, found.entry, feed)


def _read_sitemaps(fetcher, start, prefix, hosts, queued, report, crawl) -> None:
    """The site's sitemaps: those robots.txt declares and the ones they nest, else a guessed
    /sitemap.xml, which may be absent (a 4xx, a page that is not XML, robots.txt forbids it).
    A declared or nested one that cannot be read, or more than the limit, leaves the read
    incomplete."""
    consider = _discovered(crawl, start, prefix, hosts, queued)
    read, limit = crawl.reads[start], fetcher.settings.harvest_max_sitemaps
    declared = [u for u in fetcher.robots(start).sitemaps() if same_site(u, start, hosts)]
    guessed = "" if declared else _site(start) + "/sitemap.xml"
    todo, seen = list(declared or [guessed]), set()  # a copy: popping must not empty ``declared``
    size = min(SITEMAP_BYTES, fetcher.settings.max_file_bytes)
    while todo:
        sitemap = todo.pop(0)
        if sitemap in seen:
            continue
        if len(seen) >= limit:
            unread = len(set(todo) - seen) + 1
            read.gaps.append(f"more than {limit} sitemaps (BOUSSOLE_HARVEST_MAX_SITEMAPS), {unread} not read")
            report.warnings.append(f"{start}: more than {limit} sitemaps, {unread} not read")
            return
        seen.add(sitemap)
        answer = None
        try:
            answer = fetcher.get(sitemap, size)
            urls, nested = sitemap_locations(answer.content, size)
        except (FetchFailed, Unreadable) as exc:
            if sitemap == guessed and _absent(exc, answer):
                continue
            report.failures.append(Failure(sitemap, _reason(exc, sitemap)))
            read.gaps.append(f"sitemap {sitemap} not read")
            continue
        todo += [u for u in nested if same_site(u, start, hosts)]
        for url in urls:
            consider(url, Metadata(), sitemap)


def _absent(exc: Exception, answer: Response | None) -> bool:
    """A guessed /sitemap.xml the site does not have: a 4xx, a page instead (soft 404), or one
    robots.txt forbids. A 5xx, a timeout or broken XML may hide one: those are failures."""
    if isinstance(exc, Disallowed) or 400 <= getattr(exc, "status", 0) < 500:
        return True
    return isinstance(exc, Unreadable) and answer is not None and answer.media_type in ("text/html", "application/xhtml+xml")


def _check_collapse(crawl: _Crawl, previous: dict, report: HarvestReport, confirmed: bool) -> None:
    """A complete read that finds under half the entries of the last complete one (on its listing
    pages, or in all) withdraws nothing and is a failure of its address, unless staff confirm it."""
    for start, read in crawl.reads.items():
        before = previous.get(start) or {}
        now = {"listed": len(read.listed), "found": len(read.found)}
        shrunk = [kind for kind in ("listed", "found") if now[kind] < SHRINK * before.get(kind, 0)]
        if read.gaps or not shrunk or confirmed:
            continue
        where = "on its listing pages" if shrunk[0] == "listed" else "in all"
        reason = (f"{now[shrunk[0]]} entries found {where}, {before[shrunk[0]]} at the last complete read: nothing "
                  "withdrawn (a maintenance page, a redesign?); if the site really withdrew them, confirm "
                  "(boussole harvest --confirm-withdrawal, or « Confirmer le retrait » in Administration)")
        report.failures.append(Failure(start, reason))
        report.unconfirmed.append(start)
        read.gaps.append(f"far fewer entries than at the last complete read ({now[shrunk[0]]} {where}, "
                         f"{before[shrunk[0]]} before): withdrawal awaits confirmation")


def _counts_in_state(sources: Path, starts) -> dict:
    """For a start address read before entries were recorded: the documents the state holds for
    it, as the entries of its last complete read."""
    counts = dict.fromkeys(starts, 0)
    for state in web_folder(sources).glob(f"*/{STATE}"):
        for known in _load_state(state.parent).values():
            for start in set(known.get("starts", [])) & counts.keys():
                counts[start] += 1
    return {start: {"found": n} for start, n in counts.items() if n}


def _load_reads(sources: Path) -> dict:
    path = web_folder(sources) / READS
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _save_reads(sources: Path, previous: dict, crawl: _Crawl) -> None:
    """Record the entries of each complete read (after its withdrawals: the reference the next
    read is checked against)."""
    reads = dict(previous)
    reads.update({start: {"listed": len(read.listed), "found": len(read.found)}
                  for start, read in crawl.reads.items() if not read.gaps})
    if reads != previous:
        web_folder(sources).mkdir(parents=True, exist_ok=True)
        atomic_write(web_folder(sources) / READS, json.dumps(reads, indent=1, sort_keys=True).encode("utf-8"))


def _download_all(fetcher: Fetcher, crawl: _Crawl, sources: Path, report: HarvestReport, progress) -> None:
    excluded = exclusions(sources)
    changes = overrides(sources)
    wanted = {u: w for u, w in crawl.wanted.items() if u not in excluded}
    report.excluded = len(crawl.wanted) - len(wanted)
    report.documents = len(wanted)
    report.discovered = sum(1 for w in wanted.values() if w.discovered)
    states: dict[Path, dict] = {}
    today = datetime.now(timezone.utc).date().isoformat()
    for done, url in enumerate(sorted(wanted), start=1):
        if progress:
            progress("harvest", done, len(wanted))
        folder = _host_folder(sources, url)
        if folder not in states:
            states[folder] = _recover(folder, changes)
        try:
            _download(fetcher, folder, states[folder], wanted[url], crawl.complete, today, changes, report)
        except FetchFailed as exc:
            report.failures.append(Failure(url, _reason(exc, url)))
        except OSError as exc:  # the disk, not the site: still this address's failure alone
            report.failures.append(Failure(url, f"cannot be saved ({exc.strerror or exc})"))
    for state_file in sorted(web_folder(sources).glob(f"*/{STATE}")):
        folder = state_file.parent
        if folder not in states:
            states[folder] = _recover(folder, changes)
        _withdraw(folder, states[folder], wanted, excluded, crawl, changes, report, sources)


def _download(fetcher, folder: Path, state: dict, wanted: _Wanted, complete: set[str], today: str,
              changes: dict, report: HarvestReport) -> None:
    url, known = wanted.url, state.get(wanted.url, {})
    target = folder / (known.get("file") or _free_name(state, url, wanted.kind))
    answer = fetcher.get(url, fetcher.settings.max_file_bytes, known if target.is_file() else None)
    if answer.not_modified:
        report.unchanged += 1
    else:
        content = _checked_content(url, wanted.kind, answer)
        if not (folder / STATE).is_file():  # the state first: from now on the scan counts only catalogued files
            _commit(folder, state, changes)
        atomic_write(target, content)
        report.downloaded += 1
    state[url] = {"file": target.relative_to(folder).as_posix(), "entry": asdict(wanted.entry),
                  "url": known.get("url", url) if answer.not_modified else answer.url,
                  "listing": wanted.listing, "seen": today, "kind": wanted.kind,
                  "starts": sorted(wanted.starts | (set(known.get("starts", [])) - complete)),
                  "etag": answer.headers.get("etag") or known.get("etag", ""),
                  "last_modified": answer.headers.get("last-modified") or known.get("last_modified", "")}
    _commit(folder, state, changes)


def _withdraw(folder: Path, state: dict, wanted: dict, excluded: dict, crawl: _Crawl, changes: dict,
              report: HarvestReport, sources: Path) -> None:
    """Remove what the site withdrew (every start that linked it was read in full and no longer
    does), what staff excluded, and what an earlier release kept in another host's folder; a
    document a start not read in full (or not read in this run) may still link is kept."""
    complete, kept = crawl.complete, 0
    for url in sorted(state):
        if url in wanted and _host_folder(sources, url) == folder:
            continue
        starts = set(state[url].get("starts") or _legacy_starts(folder, crawl.reads))
        if url in excluded or url in wanted or not (starts - complete):
            known = state.pop(url)
            _commit(folder, state, changes)
            (folder / known["file"]).unlink(missing_ok=True)
            report.removed += 1
        elif starts & report.incomplete.keys():
            kept += 1
    report.kept += kept
    if kept:
        report.warnings.append(f"{folder.name}: {kept} document(s) no longer seen, kept ({INCOMPLETE}): "
                               "an address that may still link them was not read in full")


def _host_folder(sources: Path, url: str) -> Path:
    return web_folder(sources) / _safe(urlsplit(url).netloc)


def _legacy_starts(folder: Path, reads: dict) -> list[str]:
    """A state written before starts were recorded: this run's starts on the same host, else
    all of them (withdrawn only if every one was read in full)."""
    return [s for s in reads if _safe(urlsplit(s).netloc) == folder.name] or list(reads) or [""]


def _checked_content(url: str, kind: str, answer: Response) -> bytes:
    """What is saved: a document whose kind its content confirms, or a page re-encoded as
    UTF-8 with a byte-order mark (which outranks any declaration inside it), so that the page
    is read later as it was served, whatever its HTTP header said."""
    if kind == "page":
        if answer.media_type not in ("text/html", "application/xhtml+xml"):
            raise FetchFailed(f"{url}: not an HTML page ({answer.media_type or 'no type'})")
        return ("\ufeff" + decode_html(answer.content, answer.content_type)).encode("utf-8")
    suffix = _suffix(url)
    if DOCUMENTS[suffix] not in answer.content[:1024]:
        sent = "an HTML page" if answer.content.lstrip()[:1] == b"<" else "something else"
        raise FetchFailed(f"{url}: the server sent {sent}, not a {suffix[1:].upper()} file")
    try:
        if suffix == ".pdf":
            pdfium.PdfDocument(answer.content).close()
        else:
            check_archive(answer.content, url)
    except pdfium.PdfiumError as exc:
        raise FetchFailed(f"{url}: the PDF file is corrupt or unreadable ({exc})") from exc
    except ExtractionError as exc:  # its message starts with the address, as ours do
        raise FetchFailed(str(exc)) from exc
    return answer.content


def _recover(folder: Path, changes: dict) -> dict:
    """Load a host folder's state and undo what a killed harvest left half-done: the catalogue
    is made again from the state, and files the state does not name (a download that landed
    but was not committed, a temporary file) are deleted. (A new folder gets its state before
    its first file, so that the scan counts only catalogued files in it from then on.)"""
    state = _load_state(folder)
    if not folder.is_dir():
        return state  # nothing to recover; the folder is made with its first document
    named = {known["file"] for known in state.values()} | {STATE, CATALOGUE_NAME}
    for path in sorted(folder.rglob("*"), reverse=True):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and relative not in named:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    _write_catalogue(folder, state, changes)
    return state


def _commit(folder: Path, state: dict, changes: dict) -> None:
    atomic_write(folder / STATE, json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))
    _write_catalogue(folder, state, changes)


def _write_catalogue(folder: Path, state: dict, changes: dict) -> None:
    rows = {known["file"]: _row(url, known, changes) for url, known in state.items()}
    text = write_catalogue(rows).encode("utf-8")
    path = folder / CATALOGUE_NAME
    if not path.is_file() or path.read_bytes() != text:
        atomic_write(path, text)


def _row(url: str, known: dict, changes: dict) -> Metadata:
    entry = {**known["entry"], "themes": tuple(known["entry"].get("themes", ()))}
    return apply_overrides(Metadata(**{**entry, "url": known.get("url", url)}), changes.get(url))


def _load_state(folder: Path) -> dict:
    path = folder / STATE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _free_name(state: dict, url: str, kind: str) -> str:
    """The file's place under its host folder: its path on the site made safe, plus a short
    hash of the address when another address of the host already has that name."""
    name = _local_name(url, kind)
    taken = {known["file"] for other, known in state.items() if other != url}
    if name not in taken and name.lower() not in {t.lower() for t in taken}:
        return name
    stem, suffix = os.path.splitext(name)
    return f"{stem}-{hashlib.sha1(url.encode()).hexdigest()[:8]}{suffix}"


def _entry(link: Link) -> Metadata:
    """The listing entry, titled by its heading, else by the link's own words when they say more
    than « Accéder au document » (else the document's own title will be used)."""
    if link.entry.title or is_generic(link.text):
        return link.entry
    return replace(link.entry, title=link.text)


def _is_pagination(link: Link) -> bool:
    return ("next" in link.rel.split() or is_navigation_page(link.url) or bool(_PAGINATION.search(link.url))
            or bool(_NEXT_WORDS.match(link.text.strip())))


def _folder_of(url: str) -> str:
    """The start address up to its last « / »: the part of the site a harvest may crawl."""
    parts = urlsplit(url)
    path = parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/"
    return f"{parts.scheme}://{parts.netloc}{path}"


def _site(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _suffix(url: str) -> str:
    return PurePosixPath(urlsplit(url).path).suffix.lower()


def _local_name(url: str, kind: str) -> str:
    parts = [_short(_safe(unquote(p))) for p in urlsplit(url).path.split("/") if p and p not in (".", "..")]
    parts = [p for p in parts if p] or ["index"]
    query = _safe(unquote(urlsplit(url).query))
    if query:  # spip.php?article34 and spip.php?article35 are two pages
        stem, suffix = os.path.splitext(parts[-1])
        parts[-1] = _short(f"{stem}-{query}{suffix}")
    if kind == "page" and not parts[-1].lower().endswith((".html", ".htm")):
        parts[-1] += ".html"
    return "/".join(parts)


def _short(name: str, limit: int = 120) -> str:
    """File systems refuse names over 255 bytes: a longer one keeps its start, a hash, its suffix."""
    if len(name) <= limit:
        return name
    stem, suffix = os.path.splitext(name)
    return f"{stem[:limit - 20]}-{hashlib.sha1(name.encode()).hexdigest()[:8]}{suffix[:10]}"


def _safe(name: str) -> str:
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-_")


def _reason(exc: Exception, url: str) -> str:
    message = str(exc)
    return message[len(url) + 2:] if message.startswith(url + ": ") else message
