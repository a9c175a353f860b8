"""Factual questions: the sentence stating the fact, alone, or « Les publications ne donnent pas
cette information » when no document states it (retrieval/facts.py, retrieval/answer.py)."""

from __future__ import annotations

import shutil

import pytest

from core.analysis import Analyzer
from ingest.refresh import refresh
from retrieval.answer import UNSTATED_TEXT
from retrieval.facts import (about_share, around_statement, asked_fact, asks_definition, asks_exception, defines,
                             has_content, states, states_exception)
from retrieval.index import IndexHandle
from retrieval.respond import respond
from retrieval.search import Searcher
from test_sentence_vectors import loi_searcher  # noqa: F401  the loi texts' index, shared
from conftest import CORPUS

CONTRACTS = "Combien de temps durent les contrats de ville ?"


@pytest.mark.parametrize("question, kind", [
    (CONTRACTS, "duration"),
    ("Un contrat d'apprentissage, ça dure combien de temps ?", "duration"),
    ("Tous les combien on vérifie une grue GME ?", "duration"),
    ("Quand a eu lieu la journée santé des conseils citoyens de l'Hérault ?", "date"),
    ("De quand date la loi CADA ?", "date"),
    ("Quelle est la date de la loi pour une République numérique ?", "date"),
    ("combien touche un employeur pour un apprenti handicapé", "amount"),
    ("Quel est le montant maximum de la subvention PIJ ?", "amount"),
    ("Combien de membres compte un conseil citoyen ?", "count"),
    ("À partir de quel âge on peut être adulte-relais ?", "age"),
    ("Qui reconnaît la composition du conseil citoyen ?", "person"),
    ("Où s'est tenu le séminaire sur l'image des quartiers ?", "place"),
    # the question word said last, or spelt as spoken
    ("le webinaire sur l'acces au numerique dans les quartiers il a eu lieu quand", "date"),
    ("la journee pour imaginer la politique de la ville dans 10 ans c'était quand ?", "date"),
    ("c koi la date du webinaire sur la culture ?", "date"),
    ("la mention explicite on doit la mettre où ?", "place"),
])
def test_the_kind_of_fact_a_question_asks_for_is_recognised(question, kind):
    assert asked_fact(question).kind == kind


@pytest.mark.parametrize("question", [
    "Comment intégrer l'égalité femmes-hommes dans nos actions ?",
    "Que faire quand des squatteurs occupent un logement ?",  # « quand » here is not « when? »
    "Quelle aide apporte le fonds de solidarité pour le logement ?",
    "Qu'est-ce qu'un contrat de ville ?",
])
def test_explanations_and_definitions_ask_for_no_fact(question):
    assert asked_fact(question) is None


def test_a_duration_is_stated_by_a_number_of_years_not_by_any_number():
    fact = asked_fact(CONTRACTS)
    assert states(fact, "Les contrats de ville sont conclus pour une durée de six ans.")
    assert not states(fact, "Le contrat de ville fixe les objectifs de la politique de la ville.")


@pytest.mark.parametrize("sentence", [
    "Ces séminaires, organisés sous format visioconférence de 1h30, ont réuni 132 participants.",
    "Celle-ci sera par la suite automatiquement récupérée par schema.data.gouv.fr et publiée (généralement sous 24h).",
    "Même en disposant de GPU de dernières générations, il faut compter plusieurs jours voire plusieurs semaines "
    "pour un apprentissage complet du modèle.",
])
def test_a_duration_is_stated_by_hours_written_short_or_by_several_units(sentence):  # the guides' and notices' words
    assert states(asked_fact("Les séances duraient combien de temps ?"), sentence)


def test_a_count_is_stated_in_millions_or_thousands_of_what_is_counted():
    assert states(asked_fact("Ça marche jusqu'à combien de lignes ?"),
                  "Le site adresse.data.gouv.fr est limité à des utilisations ponctuelles et des volumétries de données "
                  "considérées faibles (moins d’un million de lignes).")
    assert states(asked_fact("Il faut combien de documents annotés ?"),
                  "Il est en général nécessaire de disposer de l’ordre de plusieurs milliers de documents afin "
                  "d’obtenir des résultats optimaux.")


def test_a_count_is_stated_only_by_a_number_going_with_what_is_counted():
    fact = asked_fact("Combien de groupes d'échanges sur l'emploi ont été animés ?")
    assert states(fact, "Villes et Territoires Occitanie a animé 3 groupes d’échanges régionaux.")
    assert not states(fact, "En novembre et décembre 2020, les échanges ont réuni des chefs de projet.")


def test_a_count_needs_the_counted_noun_itself_not_a_word_beginning_like_it():
    fact = asked_fact("Combien de contrats d'apprentissage ont été signés en 2024 ?")
    assert not states(fact, "Le contrat d’apprentissage est signé par les deux parties contractantes.")
    assert states(fact, "En 2024, 12 000 contrats ont été signés.")


def test_a_year_or_a_section_number_is_not_a_count():
    assert not states(asked_fact("Combien de contrats ont été signés en 2024 ?"),
                      "Au 31 décembre 2024 pour les contrats conclus entre le 1er janvier et le 31 décembre 2023")
    fact = asked_fact("Combien de réutilisations sont publiées sur data.gouv.fr ?")
    assert not states(fact, "3.3 Décrire la réutilisation")
    assert states(fact, "Plus de 2 350 réutilisations sont publiées.")


@pytest.fixture(scope="module")
def fiches_searcher(base_settings, embedder, tmp_path_factory):
    sources = tmp_path_factory.mktemp("fiches")
    for name in ("les-plans-sante-au-travail-pst.html", "les-heures-supplementaires-contreparties.html",
                 "le-conge-dadoption.html", "le-bulletin-de-paie.html"):
        shutil.copy(CORPUS / "fiches-travail" / name, sources)
    settings = base_settings.with_(index_dir=tmp_path_factory.mktemp("fiches-index"), sources=sources)
    refresh(settings, embedder=embedder)
    return Searcher(settings, embedder, IndexHandle(settings.index_path))


@pytest.mark.parametrize("question, stated", [
    pytest.param("Tous les combien les plans santé au travail sont-ils fixés ?", "Tous les cinq ans",
                 id="how-often-by-the-sentence-saying-every-so-often"),
    pytest.param("Après une demande de contrepartie pour heures sup, l'employeur répond dans quel délai ?",
                 "Dans les 7 jours", id="within-what-delay-by-the-delay-though-it-does-not-say-delai"),
    # the page: « Le salarié informe son employeur au moins 2 semaines avant son départ »
    pytest.param("Combien de temps avant de partir en congé d'adoption faut-il prévenir son patron ?",
                 "informe son employeur au moins 2 semaines avant", id="everyday-words-by-the-pages-words"),
])
def test_a_fiche_question_is_answered_by_the_sentence_stating_its_fact(fiches_searcher, question, stated):
    assert stated in respond(fiches_searcher.settings, fiches_searcher, question).text


def test_the_sentence_stating_how_often_answers_first(fiches_searcher):
    answer = respond(fiches_searcher.settings, fiches_searcher, "Tous les combien les plans santé au travail sont-ils fixés ?")
    assert answer.sentences[0].text.startswith("Tous les cinq ans"), answer.text


def test_an_average_asked_is_not_answered_by_the_rule_s_value(fiches_searcher):
    # the fiche gives the leave's legal length, never an average length taken
    asked = "Un congé d'adoption dure combien de temps en moyenne ?"
    answer = respond(fiches_searcher.settings, fiches_searcher, asked)
    assert answer.no_answer and answer.text.startswith(UNSTATED_TEXT)


@pytest.mark.xfail(reason="the learned weights put « …ces durées légales sont augmentées de 25 jours… », an addition, "
                          "first and alone (README « Answers »: learned on three dev sets in three voices, "
                          "155 answerable questions)", strict=False)
def test_the_leave_s_legal_length_answers_how_long_it_lasts(fiches_searcher):
    plain = respond(fiches_searcher.settings, fiches_searcher, "Un congé d'adoption dure combien de temps ?")
    assert not plain.no_answer and "semaines" in plain.text


def test_an_average_is_asked_by_en_moyenne_or_a_measure_said_moyen_not_by_le_moyen_de():
    assert asked_fact("Une affaire aux prud'hommes dure combien de temps en moyenne ?").average
    assert asked_fact("Quel est le salaire moyen d'un apprenti ?").average
    assert not asked_fact("Combien de temps pour trouver le moyen de contester ?").average


def test_spoken_question_words_ask_what_the_written_ones_do():
    assert asked_fact("C'est quoi le taux de chômage en ce moment ?").kind == "amount"
    assert asked_fact("C'est quand la prochaine réunion du conseil citoyen ?").kind == "date"
    assert asked_fact("C'est quoi un contrat de ville ?") is None  # a definition


def test_a_date_asked_last_in_the_question_is_answered_by_the_sentence_dating_it(seed_searcher):
    answer = respond(seed_searcher.settings, seed_searcher,
                     "le webinaire sur l'acces au numerique dans les quartiers il a eu lieu quand", k=5)
    assert not answer.no_answer and len(answer.sentences) == 1
    assert "15 octobre 2020" in answer.sentences[0].text


def test_an_everyday_word_is_held_by_the_publications_word_for_it():
    analyzer = Analyzer()
    question = "Faut-il prévenir son patron avant un congé d'adoption ?"
    assert about_share(question, "Le salarié informe son employeur avant le congé d'adoption.", analyzer) == 1.0
    assert about_share(question, "Le salarié part en congé d'adoption.", analyzer) < 1.0


def test_the_minimum_of_an_allowance_asks_for_an_amount():
    fact = asked_fact("Quel est le minimum par jour de l'allocation chômage ARE ?")
    assert fact.kind == "amount"
    assert asked_fact("Quel est le minimum d'heures par semaine ?") is None  # not an amount


def test_the_words_saying_what_is_asked_are_left_out_of_what_it_is_about_whatever_their_ending():
    # « dure », « temps », « ça » say what is asked: once stemmed (« dur », « temp ») they were
    # counted as the subject, and a sentence about the contract without them scored 0.4
    analyzer = Analyzer()
    question = "Un contrat d'apprentissage, ça dure combien de temps ?"
    assert about_share(question, "La durée d'un contrat d'apprentissage varie entre 6 mois et 3 ans.", analyzer) == 1.0
    assert about_share("On peut travailler combien d'heures maximum dans une journée ?",
                       "La durée hebdomadaire de travail ne peut dépasser 44 heures.", analyzer) < 1.0


def test_what_a_question_is_about_is_looked_for_near_the_value():
    fact = asked_fact("On peut travailler combien d'heures maximum dans une journée ?")
    sentence = ("La durée maximale de travail effectif est fixée à 10 heures par journée, sauf dérogation "
                "accordée par l'inspecteur du travail ou en cas d'urgence, dans des conditions fixées par décret "
                "pour les salariés de plus de 18 ans")
    near = around_statement(fact, sentence, 5)  # folded: no accents
    assert "10 heures par journee" in near and "18 ans" in near
    assert "inspecteur" not in near and "urgence" not in near


@pytest.mark.xfail(reason="whether a sentence holds each name the question gives was deleted as a feature: leaving it out "
                          "changed nothing on the dev sets, and this question is what it did (README « Answers »: learned "
                          "on three dev sets in three voices, 155 answerable questions)", strict=False)
def test_a_place_said_of_another_body_is_said_not_to_be_given(seed_searcher):
    question = "Dans quelle ville est installée l'association Réciprocités Occitanie ?"
    answer = respond(seed_searcher.settings, seed_searcher, question)
    assert answer.no_answer and answer.text.startswith(UNSTATED_TEXT)


def test_an_age_is_stated_as_an_age_not_as_any_number_of_years():
    fact = asked_fact("À partir de quel âge on peut être adulte-relais ?")
    assert states(fact, "Les postes d'adultes-relais sont réservés à des personnes d'au moins 30 ans sans emploi.")
    assert not states(fact, "La durée pour laquelle la convention est signée ne peut excéder trois ans.")


def test_a_fact_about_something_else_does_not_count():
    analyzer = Analyzer()
    assert about_share(CONTRACTS, "Les contrats de ville sont conclus pour une durée de six ans.", analyzer) >= 0.5
    assert about_share(CONTRACTS, "La convention adulte-relais est signée pour trois ans.", analyzer) == 0


@pytest.mark.parametrize("sentence", [
    "Webinaire régional du 25 mars 2021.",
    "Une journée pour imaginer la politique de la ville dans 10 ans.",  # the document's title
    "Intervenants : Marie Dupont, Ahmed Benali, Sophie Martin.",
])
def test_a_sentence_with_no_content_of_its_own_is_never_an_answer(sentence):
    title = "Une journée pour imaginer la politique de la ville dans 10 ans"
    assert not has_content(sentence, title, asked_fact("Quels sont les enjeux de la politique de la ville ?"))


def test_a_date_line_does_answer_a_question_asking_when():
    assert has_content("Webinaire régional du 25 mars 2021.", "L'émancipation au féminin",
                       asked_fact("Quand a eu lieu le webinaire sur l'émancipation des femmes ?"))


@pytest.mark.xfail(reason="« Ils entrent en vigueur… pour une durée de six ans », in a passage no card shows, scores under "
                          "unstated_below (README « Answers »: learned on three dev sets in three voices, 155 answerable "
                          "questions)", strict=False)
def test_on_the_loi_texts_the_duration_of_contracts_is_answered_by_the_sentence_stating_it(loi_searcher):  # noqa: F811
    answer = respond(loi_searcher.settings, loi_searcher, CONTRACTS, k=5)
    assert not answer.no_answer
    assert [s.text for s in answer.sentences if "six ans" in s.text], answer.text
    cited = answer.citations[answer.sentences[0].n - 1]
    assert "six ans" in " ".join(cited.hit.passage.text.split())
    assert len(answer.text.split()) <= 60


def test_on_the_bundled_notices_alone_the_publications_are_said_not_to_give_it(seed_searcher):
    answer = respond(seed_searcher.settings, seed_searcher, CONTRACTS, k=5)
    assert answer.no_answer and answer.unstated
    assert answer.text.startswith(UNSTATED_TEXT)
    assert "imaginer la politique de la ville" not in answer.text.split(":", 1)[0]
    assert answer.to_json()["no_answer"] is True and answer.to_json()["near_misses"]


def test_a_fact_the_notices_state_is_answered_in_one_short_sentence(seed_searcher):
    answer = respond(seed_searcher.settings, seed_searcher, "Où a eu lieu la formation santé des conseils citoyens de l'Hérault ?", k=5)
    assert not answer.no_answer and len(answer.sentences) == 1
    assert "Lodève" in answer.sentences[0].text


def test_a_date_stated_only_in_a_long_sentence_still_answers_when(seed_searcher):
    # « L'objectif de ce webinaire régional, organisé le 15 octobre 2020 par…, était… »: over the
    # 80 words an answer's sentences keep to, and the only sentence that dates the webinar
    answer = respond(seed_searcher.settings, seed_searcher, "Quand a eu lieu le webinaire sur la médiation numérique ?", k=5)
    assert not answer.no_answer and len(answer.sentences) == 1
    assert "15 octobre 2020" in answer.sentences[0].text


def test_a_place_is_looked_for_near_what_the_question_is_about():
    fact = asked_fact("Où y a-t-il un conseil citoyen ?")
    sentence = ("Le représentant de l'Etat dans le département, après consultation du maire et du président de "
                "l'établissement public de coopération intercommunale concernés, reconnaît la composition du "
                "conseil citoyen.")
    near = around_statement(fact, sentence, 5)
    assert "departement" in near and "conseil citoyen" not in near


def test_the_place_is_the_one_said_of_what_the_question_is_about_not_one_of_its_article(loi_searcher):  # noqa: F811
    # article 7 is about conseils citoyens throughout: its title names them for every sentence
    # alike, and « Le représentant de l'Etat dans le département… reconnaît la composition du
    # conseil citoyen » states a place too, far from them
    answer = respond(loi_searcher.settings, loi_searcher, "Où y a-t-il un conseil citoyen ?", k=5)
    assert "dans chaque quartier prioritaire" in answer.sentences[0].text, answer.text


def test_a_list_announced_by_a_colon_is_answered_with_its_items(loi_searcher):  # noqa: F811
    # article 5: « … sont caractérisés par : » then « 1° Un nombre minimal d'habitants ; 2° … »
    answer = respond(loi_searcher.settings, loi_searcher, "Qu'est-ce que la géographie prioritaire ?", k=5)
    assert not answer.no_answer
    assert not [s.text for s in answer.sentences if s.text.endswith(":")], answer.text
    assert "caractérisés par : 1° Un nombre minimal d'habitants ; 2°" in answer.text


def test_a_sentence_is_read_with_its_documents_title_and_section(loi_searcher):  # noqa: F811
    # « Ces contrats sont signés par… »: « contrats de ville » is in its article's heading, not in it
    answer = respond(loi_searcher.settings, loi_searcher, "Est-ce que les régions signent les contrats de ville ?", k=5)
    assert "signés par les départements et les régions" in answer.text, answer.text


def test_a_body_opening_the_sentence_after_an_elision_still_states_who():
    fact = asked_fact("Qui fixe la liste des quartiers prioritaires ?")
    assert states(fact, "L'État fixe la liste des quartiers prioritaires.")
    assert not states(fact, "La liste est mise à jour chaque année.")


@pytest.mark.parametrize("sentence", [
    "Le bilan de compétences est obligatoirement réalisé par un prestataire extérieur.",
    "La demande se fait auprès de la mairie de la commune de résidence.",
    "Le dossier peut être déposé en ligne sur le site de la préfecture.",
    "Un conseil citoyen est mis en place dans chaque quartier prioritaire de la politique de la ville.",
])
def test_a_place_is_stated_by_a_name_or_by_where_in_lower_case(sentence):
    assert states(asked_fact("Où faire un bilan de compétences ?"), sentence)


def test_conditions_are_not_a_place():
    assert not states(asked_fact("Où faire un bilan de compétences ?"),
                      "Le bilan est réalisé dans des conditions fixées par décret.")


@pytest.mark.xfail(reason="whether a sentence holds each name the question gives (« Observatoire ») was deleted as a "
                          "feature: leaving it out changed nothing on the dev sets, and this question is what it did "
                          "(README « Answers »: learned on three dev sets in three voices, 155 answerable questions)", strict=False)
def test_a_place_no_text_states_is_said_not_to_be_given(loi_searcher):  # noqa: F811
    question = "Où se trouvent les bureaux de l'Observatoire national de la politique de la ville ?"
    answer = respond(loi_searcher.settings, loi_searcher, question, k=5)
    assert answer.no_answer and answer.unstated, answer.text


@pytest.mark.parametrize("sentence", [
    "Les contrats qui ne peuvent être signés dans le délai prévu le sont, au plus tard, l'année suivante.",
    "Par dérogation, la durée du contrat peut être portée à trois ans.",
    "À défaut d'accord, le préavis est de deux mois.",
    "Le salarié est payé chaque mois, sauf stipulation contraire.",
])
def test_an_exception_to_a_rule_is_recognised(sentence):
    assert states_exception(sentence)


@pytest.mark.parametrize("question", [
    "Et s'ils ne peuvent être signés dans le délai, quand le sont-ils ?",
    "Peut-on déroger à la durée du contrat ?",
    "Quand signer un contrat qui n'a pas été signé à temps ?",
])
def test_a_question_about_an_exception_is_recognised(question):
    assert asks_exception(question)


def test_a_question_asked_in_general_is_not_about_an_exception():
    assert not asks_exception("Quand les contrats de ville sont-ils signés ?")


def test_a_rule_is_not_taken_for_an_exception():
    assert not states_exception("Ils sont signés dans l'année du renouvellement général des conseils municipaux.")


def test_a_question_asked_in_general_is_answered_by_the_rule_not_by_its_exception(loi_searcher):  # noqa: F811
    # article 6 states both; « … le sont, au plus tard, l'année suivant… » is for contracts signed late
    answer = respond(loi_searcher.settings, loi_searcher, "Quand les contrats de ville sont-ils signés ?", k=5)
    assert answer.sentences[0].text.startswith("Ils sont signés dans l'année du renouvellement général"), answer.text


def test_a_question_about_the_exception_itself_does_not_hold_it_back(loi_searcher):  # noqa: F811
    question = "Quand sont signés les contrats de ville qui ne peuvent pas être signés dans le délai prévu ?"
    assert asks_exception(question)
    answer = respond(loi_searcher.settings, loi_searcher, question, k=5)
    assert "au plus tard, l'année suivant celle du renouvellement" in answer.sentences[0].text, answer.text


@pytest.mark.parametrize("question", ["c'est quoi un QPV", "Qu'est-ce qu'un conseil citoyen ?",
                                      "définition de la politique de la ville", "QPV ça veut dire quoi ?"])
def test_a_definition_is_asked_in_every_register(question):
    assert asks_definition(question)


def test_asking_a_value_or_an_explanation_is_no_definition():
    assert not asks_definition("C'est quoi le taux de chômage en ce moment ?")  # an amount
    assert not asks_definition("Comment fonctionne un conseil citoyen ?")


def test_a_sentence_defines_what_it_opens_on_not_what_it_only_mentions():
    analyzer = Analyzer()
    # the loi's article 5; the acronym is held by its full form
    assert defines("c'est quoi un QPV", "I. ― Les quartiers prioritaires de la politique de la ville sont situés en "
                   "territoire urbain et sont caractérisés par :", analyzer)
    assert not defines("c'est quoi un QPV", "Le webinaire sur la culture dans les QPV est organisé par le centre.", analyzer)
    assert defines("Qu'est-ce qu'un conseil citoyen ?", "On appelle conseil citoyen une instance d'habitants.", analyzer)
