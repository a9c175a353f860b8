"""The urban-policy glossary: acronyms and terms, their full forms and plain explanations.

Used both ways: to expand a question (acronym ↔ full form) and to explain acronyms found in
an answer or excerpt to residents who are not specialists.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib.resources import files

from core.analysis import fold


@dataclass(frozen=True)
class Entry:
    term: str
    full: str
    explanation: str
    variants: tuple[str, ...] = ()
    case_sensitive: bool = False

    @property
    def is_acronym(self) -> bool:
        return self.term.replace("+", "").isupper()

    @cached_property
    def folded_forms(self) -> tuple[str, ...]:
        return tuple(folded_phrase(v) for v in (self.term, *self.variants))


@dataclass(frozen=True)
class Glossary:
    entries: tuple[Entry, ...]

    def found_in(self, text: str) -> list[Entry]:
        """Entries whose term (or, for terms, a variant) appears in ``text``. The text is folded
        once, not once per entry: every excerpt card of every answer on the page asks, at each
        of Streamlit's reruns (an eighth of the server's CPU per web answer, benchmarks/load.py)."""
        acronyms = {entry.term for _, _, entry in self.acronyms_in(text)}
        folded = folded_phrase(text)
        return [e for e in self.entries
                if (e.term in acronyms if e.is_acronym else any(_contains(folded, v) for v in e.folded_forms))]

    def acronyms_in(self, text: str) -> list[tuple[int, int, Entry]]:
        """The first occurrence of each acronym in ``text``, in one pass: (start, end, entry).
        Longer terms are tried first (« REP+ » before « REP »)."""
        acronyms, pattern = self._acronyms
        if not acronyms:
            return []
        found, seen = [], set()
        for match in pattern.finditer(text):
            entry = next((e for e in acronyms if e.term == match.group() or (
                not e.case_sensitive and e.term.lower() == match.group().lower())), None)
            if entry and entry.term not in seen:
                seen.add(entry.term)
                found.append((match.start(), match.end(), entry))
        return found

    @cached_property
    def _acronyms(self) -> tuple[list[Entry], re.Pattern]:
        acronyms = sorted((e for e in self.entries if e.is_acronym), key=lambda e: -len(e.term))
        alternatives = "|".join(re.escape(e.term) for e in acronyms)
        return acronyms, re.compile(rf"(?<![\w+])(?:{alternatives})(?![\w+])", re.IGNORECASE)

    def expand(self, question: str) -> str:
        """Words to add to a question: the full form of each acronym and vice versa."""
        additions = []
        folded = folded_phrase(question)
        for entry in self.entries:
            if not entry.is_acronym:
                continue
            if _matches_term(entry, question):
                if not _contains(folded, folded_phrase(entry.full)):
                    additions.append(entry.full)
            elif any(_contains(folded, folded_phrase(f)) for f in (entry.full, *entry.variants)):
                additions.append(entry.term)
        return " ".join(dict.fromkeys(additions))


def _matches_term(entry: Entry, text: str) -> bool:
    if entry.is_acronym:
        flags = 0 if entry.case_sensitive else re.IGNORECASE
        return re.search(rf"(?<![\w+]){re.escape(entry.term)}(?![\w+])", text, flags) is not None
    folded = folded_phrase(text)
    return any(_contains(folded, folded_phrase(v)) for v in (entry.term, *entry.variants))


def folded_phrase(text: str) -> str:
    """Folded words separated by single spaces: apostrophes and hyphens do not matter."""
    return " " + " ".join(re.findall(r"[a-z0-9+]+", fold(text))) + " "


def _contains(phrase_text: str, phrase: str) -> bool:
    return phrase in phrase_text


@lru_cache(maxsize=1)
def load_glossary() -> Glossary:
    raw = json.loads(files("retrieval").joinpath("glossary.json").read_text(encoding="utf-8"))
    return Glossary(tuple(Entry(e["term"], e["full"], e["explanation"], tuple(e.get("variants", ())),
                                bool(e.get("case_sensitive", False))) for e in raw))
