"""What shape an answer takes: sentences that answer, or — for « Avez-vous un guide sur… »,
« Quels documents parlent de… », « Je cherche un webinaire sur… », what a conseil citoyen asks to
find guides — the list of the matching documents."""

from __future__ import annotations

import re

from core.sentences import sentence_spans
from retrieval.answer import Answer, citations_of
from retrieval.search import SearchResult

_KINDS = r"(guides?|documents?|ressources?|webinaires?|dossiers?|fiches?|publications?|textes?|études?|outils?)"
_FINDING = re.compile(
    rf"^\W*(avez[- ]vous|auriez[- ]vous|existe[- ]t[- ]il|y a[- ]t[- ]il|il y a)\s+(un|une|des|d')\s*{_KINDS}\b|"
    rf"^\W*(quels?|quelles?)\s+(sont\s+les\s+)?{_KINDS}\b|"
    rf"^\W*(je\s+cherche|nous\s+cherchons|on\s+cherche|je\s+voudrais|pouvez[- ]vous\s+m'indiquer)\s+(un|une|des|les|d')\s*{_KINDS}\b",
    re.IGNORECASE)
ONE_LINE_WORDS = 30


def asks_for_documents(question: str) -> bool:
    return bool(_FINDING.search(question))


def one_line(text: str) -> str:
    """The first sentence of a passage, cut to about one line."""
    spans = sentence_spans(text)
    first = " ".join((text[spans[0][0]:spans[0][1]] if spans else text).split())
    words = first.split()
    return first if len(words) <= ONE_LINE_WORDS else " ".join(words[:ONE_LINE_WORDS]) + "…"


def document_list(question: str, result: SearchResult) -> Answer:
    """One entry per document (the result holds one passage per document), best first."""
    citations = citations_of(result)
    if result.no_answer or not citations:
        return Answer(question, [], citations, mode="documents", no_answer=True, near=result.near)
    return Answer(question, [], citations, mode="documents",
                  listing=[f"[{c.n}] {c.hit.document.title} — {c.hit.document.type or 'document'}, "
                           f"{c.hit.document.date or 'sans date'} : "
                           f"{c.hit.document.description or one_line(c.hit.passage.text)}" for c in citations])
