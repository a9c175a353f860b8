"""Harvest benchmark: a local copy of a resource centre's publications listing, harvested
twice (first, then unchanged).

    python benchmarks/harvest.py [--shared ../shared] [--delay 0]

The site is served on loopback by this script: the 10 notices of the seed catalogue as listing
entries (heading, « Webinaire régional du … », summary, « Accéder au document »), 4 per page
with « Page suivante », each linking to one of the real PDFs of etalab-guides and
barometre-pdf. Prints one JSON line per harvest: documents, downloaded, unchanged, requests,
bytes, seconds. The refresh that follows a harvest is measured by ingest.py, not here; with
the default politeness delay (1 s between requests), add about one second per request.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import json
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.settings import Settings  # noqa: E402
from ingest.harvest import harvest  # noqa: E402

PER_PAGE = 4


def site_routes(shared: Path) -> dict[str, tuple[str, bytes]]:
    with open(shared / "corpus" / "seed" / "catalogue.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    pdfs = sorted((shared / "corpus" / "etalab-guides").glob("*.pdf")) + sorted(
        (shared / "corpus" / "barometre-pdf").glob("*.pdf"))
    routes = {"/robots.txt": ("text/plain", b"User-agent: *\nAllow: /\n")}
    pages = [rows[i:i + PER_PAGE] for i in range(0, len(rows), PER_PAGE)]
    for n, page in enumerate(pages, start=1):
        entries = []
        for row in page:
            pdf = pdfs[rows.index(row) % len(pdfs)]
            routes[f"/docs/{pdf.stem}-{rows.index(row)}.pdf"] = ("application/pdf", pdf.read_bytes())
            entries.append(f"<article><h2>{html.escape(row['title'])}</h2><p>{row['type'].capitalize()} du "
                           f"<time datetime='{row['date']}'>{row['date']}</time>.</p><p>Thèmes : "
                           f"{html.escape(row['themes'])}.</p><a href='/docs/{pdf.stem}-{rows.index(row)}.pdf'>"
                           "Accéder au document</a></article>")
        following = f"<a rel='next' href='/publications/page/{n + 1}/'>Page suivante</a>" if n < len(pages) else ""
        path = "/publications/" if n == 1 else f"/publications/page/{n}/"
        body = f"<html><body><h1>Nos productions & publications</h1>{''.join(entries)}{following}</body></html>"
        routes[path] = ("text/html; charset=utf-8", body.encode("utf-8"))
    return routes


def serve(routes: dict[str, tuple[str, bytes]]) -> ThreadingHTTPServer:
    class Site(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path not in routes:
                self.send_error(404)
                return
            kind, body = routes[self.path]
            etag = '"' + hashlib.sha1(body).hexdigest() + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    server = serve(site_routes(args.shared))
    url = f"http://127.0.0.1:{server.server_port}/publications/"
    settings = Settings.from_env().with_(harvest_allow_private=True, harvest_delay=args.delay)
    try:
        with tempfile.TemporaryDirectory() as sources:
            for run in ("first", "unchanged"):
                report = harvest(settings, [url], Path(sources))
                print(json.dumps({"harvest": run, "documents": report.documents, "downloaded": report.downloaded,
                                  "unchanged": report.unchanged, "failed": len(report.failures),
                                  "listing_pages": report.listing_pages, "requests": report.requests,
                                  "bytes": report.bytes, "seconds": round(report.seconds, 2)}), flush=True)
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
