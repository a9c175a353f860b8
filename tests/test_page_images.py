"""Pages of indexed PDFs served as images, the cited passage highlighted (a real PDF)."""

import io

import numpy as np
import pytest
from conftest import CORPUS, copy_files
from PIL import Image
from starlette.applications import Starlette
from starlette.testclient import TestClient

from ingest.refresh import refresh
from retrieval.documents import citation_params, resolve_citation
from retrieval.index import Index
from server.files import file_routes


@pytest.fixture(scope="module")
def client(mixed_index):
    return TestClient(Starlette(routes=file_routes(mixed_index.index_path)))


@pytest.fixture(scope="module")
def cited(searcher):
    """A passage of the real PDF guide, as a search returns it."""
    return next(h for h in searcher.search("Comment publier une réutilisation sur data.gouv.fr ?").hits
                if h.document.kind == "pdf")


def _yellow(png: bytes) -> int:
    r, g, b = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int).transpose(2, 0, 1)
    return int(((r > 240) & (g > 190) & (g < 240) & (b < 200)).sum())


def test_a_pdf_page_is_served_as_a_readable_image(client, cited):
    answer = client.get(f"/fichiers/{cited.document.doc_id}/pages/{cited.passage.page}.png")
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/png"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert Image.open(io.BytesIO(answer.content)).width >= 1000


def test_the_cited_passage_is_highlighted_on_its_page(client, cited):
    url = f"/fichiers/{cited.document.doc_id}/pages/{cited.passage.page}.png"
    plain, marked = client.get(url).content, client.get(f"{url}?passage={cited.passage.id}").content
    assert _yellow(marked) > 20 * _yellow(plain) + 2000  # translucent boxes over the passage's lines


def test_wrong_pages_passages_and_documents_are_refused(client, cited, mixed_index):
    doc, page = cited.document, cited.passage.page
    index = Index.open(mixed_index.index_path)
    other = next(d for d in index.documents.values() if d.kind != "pdf")
    other_passage = index.document_passages(other.doc_id)[0].id
    assert client.get("/fichiers/inconnu/pages/1.png").status_code == 404
    assert client.get(f"/fichiers/{doc.doc_id}/pages/0.png").status_code == 400  # no page 0 in any PDF
    assert client.get(f"/fichiers/{doc.doc_id}/pages/{doc.pages + 1}.png").status_code == 404
    assert client.get(f"/fichiers/{doc.doc_id}/pages/deux.png").status_code == 400
    assert client.get(f"/fichiers/{doc.doc_id}/pages/{page}.png?passage=x").status_code == 400
    assert client.get(f"/fichiers/{doc.doc_id}/pages/{page}.png?passage={other_passage}").status_code == 404
    assert client.get(f"/fichiers/{other.doc_id}/pages/1.png").status_code == 404  # not a PDF


@pytest.mark.parametrize("query", ["pages/².png", "pages/-1.png", "pages/1.png?passage=99999999999999999999",
                                   "pages/1.png?passage=²", "pages/1.png?passage=-3", "pages/１.png"])
def test_a_number_that_is_not_a_plain_integer_in_range_is_a_400(client, cited, query):
    answer = client.get(f"/fichiers/{cited.document.doc_id}/{query}")
    assert answer.status_code == 400 and "nombre entier" in answer.text


def test_page_images_are_kept_with_their_build(client, cited, mixed_index):
    client.get(f"/fichiers/{cited.document.doc_id}/pages/{cited.passage.page}.png?passage={cited.passage.id}")
    cached = list((Index.open(mixed_index.index_path).build / "pages").glob("*.png"))
    assert any(p.name == f"{cited.document.doc_id}-{cited.passage.page}-{cited.passage.id}.png" for p in cached)


def test_a_page_drawn_is_counted_once_and_not_again_from_the_cache(client, cited, mixed_index):
    from core.metrics import process_metrics
    registry = process_metrics(mixed_index.index_path).registry
    page = cited.passage.page + 1
    kept = Index.open(mixed_index.index_path).build / "pages" / f"{cited.document.doc_id}-{page}-page.png"
    kept.unlink(missing_ok=True)  # drawn by an earlier test, it would come from the cache
    before = registry.get_sample_value("boussole_page_images_drawn_total")
    url = f"/fichiers/{cited.document.doc_id}/pages/{page}.png"
    assert client.get(url).status_code == client.get(url).status_code == 200
    assert registry.get_sample_value("boussole_page_images_drawn_total") == before + 1


# --- citations that survive a reload ------------------------------------------------------

def test_a_citation_address_finds_its_passage_after_a_refresh_moved_the_ids(settings, sources, embedder):
    refresh(settings, [sources], embedder=embedder)
    index = Index.open(settings.index_path)
    doc = next(d for d in index.documents.values() if d.source == "questions-educatives-2020.txt")
    passage = index.document_passages(doc.doc_id)[1]
    address = citation_params(index, passage)
    copy_files(sources / "aaa", CORPUS / "loi-ville-2014" / "article-1.md")  # sorts first: ids shift
    refresh(settings, [sources], embedder=embedder)
    after = Index.open(settings.index_path)
    view = resolve_citation(after, address["doc"], address["passage"], address["ord"], address["v"])
    assert not view.changed and view.passage.text == passage.text
    assert view.passage.id != passage.id  # the old id alone would have pointed elsewhere


def test_a_citation_of_a_replaced_document_says_it_changed(settings, sources, embedder):
    refresh(settings, [sources], embedder=embedder)
    index = Index.open(settings.index_path)
    doc = next(d for d in index.documents.values() if d.source == "questions-educatives-2020.txt")
    address = citation_params(index, index.document_passages(doc.doc_id)[0])
    (sources / doc.source).write_text("Édition 2021 entièrement réécrite du dossier sur les questions "
                                      "éducatives dans les quartiers prioritaires.", encoding="utf-8")
    refresh(settings, [sources], embedder=embedder)
    view = resolve_citation(Index.open(settings.index_path), address["doc"], address["passage"],
                            address["ord"], address["v"])
    assert view.changed and view.passage is None


def test_the_highlight_lies_over_the_passage_words_own_positions(cited, mixed_index):
    """Each word of the passage, located by pdfium's own search, sits inside a highlighted line."""
    import re

    import pypdfium2 as pdfium

    from retrieval.pageimage import passage_boxes

    path = Index.open(mixed_index.index_path).roots[cited.document.root] / cited.document.source
    page = pdfium.PdfDocument(path.read_bytes())[cited.passage.page - 1]
    textpage = page.get_textpage()
    lines = passage_boxes(textpage, cited.passage.text)
    assert lines
    words = [w for w in re.findall(r"[^\W\d_]{9,}", cited.passage.text)][:6]
    assert words
    inside = lambda box: any(l - 1 <= box[0] and box[2] <= r + 1 and b - 1 <= box[1] and box[3] <= t + 1
                             for l, b, r, t in lines)
    for word in words:  # the word may also occur elsewhere on the page: one occurrence is the passage's
        search, occurrences = textpage.search(word, match_case=True), []
        while (found := search.get_next()) is not None:
            first, count = found
            occurrences.append((textpage.get_charbox(first), textpage.get_charbox(first + count - 1)))
        # the word's first and last letters both: an index off by one would leave the last outside
        assert any(inside(a) and inside(b) for a, b in occurrences), (word, occurrences, lines)
    assert not inside((0, 0, 1, 1))  # and the page's corner is not highlighted


def test_a_passage_of_the_barometre_report_is_found_on_its_page(mixed_index):
    import pypdfium2 as pdfium

    from core.formats import ChunkParams
    from ingest.chunking import chunk_units
    from ingest.pdf import load_pdf
    from retrieval.pageimage import passage_boxes

    raw = (CORPUS / "barometre-pdf" / "documentation_barometre_resultats.pdf").read_bytes()
    passages = chunk_units("b", load_pdf(raw, "b.pdf", 500, 120).units, ChunkParams(60, 90, 160, 15))
    pdf = pdfium.PdfDocument(raw)
    sample = passages[::25]
    found = [bool(passage_boxes(pdf[p.page - 1].get_textpage(), p.text)) for p in sample]
    assert sum(found) >= 0.9 * len(sample), found


def test_a_served_pdf_may_not_be_sniffed_nor_run_anything_on_the_app_s_origin(client, cited):
    answer = client.get(f"/fichiers/{cited.document.doc_id}")
    policy = answer.headers["content-security-policy"]
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in policy and "script-src" not in policy and "frame-ancestors 'self'" in policy


def test_a_saved_html_page_is_served_as_sandboxed_text(client, mixed_index):
    from retrieval.index import Index
    page = next(d for d in Index.open(mixed_index.index_path).documents.values() if d.kind == "html")
    answer = client.get(f"/fichiers/{page.doc_id}")
    assert answer.headers["content-type"].startswith("text/plain")
    assert answer.headers["content-security-policy"].endswith("; sandbox")
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_a_passage_finishing_its_sentence_on_the_next_page_is_highlighted_on_its_own():
    import pypdfium2 as pdfium

    from core.formats import ChunkParams
    from ingest.chunking import chunk_units
    from ingest.pdf import load_pdf
    from retrieval.pageimage import passage_boxes

    raw = (CORPUS / "etalab-guides" / "guide-logiciels.pdf").read_bytes()
    passages = chunk_units("g", load_pdf(raw, "g.pdf", 500, 60).units, ChunkParams(60, 90, 160, 15))
    # page 6 ends « …en communiquant sur le »: the passage goes on with page 7's « logiciel, car… »
    carried = next(p for p in passages if p.page == 6 and "communiquant sur le logiciel, car" in p.text)
    textpage = pdfium.PdfDocument(raw)[5].get_textpage()
    lines = passage_boxes(textpage, carried.text)
    first, _ = textpage.search("communiquant", match_case=True).get_next()
    left, bottom, right, top = textpage.get_charbox(first)
    assert any(l - 1 <= left and right <= r + 1 and b - 1 <= bottom and top <= t + 1 for l, b, r, t in lines), lines
