"""The folders an index was built from (its *roots*), and where a given path belongs.

A document's identity is its root's name and its path inside that root, never an absolute
path: moving the installation, or re-ingesting one file or one subfolder, finds the same
documents. Each root's location is recorded relative to the index folder (so a moved
installation still finds it) and as an absolute path (for an index kept elsewhere).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Root:
    name: str  # unique within an index; part of every document id
    path: Path  # where the folder is now (absolute)

    def record(self, index_dir: Path) -> dict:
        return {"relative": os.path.relpath(self.path, Path(index_dir).resolve()), "absolute": str(self.path)}


@dataclass(frozen=True)
class Placement:
    """Where a path given to a refresh belongs: its root, and the part of the root it covers."""
    root: Root
    prefix: str  # "" for the whole root, "sub/" for a subfolder, "sub/file.pdf" for one file

    def covers(self, source: str) -> bool:
        return not self.prefix or source == self.prefix or (
            self.prefix.endswith("/") and source.startswith(self.prefix))


def known_roots(records: dict[str, dict], index_dir: Path) -> list[Root]:
    """The recorded roots, each at its current location (relative first: the installation may have moved)."""
    roots = []
    for name, record in records.items():
        relative = (Path(index_dir) / record.get("relative", "")).resolve()
        path = relative if record.get("relative") and relative.is_dir() else Path(record.get("absolute", relative))
        roots.append(Root(name, path))
    return roots


def place(path: Path, roots: list[Root], default: Path) -> Placement:
    """The root ``path`` belongs to: the deepest known root holding it, else the default sources
    folder if it holds it, else a known root of the same name whose folder is gone (moved), else
    a new root (the folder itself, or a file's folder). The caller records the root it returns.
    """
    path = Path(path).resolve()
    default = Path(default).resolve()
    holders = [r for r in roots if _inside(path, r.path)]
    if not holders and not any(r.path == default for r in roots) and _inside(path, default):
        holders = [Root(_unique(default.name, roots, default), default)]
    if holders:
        root = max(holders, key=lambda r: len(r.path.parts))
    else:
        folder = path if path.is_dir() else path.parent
        moved = [r for r in roots if r.name == folder.name and not r.path.is_dir()]
        # the same folder, moved: same name, hence the same documents
        root = Root(moved[0].name if moved else _unique(folder.name, roots, folder), folder)
    relative = path.relative_to(root.path).as_posix() if path != root.path else ""
    prefix = relative + "/" if relative and path.is_dir() else relative
    return Placement(root, prefix)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _unique(name: str, roots: list[Root], path: Path) -> str:
    taken = {r.name for r in roots if r.path != path}
    name = name or "sources"
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}-{n}", n + 1
    return candidate


def root_folders(records: dict[str, dict], index_dir: Path) -> dict[str, Path]:
    """Each root's folder, where it lies now."""
    return {r.name: r.path for r in known_roots(records, index_dir)}


def source_path(roots: dict[str, Path], root: str, source: str) -> Path | None:
    """A document's file, if it still lies inside its root folder (never a path outside it)."""
    if root not in roots:
        return None
    folder = roots[root].resolve()
    path = (folder / source).resolve()
    return path if path.is_file() and folder in path.parents else None
