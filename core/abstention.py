"""When to say « aucun passage pertinent »: two signals, both read on the index itself.

**Meaning.** How close the best passage comes to a question depends on the corpus (its size,
its passage length), so a fixed cosine would decline good questions on one index and answer
nonsense on another. At each build, a bank of everyday questions that no resource centre
document answers — cooking, sport, health, phones, local events, other public services, in every
register people type (« svp », no accents, typos, one or two words) — is run against the new
vectors (``offtopic-bank.jsonl``, the dev half of ``data/eval/offtopic-bank-*.jsonl``). The
threshold is a high quantile of their best-match cosines plus a margin, both chosen on the dev
halves (benchmarks/abstention.py); a quantile of two hundred draws is a steadier estimate of
the tail than the maximum of twenty. A category of the bank that the collection covers (« travail »
for the labour ministry's pages) would drag the threshold up to its own questions: a category
most of whose questions the others' threshold would answer is left out, and the threshold read
again without it.

**Words.** A dense cosine alone cannot tell whether the question's subject is in the collection
at all: « recette de la ratatouille svp » comes near a guide's « recette » of a data platform.
The question's content words — question words, politeness and stop words aside, accents folded,
glossary acronyms with their full forms, a typo of one letter forgiven — are looked up in the
collection's own words (its BM25 vocabulary); a question too few of whose content words occur
in the collection (under ``KNOWN_SHARE``, so always when none does) is declined whatever its
cosine.

**Decision.** On a build whose calibration records the bank's median and spread, a logistic
regression over a few named features (``FEATURES``: the cosine against this index's bank, twice;
the share of the question's rarity the collection holds, and that its best passage holds; whether
the dense and the lexical rankings point at the same document; how many content words the
question has) gives the probability that the question is off-topic; it is declined at or over the
model's threshold, and always when none of its content words is known. Weights and threshold
were learned on the dev halves of five index compositions pooled (``benchmarks/abstention.py
--train``, which also fits each composition left out, to show the model carries to a collection
it was not fitted on) and ship in ``abstention-model.json``. A build from
before, or ``BOUSSOLE_ABSTAIN_THRESHOLD`` set above 0, keeps the rule it replaced: declined when
the share of known content words is under ``KNOWN_SHARE`` OR the best passage scores under the
threshold.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np

from core.analysis import Analyzer
from core.logistic import LogisticModel

# Chosen on the dev halves (benchmarks/abstention.py --choose): the README gives the figures.
QUANTILE = 0.95
MARGIN = -0.005
KNOWN_SHARE = 0.4
FALLBACK_THRESHOLD = 0.825  # used only by an index built before calibration existed
# A typo is forgiven only in a word this long: shorter words have too many one-letter neighbours.
TYPO_MIN_LENGTH = 5

# Words that ask, greet or fill rather than say what the question is about.
NOT_CONTENT = (
    "quel quelle quels quelles comment combien pourquoi quand où ou qui quoi que qu est-ce "
    "c'est ya y-a peut peux peuvent pouvoir faut falloir dois doit doivent devoir fait faire faites "
    "veux veut voudrais voudrait vouloir cherche chercher trouver trouve savoir sais sait connaitre "
    "dire dites explique expliquer expliquez aide aider aidez besoin avoir être aller va vais "
    "svp stp merci bonjour bonsoir salut coucou hello please plait s'il vous plaît "
    "possible exactement vraiment simplement rapidement svp moi toi quelqu'un chose truc trucs "
    "oui non ok bien bon mieux meilleur meilleure beaucoup peu plus moins tout tous toute toutes "
    "mon ma mes son sa ses ton ta tes notre votre leur"
)

# From the old rule (the highest of twenty probes plus 0.01): kept to find the documents that
# come first for any question (``Searcher.hub_shares``) and to measure the rule it replaced.
PROBES = [
    "Comment réussir une mayonnaise maison ?",
    "Quelle est la meilleure recette de lasagnes ?",
    "Combien de calories contient une banane ?",
    "Qui a remporté le Tour de France en 2019 ?",
    "Quelles sont les règles du rugby à sept ?",
    "Comment régler le dérailleur d'un vélo de course ?",
    "Quelle est la distance entre la Terre et la Lune ?",
    "Pourquoi le ciel est-il bleu ?",
    "Comment apprendre à jouer de la guitare ?",
    "Quel est le meilleur jeu vidéo de l'année ?",
    "Comment tailler un rosier en automne ?",
    "Combien de temps vit une tortue ?",
    "Quelle est la plus haute montagne d'Europe ?",
    "Comment enlever une tache de vin rouge ?",
    "Qui a peint la Joconde ?",
    "Comment faire pousser des tomates sur un balcon ?",
    "Quel film regarder ce soir ?",
    "Comment nettoyer un aquarium ?",
    "Quelle est la population de la Chine ?",
    "Comment fonctionne un moteur à explosion ?",
]


@dataclass(frozen=True)
class Probe:
    question: str
    category: str


@cache
def load_probes() -> tuple[Probe, ...]:
    """The off-topic bank's dev half, shipped with the package."""
    lines = files("core").joinpath("offtopic-bank.jsonl").read_text(encoding="utf-8").splitlines()
    return tuple(Probe(row["question"], row["category"]) for row in map(json.loads, filter(str.strip, lines)))


def calibrate(dense_index, probe_vectors: np.ndarray, categories: list[str],
              quantile: float = QUANTILE, margin: float = MARGIN) -> dict:
    """Threshold for this index: the ``quantile`` of the probes' best-match cosines plus
    ``margin``, the categories the collection covers left out (``covered_categories``)."""
    if dense_index.ntotal == 0:
        return {"threshold": 1.0, "probes": len(probe_vectors)}
    scores, _ = dense_index.search(np.ascontiguousarray(probe_vectors, dtype=np.float32), 1)
    return threshold_from(scores[:, 0], categories, quantile, margin)


def threshold_from(best: np.ndarray, categories: list[str], quantile: float = QUANTILE,
                   margin: float = MARGIN) -> dict:
    """The calibration read on the probes' best-match cosines ``best``."""
    covered = covered_categories(best, categories, quantile, margin)
    kept = np.array([c not in covered for c in categories])
    threshold = float(np.quantile(best[kept], quantile)) + margin
    return {"threshold": round(threshold, 4), "quantile": quantile, "margin": margin,
            "probes": int(kept.sum()), "covered": sorted(covered),
            "probe_median": round(float(np.median(best[kept])), 4),
            "probe_spread": round(float(np.std(best[kept])), 4)}


def covered_categories(best: np.ndarray, categories: list[str], quantile: float, margin: float) -> set[str]:
    """Categories of the bank the collection covers: most of their questions would be answered
    under the threshold all the other categories give. Each category is held against the
    others' threshold, never one it takes part in: eighteen questions are 8 % of the bank, enough
    to set a 95 % quantile by themselves (on the labour ministry's pages « travail » scored a
    median of 0.882 under the 0.883 it had itself raised the threshold to). One pass: read again
    without the categories found, the threshold falls and takes neighbours along (« démarches »,
    « santé », « logement » on those pages), which the collection does not answer."""
    categories = np.asarray(categories)
    covered = set()
    for c in set(categories):
        others = categories != c
        if others.any() and np.median(best[~others]) >= float(np.quantile(best[others], quantile)) + margin:
            covered.add(str(c))
    return covered


def threshold_for(manifest_dense: dict, override: float) -> float:
    if override > 0:
        return override
    return float(manifest_dense.get("abstention", {}).get("threshold", FALLBACK_THRESHOLD))


# The learned decision (``abstention-model.json``, written by benchmarks/abstention.py --train):
# a logistic regression over these few named features, each comparable across indexes.
MODEL_FILE = "abstention-model.json"
FEATURES = {
    "cosine_over_bank": "best passage's cosine minus this index's threshold (the bank's quantile)",
    "cosine_z": "best passage's cosine less the bank's median on this index, over its spread",
    "idf_known_share": "share of the question's content words the collection knows, each weighted by "
                       "its rarity in the collection (an unknown word weighs the most)",
    "best_match_share": "share of the question's rarity-weighted content words the best passage holds",
    "lexical_agreement": "1 / (1 + rank) of the best dense passage's document among the documents of "
                         "the lexical ranking's first passages (0 when not among them)",
    "content_words": "how many distinct content words the question has, at most CONTENT_WORDS_CAP",
}
# How deep in the lexical ranking the dense best document is looked for (``lexical_agreement``).
AGREEMENT_DEPTH = 20
# A pasted paragraph is not more on-topic than an eight-word question: the count stops there.
CONTENT_WORDS_CAP = 8


@dataclass(frozen=True)
class Evidence:
    """What search knows of a question when it decides whether to answer it."""
    best_dense: float
    known_share: float
    idf_known_share: float = 0.0
    best_match_share: float = 0.0
    lexical_agreement: float = 0.0
    content_words: int = 0


def word_evidence(lexical, content: list[str]) -> tuple[float, float]:
    """For the content words ``content``: the share of their rarity (``LexicalIndex.rarity``) that
    the collection holds, and that the one passage holding most of it holds. « recette » known
    from a data guide weighs little beside the unknown « ratatouille »."""
    found, known, total = lexical.rarity(content)
    if not total:
        return 0.0, 0.0
    return known / total, (float(found.max()) / total if len(found) else 0.0)


def lexical_agreement(dense: list[tuple[int, float]], lexical: list[tuple[int, float]], doc_of) -> float:
    """Whether the two rankers point at the same document: 1 / (1 + rank) of the dense ranking's
    best passage's document among the distinct documents of the lexical ranking's first
    ``AGREEMENT_DEPTH`` passages, 0 when it is not there. A question the collection answers finds
    its document by its meaning and by its words; « horaires caf » comes near a guide by one and
    finds other passages by the other."""
    if not dense or not lexical:
        return 0.0
    documents = list(dict.fromkeys(doc_of(pid) for pid, _ in lexical[:AGREEMENT_DEPTH]))
    best = doc_of(dense[0][0])
    return 1 / (1 + documents.index(best)) if best in documents else 0.0


def content_word_count(content: list[str]) -> int:
    """The number of distinct content words, capped (``CONTENT_WORDS_CAP``)."""
    return min(len(set(content)), CONTENT_WORDS_CAP)


def features(evidence: Evidence, calibration: dict) -> dict[str, float]:
    """The named features of ``evidence`` on the index ``calibration`` describes."""
    return {
        "cosine_over_bank": evidence.best_dense - calibration["threshold"],
        "cosine_z": (evidence.best_dense - calibration["probe_median"]) / max(calibration["probe_spread"], 1e-3),
        "idf_known_share": evidence.idf_known_share,
        "best_match_share": evidence.best_match_share,
        "lexical_agreement": evidence.lexical_agreement,
        "content_words": float(evidence.content_words),
    }


@dataclass(frozen=True)
class Model:
    """The probability a question is off-topic, and the threshold at or over which it is declined."""
    logistic: LogisticModel  # on standardised features, named in the file's order
    threshold: float

    def probability(self, named: dict[str, float]) -> float:
        return self.logistic.probability(named)

    @classmethod
    def from_json(cls, data: dict) -> Model:
        return cls(LogisticModel.from_json(data), float(data["threshold"]))


@cache
def load_model() -> Model:
    return Model.from_json(json.loads(files("core").joinpath(MODEL_FILE).read_text(encoding="utf-8")))


def learned(calibration: dict) -> bool:
    """Whether this build's calibration has what the learned decision reads (builds from before
    it keep today's rule)."""
    return all(k in calibration for k in ("threshold", "probe_median", "probe_spread"))


def declines(evidence: Evidence, manifest_dense: dict, override: float) -> bool:
    """Whether to say « aucun passage pertinent »: the learned decision on a build calibrated for
    it; the threshold and known share on one from before, or when ``override`` sets a threshold."""
    calibration = manifest_dense.get("abstention", {})
    if override > 0 or not learned(calibration):
        return evidence.best_dense < threshold_for(manifest_dense, override) or evidence.known_share < KNOWN_SHARE
    if evidence.known_share == 0:  # none of its words is in the collection: nothing to answer from
        return True
    model = load_model()
    return model.probability(features(evidence, calibration)) >= model.threshold


class Vocabulary:
    """The collection's words (its BM25 terms), asked whether it knows any of a question's."""

    def __init__(self, terms) -> None:
        self.terms = frozenset(terms)
        self._deletions: dict[str, None] | None = None

    def known_share(self, terms: list[str]) -> float:
        """The share of the content words among ``terms`` the collection knows (0 without any)."""
        content = list(dict.fromkeys(content_terms(terms)))
        return sum(map(self.knows, content)) / len(content) if content else 0.0

    def knows(self, term: str) -> bool:
        """The word, or a word one letter away from it (a typo: « logemnt », « cheque »)."""
        if term in self.terms:
            return True
        if len(term) < TYPO_MIN_LENGTH:
            return False
        deletions = self._typo_keys()
        return term in deletions or any(d in self.terms or d in deletions for d in _deletions(term))

    def _typo_keys(self) -> dict[str, None]:
        """Each known word with one letter deleted (symmetric deletion: one lookup per variant)."""
        if self._deletions is None:
            self._deletions = dict.fromkeys(d for t in self.terms if len(t) >= TYPO_MIN_LENGTH
                                            for d in _deletions(t))
        return self._deletions


def content_terms(terms: list[str]) -> list[str]:
    """The terms that say what a question is about: no question word, greeting or number."""
    skip = _not_content()
    return [t for t in terms if t not in skip and not t.isdigit()]


@cache
def _not_content() -> frozenset[str]:
    return frozenset(Analyzer().terms(NOT_CONTENT))


def _deletions(word: str) -> list[str]:
    return [word[:i] + word[i + 1:] for i in range(len(word))]
