"""Words glued together in the text of every PDF of the shared corpus, before/after, in one run.

    python benchmarks/pdftext.py [--before REV] [--shared ../shared]

A glued word is a token that the French word list (pyspellchecker's, as the loader uses) does not
hold and that splits into two words it holds, each of two letters or more (or « a », « à », « y »)
and seen at least 100 times in its frequency list: « desdécisions », « enligne », « laloi ». The
count also holds words the list lacks (« réutilisateurs » = « ré » + « utilisateurs »,
« moissonnage »): they are the same before and after, so the difference is what the loader fixed.
« Before » is ``ingest/pdf.py`` as it was at REV (read with ``git show``), « after » the working
tree's; both read every page of every PDF under etalab-guides/ and barometre-pdf/. Also printed:
the lines left inside paragraphs (single line breaks), pages per second, and the glued words
still there after.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from spellchecker import SpellChecker  # noqa: E402

from ingest import pdf as after_module  # noqa: E402

FOLDERS = ("etalab-guides", "barometre-pdf")
MIN_FREQUENCY = 100
_TOKEN = re.compile(r"[^\W\d_]+")


def glued(token: str, frequency: dict[str, int]) -> tuple[str, str] | None:
    word = token.lower()
    if len(word) < 4 or word in frequency:
        return None
    splits = [(word[:i], word[i:]) for i in range(1, len(word))]
    splits = [(a, b) for a, b in splits
              if all(frequency.get(w, 0) >= MIN_FREQUENCY and (len(w) > 1 or w in "aày") for w in (a, b))]
    return max(splits, key=lambda s: min(frequency[s[0]], frequency[s[1]]), default=None)


def module_at(rev: str):
    """``ingest/pdf.py`` as it was at ``rev``, imported under another name."""
    source = subprocess.run(["git", "show", f"{rev}:ingest/pdf.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "pdf_before.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("pdf_before", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["pdf_before"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def measure(module, path: Path, frequency: dict[str, int]) -> dict:
    started = time.perf_counter()
    units = module.load_pdf(path.read_bytes(), path.name, 500, 600).units
    seconds = time.perf_counter() - started
    text = "\n\n".join(u.text for u in units)
    found = Counter(t for t in _TOKEN.findall(text) if glued(t, frequency))
    inner_breaks = len(re.findall(r"(?<!\n)\n(?!\n)", text))
    return {"glued": sum(found.values()), "words": found, "line_breaks": inner_breaks,
            "pages": len(units), "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="f484557", help="the revision whose ingest/pdf.py is « before »")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    frequency = SpellChecker(language="fr").word_frequency.dictionary
    before_module = module_at(args.before)
    totals = Counter()
    for path in sorted(p for folder in FOLDERS for p in (args.shared / "corpus" / folder).glob("*.pdf")):
        before, after = (measure(m, path, frequency) for m in (before_module, after_module))
        fixed = before["words"] - after["words"]
        row = {"pdf": f"{path.parent.name}/{path.name}", "pages": after["pages"],
               "glued_before": before["glued"], "glued_after": after["glued"],
               "line_breaks_before": before["line_breaks"], "line_breaks_after": after["line_breaks"],
               "fixed": sorted(fixed)[:8], "still_glued": [w for w, _ in after["words"].most_common(6)]}
        print(json.dumps(row, ensure_ascii=False))
        for key in ("glued", "line_breaks", "pages", "seconds"):
            totals[f"{key}_before"] += before[key]
            totals[f"{key}_after"] += after[key]
    print(json.dumps({"all": True, "glued_before": totals["glued_before"], "glued_after": totals["glued_after"],
                      "line_breaks_before": totals["line_breaks_before"],
                      "line_breaks_after": totals["line_breaks_after"],
                      "pages_per_second_before": round(totals["pages_before"] / totals["seconds_before"], 1),
                      "pages_per_second_after": round(totals["pages_after"] / totals["seconds_after"], 1)}))


if __name__ == "__main__":
    main()
