"""The words people say for the words the publications write: « prévenir son patron » for
« informer son employeur », « toucher le chômage » for « percevoir l'allocation ».

A resident asks « Combien de temps avant de partir en congé d'adoption faut-il prévenir son
patron ? »; the page says « Le salarié informe son employeur au moins 2 semaines avant ». Neither
the lexical index nor the count of the question's words in a sentence sees that these are the
same words. The list (``wording.json``) holds everyday and spoken words with the words of
administrative and legal French they stand for; a phrase is listed rather than a word where the
word alone means something else too (« prévenir son… », not « prévenir », which the publications
use for « prevent »).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from core.analysis import fold


@dataclass(frozen=True)
class Saying:
    said: tuple[str, ...]  # folded phrases, as people say them
    written: tuple[str, ...]  # as the publications write them

    def said_in(self, folded_question: str) -> bool:
        return any(f" {phrase} " in folded_question for phrase in self.said)


@dataclass(frozen=True)
class Wording:
    sayings: tuple[Saying, ...]

    def found_in(self, question: str) -> list[Saying]:
        """The sayings whose everyday phrase the question uses."""
        folded = _phrase(question)
        return [s for s in self.sayings if s.said_in(folded)]

    def expand(self, question: str) -> str:
        """The publications' words for the everyday words of ``question``, to search with too."""
        folded = _phrase(question)
        return " ".join(dict.fromkeys(w for s in self.found_in(question) for w in s.written
                                      if f" {_phrase(w).strip()} " not in folded))


@cache
def load_wording() -> Wording:
    rows = json.loads(files("retrieval").joinpath("wording.json").read_text(encoding="utf-8"))
    return Wording(tuple(Saying(tuple(_phrase(p).strip() for p in row["said"]), tuple(row["written"]))
                         for row in rows))


def _phrase(text: str) -> str:
    """Folded words separated by single spaces, and a space at each end: apostrophes and
    hyphens do not matter, a phrase is found on word boundaries."""
    return " " + " ".join(re.findall(r"[a-z0-9]+", fold(text))) + " "
