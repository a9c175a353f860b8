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
    id INTEGER PRIMARY KEY, day TEXT NOT NULL, reason TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS themes (batch TEXT PRIMARY KEY, payload TEXT NOT NULL)"""


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
        db.executescript(SCHEMA)
        return db

    def add(self, text: str, reason: str, day: date, at_most: int | None = None) -> None:
        """Keeps a question; past ``at_most`` questions, the oldest go first."""
        if reason not in REASONS:
            raise ValueError(f"reason {reason!r}: expected one of {', '.join(REASONS)}")
        with closing(self._connect()) as db, db:
            added = db.execute("INSERT INTO kept_questions (day, reason, text) VALUES (?, ?, ?)",
                               (day.isoformat(), reason, text)).lastrowid
            # ids grow with each question: the lowest are the oldest; stored themes quote them
            if at_most is not None and db.execute("DELETE FROM kept_questions WHERE id <= ?",
                                                  (added - at_most,)).rowcount:
                db.execute("DELETE FROM themes")

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
            deleted = db.execute("DELETE FROM kept_questions WHERE day < ?",
                                 ((today - timedelta(days=days)).isoformat(),)).rowcount
            if deleted:  # stored themes quote the deleted questions
                db.execute("DELETE FROM themes")
            return deleted

    def clear(self) -> int:
        """« Tout effacer »: every kept question, now."""
        if not self.path.exists():
            return 0
        with closing(self._connect()) as db, db:
            count = db.execute("DELETE FROM kept_questions").rowcount
            db.execute("DELETE FROM themes")
        with closing(sqlite3.connect(self.path)) as db:
            db.execute("VACUUM")  # the deleted text leaves the file, not only the table
        return count

    def saved_themes(self, batch: str) -> str | None:
        """The themes stored for ``batch`` (JSON), if they were computed."""
        if not self.path.exists():
            return None
        with closing(self._connect()) as db:
            row = db.execute("SELECT payload FROM themes WHERE batch = ?", (batch,)).fetchone()
        return row[0] if row else None

    def save_themes(self, batch: str, payload: str) -> None:
        """Only the latest batch's themes are kept: older ones quote questions gone since."""
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM themes")
            db.execute("INSERT INTO themes (batch, payload) VALUES (?, ?)", (batch, payload))
