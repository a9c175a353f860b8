"""A site of a hundred real publications with ten faults of ten kinds, served by
``tests/website.py``: the harvest tests and ``benchmarks/harvest.py`` run against it.

The site is ``www.centre-test.fr``; ``fichiers.centre-test.fr`` must not resolve (fake DNS)."""

import io
from pathlib import Path

import docx
from website import Route

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
PDF = (CORPUS / "etalab-guides" / "guide-reutilisation.pdf").read_bytes()
UTF8 = "text/html; charset=utf-8"
SITE = "www.centre-test.fr"
MAX_BYTES = 1_000_000  # BOUSSOLE_MAX_FILE_BYTES for this site: one fault is just above it


def docx_file(markdown: str) -> bytes:
    document = docx.Document()
    for line in markdown.splitlines():
        if line.startswith("#"):
            document.add_heading(line.lstrip("# ").strip(), level=min(line.count("#"), 3))
        elif line.strip():
            document.add_paragraph(line.replace("**", "").replace("*", ""))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def good_documents() -> list[tuple[str, str, Route]]:
    """90 real publications: 1 PDF guide, 12 policy sheets as Word files, 77 service-public
    sheets as HTML pages — (path, title, route). The shortest of each: the harvest test indexes
    them all, and embedding them is most of its time."""
    out = [("/docs/guide-reutilisation.pdf", "Guide de la réutilisation des données publiques", Route(PDF, "application/pdf"))]
    sheets = sorted((CORPUS / "barometre" / "mesures").rglob("*.md"), key=lambda p: (p.stat().st_size, p.name))[:12]
    for n, sheet in enumerate(sheets):
        text = sheet.read_text(encoding="utf-8")
        out.append((f"/docs/fiche-{n:02d}.docx", text.splitlines()[0].lstrip("# ").strip(),
                    Route(docx_file(text), "application/vnd.openxmlformats-officedocument.wordprocessingml.document")))
    pages = sorted((CORPUS / "service-public").glob("F*.txt"), key=lambda p: (p.stat().st_size, p.name))[:90 - len(out)]
    for page in pages:
        body = "".join(f"<p>{line}</p>" for line in page.read_text(encoding="utf-8").splitlines() if line.strip())
        title = f"Fiche pratique {page.stem}"
        html = f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><main><h1>{title}</h1>{body}</main></body></html>"
        out.append((f"/publications/{page.stem.lower()}/", title, Route(html.encode(), UTF8)))
    return out


def fault_list(port: int) -> list[tuple[str, str, Route | None]]:
    """(address, the reason's words, route) for ten faults of ten kinds."""
    base = f"http://{SITE}:{port}"
    return [
        (f"{base}/docs/absent.pdf", "HTTP 404", None),
        (f"{base}/docs/erreur-serveur.pdf", "HTTP 500", Route(b"Internal Server Error", status=500)),
        (f"http://fichiers.centre-test.fr:{port}/docs/rapport.pdf", "cannot be found", None),
        (f"{base}/docs/metadonnees.pdf", "private or local network (169.254.169.254)",
         Route(status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})),
        (f"{base}/docs/lent.docx", "within 1 s", Route(b"PK", "application/octet-stream", delay=3)),
        (f"{base}/docs/enorme.pdf", "larger than the limit", Route(b"%PDF-1.7\n" + b"0" * MAX_BYTES, "application/pdf")),
        (f"{base}/docs/page.pdf", "an HTML page, not a PDF", Route(b"<html><body>Erreur : page introuvable</body></html>")),
        (f"{base}/docs/boucle.pdf", "redirect loop", Route(status=302, headers={"Location": "/docs/boucle-2.pdf"})),
        (f"{base}/prive/interne.pdf", "robots.txt", Route(PDF, "application/pdf")),
        (f"{base}/docs/corrompu.pdf", "corrupt", Route(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n" + b"\x00garbage" * 200,
                                                       "application/pdf")),
    ]


def listing(entries: list[tuple[str, str]], page: int, pages: int) -> bytes:
    items = "".join(f"<article><h2>{title}</h2><p>Publié le 12 mai 2022.</p><a href='{href}'>Accéder au document</a></article>"
                    for href, title in entries)
    following = f"<a rel='next' href='/publications/page/{page + 1}/'>Page suivante</a>" if page < pages else ""
    return f"<html><head><meta charset='utf-8'></head><body><h1>Publications</h1>{items}{following}</body></html>".encode()


def site_routes(port: int) -> tuple[dict[str, Route], list, list]:
    """(routes, faults, good documents) of the site on ``port``: 100 entries, 25 per page."""
    good, faults = good_documents(), fault_list(port)
    entries = [(path, title) for path, title, _ in good] + [(url, f"Document en défaut {n}") for n, (url, _, _) in enumerate(faults)]
    entries.sort(key=lambda e: e[0].rsplit("/", 2)[-2:])  # faults spread over the pages
    pages = [entries[i:i + 25] for i in range(0, len(entries), 25)]
    routes = {path: route for path, _, route in good}
    routes.update({url.split(str(port), 1)[1]: route for url, _, route in faults if route and SITE in url})
    routes["/docs/boucle-2.pdf"] = Route(status=302, headers={"Location": "/docs/boucle.pdf"})
    routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /prive/\n", "text/plain")
    routes["/publications/"] = Route(listing(pages[0], 1, len(pages)), UTF8)
    for n, chunk in enumerate(pages[1:], start=2):
        routes[f"/publications/page/{n}/"] = Route(listing(chunk, n, len(pages)), UTF8)
    return routes, faults, good
