"""Extractive answers: the 2–5 sentences of the answer's documents that best answer the question,
the most likely first (retrieval/ranker.py), each followed by the number of the excerpt it comes
from; for a question asking for a fact (a duration, a date, an amount…, retrieval/facts.py), the
one sentence that states it, or « Les publications ne donnent pas cette information » when none
is likely enough to (and a second one stating it about as likely, when there is one). Nothing is
written that is not in a passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np

from core.analysis import Analyzer, fold
from core.model import Embeds
from core.sentences import MAX_QUOTABLE_WORDS, is_list_item, quotable_sentences, sentence_spans
from retrieval.facts import AskedFact, asked_fact, has_content
from retrieval.index import DocumentInfo
from retrieval.ranker import EXCEPTION, FEATURES, STATES_FACT, Candidate, Ranker, load_ranker, overlap_shares, sentence_features
from retrieval.search import Hit, SearchResult

DUPLICATE_COSINE = 0.92
# Without vectors stored at ingest (builds of earlier versions), only the sentences sharing most
# words with the question are embedded: embedding every sentence of five passages costs more than
# the whole search.
MAX_EMBEDDED = 16
ANSWER_DOCUMENTS = 2
# A factual question's one sentence may come from the first six documents of the ranking, shown
# or not, that score above the candidates' mean: it mixes no situations (README « Answers »: on
# the dev half, 3 → 4 gained one question, 6 one more, 8 lost one).
FACT_DOCUMENTS = 6
# ... and may be longer than the 80 words an answer's sentences keep to: « L'objectif de ce webinaire,
# organisé le 15 octobre 2020 par…, était… » is a long sentence, and the only one that dates it
FACT_LONGEST_WORDS = 100
LIST_WORDS = 80  # a sentence announcing a list is quoted with its items up to this length
# A factual question none of whose candidate sentences states the fact asked (retrieval/facts.py).
UNSTATED_TEXT = "Les publications ne donnent pas cette information."
NO_ANSWER_TEXT = ("Je n'ai trouvé aucun passage pertinent dans les documents pour cette question. "
                  "Essayez de la reformuler avec d'autres mots, ou parcourez les guides par thème "
                  "dans la page « Documents ».")


@dataclass(frozen=True)
class Citation:
    n: int
    hit: Hit

    def to_json(self) -> dict:
        d, p = self.hit.document, self.hit.passage
        return {"n": self.n, "doc_id": d.doc_id, "title": d.title, "source": d.source, "url": d.url,
                "page": p.page, "section": p.section, "text": p.text, "passage": p.id}


@dataclass(frozen=True)
class AnswerSentence:
    text: str
    n: int  # citation number
    supported: bool = True


@dataclass
class Answer:
    question: str
    sentences: list[AnswerSentence]
    citations: list[Citation]
    mode: str = "extractive"  # "llm"; "documents": a list of documents, not sentences
    no_answer: bool = False
    notices: list[str] = field(default_factory=list)
    listing: list[str] = field(default_factory=list)  # the documents, one line each
    near: list[DocumentInfo] = field(default_factory=list)  # no answer, but these came close
    unstated: bool = False  # declined because no sentence states the fact asked, not for the topic

    @property
    def shape(self) -> str:
        return "documents" if self.mode == "documents" else "answer"

    @property
    def text(self) -> str:
        if self.no_answer:
            return declined_text(self.near, UNSTATED_TEXT if self.unstated else NO_ANSWER_TEXT)
        if self.listing:
            return "Documents qui correspondent à votre recherche :\n" + "\n".join(self.listing)
        return " ".join(f"{s.text} [{s.n}]" + ("" if s.supported else " (non vérifié)")
                        for s in self.sentences)

    def to_json(self) -> dict:
        return {"question": self.question, "answer": self.text, "shape": self.shape, "mode": self.mode,
                "citations": [c.to_json() for c in self.citations],
                "no_answer": self.no_answer, "notices": self.notices,
                "near_misses": [document_json(d) for d in self.near]}


def document_json(d: DocumentInfo) -> dict:
    """A document as the JSON outputs show it (search results, near misses)."""
    return {"doc_id": d.doc_id, "title": d.title, "source": d.source, "url": d.url, "date": d.date,
            "type": d.type, "themes": list(d.themes)}


def declined_text(near: list[DocumentInfo], reason: str = NO_ANSWER_TEXT) -> str:
    """What a declined question is told (an answer or a search alike)."""
    return " ".join(filter(None, [reason, near_text(near)]))


def near_text(near: list[DocumentInfo]) -> str:
    """The documents that came close to a declined question, and their themes."""
    if not near:
        return ""
    titles = ", ".join(f"« {d.title} »" for d in near)
    themes = list(dict.fromkeys(t for d in near for t in d.themes))
    lead = "Ces documents s'en approchent" if len(near) > 1 else "Ce document s'en approche"
    return (f"{lead} sans y répondre directement : {titles}."
            + (f" Thèmes proches : {', '.join(themes)}." if themes else ""))


def extractive_answer(question: str, result: SearchResult, embedder: Embeds,
                      max_sentences: int = 5, analyzer: Analyzer | None = None,
                      unshown: list[Hit] | None = None, ranker: Ranker | None = None) -> Answer:
    """``unshown``: the other passages of the answer's documents, whose sentences may answer too;
    a passage an answer sentence comes from is then added to the excerpts, so that every sentence
    can be checked against its excerpt."""
    citations = citations_of(result)
    if result.no_answer or not citations:
        return Answer(question, [], citations, no_answer=True, near=result.near)
    ranked = ranked_candidates(question, result, embedder, analyzer, unshown)
    return compose(ranked, citations, ranker or load_ranker(), max_sentences)


@dataclass(frozen=True)
class Ranked:
    """A question's candidate sentences, with their features (a row of FEATURES each) and vectors."""
    question: str
    fact: AskedFact | None
    candidates: list[Candidate]
    features: np.ndarray
    vectors: np.ndarray


def compose(ranked: Ranked, citations: list[Citation], ranker: Ranker, max_sentences: int = 5) -> Answer:
    """The answer the ranker's probabilities make of ``ranked``: the stating sentence of a fact
    (declined when none is likely enough), else the likeliest sentences, the best first and the
    others in the excerpts' order."""
    question, probabilities = ranked.question, ranker.probabilities(ranked.features)
    stating = [int(i) for i in np.argsort(-probabilities, kind="stable") if ranked.fact is not None  # likeliest first
               and ranked.features[i, STATES_FACT] and probabilities[i] >= ranker.unstated_below]
    # the rule before its exceptions: a question asked in general is answered by the rule when one
    # states the fact, whatever the weights (few training questions have both, so no weight learns it)
    stating.sort(key=lambda i: bool(ranked.features[i, EXCEPTION]))
    if stating:  # the fact, alone: the excerpt cards carry its context; with the runner-up when as likely
        chosen = stating[:1] + _runner_up(stating, probabilities, [c.text for c in ranked.candidates], ranker.second_within)
    elif ranked.fact is not None and ranked.fact.required:
        return Answer(question, [], [], no_answer=True, unstated=True, near=_documents_of(citations))
    elif not ranked.candidates:
        return Answer(question, [], citations, no_answer=True)
    else:
        chosen = _select(probabilities, ranked, ranker.keep_within, max_sentences,
                         len(citations[0].hit.passage.text.split()))
    candidates, citations, chosen = _cite_unshown(ranked.candidates, chosen, citations)
    if not stating:  # after the best sentence, an explanation reads in the passages' order
        chosen = chosen[:1] + sorted(chosen[1:], key=lambda i: (candidates[i].n, candidates[i].position))
    sentences: list[AnswerSentence] = []
    for i in chosen:
        text = with_announced_list(candidates[i].text, candidates[i].position, citations[candidates[i].n - 1].hit.passage.text)
        if not any(s.n == candidates[i].n and text in s.text for s in sentences):  # an item already quoted with its list
            sentences.append(AnswerSentence(text, candidates[i].n))
    return Answer(question, sentences, citations)


def with_announced_list(sentence: str, start: int, passage: str, longest: int = LIST_WORDS) -> str:
    """A sentence that announces a list (« … sont caractérisés par : ») with the items that follow
    it in its passage, as far as ``longest`` words: ending on its colon, it says nothing. ``start``
    is where the sentence begins in ``passage`` (``quotable_sentences``)."""
    spans = [span for span in sentence_spans(passage) if span[0] >= start]
    if not sentence.rstrip().endswith(":") or not spans:
        return sentence
    end = spans[0][1]
    for item_start, item_end in spans[1:]:
        if not is_list_item(passage[item_start:item_end]) or len(passage[start:item_end].split()) > longest:
            break
        end = item_end
    return " ".join(passage[start:end].split())


def _runner_up(stating: list[int], probabilities: np.ndarray, texts: list[str], within: float) -> list[int]:
    """The second stating sentence, when it is at least ``within`` as likely as the best and not
    the same sentence again (a page may repeat one under its heading). Not told apart by their
    vectors: two sentences on one pay slip's five and fifty years are closer than 0.92."""
    best = stating[0]
    others = [i for i in stating[1:] if not _same_words(texts[i], texts[best])]
    return others[:1] if others and probabilities[others[0]] >= within * probabilities[best] else []


def _same_words(a: str, b: str) -> bool:
    """Whether one text's words, in order, are within the other's (accents and quotes aside)."""
    a, b = (" ".join(re.findall(r"\w+", fold(t))) for t in (a, b))
    return a in b or b in a


def _documents_of(citations: list[Citation]) -> list[DocumentInfo]:
    """The answer's documents, closest first: the near misses of a fact they do not state."""
    documents = {c.hit.document.doc_id: c.hit.document for c in citations}
    return list(documents.values())[:ANSWER_DOCUMENTS]


def _cite_unshown(candidates: list[Candidate], chosen: list[int], citations: list[Citation]
                  ) -> tuple[list[Candidate], list[Citation], list[int]]:
    """A passage not shown that a chosen sentence comes from takes the card of the lowest excerpt
    no better sentence cites: the person chose how many excerpts to see (« Nombre d'extraits »),
    and each sentence is checked against its card. A sentence left without a card is dropped."""
    citations = list(citations)
    numbers: dict[int, int] = {}  # unshown passage id -> the card it took
    held: set[int] = set()  # cards a chosen sentence cites
    kept = []
    for i in chosen:
        c = candidates[i]
        if c.n == 0 and c.hit is not None and c.hit.passage.id not in numbers:
            free = [n for n in range(len(citations), 0, -1) if n not in held]
            if not free:
                continue
            numbers[c.hit.passage.id] = free[0]
            citations[free[0] - 1] = Citation(free[0], c.hit)
        n = numbers[c.hit.passage.id] if c.n == 0 and c.hit is not None else c.n
        if c.n and c.n in numbers.values():  # its excerpt gave its card to a better sentence's passage
            continue
        held.add(n)
        kept.append(i)
    taken = set(numbers.values())
    candidates = [replace(c, n=numbers[c.hit.passage.id]) if c.n == 0 and c.hit and c.hit.passage.id in numbers
                  else replace(c, n=0) if c.n in taken else c for c in candidates]
    return candidates, citations, kept


def citations_of(result: SearchResult) -> list[Citation]:
    return [Citation(i, hit) for i, hit in enumerate(result.hits, start=1)]


def ranked_candidates(question: str, result: SearchResult, embedder: Embeds, analyzer: Analyzer | None = None,
                      unshown: list[Hit] | None = None) -> Ranked:
    """The sentences an answer may take, with their features and vectors (``compose`` chooses)."""
    fact, analyzer = asked_fact(question), analyzer or Analyzer()
    candidates = [c for c in _candidates(citations_of(result), unshown or [], answer_documents(result, fact is not None),
                                         fact is not None) if has_content(c.text, c.title, fact)]
    if not candidates:
        return Ranked(question, fact, [], np.zeros((0, len(FEATURES))), np.zeros((0, 0)))
    # ties keep excerpt order, so better-ranked excerpts are preferred; sentences embedded at
    # ingest are all kept, they cost nothing to score
    stored = getattr(embedder, "known", {})
    order = np.argsort(-np.array(overlap_shares(question, candidates, analyzer)), kind="stable")
    keep = sorted({int(i) for i in order[:MAX_EMBEDDED]} | {i for i, c in enumerate(candidates) if c.text in stored})
    candidates = [candidates[i] for i in keep]
    vectors = embedder.embed_passages([c.text for c in candidates])
    query = result.query_vector if result.query_vector is not None else embedder.embed_queries([question])[0]
    return Ranked(question, fact, candidates, sentence_features(question, fact, candidates, vectors @ query, analyzer), vectors)


def _candidates(citations: list[Citation], unshown: list[Hit], documents: list[str], factual: bool) -> list[Candidate]:
    """Sentences of the excerpts of ``documents``, then of their passages not shown: an answer
    stitched from many documents mixes situations (the other excerpts are still shown and cited)."""
    out, seen = [], set()
    longest = FACT_LONGEST_WORDS if factual else MAX_QUOTABLE_WORDS
    sources = [(c.hit, c.n) for c in citations] + [(h, 0) for h in unshown]
    for hit, n in sources:
        if hit.document.doc_id not in documents:
            continue
        for order, (start, _, sentence) in enumerate(quotable_sentences(hit.passage.text, longest)):
            # a question restated by the excerpt is not an answer to it
            if sentence not in seen and not sentence.endswith("?"):
                seen.add(sentence)
                out.append(Candidate(sentence, n, start, order, hit if n == 0 else None, hit.document.title,
                                     f"{hit.document.title} {hit.passage.section}"))
    return out


def answer_documents(result: SearchResult, factual: bool) -> list[str]:
    """The documents an answer's sentences are taken from: those of the first excerpts, or for a
    question asking for a fact (``asked_fact``) the first ``FACT_DOCUMENTS`` of the ranking, shown
    or not (five excerpts, two per document, often show only three), those not shown only when
    they score above the candidates' mean: the last of four loi articles is no source of facts."""
    shown = list(dict.fromkeys(hit.document.doc_id for hit in result.hits))
    if not factual:
        return shown[:ANSWER_DOCUMENTS]
    return [doc_id for doc_id, score in result.documents[:FACT_DOCUMENTS] if doc_id in shown or score > 0]


def _select(probabilities: np.ndarray, ranked: Ranked, keep_within: float, limit: int, first_words: int) -> list[int]:
    """Likeliest sentences first, while at least ``keep_within`` as likely as the best, skipping
    near-duplicates; at least two when there are two. Excerpt [1] is shown right under the answer,
    so beyond its best sentence the answer takes at most half of its words."""
    order = np.argsort(-probabilities, kind="stable")
    chosen: list[int] = []
    from_first = 0
    for i in order:
        if len(chosen) == limit:
            break
        if len(chosen) >= 2 and probabilities[i] < keep_within * probabilities[order[0]]:
            break
        if any(float(ranked.vectors[i] @ ranked.vectors[j]) > DUPLICATE_COSINE for j in chosen):
            continue
        words, first = len(ranked.candidates[i].text.split()), ranked.candidates[i].n == 1
        if first and from_first and from_first + words > first_words / 2:
            continue
        from_first += words if first else 0
        chosen.append(int(i))
    return chosen
