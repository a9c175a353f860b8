"""Which candidate sentence answers the question: a logistic regression over a few named features
of each sentence — how close it is to the question, where retrieval ranked its excerpt, whether it
states the kind of fact asked, defines what is asked about, states an exception… Its weights are
learned by ``benchmarks/train_ranker.py`` on questions no evaluation uses, and shipped in
``retrieval/ranker.json`` with the three thresholds chosen on the dev sets (README « Answers »).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from core.analysis import Analyzer
from core.logistic import LogisticModel
from retrieval.facts import (AskedFact, about_share, around_statement, asks_definition, asks_exception, defines,
                             says_average, states, states_exception)
from retrieval.search import Hit

RANKER_PATH = Path(__file__).with_name("ranker.json")
NEAR_WORDS = 10  # how far from the value stated what the question is about is looked for

FEATURES = (
    "cosine",  # the question's and the sentence's vectors
    "overlap",  # the share of the question's words it holds, read with its document's title and section
    "first_excerpt",  # it comes from excerpt [1], the passage retrieval ranked first
    "excerpt_rank",  # 1 / n for excerpt [n]; 0 for a passage of the answer's documents not shown
    "log_words",  # its length
    "states_fact",  # it holds a phrase of the kind of fact asked (an average, when one is asked)
    "about_value",  # the share of what the question is about found near that phrase
    "exception",  # it states an exception or an addition to a rule, the question asked in general
    "defines",  # a definition is asked, and it opens on what is asked about, then a defining verb
)


@dataclass(frozen=True)
class Candidate:
    text: str
    n: int  # its excerpt's number; 0 for a passage of the answer's documents not shown yet
    position: int  # where it starts in its passage
    order: int  # its place among its passage's quotable sentences
    hit: Hit | None = None  # the passage not shown yet
    title: str = ""  # its document's
    context: str = ""  # its document's title and its passage's section: what « it » refers to


@dataclass(frozen=True)
class Ranker:
    logistic: LogisticModel  # over FEATURES, on the features as computed
    unstated_below: float  # a factual question whose best stating sentence is less likely is declined
    second_within: float  # a second stating sentence at least this share as likely follows the best
    keep_within: float  # an explanation's other sentences at least this share as likely as its best

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """How likely each sentence (a row of ``sentence_features``) is to state the answer."""
        return self.logistic.probabilities(features)

    def to_json(self) -> dict:
        return {**self.logistic.to_json(), "unstated_below": self.unstated_below,
                "second_within": self.second_within, "keep_within": self.keep_within}

    @classmethod
    def from_json(cls, data: dict) -> Ranker:
        return cls(LogisticModel.from_json(data, FEATURES, "benchmarks/train_ranker.py"), float(data["unstated_below"]),
                   float(data["second_within"]), float(data["keep_within"]))


@cache
def load_ranker(path: Path = RANKER_PATH) -> Ranker:
    return Ranker.from_json(json.loads(path.read_text(encoding="utf-8")))


def sentence_features(question: str, fact: AskedFact | None, candidates: list[Candidate], cosines: np.ndarray,
                      analyzer: Analyzer) -> np.ndarray:
    """One row of FEATURES per candidate."""
    overlap = overlap_shares(question, candidates, analyzer)
    general, definition = not asks_exception(question), asks_definition(question)
    rows = []
    for c, cosine, share in zip(candidates, cosines, overlap):
        stated = fact is not None and states(fact, c.text) and (not fact.average or says_average(c.text))
        around = around_statement(fact, c.text, NEAR_WORDS) if stated else ""
        about_value = ((about_share(question, f"{c.context} {around}", analyzer) + about_share(question, around, analyzer)) / 2
                       if stated else 0.0)
        rows.append([float(cosine), share, c.n == 1, 1 / c.n if c.n else 0.0,
                     math.log(len(c.text.split())), stated, about_value,
                     general and states_exception(c.text),
                     definition and defines(question, c.text, analyzer)])
    return np.array(rows, dtype=float).reshape(len(candidates), len(FEATURES))


STATES_FACT = FEATURES.index("states_fact")
EXCEPTION = FEATURES.index("exception")  # set only for a question asked in general


def overlap_shares(question: str, candidates: list[Candidate], analyzer: Analyzer) -> list[float]:
    """The share of the question's words each sentence holds, read with its document's title and
    section: « Ces contrats sont signés par les régions » is about the contrats de ville of its article."""
    wanted = set(analyzer.terms(question))
    if not wanted:
        return [0.0] * len(candidates)
    contexts = {c.context: set(analyzer.terms(c.context)) for c in candidates}  # a document's, shared by its sentences
    return [len(wanted & (contexts[c.context] | set(analyzer.terms(c.text)))) / len(wanted) for c in candidates]
