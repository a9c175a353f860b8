"""The curator's standing decisions about the website harvest, kept under ``SOURCES/web/``
(hidden files: not documents) so that no harvest can undo them:

    .sites.txt        the listing addresses to follow, one per line
    .hosts.txt        other hosts whose documents count as the site's (a file server, a CDN)
    .excluded.json    documents removed by staff: the harvester does not bring them back
    .overrides.json   catalogue fields corrected by staff, applied over what the site says
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from pathlib import Path

from core.documents import Metadata
from core.files import atomic_write
from ingest.network import AddressPolicy, check_address

SITES = ".sites.txt"
HOSTS = ".hosts.txt"
EXCLUDED = ".excluded.json"
OVERRIDES = ".overrides.json"
FIELDS = [f.name for f in fields(Metadata)]


@dataclass(frozen=True)
class Exclusion:
    url: str
    title: str
    day: str  # when staff removed it


def web_folder(sources: Path) -> Path:
    return Path(sources) / "web"


def saved_sites(sources: Path) -> list[str]:
    """The site addresses saved in Administration, one per line."""
    return _lines(web_folder(sources) / SITES)


def save_sites(sources: Path, urls: list[str], policy: AddressPolicy) -> list[str]:
    """Check and save the addresses to follow; raises AddressRefused naming the first bad one."""
    urls = list(dict.fromkeys(u.strip() for u in urls if u.strip()))
    for url in urls:
        check_address(url, policy)
    atomic_write(web_folder(sources) / SITES, "".join(f"{u}\n" for u in urls).encode("utf-8"))
    return urls


def extra_hosts(sources: Path) -> list[str]:
    return [h.lower() for h in _lines(web_folder(sources) / HOSTS)]


def save_extra_hosts(sources: Path, hosts: list[str]) -> list[str]:
    hosts = list(dict.fromkeys(h.strip().lower().strip(".") for h in hosts if h.strip()))
    atomic_write(web_folder(sources) / HOSTS, "".join(f"{h}\n" for h in hosts).encode("utf-8"))
    return hosts


def exclusions(sources: Path) -> dict[str, Exclusion]:
    return {url: Exclusion(url, **known) for url, known in _json(web_folder(sources) / EXCLUDED).items()}


def exclude(sources: Path, url: str, title: str) -> None:
    """Keep ``url`` out of every later harvest (« Retirer ce document »)."""
    known = _json(web_folder(sources) / EXCLUDED)
    known[url] = {"title": title, "day": datetime.now(timezone.utc).date().isoformat()}
    _write_json(web_folder(sources) / EXCLUDED, known)


def restore(sources: Path, url: str) -> None:
    """« Rétablir »: the next harvest brings the document back."""
    known = _json(web_folder(sources) / EXCLUDED)
    if known.pop(url, None) is not None:
        _write_json(web_folder(sources) / EXCLUDED, known)


def overrides(sources: Path) -> dict[str, dict]:
    """Per document address, the fields staff set: {field: value}."""
    return _json(web_folder(sources) / OVERRIDES)


def set_overrides(sources: Path, url: str, from_site: Metadata, edited: Metadata) -> dict:
    """Record the fields of ``edited`` that differ from what the site says; a field put back to
    the site's value stops being overridden. Returns the document's overrides."""
    site, mine = asdict(from_site), asdict(edited)
    changed = {name: _plain(mine[name]) for name in FIELDS if _plain(mine[name]) != _plain(site[name])}
    known = _json(web_folder(sources) / OVERRIDES)
    if changed:
        known[url] = changed
    else:
        known.pop(url, None)
    _write_json(web_folder(sources) / OVERRIDES, known)
    return changed


def apply_overrides(entry: Metadata, changed: dict | None) -> Metadata:
    if not changed:
        return entry
    values = {**asdict(entry), **changed}
    values["themes"] = tuple(values["themes"])
    return Metadata(**values)


def _plain(value):
    return list(value) if isinstance(value, (tuple, list)) else value


def _lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _write_json(path: Path, data: dict) -> None:
    atomic_write(path, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))
