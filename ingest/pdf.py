"""PDF loader: text page by page with pypdfium2, metadata and outline with pypdf.

pypdf glues the words of justified lines in the Etalab guides and prints some digits as glyph
names; pdfium extracts both correctly and about ten times faster, so it reads the text.
Lines repeated at the top or bottom of most pages (running headers, footers, page numbers)
and tables of contents are dropped. Pages without a text layer (scans) are read by OCR.
"""

from __future__ import annotations

import io
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from spellchecker import SpellChecker

from core.documents import Metadata, Unit
from core.errors import ExtractionError
from core.glyphs import TEX_LIGATURES
from core.ocr import ocr_available, ocr_page
from core.sentences import is_heading, sentence_spans
from ingest.contents import without_contents
from ingest.dates import pdf_date
from ingest.markdown import first_line
from ingest.normalize import normalize_text

_EDGE_LINES = 2
_DIGITS = re.compile(r"\d+")
# A word cut at the end of a line ("l’ou‑" / "verture") is joined back: without its hyphen when
# the halves make a word, with it when they are two words of a compound (« porte-parole »).
_LINE_BREAK_HYPHEN = re.compile(r"([^\W\d_]+)([\u2011\u00ad-])\r?\n([a-zàâçéèêëîïôûùüÿœæ]+)")
# pdfium's mark for a hyphen it found at a line's end, the line break sometimes left out
# (« occasion\ufffenellement »)
_PDFIUM_HYPHEN = re.compile("[\ufffe\x02](?:\r?\n)?")


@dataclass
class PdfText:
    units: list[Unit]
    metadata: Metadata
    ocr_pages: tuple[int, ...] = ()  # pages (1-based) read by OCR
    warnings: list[str] = field(default_factory=list)


def load_pdf(raw: bytes, name: str, max_pages: int, max_seconds: float) -> PdfText:
    if not raw.startswith(b"%PDF") and b"%PDF" not in raw[:1024]:
        raise ExtractionError(f"{name}: not a PDF file (its content does not start with %PDF)")
    outline_by_page, title = _pypdf_metadata(raw, name)
    read = _pdfium_pages(raw, name, max_pages, max_seconds)
    pages = [joined_lines(without_contents(p)) for p in _drop_repeated_edges(read.pages)]
    if not any(p.strip() for p in pages):
        if read.ocr_pages:
            raise ExtractionError(f"{name}: no text layer, and OCR found no readable text (blank or poor scan?)")
        raise ExtractionError(f"{name}: no text layer (a scanned PDF?) and OCR is not installed here "
                              "(Debian's tesseract-ocr and tesseract-ocr-fra: `make install`)")
    units = [Unit(text=text, page=i + 1, section=outline_by_page.get(i, ""))
             for i, text in enumerate(join_broken_sentences(pages))]
    if not title:
        title = next((first_line(u.text) for u in units if u.text), "")
    warnings = [f"{name}: page {n}: no text layer and OCR found no readable text; the page is left out"
                for n in read.ocr_pages if not pages[n - 1].strip()]
    date = pdf_date(raw, read.pages[0] if read.pages else "")  # the page as printed, running header included
    return PdfText(units, Metadata(title=title, date=date), read.ocr_pages, warnings)


def _pypdf_metadata(raw: bytes, name: str) -> tuple[dict[int, str], str]:
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionError(f"{name}: the PDF is encrypted with a password; "
                                  "ask for an unprotected copy")
        title = _clean_title((reader.metadata or {}).get("/Title", ""))
        return _outline_sections(reader), title
    except ExtractionError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ExtractionError(f"{name}: corrupt or unreadable PDF ({exc})") from exc
    except Exception as exc:  # pypdf raises many types on broken files; pdfium decides below
        if "encrypt" in str(exc).lower() or "decrypt" in str(exc).lower():
            raise ExtractionError(f"{name}: the PDF is encrypted ({exc})") from exc
        return {}, ""


def _clean_title(value) -> str:
    title = normalize_text(str(value or ""))
    if len(title) < 4 or title.lower() in {"untitled", "sans titre", "document"} or title.endswith(
            (".doc", ".docx", ".pdf", ".indd", ".odt")):
        return ""
    return title


def _outline_sections(reader: PdfReader) -> dict[int, str]:
    """Map each page index to the heading path of the last bookmark at or before it."""
    starts: list[tuple[int, str]] = []

    def walk(items, path):
        last = None
        for item in items:
            if isinstance(item, list):
                if last is not None:
                    walk(item, path + [last])
                continue
            try:
                page = reader.get_destination_page_number(item)
            except Exception:
                continue
            title = normalize_text(str(item.title or ""))
            if page is not None and page >= 0 and title:
                starts.append((page, " > ".join(path + [title])))
            last = title

    try:
        walk(reader.outline, [])
    except Exception:
        return {}
    starts.sort(key=lambda s: s[0])
    sections: dict[int, str] = {}
    current = ""
    by_page = {}
    for page, path in starts:
        by_page.setdefault(page, path)
    for index in range(len(reader.pages)):
        current = by_page.get(index, current)
        if current:
            sections[index] = current
    return sections


@dataclass
class _Pages:
    pages: list[str]
    ocr_pages: tuple[int, ...]


def _pdfium_pages(raw: bytes, name: str, max_pages: int, max_seconds: float) -> _Pages:
    try:
        pdf = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise ExtractionError(f"{name}: the PDF is encrypted with a password; "
                                  "ask for an unprotected copy") from exc
        raise ExtractionError(f"{name}: corrupt or unreadable PDF ({message})") from exc
    try:
        count = len(pdf)
        if count == 0:
            raise ExtractionError(f"{name}: the PDF has no pages")
        if count > max_pages:
            raise ExtractionError(f"{name}: {count} pages, more than the limit of {max_pages} "
                                  "(BOUSSOLE_MAX_PDF_PAGES)")
        started = time.monotonic()
        pages, scanned = [], []
        for index in range(count):
            left = max_seconds - (time.monotonic() - started)
            if left <= 0:
                raise ExtractionError(f"{name}: extraction took more than {max_seconds:.0f} s "
                                      "(BOUSSOLE_MAX_SECONDS_PER_FILE)")
            page = pdf[index]
            textpage = page.get_textpage()
            text = page_text(spaced_text(textpage))
            textpage.close()
            if not text.strip() and ocr_available():
                text = page_text(ocr_page(page, name, index + 1, left))
                scanned.append(index + 1)
            pages.append(text)
            page.close()
        return _Pages(pages, tuple(scanned))
    finally:
        pdf.close()


# A page ending inside a sentence (« …en communiquant sur le ») and a next page going on with it
# (« logiciel, car… », « 2011. En juin… »), not opening a heading (« 9.1 MaPrimeRénov’ »).
_OPEN_END = re.compile(r"[^\W_]$|[,’'\u2011\u00ad-]$")
_GOES_ON = re.compile(r"[a-zà-ÿœæ]|\d[\d\u00a0\u202f ]*(?:[.,;:)](?=\s|$)|\s+(?:€|%|[a-zà-ÿœæ]))")
_WORD_CUT = re.compile(r"(?<=[^\W\d_])[\u2011\u00ad-]$")
CARRY_WORDS = 40  # past this, what follows is more likely a new block than the sentence's end
CARRY_CHARACTERS = 1000  # enough for CARRY_WORDS: the next page's first sentence is cut from these


def join_broken_sentences(pages: list[str]) -> list[str]:
    """A sentence cut by a page break is finished on the page it starts on: the next page's words
    up to its first sentence end move back (at most ``CARRY_WORDS``). Cut in two, neither half is
    found by its meaning nor quotable; whole, it is cited at the page it starts on."""
    pages = list(pages)
    for i in range(len(pages) - 1):
        ending, following = pages[i].rstrip(), pages[i + 1].lstrip()
        if not ending or not following or not _OPEN_END.search(ending) or not _GOES_ON.match(following):
            continue
        end = sentence_spans(following[:CARRY_CHARACTERS])[0][1]
        if len(following[:end].split()) > CARRY_WORDS:
            continue
        if _WORD_CUT.search(ending):  # « véri- » / « fications »: one word
            ending, glue = ending[:-1], ""
        else:
            glue = " "
        pages[i] = ending + glue + " ".join(following[:end].split())
        pages[i + 1] = following[end:].lstrip()
    return pages


# Tables of contents join titles to page numbers with dot leaders: ". . . . . ." is noise.
_DOT_LEADER = re.compile(r"(?:\.\s?){4,}")


def page_text(raw: str) -> str:
    text = _LINE_BREAK_HYPHEN.sub(_rejoined, _PDFIUM_HYPHEN.sub("-\n", raw.translate(TEX_LIGATURES)))
    return normalize_text(_DOT_LEADER.sub(" … ", text))


def _rejoined(cut: re.Match) -> str:
    before, hyphen, after = cut.groups()
    words = french_words()
    compound = hyphen != "\u00ad" and (before + after).lower() not in words and (
        f"{before}-{after}".lower() in words or (before.lower() in words and after in words))
    return f"{before}-{after}" if compound else before + after


@lru_cache(maxsize=1)
def french_words() -> frozenset[str]:
    """pyspellchecker's French word list (140,000 words, read in about a second)."""
    return frozenset(SpellChecker(language="fr").word_frequency.keys())


# Justified lines of some guides set two words 0.13-0.17 em apart with no space between them
# (« desdécisions », « enligne »), under pdfium's threshold for a space; the letters of a word
# are less than 0.03 em apart (all eight guides and the barometre report, benchmarks/pdftext.py).
WORD_GAP_EM = 0.08
_WORD = re.compile(r"[^\W\d_]{4,}")


def spaced_text(textpage: pdfium.PdfTextPage) -> str:
    """The page's text with a space where a word unknown to the French list holds such a gap."""
    text = textpage.get_text_range()
    if len(text) != textpage.count_chars():  # characters outside the BMP: no index to go by
        return text
    words = french_words()
    gaps = [i for word in _WORD.finditer(text) if word.group().lower() not in words
            for i in range(word.start() + 1, word.end()) if _gap_before(textpage, i) > WORD_GAP_EM]
    for i in reversed(gaps):
        text = text[:i] + " " + text[i:]
    return text


def _gap_before(textpage: pdfium.PdfTextPage, index: int) -> float:
    """How far character ``index`` starts after the end of the one before, in ems of its font."""
    left, right = pdfium_c.FS_RECTF(), pdfium_c.FS_RECTF()
    pdfium_c.FPDFText_GetLooseCharBox(textpage, index - 1, left)
    pdfium_c.FPDFText_GetLooseCharBox(textpage, index, right)
    size = pdfium_c.FPDFText_GetFontSize(textpage, index) or 1.0
    if abs(left.bottom - right.bottom) > size / 2:  # not on one line
        return 0.0
    return (right.left - left.right) / size


# A line break inside a paragraph is a space. One stays where a block ends: after a short line
# (a paragraph's last, a heading), after a heading before a capital (« 2.1 Extraire le jeu de
# données du système d’information de l’organisation\nIl est possible… »), before a list item or
# a numbered heading, at a blank line.
SHORT_LINE = 0.7  # of the page's usual line (the median length of its lines of 20 characters or more)
_OPENS_BLOCK = re.compile(r"(?:[-–—•▪◦*]|\d{1,2}[.)°]|\d{1,2}(?:\.\d{1,2})+)\s")


def joined_lines(page: str) -> str:
    lines = page.split("\n")
    lengths = [len(line) for line in lines if len(line) >= 20]
    if len(lengths) < 3:
        return page
    usual = statistics.median(lengths)  # pdfium runs some lines together: not the longest
    out = [lines[0]]
    for before, line in zip(lines, lines[1:]):
        ends_block = (not line.strip() or not before.strip() or len(before) < SHORT_LINE * usual
                      or _OPENS_BLOCK.match(line) or (line[:1].isupper() and is_heading(before)))
        if ends_block:
            out.append(line)
        else:
            out[-1] += " " + line
    return "\n".join(out)


def _drop_repeated_edges(pages: list[str]) -> list[str]:
    """Remove first/last lines that recur (digits ignored) on at least half of the pages."""
    if len(pages) < 3:
        return pages
    edges = [_edge_keys(p) for p in pages]
    counts = Counter(key for keys in edges for key in set(keys))
    repeated = {key for key, n in counts.items() if n >= max(3, len(pages) // 2)}
    if not repeated:
        return pages
    return [_strip_edges(p, repeated) for p in pages]


def _edge_keys(page: str) -> list[str]:
    lines = [l for l in page.split("\n") if l.strip()]
    return [_key(l) for l in lines[:_EDGE_LINES] + lines[-_EDGE_LINES:]]


def _key(line: str) -> str:
    return _DIGITS.sub("#", line.strip().lower())


def _strip_edges(page: str, repeated: set[str]) -> str:
    lines = page.split("\n")
    for _ in range(_EDGE_LINES):
        while lines and not lines[0].strip():
            lines.pop(0)
        if lines and _key(lines[0]) in repeated:
            lines.pop(0)
    for _ in range(_EDGE_LINES):
        while lines and not lines[-1].strip():
            lines.pop()
        if lines and _key(lines[-1]) in repeated:
            lines.pop()
    return "\n".join(lines).strip()
