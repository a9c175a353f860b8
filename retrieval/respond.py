"""Answer a question: search, then compose (with the LLM when one is configured, verified,
else extractively)."""

from __future__ import annotations

from core.settings import Settings
from retrieval.answer import Answer, extractive_answer
from retrieval.conversation import follow_up_search
from retrieval.filters import Filters
from retrieval.search import Searcher
from retrieval.shapes import asks_for_documents, document_list


def respond(settings: Settings, searcher: Searcher, question: str, k: int = 5,
            filters: Filters | None = None, previous: list[str] | None = None, on_sentence=None) -> Answer:
    """``previous``: the conversation's earlier questions, oldest first. A question that asks
    for documents gets the list of them (one passage each, to show what each one is)."""
    if asks_for_documents(question):
        return document_list(question, searcher.search(question, k=k, filters=filters, per_doc=1))
    result = follow_up_search(searcher, previous or [], question, k=k, filters=filters)
    if settings.llm_url and settings.llm_model and not result.no_answer:
        from retrieval.llm import generative_answer
        return generative_answer(settings, question, result, searcher.answer_embedder,
                                 on_sentence=on_sentence)
    return extractive_answer(question, result, searcher.answer_embedder)
