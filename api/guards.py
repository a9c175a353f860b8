"""Who may get in, and how often: the HTTP API's optional Bearer keys and its rate limit per
key (per client address when the API is open); the Administration page's password attempts.
Both count in one storage: this process's memory, or Redis / Valkey shared by the replicas."""

from __future__ import annotations

import hmac
import math
import time
from dataclasses import dataclass, field

from limits import RateLimitItem, parse
from limits.errors import ConfigurationError
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from core.errors import SettingsError


class ApiError(Exception):
    """An HTTP error whose message is shown as is (in French) to the caller."""

    def __init__(self, status: int, message: str, code: str, param: str | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.code, self.param = status, message, code, param
        self.headers = headers or {}


def split_list(raw: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in raw.split(",") if item.strip())


@dataclass
class Access:
    keys: tuple[str, ...]
    limit: RateLimitItem
    limiter: MovingWindowRateLimiter

    @classmethod
    def from_settings(cls, api_keys: str, rate_limit: str, storage: Storage | None = None) -> "Access":
        try:
            limit = parse(rate_limit)
        except ValueError as exc:
            raise SettingsError(f"BOUSSOLE_API_RATE_LIMIT={rate_limit!r}: expected e.g. 60/minute") from exc
        return cls(split_list(api_keys), limit, MovingWindowRateLimiter(storage or MemoryStorage()))

    def caller(self, authorization: str, address: str) -> str:
        """The identity requests are counted against; raises 401 for a missing or wrong key."""
        if not self.keys:
            return f"address:{address}"
        scheme, _, given = authorization.partition(" ")
        # compare_digest on every key: the time taken says nothing about which key was close
        matched = [key for key in self.keys if hmac.compare_digest(given.strip().encode(), key.encode())]
        if scheme.lower() != "bearer" or not matched:
            raise ApiError(401, "Clé d'API absente ou invalide : envoyez l'en-tête "
                                "« Authorization: Bearer <clé> » avec une clé fournie par le centre de ressources.",
                           "invalid_api_key", headers={"WWW-Authenticate": "Bearer"})
        return f"key:{matched[0]}"

    def count(self, caller: str) -> None:
        """Counts one request; raises 429 with the seconds to wait once the limit is reached."""
        if self.limiter.hit(self.limit, caller):
            return
        reset = self.limiter.get_window_stats(self.limit, caller).reset_time
        wait = max(1, math.ceil(reset - time.time()))
        raise ApiError(429, f"Trop de requêtes : réessayez dans {wait} s.", "rate_limit_exceeded",
                       headers={"Retry-After": str(wait)})


@dataclass
class LoginGuard:
    """Wrong Administration passwords, counted per client address: after ``free_attempts``
    failures, each new attempt must wait, twice as long after every further failure. Counted
    in ``storage``: in memory for one process, or in Redis / Valkey shared by every replica and
    kept across restarts (``BOUSSOLE_STATE_URL``). An address's count is forgotten a day after
    its last failure."""
    storage: Storage = field(default_factory=MemoryStorage)
    free_attempts: int = 5
    first_delay: float = 30.0
    longest_delay: float = 3600.0
    forget_after: float = 86400.0

    def wait(self, who: str, now: float) -> float:
        """Seconds before ``who`` may try again (0: now)."""
        count = self.storage.get(self._key("failures", who))
        if count < self.free_attempts:
            return 0.0
        last = self.storage.get(self._key("last", who)) / 1000
        delay = min(self.longest_delay, self.first_delay * 2 ** (count - self.free_attempts))
        return max(0.0, last + delay - now)

    def failed(self, who: str, now: float) -> None:
        self.storage.incr(self._key("failures", who), int(self.forget_after))
        last = self._key("last", who)
        self.storage.clear(last)
        self.storage.incr(last, int(self.forget_after), amount=int(now * 1000))

    def succeeded(self, who: str) -> None:
        for kind in ("failures", "last"):
            self.storage.clear(self._key(kind, who))

    @staticmethod
    def _key(kind: str, who: str) -> str:
        return f"boussole/login/{kind}/{who}"


def shared_storage(url: str) -> Storage:
    """Where the guards count: ``redis://…`` (or ``valkey://…``, ``redis+sentinel://…``: any
    storage the ``limits`` package reads), else this process's memory."""
    if not url:
        return MemoryStorage()
    try:
        return storage_from_string(url)
    except (ConfigurationError, ValueError) as exc:
        raise SettingsError(f"BOUSSOLE_STATE_URL={url!r}: {exc}") from exc
