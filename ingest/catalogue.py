"""Read a folder's ``catalogue.csv``: one row of metadata per file.

Columns ``file,title,url,date,type,themes``; ``date`` is YYYY, YYYY-MM or YYYY-MM-DD; themes
are separated by ``;``. Spreadsheets write a BOM and sometimes ``;`` as the separator: both are
accepted. A malformed row is reported and skipped, never fatal for the other rows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from core.documents import Metadata, valid_date
from core.errors import CatalogueError

CATALOGUE_NAME = "catalogue.csv"
COLUMNS = ("file", "title", "url", "date", "type", "themes", "description")


@dataclass
class Catalogue:
    rows: dict[str, Metadata] = field(default_factory=dict)  # key: file path relative to folder
    problems: list[str] = field(default_factory=list)


def parse_catalogue(raw: bytes, name: str = CATALOGUE_NAME) -> Catalogue:
    text = decode_catalogue(raw)
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


def decode_catalogue(raw: bytes) -> str:
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
    if url and not valid_url(url):
        raise ValueError(f"url {url!r} for {file} is not an http(s) address")
    themes = tuple(t.strip() for t in cell("themes").split(";") if t.strip())
    return str(path), Metadata(title=cell("title"), url=url, date=date, type=cell("type"),
                               themes=themes, description=cell("description")), warning


def valid_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(c.isspace() for c in url)


def check_metadata(metadata: Metadata) -> None:
    """Refuse what a catalogue reader would drop: staff fix it in the form, not later in a log."""
    if metadata.date and not valid_date(metadata.date):
        raise CatalogueError(f"date {metadata.date!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
    if metadata.url and not valid_url(metadata.url):
        raise CatalogueError(f"url {metadata.url!r}: expected an http:// or https:// address")


def set_row(text: str, key: str, metadata: Metadata) -> str:
    """``text`` with the row of ``key`` set to ``metadata`` (appended if absent).

    Every other line stays exactly as it was — rows with a problem, extra columns, order,
    separator, line endings — because staff's spreadsheet is the reference, not our parse of it.
    """
    if not text.strip():
        return write_catalogue({key: metadata})
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = io.StringIO(text, newline="").readlines()
    dialect = _dialect(text)
    records, broken = _records(lines, dialect)
    if broken is not None:
        raise CatalogueError(f"line {broken}: not readable CSV; correct the file before editing it here")
    header = [h.strip().lower() for h in records[0][2]]
    if "file" not in header:
        raise CatalogueError(f"no 'file' column in the header ({', '.join(header)})")
    values = dict(zip(COLUMNS, _cells(key, metadata)))
    missing = [c for c in COLUMNS if c not in header and values[c]]
    if missing:  # a new column goes at the end of the header; shorter rows read it as empty
        fields = records[0][2] + missing
        header += missing
        lines[records[0][0]:records[0][1]] = [_line(fields, dialect, newline)]
    target = next((r for r in records[1:] if _key_of(r[2], header) == key), None)
    fields = list(target[2]) if target else []
    fields += [""] * (len(header) - len(fields))
    for column in COLUMNS:
        if column in header:
            fields[header.index(column)] = values[column]
    row = _line(fields, dialect, newline)
    if target:
        lines[target[0]:target[1]] = [row]
    else:
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += newline
        lines.append(row)
    return "".join(lines)


def drop_row(text: str, key: str) -> str:
    """``text`` without the row of ``key``; every other line kept as it was."""
    lines = io.StringIO(text, newline="").readlines()
    records, broken = _records(lines, _dialect(text))
    if broken is not None:
        raise CatalogueError(f"line {broken}: not readable CSV; correct the file before editing it here")
    if not records:
        return text
    header = [h.strip().lower() for h in records[0][2]]
    target = next((r for r in records[1:] if "file" in header and _key_of(r[2], header) == key), None)
    if target:
        del lines[target[0]:target[1]]
    return "".join(lines)


def _records(lines: list[str], dialect) -> tuple[list[tuple[int, int, list[str]]], int | None]:
    """Each CSV record with the lines it spans ([start, end)), and the line of a read error."""
    consumed = 0

    def feed():
        nonlocal consumed
        for line in lines:
            consumed += 1
            yield line

    records, start = [], 0
    reader = csv.reader(feed(), dialect)
    try:
        for fields in reader:
            records.append((start, consumed, fields))
            start = consumed
    except csv.Error:
        return records, consumed
    return records, None


def _key_of(fields: list[str], header: list[str]) -> str:
    column = header.index("file")
    return fields[column].strip().replace("\\", "/") if column < len(fields) else ""


def _cells(key: str, m: Metadata) -> list[str]:
    return [key, m.title, m.url, m.date, m.type, ";".join(t.strip() for t in m.themes if t.strip()),
            m.description]


def _line(fields: list[str], dialect, newline: str) -> str:
    out = io.StringIO()
    csv.writer(out, dialect, lineterminator=newline).writerow(fields)
    return out.getvalue()


def write_catalogue(rows: dict[str, Metadata]) -> str:
    """A new catalogue holding ``rows``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for file, m in sorted(rows.items()):
        writer.writerow(_cells(file, m))
    return out.getvalue()
