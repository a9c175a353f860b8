"""Answer a question: search, then compose (with the LLM when one is configured, verified,
else extractively)."""

from __future__ import annotations

from dataclasses import replace

from core.settings import Settings
from retrieval.answer import Answer, answer_documents, extractive_answer
from retrieval.condense import condense
from retrieval.conversation import follow_up_search, is_follow_up
from retrieval.facts import asked_fact
from retrieval.filters import Filters
from retrieval.search import Searcher, distinct_passages
from retrieval.shapes import asks_for_documents, document_list


def respond(settings: Settings, searcher: Searcher, question: str, k: int = 5,
            filters: Filters | None = None, previous: list[str] | None = None, on_sentence=None,
            shapes: bool = True) -> Answer:
    """``previous``: the conversation's earlier questions, oldest first. A question that asks
    for documents gets the list of them (one passage each, to show what each one is), unless
    ``shapes`` is off (sentences for every question: how the benchmarks measured before)."""
    if shapes and asks_for_documents(question):
        return document_list(question, searcher.search(question, k=k, filters=filters, per_doc=1))
    llm = bool(settings.llm_url and settings.llm_model)
    rewrite = condense(settings, previous, question) if llm and is_follow_up(previous or [], question) else None
    result = (searcher.search(rewrite, k=k, filters=filters) if rewrite
              else follow_up_search(searcher, previous or [], question, k=k, filters=filters))
    result = replace(result, hits=distinct_passages(result.hits))  # a follow-up pools two searches' hits
    if llm and not result.no_answer:
        from retrieval.llm import generative_answer
        answer = generative_answer(settings, question, result, searcher.sentence_embedder(result),
                                   on_sentence=on_sentence)
    else:
        factual = asked_fact(question) is not None
        unshown = searcher.unshown_passages(result, answer_documents(result, factual))
        answer = extractive_answer(question, result, searcher.sentence_embedder(result, unshown), unshown=unshown)
    if rewrite:
        answer.notices.insert(0, f"Question comprise comme : « {rewrite} »")
    return answer
