"""Shared fixtures: real documents from ../shared, the real (offline-rebuilt) model, small indexes."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SEED = ROOT / "data" / "sources"


def pytest_configure(config):
    if not CORPUS.is_dir():
        raise pytest.UsageError(f"The shared corpus is expected at {CORPUS}")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch):
    """No BOUSSOLE_* variable of the developer's shell leaks into a test."""
    for key in list(os.environ):
        if key.startswith("BOUSSOLE_"):
            monkeypatch.delenv(key)


@pytest.fixture(scope="session")
def base_settings():
    from core.settings import Settings
    return Settings(model_dir=ROOT / "models")


@pytest.fixture
def settings(base_settings, tmp_path):
    return base_settings.with_(data_dir=tmp_path / "data", index_dir=tmp_path / "index")


@pytest.fixture(scope="session")
def embedder(base_settings):
    """The real model, each passage-side text embedded once per test run (the product's own
    cache): dozens of tests index the bundled notices afresh, 3.5 s of embedding each time — the
    five test files that do it most took 193 s, 53 s with it. Tests comparing two models load
    their own second one."""
    from core.model import CachedEmbedder, load_embedder
    return CachedEmbedder(load_embedder(base_settings), size=1_000_000)


def copy_files(dest: Path, *files: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy(f, dest / f.name)
    return dest


@pytest.fixture(scope="session")
def mixed_sources(tmp_path_factory) -> Path:
    """The bundled seed notices (one of them twice) plus one real PDF, HTML page and Markdown sheet."""
    folder = tmp_path_factory.mktemp("mixed")
    shutil.copytree(SEED, folder, dirs_exist_ok=True)
    copy_files(folder / "guides", CORPUS / "etalab-guides" / "guide-reutilisation.pdf")
    copy_files(folder / "pages", CORPUS / "fiches-travail" / "la-demission.html")
    copy_files(folder / "loi", CORPUS / "loi-ville-2014" / "article-7.md")
    # a notice filed twice, as staff do: one document all the same (tests/test_copies.py)
    copy_files(folder / "copies", SEED / "guide-egalite-femmes-hommes.txt")
    return folder


@pytest.fixture(scope="session")
def mixed_index(mixed_sources, base_settings, embedder, tmp_path_factory):
    """A built index over ``mixed_sources`` (built once per test session)."""
    from ingest.refresh import refresh
    settings = base_settings.with_(index_dir=tmp_path_factory.mktemp("index"),
                                   sources=mixed_sources)
    report = refresh(settings, embedder=embedder)
    assert report.failed == 0, report.failures
    return settings


@pytest.fixture(scope="session")
def searcher(mixed_index, embedder):
    from retrieval.index import IndexHandle
    from retrieval.search import Searcher
    return Searcher(mixed_index, embedder, IndexHandle(mixed_index.index_path))


def searcher_declining(searcher, question: str, above: float):
    """A searcher whose abstention threshold lies ``above`` this question's best passage."""
    from retrieval.search import Searcher
    best = searcher.search(question).best_dense
    return Searcher(searcher.settings.with_(abstain_threshold=best + above), searcher.embedder, searcher.handle)


@pytest.fixture(scope="session")
def seed_index(base_settings, embedder, tmp_path_factory):
    """The bundled sample corpus (data/sources), indexed once per session."""
    from ingest.refresh import refresh
    settings = base_settings.with_(index_dir=tmp_path_factory.mktemp("seed-index"), sources=SEED)
    refresh(settings, embedder=embedder)
    return settings


@pytest.fixture(scope="session")
def seed_searcher(seed_index, embedder):
    from retrieval.index import IndexHandle
    from retrieval.search import Searcher
    return Searcher(seed_index, embedder, IndexHandle(seed_index.index_path))


@pytest.fixture
def sources(tmp_path):
    """A writable copy of the bundled sample corpus."""
    folder = tmp_path / "sources"
    shutil.copytree(SEED, folder)
    return folder


# What the scripted LLM answers by default: two sentences the guide's notice supports.
GOOD = ("Le centre de ressources a conçu un guide méthodologique destiné aux associations [1]. "
        "Ce guide contient tous les outils nécessaires au montage d'un projet sensible à l'égalité des sexes [1].")


class ScriptedLLM(BaseHTTPRequestHandler):
    """Replies from ``server.script``: (status, text, delay_seconds, stream)."""

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append({"path": self.path, "body": body,
                                     "auth": self.headers.get("Authorization")})
        status, text, delay, stream = self.server.script
        time.sleep(delay)
        if status != 200:
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b'{"error": "boom"}')
            return
        self.send_response(200)
        if stream:
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for word in text.split(" "):
                chunk = {"choices": [{"index": 0, "delta": {"content": word + " "}, "finish_reason": None}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
        else:
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            reply = {"choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                  "finish_reason": "stop"}]}
            self.wfile.write(json.dumps(reply).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def llm_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), ScriptedLLM)
    server.requests, server.script = [], (200, GOOD, 0, True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def redis_url():
    """A real Redis server (Debian's redis-server, which `make test` installs) on a free port,
    nothing saved to disk; stopped at the end."""
    import shutil
    import socket
    import subprocess

    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(server).exists():
        pytest.fail("redis-server is missing: `make test` installs Debian's redis-server (make redis)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(64).startswith(b"+PONG"):
                        break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("redis-server did not start")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def content_ranker(monkeypatch):
    """The shipped ranker without its preference for the excerpts shown (their weights set to 0),
    and no factual question declined for want of a likely sentence: the tests of how a sentence
    from a passage not shown is cited hold whatever weights training gives those features."""
    from dataclasses import replace

    import retrieval.answer
    from retrieval.ranker import FEATURES, load_ranker
    shipped = load_ranker()
    weights = tuple(0.0 if name in ("first_excerpt", "excerpt_rank") else w for name, w in zip(FEATURES, shipped.logistic.weights))
    ranker = replace(shipped, logistic=replace(shipped.logistic, weights=weights), unstated_below=0.0)
    monkeypatch.setattr(retrieval.answer, "load_ranker", lambda: ranker)
    return ranker


@pytest.fixture(scope="session", autouse=True)
def checkout_index_untouched():
    """No test writes into the checkout's own index folder or its visitors' votes: `make run`
    serves them, and a harvest record left there by a test shows as the centre's last night (it
    happened twice)."""
    records = [ROOT / "data" / "index" / "last-harvest.json", ROOT / "data" / "feedback.sqlite"]
    stamp = lambda: [r.stat().st_mtime_ns if r.exists() else None for r in records]  # noqa: E731
    before = stamp()
    yield
    written = [str(r) for r, was, now in zip(records, before, stamp()) if was != now]
    assert not written, f"a test wrote {written}: give its Settings an index_dir and data_dir under tmp_path"
