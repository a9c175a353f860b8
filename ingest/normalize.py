"""Unicode clean-up shared by every loader.

NFKC turns ligatures (ﬀ) and compatibility forms into plain letters; non-breaking spaces and
hyphens become ordinary ones so that search and highlighting see the words users type.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2007\u2009\u200a\u3000"), " ")
# Soft hyphens only mark where a word may break: drop them; the others become "-".
_HYPHENS = {0x2010: "-", 0x2011: "-", 0x2012: "-", 0x00AD: None}
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANKS = re.compile(r"[ \t]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")


def normalize_text(text: str) -> str:
    """Normalise Unicode and whitespace, keeping paragraph breaks (blank lines)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_SPACES).translate(_HYPHENS).translate(_INVISIBLE)
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", text)
    lines = [_BLANKS.sub(" ", line).strip() for line in text.split("\n")]
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()


def word_count(text: str) -> int:
    return len(text.split())
