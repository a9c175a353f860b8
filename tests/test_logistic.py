import json

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from core.abstention import load_model
from core.logistic import LogisticModel
from retrieval.ranker import load_ranker
from retrieval.shapes import load_shape_model, question_features

QUESTIONS = ["Avez-vous un guide sur l'égalité filles-garçons ?", "Quand a été publié le guide des conseils citoyens ?",
             "fiche adultes-relais", "Qui finance les contrats de ville ?", "que lire sur la politique de la ville ?"]


def test_a_probability_is_scikit_learn_s_for_the_same_weights():
    logistic = load_shape_model().logistic
    rows = np.array([question_features(q) for q in QUESTIONS])
    fitted = LogisticRegression()
    fitted.classes_, fitted.coef_, fitted.intercept_ = np.array([0, 1]), np.array([logistic.weights]), np.array([logistic.intercept])
    expected = fitted.predict_proba(rows)[:, 1]
    assert [logistic.probability(tuple(row)) for row in rows] == pytest.approx(expected, rel=1e-12)
    assert logistic.probabilities(rows) == pytest.approx(expected, rel=1e-12)


def test_features_are_standardised_when_means_and_scales_are_given():
    logistic = load_model().logistic
    at_means = dict(zip(logistic.names, logistic.means))
    assert logistic.probability(at_means) == pytest.approx(1 / (1 + np.exp(-logistic.intercept)))
    # one scale over its mean on the first feature adds exactly its weight to the log-odds
    first = logistic.names[0]
    above = at_means | {first: at_means[first] + logistic.scales[0]}
    assert logistic.probability(above) == pytest.approx(1 / (1 + np.exp(-logistic.intercept - logistic.weights[0])))


@pytest.mark.parametrize("logistic", [load_model().logistic, load_ranker().logistic], ids=["standardised", "plain"])
def test_a_model_written_to_json_reads_back_the_same(logistic):
    assert LogisticModel.from_json(json.loads(json.dumps(logistic.to_json()))) == logistic
