"""Harvest benchmark: the site of a hundred real publications with ten faults of ten kinds
(``tests/faulty_site.py``: 1 PDF guide, 12 policy sheets as Word files, 77 service-public sheets
as HTML pages; a 404, a 500, a host that does not resolve, a redirect to 169.254.169.254, a
timeout, an oversize file, HTML named .pdf, a redirect loop, a robots.txt-disallowed path, a
corrupt PDF), served on loopback, reached through a fake DNS.

    python benchmarks/harvest.py [--delay 0] [--kills 12,30,60,90,104]

Prints one JSON line per run: the first harvest, the unchanged re-run, then for each kill
moment (the harvest's Nth request) a harvest killed with SIGKILL there and run again, with
whether the result is byte for byte the uninterrupted one and what the resumed run cost. The
refresh that follows a harvest is measured by ingest.py, not here; with the default politeness
delay (1 s between requests), add about one second per request.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from faulty_site import MAX_BYTES, SITE, site_routes  # noqa: E402
from website import serve, snapshot  # noqa: E402

from core.settings import Settings  # noqa: E402
from ingest.harvest import harvest  # noqa: E402

NAMES = {SITE: "127.0.0.1", "fichiers.centre-test.fr": None}


def settings(delay: float) -> Settings:
    return Settings(harvest_allow_networks="127.0.0.1/32", harvest_delay=delay, harvest_timeout=1,
                    max_file_bytes=MAX_BYTES, index_dir=Path(tempfile.gettempdir()) / "boussole-bench-harvest-index")


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--kills", default="12,30,60,90,104", help="requests at which a harvest is killed")
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


if __name__ == "__main__":
    main()
