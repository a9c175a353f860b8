from core.analysis import Analyzer, fold
from retrieval.glossary import load_glossary


def test_accents_and_case_are_folded():
    assert fold("Égalité Œuvre") == "egalite oeuvre"


def test_sentences_are_folded_from_memory_but_long_texts_are_not_kept():
    from core.analysis import REMEMBERED_FOLD_CHARS, _remembered_fold
    sentence = "Les élus du CSE remettent une note écrite deux jours ouvrables avant."
    assert fold(sentence) == fold(sentence) == "les elus du cse remettent une note ecrite deux jours ouvrables avant."
    assert _remembered_fold.cache_info().currsize >= 1
    kept = _remembered_fold.cache_info().currsize
    page = "Égalité " * REMEMBERED_FOLD_CHARS
    assert fold(page) == "egalite " * REMEMBERED_FOLD_CHARS
    assert _remembered_fold.cache_info().currsize == kept


def test_questions_without_accents_give_the_same_terms():
    a = Analyzer()
    assert a.terms("égalité des chances à l'école") == a.terms("EGALITE des chances a l ecole")


def test_elisions_and_stop_words_are_removed_and_words_stemmed():
    assert Analyzer().terms("l'insertion d'habitants qu'on accompagne") == ["insert", "habit", "accompagn"]


def test_an_acronym_is_expanded_to_its_full_form():
    assert "quartier prioritaire de la politique de la ville" in load_glossary().expand("emploi en qpv")


def test_a_full_form_is_expanded_to_its_acronym_even_without_accents():
    assert load_glossary().expand("insertion par l activite economique") == "IAE"


def test_ambiguous_acronyms_are_only_matched_in_capitals():
    glossary = load_glossary()
    assert glossary.expand("le pre et la riviere") == ""
    assert "programme de réussite éducative" in glossary.expand("le PRE de la ville")


def test_every_acronym_of_the_brief_is_explained():
    terms = {e.term for e in load_glossary().entries}
    for term in ["QPV", "NPNRU", "ANRU", "ANCT", "IAE", "PRE", "CLAS", "GUSP", "TFPB", "REP", "REP+",
                 "EPCI", "contrat de ville", "conseil citoyen", "adultes-relais", "cité éducative",
                 "France Services"]:
        assert term in terms, term
    assert all(len(e.explanation) > 20 for e in load_glossary().entries)
