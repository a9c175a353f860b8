"""Extractive answers: the 2–5 sentences of the top passages that best answer the question,
each followed by the number of the excerpt it comes from. Nothing is written that is not in
a passage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.analysis import Analyzer
from core.model import Embeds
from core.sentences import quotable_sentences
from retrieval.index import DocumentInfo
from retrieval.search import Hit, SearchResult

OVERLAP_WEIGHT = 0.3
# Sentences scoring this far below the best one are left out: they answer something else.
SCORE_MARGIN = 0.08
DUPLICATE_COSINE = 0.92
# Only the sentences sharing most words with the question are embedded: embedding every
# sentence of five passages costs more than the whole search.
MAX_EMBEDDED = 16
ANSWER_DOCUMENTS = 2
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

    @property
    def shape(self) -> str:
        return "documents" if self.mode == "documents" else "answer"

    @property
    def text(self) -> str:
        if self.no_answer:
            return declined_text(self.near)
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


def declined_text(near: list[DocumentInfo]) -> str:
    """What a declined question is told (an answer or a search alike)."""
    return " ".join(filter(None, [NO_ANSWER_TEXT, near_text(near)]))


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
    n: int
    position: int


def extractive_answer(question: str, result: SearchResult, embedder: Embeds,
                      max_sentences: int = 5, analyzer: Analyzer | None = None) -> Answer:
    citations = citations_of(result)
    if result.no_answer or not citations:
        return Answer(question, [], citations, no_answer=True, near=result.near)
    candidates, scores, vectors = scored_candidates(question, result, embedder, analyzer)
    if not candidates:
        return Answer(question, [], citations, no_answer=True)
    chosen = _select(scores, vectors, max_sentences, candidates, len(citations[0].hit.passage.text.split()))
    chosen.sort(key=lambda i: (candidates[i].n, candidates[i].position))
    return Answer(question, [AnswerSentence(candidates[i].text, candidates[i].n) for i in chosen],
                  citations)


def citations_of(result: SearchResult) -> list[Citation]:
    return [Citation(i, hit) for i, hit in enumerate(result.hits, start=1)]


def scored_candidates(question: str, result: SearchResult, embedder: Embeds, analyzer: Analyzer | None = None
                      ) -> tuple[list[_Candidate], np.ndarray, np.ndarray]:
    """The sentences an answer may take, each scored by its closeness to the question and the
    share of the question's words it holds (with their vectors, to skip near-duplicates)."""
    candidates = _candidates(citations_of(result))
    if not candidates:
        return [], np.zeros(0), np.zeros((0, 0))
    overlap = _overlap(question, candidates, analyzer or Analyzer())
    # ties keep excerpt order, so better-ranked excerpts are preferred
    keep = sorted(np.argsort(-overlap, kind="stable")[:MAX_EMBEDDED])
    candidates, overlap = [candidates[i] for i in keep], overlap[keep]
    vectors = embedder.embed_passages([c.text for c in candidates])
    query = result.query_vector if result.query_vector is not None else embedder.embed_queries([question])[0]
    return candidates, vectors @ query + OVERLAP_WEIGHT * overlap, vectors


def _candidates(citations: list[Citation]) -> list[_Candidate]:
    """Sentences of the excerpts of the best ``ANSWER_DOCUMENTS`` documents: an answer stitched
    from many documents mixes situations (the other excerpts are still shown and cited)."""
    out, seen = [], set()
    documents = list(dict.fromkeys(c.hit.document.doc_id for c in citations))[:ANSWER_DOCUMENTS]
    for c in citations:
        if c.hit.document.doc_id not in documents:
            continue
        for start, _, sentence in quotable_sentences(c.hit.passage.text):
            # a question restated by the excerpt is not an answer to it
            if sentence not in seen and not sentence.endswith("?"):
                seen.add(sentence)
                out.append(_Candidate(sentence, c.n, start))
    return out


def _overlap(question: str, candidates: list[_Candidate], analyzer: Analyzer) -> np.ndarray:
    wanted = set(analyzer.terms(question))
    if not wanted:
        return np.zeros(len(candidates))
    return np.array([len(wanted & set(analyzer.terms(c.text))) / len(wanted) for c in candidates])


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
