"""Backups hold what cannot be rebuilt; a restore on another machine gives the same answers."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import time
from datetime import date

import pytest

from conftest import CORPUS, ROOT, SEED, copy_files
from core.messages import french_message
from ingest.backup import BackupError, backup, restore, rotate
from ingest.decisions import save_extra_hosts
from insights.store import InsightStore


def questions(n: int = 4) -> list[str]:
    rows = [json.loads(line) for line in (ROOT / "data/eval/questions.jsonl").read_text(encoding="utf-8").splitlines()]
    return [r["question"] for r in rows if r["relevant"]][:n]


@pytest.fixture(scope="module")
def live(tmp_path_factory, base_settings, embedder):
    """An installation as a centre runs it: two source folders indexed, a saved decision, a
    kept question and a vote."""
    from ingest.refresh import refresh
    home = tmp_path_factory.mktemp("live")
    sources = home / "data" / "sources"
    shutil.copytree(SEED, sources)
    save_extra_hosts(sources, ["fichiers.centre.example"])
    guides = copy_files(home / "elsewhere" / "textes-de-loi", CORPUS / "loi-ville-2014" / "article-5.md")
    settings = base_settings.with_(data_dir=home / "data", sources=sources, index_dir=home / "data" / "index")
    refresh(settings, [sources, guides], embedder=embedder)
    InsightStore(settings.index_path / "insights.sqlite").add("horaires de la piscine", "declined", date.today())
    return settings


def results(settings, embedder) -> list[list[tuple[str, str, str]]]:
    from retrieval.index import IndexHandle
    from retrieval.output import search_json
    from retrieval.search import Searcher
    searcher = Searcher(settings, embedder, IndexHandle(settings.index_path))
    out = []
    for question in questions():
        found = search_json(searcher.search(question))
        out.append([(r["doc_id"], r["source"], r["text"]) for r in found["results"]])
    return out


def test_restore_into_an_empty_folder_gives_the_same_documents_and_results(live, embedder, tmp_path, base_settings):
    from ingest.refresh import refresh
    report = backup(live, tmp_path / "backups")
    target = tmp_path / "new-machine" / "data"
    restored = restore(report.archive, target)
    settings = base_settings.with_(data_dir=target, index_dir=target / "index",
                                   sources=restored.roots[restored.default_root])
    refresh(settings, list(restored.roots.values()), embedder=embedder)

    assert sorted(restored.roots) == ["sources", "textes-de-loi"]
    assert results(settings, embedder) == results(live, embedder)
    assert (restored.roots["sources"] / "web" / ".hosts.txt").read_text() == "fichiers.centre.example\n"
    kept = InsightStore(target / "index" / "insights.sqlite").since()
    assert [k.text for k in kept] == ["horaires de la piscine"]


def test_an_archive_with_its_index_is_served_as_it_was_without_rebuilding(live, embedder, tmp_path, base_settings):
    report = backup(live, tmp_path / "backups", include_index=True)
    target = tmp_path / "other" / "data"
    restored = restore(report.archive, target)
    settings = base_settings.with_(data_dir=target, index_dir=target / "index")

    assert restored.index
    assert results(settings, embedder) == results(live, embedder)


def test_settings_are_saved_without_secrets(live, tmp_path):
    settings = live.with_(admin_password="s3cret-admin", api_keys="key-123", k=6)
    archive = backup(settings, tmp_path).archive
    with tarfile.open(archive) as tar:
        text = tar.extractfile("state/settings.env").read().decode()
    assert "BOUSSOLE_K=6" in text
    assert "s3cret-admin" not in text and "key-123" not in text


@pytest.mark.parametrize("damage, named", [
    ("flip", "refusée"),
    ("truncate", "illisible"),
    ("altered-member", "altéré"),
    ("no-manifest", "manifeste"),
])
def test_a_damaged_archive_is_refused_in_french_and_nothing_is_restored(live, tmp_path, damage, named):
    archive = backup(live, tmp_path / "backups").archive
    data = archive.read_bytes()
    if damage == "flip":
        archive.write_bytes(data[:len(data) // 2] + bytes([data[len(data) // 2] ^ 0xFF]) + data[len(data) // 2 + 1:])
    elif damage == "truncate":
        archive.write_bytes(data[:len(data) * 2 // 3])
    else:
        rebuilt = tmp_path / "rebuilt.tar.gz"
        with tarfile.open(archive) as old, tarfile.open(rebuilt, "w:gz") as new:
            for member in old:
                content = old.extractfile(member).read()
                if damage == "no-manifest" and member.name == "manifest.json":
                    continue
                if damage == "altered-member" and member.name.endswith("catalogue.csv"):
                    content += b"\nfaux.txt,Faux,,,,\n"
                    member.size = len(content)
                new.addfile(member, io.BytesIO(content))
        os.replace(rebuilt, archive)
    target = tmp_path / "target"
    with pytest.raises(BackupError) as refused:
        restore(archive, target)
    message = french_message(refused.value)
    assert named in message and archive.name in message and "Rien n'a été restauré" in message
    assert not target.exists() or not any(target.iterdir())
    assert not any(p.name.startswith(".target-restore-") for p in tmp_path.iterdir())


def test_restore_refuses_a_folder_that_is_not_empty(live, tmp_path):
    archive = backup(live, tmp_path / "backups").archive
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("à garder")
    with pytest.raises(BackupError, match="not empty"):
        restore(archive, tmp_path / "busy")
    assert (tmp_path / "busy" / "keep.txt").read_text() == "à garder"


def test_rotation_keeps_the_newest_archives_and_clears_partial_files(tmp_path):
    for stamp in ("20261201T023000Z", "20261202T023000Z", "20261203T023000Z"):
        (tmp_path / f"boussole-{stamp}.tar.gz").write_bytes(b"x")
    (tmp_path / ".partial-abc.tar.gz").write_bytes(b"x")
    removed = rotate(tmp_path, keep=2)
    assert [p.name for p in removed] == ["boussole-20261201T023000Z.tar.gz"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["boussole-20261202T023000Z.tar.gz",
                                                          "boussole-20261203T023000Z.tar.gz"]


def test_a_killed_backup_never_leaves_a_whole_looking_archive(live, tmp_path):
    """SIGKILL at several moments of `boussole backup --with-index`: either no archive has the
    final name, or the one that has it restores whole."""
    env = {**os.environ, "BOUSSOLE_DATA_DIR": str(live.data_dir), "BOUSSOLE_SOURCES": str(live.sources_path),
           "BOUSSOLE_INDEX": str(live.index_path)}
    command = [sys.executable, "-m", "cli.main", "backup", str(tmp_path / "backups"), "--with-index"]
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
    whole = time.perf_counter() - started
    shutil.rmtree(tmp_path / "backups")
    for fraction in (0.5, 0.7, 0.8, 0.9, 0.95):
        proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(whole * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for archive in (tmp_path / "backups").glob("boussole-*.tar.gz"):
            restore(archive, tmp_path / f"check-{fraction}")  # raises if it is not whole
            archive.unlink()


def test_the_nightly_unit_runs_a_backup_with_rotation(live, tmp_path):
    unit = (ROOT / "deploy" / "boussole-backup.service").read_text()
    command = next(line.split("=", 1)[1] for line in unit.splitlines() if line.startswith("ExecStart="))
    command = command.replace("/opt/boussole/.venv/bin/boussole", f"{sys.executable} -m cli.main")
    command = command.replace("/var/backups/boussole", str(tmp_path / "backups"))
    env = {**os.environ, "BOUSSOLE_DATA_DIR": str(live.data_dir), "BOUSSOLE_SOURCES": str(live.sources_path)}
    (tmp_path / "backups").mkdir()
    for day in range(1, 16):
        (tmp_path / "backups" / f"boussole-202611{day:02d}T040000Z.tar.gz").write_bytes(b"old")
    subprocess.run(command.split(), env=env, cwd=ROOT, check=True, capture_output=True)
    archives = sorted((tmp_path / "backups").glob("boussole-*.tar.gz"))
    assert len(archives) == 14 and archives[-1].read_bytes() != b"old"
    restore(archives[-1], tmp_path / "restored")
