"""Personal data scrubbed from what visitors type: before (a git revision's insights/scrub.py) and now.

    python benchmarks/scrub.py [--before REV] [--heldout] [--missed]

Sets (data/eval): the message bank's dev half (personal-bank-dev.jsonl, written in many hands: case,
typos, missing accents), a second dev bank by another writer who never read the code
(personal-bank-dev2.jsonl: names, phones said in words, plates, IBAN, signatures, distractors) and the
older sets (personal-dev.jsonl, and the same lower-cased without accents, as people often type); with
--heldout, the bank's held-out half, the fresh held-out banks (personal-bank-heldout2.jsonl; and
personal-bank-heldout3.jsonl, ten more hands, written after the second pass and measured once)
and personal-heldout.jsonl too. Each line: {"text" (or "question"): ..., "personal": [exact substrings that must go]}.

Words are the text's runs of letters and digits (``\\w+``), case-folded, longer than one character;
the placeholders (« [nom] »…) are not words of the scrubbed text.

- **personal items removed**: an item is removed when none of its words survives, that is, no word
  of the item occurs more often in the scrubbed text than in the rest of the message (the message
  with every personal item cut out): « 5 place bellecour » is removed when « place » and
  « bellecour » are gone, even if « place » is said elsewhere in the message.
- **other words lost**: of the words of the message outside its personal items (counted with
  their repeats), the share missing from the scrubbed text.

Prints one table row per set and scrubber; misses on dev sets with --missed (never the held-out
ones: they are for reporting, not for reading).
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
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import ROOT  # noqa: E402
from insights import scrub  # noqa: E402

# the commit before issue 39's scrubbing work
BEFORE = "25d9481"
DEV_SETS = {"bank-dev": "personal-bank-dev.jsonl", "bank-dev2": "personal-bank-dev2.jsonl", "old-dev": "personal-dev.jsonl"}
HELDOUT_SETS = {"bank-heldout": "personal-bank-heldout.jsonl", "bank-heldout2": "personal-bank-heldout2.jsonl",
                "bank-heldout3": "personal-bank-heldout3.jsonl", "old-heldout": "personal-heldout.jsonl"}
PLACEHOLDER = re.compile("|".join(re.escape(p) for p in scrub.PLACEHOLDERS.values()) + r"|\[récit personnel\]")


@dataclass(frozen=True)
class Message:
    text: str
    personal: tuple[str, ...]


@dataclass
class Score:
    items: int = 0
    removed: int = 0
    words: int = 0
    lost: int = 0
    seconds: float = 0.0
    messages: int = 0
    missed: list[str] = field(default_factory=list)
    lost_words: list[str] = field(default_factory=list)

    def row(self, name: str, scrubber: str) -> str:
        return (f"| {name} | {scrubber} | {self.messages} | {self.items} | {100 * self.removed / self.items:.1f} % | "
                f"{100 * self.lost / self.words:.1f} % | {1000 * self.seconds / self.messages:.0f} |")


def words(text: str) -> Counter:
    return Counter(w for w in re.findall(r"\w+", PLACEHOLDER.sub(" ", text).casefold()) if len(w) > 1)


def rest_of(message: Message) -> str:
    text = message.text
    for item in sorted(message.personal, key=len, reverse=True):
        text = text.replace(item, " ")
    return text


def score(messages: list[Message], scrub_text) -> Score:
    result = Score()
    for message in messages:
        started = time.perf_counter()
        scrubbed = words(scrub_text(message.text))
        result.seconds += time.perf_counter() - started
        result.messages += 1
        rest = words(rest_of(message))
        for item in message.personal:
            result.items += 1
            if all(scrubbed[w] <= rest[w] for w in words(item)):
                result.removed += 1
            else:
                result.missed.append(f"{item!r} in {scrub_text(message.text)!r}")
        result.words += sum(rest.values())
        result.lost += sum((rest - scrubbed).values())
        if rest - scrubbed:
            result.lost_words.append(f"{sorted(rest - scrubbed)} from {scrub_text(message.text)!r}")
    return result


def load(name: str) -> list[Message]:
    rows = [json.loads(line) for line in (ROOT / "data" / "eval" / name).read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return [Message(r.get("text", r.get("question")), tuple(r["personal"])) for r in rows]


def plain(text: str) -> str:
    """As typed in a hurry: lower case, no accents."""
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))


def typed_plainly(messages: list[Message]) -> list[Message]:
    return [Message(plain(m.text), tuple(plain(p) for p in m.personal)) for m in messages]


def scrubber_at(revision: str):
    """insights/scrub.py as it was at ``revision``, loaded under another module name."""
    source = subprocess.run(["git", "show", f"{revision}:insights/scrub.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "scrub_before.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("scrub_before", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["scrub_before"] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module.Scrubber()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", default=BEFORE, help="git revision of the scrubber to compare with")
    parser.add_argument("--heldout", action="store_true", help="also the held-out sets (report only)")
    parser.add_argument("--missed", action="store_true", help="print the items missed on dev sets")
    args = parser.parse_args()
    sets = {name: load(file) for name, file in DEV_SETS.items()}
    sets["old-dev, lower case, no accents"] = typed_plainly(sets["old-dev"])
    if args.heldout:
        sets |= {name: load(file) for name, file in HELDOUT_SETS.items()}
        sets["old-heldout, lower case, no accents"] = typed_plainly(sets["old-heldout"])
    scrubbers = {f"before ({args.before})": scrubber_at(args.before), "now": scrub.Scrubber()}
    for scrubber in scrubbers.values():
        scrubber.scrub("Bonjour, je suis Jean.")  # pipelines loaded before timing
    print("| set | scrubber | messages | personal items | items removed | other words lost | ms per message |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    missed = {}
    for name, messages in sets.items():
        for label, scrubber in scrubbers.items():
            result = score(messages, lambda text, s=scrubber: s.scrub(text).text)
            print(result.row(name, label), flush=True)
            if label == "now" and "heldout" not in name:
                missed[name] = result.missed + ["other words lost:"] + result.lost_words
    if args.missed:
        for name, items in missed.items():
            print(f"\nmissed on {name}:", *items, sep="\n  ")


if __name__ == "__main__":
    main()
