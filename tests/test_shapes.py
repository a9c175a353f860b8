"""Answers shaped to the question: a list of documents for « Avez-vous un guide sur… »."""

import pytest

from retrieval.respond import respond
from retrieval.shapes import FEATURES, SHAPES_PATH, asks_for_documents, load_shape_model, question_features


@pytest.mark.parametrize("question", [
    "Avez-vous un guide sur l'égalité entre les femmes et les hommes ?",
    # the learned model gives it 0.36 (« parlent » reads as asking about a document, « dans les » as its content)
    pytest.param("Quels documents parlent de la santé dans les quartiers ?",
                 marks=pytest.mark.xfail(strict=True, reason="learned model: about_it and about outweigh which_kind")),
    "Je cherche un webinaire sur la culture",
    "Existe-t-il des ressources sur la médiation numérique ?",
    # the styles of the dev set (data/eval/requests-dev.jsonl), each in words of its own
    "Est-ce que vous avez un guide sur l'égalité femmes-hommes ?",  # polite, « est-ce que »
    "vous auriez quelque chose sur le logement ?",  # something, not a kind of document
    "où trouver un dossier sur la mobilité ?",  # where to find
    "un guide pour créer un jardin partagé ?",  # a bare noun phrase, as a question
    "il me faudrait un support sur la laïcité",  # what one needs
    "guides sport",  # two words
    "envoyez moi les fiches sur l'apprentissage",  # an order, no accents
    "jcherche un documant sur l'emploi",  # typos
    "Pour notre association, avez-vous des ressources sur le bénévolat ?",  # context first
    "Côté santé, quels guides ?",  # topic first, then which
    "Quoi lire sur la mixité sociale ?",  # what to read
    "Un webinaire sur la santé, ça existe ?",  # does it exist
    "Quelles sont les dernières publications ?",  # which, with an adjective
    "Vous pourriez me dégoter une fiche sur le bénévolat ?",  # a verb no rule lists
    "t'aurais un doc sur les loyers ?",
    "Avez-vous un livre sur la rénovation urbaine ?",  # a book, not a typo of « livret »
])
def test_questions_that_look_for_documents_are_recognised(question):
    assert asks_for_documents(question)


@pytest.mark.parametrize("question", [
    "Comment intégrer l'égalité femmes-hommes dans nos actions ?",
    "Quels leviers pour l'emploi dans les quartiers ?",
    "Qui signe le contrat de ville ?",
    # they name a document, but ask what it says, what it is or who made it
    "Qu'est-ce qu'un guide méthodologique ?",
    "Que dit le guide sur les budgets sensibles au genre ?",
    "Qui a écrit ce guide ?",
    "Qui a publié le webinaire sur l'emploi ?",
    "Pour qui Etalab a développé son outil de pseudonymisation ?",  # « pour qui » asks who, as « qui » does
    "Par qui ce kit a-t-il été conçu ?",
    "Le guide parle-t-il des associations sportives ?",
    "Selon la fiche, combien de temps dure le contrat ?",
    "Comment rédiger un dossier de demande de subvention ?",
    "Quels sont les documents à fournir pour une demande d'aide ?",  # paperwork, not publications
    "Est-ce que je dois envoyer un document à la mairie ?",
    # paperwork handed over, in the ministry's words (fiches-travail headings)
    "Quels documents sont délivrés au travailleur à l’issue d’une visite de reprise ?",
    "Quels documents sont nécessaires pour conclure la période de reconversion ?",
    "Quels documents le médecin du travail peut-il remettre au travailleur ?",
    "Comment présenter le guide aux habitants ?",
    "Quel est l'auteur du dossier sur la culture ?",
    "Résumez-moi la fiche sur les contrats aidés.",
    "Comment contacter le centre de ressources ?",  # who answers, not a kind of document
    # words of French one letter away from a kind of document are no typos of it
    "Les élections du conseil citoyen ont lieu quand ?",  # not « sélections »
    "La tête de réseau organise quoi ?",  # not « texte »
])
def test_questions_that_want_an_answer_are_not(question):
    assert not asks_for_documents(question)


def test_a_request_for_a_guide_gets_the_list_of_documents(seed_index, seed_searcher):
    answer = respond(seed_index, seed_searcher, "Avez-vous un guide sur l'égalité entre les femmes et les hommes ?")
    payload = answer.to_json()
    assert payload["shape"] == "documents" and not payload["no_answer"]
    lines = answer.text.splitlines()
    assert lines[0] == "Documents qui correspondent à votre recherche :"
    assert lines[1].startswith("[1] Intégrer l’égalité femmes-hommes") and " — guide, 2020 : " in lines[1]
    assert len({c["doc_id"] for c in payload["citations"]}) == len(payload["citations"]) == len(lines) - 1


def test_with_shapes_off_a_request_is_answered_in_sentences(seed_index, seed_searcher):
    # how the answer benchmarks measured before requests were recognised (--no-shapes)
    answer = respond(seed_index, seed_searcher, "Avez-vous un guide sur l'égalité entre les femmes et les hommes ?",
                     shapes=False)
    assert answer.shape == "answer" and answer.sentences and not answer.listing


def test_a_how_to_question_keeps_the_answer_shape(seed_index, seed_searcher):
    answer = respond(seed_index, seed_searcher, "Comment intégrer l'égalité femmes-hommes dans nos actions ?")
    assert answer.to_json()["shape"] == "answer" and "[1]" in answer.text and not answer.listing


@pytest.mark.parametrize("question", [
    # residents' voice: the document named first, the question word at the end, as spoken French asks
    "la fiche sur les adultes-relais elle date de quand ?",
    "le kit sur la participation il a été fait par qui ?",
    "ce webinaire sur le logement il servait à quoi ?",
    "le rapport de l'observatoire il paraît tous les combien ?",
    "la brochure sur le tri des déchets, elle a été écrite pour qui ?",
    "le replay du webinaire jeunesse il dure combien de temps ?",
])
def test_a_question_word_at_the_end_keeps_the_answer_shape(question):
    assert not asks_for_documents(question)


def test_the_shipped_model_has_a_weight_for_every_named_feature():
    model = load_shape_model(SHAPES_PATH)
    assert len(model.logistic.weights) == len(FEATURES) == len(question_features("Avez-vous un guide ?"))
    assert 0 < model.threshold < 1
