"""A conversation's context for follow-up questions, and its export as Markdown."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from core.analysis import Analyzer
from retrieval.filters import Filters
from retrieval.search import SearchResult, Searcher

# « et pour les jeunes ? », « qui finance ça ? »: too few words of their own to search alone.
_FOLLOW_UP_WORDS = 4


@dataclass
class Turn:
    question: str
    answer: str
    citations: list[dict] = field(default_factory=list)  # n, title, label, url, text


def contextual_query(previous_questions: list[str], question: str) -> str:
    """The words a follow-up's excerpts are highlighted with: the previous question's too."""
    return f"{previous_questions[-1]} {question}" if is_follow_up(previous_questions, question) else question


# « et pour l'emploi des jeunes ? », « et sur l'école ? »: a new topic, read on its own.
_TOPIC_SHIFT = re.compile(r"^\W*(et|mais|puis|maintenant)\s+(pour|sur|côté|concernant|comparé|en matière)\b|"
                          r"^\W*et\s+(l[ae']|les|la|le)\s*\w+", re.IGNORECASE)
# « qui peut faire cet accompagnement ? », « comment ces membres sont-ils désignés ? »: words
# pointing back to the conversation make a longer question a follow-up too.
_POINTS_BACK = re.compile(r"\b(ça|cela|ce|cet|cette|ces|ils|elles|leur|leurs)\b", re.IGNORECASE)
_FOLLOW_UP_WORDS_POINTING_BACK = 6
# Said as the next turn of a conversation: pointing back (« c'était quand ? », « qui en fait
# partie ? ») or opening on « et », « mais »… A follow-up declined alone is read in its context
# only when it is said so; « recette de la ratatouille » after a question on employment is not.
_CONTINUES = re.compile(r"^\W*(et|mais|puis|maintenant|ensuite|avec)\b|\b(c['’]|il|ils|elle|elles|en|y|là-dessus)\b",
                        re.IGNORECASE)
# The weight of each reading, (the question alone, in its context), by what the question is.
SHIFT_WEIGHTS = (1.0, 0.3)
REFINEMENT_WEIGHTS = (0.3, 1.0)
# A question long enough to stand alone may still point back (« quels contrats la mettent en
# œuvre ? »: no rule tells the pronoun « la » from the article): its context counts a little.
STANDALONE_WEIGHTS = (1.0, 0.3)
# How much a document's closeness to any question (``Searcher.hub_shares``) is taken off its
# score in a follow-up's searches, whose few words bring general documents first.
HUB_DISCOUNT = 1.0
# Reciprocal-rank constant of the fusion: small, so that a first place counts.
FOLLOW_UP_RRF = 2


def is_follow_up(previous_questions: list[str], question: str) -> bool:
    """Too few words of its own to be read without the conversation."""
    limit = _FOLLOW_UP_WORDS_POINTING_BACK if _POINTS_BACK.search(question) else _FOLLOW_UP_WORDS
    return bool(previous_questions) and len(Analyzer().terms(question)) < limit


def follow_up_search(searcher: Searcher, previous_questions: list[str], question: str,
                     k: int | None = None, filters: Filters | None = None) -> SearchResult:
    """The passages for a question asked after others. It is searched alone and with the
    previous question, and the two document rankings fused: a topic shift (« et pour
    l'emploi ? ») weighs its own words, a refinement (« qui en fait partie ? ») the context, a
    question that stands alone its own words most — glued to the previous question alone, a
    follow-up's few words were drowned (data/eval/conversations.jsonl).

    The context never rescues a question declined alone that stands alone or is not said as the
    next turn of a conversation (« recette de la ratatouille » after a question on employment:
    ``_CONTINUES``): it is declined as it would be in a fresh conversation.
    A question that stands alone, or that its context brings no closer to any passage (« qui
    signe le contrat de ville ? » after a question on employment), shows only documents its own
    search found: the context may reorder them, not bring the previous topic's back."""
    if previous_questions:
        searcher.embed_ahead([question, f"{previous_questions[-1]} {question}"])
    alone = searcher.search(question, k=k, filters=filters)
    if not previous_questions:
        return alone
    follow_up = is_follow_up(previous_questions, question)
    said_as_next_turn = follow_up and bool(_POINTS_BACK.search(question) or _CONTINUES.search(question))
    if alone.no_answer and not said_as_next_turn:
        return alone
    context = searcher.search(f"{previous_questions[-1]} {question}", k=k, filters=filters)
    if context.no_answer:
        return alone
    hubs = searcher.hub_shares()
    fused = fuse_results([discount_hubs(alone, hubs), discount_hubs(context, hubs)],
                         reading_weights(previous_questions, question),
                         k or searcher.settings.k, searcher.settings.max_per_doc)
    own_subject = not follow_up or alone.best_dense >= context.best_dense
    return within(fused, alone) if own_subject and alone.hits else fused


def within(result: SearchResult, alone: SearchResult) -> SearchResult:
    """``result``'s excerpts from the documents ``alone`` shows, numbered again."""
    shown = {h.document.doc_id for h in alone.hits}
    kept = (h for h in result.hits if h.document.doc_id in shown)
    return replace(result, hits=[replace(h, rank=i) for i, h in enumerate(kept, start=1)])


def reading_weights(previous_questions: list[str], question: str) -> tuple[float, float]:
    """How much (the question alone, the question in its context) count, by what it is."""
    if not is_follow_up(previous_questions, question):
        return STANDALONE_WEIGHTS
    return SHIFT_WEIGHTS if _TOPIC_SHIFT.search(question) else REFINEMENT_WEIGHTS


def discount_hubs(result: SearchResult, hubs: dict[str, float]) -> SearchResult:
    """The result's documents re-ranked, each score lowered by its closeness to any question."""
    documents = sorted(((doc_id, score - HUB_DISCOUNT * hubs.get(doc_id, 0.0)) for doc_id, score in result.documents),
                       key=lambda item: -item[1])
    return replace(result, documents=documents)


def fuse_results(results: list[SearchResult], weights: tuple[float, ...], k: int, per_doc: int) -> SearchResult:
    """One result from several searches: documents by weighted reciprocal rank, each document's
    passages in the order its searches gave them."""
    scores: dict[str, float] = {}
    for result, weight in zip(results, weights):
        for rank, (doc_id, _) in enumerate(result.documents, start=1):
            scores[doc_id] = scores.get(doc_id, 0.0) + weight / (FOLLOW_UP_RRF + rank)
    documents = sorted(scores.items(), key=lambda item: -item[1])
    place = {doc_id: i for i, (doc_id, _) in enumerate(documents)}
    lead = results[max(range(len(results)), key=lambda i: weights[i])]
    pooled, seen, per = [], set(), {}
    for hit in sorted((h for r in results for h in r.hits), key=lambda h: (place.get(h.document.doc_id, len(place)), h.rank)):
        if hit.passage.id in seen or per.get(hit.document.doc_id, 0) >= per_doc:
            continue
        seen.add(hit.passage.id)
        per[hit.document.doc_id] = per.get(hit.document.doc_id, 0) + 1
        pooled.append(hit)
    hits = [replace(hit, rank=i) for i, hit in enumerate(pooled[:k], start=1)]
    # a follow-up's own words may be declined alone (« et pour l'emploi ? ») and still rank well
    declined = all(r.no_answer for r in results)
    return replace(lead, hits=hits, documents=documents, no_answer=declined, near=lead.near if declined else [],
                   best_dense=max(r.best_dense for r in results),
                   timings_ms={"total": sum(r.timings_ms.get("total", 0.0) for r in results)})


def conversation_markdown(turns: list[Turn]) -> str:
    lines = ["# Conversation avec Boussole", ""]
    for turn in turns:
        lines += [f"## {turn.question}", "", turn.answer, ""]
        if turn.citations:
            lines.append("Sources :")
            for c in turn.citations:
                link = f" — {c['url']}" if c.get("url") else ""
                lines.append(f"[{c['n']}] {c['label']}{link}")
            lines.append("")
    return "\n".join(lines)
