"""A conversation's context for follow-up questions, and its export as Markdown."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.analysis import Analyzer

# « et pour les jeunes ? », « qui finance ça ? »: too few words of their own to search alone.
_FOLLOW_UP_WORDS = 4


@dataclass
class Turn:
    question: str
    answer: str
    citations: list[dict] = field(default_factory=list)  # n, title, label, url, text


def contextual_query(previous_questions: list[str], question: str, analyzer: Analyzer | None = None) -> str:
    """The question to search for: a short follow-up is read with the previous question."""
    analyzer = analyzer or Analyzer()
    if not previous_questions or len(analyzer.terms(question)) >= _FOLLOW_UP_WORDS:
        return question
    return f"{previous_questions[-1]} {question}"


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
