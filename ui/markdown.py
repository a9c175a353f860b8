"""Text from a document or a visitor — a title, a harvested page's name, a kept question, a
file name — shown where Streamlit reads Markdown (messages, captions, button and link labels).

Every ASCII punctuation mark Markdown may read is backslash-escaped (CommonMark lets any of them
be), so a title like « [lien](http://x) », « ![img](http://x) », « # Titre », « *gras* » or
« $x$ » (KaTeX) shows as written, never as a link, an image, a heading or a formula; the colon
too, so that Streamlit's « :red[…] » directives stay text. Runs of white space become one space:
a title is shown on one line, and no line can start a list, a quote or a code block.
"""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


def escape_markdown(text: str) -> str:
    return _MARKDOWN.sub(r"\\\1", " ".join(str(text).split()))
