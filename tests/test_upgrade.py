"""A new release meets the index an earlier one built: it serves it, or rebuilds it in the
background, and says which — never a crash, never an answer from a mismatched index."""

from __future__ import annotations

import json
import shutil
import time

import httpx
import pytest

from core.errors import IndexOutdated
from core.store import current_build, read_manifest
from drive import running_ui
from ingest.sources import EXTRACTOR_VERSION
from ingest.upgrade import last_upgrade, upgrade, verdict
from retrieval.index import Index


def earlier_release(seed_index, tmp_path, **manifest_changes):
    """A copy of a built index whose manifest says what an earlier release wrote: no
    ``extractor`` field (before this release), or the changes given."""
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index.index_path, index_dir)
    path = current_build(index_dir) / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest.pop("extractor")
    manifest.update(manifest_changes)
    path.write_text(json.dumps(manifest), encoding="utf-8")
    return seed_index.with_(index_dir=index_dir)


def test_this_releases_build_is_served_as_it_is(seed_index):
    assert verdict(read_manifest(current_build(seed_index.index_path))).action == "serve"


def test_a_build_whose_documents_were_read_differently_is_served_while_they_are_read_again(seed_index, tmp_path, embedder):
    settings = earlier_release(seed_index, tmp_path)
    old = current_build(settings.index_path)
    assert Index(old).documents  # served meanwhile

    decided = upgrade(settings, embedder)

    new = read_manifest(current_build(settings.index_path))
    assert decided.action == "refresh" and new.build_id != old.name and new.extractor == EXTRACTOR_VERSION
    assert set(new.documents) == set(read_manifest(old).documents)
    assert last_upgrade(settings.index_path)["status"] == "terminée"


def test_a_build_of_another_format_is_never_answered_from_and_is_rebuilt(seed_index, tmp_path, embedder):
    settings = earlier_release(seed_index, tmp_path, format=2)
    with pytest.raises(IndexOutdated):
        Index(current_build(settings.index_path))

    decided = upgrade(settings, embedder)

    rebuilt = Index(current_build(settings.index_path))
    assert decided.action == "rebuild" and "reconstruit en arrière-plan" in decided.french
    assert set(rebuilt.documents) == set(read_manifest(current_build(seed_index.index_path)).documents)


def test_bm25_built_with_another_french_analysis_is_not_answered_from(seed_index, tmp_path):
    settings = earlier_release(seed_index, tmp_path, lexical="1")
    assert verdict(read_manifest(current_build(settings.index_path))).action == "rebuild"
    with pytest.raises(IndexOutdated):
        Index(current_build(settings.index_path))


def test_the_new_release_started_on_an_old_index_rebuilds_it_and_then_answers(seed_index, tmp_path):
    settings = earlier_release(seed_index, tmp_path, format=2)
    old = current_build(settings.index_path).name
    with running_ui(settings.index_path) as url:
        deadline, health = time.time() + 240, None
        while time.time() < deadline:
            health = httpx.get(f"{url}/api/v1/health", timeout=30)
            if health.status_code == 200:
                break
            assert health.status_code == 503  # said, not crashed, while it is rebuilt
            time.sleep(1)
        assert health.status_code == 200 and health.json()["build"] != old
        answered = httpx.get(f"{url}/api/v1/search", params={"q": "égalité femmes-hommes"}, timeout=60)
        assert answered.status_code == 200 and answered.json()["results"]
    assert last_upgrade(settings.index_path)["action"] == "rebuild"
