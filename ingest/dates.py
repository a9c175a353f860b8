"""A document's date when no catalogue gives one, in the catalogue's format (YYYY, YYYY-MM or
YYYY-MM-DD: as precise as the source says, no more).

A PDF's is the date printed on its first page when there is one — « 27/05/2024 » under a
guide's title, « Novembre 2019 », « Mise à jour : 12/03/2021 », « 2018 » on a line of its
own — else its CreationDate, else its ModDate. The printed date is what the publisher chose
and what a reader cites; the file's dates are when this file was written: a re-export, a scan
or a conversion years later changes them. A PDF is an export, so it was created when it was
published, and modified by later touch-ups (metadata tools, signatures).

A Word or LibreOffice file's is its last save, else its creation: the file is the working copy,
and its creation date is often a template's or an earlier edition's.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime

FIRST_LINES = 15  # a cover or a title block: further down, a page's dates are what it tells of
MONTHS = {"janvier": 1, "fevrier": 2, "février": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
          "juillet": 7, "aout": 8, "août": 8, "septembre": 9, "octobre": 10, "novembre": 11,
          "decembre": 12, "décembre": 12}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d\d)(?![\d/.-])")
_WRITTEN = re.compile(rf"(?<!\w)(?:(\d{{1,2}})(?:er)?\s+)?({_MONTH})\s+((?:19|20)\d\d)(?!\d)", re.IGNORECASE)
_YEAR_LINE = re.compile(r"^\W*(?:(?:édition|edition|mise à jour|publié en|version)\W*)?((?:19|20)\d\d)\W*$",
                        re.IGNORECASE)
_PDF_DATE = re.compile(r"^D?:?(\d{4})(\d{2})?(\d{2})?")


def stated_date(page: str, today: date | None = None) -> str:
    """The date printed in the first lines of a page, the most precise kind found (day, then
    month, then a year alone on its line); the latest of that kind (« Publié le 3 mars 2020 ·
    Mise à jour le 12 mars 2021 »). "" when none."""
    today = today or date.today()
    head = "\n".join([line for line in page.splitlines() if line.strip()][:FIRST_LINES])
    days = [_iso(int(y), int(m), int(d), today) for d, m, y in _NUMERIC.findall(head)]
    months = []
    for d, month, y in _WRITTEN.findall(head):
        (days if d else months).append(_iso(int(y), MONTHS[month.lower()], int(d) if d else 0, today))
    years = [_iso(int(m.group(1)), 0, 0, today) for line in head.splitlines() if (m := _YEAR_LINE.match(line.strip()))]
    for found in (days, months, years):
        found = [f for f in found if f]
        if found:
            return max(found)
    return ""


def pdf_date(raw: bytes, first_page: str) -> str:
    """A PDF's date: the one its first page states, else its metadata's (see the module)."""
    stated = stated_date(first_page)
    if stated:
        return stated
    from pypdf import PdfReader
    try:
        info = PdfReader(io.BytesIO(raw)).metadata or {}
    except Exception:  # noqa: BLE001 — a date is a nicety: a PDF pypdf cannot read is dated by none
        return ""
    return next(filter(None, (metadata_date(info.get(key)) for key in ("/CreationDate", "/ModDate"))), "")


def metadata_date(value) -> str:
    """A date property as the file holds it — a PDF date string (``D:20240527114607-00'00'``), an
    ISO string (ODF's ``2021-03-12T10:00:00``) or a datetime (python-docx) — as YYYY-MM-DD."""
    if isinstance(value, (datetime, date)):
        return _iso(value.year, value.month, value.day, date.today())
    text = str(value or "").strip()
    match = _PDF_DATE.match(text.replace("-", "")[:10]) if text else None
    if not match:
        return ""
    year, month, day = match.groups()
    return _iso(int(year), int(month or 0), int(day or 0), date.today())


def office_date(modified, created) -> str:
    """A Word or LibreOffice file's date: its last save, else its creation (see the module)."""
    return metadata_date(modified) or metadata_date(created)


def _iso(year: int, month: int, day: int, today: date) -> str:
    """The date in the catalogue's format, or "" when it is no real date or lies ahead (a file
    saved with a wrong clock, a deadline printed on a cover)."""
    try:
        when = date(year, month or 1, day or 1)
    except ValueError:
        return ""
    if year < 1900 or when > today:
        return ""
    return f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if month and day else "")
