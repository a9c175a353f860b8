"""What insights keep: personal data scrubbed, and themes recovered.

    python benchmarks/insights.py [--set dev|heldout] [--pipeline fr_core_news_sm] [--distances 0.1,0.12]

Scrubbing (data/eval/personal-{set}.jsonl, questions carrying names of many origins, addresses,
phones, e-mails and file numbers, each item listed): the share of personal items gone after
scrubbing (an item is gone when none of its words of three letters or more, nor its numbers,
remain, generic words of addresses aside) and the share of the other words lost. Grouping
(data/eval/declined-themes-{set}.jsonl, declined questions labelled by theme): the adjusted Rand
index of the themes found against the labels, for each cut distance. One JSON line.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import ROOT  # noqa: E402
from core.model import load_embedder  # noqa: E402
from core.settings import Settings  # noqa: E402
from insights import scrub  # noqa: E402
from insights.themes import DISTANCE, group_labels  # noqa: E402

GENERIC = {"rue", "avenue", "boulevard", "allée", "impasse", "place", "chemin", "résidence", "cité", "bâtiment",
           "appartement", "des", "les", "bis", "ter", "réf", "mme", "monsieur", "madame"}
_TOKENS = re.compile(r"[\w'’@.+-]+")


def words(text: str) -> list[str]:
    return [w.strip(".,;:!?()'’").lower() for w in _TOKENS.findall(text) if w.strip(".,;:!?()'’")]


def item_gone(item: str, scrubbed: str) -> bool:
    digits_left = re.sub(r"\D", "", scrubbed)
    significant = [w for w in words(item) if len(w) >= 3 and w not in GENERIC and not w.isdigit()]
    numbers = re.sub(r"\D", "", item)
    left = set(words(scrubbed))
    return not any(w in left for w in significant) and not (len(numbers) >= 3 and numbers in digits_left)


def other_words(question: str, personal: list[str]) -> list[str]:
    for item in personal:
        question = question.replace(item, " ")
    return words(question)


def scrubbing(rows: list[dict], scrubber) -> dict:
    items = gone = total = lost = 0
    started = time.perf_counter()
    missed = []
    for row in rows:
        text = scrubber.scrub(row["question"]).text
        for item in row["personal"]:
            items += 1
            if item_gone(item, text):
                gone += 1
            else:
                missed.append(item)
        others = Counter(other_words(row["question"], row["personal"]))
        kept = Counter(words(text))
        total += sum(others.values())
        lost += sum((others - kept).values())
    return {"questions": len(rows), "personal_items": items, "personal_removed": round(gone / items, 4),
            "other_words_lost": round(lost / total, 4), "ms_per_question": round(1000 * (time.perf_counter() - started) / len(rows), 1),
            "missed": missed}


def grouping(rows: list[dict], embedder, distances: list[float]) -> dict:
    from sklearn.metrics import adjusted_rand_score
    vectors = embedder.embed_queries([r["question"] for r in rows])
    truth = [r["theme"] for r in rows]
    return {"questions": len(rows), "themes": len(set(truth)),
            **{f"ari_at_{d}": round(adjusted_rand_score(truth, group_labels(vectors, d)), 3) for d in distances},
            **{f"groups_at_{d}": int(len(set(group_labels(vectors, d).tolist()))) for d in distances}}


def load(name: str) -> list[dict]:
    return [json.loads(line) for line in (ROOT / "data" / "eval" / name).read_text(encoding="utf-8").splitlines() if line]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", choices=["dev", "heldout"], default="dev")
    parser.add_argument("--pipeline", default=scrub.PIPELINE)
    parser.add_argument("--distances", default=str(DISTANCE))
    args = parser.parse_args()
    report = {"set": args.set, "pipeline": args.pipeline,
              "scrubbing": scrubbing(load(f"personal-{args.set}.jsonl"), scrub.Scrubber(args.pipeline))}
    embedder = load_embedder(Settings.from_env())
    report["grouping"] = grouping(load(f"declined-themes-{args.set}.jsonl"), embedder,
                                  [float(d) for d in args.distances.split(",")])
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
