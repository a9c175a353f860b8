"""What Administration shows for a collection of hundreds of documents: the last harvest first,
in French; dates a person reads at any width; the curator's list searched and cut into pages."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Sequence, TypeVar

from core.analysis import fold

T = TypeVar("T")
MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
PAGE_SIZE = 20  # documents per page of the curator's list


@dataclass(frozen=True)
class HarvestNews:
    headline: str  # « Cette nuit (7 déc. 2026 à 02 h 31) : 3 téléchargé(s), … 2 en échec. »
    failures: tuple[tuple[str, str], ...]  # (address, reason)
    ok: bool


@dataclass(frozen=True)
class Page:
    items: list
    number: int  # from 1
    pages: int


def readable_date(iso: str, with_time: bool = True) -> str:
    """« 7 déc. 2026 à 22 h 40 » (local time) from an ISO date, short enough for a narrow screen."""
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    day = f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"
    return f"{day} à {moment.hour:02d} h {moment.minute:02d}" if with_time else day


def harvest_news(last: dict, now: datetime | None = None) -> HarvestNews | None:
    """The last harvest, said as staff want it when they land on the page; None if none ran."""
    if not last.get("finished_at"):
        return None
    ended = datetime.fromisoformat(last["finished_at"])
    now = now or datetime.now(timezone.utc)
    when = "Cette nuit" if now - ended < timedelta(hours=24) else "Dernier moissonnage"
    counts = last.get("counts", {})
    failures = tuple((f["url"], f["reason"]) for f in last.get("failures", []))
    parts = [f"{counts.get('downloaded', 0)} téléchargé(s)", f"{counts.get('unchanged', 0)} inchangé(s)",
             f"{counts.get('removed', 0)} retiré(s)", f"{len(failures)} en échec"]
    if counts.get("incomplete"):
        parts.append(f"{counts['incomplete']} adresse(s) lue(s) en partie (rien n'en a été retiré)")
    return HarvestNews(f"{when} ({readable_date(last['finished_at'])}) : {', '.join(parts)}.", failures,
                       bool(last.get("ok")))


def search(items: Sequence[T], query: str, text_of) -> list[T]:
    """The items whose text holds every word of ``query`` (accents and case aside)."""
    words = fold(query).split()
    return [item for item in items if all(w in fold(text_of(item)) for w in words)]


def page_of(items: Sequence[T], number: int, size: int = PAGE_SIZE) -> Page:
    pages = max(1, math.ceil(len(items) / size))
    number = min(max(1, number), pages)
    return Page(list(items[(number - 1) * size: number * size]), number, pages)
