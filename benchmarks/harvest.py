"""Harvest benchmark: the site of a hundred real publications with ten faults of ten kinds
(``tests/faulty_site.py``: 1 PDF guide, 12 policy sheets as Word files, 77 service-public sheets
as HTML pages; a 404, a 500, a host that does not resolve, a redirect to 169.254.169.254, a
timeout, an oversize file, HTML named .pdf, a redirect loop, a robots.txt-disallowed path, a
corrupt PDF), served on loopback, reached through a fake DNS.

    python benchmarks/harvest.py [--delay 0] [--kills 12,30,60,90,104]

Prints one JSON line per run: the first harvest, the unchanged re-run, then for each kill
moment (the harvest's Nth request) a harvest killed with SIGKILL there and run again, with
whether the result is byte for byte the uninterrupted one and what the resumed run cost. Then
the partial crawls (``--partial``, on by default): the site gains a sitemap index (two sitemaps)
and a feed, is harvested in full, withdraws 10 publications, and is read once in part — capped
by --max-pages, its sitemap or its feed answering 503, more sitemaps than the limit, its
listing replaced by a maintenance page — then once in full: one JSON line per case with the
documents the partial run kept and withdrew, and what the next complete run withdrew. The
refresh that follows a harvest is measured by ingest.py, not here; with the default politeness
delay (1 s between requests), add about one second per request.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from faulty_site import MAX_BYTES, SITE, UTF8, site_routes  # noqa: E402
from website import Route, serve, snapshot  # noqa: E402

from core.settings import Settings  # noqa: E402
from ingest.harvest import harvest  # noqa: E402

NAMES = {SITE: "127.0.0.1", "fichiers.centre-test.fr": None}


def settings(delay: float, **changes) -> Settings:
    return Settings(harvest_allow_networks="127.0.0.1/32", harvest_delay=delay, harvest_timeout=1,
                    max_file_bytes=MAX_BYTES, index_dir=Path(tempfile.gettempdir()) / "boussole-bench-harvest-index"
                    ).with_(**changes)


def install_fake_dns() -> None:
    import pytest
    monkeypatch = pytest.MonkeyPatch()
    from website import fake_dns
    fake_dns(monkeypatch, NAMES)


def figures(name: str, report) -> dict:
    return {"harvest": name, "documents": report.documents, "downloaded": report.downloaded,
            "unchanged": report.unchanged, "failed": len(report.failures), "listing_pages": report.listing_pages,
            "requests": report.requests, "bytes": report.bytes, "seconds": round(report.seconds, 2)}


def killed_and_resumed(site, url: str, sources: Path, delay: float, request: int, expected: dict) -> dict:
    before = len(site.hits)
    child = subprocess.Popen([sys.executable, __file__, "--child", url, str(sources), "--delay", str(delay)])
    site.on_request = lambda count, path: count == before + request and os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=600)
    site.on_request = None
    resumed = harvest(settings(delay), [url], sources)
    return {**figures(f"killed at request {request}, then resumed", resumed),
            "killed": child.returncode == -signal.SIGKILL, "same_as_uninterrupted": snapshot(sources / "web") == expected}


def with_discovery(port: int, gone: set[str]) -> dict[str, Route]:
    """The site's routes plus a feed its listing announces and a sitemap index of two sitemaps,
    the publications of ``gone`` withdrawn from all of them."""
    routes, _, good = site_routes(port)
    base = f"http://{SITE}:{port}"
    for path, route in list(routes.items()):
        if path.startswith("/publications/") and (path == "/publications/" or "/page/" in path):
            body = route.body.decode()
            for title in gone:
                body = re.sub(f"<article><h2>{re.escape(title)}</h2>.*?</article>", "", body)
            body = body.replace("<head>", "<head><link rel='alternate' type='application/rss+xml' href='/publications/feed/'>")
            routes[path] = Route(body.encode(), UTF8)
    kept = [path for path, title, _ in good if title not in gone]
    urlset = lambda paths: Route(("<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"  # noqa: E731
                                  + "".join(f"<url><loc>{base}{p}</loc></url>" for p in paths) + "</urlset>").encode(), "application/xml")
    routes["/robots.txt"] = Route(routes["/robots.txt"].body + f"Sitemap: {base}/sitemap.xml\n".encode(), "text/plain")
    routes["/sitemap.xml"] = Route(("<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                                    f"<sitemap><loc>{base}/sitemap-1.xml</loc></sitemap><sitemap><loc>{base}/sitemap-2.xml</loc></sitemap>"
                                    "</sitemapindex>").encode(), "application/xml")
    routes["/sitemap-1.xml"], routes["/sitemap-2.xml"] = urlset(kept[::2]), urlset(kept[1::2])
    items = "".join(f"<item><title>{t}</title><link>{base}{p}</link></item>" for p, t, _ in good if p.endswith(".docx") and t not in gone)
    routes["/publications/feed/"] = Route(f"<?xml version='1.0'?><rss version='2.0'><channel><title>P</title>{items}</channel></rss>".encode(),
                                          "application/rss+xml")
    return routes


PARTIAL_CASES = {  # name -> (the fault: routes changed, settings changed)
    "capped by --max-pages 2": ({}, {"harvest_max_pages": 2}),
    "sitemap answering 503": ({"/sitemap-2.xml": Route(b"busy", status=503)}, {}),
    "feed answering 503": ({"/publications/feed/": Route(b"busy", status=503)}, {}),
    "more sitemaps than the limit (2)": ({}, {"harvest_max_sitemaps": 2}),
    "listing replaced by a maintenance page": ({"/publications/": Route("<html><body><h1>Site en maintenance</h1></body></html>".encode(), UTF8)}, {}),
}


def partial_crawls(site, work: Path, delay: float) -> None:
    """Each partial read after the site withdrew 10 publications, then the next complete read."""
    port = site.server_port
    url = f"http://{SITE}:{port}/publications/"
    _, _, good = site_routes(port)
    gone = {title for _, title, _ in good[1:90:9]}  # 10 publications, on every listing page, of every kind
    site.routes.update(with_discovery(port, set()))
    base = work / "partial-base"
    first = harvest(settings(delay), [url], base)
    print(json.dumps({**figures("with a feed and two sitemaps", first), "discovered": first.discovered}), flush=True)
    for name, (fault, changes) in PARTIAL_CASES.items():
        sources = work / f"partial-{len(list(work.iterdir()))}"
        shutil.copytree(base, sources)
        site.routes.update({**with_discovery(port, gone), **fault})
        partial = harvest(settings(delay, **changes), [url], sources)
        site.routes.update(with_discovery(port, gone))
        complete = harvest(settings(delay), [url], sources)
        site.routes.update(with_discovery(port, set()))
        print(json.dumps({"partial crawl": name, "withdrawn by the site": len(gone), "kept": partial.kept,
                          "withdrawn": partial.removed, "why": [r for rs in partial.incomplete.values() for r in rs][:1],
                          "next complete run withdrew": complete.removed, "then incomplete": bool(complete.incomplete)},
                         ensure_ascii=False), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--kills", default="12,30,60,90,104", help="requests at which a harvest is killed")
    parser.add_argument("--no-partial", action="store_true", help="skip the partial-crawl cases")
    parser.add_argument("--child", nargs=2, metavar=("URL", "SOURCES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    install_fake_dns()
    if args.child:
        harvest(settings(args.delay), [args.child[0]], Path(args.child[1]))
        return
    with serve({}) as site, tempfile.TemporaryDirectory() as work:
        site.routes.update(site_routes(site.server_port)[0])
        url = f"http://{SITE}:{site.server_port}/publications/"
        reference = Path(work) / "reference"
        print(json.dumps(figures("first", harvest(settings(args.delay), [url], reference))), flush=True)
        print(json.dumps(figures("unchanged", harvest(settings(args.delay), [url], reference))), flush=True)
        expected = snapshot(reference / "web")
        for n, request in enumerate(int(k) for k in args.kills.split(",")):
            result = killed_and_resumed(site, url, Path(work) / f"killed-{n}", args.delay, request, expected)
            print(json.dumps(result), flush=True)
        if not args.no_partial:
            partial_crawls(site, Path(work), args.delay)


if __name__ == "__main__":
    main()
