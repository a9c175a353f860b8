"""Figures about the live index, for the Administration page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.store import current_build, read_manifest


@dataclass(frozen=True)
class IndexStats:
    documents: int
    passages: int
    pages: int
    model: str
    model_origin: str
    built_at: str
    build_id: str
    bytes_on_disk: int


def index_stats(index_dir: Path) -> IndexStats | None:
    build = current_build(index_dir)
    if build is None:
        return None
    m = read_manifest(build)
    size = sum(p.stat().st_size for p in build.rglob("*") if p.is_file())
    return IndexStats(m.counts.get("documents", 0), m.counts.get("passages", 0),
                      m.counts.get("pages", 0), m.model["name"], m.model["origin"], m.created_at,
                      m.build_id, size)
