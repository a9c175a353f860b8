"""Where sentences are cut: the hard passages, the speed, and what is told a heading.

    python benchmarks/sentences.py [--shared ../shared] [--pages 60]

1. ``data/eval/sentences-hard.jsonl``: passages of the corpora (« article L. 411-2 », « n° »,
   « M. », « etc. », decimals, dates, numbered items, section numbers, URLs, e-mails, ellipses,
   quotes), each with the sentences a French reader cuts it into. A passage counts when every cut
   is right. Printed for the dev and held-out halves, for ``core/sentences.py`` (lines, then
   pysbd, then merges), for the same lines and merges around spaCy's sentence recogniser
   (``fr_core_news_sm``'s ``senter``), and for pysbd, ``senter`` and spaCy's parser alone.
2. Speed, characters per second, on text of the shared corpus as the loaders give it (the seed
   notices, the loi, ``--pages`` fiches-travail and service-public pages, the PDFs).
3. Headings: how many of the sentences of 5 to 80 words ``is_heading`` tells a heading, a
   section number or a caption, on the Etalab guides (where the signals were read) and on the
   barometre report and the fiches-travail pages (where they were not), with a sample of each.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.sentences import (MAX_QUOTABLE_WORDS, MIN_QUOTABLE_WORDS, heading_length, is_heading,  # noqa: E402
                            pysbd_cut, sentence_spans)
from ingest.html import load_html  # noqa: E402
from ingest.markdown import markdown_unit, text_unit  # noqa: E402
from ingest.pdf import load_pdf  # noqa: E402

Spans = list[tuple[int, int]]

# The regular expressions core/sentences.py used before pysbd (commit a3002e2), the baseline
_PREVIOUS_MARK = r"[-•▪◦*]\s|\d{1,2}[.)°]\s"
_PREVIOUS_END = re.compile(rf"(?<=[.!?…])\s+|\n\s*\n|\n(?={_PREVIOUS_MARK})")
_PREVIOUS_LONE_NUMBER = re.compile(r"\s*\d{1,2}\.")


def previous_spans(text: str) -> Spans:
    spans, position = [], 0
    for match in list(_PREVIOUS_END.finditer(text)) + [None]:
        end = match.start() if match else len(text)
        if match and _PREVIOUS_LONE_NUMBER.fullmatch(text[position:end]) and "\n\n" not in match.group():
            continue
        if text[position:end].strip():
            spans.append((position, end))
        if match:
            position = match.end()
    return spans


def spacy_cutter(parser: bool):
    import spacy
    if parser:
        nlp = spacy.load("fr_core_news_sm", exclude=["ner", "lemmatizer", "morphologizer", "attribute_ruler"])
    else:
        nlp = spacy.load("fr_core_news_sm", exclude=["ner", "lemmatizer", "morphologizer", "attribute_ruler",
                                                     "parser", "tok2vec"], disable=[])
        nlp.enable_pipe("senter")
    return lambda block: [(s.start_char, s.end_char) for s in nlp(block).sents]


def hard_set_figures(segmenters: dict) -> dict:
    rows = [json.loads(line) for line in (ROOT / "data" / "eval" / "sentences-hard.jsonl").open(encoding="utf-8")]
    out = {}
    for name, spans in segmenters.items():
        right = {"dev": 0, "heldout": 0}
        for row in rows:
            text = row["text"]
            right[row["split"]] += [" ".join(text[a:b].split()) for a, b in spans(text)] == row["sentences"]
        total = {split: sum(r["split"] == split for r in rows) for split in right}
        out[name] = {split: f"{right[split]}/{total[split]}" for split in right}
    return out


def corpus_texts(shared: Path, pages: int) -> dict[str, list[str]]:
    corpus = shared / "corpus"
    fiches = sorted((corpus / "fiches-travail").glob("*.html"))[:pages]
    sheets = sorted((corpus / "service-public").glob("*.txt"))[:pages]
    pdfs = sorted(corpus.glob("*/*.pdf"))
    return {
        "seed+loi": [text_unit(p.read_text()).text for p in sorted((corpus / "seed").glob("*.txt"))]
        + [markdown_unit(p.read_text()).text for p in sorted((corpus / "loi-ville-2014").glob("*.md"))],
        "fiches-travail": [load_html(p.read_bytes(), p.name)[0].text for p in fiches],
        "service-public": [text_unit(p.read_text()).text for p in sheets],
        "pdf": ["\n\n".join(u.text for u in load_pdf(p.read_bytes(), p.name, 500, 600).units) for p in pdfs]}


def speed(texts: list[str], spans) -> float:
    characters = sum(map(len, texts))
    started = time.perf_counter()
    for text in texts:
        spans(text)
    return round(characters / (time.perf_counter() - started))


def heading_figures(texts: list[str], sample: int, rng: random.Random) -> dict:
    told, kept, cut_off = [], 0, []
    for text in texts:
        for start, end in sentence_spans(text):
            sentence = " ".join(text[start:end].split())
            if not MIN_QUOTABLE_WORDS <= len(sentence.split()) <= MAX_QUOTABLE_WORDS:
                continue
            glued = heading_length(text[start:end])
            if glued:
                cut_off.append(sentence)
            rest = " ".join(text[start + glued:end].split())
            if is_heading(rest):
                told.append(rest)
            else:
                kept += 1
    return {"sentences": len(told) + kept, "told_headings": len(told), "glued_headings_cut_off": len(cut_off),
            "sample": rng.sample(told, min(sample, len(told))), "cut_off_sample": cut_off[:3]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--pages", type=int, default=60, help="fiches-travail and service-public pages read")
    args = parser.parse_args()
    senter, spacy_parser = spacy_cutter(False), spacy_cutter(True)
    segmenters = {"core.sentences (lines + pysbd + merges)": sentence_spans, "the regex before": previous_spans,
                  "lines + spaCy senter + merges": lambda t: sentence_spans(t, cut=senter),
                  "pysbd alone": pysbd_cut, "spaCy senter alone": senter, "spaCy parser alone": spacy_parser}
    print(json.dumps({"hard_passages": hard_set_figures(segmenters)}, ensure_ascii=False))
    texts = corpus_texts(args.shared, args.pages)
    every = [t for group in texts.values() for t in group]
    print(json.dumps({"characters": sum(map(len, every)), "characters_per_second": {
        "core.sentences": speed(every, sentence_spans), "the regex before": speed(every, previous_spans),
        "lines + spaCy senter + merges": speed(every, lambda t: sentence_spans(t, cut=senter)),
        "pysbd alone, per paragraph": speed(every, lambda t: [pysbd_cut(p) for p in t.split("\n\n")]),
        "spaCy senter alone, per paragraph": speed(every, lambda t: [senter(p) for p in t.split("\n\n")])}}))
    rng = random.Random(38)
    pdfs = sorted(args.shared.glob("corpus/*/*.pdf"))
    groups = {"etalab-guides (read)": [t for p, t in zip(pdfs, texts["pdf"]) if p.parent.name == "etalab-guides"],
              "barometre-pdf (not read)": [t for p, t in zip(pdfs, texts["pdf"]) if p.parent.name == "barometre-pdf"],
              "fiches-travail (not read)": texts["fiches-travail"]}
    for name, group in groups.items():
        print(json.dumps({"headings": name, **heading_figures(group, 20, rng)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
