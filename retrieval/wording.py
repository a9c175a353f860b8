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
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from retrieval.glossary import folded_phrase


@dataclass(frozen=True)
class Saying:
    said: tuple[str, ...]  # as people say them
    written: tuple[str, ...]  # as the publications write them


@dataclass(frozen=True)
class Wording:
    sayings: tuple[Saying, ...]

    def found_in(self, question: str) -> list[Saying]:
        """The sayings whose everyday phrase the question uses (on word boundaries, accents aside)."""
        folded = folded_phrase(question)
        return [s for s in self.sayings if any(folded_phrase(p) in folded for p in s.said)]

    def expand(self, question: str) -> str:
        """The publications' words for the everyday words of ``question``, to search with too."""
        folded = folded_phrase(question)
        return " ".join(dict.fromkeys(w for s in self.found_in(question) for w in s.written
                                      if folded_phrase(w) not in folded))


@cache
def load_wording() -> Wording:
    rows = json.loads(files("retrieval").joinpath("wording.json").read_text(encoding="utf-8"))
    return Wording(tuple(Saying(tuple(row["said"]), tuple(row["written"])) for row in rows))
