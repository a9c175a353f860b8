from conftest import CORPUS

from core.documents import Heading, Unit
from core.formats import ChunkParams
from ingest.chunking import chunk_spans, chunk_units
from ingest.markdown import markdown_unit
from core.sentences import sentence_spans

PARAMS = ChunkParams(min_words=150, target_words=220, max_words=350, overlap_words=30)


def _sentences(n, words=20):
    return " ".join(f"Phrase {i} " + "mot " * (words - 3) + "fin." for i in range(n))


def test_passages_stay_within_the_size_bounds():
    text = _sentences(60)
    spans = chunk_spans(text, [], PARAMS)
    sizes = [len(text[a:b].split()) for a, b in spans]
    assert all(s <= PARAMS.max_words for s in sizes), sizes
    assert all(s >= PARAMS.min_words for s in sizes[:-1]), sizes


def test_passages_overlap_a_little():
    text = _sentences(60)
    spans = chunk_spans(text, [], PARAMS)
    for (a1, b1), (a2, b2) in zip(spans, spans[1:]):
        assert a2 < b1, "consecutive passages should share a sentence"
        assert len(text[a2:b1].split()) <= PARAMS.overlap_words


def test_every_word_lands_in_a_passage():
    text = _sentences(45)
    covered = set()
    for a, b in chunk_spans(text, [], PARAMS):
        covered.update(range(a, b))
    assert all(i in covered for i, c in enumerate(text) if not c.isspace())


def test_a_sentence_longer_than_the_maximum_is_cut():
    text = "mot " * 1000
    assert max(len(text[a:b].split()) for a, b in chunk_spans(text, [], PARAMS)) <= PARAMS.max_words


def test_passage_text_is_its_slice_of_the_unit_and_keeps_page_and_section():
    unit = Unit(text=_sentences(30), page=4, section="Introduction")
    for p in chunk_units("doc", [unit], PARAMS):
        assert unit.text[p.char_start:p.char_end] == p.text
        assert p.page == 4 and p.section == "Introduction" and p.doc_id == "doc"


def test_a_new_section_starts_a_new_passage_when_the_current_one_is_long_enough():
    first, second = _sentences(9), _sentences(9)
    text = first + "\n\n" + second
    unit = Unit(text=text, headings=(Heading(0, 1, "A"), Heading(len(first) + 2, 1, "B")))
    passages = chunk_units("doc", [unit], PARAMS)
    assert [p.section for p in passages] == ["A", "B"]


def test_real_markdown_sheet_passages_carry_heading_paths():
    sheet = CORPUS / "barometre" / "mesures" / "5-securite" / "1-securite-quotidien.md"
    passages = chunk_units("doc", [markdown_unit(sheet.read_text())], PARAMS)
    assert len(passages) >= 2
    assert all(p.section.startswith("Renforcer la sécurité du quotidien") for p in passages)
    assert any(" > " in p.section for p in passages)


def test_empty_text_gives_no_passage():
    assert chunk_units("doc", [Unit(text="")], PARAMS) == []


def test_a_year_closing_a_sentence_on_its_own_line_opens_no_list_item():
    # guide-qualite.pdf, page 4: the sentence was cut in two before « 2011. », taken for « 1. »
    text = "Le mouvement se fonde sur ces principes depuis\n2011. En juin 2019, la plateforme comptait 30 000 jeux."
    assert text[slice(*sentence_spans(text)[0])] == "Le mouvement se fonde sur ces principes depuis\n2011."


# guide-producteurs-schemas.pdf, page 6
STEPS = ("Afin de déterminer s’il est nécessaire de créer ou non un schéma de données, nous vous recommandons "
         "de suivre les étapes suivantes :\n1. Lire attentivement les différentes sections de ce guide;\n"
         "2. Organiser une réunion réunissant des acteurs métiers, techniques et de potentiels réutilisateurs.")


def test_a_list_numbered_with_periods_keeps_each_number_with_its_item():
    assert [STEPS[a:b] for a, b in sentence_spans(STEPS)][1:] == [
        "1. Lire attentivement les différentes sections de ce guide;",
        "2. Organiser une réunion réunissant des acteurs métiers, techniques et de potentiels réutilisateurs."]


def test_a_numbered_line_still_opens_a_list_item():
    text = "Les quartiers sont caractérisés par :\n1° Un nombre minimal d'habitants ;\n12) Un écart de revenu."
    assert [text[a:b] for a, b in sentence_spans(text)][1:] == ["1° Un nombre minimal d'habitants ;", "12) Un écart de revenu."]
