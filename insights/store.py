"""The kept questions, in SQLite beside the index (``insights.sqlite`` in the index folder): shared
by the replicas of one machine (write-ahead log, waits on a busy writer), untouched by a refresh,
which writes new builds beside it. Only the day is kept, never the time, nor who asked."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

REASONS = ("declined", "unhelpful")  # Boussole declined it; its answer got a thumbs-down
SCHEMA = """CREATE TABLE IF NOT EXISTS kept_questions (
    id INTEGER PRIMARY KEY, day TEXT NOT NULL, reason TEXT NOT NULL, text TEXT NOT NULL)"""


@dataclass(frozen=True)
class KeptQuestion:
    day: date
    reason: str
    text: str


class InsightStore:
    def __init__(self, path: Path):
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(SCHEMA)
        return db

    def add(self, text: str, reason: str, day: date) -> None:
        if reason not in REASONS:
            raise ValueError(f"reason {reason!r}: expected one of {', '.join(REASONS)}")
        with closing(self._connect()) as db, db:
            db.execute("INSERT INTO kept_questions (day, reason, text) VALUES (?, ?, ?)",
                       (day.isoformat(), reason, text))

    def since(self, first: date | None = None) -> list[KeptQuestion]:
        if not self.path.exists():
            return []
        with closing(self._connect()) as db:
            rows = db.execute("SELECT day, reason, text FROM kept_questions WHERE day >= ? ORDER BY id",
                              ((first or date.min).isoformat(),)).fetchall()
        return [KeptQuestion(date.fromisoformat(d), r, t) for d, r, t in rows]

    def count(self) -> int:
        if not self.path.exists():
            return 0
        with closing(self._connect()) as db:
            return db.execute("SELECT COUNT(*) FROM kept_questions").fetchone()[0]

    def expire(self, days: int, today: date) -> int:
        """Deletes the questions kept more than ``days`` days ago; how many."""
        if not self.path.exists():
            return 0
        with closing(self._connect()) as db, db:
            return db.execute("DELETE FROM kept_questions WHERE day < ?",
                              ((today - timedelta(days=days)).isoformat(),)).rowcount

    def clear(self) -> int:
        """« Tout effacer »: every kept question, now."""
        if not self.path.exists():
            return 0
        with closing(self._connect()) as db, db:
            count = db.execute("DELETE FROM kept_questions").rowcount
        with closing(sqlite3.connect(self.path)) as db:
            db.execute("VACUUM")  # the deleted text leaves the file, not only the table
        return count
