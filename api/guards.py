"""Who may get in, and how often: the HTTP API's optional Bearer keys and its rate limit per
key (per client address when the API is open); the Administration page's password attempts.
Both count in one storage: this process's memory, or Redis / Valkey shared by the replicas."""

from __future__ import annotations

import hmac
import math
import threading
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


# One attempt, checked and counted at once in Redis: no other session or replica can slip a try in
# between. The count and the time of the last attempt expire ``forget`` ms after the last one.
_ATTEMPT = """
local count = tonumber(redis.call('HGET', KEYS[1], 'count') or '0')
local last = tonumber(redis.call('HGET', KEYS[1], 'last') or '0')
local now, free = tonumber(ARGV[1]), tonumber(ARGV[2])
if count >= free then
  local delay = math.min(tonumber(ARGV[4]), tonumber(ARGV[3]) * 2 ^ (count - free))
  if now < last + delay then return tostring(last + delay - now) end
end
redis.call('HSET', KEYS[1], 'count', count + 1, 'last', tostring(now))
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return '0'
"""


@dataclass
class LoginGuard:
    """Administration password attempts, counted per client address: the first ``free_attempts``
    cost nothing; after them, each new attempt must wait, twice as long after every further one.
    Each attempt is checked and counted in one step before the password is compared (so
    parallel sessions cannot each slip one in), and a right password clears the count. Counted
    in ``storage``: this process's memory, or Redis / Valkey shared by every replica and kept
    across restarts (``BOUSSOLE_STATE_URL``). An address's count is forgotten ``forget_after``
    seconds (a day) after its last attempt."""
    storage: Storage = field(default_factory=MemoryStorage)
    free_attempts: int = 5
    first_delay: float = 30.0
    longest_delay: float = 3600.0
    forget_after: float = 86400.0
    _counts: dict[str, tuple[int, float]] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _script: object = field(default=None, init=False, repr=False)

    def __post_init__(self):
        if not isinstance(self.storage, MemoryStorage):
            client = getattr(self.storage, "storage", None)  # limits' Redis and Valkey storages
            if not hasattr(client, "register_script"):
                raise SettingsError("BOUSSOLE_STATE_URL: the login guard counts in Redis or Valkey only "
                                    f"({type(self.storage).__name__} given)")
            self._script = client.register_script(_ATTEMPT)

    def attempt(self, who: str, now: float) -> float:
        """Seconds ``who`` must still wait (the attempt is refused and not counted), or 0: the
        attempt may compare its password, and counts as a failure until ``succeeded``."""
        if self._script is not None:
            return float(self._script(keys=[self._key(who)], args=[
                repr(now), self.free_attempts, repr(self.first_delay), repr(self.longest_delay),
                int(self.forget_after * 1000)]))
        with self._lock:
            count, last = self._current(who, now)
            wait = last + self._delay(count) - now if count >= self.free_attempts else 0.0
            if wait > 0:
                return wait
            if len(self._counts) > 10_000:  # addresses that never came back
                self._counts = {w: c for w, c in self._counts.items() if now - c[1] <= self.forget_after}
            self._counts[who] = (count + 1, now)
            return 0.0

    def failures(self, who: str, now: float) -> int:
        """Attempts counted for ``who`` and not forgotten yet."""
        if self._script is not None:
            return int(self._script.registered_client.hget(self._key(who), "count") or 0)
        with self._lock:
            return self._current(who, now)[0]

    def succeeded(self, who: str) -> None:
        if self._script is not None:
            self._script.registered_client.delete(self._key(who))
            return
        with self._lock:
            self._counts.pop(who, None)

    def _delay(self, count: int) -> float:
        return min(self.longest_delay, self.first_delay * 2.0 ** min(count - self.free_attempts, 64))

    def _current(self, who: str, now: float) -> tuple[int, float]:
        count, last = self._counts.get(who, (0, 0.0))
        if count and now - last > self.forget_after:
            del self._counts[who]
            return 0, 0.0
        return count, last

    @staticmethod
    def _key(who: str) -> str:
        return f"boussole/login/{who}"


def shared_storage(url: str) -> Storage:
    """Where the guards count: ``redis://…`` (or ``valkey://…``, ``redis+sentinel://…``: any
    storage the ``limits`` package reads), else this process's memory."""
    if not url:
        return MemoryStorage()
    try:
        return storage_from_string(url)
    except (ConfigurationError, ValueError) as exc:
        raise SettingsError(f"BOUSSOLE_STATE_URL={url!r}: {exc}") from exc
