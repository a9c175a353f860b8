"""Requests for documents against answers: the learned shape decision on every set it meets.

    python benchmarks/shapes.py                      # the shipped model (retrieval/shapes.json)
    python benchmarks/shapes.py --before OLD_MODULE  # also a former version of retrieval/shapes.py, for a before/after

Request sets (data/eval/requests-*.jsonl, {"text", "request"}): questions as a resident, a conseil
citoyen member or a practitioner writes them, and whether they ask for documents (the list) or for
an answer, though they may name a document (« Que dit le guide sur… ? »): precision and recall of
« asks for documents ». Answer sets (factual questions, retrieval questions, service-public's,
{"question", …}): none asks for documents; the share wrongly given the list. The training sets
(``TRAINING``, what ``benchmarks/train_shapes.py`` learns from) come first, then the held-out sets
(``HELDOUT``), which nothing was chosen on. One JSON line per set and version, with the questions
it got wrong.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from retrieval.shapes import asks_for_documents  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "data" / "eval"
TRAINING = (EVAL / "requests-dev.jsonl", EVAL / "facts-dev.jsonl", EVAL / "facts-dev2.jsonl",
            EVAL / "facts-mixed-dev.jsonl", EVAL / "questions.jsonl")
HELDOUT = (EVAL / "requests-heldout.jsonl", EVAL / "facts-heldout.jsonl", EVAL / "facts-mixed-heldout.jsonl",
           EVAL / "facts-mixed-heldout2.jsonl", ROOT.parent / "shared" / "eval" / "service-public" / "questions.jsonl")
# data/eval/questions.jsonl is a retrieval set, all answers but for these three, requests by their form
REQUESTS_AMONG_QUESTIONS = frozenset({
    "Existe-t-il un guide pour que les associations mesurent l'impact de leurs projets sur l'égalité entre filles et garçons ?",
    "outils pour monter un projet qui tient compte de l'egalite des sexes",
    "webinaire sur la participation des habitantes des quartiers",
})


def labelled(path: Path) -> list[tuple[str, bool]]:
    """(question, asks for documents) for each line of a request set or an answer set."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if rows and "request" in rows[0]:
        return [(row["text"], bool(row["request"])) for row in rows]
    return [(row["question"], row["question"] in REQUESTS_AMONG_QUESTIONS) for row in rows]


def measure(path: Path, decide: Callable[[str], bool] = asks_for_documents) -> dict:
    rows = labelled(path)
    said = [(text, request, decide(text)) for text, request in rows]
    requests = sum(request for _, request, _ in said)
    listed_answers = [text for text, request, listed in said if listed and not request]
    out = {"set": path.stem if path.parent == EVAL else f"{path.parent.name}/{path.stem}",
           "requests": requests, "answers": len(rows) - requests}
    if requests:
        true_pos = sum(1 for _, request, listed in said if request and listed)
        out |= {"precision": round(true_pos / max(1, sum(listed for *_, listed in said)), 3),
                "recall": round(true_pos / requests, 3)}
    out |= {"wrongly_listed_share": round(len(listed_answers) / max(1, len(rows) - requests), 3),
            "wrongly_listed": listed_answers,
            "missed": [text for text, request, listed in said if request and not listed]}
    return out


def former(module_path: Path) -> Callable[[str], bool]:
    spec = importlib.util.spec_from_file_location("shapes_before", module_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.asks_for_documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="a former retrieval/shapes.py to measure beside the shipped one")
    args = parser.parse_args()
    versions = ([("before", former(args.before))] if args.before else []) + [("after", asks_for_documents)]
    for split, paths in (("training", TRAINING), ("heldout", HELDOUT)):
        for path in paths:
            if not path.exists():
                print(json.dumps({"set": path.name, "split": split, "missing": str(path)}))
                continue
            for name, decide in versions:
                print(json.dumps({"split": split, "version": name} | measure(path, decide), ensure_ascii=False))


if __name__ == "__main__":
    main()
