"""Polite, bounded HTTP for the harvester (httpcore): one request at a time with a delay (the
site's ``Crawl-delay`` when it asks for more), a User-Agent naming Boussole, robots.txt obeyed
per RFC 9309 on every hop of a redirect, conditional requests, a size and a time limit per
response, and connections only to the public addresses checked as they are opened
(``ingest/network.py``).

One deadline per request: every socket operation of a request (connect, TLS, sending, each
read of the headers and of the body) waits at most what is left of ``harvest_timeout`` — a
server trickling its headers a byte at a time fails at the limit, not after (read timeout ×
header size) — and never past the run's own end (``harvest_run_timeout``), so the writers' lock
a harvest holds is released in time.

Every failure is a ``FetchFailed`` naming its address and reason: the harvest reports it and
goes on with the next address.
"""

from __future__ import annotations

import math
import ssl
import threading
import time
import urllib.robotparser
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import certifi
import httpcore
import httpx

from core.errors import BoussoleError
from core.settings import Settings
from ingest.network import AddressPolicy, AddressRefused, PinnedBackend, Resolver, check_scheme, system_resolver

USER_AGENT = "Boussole/0.1 (moteur documentaire d'un centre de ressources politique de la ville)"
MAX_REDIRECTS = 5
ROBOTS_BYTES = 500 * 1024  # RFC 9309: crawlers must read at least 500 KiB
MAX_CRAWL_DELAY = 60.0  # a longer Crawl-delay is honoured up to this, with a warning


class FetchFailed(BoussoleError):
    """One address could not be fetched (status, timeout, size, refused address…); the harvest
    goes on without it."""
    status: int = 0  # the HTTP status, when the server answered with an error


class Disallowed(FetchFailed):
    """robots.txt forbids the address (or a redirect's target): it may not be read."""


@dataclass
class Response:
    url: str  # after redirects
    status: int
    headers: httpx.Headers
    content: bytes = b""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def media_type(self) -> str:
        return self.content_type.split(";")[0].strip().lower()


@dataclass
class _Robots:
    """A site's robots.txt as RFC 9309 reads it: 2xx its rules, 4xx allow all, unreachable or
    5xx disallow all (``unavailable`` says why)."""
    rules: urllib.robotparser.RobotFileParser | None = None
    unavailable: str = ""

    def allows(self, url: str) -> bool:
        return not self.unavailable and (self.rules is None or self.rules.can_fetch(USER_AGENT, url))

    def crawl_delay(self) -> float:
        delay = self.rules.crawl_delay(USER_AGENT) if self.rules else None
        return float(delay or 0)

    def sitemaps(self) -> list[str]:
        return list((self.rules.site_maps() if self.rules else None) or [])


class _Clock:
    """The deadline of the request under way, shared by every socket of the pool (a kept-alive
    connection serves the next request under the next request's deadline)."""

    def __init__(self):
        self.deadline = math.inf

    def left(self, timeout: float | None, expired: type[Exception]) -> float:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise expired("the request's time limit was reached")
        return remaining if timeout is None else min(timeout, remaining)


class _BoundedStream(httpcore.NetworkStream):
    """A socket whose every operation waits at most until the request's deadline."""

    def __init__(self, stream: httpcore.NetworkStream, clock: _Clock):
        self._stream, self._clock = stream, clock

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._clock.left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._clock.left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        tls = self._stream.start_tls(ssl_context, server_hostname, self._clock.left(timeout, httpcore.ConnectTimeout))
        return _BoundedStream(tls, self._clock)

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


def _resolving_within(resolve: Resolver, clock: _Clock) -> Resolver:
    """``resolve`` bounded by the request's deadline: the system's lookup cannot be interrupted,
    so it runs in a thread of its own, left to finish alone if it takes too long."""
    def bounded(host: str, port: int) -> list[str]:
        box: dict = {}

        def lookup() -> None:
            try:
                box["addresses"] = resolve(host, port)
            except Exception as exc:  # handed to the caller, whatever it is
                box["error"] = exc
        worker = threading.Thread(target=lookup, daemon=True)
        worker.start()
        worker.join(clock.left(None, httpcore.ConnectTimeout))
        if worker.is_alive():
            raise TimeoutError("the name lookup took longer than the request's time limit")
        if "error" in box:
            raise box["error"]
        return box["addresses"]
    return bounded


class _DeadlineBackend(PinnedBackend):
    """The pinned backend (checked addresses only) whose name lookups and sockets keep the
    request's deadline."""

    def __init__(self, policy: AddressPolicy, resolve: Resolver, clock: _Clock):
        super().__init__(policy, _resolving_within(resolve, clock))
        self.clock = clock

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        timeout = self.clock.left(timeout, httpcore.ConnectTimeout)
        return _BoundedStream(super().connect_tcp(host, port, timeout, local_address, socket_options), self.clock)


@dataclass
class Fetcher:
    settings: Settings
    resolve: Resolver = system_resolver
    requests: int = 0
    bytes_read: int = 0
    warnings: list[str] = field(default_factory=list)
    _pool: httpcore.ConnectionPool = field(init=False)
    _last: float = field(default=0.0, init=False)
    _robots: dict[str, _Robots] = field(default_factory=dict, init=False)
    _clock: _Clock = field(default_factory=_Clock, init=False)
    _run_ends: float = field(default=0.0, init=False)

    def __post_init__(self):
        self._run_ends = time.monotonic() + self.settings.harvest_run_timeout
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl.create_default_context(cafile=certifi.where()), max_connections=4,
            network_backend=_DeadlineBackend(AddressPolicy.from_settings(self.settings), self.resolve, self._clock))

    def out_of_time(self) -> bool:
        """The run's own time limit is reached: nothing more is fetched."""
        return time.monotonic() >= self._run_ends

    def close(self) -> None:
        self._pool.close()

    def robots(self, url: str) -> _Robots:
        """The robots.txt of the URL's site, read once per harvest."""
        site = _site(url)
        if site not in self._robots:
            self._robots[site] = self._read_robots(site)
        return self._robots[site]

    def _read_robots(self, site: str) -> _Robots:
        try:
            answer = self._follow(site + "/robots.txt", ROBOTS_BYTES, {}, check_robots=False, fail_status=False)
        except FetchFailed as exc:
            return _Robots(unavailable=str(exc).removeprefix(site + "/robots.txt: "))
        if answer.status >= 500:
            return _Robots(unavailable=f"HTTP {answer.status}")
        if answer.status >= 400:
            return _Robots()
        rules = urllib.robotparser.RobotFileParser()
        rules.parse(answer.content.decode("utf-8", errors="replace").splitlines())
        robots = _Robots(rules)
        if robots.crawl_delay() > MAX_CRAWL_DELAY:
            self.warnings.append(f"{site}: robots.txt asks for a Crawl-delay of {robots.crawl_delay():.0f} s; "
                                 f"{MAX_CRAWL_DELAY:.0f} s is used")
        return robots

    def get(self, url: str, max_bytes: int, validators: dict | None = None) -> Response:
        """GET with redirects followed by hand (each hop's address and robots.txt checked), the
        body read up to ``max_bytes`` within ``harvest_timeout`` seconds. Raises FetchFailed."""
        headers = {}
        if validators and validators.get("etag"):
            headers["If-None-Match"] = validators["etag"]
        if validators and validators.get("last_modified"):
            headers["If-Modified-Since"] = validators["last_modified"]
        return self._follow(url, max_bytes, headers, check_robots=True, fail_status=True)

    def _follow(self, url: str, max_bytes: int, headers: dict, check_robots: bool, fail_status: bool) -> Response:
        start, seen = url, set()
        for _ in range(MAX_REDIRECTS + 1):
            if url in seen:
                raise FetchFailed(f"{start}: redirect loop (back to {url})")
            seen.add(url)
            try:
                check_scheme(url)
            except AddressRefused as exc:
                raise FetchFailed(f"{start}: redirected to {url}, not a web address") from exc
            if check_robots:
                robots = self.robots(url)
                if robots.unavailable:
                    raise FetchFailed(f"{start}: the site's robots.txt could not be read ({robots.unavailable}); "
                                      "per RFC 9309 nothing on the site is fetched until it can be")
                if not robots.allows(url):
                    hop = "" if url == start else f" (redirected to {url})"
                    raise Disallowed(f"{start}: disallowed by the site's robots.txt{hop}")
            response = self._get_once(start, url, headers, max_bytes)
            if response.status in (301, 302, 303, 307, 308) and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                continue
            if fail_status and response.status >= 400:
                failed = FetchFailed(f"{start}: the server answered HTTP {response.status}")
                failed.status = response.status
                raise failed
            return response
        raise FetchFailed(f"{start}: more than {MAX_REDIRECTS} redirects")

    def _delay_for(self, url: str) -> float:
        delay = self.settings.harvest_delay
        site = self._robots.get(_site(url))
        return max(delay, min(site.crawl_delay(), MAX_CRAWL_DELAY)) if site else delay

    def _get_once(self, start: str, url: str, headers: dict, max_bytes: int) -> Response:
        wait = min(self._last + self._delay_for(url), self._run_ends) - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        if self.out_of_time():
            raise FetchFailed(f"{start}: not fetched, the harvest's time limit of "
                              f"{self.settings.harvest_run_timeout:.0f} s (BOUSSOLE_HARVEST_RUN_TIMEOUT) was reached")
        limit = self.settings.harvest_timeout
        deadline = min(time.monotonic() + limit, self._run_ends)
        self._clock.deadline = deadline
        self.requests += 1
        try:
            with self._pool.stream("GET", url, headers={"User-Agent": USER_AGENT, **headers},
                                   extensions={"timeout": dict.fromkeys(("connect", "read", "write", "pool"), limit)}
                                   ) as answer:
                answer_headers = httpx.Headers(answer.headers)
                declared = answer_headers.get("content-length", "")
                if declared.isascii() and declared.isdigit() and int(declared) > max_bytes:
                    raise FetchFailed(f"{start}: {int(declared) / 1e6:.1f} MB, larger than the limit of "
                                      f"{max_bytes / 1e6:.1f} MB (BOUSSOLE_MAX_FILE_BYTES)")
                body = bytearray()
                for chunk in answer.iter_stream():
                    body += chunk
                    self.bytes_read += len(chunk)
                    if len(body) > max_bytes:
                        raise FetchFailed(f"{start}: larger than the limit of {max_bytes / 1e6:.1f} MB "
                                          "(BOUSSOLE_MAX_FILE_BYTES)")
                    if time.monotonic() > deadline:
                        raise FetchFailed(f"{start}: no complete answer within {limit:.0f} s")
                return Response(url, answer.status, answer_headers, bytes(body))
        except AddressRefused as exc:
            hop = "" if url == start else f" (redirected to {url})"
            raise FetchFailed(f"{start}{hop}: {exc}") from exc
        except httpcore.TimeoutException as exc:
            if self.out_of_time():
                raise FetchFailed(f"{start}: cut off, the harvest's time limit of {self.settings.harvest_run_timeout:.0f} s "
                                  "(BOUSSOLE_HARVEST_RUN_TIMEOUT) was reached") from exc
            raise FetchFailed(f"{start}: no complete answer within {limit:.0f} s") from exc
        except httpcore.ConnectError as exc:
            raise FetchFailed(f"{start}: cannot connect to {urlsplit(url).netloc} ({_short(exc)})") from exc
        except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol) as exc:
            raise FetchFailed(f"{start}: {type(exc).__name__}: {_short(exc)}") from exc
        finally:
            self._clock.deadline = math.inf
            self._last = time.monotonic()


def _site(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _short(exc: Exception) -> str:
    return str(exc) or type(exc).__name__
