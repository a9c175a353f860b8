"""One way to read a number from a request (a query string, a path, a page's address):
plain ASCII digits within bounds, else ``InvalidNumber`` — which every edge turns into a 400
(or, on a page, the default). ``str.isdigit`` accepts « ² » and « ٣ », which ``int`` then
refuses, and SQLite refuses integers beyond 64 bits: both became 500s."""

from __future__ import annotations

import re

from core.errors import BoussoleError

_PLAIN = re.compile(r"[0-9]{1,18}")  # 18 digits: always inside SQLite's 64-bit integers
LARGEST = 2**63 - 1


class InvalidNumber(BoussoleError):
    """A request's number is not a plain integer within its bounds."""

    def __init__(self, name: str, raw: str, low: int, high: int):
        shown = raw if len(raw) <= 30 else raw[:30] + "…"
        super().__init__(f"{name}={shown!r}: expected a whole number from {low} to {high}")
        self.name = name
        self.french = f"Paramètre « {name} » invalide : nombre entier de {low} à {high} attendu (reçu « {shown} »)."


def request_int(raw: str | None, name: str, low: int = 0, high: int = LARGEST) -> int | None:
    """``raw`` as an integer in [low, high]; None when it is absent or empty."""
    if raw is None or raw == "":
        return None
    if not _PLAIN.fullmatch(raw) or not low <= int(raw) <= high:
        raise InvalidNumber(name, raw, low, high)
    return int(raw)


def request_int_or(raw: str | None, name: str, default: int | None, low: int = 0, high: int = LARGEST) -> int | None:
    """For a page's address, where a bad number falls back to what the page shows by default."""
    try:
        value = request_int(raw, name, low, high)
    except InvalidNumber:
        return default
    return default if value is None else value
