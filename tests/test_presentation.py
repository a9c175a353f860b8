"""Pure pieces behind the pages: highlighting, cards, conversation, feedback."""

import json
import re
import sqlite3

from retrieval.conversation import Turn, contextual_query, conversation_markdown
from retrieval.feedback import record_vote
from retrieval.glossary import load_glossary
from retrieval.highlight import split_marked, term_spans
from ui.cards import answer_html, marked_html


def test_question_terms_are_found_through_stemming_and_accents():
    text = "L'emploi des habitants et l'égalité réelle."
    found = [text[a:b] for a, b in term_spans(text, "emplois egalite")]
    assert found == ["emploi", "égalité"]


def test_split_marked_covers_the_text_in_order():
    pieces = split_marked("abcdef", [(1, 3), (4, 5)])
    assert "".join(p for p, _ in pieces) == "abcdef"
    assert [p for p, marked in pieces if marked] == ["bc", "e"]


def test_marked_html_escapes_document_text():
    html = marked_html("<b>x</b> & y", [(0, 3)])
    assert html == "<mark>&lt;b&gt;</mark>x&lt;/b&gt; &amp; y"


def test_acronyms_in_answers_are_explained_on_hover():
    html = answer_html("Les habitants des QPV participent [1].", load_glossary())
    assert "<abbr title='quartier prioritaire de la politique de la ville" in html


def test_a_short_follow_up_is_read_with_the_previous_question():
    assert contextual_query(["Comment aider les jeunes à trouver un emploi ?"], "et les femmes ?") == \
        "Comment aider les jeunes à trouver un emploi ? et les femmes ?"
    assert contextual_query(["x"], "Quels financements pour les associations culturelles du quartier ?") == \
        "Quels financements pour les associations culturelles du quartier ?"


def test_conversation_export_lists_citations():
    md = conversation_markdown([Turn("Q ?", "Réponse [1].", [{"n": 1, "label": "Guide, p. 4", "url": "https://x"}])])
    assert "## Q ?" in md and "[1] Guide, p. 4 — https://x" in md


def test_votes_are_stored_without_the_question_text(tmp_path):
    db = tmp_path / "feedback.sqlite"
    record_vote(db, ["12", "40"], 1, "build-1")
    record_vote(db, ["3"], -1)
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT * FROM passage_votes ORDER BY id").fetchall()
        columns = [c[1] for c in connection.execute("PRAGMA table_info(passage_votes)")]
    assert [(json.loads(r[1]), r[2], r[3]) for r in rows] == [(["12", "40"], 1, "build-1"), (["3"], -1, "")]
    assert columns == ["id", "passages", "vote", "build_id", "created_at"]


def test_acronym_tooltips_are_inserted_in_one_pass_without_nesting():
    """« CAF » appears in the explanation of « CLAS »; « IAE » inside « SIAE »; « REP » inside « REP+ »."""
    text = "Le CLAS est financé par la CAF ; les SIAE relèvent de l'IAE ; écoles en REP+ et en REP."
    html = answer_html(text, load_glossary())
    titles = re.findall(r"<abbr title='([^']*)'>([^<]*)</abbr>", html)
    assert [term for _, term in titles] == ["CLAS", "CAF", "SIAE", "IAE", "REP+", "REP"]
    assert html.count("<abbr") == html.count("</abbr>") == 6
    assert all("<" not in title for title, _ in titles)  # no markup inside a tooltip
    assert re.sub(r"<[^>]+>", "", html).replace("&#x27;", "'") == text


def test_a_card_s_glossary_notes_are_the_entries_found_one_by_one(seed_index):
    """The one-pass lookup finds, in real passages, exactly what each entry's own test finds."""
    from retrieval.glossary import _matches_term
    from retrieval.index import Index
    glossary = load_glossary()
    index = Index.open(seed_index.index_path)
    texts = [p.text for p in index.passages(list(range(index.size))).values()]
    texts += ["Les écoles en REP+ et le REP voisin", "la caf du quartier", "un Qpv ; la politique de la ville"]
    assert any(glossary.found_in(t) for t in texts)
    for text in texts:
        assert glossary.found_in(text) == [e for e in glossary.entries if _matches_term(e, text)], text
