"""Read a folder's ``catalogue.csv``: one row of metadata per file.

Columns ``file,title,url,date,type,themes``; ``date`` is YYYY, YYYY-MM or YYYY-MM-DD; themes
are separated by ``;``. Spreadsheets write a BOM and sometimes ``;`` as the separator: both are
accepted. A malformed row is reported and skipped, never fatal for the other rows.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ingest.documents import Metadata

CATALOGUE_NAME = "catalogue.csv"
COLUMNS = ("file", "title", "url", "date", "type", "themes")
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


@dataclass
class Catalogue:
    rows: dict[str, Metadata] = field(default_factory=dict)  # key: file path relative to folder
    problems: list[str] = field(default_factory=list)


def parse_catalogue(raw: bytes, name: str = CATALOGUE_NAME) -> Catalogue:
    text = _decode(raw)
    catalogue = Catalogue()
    if not text.strip():
        return catalogue
    try:
        _read_rows(text, name, catalogue)
    except csv.Error as exc:
        catalogue.problems.append(f"{name}: not a readable CSV file ({exc}); rows after the error are ignored")
    return catalogue


def _read_rows(text: str, name: str, catalogue: Catalogue) -> None:
    reader = csv.DictReader(io.StringIO(text.replace("\x00", ""), newline=""), dialect=_dialect(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    if "file" not in header:
        catalogue.problems.append(f"{name}: no 'file' column in the header ({', '.join(header)})")
        return
    for line, row in enumerate(reader, start=2):
        try:
            key, metadata, warning = _row(row)
        except ValueError as exc:
            catalogue.problems.append(f"{name}, line {line}: {exc}")
            continue
        if warning:
            catalogue.problems.append(f"{name}, line {line}: {warning}")
        if key in catalogue.rows:
            catalogue.problems.append(f"{name}, line {line}: duplicate row for {key}; the first one is kept")
            continue
        catalogue.rows[key] = metadata


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _dialect(text: str):
    first = text.split("\n", 1)[0]
    class Dialect(csv.excel):
        delimiter = ";" if first.count(";") > first.count(",") else ","
    return Dialect


def _row(row: dict) -> tuple[str, Metadata, str]:
    """The row's key and metadata; a bad date is dropped with a warning, keeping the rest."""
    cell = lambda column: (row.get(column) or "").strip()
    file = cell("file").replace("\\", "/")
    if not file:
        raise ValueError("empty 'file' cell")
    path = PurePosixPath(file)
    if path.is_absolute() or ".." in path.parts:
        raise ValueError(f"'file' must be a path inside the folder, not {file!r}")
    date, warning = cell("date"), ""
    if date and not valid_date(date):
        warning = (f"unreadable date {date!r} for {file} (expected YYYY, YYYY-MM or YYYY-MM-DD); "
                   "the document is indexed without a date")
        date = ""
    url = cell("url")
    if url and not url.startswith(("http://", "https://")):
        raise ValueError(f"url {url!r} for {file} is not an http(s) address")
    themes = tuple(t.strip() for t in cell("themes").split(";") if t.strip())
    return str(path), Metadata(title=cell("title"), url=url, date=date, type=cell("type"),
                               themes=themes), warning


def valid_date(date: str) -> bool:
    return bool(_DATE.match(date))


def write_catalogue(rows: dict[str, Metadata]) -> str:
    """Serialise rows back to CSV (used by the Administration page to edit metadata)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for file, m in sorted(rows.items()):
        writer.writerow([file, m.title, m.url, m.date, m.type, ";".join(m.themes)])
    return out.getvalue()
