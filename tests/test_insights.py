"""What visitors look for: questions kept only when the centre turns it on, only the declined and
the thumbs-down ones, scrubbed of personal data, for a limited time (insights/)."""

from __future__ import annotations

import csv
import io
import multiprocessing
import re
from datetime import date, timedelta

import pytest
from conftest import SEED

from insights.keeping import Keeper, insight_store
from insights.scrub import Scrubber
from insights.store import InsightStore, KeptQuestion
from insights.themes import Theme, frequent_words, themes, themes_csv

TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def scrubber():
    return Scrubber()


@pytest.mark.parametrize("question, personal, placeholder", [
    ("Bonjour, je suis Mamadou Diallo, avez-vous un guide sur l'emploi ?", "Mamadou Diallo", "[nom]"),
    ("Mon voisin Piotr Kowalski ne paie plus son loyer", "Piotr Kowalski", "[nom]"),
    ("Mme Nguyen Thi Lan a-t-elle droit au relogement ?", "Nguyen", "[nom]"),
    ("Est-ce que João Ferreira peut avoir une aide ?", "João Ferreira", "[nom]"),
    ("écrivez à sophie.martin@orange.fr svp", "sophie.martin@orange.fr", "[courriel]"),
    ("rappelez au 06 12 34 56 78", "06 12 34 56 78", "[téléphone]"),
    ("rappelez au +33 6 45 78 12 90", "45 78 12 90", "[téléphone]"),
    ("mon tel 0612345678", "0612345678", "[téléphone]"),
    ("J'habite 3 bis avenue Jean Jaurès à Nîmes", "Jean Jaurès", "[adresse]"),
    ("écrire au 18 chemin des Oliviers, 30900 Nîmes", "Oliviers", "[adresse]"),
    ("Mon numéro de sécurité sociale est 2 84 05 34 172 045 36", "172 045", "[numéro]"),
    ("allocataire CAF n° 1234567, dossier bloqué", "1234567", "[numéro]"),
    ("Dossier MDPH numéro 34-2021-009876 sans réponse", "009876", "[numéro]"),
])
def test_personal_data_is_replaced_by_a_placeholder(scrubber, question, personal, placeholder):
    scrubbed = scrubber.scrub(question).text
    assert personal not in scrubbed and placeholder in scrubbed


# Names as the centre's own notices print them, in a text not written for these tests: the
# speaker lists of two bundled webinar notices (data/sources), surnames in capitals or not.
SPEAKERS = {
    "inclusion-numerique-quartiers.txt": ["Philippe ARCHIAS", "Emma GHARIANI", "Mathias BOREL", "Olivier HAG"],
    "transition-alimentaire-quartiers.txt": ["Pauline Scherer", "Sylvie Camand", "Bruno Soler", "Cathy Mazoyer-Bongesse"],
}


@pytest.mark.parametrize("notice", sorted(SPEAKERS))
def test_the_names_in_a_real_notice_s_speaker_list_are_removed_and_their_roles_kept(scrubber, notice):
    text = (SEED / notice).read_text(encoding="utf-8")
    speakers = re.search(r"Avec les interventions de[^\n]*", text).group(0)
    scrubbed = scrubber.scrub(speakers).text
    assert not [name for name in SPEAKERS[notice] if name in scrubbed or name.split()[-1] in scrubbed]
    assert scrubbed.count("[nom]") == len(SPEAKERS[notice])
    assert "coordonnateur" in scrubbed or "chef de projet politique de la ville" in scrubbed


def test_a_question_with_nothing_personal_keeps_its_words(scrubber):
    question = "Le conseil citoyen de Lodève peut-il demander une subvention à la DRAC Occitanie en 2024 ?"
    assert scrubber.scrub(question).text == question


def test_a_long_first_person_story_is_kept_only_as_its_theme(scrubber):
    story = ("Je m'appelle Ana, j'ai perdu mon travail, mon mari est parti, je vis seule avec mes trois enfants "
             "dans un petit logement à Béziers et je ne sais pas comment payer le loyer ce mois-ci ni la cantine "
             "de mes enfants, pouvez-vous m'aider ?")
    kept = scrubber.scrub(story)
    assert kept.story and kept.text.startswith("[récit personnel]")
    assert "loyer" in kept.text and "Ana" not in kept.text and "mari est parti" not in kept.text


def keeper_for(settings, scrubber, on: bool) -> Keeper:
    return Keeper(settings.with_(insights=on), scrubber)


def test_with_insights_off_nothing_is_written(settings, scrubber):
    keeper_for(settings, scrubber, on=False).keep("Où trouver un psychologue gratuit ?", "declined")
    assert not insight_store(settings).path.exists()


def test_with_insights_on_a_declined_question_is_kept_scrubbed_with_its_day_only(settings, scrubber):
    keeper_for(settings, scrubber, on=True).keep("Karim Benali cherche un club de boxe, 06 12 34 56 78", "declined", TODAY)
    [kept] = insight_store(settings).since()
    assert kept == KeptQuestion(TODAY, "declined", "[nom] cherche un club de boxe, [téléphone]")


def test_questions_older_than_the_retention_are_deleted_when_a_new_one_is_kept(settings, scrubber):
    keeper = keeper_for(settings.with_(insights_days=30), scrubber, on=True)
    keeper.keep("Où faire garder mon bébé ?", "declined", TODAY - timedelta(days=31))
    keeper.keep("Un club de foot gratuit ?", "unhelpful", TODAY)
    assert [k.text for k in insight_store(settings).since()] == ["Un club de foot gratuit ?"]


def test_everything_can_be_erased_now(tmp_path):
    store = InsightStore(tmp_path / "insights.sqlite")
    store.add("Un club de foot gratuit ?", "declined", TODAY)
    store.add("Des cours de natation ?", "unhelpful", TODAY)
    assert store.clear() == 2 and store.since() == []
    assert b"natation" not in store.path.read_bytes()


def _write_many(path: str, writer: int) -> None:
    store = InsightStore(path)
    for i in range(40):
        store.add(f"question {writer}-{i}", "declined", TODAY)


def test_two_replicas_writing_at_once_lose_nothing(tmp_path):
    path = str(tmp_path / "insights.sqlite")
    InsightStore(path).since()  # the file and its log mode exist before both start
    workers = [multiprocessing.get_context("spawn").Process(target=_write_many, args=(path, w)) for w in (1, 2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert all(w.exitcode == 0 for w in workers)
    assert len(InsightStore(path).since()) == 80


def test_themes_group_kept_questions_and_name_them(embedder):
    kept = [KeptQuestion(TODAY, "declined", q) for q in (
        "Où trouver un psychologue gratuit ?", "Où trouver un psychologue gratuit pour mon fils ?",
        "Un psychologue gratuit dans le quartier ?",
        "Comment obtenir une aide pour passer le permis de conduire ?", "aide pour passer le permis de conduire",
        "financer le permis de conduire des jeunes")]
    found = themes(kept, embedder, TODAY)
    assert sum(t.size for t in found) == 6
    labels = {q: t.label for t in found for q in t.questions}
    assert labels[kept[0].text] == labels[kept[1].text] != labels[kept[3].text] == labels[kept[4].text]
    assert "psychologue" in found[0].words or "permis" in found[0].words
    assert themes_csv(found).splitlines()[0].startswith("theme,mots,questions,tendance")


def test_a_theme_s_trend_compares_the_last_week_with_the_one_before(embedder):
    days = [TODAY, TODAY - timedelta(days=2), TODAY - timedelta(days=9)]
    kept = [KeptQuestion(d, "declined", "Où trouver un psychologue gratuit ?") for d in days]
    [theme] = themes(kept, embedder, TODAY)
    assert theme.trend == 1 and theme.documents == ()


def test_frequent_words_leave_out_placeholders_and_question_words():
    assert frequent_words(["Comment [nom] peut-il trouver une crèche ?", "Une crèche pour [nom] ?"])[0] == "crèche"


def test_the_csv_export_keeps_a_visitor_s_formula_as_text():
    hostile = Theme("=HYPERLINK(\"https://exemple.invalid\")", ("lien",), 1, 0, ("=HYPERLINK(…)",), ())
    plain = Theme("Où trouver un psychologue gratuit ?", ("psychologue",), 2, 1, ("a", "b"), ())
    rows = list(csv.reader(io.StringIO(themes_csv([hostile, plain]))))
    assert rows[1][0].startswith("'=") and rows[1][5].startswith("'=")
    assert rows[2][0] == "Où trouver un psychologue gratuit ?"
