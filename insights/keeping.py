"""What the web app and the API call when a question is declined or its answer gets a
thumbs-down: the question, scrubbed, kept for the day — or nothing at all when the centre has not
turned insights on."""

from __future__ import annotations

import logging
import sqlite3
from datetime import date

from limits import parse
from limits.storage import MemoryStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from core.errors import SettingsError
from core.settings import Settings
from insights.scrub import Scrubber
from insights.store import InsightStore

log = logging.getLogger("boussole.insights")


def insight_store(settings: Settings) -> InsightStore:
    return InsightStore(settings.index_path / "insights.sqlite")


class Keeper:
    """Keeps a question, scrubbed, when insights are on: at most ``insights_rate_limit`` per
    visitor's address (counted in ``storage``: this process's memory, or Redis shared by the
    replicas), and ``insights_max_questions`` in all, the oldest going first."""

    def __init__(self, settings: Settings, scrubber: Scrubber | None = None, storage: Storage | None = None):
        self.settings = settings
        self.store = insight_store(settings)
        self.scrubber = scrubber or Scrubber()  # its pipeline loads when the first question is kept
        try:
            self.limit = parse(settings.insights_rate_limit)
        except ValueError as exc:
            raise SettingsError(f"BOUSSOLE_INSIGHTS_RATE_LIMIT={settings.insights_rate_limit!r}: "
                                "expected e.g. 10/hour") from exc
        self.limiter = MovingWindowRateLimiter(storage or MemoryStorage())

    @property
    def enabled(self) -> bool:
        return self.settings.insights

    def keep(self, question: str, reason: str, today: date | None = None, who: str = "?") -> bool:
        """Whether the question was kept. ``who``: the visitor's address (one sending hundreds
        of questions fills the store with theirs, not with what visitors look for)."""
        if not self.enabled:
            return False
        if not self.limiter.hit(self.limit, f"insights:{who}"):
            log.info("insights: not kept, over %s for one address", self.settings.insights_rate_limit)
            return False
        today = today or date.today()
        try:
            self.store.add(self.scrubber.scrub(question).text, reason, today, self.settings.insights_max_questions)
            self.store.expire(self.settings.insights_days, today)
        except (sqlite3.Error, OSError):  # the visitor still gets the answer; staff see the log
            log.exception("insights: the question could not be kept")
            return False
        return True
