"""Harvest a resource centre's website into a sources folder: its publications listing and
the pages of its pagination, every document they link to (PDF, DOCX, ODT), and the HTML
publication pages under the listing's path — with catalogue rows taken from the listing.

    SOURCES/web/<host>/<path on the site>      the files, as the site names them
    SOURCES/web/<host>/catalogue.csv           title, url, date, type, description per file
    SOURCES/web/<host>/.harvest.json           per URL: file, ETag, Last-Modified, entry

Incremental: a document is asked for with its validators and not downloaded again when
unchanged (304); a document no longer linked from the listing is removed (unless a listing
page failed this time: then nothing is removed); a failed download keeps the previous copy.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from courlan import is_external, is_navigation_page, normalize_url

from core.documents import Failure, Metadata
from core.files import atomic_write
from core.settings import Settings
from ingest.catalogue import CATALOGUE_NAME, write_catalogue
from ingest.fetch import Fetcher, FetchFailed, Response, check_address
from ingest.listing import Link, is_generic, read_listing

DOCUMENTS = {".pdf": b"%PDF", ".docx": b"PK", ".odt": b"PK"}  # what each kind's content starts with
STATE = ".harvest.json"
SITES = ".sites.txt"  # under SOURCES/web/: the addresses staff follow (hidden: not a document)
_PAGINATION = re.compile(r"(/page/\d+/?$|[?&](page|paged|p)=\d+)", re.IGNORECASE)
_NEXT_WORDS = re.compile(r"^(page suivante|suivante?|next|›|»|>|\d+)$", re.IGNORECASE)


@dataclass
class HarvestReport:
    documents: int = 0  # linked from the listing now
    downloaded: int = 0
    unchanged: int = 0
    removed: int = 0
    listing_pages: int = 0
    requests: int = 0
    bytes: int = 0
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"harvest: {self.documents} document(s) on the site, {self.downloaded} downloaded, "
                f"{self.unchanged} unchanged, {self.removed} removed, {len(self.failures)} failed "
                f"({self.listing_pages} listing page(s), {self.requests} request(s), "
                f"{self.bytes / 1e6:.1f} MB, {self.seconds:.1f} s)")


@dataclass
class _Found:
    """What a crawl of one site found: documents and publication pages, each with its entry and
    the listing page that links to it."""
    documents: dict[str, tuple[Metadata, str]] = field(default_factory=dict)
    pages: dict[str, tuple[Metadata, str]] = field(default_factory=dict)
    listing_failed: bool = False


def harvest(settings: Settings, start_urls: list[str], sources: Path,
            progress=None) -> HarvestReport:
    """Harvest each start address into ``sources/web/<host>/``. Raises HarvestError for an
    address that cannot be harvested at all (scheme, private network, unknown host)."""
    for url in start_urls:
        check_address(url, settings.harvest_allow_private)
    started = time.perf_counter()
    report = HarvestReport()
    fetcher = Fetcher(settings)
    try:
        by_host: dict[str, list[str]] = {}
        for url in start_urls:
            by_host.setdefault(urlsplit(url).netloc, []).append(url)
        for host, starts in by_host.items():
            found = _Found()  # all the listings of one site, so that none removes another's documents
            for start in starts:
                _crawl(fetcher, start, settings.harvest_max_pages, report, found)
            _download(fetcher, found, Path(sources) / "web" / _safe(host), settings, report, progress)
    finally:
        fetcher.close()
    report.requests, report.bytes = fetcher.requests, fetcher.bytes_read
    report.seconds = time.perf_counter() - started
    return report


def harvest_origins(root: Path) -> dict[str, dict]:
    """For each harvested file of a sources folder (``web/<host>/…``, keyed by that path): its
    address, the listing page that links to it and the day it was last seen there."""
    origins = {}
    for state in sorted((Path(root) / "web").glob(f"*/{STATE}")):
        host = state.parent.name
        for url, known in _load_state(state.parent).items():
            origins[f"web/{host}/{known['file']}"] = {"url": known.get("url", url),
                                                      "listing": known.get("listing", ""),
                                                      "seen": known.get("seen", "")}
    return origins


def saved_sites(sources: Path) -> list[str]:
    """The site addresses saved in Administration, one per line."""
    path = Path(sources) / "web" / SITES
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def save_sites(sources: Path, urls: list[str], allow_private: bool) -> list[str]:
    """Check and save the addresses to follow; raises HarvestError naming the first bad one."""
    urls = list(dict.fromkeys(u.strip() for u in urls if u.strip()))
    for url in urls:
        check_address(url, allow_private)
    atomic_write(Path(sources) / "web" / SITES, "".join(f"{u}\n" for u in urls).encode("utf-8"))
    return urls


def _crawl(fetcher: Fetcher, start: str, max_pages: int, report: HarvestReport, found: _Found) -> None:
    """Read the listing and its pagination; collect documents and publication pages."""
    start = normalize_url(start)
    prefix = _folder_of(start)
    queue, queued, read = [start], {start}, 0
    while queue and read < max_pages:
        url = queue.pop(0)
        try:
            page = fetcher.get(url, fetcher.settings.max_file_bytes)
        except FetchFailed as exc:
            report.failures.append(Failure(url, _reason(exc, url)))
            found.listing_failed = True
            continue
        report.listing_pages += 1
        read += 1
        for link in read_listing(page.content, page.url, page.charset):
            if _suffix(link.url) in DOCUMENTS and not is_external(link.url, start):
                # the site's own domain, its media subdomain included (courlan)
                _remember(found.documents, link.url, _entry(link), page.url)
                continue
            if not _same_site(link.url, start):
                continue
            if link.url.startswith(prefix) and link.url not in queued and _is_pagination(link):
                queue.append(link.url)
                queued.add(link.url)
            elif link.url.startswith(prefix) and link.url not in queued and link.entry.title:
                found.pages.setdefault(link.url, (_entry(link), page.url))
    if queue:
        report.warnings.append(f"{start}: stopped after {max_pages} listing pages (--max-pages)")
    for url in [u for u in found.pages if u in queued]:
        del found.pages[url]  # a listing page is not a publication


def _download(fetcher: Fetcher, found: _Found, folder: Path, settings: Settings,
              report: HarvestReport, progress) -> None:
    state = _load_state(folder)
    wanted = {**{u: (e, listing, "document") for u, (e, listing) in found.documents.items()},
              **{u: (e, listing, "page") for u, (e, listing) in found.pages.items()}}
    report.documents += len(wanted)
    today = datetime.now(timezone.utc).date().isoformat()
    for done, (url, (entry, listing, kind)) in enumerate(sorted(wanted.items()), start=1):
        if progress:
            progress("harvest", done, len(wanted))
        known = state.get(url, {})
        target = folder / (known.get("file") or _local_name(url, kind))
        validators = known if target.is_file() else None
        try:
            answer = fetcher.get(url, settings.max_file_bytes, validators)
            if answer.not_modified:
                report.unchanged += 1
            else:
                _check_content(url, kind, answer)
                atomic_write(target, answer.content)
                report.downloaded += 1
            state[url] = {"file": target.relative_to(folder).as_posix(), "entry": asdict(entry),
                          "url": known.get("url", url) if answer.not_modified else answer.url,
                          "listing": listing, "seen": today,
                          "etag": (answer.headers.get("etag") or known.get("etag", "")),
                          "last_modified": (answer.headers.get("last-modified") or known.get("last_modified", ""))}
        except FetchFailed as exc:
            report.failures.append(Failure(url, _reason(exc, url)))
    gone = [u for u in state if u not in wanted]
    if gone and found.listing_failed:
        report.warnings.append(f"{len(gone)} document(s) no longer seen, kept: a listing page could not be read")
    else:
        for url in gone:
            (folder / state.pop(url)["file"]).unlink(missing_ok=True)
            report.removed += 1
    _save(folder, state)


def _check_content(url: str, kind: str, answer: Response) -> None:
    if kind == "page":
        if answer.media_type not in ("text/html", "application/xhtml+xml"):
            raise FetchFailed(f"{url}: not an HTML page ({answer.media_type or 'no type'})")
        return
    magic = DOCUMENTS[_suffix(url)]
    if magic not in answer.content[:1024]:
        sent = "an HTML page" if answer.content.lstrip()[:1] == b"<" else "something else"
        raise FetchFailed(f"{url}: the server sent {sent}, not a {_suffix(url)[1:].upper()} file")


def _save(folder: Path, state: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rows = {}
    for url, known in state.items():
        entry = {**known["entry"], "themes": tuple(known["entry"].get("themes", ()))}
        rows[known["file"]] = Metadata(**{**entry, "url": known.get("url", url)})
    atomic_write(folder / CATALOGUE_NAME, write_catalogue(rows).encode("utf-8"))
    atomic_write(folder / STATE, json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))


def _load_state(folder: Path) -> dict:
    path = folder / STATE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _entry(link: Link) -> Metadata:
    """The listing entry, titled by its heading, else by the link's own words when they say more
    than « Accéder au document » (else the document's own title will be used)."""
    if link.entry.title or is_generic(link.text):
        return link.entry
    return replace(link.entry, title=link.text)


def _remember(documents: dict[str, tuple[Metadata, str]], url: str, entry: Metadata, listing: str) -> None:
    if url not in documents or (entry.title and not documents[url][0].title):
        documents[url] = (entry, listing)


def _is_pagination(link: Link) -> bool:
    return ("next" in link.rel.split() or is_navigation_page(link.url) or bool(_PAGINATION.search(link.url))
            or bool(_NEXT_WORDS.match(link.text.strip())))


def _same_site(url: str, start: str) -> bool:
    return urlsplit(url).netloc == urlsplit(start).netloc and urlsplit(url).scheme in ("http", "https")


def _folder_of(url: str) -> str:
    """The start address up to its last « / »: the part of the site a harvest may crawl."""
    parts = urlsplit(url)
    path = parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/"
    return f"{parts.scheme}://{parts.netloc}{path}"


def _suffix(url: str) -> str:
    return PurePosixPath(urlsplit(url).path).suffix.lower()


def _local_name(url: str, kind: str) -> str:
    """The file's place under the host folder: its path on the site, made safe."""
    parts = [_safe(unquote(p)) for p in urlsplit(url).path.split("/") if p and p not in (".", "..")]
    parts = [p for p in parts if p] or ["index"]
    if kind == "page" and not parts[-1].lower().endswith((".html", ".htm")):
        parts[-1] += ".html"
    return "/".join(parts)


def _safe(name: str) -> str:
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-_")


def _reason(exc: Exception, url: str) -> str:
    message = str(exc)
    return message[len(url) + 2:] if message.startswith(url + ": ") else message
