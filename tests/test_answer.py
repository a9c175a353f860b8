"""Extractive answers: every sentence is copied from the excerpt its marker names."""

import re

import numpy as np
import pytest

from core.analysis import Analyzer
from core.sentences import quotable_sentences
from retrieval.answer import (NO_ANSWER_TEXT, _runner_up, extractive_answer, near_text, ranked_candidates,
                              with_announced_list)
from retrieval.ranker import load_ranker
from retrieval.verify import contradicts, quantities

from conftest import searcher_declining

QUESTIONS = [
    "Comment intégrer l'égalité femmes-hommes dans nos actions ?",
    "Quels leviers pour l'emploi dans les quartiers prioritaires ?",
    "Que se passe-t-il si un salarié abandonne son poste ?",
    "Comment publier une réutilisation sur data.gouv.fr ?",
]


def squash(text):
    return " ".join(text.split())


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_sentence_is_verbatim_in_the_excerpt_its_marker_names(searcher, embedder, question):
    result = searcher.search(question, k=5)
    answer = extractive_answer(question, result, embedder)
    assert not answer.no_answer
    assert 2 <= len(answer.sentences) <= 5
    for sentence in answer.sentences:
        assert 1 <= sentence.n <= len(answer.citations)
        assert sentence.text in squash(answer.citations[sentence.n - 1].hit.passage.text)
    markers = [int(m) for m in re.findall(r"\[(\d+)\]", answer.text)]
    assert markers and all(1 <= m <= len(answer.citations) for m in markers)


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_likeliest_sentence_opens_the_answer(searcher, embedder, question):
    result = searcher.search(question, k=5)
    ranked = ranked_candidates(question, result, embedder)
    best = ranked.candidates[int(load_ranker().probabilities(ranked.features).argmax())]
    assert extractive_answer(question, result, embedder).sentences[0].text.startswith(best.text)


def test_sentences_are_not_repeated(searcher, embedder):
    answer = extractive_answer(QUESTIONS[0], searcher.search(QUESTIONS[0]), embedder)
    texts = [s.text for s in answer.sentences]
    assert len(texts) == len(set(texts))


def test_after_its_best_sentence_the_answer_reads_in_excerpt_order(searcher, embedder):
    answer = extractive_answer(QUESTIONS[1], searcher.search(QUESTIONS[1]), embedder)
    numbers = [s.n for s in answer.sentences[1:]]
    assert numbers == sorted(numbers)


@pytest.mark.parametrize("question", ["Comment impliquer les artistes dans les quartiers ?",
                                      "Comment la santé est-elle prise en compte dans les contrats de ville ?",
                                      "Comment mesurer l'impact d'une action sur l'égalité entre les filles et les garçons ?"])
def test_the_answer_does_not_just_repeat_the_first_excerpt(searcher, embedder, question):
    answer = extractive_answer(question, searcher.search(question), embedder)
    from_first = [len(s.text.split()) for s in answer.sentences if s.n == 1]
    first_words = len(answer.citations[0].hit.passage.text.split())
    assert len(answer.sentences) >= 2
    assert len(from_first) <= 1 or sum(from_first) <= first_words / 2


def test_nothing_relevant_gives_a_french_no_answer(searcher, embedder):
    question = "Quelle est la recette de la pâte à crêpes ?"
    answer = extractive_answer(question, searcher.search(question), embedder)
    assert answer.no_answer and answer.text == NO_ANSWER_TEXT
    assert "Documents" in answer.text


def test_a_declined_answer_names_the_near_miss_and_its_themes(searcher, embedder):
    question = "Quel préavis respecter pour une démission ?"
    result = searcher_declining(searcher, question, 0.01).search(question)
    answer = extractive_answer(question, result, embedder)
    near = result.near[0]
    assert answer.no_answer and answer.text.startswith(NO_ANSWER_TEXT)
    assert f"Ce document s'en approche sans y répondre directement : « {near.title} »." in answer.text
    assert [d["doc_id"] for d in answer.to_json()["near_misses"]] == [near.doc_id]


def test_near_misses_name_their_themes_once():
    from dataclasses import replace
    from retrieval.index import DocumentInfo
    base = DocumentInfo("a", "a.txt", "", "text", "Guide A", "", "2020", "guide", ("emploi", "jeunesse"), 0, 3)
    text = near_text([base, replace(base, doc_id="b", title="Guide B", themes=("emploi", "santé"))])
    assert text.startswith("Ces documents s'en approchent sans y répondre directement : « Guide A », « Guide B ».")
    assert text.endswith("Thèmes proches : emploi, jeunesse, santé.")


# --- verification: contradictions that word overlap cannot see ---------------------------

LOI = ("Le contrat de ville est conclu pour une durée de six ans. Les conseils citoyens sont associés "
       "à son élaboration. 25 % des crédits vont aux quartiers ; 1 000 habitants ont été consultés.")


def test_quantities_are_read_from_digits_number_words_and_months():
    assert quantities("pour six ans") == {"6"} and quantities("pour 6 ans") == {"6"}
    assert quantities("le 4 mars 2021") == {"4", "month-3", "2021"}
    assert quantities("1 000 habitants, 2,5 % et 25 %") == {"1000", "2.5", "25"}


@pytest.mark.parametrize("sentence", [
    "Le contrat de ville est conclu pour une durée de dix ans.",
    "Le contrat de ville est conclu pour une durée de 10 ans.",
    "35 % des crédits vont aux quartiers.",
    "2 000 habitants ont été consultés.",
    "Les conseils citoyens ne sont pas associés à son élaboration.",
    "Les conseils citoyens ne sont jamais associés à son élaboration.",
])
def test_a_changed_number_or_an_added_negation_contradicts_the_excerpt(sentence):
    assert contradicts(sentence, LOI, Analyzer())


@pytest.mark.parametrize("sentence", [
    "Le contrat de ville dure six ans.",
    "Le contrat de ville est conclu pour 6 ans.",
    "Les conseils citoyens sont associés à l'élaboration du contrat de ville.",
    "Mille habitants ont été consultés.",
])
def test_a_faithful_sentence_does_not_contradict_the_excerpt(sentence):
    assert not contradicts(sentence, LOI, Analyzer())


ARTICLE_5 = ("Article 5\n\nI. ― Les quartiers prioritaires de la politique de la ville sont situés en territoire "
             "urbain et sont caractérisés par :\n\n1° Un nombre minimal d'habitants ;\n\n2° Un écart de "
             "développement économique et social apprécié par un critère de revenu des habitants. Cet écart est "
             "défini par rapport au territoire national.\n\nDans les départements d'outre-mer, ces quartiers "
             "peuvent être caractérisés par des critères sociaux.")
ANNOUNCING = ("― Les quartiers prioritaires de la politique de la ville sont situés en territoire urbain et sont "
              "caractérisés par :")


def test_a_sentence_announcing_a_list_takes_its_items_and_stops_where_the_list_ends():
    quoted = with_announced_list(ANNOUNCING, ARTICLE_5.index("―"), ARTICLE_5)
    assert quoted.startswith(ANNOUNCING) and quoted.endswith("critère de revenu des habitants.")
    assert "1° Un nombre minimal d'habitants ;" in quoted and "Cet écart" not in quoted
    assert quoted in " ".join(ARTICLE_5.split())  # still verbatim in its excerpt


def test_a_list_too_long_to_quote_keeps_only_the_items_that_fit():
    quoted = with_announced_list(ANNOUNCING, ARTICLE_5.index("―"), ARTICLE_5, longest=30)
    assert quoted.endswith("1° Un nombre minimal d'habitants ;")
    assert with_announced_list("Un contrat de ville est signé.", 0, "Un contrat de ville est signé. 1° Suite") == \
        "Un contrat de ville est signé."


def test_a_list_announced_with_period_numbers_is_quoted_with_its_items():
    # guide-producteurs-schemas.pdf, page 6: « 1. » was cut off its item, which ended the list
    steps = ("Afin de déterminer s’il est nécessaire de créer ou non un schéma de données, nous vous recommandons "
             "de suivre les étapes suivantes :\n1. Lire attentivement les différentes sections de ce guide;\n"
             "2. Organiser une réunion réunissant des acteurs métiers.\nLors de cette réunion, vous débatterez.")
    start, _, sentence = quotable_sentences(steps)[0]
    assert with_announced_list(sentence, start, steps).endswith(
        "suivantes : 1. Lire attentivement les différentes sections de ce guide; 2. Organiser une réunion réunissant "
        "des acteurs métiers.")


def test_the_same_sentence_repeated_under_its_heading_is_no_second_sentence():
    # a page quoted its first sentence again under its heading, with a curly apostrophe
    texts = ["Les congés payés Tout salarié a droit chaque année à un congé payé à la charge de l'employeur.",
             "Tout salarié a droit chaque année à un congé payé à la charge de l’employeur.",
             "Les salariés à temps partiel ont droit au même congé payé."]
    assert _runner_up([0, 1, 2], np.array([0.9, 0.89, 0.8]), texts, within=0.8) == [2]
    assert _runner_up([0, 1, 2], np.array([0.9, 0.89, 0.5]), texts, within=0.8) == []
