"""Time from pressing Enter to the excerpts being displayed, in headless Chromium.

    python benchmarks/ui_latency.py --index data/index [--index /tmp/idx-fiches]

Prints one JSON line per index: {"index", "first_ms" (includes loading the model), "ms": [...],
"median_ms"}. The browser helpers live in tests/drive.py (the browser tests use them too).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent.parent / "tests")]  # tests/drive.py: the browser harness
from drive import ask, browser, running_ui  # noqa: E402

QUESTIONS = ["Comment intégrer l'égalité femmes-hommes dans nos actions ?",
             "Quels leviers pour l'emploi dans les quartiers prioritaires ?",
             "Comment accompagner les habitants vers le numérique ?",
             "Comment favoriser l'accès à la culture en QPV ?",
             "Comment aider un jeune éloigné de l'emploi à trouver un parcours d'insertion ?"]


def measure(index: Path) -> dict:
    with running_ui(index) as url, browser() as b:
        page = b.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url)
        first = ask(page, QUESTIONS[0])
        times = []
        for question in QUESTIONS[1:] + QUESTIONS[:1]:
            page.goto(url)  # a fresh conversation: each answer is timed alone
            times.append(ask(page, question))
        return {"index": str(index), "first_ms": round(first), "ms": [round(t) for t in times],
                "median_ms": round(statistics.median(times))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", action="append", required=True, type=Path)
    for index in parser.parse_args().index:
        print(json.dumps(measure(index)), flush=True)


if __name__ == "__main__":
    main()
