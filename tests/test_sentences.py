"""Sentences as a French reader cuts them, and what never opens an answer (core/sentences.py)."""

import json

import pytest

from conftest import CORPUS, ROOT
from core.sentences import heading_length, is_heading, quotable_sentences, sentence_spans
from ingest.pdf import load_pdf, page_text

HARD = [json.loads(line) for line in (ROOT / "data" / "eval" / "sentences-hard.jsonl").open(encoding="utf-8")]


@pytest.mark.parametrize("passage", HARD, ids=[p["id"] for p in HARD])
def test_every_hard_passage_is_cut_where_a_french_reader_cuts_it(passage):
    text = passage["text"]
    assert [" ".join(text[a:b].split()) for a, b in sentence_spans(text)] == passage["sentences"]


def test_the_hard_set_holds_fifty_passages_of_the_corpora_in_two_halves():
    assert len(HARD) >= 50 and {p["split"] for p in HARD} == {"dev", "heldout"}
    assert all((CORPUS / p["source"]).is_file() for p in HARD)


def test_spans_are_over_the_original_text_without_surrounding_spaces():
    text = "  Voir l'article L. 411-2 du code.\nLes quartiers\n\n1. Lire le guide ;\n2. Publier.  "
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == ["Voir l'article L. 411-2 du code.", "Les quartiers",
                                            "1. Lire le guide ;", "2. Publier."]


def test_a_line_opening_with_a_capital_after_a_heading_starts_a_sentence():
    text = "Lieux concernés\nLe contrôleur visite les prisons."
    assert [text[a:b] for a, b in sentence_spans(text)] == ["Lieux concernés", "Le contrôleur visite les prisons."]


def test_a_line_that_goes_on_keeps_its_sentence_across_the_break():
    text = "Les données produites par\nEtalab sont publiées en\n2019 sur le site."
    assert len(sentence_spans(text)) == 1


@pytest.mark.parametrize("line", [
    "3.3 Guide juridique interactif", "2.0.1 À qui est-il destiné?", "5 Liste de ressources 21",
    "FiGURE 1 – Quizz algorithmes", "Source : Insee, recensement 2019",
    "Un extrait de décision de justice pseudonymisée"])
def test_headings_section_numbers_and_captions_are_told(line):
    assert is_heading(line)


@pytest.mark.parametrize("sentence", [
    "Ouvert du lundi au dimanche de 9h à 23h", "II. ― La liste des quartiers prioritaires est établie par décret.",
    "— Fréquence de mise à jour : mensuelle", "12 Français sur 100 déclarent avoir été aidés.",
    "Qui peut faire partie d'un conseil citoyen ?", "Soit pendant une durée de cinquante ans,"])
def test_sentences_and_list_items_are_not_headings(sentence):
    assert not is_heading(sentence)


def test_a_numbered_heading_glued_before_its_sentence_is_cut_off():
    text = ("3.3 Guide juridique interactif Pour savoir si le code source d’un logiciel est communicable, "
            "testez ce guide.")
    assert text[heading_length(text):].startswith("Pour savoir si")
    assert quotable_sentences(text)[0][2].startswith("Pour savoir si")


@pytest.fixture(scope="module")
def pseudonymisation() -> str:
    guide = CORPUS / "etalab-guides" / "guide-pseudonymisation.pdf"
    return "\n\n".join(u.text for u in load_pdf(guide.read_bytes(), guide.name, 100, 60).units)


def test_no_heading_or_caption_of_the_etalab_guides_is_quotable(pseudonymisation):
    quoted = [s for p in pseudonymisation.split("\n\n") for *_, s in quotable_sentences(p)]
    assert not any(s.startswith("Un extrait de décision de justice pseudonymisée") for s in quoted)
    assert not any(s[:1].isdigit() and is_heading(s) for s in quoted)
    assert any(s.startswith("Un stop word, ou « mot vide » en français") for s in quoted)


def test_a_line_break_inside_a_pdf_paragraph_is_a_space(pseudonymisation):
    assert ("Dans un projet d’apprentissage supervisé, on distingue deux grands ensembles de données"
            in pseudonymisation)


def test_words_a_justified_pdf_line_sets_apart_without_a_space_are_two_words(pseudonymisation):
    # 0.14 em apart on the page, with no space character between them
    assert "d’apprentissage du modèle, et les données à labéliser" in pseudonymisation
    assert "dumodèle" not in pseudonymisation and "lesdonnées" not in pseudonymisation


def test_headings_keep_their_own_line_in_a_pdf(pseudonymisation):
    assert "\n5.0.15 Stop word\nUn stop word" in pseudonymisation


@pytest.mark.parametrize("raw, text", [
    ("l’ou\u2011\r\nverture", "l’ouverture"), ("porte-\r\nparole", "porte-parole"),
    ("réutilisa-\r\nteurs", "réutilisateurs"), ("occasion\ufffenellement", "occasionnellement")])
def test_a_word_cut_at_a_line_end_is_joined_with_its_hyphen_only_when_compound(raw, text):
    assert page_text(raw) == text
