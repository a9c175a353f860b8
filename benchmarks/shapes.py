"""Requests for documents against answers: the shape grammar on its two halves.

    python benchmarks/shapes.py

`data/eval/requests-dev.jsonl` is the half the grammar in `retrieval/shapes.py` was written from;
`requests-heldout.jsonl` was only run to measure. Each line: a question as a resident, a conseil
citoyen member or a practitioner writes it, and whether it asks for documents (the list) or for an
answer, though it may name a document (« Que dit le guide sur… ? »). Prints one JSON line per
half: precision and recall of « asks for documents », and the questions it got wrong.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from retrieval.shapes import asks_for_documents  # noqa: E402

EVAL = Path(__file__).resolve().parent.parent / "data" / "eval"


def measure(path: Path) -> dict:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    said = [(row, asks_for_documents(row["text"])) for row in rows]
    true_pos = sum(1 for row, request in said if request and row["request"])
    return {"set": path.stem, "requests": sum(r["request"] for r in rows),
            "answers": sum(not r["request"] for r in rows),
            "precision": round(true_pos / max(1, sum(request for _, request in said)), 3),
            "recall": round(true_pos / max(1, sum(r["request"] for r in rows)), 3),
            "wrongly_listed": [r["text"] for r, request in said if request and not r["request"]],
            "missed": [r["text"] for r, request in said if r["request"] and not request]}


def main() -> None:
    for half in ("dev", "heldout"):
        print(json.dumps(measure(EVAL / f"requests-{half}.jsonl"), ensure_ascii=False))


if __name__ == "__main__":
    main()
