"""Code points some PDFs use for what is not their Unicode meaning, shared by the PDF loader
(which cleans the text) and the page images (which find that text again on the page)."""

# TeX fonts without a Unicode map put their ligatures at these code points (OT1 layout);
# pdfium marks a hyphen added at a line break with \x02.
TEX_LIGATURES = str.maketrans({"\x1b": "ff", "\x1c": "fi", "\x1d": "fl", "\x1e": "ffi",
                               "\x1f": "ffl", "\x02": "-"})
