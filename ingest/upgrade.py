"""What a new release does with the index an earlier one built — decided here, at each start of
the server, never left for staff to discover:

- **serve**: the build is this release's (format, French analysis, extraction);
- **refresh**: the build can be read as it is, but this release reads documents differently
  (``EXTRACTOR_VERSION``): it stays served while a refresh of its folders runs in the
  background, and each replica opens the new build at its next question;
- **rebuild**: the build cannot be read correctly (another ``FORMAT``, or BM25 built with another
  French analysis, whose terms the questions' would not match): nothing is answered from it —
  the pages and the API say the index is being rebuilt — while it is rebuilt in the background
  from the folders it was built from.

The decision and its outcome are logged and written to ``INDEX/last-upgrade.json``, which
Administration shows. Replicas starting together race for the writers' lock: one rebuilds, the
others record that it is under way.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from core.analysis import ANALYZER_VERSION
from core.errors import BoussoleError
from core.files import atomic_write
from core.roots import known_roots
from core.settings import Settings
from core.store import FORMAT, Manifest, current_build, read_manifest
from ingest.sources import EXTRACTOR_VERSION

log = logging.getLogger("boussole.upgrade")
LAST_UPGRADE = "last-upgrade.json"


@dataclass(frozen=True)
class Verdict:
    action: str  # "serve", "refresh" or "rebuild"
    reason: str  # for the log
    french: str  # for Administration


def verdict(manifest: Manifest) -> Verdict:
    if manifest.format != FORMAT:
        return Verdict("rebuild", f"index format {manifest.format}, this release reads {FORMAT}",
                       "L'index a été construit par une version de Boussole dont le format n'est pas celui de "
                       "cette version : il est reconstruit en arrière-plan ; les questions recevront une réponse "
                       "dès qu'il sera prêt.")
    if manifest.lexical != ANALYZER_VERSION:
        return Verdict("rebuild", f"BM25 built with French analysis {manifest.lexical or '?'}, this release "
                       f"uses {ANALYZER_VERSION}",
                       "L'index a été construit avec une autre analyse du français que celle de cette version : "
                       "il est reconstruit en arrière-plan ; les questions recevront une réponse dès qu'il sera prêt.")
    if manifest.extractor != EXTRACTOR_VERSION:
        return Verdict("refresh", f"documents read by extraction {manifest.extractor or 'before 9'}, this release "
                       f"reads them with {EXTRACTOR_VERSION}",
                       "L'index a été construit par une version précédente de Boussole, qui lisait les documents "
                       "autrement : il reste servi pendant que les documents sont relus en arrière-plan.")
    return Verdict("serve", "built by this release", "")


def upgrade(settings: Settings, embedder=None) -> Verdict | None:
    """Decide for the live build and carry it out (blocking); None when there is no index."""
    from ingest.refresh import refresh

    index_dir = settings.index_path
    build = current_build(index_dir)
    if build is None:
        return None
    manifest = read_manifest(build)
    decided = verdict(manifest)
    if decided.action == "serve":
        return decided
    log.warning("index %s: %s — %s in the background", manifest.build_id, decided.reason, decided.action)
    _record(index_dir, decided, "en cours")
    roots = [root.path for root in known_roots(manifest.roots, index_dir) if root.path.is_dir()]
    try:
        report = refresh(settings, roots or None, full=decided.action == "rebuild", embedder=embedder)
    except BoussoleError as exc:  # another replica holds the lock: it is doing the same
        log.warning("index upgrade not run here: %s", exc)
        _record(index_dir, decided, "en cours dans un autre processus")
        return decided
    log.warning("index upgraded: %s", report.summary())
    _record(index_dir, decided, "terminée", report.summary())
    return decided


def upgrade_in_background(settings: Settings, embedder_of=None) -> threading.Thread:
    """``embedder_of``: gives the server's own model, so that a rebuild does not load a second."""
    def run() -> None:
        try:
            upgrade(settings, embedder_of() if embedder_of else None)
        except Exception:  # the server keeps serving what it can; staff see the log
            log.exception("index upgrade failed")
    thread = threading.Thread(target=run, name="index-upgrade", daemon=True)
    thread.start()
    return thread


def last_upgrade(index_dir: Path) -> dict:
    path = Path(index_dir) / LAST_UPGRADE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _record(index_dir: Path, decided: Verdict, status: str, summary: str = "") -> None:
    atomic_write(Path(index_dir) / LAST_UPGRADE, json.dumps(
        {**asdict(decided), "status": status, "summary": summary,
         "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}, ensure_ascii=False, indent=1).encode("utf-8"))
