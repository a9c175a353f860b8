"""Shared fixtures: real documents from ../shared, the real (offline-rebuilt) model, small indexes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SEED = ROOT / "data" / "sources"


def pytest_configure(config):
    if not CORPUS.is_dir():
        raise pytest.UsageError(f"The shared corpus is expected at {CORPUS}")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch):
    """No BOUSSOLE_* variable of the developer's shell leaks into a test."""
    for key in list(os.environ):
        if key.startswith("BOUSSOLE_"):
            monkeypatch.delenv(key)


@pytest.fixture(scope="session")
def base_settings():
    from core.settings import Settings
    return Settings(model_dir=ROOT / "models")


@pytest.fixture
def settings(base_settings, tmp_path):
    return base_settings.with_(data_dir=tmp_path / "data", index_dir=tmp_path / "index")


@pytest.fixture(scope="session")
def embedder(base_settings):
    from core.model import load_embedder
    return load_embedder(base_settings)


def copy_files(dest: Path, *files: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy(f, dest / f.name)
    return dest


@pytest.fixture(scope="session")
def mixed_sources(tmp_path_factory) -> Path:
    """The bundled seed notices plus one real PDF, HTML page and Markdown sheet."""
    folder = tmp_path_factory.mktemp("mixed")
    shutil.copytree(SEED, folder, dirs_exist_ok=True)
    copy_files(folder / "guides", CORPUS / "etalab-guides" / "guide-reutilisation.pdf")
    copy_files(folder / "pages", CORPUS / "fiches-travail" / "la-demission.html")
    copy_files(folder / "loi", CORPUS / "loi-ville-2014" / "article-7.md")
    return folder


@pytest.fixture(scope="session")
def mixed_index(mixed_sources, base_settings, embedder, tmp_path_factory):
    """A built index over ``mixed_sources`` (built once per test session)."""
    from ingest.refresh import refresh
    settings = base_settings.with_(index_dir=tmp_path_factory.mktemp("index"),
                                   sources=mixed_sources)
    report = refresh(settings, embedder=embedder)
    assert report.failed == 0, report.failures
    return settings


@pytest.fixture(scope="session")
def searcher(mixed_index, embedder):
    from retrieval.index import IndexHandle
    from retrieval.search import Searcher
    return Searcher(mixed_index, embedder, IndexHandle(mixed_index.index_path))


@pytest.fixture(scope="session")
def seed_index(base_settings, embedder, tmp_path_factory):
    """The bundled sample corpus (data/sources), indexed once per session."""
    from ingest.refresh import refresh
    settings = base_settings.with_(index_dir=tmp_path_factory.mktemp("seed-index"), sources=SEED)
    refresh(settings, embedder=embedder)
    return settings


@pytest.fixture
def sources(tmp_path):
    """A writable copy of the bundled sample corpus."""
    folder = tmp_path / "sources"
    shutil.copytree(SEED, folder)
    return folder
