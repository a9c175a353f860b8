"""Kept questions bounded in number and in work: so many per visitor's address, so many in all
(the oldest go first), and themes whose cost does not grow with the square of the questions,
computed once per batch of questions and read by every page view."""

from __future__ import annotations

import hashlib
from datetime import date

import numpy as np
import pytest

import insights.themes
from insights.keeping import Keeper, insight_store
from insights.scrub import Scrubber
from insights.store import InsightStore, KeptQuestion
from insights.themes import SAMPLE, SEARCHED, themes, themes_csv, themes_of_batch

TODAY = date(2026, 12, 1)


def test_past_the_cap_the_oldest_questions_go_first(tmp_path):
    store = InsightStore(tmp_path / "insights.sqlite")
    for n in range(5):
        store.add(f"question {n}", "declined", TODAY, at_most=3)
    assert [k.text for k in store.since()] == ["question 2", "question 3", "question 4"]


def test_one_address_gets_so_many_questions_kept_an_hour_and_another_its_own(settings):
    keeper = Keeper(settings.with_(insights=True, insights_rate_limit="2/hour"), Scrubber())
    kept = [keeper.keep(f"Un club de sport numéro {n} ?", "declined", TODAY, who="198.51.100.7") for n in range(4)]
    assert kept == [True, True, False, False]
    assert keeper.keep("Un club de sport ?", "declined", TODAY, who="198.51.100.8")
    assert insight_store(settings).count() == 3


class CountingEmbedder:
    """Random unit vectors, one per text (the issue measured 3,000 random ones: 1,243 themes),
    counting the texts it was given."""

    def __init__(self):
        self.embedded = 0

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.embedded += len(texts)
        seeds = [int(hashlib.sha256(t.encode()).hexdigest()[:8], 16) for t in texts]
        vectors = np.stack([np.random.default_rng(s).standard_normal(384) for s in seeds]).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture
def counted(monkeypatch):
    """The work a themes view does: texts embedded, clusterings (and their size), searches."""
    work = {"clusterings": [], "searches": 0}
    grouping = insights.themes.group_labels

    def group_labels(vectors, *args):
        work["clusterings"].append(len(vectors))
        return grouping(vectors, *args)
    monkeypatch.setattr(insights.themes, "group_labels", group_labels)

    def closest(question: str) -> list[str]:
        work["searches"] += 1
        return ["Un guide"]
    return work, closest


def kept_questions(count: int, start: int = 0) -> list[KeptQuestion]:
    return [KeptQuestion(TODAY, "declined", f"question de visiteur numéro {n} ?") for n in range(start, start + count)]


def test_three_thousand_questions_cost_one_bounded_clustering_and_at_most_one_search_per_shown_theme(counted):
    work, closest = counted
    embedder = CountingEmbedder()
    found = themes(kept_questions(3_000), embedder, TODAY, closest)
    assert embedder.embedded == SAMPLE and work["clusterings"] == [SAMPLE]
    assert work["searches"] == SEARCHED < len(found)
    assert sum(t.size for t in found) == SAMPLE
    assert found[0].documents == ("Un guide",) and not found[-1].searched
    assert "non cherchés" in themes_csv(found).splitlines()[-1]


def test_themes_are_computed_once_per_batch_not_per_page_view(tmp_path, counted):
    work, closest = counted
    store, embedder = InsightStore(tmp_path / "insights.sqlite"), CountingEmbedder()
    kept = kept_questions(3_000)
    compute = lambda batch: themes(batch, embedder, TODAY, closest)  # noqa: E731
    first = themes_of_batch(store, kept, TODAY, "build-1", compute)
    for _ in range(3):  # three more page views: read, not computed
        assert themes_of_batch(store, kept, TODAY, "build-1", compute) == first
    assert len(work["clusterings"]) == 1 and work["searches"] == SEARCHED
    themes_of_batch(store, kept + kept_questions(1, start=3_000), TODAY, "build-1", compute)  # a new batch
    assert len(work["clusterings"]) == 2 and work["searches"] == 2 * SEARCHED


def test_erasing_the_questions_erases_their_stored_themes(tmp_path):
    store = InsightStore(tmp_path / "insights.sqlite")
    store.add("Un club de foot gratuit ?", "declined", TODAY)
    store.save_themes("batch", '[{"theme": "Un club de foot gratuit ?"}]')
    store.clear()
    assert store.saved_themes("batch") is None and b"foot" not in store.path.read_bytes()
