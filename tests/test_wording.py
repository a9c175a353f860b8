"""The words people say, searched with the words the publications write."""

from __future__ import annotations

from retrieval.wording import load_wording


def test_an_everyday_word_adds_the_publications_word_for_it():
    expansion = load_wording().expand("Combien de temps avant faut-il prévenir son patron ?")
    assert "employeur" in expansion and "informer" in expansion


def test_a_word_listed_as_a_phrase_is_not_expanded_alone():
    # « prévenir la délinquance » is prevention: only « prévenir son… » stands for « informer »
    assert load_wording().expand("Comment prévenir la délinquance des jeunes ?") == ""


def test_an_everyday_word_is_found_without_its_accents_and_whatever_its_case():
    assert "France Travail" in load_wording().expand("inscription a POLE EMPLOI ?")


def test_a_publications_word_the_question_already_uses_is_not_added_again():
    assert load_wording().expand("Mon patron, mon employeur, peut-il refuser ?") == ""


def test_a_word_inside_another_is_not_taken_for_it():
    # « sécurité » holds no « sécu » as a word, « bossa-nova » no « bosse »
    assert load_wording().expand("La sécurité dans les quartiers") == ""
