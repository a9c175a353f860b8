"""Extractive answers: the 2–5 sentences of the answer's documents that best answer the question,
each followed by the number of the excerpt it comes from; for a question asking for a fact (a
duration, a date, an amount…, retrieval/facts.py), the one sentence that states it, or « Les
publications ne donnent pas cette information » when none does (and a second one stating it as
surely, when there is one). Nothing is written that is not in a passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np

from core.analysis import Analyzer, fold
from core.model import Embeds
from core.sentences import MAX_QUOTABLE_WORDS, is_list_item, quotable_sentences, sentence_spans
from retrieval.facts import (AskedFact, about_share, asked_fact, asks_exception, around_statement, echoes,
                             has_content, holds_names, names_bound, names_measure, says_average, states,
                             states_exception)
from retrieval.index import DocumentInfo
from retrieval.search import Hit, SearchResult

OVERLAP_WEIGHT = 0.3
# Sentences scoring this far below the best one are left out: they answer something else.
SCORE_MARGIN = 0.08
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
# The share of what a factual question is about that the sentence stating its fact must hold
# (chosen on data/eval/facts-dev.jsonl, README « Answers »).
ABOUT_MIN = 0.4
ABOUT_WEIGHT = 0.5  # and it counts in choosing among the sentences that state the fact
MEASURE_WEIGHT = 0.2  # so does naming what is measured (« le préavis est de deux mois »)
BOUND_WEIGHT = 0.2  # and stating the bound asked for (« ne peut excéder » for « combien … maximum »)
ECHO_WEIGHT = 0.2  # and saying the value the way it is asked for (« tous les quatre ans » for « tous les combien »)
# and stating an exception (« les contrats qui ne peuvent être signés dans le délai… ») counts
# against it: a question asked in general wants the rule (0.02, 0.05 and 0.1 tie on dev)
EXCEPTION_WEIGHT = 0.05
SECOND_MARGIN = 0.1  # a second stating sentence this close to the best follows it (both dev sets: 0.1–0.3 tie)
NEAR_WORDS = 10  # how far from the value what the question is about is looked for
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


@dataclass(frozen=True)
class _Candidate:
    text: str
    n: int  # its excerpt's number; 0 for a passage of the answer's documents not shown yet
    position: int
    hit: Hit | None = None  # the passage not shown yet
    title: str = ""  # its document's
    context: str = ""  # its document's title and its passage's section: what « it » refers to


def extractive_answer(question: str, result: SearchResult, embedder: Embeds,
                      max_sentences: int = 5, analyzer: Analyzer | None = None,
                      unshown: list[Hit] | None = None) -> Answer:
    """``unshown``: the other passages of the answer's documents, whose sentences may answer too;
    a passage an answer sentence comes from is then added to the excerpts, so that every sentence
    can be checked against its excerpt."""
    citations = citations_of(result)
    if result.no_answer or not citations:
        return Answer(question, [], citations, no_answer=True, near=result.near)
    analyzer = analyzer or Analyzer()
    fact = asked_fact(question)
    candidates, scores, vectors = scored_candidates(question, result, embedder, analyzer, unshown)
    keep = [i for i, c in enumerate(candidates) if has_content(c.text, c.title, fact)]
    candidates, scores, vectors = [candidates[i] for i in keep], scores[keep], vectors[keep]
    stating, total = _stating_sentences(question, fact, candidates, scores, analyzer) if fact is not None else ([], {})
    if stating:
        # the fact, alone: the excerpt cards carry its context; with the runner-up when as sure
        chosen = stating[:1] + _runner_up(stating, total, [c.text for c in candidates])
    elif fact is not None and fact.required:
        return Answer(question, [], [], no_answer=True, unstated=True, near=_documents_of(citations))
    elif not candidates:
        return Answer(question, [], citations, no_answer=True)
    else:
        chosen = _select(scores, vectors, max_sentences, candidates, len(citations[0].hit.passage.text.split()))
    candidates, citations, chosen = _cite_unshown(candidates, chosen, citations)
    if not stating:  # an explanation reads in the passages' order; a fact comes first
        chosen.sort(key=lambda i: (candidates[i].n, candidates[i].position))
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


def _stating_sentences(question: str, fact: AskedFact, candidates: list[_Candidate], scores: np.ndarray,
                       analyzer: Analyzer) -> tuple[list[int], dict[int, float]]:
    """The sentences that state the fact asked about what the question is about, best first
    (none when no sentence does), and how surely each does."""
    about = {i: about_share(question, f"{c.context} {c.text}", analyzer)
             for i, c in enumerate(candidates) if states(fact, c.text)}
    stating = [i for i, share in about.items()
               if share >= ABOUT_MIN and holds_names(question, f"{candidates[i].context} {candidates[i].text}")]
    if fact.average:
        stating = [i for i in stating if says_average(candidates[i].text)]
    if fact.kind == "amount" and fact.measured:
        # « quel salaire » is not answered by the amount of an aid: an amount's sentence names it
        stating = [i for i in stating if names_measure(fact, f"{candidates[i].context} {candidates[i].text}")]
    # among them, what the question is about is looked for near the value, not anywhere in the
    # sentence; the document's title and section count for half (« Ces contrats sont signés… »
    # refers to them), since they hold the subject for every sentence of the document alike
    around = {i: around_statement(fact, candidates[i].text, NEAR_WORDS) for i in stating}
    near = {i: (about_share(question, f"{candidates[i].context} {around[i]}", analyzer)
                + about_share(question, around[i], analyzer)) / 2 for i in stating}
    # what is measured and the bound asked for count where they are said of the value
    general = not asks_exception(question)
    total = {i: (scores[i] + ABOUT_WEIGHT * near[i] + MEASURE_WEIGHT * names_measure(fact, around[i])
                 + BOUND_WEIGHT * names_bound(fact, around[i]) + ECHO_WEIGHT * echoes(fact, around[i])
                 - EXCEPTION_WEIGHT * (general and states_exception(candidates[i].text))) for i in stating}
    return sorted(stating, key=lambda i: -total[i]), total


def _runner_up(stating: list[int], total: dict[int, float], texts: list[str]) -> list[int]:
    """The second stating sentence, when it states the fact as surely as the best and is not
    the same sentence again (a page may repeat one under its heading). Not told apart by their
    vectors: two sentences on one pay slip's five and fifty years are closer than 0.92."""
    best = stating[0]
    others = [i for i in stating[1:] if not _same_words(texts[i], texts[best])]
    return others[:1] if others and total[best] - total[others[0]] <= SECOND_MARGIN else []


def _same_words(a: str, b: str) -> bool:
    """Whether one text's words, in order, are within the other's (accents and quotes aside)."""
    a, b = (" ".join(re.findall(r"\w+", fold(t))) for t in (a, b))
    return a in b or b in a


def _documents_of(citations: list[Citation]) -> list[DocumentInfo]:
    """The answer's documents, closest first: the near misses of a fact they do not state."""
    documents = {c.hit.document.doc_id: c.hit.document for c in citations}
    return list(documents.values())[:ANSWER_DOCUMENTS]


def _cite_unshown(candidates: list[_Candidate], chosen: list[int], citations: list[Citation]
                  ) -> tuple[list[_Candidate], list[Citation], list[int]]:
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


def scored_candidates(question: str, result: SearchResult, embedder: Embeds, analyzer: Analyzer | None = None,
                      unshown: list[Hit] | None = None) -> tuple[list[_Candidate], np.ndarray, np.ndarray]:
    """The sentences an answer may take, each scored by its closeness to the question and the
    share of the question's words it holds (with their vectors, to skip near-duplicates)."""
    factual = asked_fact(question) is not None
    candidates = _candidates(citations_of(result), unshown or [], answer_documents(result, factual), factual)
    if not candidates:
        return [], np.zeros(0), np.zeros((0, 0))
    overlap = _overlap(question, candidates, analyzer or Analyzer())
    # ties keep excerpt order, so better-ranked excerpts are preferred; sentences embedded at
    # ingest are all kept, they cost nothing to score
    stored = getattr(embedder, "known", {})
    order = np.argsort(-overlap, kind="stable")
    keep = sorted({int(i) for i in order[:MAX_EMBEDDED]} | {i for i, c in enumerate(candidates) if c.text in stored})
    candidates, overlap = [candidates[i] for i in keep], overlap[keep]
    vectors = embedder.embed_passages([c.text for c in candidates])
    query = result.query_vector if result.query_vector is not None else embedder.embed_queries([question])[0]
    return candidates, vectors @ query + OVERLAP_WEIGHT * overlap, vectors


def _candidates(citations: list[Citation], unshown: list[Hit], documents: list[str], factual: bool) -> list[_Candidate]:
    """Sentences of the excerpts of ``documents``, then of their passages not shown: an answer
    stitched from many documents mixes situations (the other excerpts are still shown and cited)."""
    out, seen = [], set()
    longest = FACT_LONGEST_WORDS if factual else MAX_QUOTABLE_WORDS
    sources = [(c.hit, c.n) for c in citations] + [(h, 0) for h in unshown]
    for hit, n in sources:
        if hit.document.doc_id not in documents:
            continue
        for start, _, sentence in quotable_sentences(hit.passage.text, longest):
            # a question restated by the excerpt is not an answer to it
            if sentence not in seen and not sentence.endswith("?"):
                seen.add(sentence)
                out.append(_Candidate(sentence, n, start, hit if n == 0 else None, hit.document.title,
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


def _overlap(question: str, candidates: list[_Candidate], analyzer: Analyzer) -> np.ndarray:
    """The share of the question's words each sentence holds, read with its document's title and
    section: « Ces contrats sont signés par les régions » is about the contrats de ville of its article."""
    wanted = set(analyzer.terms(question))
    if not wanted:
        return np.zeros(len(candidates))
    contexts = {c.context: set(analyzer.terms(c.context)) for c in candidates}  # a document's, shared by its sentences
    return np.array([len(wanted & (contexts[c.context] | set(analyzer.terms(c.text)))) / len(wanted) for c in candidates])


def _select(scores: np.ndarray, vectors: np.ndarray, limit: int, candidates: list[_Candidate],
            first_words: int) -> list[int]:
    """Best sentences first, skipping near-duplicates; at least two when there are two. Excerpt
    [1] is shown right under the answer, so beyond its best sentence the answer takes at most
    half of its words: the rest comes from the other excerpts."""
    order = np.argsort(-scores)
    chosen: list[int] = []
    from_first = 0
    for i in order:
        if len(chosen) == limit:
            break
        if len(chosen) >= 2 and scores[i] < scores[order[0]] - SCORE_MARGIN:
            break
        if any(float(vectors[i] @ vectors[j]) > DUPLICATE_COSINE for j in chosen):
            continue
        words = len(candidates[i].text.split())
        if candidates[i].n == 1 and from_first and from_first + words > first_words / 2:
            continue
        from_first += words if candidates[i].n == 1 else 0
        chosen.append(int(i))
    return chosen
