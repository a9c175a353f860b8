"""Measure retrieval on a question set: document-level recall, MRR, answer spans, abstention."""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import BoussoleError
from retrieval.conversation import follow_up_search
from retrieval.search import Searcher, SearchOptions


@dataclass(frozen=True)
class EvalQuestion:
    question: str
    relevant: tuple[str, ...]  # document sources; empty for an off-topic question
    answer: str = ""
    conversation: int | None = None  # 0-based line of its conversation in the file
    turn: int | None = None          # 0-based position in that conversation
    previous: tuple[str, ...] = ()   # the conversation's earlier questions

    @property
    def follow_up(self) -> bool:
        return bool(self.previous)


@dataclass
class QuestionOutcome:
    question: str
    relevant: list[str]
    ranked_sources: list[str]
    no_answer: bool
    answer_found: bool | None
    conversation: int | None = None
    turn: int | None = None

    @property
    def rank(self) -> int | None:
        for position, source in enumerate(self.ranked_sources, start=1):
            if source in self.relevant:
                return position
        return None


@dataclass
class EvalReport:
    metrics: dict[str, float]
    latency_ms: dict[str, float]
    questions: list[QuestionOutcome] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"metrics": self.metrics, "latency_ms": self.latency_ms,
                "questions": [{"question": q.question, "relevant": q.relevant,
                               "ranked_sources": q.ranked_sources, "no_answer": q.no_answer,
                               "answer_found": q.answer_found,
                               **({"conversation": q.conversation, "turn": q.turn}
                                  if q.conversation is not None else {})} for q in self.questions]}


def load_questions(path: Path) -> list[EvalQuestion]:
    """One question per line, or one conversation: ``{"conversation": [{"question", "relevant"}, …]}``,
    each turn then asked after the earlier ones."""
    questions = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if "conversation" in row:
                asked = [turn["question"] for turn in row["conversation"]]
                questions += [EvalQuestion(turn["question"], tuple(turn.get("relevant", [])),
                                           turn.get("answer", "") or "", number - 1, position,
                                           tuple(asked[:position]))
                              for position, turn in enumerate(row["conversation"])]
            else:
                questions.append(EvalQuestion(row["question"], tuple(row.get("relevant", [])),
                                              row.get("answer", "") or ""))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise BoussoleError(f"{path}, line {number}: expected "
                                f'{{"question": …, "relevant": [...]}} or {{"conversation": [...]}} ({exc})') from exc
    return questions


def squash(text: str) -> str:
    return " ".join(text.split()).lower()


def evaluate(searcher: Searcher, questions: list[EvalQuestion], k: int = 10,
             options: SearchOptions = SearchOptions()) -> EvalReport:
    searcher.search("échauffement")  # the first query pays one-off costs; not a user's latency
    outcomes, latencies = [], []
    for q in questions:
        started = time.perf_counter()
        result = (follow_up_search(searcher, list(q.previous), q.question, k=max(k, 5)) if q.follow_up
                  else searcher.search(q.question, k=max(k, 5), options=options))
        latencies.append((time.perf_counter() - started) * 1000)
        index = searcher.handle.get()
        ranked = [index.documents[doc_id].source for doc_id, _ in result.documents[:k]]
        found = None
        if q.answer:
            span = squash(q.answer)
            found = any(span in squash(h.passage.text) for h in result.hits[:5])
        outcomes.append(QuestionOutcome(q.question, list(q.relevant), ranked, result.no_answer, found,
                                        q.conversation, q.turn))
    metrics = _metrics(outcomes, k)
    follow_ups = [o for o in outcomes if o.turn]
    if follow_ups:
        metrics.update({f"follow_up_{name}": value for name, value in _metrics(follow_ups, k).items()
                        if not name.startswith(("off_topic", "declined_off"))})
    return EvalReport(metrics, _latency(latencies), outcomes)


def _metrics(outcomes: list[QuestionOutcome], k: int) -> dict[str, float]:
    on_topic = [o for o in outcomes if o.relevant]
    off_topic = [o for o in outcomes if not o.relevant]
    n = len(on_topic) or 1
    ranks = [o.rank for o in on_topic]
    metrics = {f"recall@{c}": round(sum(1 for r in ranks if r and r <= c) / n, 4)
               for c in (1, 5, 10) if c <= k}
    metrics[f"mrr@{k}"] = round(sum(1 / r for r in ranks if r and r <= k) / n, 4)
    with_answer = [o for o in on_topic if o.answer_found is not None]
    if with_answer:
        metrics["answer_in_top5"] = round(sum(o.answer_found for o in with_answer) / len(with_answer), 4)
    metrics["questions"] = len(on_topic)
    metrics["declined_on_topic"] = sum(o.no_answer for o in on_topic)
    metrics["off_topic"] = len(off_topic)
    metrics["declined_off_topic"] = sum(o.no_answer for o in off_topic)
    return metrics


def _latency(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p95": 0.0}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"p50": round(statistics.median(ordered), 1), "p95": round(p95, 1)}
