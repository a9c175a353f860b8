"""Hybrid search: dense (FAISS) and lexical (BM25) rankings, fused, grouped, with abstention."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np

from core.abstention import (
    KNOWN_SHARE,
    PROBES,
    Evidence,
    Vocabulary,
    content_terms,
    content_word_count,
    declines,
    lexical_agreement,
    threshold_for,
    word_evidence,
)
from core.batching import Batcher
from core.dense import search_dense
from core.errors import SettingsError
from core.model import CachedEmbedder, Embedder, KnownVectors, check_same_model
from core.settings import Settings
from retrieval.filters import Filters
from retrieval.fusion import Ranking, reciprocal_rank_fusion, zscore_fusion
from retrieval.glossary import load_glossary
from retrieval.grouping import group_by_document, rank_documents
from retrieval.index import DocumentInfo, Index, IndexHandle, PassageRecord
from retrieval.windows import window_ranking
from retrieval.wording import load_wording


# How far under the abstention threshold a question still has near misses, and among how
# many documents of each ranking they are looked for.
NEAR_MISS_MARGIN = 0.03
NEAR_MISS_TOP = 3
NEAR_MISS_COVERAGE = 0.5


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float
    passage: PassageRecord
    document: DocumentInfo

    @property
    def label(self) -> str:
        """A readable citation: « Titre, p. 4 » or « Titre — Section »."""
        where = f", p. {self.passage.page}" if self.passage.page else (
            f" — {self.passage.section}" if self.passage.section else "")
        return f"{self.document.title}{where}"


@dataclass
class SearchResult:
    query: str
    expansion: str
    hits: list[Hit]
    no_answer: bool
    documents: list[tuple[str, float]]  # every candidate document, best first (for evaluation)
    best_dense: float
    build_id: str
    timings_ms: dict[str, float] = field(default_factory=dict)
    query_vector: np.ndarray | None = None  # reused to compose the answer
    near: list[DocumentInfo] = field(default_factory=list)  # declined, but these came close
    known_share: float = 1.0  # of the question's content words, the share the collection holds
    evidence: Evidence | None = None  # what the abstention decided on


@dataclass(frozen=True)
class SearchOptions:
    use_dense: bool = True
    use_lexical: bool = True
    use_glossary: bool = True
    use_wording: bool = True  # everyday words searched with the publications' words too (``wording``)


QUESTION_VECTORS = 256  # questions' vectors kept (1.5 KB each): a follow-up's two readings, a crowd's questions


class Searcher:
    def __init__(self, settings: Settings, embedder: Embedder, handle: IndexHandle):
        self.settings = settings
        self.embedder = embedder
        # a server's threads asking at once share one call of the model (core/batching.py); the
        # last questions' vectors are kept, so that texts embedded together ahead of their
        # searches (``embed_ahead``) are not embedded again
        self._embed_questions = Batcher(CachedEmbedder(embedder, QUESTION_VECTORS).embed_queries)
        # for answers: the sentences of cited excerpts, remembered across questions
        self.answer_embedder = CachedEmbedder(embedder, settings.sentence_cache)
        self.handle = handle
        self.glossary = load_glossary()
        self._checked_build = ""  # the last build whose model was found to be the embedder's
        self._hubs: tuple[str, dict[str, float]] = ("", {})
        self._vocabulary: tuple[str, Vocabulary | None] = ("", None)

    def sentence_embedder(self, result: SearchResult, unshown: list[Hit] = ()) -> KnownVectors:
        """What composes the answer to ``result``: the vectors its excerpts' sentences (and those
        of ``unshown``) got at ingest, the remembered ones, and the model for any other."""
        index = self.handle.get()
        known = (index.sentence_vectors([h.passage for h in [*result.hits, *unshown]])
                 if index.build_id == result.build_id else {})
        return KnownVectors(self.answer_embedder, known)

    def unshown_passages(self, result: SearchResult, documents: list[str]) -> list[Hit]:
        """The passages of ``documents`` that ``result`` does not show, in reading order: where
        the sentence stating a fact may be when the shown ones only lead up to it. None for a
        build without stored sentence vectors (embedding whole documents per question is too slow)."""
        index = self.handle.get()
        if index.build_id != result.build_id or not index.has_sentence_vectors:
            return []
        shown = {h.passage.id for h in result.hits}
        return [Hit(0, 0.0, p, index.documents[doc_id]) for doc_id in documents
                for p in index.document_passages(doc_id) if p.id not in shown]

    def embed_ahead(self, queries: list[str], options: SearchOptions = SearchOptions()) -> None:
        """Embed the search texts of ``queries`` in one call of the model, for searches about to
        run: a follow-up is searched alone and in its context, and one call of two short texts
        costs little more than one of either."""
        if options.use_dense:
            self._embed_questions([search_text(q, options)[0] for q in queries])

    def search(self, query: str, k: int | None = None, filters: Filters | None = None,
               options: SearchOptions = SearchOptions(), per_doc: int | None = None) -> SearchResult:
        s = self.settings
        k = k or s.k
        index = self.handle.get()
        if index.build_id != self._checked_build:
            check_same_model(index.manifest.model, self.embedder.source)
            self._checked_build = index.build_id
        timings = {}
        t = time.perf_counter()
        text, expansion = search_text(query, options)
        mask = (filters or Filters()).passage_mask(index)
        terms = index.lexical.terms(text) if options.use_lexical else []
        rankings, weights = [], []
        best_dense, vector, dense, passages_by_meaning, lexical = 0.0, None, [], [], []
        if options.use_dense:
            vector = self._embed_questions([text])
            timings["embed"] = _ms(t)
            t = time.perf_counter()
            dense = dense_ranking(index, vector, s.candidates, mask)
            best_dense = dense[0][1] if dense else 0.0  # abstention is calibrated on single passages
            passages_by_meaning = dense
            if s.neighbour_windows:
                dense = window_ranking(index, vector, dense)
            rankings.append(dense)
            weights.append(s.dense_weight)
            timings["dense"] = _ms(t)
        if options.use_lexical:
            t = time.perf_counter()
            lexical = lexical_ranking(index, terms, s.candidates, mask)
            rankings.append(lexical)
            weights.append(s.lexical_weight)
            timings["lexical"] = _ms(t)
        t = time.perf_counter()
        fused = fuse(rankings, weights, s.fusion, s.rrf_k)
        doc_of = lambda pid: index.doc_ids[index.passage_doc[pid]]
        hybrid = dense and options.use_lexical and s.document_lexical_weight > 0 and index.lexical_docs
        whole = whole_document_ranking(index, terms, filters or Filters(), s.candidates) if hybrid else []
        documents = rank_documents_hybrid(dense, fused, whole, doc_of, s.document_lexical_weight)
        threshold = threshold_for(index.manifest.dense, s.abstain_threshold)
        words = terms if options.use_lexical else index.lexical.terms(text)
        known = self.vocabulary().known_share(words)
        content = content_terms(words)
        if dense and not options.use_lexical:  # the abstention weighs the two rankers' agreement all the same
            lexical = lexical_ranking(index, words, s.candidates, mask)
        evidence = Evidence(best_dense, known, *word_evidence(index.lexical, content),
                            lexical_agreement(passages_by_meaning, lexical, doc_of), content_word_count(content))
        if not options.use_dense:  # no cosine to weigh: the words alone
            no_answer = (not fused) or known < KNOWN_SHARE
        else:
            no_answer = (not fused) or declines(evidence, index.manifest.dense, s.abstain_threshold)
        grouped = [] if no_answer else group_by_document(
            order_like(fused, documents, doc_of), doc_of, per_doc or s.max_per_doc, 2 * k)
        records = index.passages([pid for pid, _ in grouped])
        # twice as many read as shown, so that a passage shown already (the same paragraph in
        # two documents) gives its place to the next one
        hits = distinct_passages([Hit(0, score, records[pid], index.documents[records[pid].doc_id])
                                  for pid, score in grouped])[:k]
        near = (near_misses(index, rank_documents(dense, doc_of), terms, best_dense, threshold)
                if no_answer and dense and index.lexical_docs else [])
        timings["fusion"] = _ms(t)
        return SearchResult(query, expansion, hits, no_answer, documents, best_dense,
                            index.build_id, timings, None if vector is None else vector[0],
                            [index.documents[d] for d in near], known, evidence)

    def vocabulary(self) -> Vocabulary:
        """The current build's words, read once per build."""
        index = self.handle.get()
        if self._vocabulary[0] != index.build_id:
            self._vocabulary = (index.build_id, Vocabulary(index.lexical.vocabulary))
        return self._vocabulary[1]

    def hub_shares(self) -> dict[str, float]:
        """Documents close to any question: the share of the abstention's off-topic probes
        (cooking, sport…) each one comes first for, computed once per build. A general document
        (« Imaginer la politique de la ville dans 10 ans ») comes first for vague questions too."""
        build = self.handle.get().build_id
        if self._hubs[0] != build:
            shares: dict[str, float] = {}
            for probe in PROBES:
                for doc_id, _ in self.search(probe).documents[:1]:
                    shares[doc_id] = shares.get(doc_id, 0.0) + 1 / len(PROBES)
            self._hubs = (build, shares)
        return self._hubs[1]


def distinct_passages(hits: list[Hit]) -> list[Hit]:
    """``hits`` without those whose passage text (spaces aside) an earlier one shows already —
    two documents sharing a paragraph, an index built before copies were told apart — numbered
    again from 1: no answer cites the same passage twice."""
    seen: set[str] = set()
    out = []
    for hit in hits:
        text = " ".join(hit.passage.text.split())
        if text not in seen:
            seen.add(text)
            out.append(replace(hit, rank=len(out) + 1))
    return out


def search_text(query: str, options: SearchOptions = SearchOptions()) -> tuple[str, str]:
    """What is searched for ``query`` (and embedded): the question with the glossary's full forms
    of its acronyms and the publications' words for its everyday ones; and those additions."""
    expansion = " ".join(filter(None, [load_glossary().expand(query) if options.use_glossary else "",
                                       load_wording().expand(query) if options.use_wording else ""]))
    return (f"{query} ({expansion})" if expansion else query), expansion


def near_misses(index: Index, dense_documents: list[tuple[str, float]], terms: list[str],
                best_dense: float, threshold: float) -> list[str]:
    """For a declined question, the documents that came close: just under the threshold, among
    the first few by meaning, and holding most of the question's words (weighted by rarity) —
    closeness in meaning alone is often chance (« tricoter une écharpe » comes near a guide on
    equality)."""
    terms = content_terms(terms)
    if best_dense < threshold - NEAR_MISS_MARGIN or not terms:
        return []
    coverage = index.lexical_docs.coverage(terms)
    return [doc for doc, _ in dense_documents[:NEAR_MISS_TOP]
            if doc in index.lexical_row and coverage[index.lexical_row[doc]] >= NEAR_MISS_COVERAGE]


def rank_documents_hybrid(dense: Ranking, fused: Ranking, whole: list[tuple[str, float]],
                          doc_of, whole_share: float) -> list[tuple[str, float]]:
    """Documents ranked by their best dense passage and by BM25 over their whole text.

    Both are z-scored over their own candidates and combined convexly (``whole_share`` for
    BM25): the document's text as a whole is better lexical evidence than its best passage,
    while the dense score is best read on one passage. Without one of the two, documents come
    in the order of their best fused passage.
    """
    if not dense or not whole:
        return rank_documents(fused, doc_of)
    return zscore_fusion([rank_documents(dense, doc_of), whole], [1 - whole_share, whole_share])


def whole_document_ranking(index: Index, terms: list[str], filters: Filters,
                           n: int) -> list[tuple[str, float]]:
    """The ``n`` documents whose whole text BM25 scores best."""
    scores = index.lexical_docs.scores(terms)
    if filters.active:
        allowed = np.array([filters.allows(index.documents[d]) for d in index.lexical_doc_ids])
        scores = np.where(allowed, scores, 0.0)
    return [(index.lexical_doc_ids[i], s) for i, s in top_scores(scores, n)]


def order_like(ranking: Ranking, documents: list[tuple[str, float]], doc_of) -> Ranking:
    """Passages re-ordered so their documents come in the order of ``documents``."""
    position = {doc: i for i, (doc, _) in enumerate(documents)}
    return sorted(ranking, key=lambda item: position.get(doc_of(item[0]), len(position)))


def fuse(rankings: list[Ranking], weights: list[float], method: str, rrf_k: int) -> Ranking:
    if len(rankings) == 1:
        return rankings[0]
    if method == "zscore":
        return zscore_fusion(rankings, weights)
    if method == "rrf":
        return reciprocal_rank_fusion(rankings, weights, rrf_k)
    raise SettingsError(f"BOUSSOLE_FUSION={method!r}: expected 'rrf' or 'zscore'")


def dense_ranking(index: Index, vector: np.ndarray, n: int, mask: np.ndarray | None) -> Ranking:
    if index.size == 0:
        return []
    allowed = None
    if mask is not None:
        allowed = np.flatnonzero(mask).astype(np.int64)
        if not len(allowed):
            return []
    scores, ids = search_dense(index.dense, vector, min(n, index.size), allowed)
    return [(int(i), float(sc)) for i, sc in zip(ids[0], scores[0]) if i >= 0]


def lexical_ranking(index: Index, terms: list[str], n: int, mask: np.ndarray | None) -> Ranking:
    scores = index.lexical.scores(terms)
    if mask is not None:
        scores = np.where(mask, scores, 0.0)
    return top_scores(scores, n)


def top_scores(scores: np.ndarray, n: int) -> Ranking:
    """The ``n`` best positive scores, best first, without sorting the whole array."""
    n = min(n, len(scores))
    if n == 0:
        return []
    top = np.argpartition(-scores, n - 1)[:n]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(i), float(scores[i])) for i in top if scores[i] > 0]


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)
