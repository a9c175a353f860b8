"""The learned abstention: a logistic regression over a few named features, shipped as JSON,
deciding on a build calibrated for it; a build from before keeps the threshold rule."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from conftest import CORPUS, SEED, copy_files
from core.abstention import CONTENT_WORDS_CAP, FEATURES, KNOWN_SHARE, MODEL_FILE, Evidence, declines, load_model
from retrieval.index import IndexHandle
from retrieval.search import Searcher

# A few of the labour ministry's pages beside the centre's notices: the index where the bank's
# « travail » questions are the collection's own and a cosine threshold declined one good question in four.
PAGES = ("la-periode-dessai.html", "la-demission.html", "la-greve.html", "la-duree-legale-du-travail.html")


@pytest.fixture(scope="module")
def work_searcher(base_settings, embedder, tmp_path_factory):
    from ingest.refresh import refresh
    folder = tmp_path_factory.mktemp("work-and-seed")
    copy_files(folder / "notices", *sorted(SEED.glob("*.txt")))
    copy_files(folder / "pages", *(CORPUS / "fiches-travail" / page for page in PAGES))
    settings = base_settings.with_(index_dir=tmp_path_factory.mktemp("work-index"), sources=folder)
    report = refresh(settings, embedder=embedder)
    assert report.failed == 0, report.failures
    return Searcher(settings, embedder, IndexHandle(settings.index_path))


def test_the_shipped_model_loads_and_weighs_every_named_feature():
    data = json.loads(files("core").joinpath(MODEL_FILE).read_text(encoding="utf-8"))
    assert set(data["weights"]) == set(FEATURES) == set(data["mean"]) == set(data["scale"])
    model = load_model()
    assert set(model.logistic.names) == set(FEATURES) and 0 < model.threshold < 1
    assert all(weight != 0 for weight in model.logistic.weights)


def test_a_build_calibrates_what_the_learned_decision_reads(work_searcher):
    calibration = work_searcher.handle.get().manifest.dense["abstention"]
    assert calibration["probe_spread"] > 0 and calibration["probe_median"] < calibration["threshold"]


def test_the_bank_category_the_pages_cover_is_left_out_of_the_threshold(work_searcher):
    assert "travail" in work_searcher.handle.get().manifest.dense["abstention"]["covered"]


def test_a_work_law_question_is_answered_and_a_recipe_declined(work_searcher):
    answered = work_searcher.search("Combien de temps peut durer la période d'essai d'un CDI ?")
    assert not answered.no_answer and answered.hits
    assert answered.hits[0].document.title.lower().count("essai")
    declined = work_searcher.search("recette de la ratatouille svp")
    assert declined.no_answer and declined.hits == []


def test_a_build_from_before_the_learned_decision_keeps_the_threshold_rule():
    before = {"abstention": {"threshold": 0.85, "probes": 216}}  # no median nor spread recorded
    assert declines(Evidence(0.84, 1.0, 1.0, 1.0), before, 0.0)
    assert not declines(Evidence(0.86, 1.0, 0.2, 0.1), before, 0.0)
    assert declines(Evidence(0.99, KNOWN_SHARE - 0.1, 1.0, 1.0), before, 0.0)


def test_a_question_the_pages_answer_finds_the_same_document_by_meaning_and_by_words(work_searcher):
    answered = work_searcher.search("Combien de temps peut durer la période d'essai d'un CDI ?").evidence
    off_topic = work_searcher.search("horaires de la piscine municipale le dimanche").evidence
    assert answered.lexical_agreement == 1.0
    assert off_topic.lexical_agreement < answered.lexical_agreement


def test_a_pasted_paragraph_counts_no_more_content_words_than_the_cap(work_searcher):
    pasted = ("Bonjour, je travaille dans une entreprise de transport depuis trois ans, mon employeur "
              "refuse mes congés payés cet été et menace de me licencier si je fais grève")
    assert work_searcher.search(pasted).evidence.content_words == CONTENT_WORDS_CAP
    assert work_searcher.search("la grève").evidence.content_words == 1
