"""Which addresses the harvester may connect to, checked at the moment it connects.

The harvester runs on the server and what it fetches is published: an address that reaches the
server's own networks (loopback, the intranet, a cloud metadata service) must never be
fetched. Checking a name with one DNS lookup and connecting after another lets a name answer a
public address, then 127.0.0.1; so the check lives in the network backend itself: the name is
resolved once per connection, every address is checked, and the socket is opened to the very
address that was checked (TLS still verifies the certificate against the name).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore

from core.errors import BoussoleError, SettingsError

Resolver = Callable[[str, int], list[str]]  # host, port -> addresses, as strings
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class AddressRefused(BoussoleError):
    """A web address the harvester will not fetch (scheme, private network, unknown host)."""

    def __init__(self, message: str, french: str):
        super().__init__(message)
        self.french = french


def system_resolver(host: str, port: int) -> list[str]:
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(sockaddr[0] for *_, sockaddr in found))


def is_public(address: str) -> bool:
    """Globally reachable by ``ipaddress``'s own rule, including any IPv4 address an IPv6 one
    carries inside it (IPv4-mapped, 6to4, Teredo, NAT64), which Python's rule does not look at."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if not ip.is_global or ip.is_multicast:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        inner = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
        if ip in _NAT64:
            inner.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        return all(v4 is None or (v4.is_global and not v4.is_multicast) for v4 in inner)
    return True


def check_scheme(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused(f"{url}: only http:// and https:// web addresses can be harvested",
                             f"« {url} » n'est pas une adresse web (http:// ou https://) : "
                             "seuls les sites web peuvent être moissonnés.")


@dataclass(frozen=True)
class AddressPolicy:
    """Public addresses only, unless the settings allow every address (``allow_private``) or a
    few networks (an intranet's range, ``BOUSSOLE_HARVEST_ALLOW_NETWORKS``)."""
    allow_private: bool = False
    networks: tuple = ()

    @classmethod
    def from_settings(cls, settings) -> "AddressPolicy":
        try:
            networks = tuple(ipaddress.ip_network(n.strip(), strict=False)
                             for n in settings.harvest_allow_networks.split(",") if n.strip())
        except ValueError as exc:
            raise SettingsError(f"BOUSSOLE_HARVEST_ALLOW_NETWORKS: {exc}; expected networks such as "
                                "10.0.0.0/8,192.168.1.0/24") from exc
        return cls(settings.harvest_allow_private, networks)

    def permits(self, address: str) -> bool:
        if self.allow_private or is_public(address):
            return True
        ip = ipaddress.ip_address(address.split("%")[0])
        return any(ip.version == n.version and ip in n for n in self.networks)


def resolve_checked(host: str, port: int, policy: AddressPolicy, resolve: Resolver = system_resolver) -> list[str]:
    """The addresses of ``host``, all of them permitted by the policy, else AddressRefused."""
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise AddressRefused(f"{host}: the host cannot be found ({exc})",
                             f"Le site {host} est introuvable : vérifiez l'adresse "
                             "et la connexion du serveur.") from exc
    if not addresses:
        raise AddressRefused(f"{host}: the host has no address", f"Le site {host} n'a pas d'adresse.")
    refused = [a for a in addresses if not policy.permits(a)]
    if refused:
        raise AddressRefused(f"{host} is on a private or local network ({refused[0]}); "
                             "set BOUSSOLE_HARVEST_ALLOW_PRIVATE=1 to harvest it",
                             f"L'adresse {host} est sur un réseau privé ou local ({refused[0]}) : "
                             "elle n'est pas moissonnée, sauf si BOUSSOLE_HARVEST_ALLOW_PRIVATE=1.")
    return addresses


def check_address(url: str, policy: AddressPolicy, resolve: Resolver = system_resolver) -> None:
    """Refuse what is not http(s), and hosts that do not resolve or resolve to an address that
    is not public. For saving an address in Administration; fetching checks again as it connects."""
    check_scheme(url)
    parts = urlsplit(url)
    resolve_checked(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), policy, resolve)


class PinnedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, resolving and checking each name itself and connecting to
    the address it checked."""

    def __init__(self, policy: AddressPolicy, resolve: Resolver = system_resolver):
        self.policy = policy
        self.resolve = resolve

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        addresses = resolve_checked(host, port, self.policy, self.resolve)
        last: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        raise last
