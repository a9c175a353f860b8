"""How search results are printed by the CLI (text and the stable JSON schema)."""

from __future__ import annotations

from retrieval.answer import Answer, declined_text, document_json
from retrieval.evaluation import EvalReport
from retrieval.search import Hit, SearchResult


def hit_json(hit: Hit) -> dict:
    p = hit.passage
    return {"rank": hit.rank, "score": round(hit.score, 6), **document_json(hit.document), "page": p.page,
            "section": p.section, "text": p.text, "passage": p.id}


def search_json(result: SearchResult) -> dict:
    return {"query": result.query, "no_answer": result.no_answer,
            "results": [hit_json(h) for h in result.hits], "near_misses": [document_json(d) for d in result.near]}


def search_text(result: SearchResult) -> str:
    if result.no_answer:
        return declined_text(result.near)
    lines = []
    for hit in result.hits:
        d = hit.document
        lines.append(f"[{hit.rank}] {hit.label}  ({d.type or 'document'}, {d.date or 's.d.'})")
        if d.url:
            lines.append(f"    {d.url}")
        excerpt = " ".join(hit.passage.text.split())
        lines.append("    " + (excerpt[:400] + "…" if len(excerpt) > 400 else excerpt))
    return "\n".join(lines)


def eval_text(report: EvalReport, verbose: bool = False) -> str:
    lines = [f"{name:>20}  {value}" for name, value in report.metrics.items()]
    lines.append(f"{'latency p50 (ms)':>20}  {report.latency_ms['p50']}")
    lines.append(f"{'latency p95 (ms)':>20}  {report.latency_ms['p95']}")
    if verbose:
        for q in report.questions:
            if q.relevant and (q.rank is None or q.rank > 1):
                lines.append(f"miss (rank {q.rank}): {q.question} -> expected {q.relevant}, "
                             f"got {q.ranked_sources[:3]}")
            if not q.relevant and not q.no_answer:
                lines.append(f"answered off-topic: {q.question} -> {q.ranked_sources[:1]}")
            if q.relevant and q.no_answer:
                lines.append(f"declined on-topic: {q.question}")
    return "\n".join(lines)


def contact_text(contact: str) -> str:
    return f"Vous pouvez aussi poser votre question au centre de ressources : {contact}" if contact else ""


def answer_json(answer: Answer, contact: str) -> dict:
    """``ask --json`` and the API's /ask: the answer, and how to reach the resource centre."""
    return {**answer.to_json(), "contact": contact}


def answer_text(answer: Answer, contact: str = "") -> str:
    lines = [answer.text, ""]
    if answer.no_answer and contact:
        lines += [contact_text(contact), ""]
    lines += [f"({notice})" for notice in answer.notices]
    for c in answer.citations:
        hit = c.hit
        lines.append(f"[{c.n}] {hit.label}" + (f" — {hit.document.url}" if hit.document.url else ""))
    return "\n".join(lines).rstrip()
