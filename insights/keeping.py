"""What the web app and the API call when a question is declined or its answer gets a
thumbs-down: the question, scrubbed, kept for the day — or nothing at all when the centre has not
turned insights on."""

from __future__ import annotations

import logging
import sqlite3
from datetime import date

from core.settings import Settings
from insights.scrub import Scrubber
from insights.store import InsightStore

log = logging.getLogger("boussole.insights")


def insight_store(settings: Settings) -> InsightStore:
    return InsightStore(settings.index_path / "insights.sqlite")


class Keeper:
    """Keeps a question, scrubbed, when insights are on."""

    def __init__(self, settings: Settings, scrubber: Scrubber | None = None):
        self.settings = settings
        self.store = insight_store(settings)
        self.scrubber = scrubber or Scrubber()  # its pipeline loads when the first question is kept

    @property
    def enabled(self) -> bool:
        return self.settings.insights

    def keep(self, question: str, reason: str, today: date | None = None) -> None:
        if not self.enabled:
            return
        today = today or date.today()
        try:
            self.store.add(self.scrubber.scrub(question).text, reason, today)
            self.store.expire(self.settings.insights_days, today)
        except (sqlite3.Error, OSError):  # the visitor still gets the answer; staff see the log
            log.exception("insights: the question could not be kept")
