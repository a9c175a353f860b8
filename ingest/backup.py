"""Backups of what cannot be rebuilt, and their restore on another machine.

An archive (``boussole-<UTC time>.tar.gz``) holds:

    roots/<name>/…          every folder the live index was built from, and the default sources
                            folder (harvested files, their state, the curator's decisions, the
                            saved site addresses and hosts all live there, under ``web/``)
    state/insights.sqlite   the kept visitors' questions   } copied with SQLite's online backup,
    state/feedback.sqlite   the thumbs up / down            } consistent while the app writes
    state/settings.env      the BOUSSOLE_* settings in force, secrets left out
    index/…                 the live build, only with ``include_index`` (it can be rebuilt)
    manifest.json           last: every member's size and SHA-256, the roots, the default root

It is written under a temporary name and renamed once complete and flushed, so a backup killed
at any moment leaves no file with the archive's name. Restore reads the whole archive, checks
every checksum against the manifest before writing anything, and refuses an archive that is
truncated, altered or incomplete with a French message naming what is wrong.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from core.errors import BoussoleError
from core.roots import root_folders
from core.settings import ENV_PREFIX, Settings
from core.store import CURRENT, BUILDS, current_build, read_manifest

MANIFEST = "manifest.json"
FORMAT = 1
PREFIX = "boussole-"
SUFFIX = ".tar.gz"
_SECRET_FIELDS = {f.name for f in fields(Settings) if not f.repr}
# Fields naming this machine's folders: on another machine the restore says where they are.
_PATH_FIELDS = {"data_dir", "index_dir", "sources", "model_dir"}


class BackupError(BoussoleError):
    """A backup cannot be written, or an archive cannot be restored (named, with the reason)."""

    def __init__(self, detail: str, french: str):
        super().__init__(detail)
        self.french = french


@dataclass
class BackupReport:
    archive: Path
    files: int = 0
    bytes: int = 0
    roots: list[str] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # older archives rotated out

    def summary(self) -> str:
        return (f"backup: {self.archive} ({self.files} file(s), {self.bytes / 1e6:.1f} MB; roots: "
                f"{', '.join(self.roots) or 'none'}; {len(self.removed)} older archive(s) removed)")


@dataclass
class RestoreReport:
    target: Path
    files: int = 0
    roots: dict[str, Path] = field(default_factory=dict)
    default_root: str = ""
    index: bool = False  # the archive's index was restored (else it must be rebuilt)

    def settings_lines(self) -> list[str]:
        """The environment lines that point Boussole at the restored folders."""
        lines = [f"{ENV_PREFIX}DATA_DIR={self.target}"]
        if self.default_root:
            lines.append(f"{ENV_PREFIX}SOURCES={self.roots[self.default_root]}")
        return lines


def backup(settings: Settings, destination: Path, include_index: bool = False, keep: int = 0) -> BackupReport:
    """Write one archive into the folder ``destination``; keep the ``keep`` newest (0: all)."""
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    archive = destination / f"{PREFIX}{stamp}{SUFFIX}"
    roots, default = _roots(settings)
    report = BackupReport(archive, roots=sorted(roots))
    fd, partial = tempfile.mkstemp(dir=destination, prefix=".partial-", suffix=SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            with tarfile.open(fileobj=handle, mode="w:gz") as tar:
                members = _write_members(tar, settings, roots, include_index)
                manifest = {"format": FORMAT, "created_at": stamp, "roots": sorted(roots), "default_root": default,
                            "index": include_index, "files": members}
                _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, archive)
    except OSError as exc:
        raise BackupError(f"{archive}: cannot be written ({exc.strerror or exc})",
                          f"La sauvegarde n'a pas pu être écrite dans {destination} : {exc.strerror or exc}.") from exc
    finally:
        Path(partial).unlink(missing_ok=True)
    report.files, report.bytes = len(members), archive.stat().st_size
    report.removed = rotate(destination, keep) if keep else []
    return report


def rotate(destination: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest archives (their names sort by time); and partial files
    a killed backup left."""
    archives = sorted(Path(destination).glob(f"{PREFIX}*{SUFFIX}"))
    old = archives[:-keep] if keep > 0 else []
    for path in old + sorted(Path(destination).glob(f".partial-*{SUFFIX}")):
        path.unlink(missing_ok=True)
    return old


def restore(archive: Path, target: Path) -> RestoreReport:
    """Check ``archive`` whole, then unpack it into the empty folder ``target`` (a data folder):
    ``roots/<name>/``, ``index/`` with the kept questions, ``feedback.sqlite``, ``settings.env``."""
    archive, target = Path(archive), Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target}: not empty", f"Le dossier de restauration {target} n'est pas vide : "
                          "choisissez un dossier vide (rien n'a été écrit).")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-restore-"))
    try:
        manifest = _unpack_checked(archive, staging)
        roots = {name: target / "roots" / name for name in manifest["roots"]}
        for name in roots:
            (staging / "roots" / name).mkdir(parents=True, exist_ok=True)
        if manifest.get("index"):
            _repoint_roots(staging / "index", roots, target / "index")
        if target.exists():
            target.rmdir()
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RestoreReport(target, files=len(manifest["files"]), roots=roots,
                         default_root=manifest.get("default_root") or "", index=bool(manifest.get("index")))


def _roots(settings: Settings) -> tuple[dict[str, Path], str]:
    """The folders to save, by root name, and the name of the default sources folder's root."""
    build = current_build(settings.index_path)
    roots = root_folders(read_manifest(build).roots, settings.index_path) if build else {}
    roots = {name: path for name, path in roots.items() if path.is_dir()}
    default = settings.sources_path.resolve()
    named = next((name for name, path in roots.items() if path.resolve() == default), "")
    if not named and default.is_dir():
        named = default.name if default.name not in roots else f"{default.name}-sources"
        roots[named] = default
    return roots, named


def _write_members(tar: tarfile.TarFile, settings: Settings, roots: dict[str, Path], include_index: bool) -> dict:
    members: dict[str, dict] = {}

    def add(name: str, data: bytes) -> None:
        _add_bytes(tar, name, data)
        members[name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}

    def add_file(name: str, path: Path) -> None:  # streamed: an index's vectors may be large
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
            info = tar.gettarinfo(fileobj=handle, arcname=name)
            handle.seek(0)
            tar.addfile(info, handle)
        members[name] = {"size": info.size, "sha256": digest.hexdigest()}

    for root, folder in sorted(roots.items()):
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".write-")):
            add_file(f"roots/{root}/{path.relative_to(folder).as_posix()}", path)
    for name, path in (("state/insights.sqlite", settings.index_path / "insights.sqlite"),
                       ("state/feedback.sqlite", settings.feedback_path)):
        if path.is_file():
            add(name, _sqlite_copy(path))
    add("state/settings.env", _settings_text(settings).encode("utf-8"))
    build = current_build(settings.index_path) if include_index else None
    if build is not None:
        for path in sorted(p for p in build.rglob("*") if p.is_file()):
            add_file(f"index/{BUILDS}/{build.name}/{path.relative_to(build).as_posix()}", path)
        add(f"index/{CURRENT}", build.name.encode())
    return members


def _sqlite_copy(path: Path) -> bytes:
    """A consistent copy of a database other processes may be writing (SQLite's online backup)."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "copy.sqlite"
        source, target = sqlite3.connect(path), sqlite3.connect(copy)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return copy.read_bytes()


def _settings_text(settings: Settings) -> str:
    """The settings that differ from the defaults, as environment lines, secrets and this
    machine's paths left out."""
    defaults = Settings()
    lines = ["# Boussole settings at backup time (secrets left out: set them again)"]
    for f in fields(Settings):
        value = getattr(settings, f.name)
        if f.name in _SECRET_FIELDS or f.name in _PATH_FIELDS or value == getattr(defaults, f.name):
            continue
        lines.append(f"{ENV_PREFIX}{f.name.upper()}={int(value) if isinstance(value, bool) else value}")
    return "\n".join(lines) + "\n"


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o644, int(datetime.now(timezone.utc).timestamp())
    tar.addfile(info, io.BytesIO(data))


def _unpack_checked(archive: Path, staging: Path) -> dict:
    """Unpack every member under ``staging`` (streamed, hashed on the way), then hold each
    against the manifest; BackupError when anything is missing, extra or altered."""
    def refused(detail: str, french: str) -> BackupError:
        return BackupError(f"{archive}: {detail}", f"La sauvegarde {archive.name} est refusée : {french} "
                           "Rien n'a été restauré.")

    if not archive.is_file():
        raise BackupError(f"{archive}: no such file", f"La sauvegarde {archive} est introuvable.")
    digests, manifest_bytes = {}, None
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                if not member.isfile():
                    raise refused(f"unexpected member {member.name}", f"elle contient un élément inattendu ({member.name}).")
                source = tar.extractfile(member)
                if member.name == MANIFEST:
                    manifest_bytes = source.read()
                    continue
                digests[member.name] = _copy_hashed(source, _restored_path(staging, member.name))
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise refused(f"unreadable ({exc})", "l'archive est illisible ou tronquée (copie interrompue ?).") from exc
    if manifest_bytes is None:
        raise refused("no manifest", "elle ne contient pas son manifeste (sauvegarde incomplète).")
    try:
        manifest = json.loads(manifest_bytes)
        expected = {name: entry["sha256"] for name, entry in manifest["files"].items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise refused("unreadable manifest", "son manifeste est illisible.") from exc
    if manifest.get("format", 0) > FORMAT:
        raise refused("written by a newer release", "elle a été écrite par une version plus récente de Boussole.")
    for name in sorted(set(expected) | set(digests)):
        if name not in digests:
            raise refused(f"{name} missing", f"le fichier {name} annoncé par le manifeste manque.")
        if name not in expected:
            raise refused(f"{name} not in the manifest", f"le fichier {name} n'est pas dans le manifeste.")
        if digests[name] != expected[name]:
            raise refused(f"{name}: checksum mismatch", f"le fichier {name} est altéré (somme de contrôle différente).")
    return manifest


def _copy_hashed(source, place: Path) -> str:
    place.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with open(place, "wb") as out:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _restored_path(base: Path, name: str) -> Path:
    """Where an archive member goes under the restored data folder (never outside it)."""
    parts = PurePosixPath(name).parts
    if not parts or ".." in parts or PurePosixPath(name).is_absolute():
        raise BackupError(f"{name}: unsafe path", f"La sauvegarde contient un chemin dangereux ({name}) : refusée.")
    if parts[0] == "state":
        return {"insights.sqlite": base / "index" / "insights.sqlite", "feedback.sqlite": base / "feedback.sqlite",
                "settings.env": base / "settings.env"}.get(parts[-1], base / "state" / parts[-1])
    return base.joinpath(*parts)


def _repoint_roots(index_dir: Path, roots: dict[str, Path], final_index: Path) -> None:
    """The restored build's roots are where the restore put them (relative to the index first)."""
    build = current_build(index_dir)
    if build is None:
        return
    path = build / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["roots"] = {name: {"relative": os.path.relpath(folder, final_index), "absolute": str(folder)}
                     for name, folder in roots.items() if name in data.get("roots", {})}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
