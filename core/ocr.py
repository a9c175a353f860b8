"""Text of scanned pages: each page without a text layer is rendered with pypdfium2 and read
by Tesseract with its French data (Debian's ``tesseract-ocr`` and ``tesseract-ocr-fra``, which
``make install`` installs).

Tesseract is run as its command, one page at a time, with ``OMP_THREAD_LIMIT=1``: its OpenMP
threads fight each other (and the model) on two cores — one page of an Etalab guide took 10.3 s
with the default threads and 1.4 s with one, measured in one run. The environment is set for
the child process only, so the model's own threads are untouched.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from functools import lru_cache

import pypdfium2 as pdfium

from core.errors import ExtractionError

# 300 dpi is Tesseract's recommended resolution: smaller type is misread below it.
OCR_DPI = 300
LANGUAGE = "fra"
# A page whose OCR gives fewer words than this is reported as unreadable, not kept as noise.
MIN_WORDS = 3
# A hostile or odd page (a 5-metre poster) is rendered smaller rather than as a 60,000-pixel
# square Tesseract cannot allocate: at most this many pixels (an A4 page at 300 dpi is 8.7 M).
MAX_PIXELS = 40_000_000
_WORD = re.compile(r"[^\W\d_]{2,}")


@lru_cache(maxsize=1)
def ocr_available() -> bool:
    if not shutil.which("tesseract"):
        return False
    found = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    return LANGUAGE in found.stdout.split()


def ocr_page(page: pdfium.PdfPage, name: str, number: int, seconds: float) -> str:
    """The page's text as Tesseract reads it ("" when it finds no usable words)."""
    text = _tesseract(page, name, number, seconds, []).decode("utf-8", errors="replace")
    return text if len(_WORD.findall(text)) >= MIN_WORDS else ""


def ocr_words(page: pdfium.PdfPage, seconds: float = 120.0) -> list[tuple[str, tuple[float, float, float, float]]]:
    """The page's words as Tesseract reads them (the same render as ``ocr_page``), each with its
    box in PDF points (left, bottom, right, top): what a highlight on a scan is drawn from."""
    height = page.get_size()[1]
    scale = _scale(page)
    table = _tesseract(page, "page", 0, seconds, ["tsv"]).decode("utf-8", errors="replace")
    words = []
    for line in table.splitlines()[1:]:
        cells = line.split("\t")
        if len(cells) == 12 and cells[0] == "5" and cells[11].strip():
            left, top, width, tall = (int(cells[i]) / scale for i in (6, 7, 8, 9))
            words.append((cells[11], (left, height - top - tall, left + width, height - top)))
    return words


def _scale(page: pdfium.PdfPage) -> float:
    width, height = page.get_size()
    return min(OCR_DPI / 72, (MAX_PIXELS / max(1.0, width * height)) ** 0.5)


def _tesseract(page: pdfium.PdfPage, name: str, number: int, seconds: float, config: list[str]) -> bytes:
    image = io.BytesIO()
    page.render(scale=_scale(page), grayscale=True).to_pil().save(image, format="PNG")
    try:
        done = subprocess.run(["tesseract", "stdin", "stdout", "-l", LANGUAGE, *config], input=image.getvalue(),
                              capture_output=True, timeout=max(1.0, seconds),
                              env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    except subprocess.TimeoutExpired as exc:
        raise ExtractionError(f"{name}: OCR of page {number} took too long "
                              "(BOUSSOLE_MAX_SECONDS_PER_FILE)") from exc
    if done.returncode != 0:
        raise ExtractionError(f"{name}: OCR failed on page {number} "
                              f"({done.stderr.decode(errors='replace').strip()[:200]})")
    return done.stdout
