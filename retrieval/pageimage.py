"""A PDF page as printed, as a PNG, with a cited passage highlighted over its characters.

The passage's text was cleaned on the way in (ligatures, hyphenation, spaces, running heads),
so it is found on the page by its letters and digits alone: both sides are reduced to
lower-case alphanumerics (NFKD), the passage is located in the page's stream, and the boxes of
those characters (pdfium's character boxes) are merged line by line and painted translucent.
A scanned page has no characters: its passage is found among the words Tesseract reads on it
(the same render as at ingestion, so the same words), and their boxes are painted instead.
"""

from __future__ import annotations

import io
import unicodedata

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageDraw

from core.glyphs import TEX_LIGATURES
from core.ocr import ocr_available, ocr_words

WIDTH = 1200  # pixels: readable on a screen, and ≥ 1,000 as promised
MAX_PIXELS = 30_000_000  # a hostile page (metres wide) is drawn smaller, never as a huge bitmap
HIGHLIGHT = (255, 210, 0, 90)  # translucent yellow: the text stays readable under it
ANCHOR = 80  # letters used from each end of the passage when the whole is not found at once
MIN_ANCHOR = 20  # the fewest letters of its beginning that place a passage running on to the next page
# A page drawn from more objects than this, counted inside its forms too, or with forms nested
# deeper than this, is not rendered: a hostile file could stall the renderer. (The busiest
# page of the shared corpus has a few hundred objects and no nested form.)
MAX_OBJECTS = 50_000
MAX_FORM_DEPTH = 8


class PageTooComplex(ValueError):
    """The page has too many objects to be drawn on the server."""


def render_page(pdf_bytes: bytes, page_number: int, passage_text: str = "") -> bytes:
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        page = pdf[page_number - 1]
        check_complexity(page, page_number)
        width, height = page.get_size()
        scale = min(WIDTH / width, (MAX_PIXELS / max(1.0, width * height)) ** 0.5)
        image = page.render(scale=scale).to_pil().convert("RGBA")
        if passage_text:
            textpage = page.get_textpage()
            boxes = passage_boxes(textpage, passage_text)
            if not boxes and textpage.count_chars() == 0 and ocr_available():
                boxes = scanned_passage_boxes(ocr_words(page), passage_text)  # a scan: the OCR's words
            textpage.close()
            overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
            draw = ImageDraw.Draw(overlay)
            for left, bottom, right, top in boxes:
                draw.rectangle([left * scale - 2, (height - top) * scale - 2,
                                right * scale + 2, (height - bottom) * scale + 2], fill=HIGHLIGHT)
            image = Image.alpha_composite(image, overlay)
        out = io.BytesIO()
        image.convert("RGB").save(out, format="PNG", optimize=True)
        return out.getvalue()
    finally:
        pdf.close()


def check_complexity(page: pdfium.PdfPage, page_number: int) -> None:
    """Count the page's drawing objects, those inside its forms included (a form drawn ten times
    counts ten times: so it is drawn), and stop at the first one over the limits."""
    count = 0
    stack = [(pdfium_c.FPDFPage_GetObject, page.raw, pdfium_c.FPDFPage_CountObjects(page.raw), 0)]
    while stack:
        get, parent, size, depth = stack.pop()
        count += size
        if count > MAX_OBJECTS:
            raise PageTooComplex(f"page {page_number}: more than {MAX_OBJECTS} drawing objects")
        for i in range(size):
            child = get(parent, i)
            if pdfium_c.FPDFPageObj_GetType(child) == pdfium_c.FPDF_PAGEOBJ_FORM:
                if depth + 1 > MAX_FORM_DEPTH:
                    raise PageTooComplex(f"page {page_number}: forms nested more than {MAX_FORM_DEPTH} deep")
                stack.append((pdfium_c.FPDFFormObj_GetObject, child, pdfium_c.FPDFFormObj_CountObjects(child), depth + 1))


def passage_boxes(textpage: pdfium.PdfTextPage, passage_text: str) -> list[tuple[float, float, float, float]]:
    """One box per line of the page covered by the passage, in PDF points; [] if not found."""
    count = textpage.count_chars()
    # one character per pdfium index (its text range can be shorter: a surrogate pair counts twice)
    chars = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i)) for i in range(count))
    stream, where = _letters(chars)
    wanted, _ = _letters(passage_text)
    span = _locate("".join(stream), "".join(wanted))
    if span is None:
        return []
    covered = sorted({where[k] for k in range(*span)})
    return _lines([textpage.get_charbox(i) for i in covered])


def scanned_passage_boxes(words: list[tuple[str, tuple[float, float, float, float]]],
                          passage_text: str) -> list[tuple[float, float, float, float]]:
    """The same, on a scanned page: the passage located among the OCR's words, their boxes."""
    stream, where = [], []
    for index, (word, _) in enumerate(words):
        letters, _ = _letters(word)
        stream += letters
        where += [index] * len(letters)
    wanted, _ = _letters(passage_text)
    span = _locate("".join(stream), "".join(wanted))
    if span is None:
        return []
    return _lines([words[i][1] for i in sorted({where[k] for k in range(*span)})])


def _letters(text: str) -> tuple[list[str], list[int]]:
    """The lower-case letters and digits of ``text``, with the index each came from."""
    letters, where = [], []
    for index, char in enumerate(text):
        for part in unicodedata.normalize("NFKD", char.translate(TEX_LIGATURES)).lower():
            if part.isalnum():
                letters.append(part)
                where.append(index)
    return letters, where


def _locate(stream: str, wanted: str) -> tuple[int, int] | None:
    if not wanted:
        return None
    start = stream.find(wanted)
    if start >= 0:
        return start, start + len(wanted)
    # The passage may straddle something dropped on the way in (a running head): its two ends.
    head, tail = stream.find(wanted[:ANCHOR]), stream.rfind(wanted[-ANCHOR:])
    if head >= 0 and tail >= head:
        return head, tail + min(ANCHOR, len(wanted))
    # It may run on to the next page (a sentence cut by the page break is finished on the page it
    # starts on, ingest/pdf.py): as far as it goes on this one.
    start = head if head >= 0 else _longest_start(stream, wanted)
    if start >= 0:
        return start, start + _common_prefix(stream[start:], wanted)
    return None


def _longest_start(stream: str, wanted: str) -> int:
    """Where the longest beginning of ``wanted`` found in ``stream`` starts (at least
    ``MIN_ANCHOR`` letters, shorter ones are found by chance), or -1."""
    low, high, where = MIN_ANCHOR, min(ANCHOR, len(wanted)), -1
    while low <= high:  # a beginning found means every shorter one is too
        middle = (low + high) // 2
        found = stream.find(wanted[:middle])
        if found >= 0:
            where, low = found, middle + 1
        else:
            high = middle - 1
    return where


def _common_prefix(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


def _lines(boxes: list[tuple[float, float, float, float]]) -> list[tuple[float, float, float, float]]:
    """Character boxes merged into one box per line (same baseline, give or take)."""
    merged: list[list[float]] = []
    for left, bottom, right, top in boxes:
        if right <= left or top <= bottom:
            continue  # spaces and line ends have empty boxes
        line = merged[-1] if merged else None
        if line and abs(line[1] - bottom) < 0.5 * (top - bottom) and left >= line[0] - 1:
            line[0], line[1] = min(line[0], left), min(line[1], bottom)
            line[2], line[3] = max(line[2], right), max(line[3], top)
        else:
            merged.append([left, bottom, right, top])
    return [tuple(line) for line in merged]
