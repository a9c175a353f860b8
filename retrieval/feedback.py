"""Thumbs up/down on answers, kept in SQLite: the excerpts shown, the vote, the build and the
time. Not the question: it is free text that may name a person or a situation, and the votes
serve to spot excerpts that do not help, for which the excerpts are enough. (When the centre turns
insights on, a thumbs-down's question is kept apart, scrubbed, by day only: insights/.)"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

SCHEMA = """CREATE TABLE IF NOT EXISTS passage_votes (
    id INTEGER PRIMARY KEY, passages TEXT NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)), build_id TEXT, created_at TEXT NOT NULL)"""


def record_vote(db_path: Path, passage_ids: list[str], vote: int, build_id: str = "") -> None:
    if vote not in (-1, 1):
        raise ValueError("vote must be 1 (utile) or -1 (pas utile)")
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(db_path) as db:
        db.execute(SCHEMA)
        db.execute("INSERT INTO passage_votes (passages, vote, build_id, created_at) VALUES (?,?,?,?)",
                   (json.dumps(passage_ids), vote, build_id,
                    datetime.now(timezone.utc).isoformat(timespec="seconds")))
