"""A real local web server for harvest tests: several named hosts on one port (told apart by
their Host header, reached through a fake DNS), answers with any status, type, delay or header,
and every request recorded — with a hook that lets a test act at the Nth request (kill the
harvester at that moment)."""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class Route:
    """An answer; with ``size``, a body of that many bytes of ``body`` repeated, sent as it is
    made and without a Content-Length (a huge feed costs the server no memory)."""

    def __init__(self, body: bytes = b"", kind: str = "text/html", status: int = 200, delay: float = 0,
                 headers: dict | None = None, size: int = 0):
        self.body, self.kind, self.status, self.delay, self.headers = body, kind, status, delay, headers or {}
        self.size = size


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        server = self.server
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
        route = server.routes.get(host + self.path) or server.routes.get(self.path) or Route(b"absent", status=404)
        with server.lock:
            server.hits.append((host, self.path, time.monotonic()))
            count = len(server.hits)
        if server.on_request:
            server.on_request(count, self.path)
        time.sleep(route.delay)
        if route.size:
            self._stream(route)
            return
        etag = '"' + hashlib.sha1(route.body).hexdigest() + '"'
        if route.status == 200 and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(route.status)
        self.send_header("Content-Type", route.kind)
        self.send_header("Content-Length", str(len(route.body)))
        if route.status == 200:
            self.send_header("ETag", etag)
        for key, value in route.headers.items():
            self.send_header(key, value)
        self.end_headers()
        try:
            self.wfile.write(route.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the harvester hung up (an oversize body, a timeout): as it should

    def _stream(self, route: Route) -> None:
        self.send_response(route.status)
        self.send_header("Content-Type", route.kind)
        self.end_headers()
        chunk = route.body * max(1, 65536 // len(route.body))
        try:
            for _ in range(route.size // len(chunk)):
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the harvester hung up at its size limit: as it should

    def log_message(self, *args):
        pass


@contextmanager
def serve(routes: dict[str, Route]):
    """Serve ``routes`` ("/path" for every host, or "host/path") on a free port; stopped at the end."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.routes, server.hits, server.lock, server.on_request = routes, [], threading.Lock(), None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def fake_dns(monkeypatch, names: dict[str, str | None]) -> None:
    """Answer ``names`` (None: the name does not exist); everything else as the system does."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in names:
            if names[host] is None:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (names[host], port))]
        return real(host, port, *args, **kwargs)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones included) by path, with its content's hash."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}
