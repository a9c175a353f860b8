"""Page images with real limits: a page built from nested forms is refused from its object
count, a render over its time or memory is stopped in its own process and leaves nothing
behind, and the server keeps answering meanwhile."""

import os
import threading
import time
from pathlib import Path

import httpx
import pytest
from conftest import CORPUS
from drive import running_ui
from pypdf import PdfWriter

from ingest.refresh import refresh
from retrieval.index import Index
from retrieval.pagestore import PageRenderer

GUIDE = CORPUS / "etalab-guides" / "guide-reutilisation.pdf"


def nested_forms_pdf(levels: int, fan_out: int, paths: int) -> bytes:
    """One page whose content draws form 1, which draws form 2 ``fan_out`` times, … down to a
    form of ``paths`` line segments; and a line of text, so that the page is indexed."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources "
               "<< /Font << /F0 5 0 R >> /XObject << /X1 6 0 R >> >> >>"]
    text = b"BT /F0 14 Tf 72 760 Td (Guide des conseils citoyens : les quartiers prioritaires) Tj ET q /X1 Do Q"
    streams = {4: text}
    objects += ["", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for level in range(1, levels + 1):
        number = 5 + level
        body = (f"/X{level + 1} Do\n" * fan_out).encode() if level < levels else b"0 0 m 100 100 l S\n" * paths
        inner = f"/Resources << /XObject << /X{level + 1} {number + 1} 0 R >> >> " if level < levels else ""
        objects.append(f"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] {inner}")
        streams[number] = body
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for n, head in enumerate(objects, start=1):
        offsets.append(len(out))
        if n in streams:
            dictionary = head[:-2] if head.endswith(">>") else head
            out += f"{n} 0 obj\n{dictionary or '<<'} /Length {len(streams[n])} >>\nstream\n".encode()
            out += streams[n] + b"\nendstream\nendobj\n"
        else:
            out += f"{n} 0 obj\n{head}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def workers_left() -> list[int]:
    """Render workers still alive among this process's children."""
    mine = str(os.getpid())
    left = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
            command = (status.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if fields.get("PPid", "").strip() == mine and b"retrieval.pagerender" in command:
            left.append(int(status.parent.name))
    return left


def test_a_page_of_nested_forms_holding_sixty_thousand_paths_is_refused(tmp_path):
    hostile = tmp_path / "formes.pdf"
    hostile.write_bytes(nested_forms_pdf(levels=2, fan_out=10, paths=6_000))  # one form object at the top
    started = time.perf_counter()
    assert PageRenderer().render(hostile, 1, "") is None
    assert time.perf_counter() - started < 10 and workers_left() == []


def test_forms_nested_without_end_are_refused_before_they_are_drawn(tmp_path):
    hostile = tmp_path / "gigogne.pdf"
    hostile.write_bytes(nested_forms_pdf(levels=12, fan_out=4, paths=10))  # 4^11 forms if drawn
    assert PageRenderer().render(hostile, 1, "") is None and workers_left() == []


def test_an_ordinary_page_is_still_drawn(tmp_path):
    assert PageRenderer().render(GUIDE, 1, "").startswith(b"\x89PNG")


def test_a_render_over_its_time_is_killed_and_leaves_nothing(tmp_path):
    started = time.perf_counter()
    assert PageRenderer(seconds=0.02).render(GUIDE, 1, "") is None  # not even time to start
    assert time.perf_counter() - started < 5 and workers_left() == []


def test_a_render_over_its_memory_fails_alone(tmp_path):
    giant = tmp_path / "bandeau.pdf"  # 7 mm by 5 m: drawn at 30 megapixels, over 120 MB of pixels
    writer = PdfWriter()
    writer.add_blank_page(width=20, height=14400)
    with open(giant, "wb") as handle:
        writer.write(handle)
    assert PageRenderer(memory_bytes=256 * 1024 * 1024).render(giant, 1, "") is None and workers_left() == []
    assert PageRenderer(memory_bytes=256 * 1024 * 1024).render(GUIDE, 1, "").startswith(b"\x89PNG")  # the next is drawn


def test_the_server_keeps_answering_while_a_hostile_page_is_asked_for(settings, tmp_path, embedder):
    folder = tmp_path / "pdfs"
    folder.mkdir()
    (folder / "formes.pdf").write_bytes(nested_forms_pdf(levels=2, fan_out=10, paths=6_000))
    refresh(settings, [folder], embedder=embedder)
    doc = next(iter(Index.open(settings.index_path).documents.values()))
    with running_ui(settings.index_path) as url, httpx.Client(base_url=url, timeout=60) as http:
        answers: list[float] = []

        def health_meanwhile():
            while len(answers) < 20:
                asked = time.perf_counter()
                assert http.get("/api/v1/health").status_code == 200
                answers.append(time.perf_counter() - asked)
        checker = threading.Thread(target=health_meanwhile)
        checker.start()
        page = http.get(f"/fichiers/{doc.doc_id}/pages/1.png")
        checker.join()
    assert page.status_code == 404 and max(answers) < 2
