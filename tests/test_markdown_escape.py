"""Text from documents and visitors shown through Markdown is escaped by one helper: rendered by
a CommonMark parser, it is exactly the text, with no link, image, emphasis, heading or formula."""

import html
import re

import pytest
from markdown_it import MarkdownIt

from ui.markdown import escape_markdown

HOSTILE = [
    "[lien](http://x)",
    "![img](http://x)",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "*gras* et _penché_ et **fort** et __fort__",
    "# Titre",
    "1. liste",
    "- puce",
    "> citation",
    "`code` et ```bloc```",
    "$x^2$ et $$\\int f$$",
    ":red[rouge] :material/home: et :smile:",
    "<http://x> et http://x.example",
    "a\\*b\\ fin",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "~~barré~~ et &amp; et &copy;",
    "[ref]: http://x",
    "Guide « politique de la ville » — 2024 : l'emploi des jeunes (QPV) !",
]
RENDERER = MarkdownIt("commonmark").enable(["strikethrough", "table"])


def rendered_text(markdown: str) -> tuple[str, str]:
    """The HTML a CommonMark renderer makes, and the text a reader sees in it."""
    made = RENDERER.render(markdown)
    return made, html.unescape(re.sub(r"<[^>]+>", "", made)).strip()


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_renders_as_itself_and_nothing_else(text):
    made, seen = rendered_text(escape_markdown(text))
    assert seen == " ".join(text.split())
    assert re.findall(r"<(\w+)", made) == ["p"]  # one paragraph: no a, img, em, strong, code, h1, li, table…


@pytest.mark.parametrize("text", HOSTILE)
def test_no_dollar_nor_directive_colon_is_left_for_katex_or_streamlit(text):
    escaped = escape_markdown(text)
    assert not re.search(r"(?<!\\)[$:]", escaped)


def test_ordinary_words_are_left_alone():
    assert escape_markdown("Égalité femmes hommes dans les quartiers") == "Égalité femmes hommes dans les quartiers"
