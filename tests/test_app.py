"""Every page of the web app, driven by Streamlit's AppTest on small real indexes."""

import html
import re
import shutil

import pytest
import streamlit as st
from conftest import ROOT, SEED
from streamlit.testing.v1 import AppTest

from core.bounds import MAX_QUESTION_CHARS
from ingest.refresh import refresh
from retrieval.answer import NO_ANSWER_TEXT
from retrieval.documents import citation_params
from retrieval.index import Index
from ui.cards import title_html
from ui.markdown import escape_markdown

APP = str(ROOT / "ui" / "app.py")
TIMEOUT = 180
CARD = "<article class='bsl-card'"


@pytest.fixture
def app(mixed_index, monkeypatch, tmp_path):
    monkeypatch.setenv("BOUSSOLE_INDEX", str(mixed_index.index_path))
    # the votes go to DATA_DIR/feedback.sqlite: a test's, not the checkout's (`make run` shows them)
    monkeypatch.setenv("BOUSSOLE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BOUSSOLE_SOURCES", str(mixed_index.sources_path))
    st.cache_resource.clear()

    def start(switch_to=None, /, **params):
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        if switch_to:
            at.switch_page(switch_to).run()
        return at
    yield start
    st.cache_resource.clear()


def html_of(at):
    """Everything the page shows as HTML (document text, titles and answers go through st.html)."""
    return "\n".join([m.value for m in at.markdown] + [h.value for h in at.html])


def ask(at, question):
    at.chat_input[0].set_value(question).run()
    return at


def test_asking_shows_numbered_excerpt_cards_with_titles_and_links(app):
    at = ask(app(), "Comment intégrer l'égalité femmes-hommes dans nos actions ?")
    assert not at.exception
    page = html_of(at)
    assert "<span class='bsl-n'>[1]</span> Intégrer l’égalité femmes-hommes" in page
    assert "<span class='bsl-n'>[2]</span>" in page
    assert "[1]" in page.split("bsl-answer")[1].split("</div>")[0]
    labels = [b.proto.label for b in at.get("link_button")]
    # a title reaches the label escaped (labels are Markdown): shown as written
    assert "Ouvrir la source : " + escape_markdown("Intégrer l’égalité femmes-hommes dans les actions de la…") in labels
    targets = [b.proto.url for b in at.get("link_button")]
    # each link names what it opens: two links share a name only when they open the same thing
    assert len(labels) >= 2 and len(set(zip(labels, targets))) == len(set(labels)) == len(set(targets))
    assert any(p.proto.label == "Voir le passage [1] dans le document" for p in at.get("page_link"))


def test_starter_questions_are_offered_on_an_empty_page(app):
    at = app()
    assert any("égalité femmes-hommes" in b.label for b in at.button)
    at.button(key="starter-0").click().run()
    assert CARD in html_of(at)


def test_the_question_field_stops_at_the_limit(app):
    at = app()
    assert at.chat_input[0].max_chars == MAX_QUESTION_CHARS  # the browser stops typing there
    at = ask(at, "égalité " * 200)
    asked = [t.value for t in at.text if t.value.startswith("égalité")]
    assert asked and all(len(t) <= MAX_QUESTION_CHARS for t in asked)


def test_a_question_over_the_limit_sent_past_the_field_is_refused_in_french():
    from core.bounds import TooLarge, check_question
    with pytest.raises(TooLarge) as refused:
        check_question("égalité " * 200)
    assert refused.value.french == "Requête refusée : la question dépasse la limite de 1\u202f000 caractères."


def test_an_off_topic_question_shows_the_no_result_state(app):
    at = ask(app(), "Quelle est la recette de la pâte à crêpes ?")
    assert [i.value for i in at.info] == [escape_markdown(NO_ANSWER_TEXT)]  # shown as written
    assert CARD not in html_of(at)


def test_the_no_result_state_gives_the_resource_centre_s_contact(app, monkeypatch):
    monkeypatch.setenv("BOUSSOLE_CONTACT", "https://centre.example.org/contact")
    at = ask(app(), "Quelle est la recette de la pâte à crêpes ?")
    assert [i.value for i in at.info] == [
        escape_markdown(NO_ANSWER_TEXT) + " Vous pouvez aussi poser votre question au centre de ressources : "
        "https://centre.example.org/contact"]


def test_a_declined_question_links_to_the_document_that_came_close(app, searcher, monkeypatch):
    question = "Quel préavis respecter pour une démission ?"
    monkeypatch.setenv("BOUSSOLE_ABSTAIN_THRESHOLD", str(searcher.search(question).best_dense + 0.01))
    at = ask(app(), question)
    assert "« La démission »" in at.info[0].value
    links = [p for p in at.get("page_link") if p.proto.label == "Voir le document : La démission"]
    assert len(links) == 1 and "doc=" in links[0].proto.page + str(links[0].proto.query_string)


def test_the_type_filter_changes_the_results(app):
    at = app()
    at.multiselect(key="f-type").set_value(["webinaire"]).run()
    ask(at, "Comment intégrer l'égalité femmes-hommes dans nos actions ?")
    page = html_of(at)
    assert "webinaire ·" in page and "guide ·" not in page


def test_a_follow_up_question_keeps_the_context(app):
    at = ask(app(), "Comment favoriser l'accès à la culture des habitants ?")
    ask(at, "et les musées ?")
    cards = [h.value for h in at.html if CARD in h.value]
    assert "offre culturelle" in cards[-5]  # the first card of the second answer


def test_the_conversation_can_be_exported_as_markdown(app):
    at = ask(app(), "Comment intégrer l'égalité femmes-hommes dans nos actions ?")
    assert any(b.proto.label == "Exporter la conversation (Markdown)" for b in at.get("download_button"))


def test_documents_page_lists_and_ranks_documents(app):
    at = app("pages/documents.py")
    assert not at.exception
    assert len(document_titles(at)) == 13
    at.text_input[0].set_value("démission d'un salarié").run()
    assert document_titles(at)[0] == "La démission"


def test_document_page_highlights_the_cited_passage(app, searcher):
    hit = searcher.search("Comment publier une réutilisation sur data.gouv.fr ?").hits[0]
    at = app("pages/document.py", doc=hit.document.doc_id, passage=str(hit.passage.id))
    assert not at.exception
    page = html_of(at)
    assert "<mark id='passage-cite' class=\"bsl-cited\">" in page
    assert title_html(hit.document.title) in page


@pytest.mark.parametrize("odd", [{"page": "²"}, {"page": "-1"}, {"passage": "99999999999999999999"},
                                 {"ord": "²"}, {"page": "99999999999999999999"}])
def test_document_page_shows_the_document_whatever_odd_number_its_address_carries(app, searcher, odd):
    hit = searcher.search("Comment publier une réutilisation sur data.gouv.fr ?").hits[0]
    at = app("pages/document.py", doc=hit.document.doc_id, **odd)
    assert not at.exception and title_html(hit.document.title) in html_of(at)


def document_titles(at) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<a href='document\?doc=[^']+'>([^<]*)</a>", html_of(at))]


def test_document_text_with_markdown_and_script_after_a_blank_line_is_shown_as_text(
        base_settings, embedder, tmp_path, monkeypatch):
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "piege.txt").write_text(
        "Fiche jardins partagés\n\n# Pas un titre\n\n- pas une liste\n\n"
        "![image](https://exemple.invalid/suivi.png) [un lien](https://exemple.invalid) "
        "<script>alert(1)</script> **pas gras**\n", encoding="utf-8")
    settings = base_settings.with_(index_dir=tmp_path / "index")
    refresh(settings, [folder], embedder=embedder)
    monkeypatch.setenv("BOUSSOLE_INDEX", str(settings.index_path))
    st.cache_resource.clear()
    doc_id = next(iter(Index.open(settings.index_path).documents))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["doc"] = doc_id
    at.run()
    at.switch_page("pages/document.py").run()
    assert not at.exception
    assert not any("Pas un titre" in m.value or "alert" in m.value for m in at.markdown)  # no Markdown path
    page = "\n".join(h.value for h in at.html)
    assert "# Pas un titre" in page and "- pas une liste" in page and "**pas gras**" in page
    assert "![image](https://exemple.invalid/suivi.png)" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert "<img" not in page and "<a href=\"https://exemple" not in page
    st.cache_resource.clear()


def test_a_pdf_citation_shows_the_printed_page_with_the_passage_highlighted(app, searcher):
    hit = next(h for h in searcher.search("Comment publier une réutilisation sur data.gouv.fr ?").hits
               if h.document.kind == "pdf")
    at = app("pages/document.py", **citation_params(searcher.handle.get(), hit.passage))
    assert not at.exception
    page = html_of(at)
    src = f"fichiers/{hit.document.doc_id}/pages/{hit.passage.page}.png?passage={hit.passage.id}"
    assert f"<img src='{src}'" in page and f"Page {hit.passage.page} sur {hit.document.pages}" in page
    assert any(p.proto.label == "Page suivante" for p in at.get("page_link"))
    assert any(b.proto.label == "Ouvrir le PDF à cette page" and b.proto.url.endswith(f"#page={hit.passage.page}")
               for b in at.get("link_button"))


def test_an_old_link_to_a_changed_document_says_so(app, searcher):
    hit = searcher.search("Comment publier une réutilisation sur data.gouv.fr ?").hits[0]
    params = {**citation_params(searcher.handle.get(), hit.passage), "v": "autreversion"}
    at = app("pages/document.py", **params)
    assert any("a changé depuis que ce lien a été créé" in w.value for w in at.warning)
    assert "passage-cite" not in html_of(at) and "?passage=" not in html_of(at)


def test_document_page_without_a_document_says_what_to_do(app):
    at = app("pages/document.py")
    assert "Choisissez un document" in at.info[0].value


def test_admin_without_password_explains_how_to_enable_it(app):
    at = app("pages/admin.py")
    assert "BOUSSOLE_ADMIN_PASSWORD" in at.info[0].value
    assert not at.button


@pytest.fixture
def admin_app(base_settings, embedder, tmp_path, monkeypatch):
    sources = tmp_path / "sources"
    shutil.copytree(SEED, sources)
    settings = base_settings.with_(index_dir=tmp_path / "index", sources=sources)
    refresh(settings, embedder=embedder)
    monkeypatch.setenv("BOUSSOLE_INDEX", str(settings.index_path))
    monkeypatch.setenv("BOUSSOLE_SOURCES", str(sources))
    monkeypatch.setenv("BOUSSOLE_ADMIN_PASSWORD", "s3cret")
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/admin.py").run()
    yield at, sources
    st.cache_resource.clear()


def test_admin_refuses_a_wrong_password(admin_app):
    at, _ = admin_app
    at.text_input[0].set_value("mauvais")
    at.button[0].click().run()
    assert "Mot de passe incorrect." in [e.value for e in at.error]
    assert not any(b.label == "Mettre à jour l'index" for b in at.button)


def test_after_five_wrong_passwords_even_the_right_one_must_wait(admin_app):
    at, _ = admin_app
    for _ in range(5):
        at.text_input[0].set_value("mauvais")
        at.button[0].click().run()
    at.text_input[0].set_value("s3cret")
    at.button[0].click().run()
    assert any(e.value.startswith("Trop d'essais infructueux : réessayez dans ") for e in at.error)
    assert not any(b.label == "Mettre à jour l'index" for b in at.button)
    at.switch_page("pages/admin.py").run()  # a new visit to the page does not reset the count
    at.text_input[0].set_value("s3cret")
    at.button[0].click().run()
    assert any(e.value.startswith("Trop d'essais") for e in at.error)


def test_admin_runs_a_refresh_with_the_right_password(admin_app):
    at, sources = admin_app
    at.text_input[0].set_value("s3cret")
    at.button[0].click().run()
    assert at.metric[0].label == "Documents" and at.metric[0].value == "10"
    (sources / "nouvelle-note.md").write_text(
        "# Jardins partagés\n\nLes jardins partagés rassemblent les habitants du quartier.", encoding="utf-8")
    next(b for b in at.button if b.label == "Mettre à jour l'index").click().run()
    assert any("1 ajouté(s)" in s.value and "10 inchangé(s)" in s.value for s in at.success)
    assert at.metric[0].value == "11"


def test_admin_shows_each_document_as_boussole_sees_it(admin_app):
    at, _ = admin_app
    at.text_input[0].set_value("s3cret")
    at.button[0].click().run()
    curator = at.selectbox(key="curator")
    curator.select(next(o for o in curator.options if "égalité" in o)).run()
    assert any("Fichier : sources/guide-egalite-femmes-hommes.txt" in t.value and "État : indexé" in t.value
               for t in at.text)
    passages = next(h.value for h in at.html if "bsl-passages" in h.value)
    assert "guide méthodologique" in passages
    assert any(b.label == "Retirer ce document" and b.disabled for b in at.button)  # until confirmed


def test_script_in_a_document_is_rendered_inert(base_settings, embedder, tmp_path, monkeypatch):
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "piege.txt").write_text(
        "Fiche jardins <script>alert(1)</script>\n\nLes jardins partagés du quartier "
        "<script>alert(1)</script> et [un lien](javascript:alert(2)) réunissent les habitants.",
        encoding="utf-8")
    settings = base_settings.with_(index_dir=tmp_path / "index")
    refresh(settings, [folder], embedder=embedder)
    monkeypatch.setenv("BOUSSOLE_INDEX", str(settings.index_path))
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    ask(at, "Les jardins partagés réunissent-ils les habitants du quartier ?")
    page = html_of(at)
    assert CARD in page
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "javascript:" not in page.replace("[un lien](javascript:alert(2))", "")
    assert "[un lien](javascript:alert(2))" in page
    assert page.count("<a href") == 1 and "<a href='./?q=" in page  # the share link, and no other
    st.cache_resource.clear()


def test_the_question_page_explains_boussole_in_plain_words(app):
    at = app()
    help_box = next(e for e in at.expander if e.label.startswith("Comment ça marche"))
    text = " ".join(m.value for m in help_box.markdown)
    assert "Boussole n'invente rien." in text and "QPV veut dire" in text


def test_the_accessibility_page_states_partial_conformity_and_the_contact(app, monkeypatch):
    monkeypatch.setenv("BOUSSOLE_CONTACT", "accessibilite@centre.example.org")
    at = app("pages/accessibility.py")
    text = " ".join(m.value for m in at.markdown)
    assert at.title[0].value == "Déclaration d'accessibilité"
    assert "**partiellement conforme**" in text and "axe-core" in text
    assert "Pour nous écrire : accessibilite@centre.example.org" in text


def test_an_address_with_a_question_asks_it_once(app):
    at = app(q="Comment intégrer l'égalité femmes-hommes dans nos actions ?")
    assert "<span class='bsl-n'>[1]</span> Intégrer l’égalité femmes-hommes" in html_of(at)
    at.run()  # a rerun (a vote, a filter) does not ask it again
    assert len(at.chat_message) == 2


def test_each_answer_offers_the_address_that_asks_it_again(app):
    at = ask(app(), "Comment intégrer l'égalité femmes-hommes dans nos actions ?")
    assert ("<a href='./?q=Comment+int%C3%A9grer+l%27%C3%A9galit%C3%A9+femmes-hommes+dans+nos+actions+%3F'>"
            "Lien vers cette question, à partager</a>") in html_of(at)


def test_a_request_for_guides_is_answered_with_the_list_of_documents(app):
    at = ask(app(), "Avez-vous un guide sur l'égalité entre les femmes et les hommes ?")
    page = html_of(at)
    assert "Documents qui correspondent à votre recherche :\n[1] Intégrer l’égalité femmes-hommes" in page
    assert "<span class='bsl-n'>[2]</span>" in page


def test_admin_lists_documents_kept_out_of_the_harvest_and_restores_one(admin_app):
    from ingest.decisions import exclude, exclusions
    at, sources = admin_app
    exclude(sources, "https://www.exemple.fr/docs/egalite.pdf", "Intégrer l’égalité femmes-hommes")
    at.text_input[0].set_value("s3cret")
    at.button[0].click().run()
    assert "Documents retirés du moissonnage" in [h.value for h in at.header]
    assert any(escape_markdown("Intégrer l’égalité femmes-hommes") in m.value
               and escape_markdown("https://www.exemple.fr/docs/egalite.pdf") in m.value for m in at.markdown)
    next(b for b in at.button if b.label == "Rétablir").click().run()
    assert exclusions(sources) == {} and "Documents retirés du moissonnage" not in [h.value for h in at.header]


@pytest.fixture
def kept_questions(app, mixed_index, monkeypatch):
    """The web app with insights on; the store beside the shared test index emptied around the test."""
    from insights.keeping import insight_store
    monkeypatch.setenv("BOUSSOLE_INSIGHTS", "1")
    store = insight_store(mixed_index)
    store.clear()
    yield store
    store.clear()


def test_a_declined_question_is_kept_scrubbed_when_insights_are_on(app, kept_questions):
    at = ask(app(), "Quelle est la recette de la pâte à crêpes de Mamadou Diallo ?")
    assert at.info
    assert [(k.reason, k.text) for k in kept_questions.since()] == [
        ("declined", "Quelle est la recette de la pâte à crêpes de [nom] ?")]


def test_an_answered_question_with_no_vote_leaves_no_trace(app, kept_questions):
    at = ask(app(), "Comment intégrer l'égalité femmes-hommes dans nos actions ?")
    assert CARD in html_of(at)
    assert kept_questions.since() == []


def test_a_thumbs_down_keeps_the_question_scrubbed(app, kept_questions):
    at = ask(app(), "Comment intégrer l'égalité femmes-hommes dans nos actions, demande Karim Benali ?")
    feedback = at.get("feedback")[0]
    feedback.set_value(0).run()
    assert [(k.reason, k.text) for k in kept_questions.since()] == [
        ("unhelpful", "Comment intégrer l'égalité femmes-hommes dans nos actions, demande [nom] ?")]


def test_the_accessibility_page_says_what_is_kept_and_for_how_long(app, monkeypatch):
    monkeypatch.setenv("BOUSSOLE_INSIGHTS", "1")
    at = app("pages/accessibility.py")
    text = "\n".join(m.value for m in at.markdown)
    assert "180 jours" in text and "[nom]" in text


def test_admin_shows_what_visitors_look_for_and_erases_it(base_settings, embedder, tmp_path, monkeypatch):
    import datetime

    from insights.store import InsightStore
    settings = base_settings.with_(index_dir=tmp_path / "index", sources=SEED)
    refresh(settings, embedder=embedder)
    store = InsightStore(settings.index_path / "insights.sqlite")
    for question in ("Où trouver un psychologue gratuit ?", "Un psychologue gratuit pour mon fils ?",
                     "Comment intégrer l'égalité femmes-hommes dans une association ?",
                     "[Cliquez ici](https://exemple.invalid) <b>urgent</b>"):  # a visitor's text, not markup
        store.add(question, "declined", datetime.date.today())
    for name, value in (("INDEX", settings.index_path), ("ADMIN_PASSWORD", "s3cret"), ("INSIGHTS", "1")):
        monkeypatch.setenv(f"BOUSSOLE_{name}", str(value))
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/admin.py").run()
    at.text_input[0].set_value("s3cret")
    at.button[0].click().run()
    assert not at.exception
    shown = html_of(at)
    assert "Conservation activée" in shown and "psychologue" in shown and "Documents proches" in shown
    assert "[Cliquez ici](https://exemple.invalid) &lt;b&gt;urgent&lt;/b&gt;" in shown and "<b>urgent" not in shown
    assert any(b.label == "Exporter les thèmes (CSV)" for b in at.get("download_button"))
    next(b for b in at.button if b.label == "Tout effacer").click().run()
    assert "4 question(s) effacée(s)." in [s.value for s in at.success]
    assert store.since() == [] and store.count() == 0
    st.cache_resource.clear()


def test_admin_is_in_sections_with_last_nights_harvest_on_top(admin_app):
    import datetime
    import os
    from pathlib import Path

    from core.store import write_last_harvest
    at, _ = admin_app
    write_last_harvest(Path(os.environ["BOUSSOLE_INDEX"]), {
        "finished_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"), "ok": False,
        "counts": {"downloaded": 3, "unchanged": 7, "removed": 0},
        "failures": [{"url": "https://centre.example/guide.pdf", "reason": "HTTP 503"}]})
    at.text_input[0].set_value("s3cret")
    at.button[0].click().run()
    assert [t.label for t in at.tabs] == ["Publications", "Le site", "Documents", "Visiteurs"]
    assert at.warning[0].value.startswith("Cette nuit (") and "1 en échec" in at.warning[0].value
    assert any(escape_markdown("https://centre.example/guide.pdf") in m.value and "HTTP 503" in m.value
               for m in at.markdown)
    at.text_input(key="curator-search").set_value("égalité").run()
    assert all("galit" in o for o in at.selectbox(key="curator").options)
    assert "1 document(s) sur 10" in " ".join(c.value for c in at.caption)
