"""The curator's view: every document as Boussole sees it — indexed or failed and why, read
by OCR, harvested from which page — and what staff can do to one: remove it, re-read it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from core.errors import BoussoleError
from core.roots import source_path
from core.settings import Settings
from core.store import read_last_refresh
from core.documents import Metadata
from ingest.catalogue import check_metadata
from ingest.decisions import exclude, restore, save_extra_hosts, save_sites
from ingest.harvest import edit_harvested, forget_harvested, harvest_origins
from ingest.lock import writer_lock
from ingest.refresh import refresh
from ingest.network import AddressPolicy
from ingest.uploads import Upload, remove_catalogue_row, save_uploads, update_catalogue


@dataclass(frozen=True)
class DocumentStatus:
    label: str  # title, or the file's path for a file that failed
    path: str  # root/source for indexed documents, the file path for failures
    doc_id: str = ""  # "" when the file is not in the index
    failure: str = ""  # why the last refresh could not read it
    ocr_pages: int = 0
    harvested: dict | None = None  # {"url", "listing", "seen"} for a harvested file
    copies: tuple[str, ...] = ()  # root/source of the files with the same text, indexed as this one

    @property
    def indexed(self) -> bool:
        return bool(self.doc_id)


def document_statuses(index, index_dir: Path) -> list[DocumentStatus]:
    """Indexed documents (with their last failure, if the last refresh could not re-read them:
    the previous version is what is served), then files that failed and are not indexed."""
    failures = {f["path"]: f["reason"] for f in read_last_refresh(index_dir).get("failures", [])}
    roots = index.roots if index else {}
    origins = {name: harvest_origins(folder) for name, folder in roots.items()}
    copies: dict[str, list[str]] = {}
    for info in (index.manifest.documents.values() if index else []):
        if info.get("copy_of"):
            copies.setdefault(info["copy_of"], []).append(f"{info['root']}/{info['source']}")
    out, shown = [], set()
    for doc in sorted(index.documents.values(), key=lambda d: d.title.lower()) if index else []:
        folder = roots.get(doc.root)
        path = str((folder / doc.source) if folder else doc.source)
        shown.add(path)
        out.append(DocumentStatus(doc.title, f"{doc.root}/{doc.source}", doc.doc_id, failures.get(path, ""),
                                  doc.ocr_pages, origins.get(doc.root, {}).get(doc.source),
                                  tuple(sorted(copies.get(doc.doc_id, [])))))
    out += [DocumentStatus(Path(path).name, path, failure=reason)
            for path, reason in sorted(failures.items()) if path not in shown]
    return out


def status_text(status: DocumentStatus) -> str:
    """The document's state in plain French words, for staff."""
    lines = [f"Fichier : {status.path}",
             "État : " + ("indexé" if status.indexed else "non indexé")
             + (f" — la dernière lecture a échoué : {status.failure}" if status.failure else "")]
    if status.indexed and status.failure:
        lines.append("La version précédente reste servie.")
    if status.copies:
        lines.append(f"Même texte aussi dans : {', '.join(status.copies)} (indexé une seule fois)")
    if status.ocr_pages:
        lines.append(f"Lu par reconnaissance de caractères (OCR) : {status.ocr_pages} page(s)")
    if status.harvested:
        lines.append(f"Moissonné depuis {status.harvested['listing'] or status.harvested['url']}, "
                     f"vu sur le site le {status.harvested['seen'] or '?'}")
    return "\n".join(lines)


def remove_document(settings: Settings, index, doc_id: str, embedder=None):
    """Delete a document's file and its catalogue row (every other line kept), then refresh its
    folder so it leaves the index. A harvested document's address also goes on the exclusion
    list, so that the next harvest does not bring it back. Returns the refresh report."""
    with writer_lock(settings, "retrait d'un document"):
        doc = index.documents[doc_id]
        folder = index.roots.get(doc.root)
        path = source_path(index.roots, doc.root, doc.source)
        if path is None:
            raise BoussoleError(f"{doc.source}: its file is no longer inside its sources folder")
        link = forget_harvested(folder, doc.source)
        if link:
            exclude(folder, link, doc.title)
        else:
            remove_catalogue_row(folder, doc.source)
            path.unlink()
        return refresh(settings, [path.parent], embedder=embedder)


def update_document(settings: Settings, root: Path, source: str, metadata: Metadata) -> Path:
    """Save staff's edit of a document's catalogue fields. For a harvested document they are
    kept as overrides that every later harvest applies over what the site says. Returns the
    catalogue file that now holds the row."""
    metadata = replace(metadata, themes=tuple(t.strip() for t in metadata.themes if t.strip()))
    with writer_lock(settings, "modification d'une fiche"):
        check_metadata(metadata)
        return edit_harvested(root, source, metadata) or update_catalogue(root, source, metadata)


def restore_document(settings: Settings, sources: Path, url: str) -> None:
    """« Rétablir »: take an address off the exclusion list; the next harvest brings it back."""
    with writer_lock(settings, "rétablissement d'un document"):
        restore(sources, url)


def add_uploads(settings: Settings, uploads: list[Upload], replace_existing: bool) -> list:
    """Save uploaded files into the sources folder (see ``save_uploads``), holding the lock."""
    with writer_lock(settings, "ajout de fichiers"):
        return save_uploads(settings.sources_path, uploads, settings.max_upload_bytes, replace_existing)


def save_site_addresses(settings: Settings, urls: list[str], hosts: list[str]) -> list[str]:
    """Save the listing addresses to follow and the other hosts that count as the site."""
    with writer_lock(settings, "enregistrement des adresses du site"):
        saved = save_sites(settings.sources_path, urls, AddressPolicy.from_settings(settings))
        save_extra_hosts(settings.sources_path, hosts)
        return saved


def reread_document(settings: Settings, index, doc_id: str, embedder=None):
    """Extract, cut and embed one document again from its file."""
    doc = index.documents[doc_id]
    path = source_path(index.roots, doc.root, doc.source)
    if path is None:
        raise BoussoleError(f"{doc.source}: its file is no longer inside its sources folder")
    return refresh(settings, [path], full=True, embedder=embedder)
