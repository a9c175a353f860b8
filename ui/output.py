"""How search results are printed by the CLI (text and the stable JSON schema)."""

from __future__ import annotations

from retrieval.search import Hit, SearchResult


def hit_json(hit: Hit) -> dict:
    d, p = hit.document, hit.passage
    return {"rank": hit.rank, "score": round(hit.score, 6), "doc_id": d.doc_id, "title": d.title,
            "source": d.source, "url": d.url, "page": p.page, "section": p.section,
            "date": d.date, "type": d.type, "themes": list(d.themes), "text": p.text}


def search_json(result: SearchResult) -> dict:
    return {"query": result.query, "no_answer": result.no_answer,
            "results": [hit_json(h) for h in result.hits]}


def search_text(result: SearchResult) -> str:
    if result.no_answer:
        return "Aucun passage pertinent trouvé. Reformulez la question ou élargissez les filtres."
    lines = []
    for hit in result.hits:
        d = hit.document
        lines.append(f"[{hit.rank}] {hit.label}  ({d.type or 'document'}, {d.date or 's.d.'})")
        if d.url:
            lines.append(f"    {d.url}")
        excerpt = " ".join(hit.passage.text.split())
        lines.append("    " + (excerpt[:400] + "…" if len(excerpt) > 400 else excerpt))
    return "\n".join(lines)
