"""Turn the bytes of a web page into text the way browsers do (WHATWG encoding sniffing, by
w3lib): a byte-order mark, then the HTTP header's charset, then ``<meta charset>`` /
``http-equiv``, then strict UTF-8, then windows-1252 — the web's default for French pages that
declare nothing. Labels are resolved as browsers resolve them (``iso-8859-1`` is read as
windows-1252); an unknown label (``charset=none``) falls through to the next step."""

from __future__ import annotations

from w3lib.encoding import html_to_unicode

FALLBACK = "cp1252"


def decode_html(raw: bytes, content_type: str | None = None) -> str:
    """The page's text; never raises (undecodable bytes become U+FFFD, as in a browser)."""
    _, text = html_to_unicode(content_type, raw, default_encoding=FALLBACK, auto_detect_fun=_strict_utf8)
    return text


def _strict_utf8(raw: bytes) -> str | None:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "utf-8"
