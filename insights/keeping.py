"""What the web app and the API call when a question is declined or its answer gets a
thumbs-down: the question, scrubbed, kept for the day — or nothing at all when the centre has not
turned insights on."""

from __future__ import annotations

import logging
import sqlite3
import threading
from datetime import date

from core.settings import Settings
from insights.scrub import Scrubber
from insights.store import InsightStore

log = logging.getLogger("boussole.insights")


def insight_store(settings: Settings) -> InsightStore:
    return InsightStore(settings.index_path / "insights.sqlite")


class Keeper:
    """One per process (the French pipeline loads once, when the first question is kept)."""

    def __init__(self, settings: Settings, scrubber: Scrubber | None = None):
        self.settings = settings
        self.store = insight_store(settings)
        self._scrubber = scrubber
        self._loading = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.settings.insights

    def keep(self, question: str, reason: str, today: date | None = None) -> None:
        if not self.enabled:
            return
        today = today or date.today()
        with self._loading:
            self._scrubber = self._scrubber or Scrubber()
        try:
            self.store.add(self._scrubber.scrub(question).text, reason, today)
            self.store.expire(self.settings.insights_days, today)
        except (sqlite3.Error, OSError):  # the visitor still gets the answer; staff see the log
            log.exception("insights: the question could not be kept")
