"""What a site sends is data, never a path, and never takes longer than the limit: a feed or a
sitemap whose body names a local file is not read, ``/dev/zero`` and 100 MB bodies stop at the
size limit with memory bounded, a server trickling its headers fails within the time limit, and
the writers' lock is released at the run's own limit. Against real local servers."""

import csv
import json
import os
import resource
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import pytest

from conftest import ROOT
from test_harvest_partial import DOCS, DOCX, UTF8
from website import Route, serve

from core.settings import Settings
from ingest.fetch import Fetcher, FetchFailed
from ingest.harvest import harvest
from ingest.lock import writer_lock


def listing(*links: str, feeds=()) -> Route:
    head = "".join(f"<link rel='alternate' type='application/rss+xml' href='{f}'>" for f in feeds)
    entries = "".join(f"<article><h2>Publication {n}</h2><a href='{href}'>Télécharger</a></article>" for n, href in enumerate(links))
    return Route(f"<html><head><meta charset='utf-8'>{head}</head><body>{entries}</body></html>".encode(), UTF8)


def settings(tmp_path, **changes) -> Settings:
    return Settings(harvest_allow_private=True, harvest_delay=0, harvest_timeout=2,
                    index_dir=tmp_path / "index").with_(**changes)


def test_a_feed_or_sitemap_whose_body_names_a_local_file_is_not_read(tmp_path):
    with serve({}) as site:
        base = f"http://127.0.0.1:{site.server_port}"
        secret_feed, secret_sitemap = tmp_path / "feed.xml", tmp_path / "sitemap.xml"
        secret_feed.write_text(f"<?xml version='1.0'?><rss version='2.0'><channel><title>x</title><item><title>TITRE SECRET"
                               f"</title><link>{base}/docs/secret.docx</link></item></channel></rss>")
        secret_sitemap.write_text(f"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                                  f"<url><loc>{base}/docs/secret2.docx</loc></url></urlset>")
        site.routes.update({
            "/robots.txt": Route(f"User-agent: *\nSitemap: {base}/sitemap.xml\n".encode(), "text/plain"),
            "/publications/": listing("/docs/a.docx", feeds=["/feed/"]),
            "/feed/": Route(str(secret_feed).encode(), "application/rss+xml"),
            "/sitemap.xml": Route(str(secret_sitemap).encode(), "application/xml"),
            "/docs/a.docx": Route(DOCS["a"], DOCX), "/docs/secret.docx": Route(DOCS["b"], DOCX),
            "/docs/secret2.docx": Route(DOCS["c"], DOCX)})
        report = harvest(settings(tmp_path), [f"{base}/publications/"], tmp_path / "sources")
        asked = {path for _, path, _ in site.hits}
    assert "/docs/secret.docx" not in asked and "/docs/secret2.docx" not in asked
    reasons = {f.path: f.reason for f in report.failures}
    assert reasons[f"{base}/feed/"].startswith("not an RSS or Atom feed")
    assert reasons[f"{base}/sitemap.xml"].startswith("not a sitemap")
    with open(tmp_path / "sources" / "web" / f"127.0.0.1-{site.server_port}" / "catalogue.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["file"] for row in rows] == ["docs/a.docx"] and "SECRET" not in json.dumps(rows)


_CHILD = """
import json, re, sys
from pathlib import Path
from core.settings import Settings
from ingest.fetch import Fetcher, FetchFailed
from ingest.harvest import harvest
report = harvest(Settings.from_env(), [sys.argv[1]], Path(sys.argv[2]))
print(json.dumps({"failures": {f.path: f.reason for f in report.failures}, "downloaded": report.downloaded,
                  "bytes": report.bytes,
                  # this program's own peak (VmHWM): ru_maxrss would count the test process it was forked from
                  "peak_kb": int(re.search(r"VmHWM:\s+(\d+)", Path("/proc/self/status").read_text()).group(1))}))
"""
MEMORY_CAP = 3 * 1024 ** 3  # the child may not go past this: reading /dev/zero would


def test_dev_zero_and_100_mb_bodies_stop_at_the_size_limit_with_memory_bounded(tmp_path):
    limit = 2_000_000
    with serve({}) as site:
        base = f"http://127.0.0.1:{site.server_port}"
        site.routes.update({
            "/robots.txt": Route(f"User-agent: *\nSitemap: {base}/sitemap-huge.xml\n".encode(), "text/plain"),
            "/publications/": listing("/docs/a.docx", feeds=["/feed-zero/", "/feed-huge/"]),
            "/feed-zero/": Route(b"/dev/zero", "application/rss+xml"),
            "/feed-huge/": Route(b"<item><title>x</title></item>", "application/rss+xml", size=100_000_000),
            "/sitemap-huge.xml": Route(b"<url><loc>x</loc></url>", "application/xml", size=100_000_000),
            "/docs/a.docx": Route(DOCS["a"], DOCX)})
        env = {**os.environ, "BOUSSOLE_HARVEST_ALLOW_PRIVATE": "1", "BOUSSOLE_HARVEST_DELAY": "0",
               "BOUSSOLE_HARVEST_TIMEOUT": "10", "BOUSSOLE_MAX_FILE_BYTES": str(limit),
               "BOUSSOLE_INDEX": str(tmp_path / "index"), "PYTHONPATH": str(ROOT)}
        child = subprocess.run([sys.executable, "-c", _CHILD, f"{base}/publications/", str(tmp_path / "sources")],
                               env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
                               preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP)))
    assert child.returncode == 0, child.stderr[-2000:]
    report = json.loads(child.stdout.splitlines()[-1])
    assert report["failures"][f"{base}/feed-zero/"].startswith("not an RSS or Atom feed")
    for huge in ("/feed-huge/", "/sitemap-huge.xml"):
        assert "larger than the limit of 2.0 MB" in report["failures"][base + huge]
    assert report["downloaded"] == 1 and len(report["failures"]) == 3
    assert report["bytes"] < 3 * limit  # each huge body read to its limit and one chunk, no further
    assert report["peak_kb"] < 600 * 1024, report


class _Trickling:
    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sent = 0  # bytes trickled


@contextmanager
def trickling_server(byte_every: float = 0.05):
    """A raw socket server answering /robots.txt at once and any other path with headers sent a
    byte at a time, each within any read timeout, the whole taking 5 s."""
    server, stop = _Trickling(), threading.Event()
    listener = server.listener

    def answer(connection):
        with connection:
            request = connection.recv(65536)
            if request.startswith(b"GET /robots.txt "):
                connection.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            for byte in b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 80 + b"\r\nContent-Length: 0\r\n\r\n":  # 5 s in all
                if stop.is_set():
                    return
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    return  # the harvester hung up: as it should
                server.sent += 1
                time.sleep(byte_every)

    def accept():
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=answer, args=(connection,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield server
    finally:
        stop.set()
        listener.close()


def test_a_server_trickling_its_headers_fails_that_address_within_the_time_limit(tmp_path):
    with trickling_server() as slow, serve({"/docs/a.docx": Route(DOCS["a"], DOCX)}) as site:
        lent = f"http://127.0.0.1:{slow.port}/docs/lent.docx"
        site.routes["/publications/"] = listing(lent, "/docs/a.docx")
        started = time.monotonic()
        report = harvest(settings(tmp_path, harvest_timeout=1), [f"http://127.0.0.1:{site.server_port}/publications/"],
                         tmp_path / "sources")
        elapsed = time.monotonic() - started
    assert slow.sent > 5  # it was answering, a byte at a time: each read came within the read timeout
    assert [(f.path, f.reason) for f in report.failures] == [(lent, "no complete answer within 1 s")]
    assert report.downloaded == 1 and elapsed < 4  # the trickle alone takes 5 s


def test_the_writers_lock_is_released_at_the_runs_own_time_limit(tmp_path):
    with trickling_server() as slow, serve({}) as site:
        port = slow.port
        site.routes["/publications/"] = listing(*(f"http://127.0.0.1:{port}/docs/lent-{n}.docx" for n in range(4)))
        run = settings(tmp_path, harvest_timeout=1, harvest_run_timeout=1.5)  # four documents of 1 s each: cut at 1.5 s
        harvesting = threading.Thread(target=harvest, args=(run, [f"http://127.0.0.1:{site.server_port}/publications/"],
                                                             tmp_path / "sources"))
        harvesting.start()
        time.sleep(0.3)
        started = time.monotonic()
        with writer_lock(run.with_(lock_wait=10), "une autre opération"):
            waited = time.monotonic() - started
        harvesting.join()
    assert waited < 3  # released at the run's limit (1.5 s from its start), not after its four documents of 1 s


def test_a_name_lookup_that_hangs_fails_within_the_time_limit():
    hanging = lambda host, port: time.sleep(5) or ["127.0.0.1"]  # noqa: E731  (a resolver that does not answer)
    fetcher = Fetcher(Settings(harvest_allow_private=True, harvest_delay=0, harvest_timeout=1), resolve=hanging)
    started = time.monotonic()
    with pytest.raises(FetchFailed, match="name lookup took longer than the request's time limit"):
        fetcher.get("http://lent.example/publications/", 10_000)
    fetcher.close()
    assert time.monotonic() - started < 2
