"""Property-based tests (hypothesis) for the chunker and the catalogue reader."""

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from core.documents import Heading, Unit
from core.formats import ChunkParams
from ingest.catalogue import parse_catalogue
from ingest.chunking import chunk_spans, chunk_units

PARAMS = ChunkParams(min_words=20, target_words=30, max_words=45, overlap_words=6)
words = st.text(alphabet="abcdeéèàçxyz", min_size=1, max_size=12)
sentences = st.lists(words, min_size=1, max_size=70).map(lambda ws: " ".join(ws) + ".")
separators = st.sampled_from([" ", "  ", "\n", "\n\n", " \n ", "\u00a0"])


@st.composite
def texts(draw):
    parts = draw(st.lists(sentences, min_size=0, max_size=25))
    out = ""
    for part in parts:
        out += part + draw(separators)
    return out


@settings(max_examples=200, deadline=None)
@given(texts())
def test_offsets_map_back_to_the_text(text):
    for p in chunk_units("d", [Unit(text=text, page=1)], PARAMS):
        assert text[p.char_start:p.char_end] == p.text
        assert p.text.strip() == p.text


@settings(max_examples=200, deadline=None)
@given(texts())
def test_every_character_of_a_page_lands_in_some_passage(text):
    covered = set()
    for start, end in chunk_spans(text, [], PARAMS):
        covered.update(range(start, end))
    missing = [i for i, c in enumerate(text) if not c.isspace() and i not in covered]
    assert not missing


@settings(max_examples=200, deadline=None)
@given(texts(), st.lists(st.integers(min_value=0, max_value=3000), max_size=5))
def test_passages_respect_the_size_bounds_and_move_forward(text, breaks):
    spans = chunk_spans(text, breaks, PARAMS)
    for start, end in spans:
        assert 0 < len(text[start:end].split()) <= PARAMS.max_words
    starts = [s for s, _ in spans]
    assert starts == sorted(set(starts))


@settings(max_examples=100, deadline=None)
@given(texts())
def test_section_of_each_passage_is_a_heading_before_it(text):
    unit = Unit(text=text, headings=(Heading(0, 1, "Début"),))
    assert all(p.section == "Début" for p in chunk_units("d", [unit], PARAMS))


cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=20)
rows = st.lists(st.tuples(st.text(alphabet="abcdefgh-_ é/", min_size=1, max_size=15).filter(
    lambda f: f.strip() and ".." not in f and not f.strip().startswith("/")), cells,
    st.sampled_from(["", "2020", "2021-03", "2019-11-06", "mars", "2020-13"]), cells), max_size=15)


@settings(max_examples=200, deadline=None)
@given(rows, st.sampled_from([",", ";"]), st.booleans())
def test_catalogue_reader_never_crashes_and_accounts_for_every_row(data, delimiter, bom):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(["file", "title", "date", "type"])
    writer.writerows(data)
    raw = (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")
    catalogue = parse_catalogue(raw)
    for metadata in catalogue.rows.values():
        assert metadata.date in ("", "2020", "2021-03", "2019-11-06")
    distinct = {f.strip().replace("\\", "/") for f, *_ in data}
    assert len(catalogue.rows) <= len(distinct)
    assert len(catalogue.rows) + len(catalogue.problems) >= len({f.strip() for f, *_ in data})


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_catalogue_reader_survives_arbitrary_bytes(raw):
    catalogue = parse_catalogue(raw)
    assert isinstance(catalogue.rows, dict) and isinstance(catalogue.problems, list)
