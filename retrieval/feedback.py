"""Thumbs up/down on answers, kept in SQLite: question, passage ids, vote, time — nothing
that identifies the person."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

SCHEMA = """CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY, question TEXT NOT NULL, passages TEXT NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)), build_id TEXT, created_at TEXT NOT NULL)"""


def record_vote(db_path: Path, question: str, passage_ids: list[str], vote: int, build_id: str = "") -> None:
    if vote not in (-1, 1):
        raise ValueError("vote must be 1 (utile) or -1 (pas utile)")
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(db_path) as db:
        db.execute(SCHEMA)
        db.execute("INSERT INTO feedback (question, passages, vote, build_id, created_at) VALUES (?,?,?,?,?)",
                   (question, json.dumps(passage_ids), vote, build_id,
                    datetime.now(timezone.utc).isoformat(timespec="seconds")))


def votes(db_path: Path) -> list[tuple[str, list[str], int]]:
    if not Path(db_path).exists():
        return []
    with sqlite3.connect(db_path) as db:
        db.execute(SCHEMA)
        return [(q, json.loads(p), v) for q, p, v in
                db.execute("SELECT question, passages, vote FROM feedback ORDER BY id")]
