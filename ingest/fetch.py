"""Polite, bounded HTTP for the harvester (httpx): one request at a time with a delay, a
User-Agent naming Boussole, robots.txt obeyed, conditional requests, a size and a time limit
per response, and no address on the server's own networks unless the settings allow it.

The harvester runs on the server: without the address check, an address typed in the
Administration page could reach the intranet. Every hop of a redirect is checked too.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import urllib.robotparser
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from core.errors import BoussoleError
from core.settings import Settings

USER_AGENT = "Boussole/0.1 (moteur documentaire d'un centre de ressources politique de la ville)"
MAX_REDIRECTS = 5


class HarvestError(BoussoleError):
    """A site address cannot be harvested (scheme, private address, unreachable host…)."""

    def __init__(self, message: str, french: str):
        super().__init__(message)
        self.french = french


class FetchFailed(BoussoleError):
    """One download failed (status, timeout, size…); the harvest goes on without it."""


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
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip('"').lower()
        return None


def check_address(url: str, allow_private: bool) -> None:
    """Refuse what is not http(s), and hosts that resolve to loopback, private, link-local or
    reserved addresses (unless ``allow_private``)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise HarvestError(f"{url}: only http:// and https:// web addresses can be harvested",
                           f"« {url} » n'est pas une adresse web (http:// ou https://) : "
                           "seuls les sites web peuvent être moissonnés.")
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                                   type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise HarvestError(f"{url}: the host {parts.hostname} cannot be found ({exc})",
                           f"Le site {parts.hostname} est introuvable : vérifiez l'adresse "
                           "et la connexion du serveur.") from exc
    if allow_private:
        return
    for *_, sockaddr in found:
        address = ipaddress.ip_address(sockaddr[0])
        if (address.is_private or address.is_loopback or address.is_link_local or address.is_reserved
                or address.is_multicast or address.is_unspecified):
            raise HarvestError(f"{url}: {parts.hostname} is on a private or local network ({address}); "
                               "set BOUSSOLE_HARVEST_ALLOW_PRIVATE=1 to harvest it",
                               f"L'adresse {parts.hostname} est sur un réseau privé ou local ({address}) : "
                               "elle n'est pas moissonnée, sauf si BOUSSOLE_HARVEST_ALLOW_PRIVATE=1.")


@dataclass
class Fetcher:
    settings: Settings
    requests: int = 0
    bytes_read: int = 0
    _client: httpx.Client = field(init=False)
    _last: float = field(default=0.0, init=False)
    _robots: dict[str, urllib.robotparser.RobotFileParser] = field(default_factory=dict, init=False)

    def __post_init__(self):
        self._client = httpx.Client(headers={"User-Agent": USER_AGENT}, follow_redirects=False,
                                    timeout=httpx.Timeout(self.settings.harvest_timeout))

    def close(self) -> None:
        self._client.close()

    def allowed(self, url: str) -> bool:
        """robots.txt of the URL's site says Boussole may fetch it (no robots.txt: yes)."""
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        if site not in self._robots:
            robots = urllib.robotparser.RobotFileParser()
            try:
                answer = self.get(site + "/robots.txt", max_bytes=512 * 1024, check_robots=False)
                robots.parse(answer.content.decode("utf-8", errors="replace").splitlines())
            except FetchFailed:
                robots.parse([])  # no readable robots.txt: nothing is disallowed
            self._robots[site] = robots
        return self._robots[site].can_fetch(USER_AGENT, url)

    def get(self, url: str, max_bytes: int, validators: dict | None = None,
            check_robots: bool = True) -> Response:
        """GET with redirects followed by hand (each hop checked), the body read up to
        ``max_bytes`` within ``harvest_timeout`` seconds in all. Raises FetchFailed."""
        if check_robots and not self.allowed(url):
            raise FetchFailed(f"{url}: disallowed by the site's robots.txt")
        headers = {}
        if validators and validators.get("etag"):
            headers["If-None-Match"] = validators["etag"]
        if validators and validators.get("last_modified"):
            headers["If-Modified-Since"] = validators["last_modified"]
        for _ in range(MAX_REDIRECTS + 1):
            check_address(url, self.settings.harvest_allow_private)
            response = self._get_once(url, headers, max_bytes)
            if response.status in (301, 302, 303, 307, 308) and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                continue
            if response.status >= 400:
                raise FetchFailed(f"{url}: the server answered HTTP {response.status}")
            return response
        raise FetchFailed(f"{url}: more than {MAX_REDIRECTS} redirects")

    def _get_once(self, url: str, headers: dict, max_bytes: int) -> Response:
        wait = self._last + self.settings.harvest_delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        deadline = time.monotonic() + self.settings.harvest_timeout
        self.requests += 1
        try:
            with self._client.stream("GET", url, headers=headers) as answer:
                declared = int(answer.headers.get("content-length") or 0)
                if declared > max_bytes:
                    raise FetchFailed(f"{url}: {declared / 1e6:.1f} MB, larger than the limit of "
                                      f"{max_bytes / 1e6:.1f} MB (BOUSSOLE_MAX_FILE_BYTES)")
                body = bytearray()
                for chunk in answer.iter_bytes():
                    body += chunk
                    self.bytes_read += len(chunk)
                    if len(body) > max_bytes:
                        raise FetchFailed(f"{url}: larger than the limit of {max_bytes / 1e6:.1f} MB "
                                          "(BOUSSOLE_MAX_FILE_BYTES)")
                    if time.monotonic() > deadline:
                        raise FetchFailed(f"{url}: no complete answer within {self.settings.harvest_timeout:.0f} s")
                return Response(str(answer.url), answer.status_code, answer.headers, bytes(body))
        except httpx.TimeoutException as exc:
            raise FetchFailed(f"{url}: no answer within {self.settings.harvest_timeout:.0f} s") from exc
        except httpx.HTTPError as exc:
            raise FetchFailed(f"{url}: {type(exc).__name__}: {exc}") from exc
        finally:
            self._last = time.monotonic()
