"""Harvesting a resource centre's website, against a real local site served by the test:
a paginated listing, robots.txt, a 404, a redirect, a slow answer, an oversize file, an HTML
error page named .pdf, a page in ISO-8859-1, then an unchanged re-harvest and a withdrawal."""

import csv
import hashlib
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner
from conftest import CORPUS

from core.settings import Settings
from ingest.curation import document_statuses
from ingest.harvest import harvest
from ingest.listing import read_listing
from retrieval.index import Index
from cli.main import main

ENTRY = "<article><h2>{title}</h2><p>{date}</p><p>{summary}</p><a href='{href}'>{link}</a></article>"
PDF = (CORPUS / "etalab-guides" / "guide-juridique.pdf").read_bytes()
MOVED_PDF = (CORPUS / "etalab-guides" / "guide-logiciels.pdf").read_bytes()
MAX_BYTES = 400_000


def _docx() -> bytes:
    import io

    import docx
    document = docx.Document()
    document.add_heading("Intégrer l'égalité femmes-hommes", level=1)
    document.add_paragraph("Ce guide aide les associations à mesurer l'impact de leurs actions sur l'égalité.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _listing_one(with_emancipation: bool = True) -> str:
    entries = [
        ENTRY.format(title="L’émancipation au féminin, au-delà d’un idéal", date="Webinaire régional du 25 mars 2021.",
                     summary="Ce document synthétise les interventions.", href="/docs/emancipation.pdf",
                     link="Accéder au document") if with_emancipation else "",
        "<article><h2>Intégrer l’égalité femmes-hommes dans vos actions</h2><p>Publié le "
        "<time datetime='2020-09-15'>15 septembre 2020</time></p><p>Un guide méthodologique pour les "
        "associations.</p><a href='/docs/guide-egalite.docx'>Télécharger</a></article>",
        ENTRY.format(title="Document disparu", date="2019", summary="", href="/docs/absent.pdf", link="Accéder"),
        ENTRY.format(title="Ouvrir les codes sources", date="Dossier de 2024", summary="Déplacé.",
                     href="/docs/ancien.pdf", link="Accéder au document"),
        ENTRY.format(title="Serveur lent", date="", summary="", href="/docs/lent.pdf", link="Accéder"),
        ENTRY.format(title="Trop gros", date="", summary="", href="/docs/gros.pdf", link="Accéder"),
        ENTRY.format(title="Page d’erreur", date="", summary="", href="/docs/erreur.pdf", link="Accéder"),
        ENTRY.format(title="Dossier interne", date="", summary="", href="/publications/prive/secret.pdf",
                     link="Accéder"),
    ]
    return ("<html><head><meta charset='utf-8'><title>Nos productions & publications</title></head><body>"
            "<nav><a href='/publications/contact/'>Contact</a></nav><h1>Nos productions & publications</h1>"
            + "".join(entries) + "<a rel='next' href='/publications/page/2/'>Page suivante</a></body></html>")


LISTING_TWO = ("<html><head><title>Publications, page 2</title></head><body><h1>Nos publications</h1>"
               "<article><h2>Santé des habitants : journée des conseils citoyens</h2>"
               "<p>Journée régionale du 6 novembre 2019 à Lodève.</p><p>Retour sur la formation.</p>"
               "<a href='/publications/sante-conseils-citoyens/'>Lire la suite</a></article></body></html>")
PUBLICATION = ("<html><head><meta charset='utf-8'><title>Santé et conseils citoyens</title></head><body><main>"
               "<h1>Santé et conseils citoyens</h1><p>La journée de formation des conseils citoyens de l’Hérault "
               "a porté sur la santé dans les contrats de ville. Les habitants ont travaillé sur l’accès aux "
               "soins, la prévention et le contrat local de santé avec l’agence régionale de santé.</p>"
               "</main></body></html>")


class Site(BaseHTTPRequestHandler):
    """Serves ``server.routes``: path -> (status, content type, body, delay, extra headers)."""

    def do_GET(self):
        status, kind, body, delay, headers = self.server.routes.get(self.path, (404, "text/html", b"absent", 0, {}))
        time.sleep(delay)
        etag = '"' + hashlib.sha1(body).hexdigest() + '"'
        not_modified = status == 200 and self.headers.get("If-None-Match") == etag
        self.server.hits.append((self.path, 304 if not_modified else status))
        if not_modified:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        if status == 200:
            self.send_header("ETag", etag)
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the harvester hung up on an oversize body: as it should

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    server.hits = []  # (path, status answered)
    server.routes = {
        "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /publications/prive/\n", 0, {}),
        "/publications/": (200, "text/html; charset=utf-8", _listing_one().encode("utf-8"), 0, {}),
        "/publications/page/2/": (200, "text/html; charset=iso-8859-1", LISTING_TWO.encode("iso-8859-1"), 0, {}),
        "/publications/sante-conseils-citoyens/": (200, "text/html; charset=utf-8", PUBLICATION.encode("utf-8"), 0, {}),
        "/publications/prive/secret.pdf": (200, "application/pdf", PDF, 0, {}),
        "/docs/emancipation.pdf": (200, "application/pdf", PDF, 0, {}),
        "/docs/guide-egalite.docx": (200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                     _docx(), 0, {}),
        "/docs/ancien.pdf": (301, "text/html", b"", 0, {"Location": "/docs/deplace.pdf"}),
        "/docs/deplace.pdf": (200, "application/pdf", MOVED_PDF, 0, {}),
        "/docs/lent.pdf": (200, "application/pdf", PDF, 3, {}),
        "/docs/gros.pdf": (200, "application/pdf", b"%PDF-1.7\n" + b"0" * (MAX_BYTES + 1), 0, {}),
        "/docs/erreur.pdf": (200, "text/html", b"<html><body>Erreur 500 : page introuvable</body></html>", 0, {}),
    }
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}/publications/"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def harvest_env(base_settings, monkeypatch, tmp_path):
    for key, value in {"BOUSSOLE_MODEL_DIR": str(base_settings.model_dir), "BOUSSOLE_HARVEST_ALLOW_PRIVATE": "1",
                       "BOUSSOLE_HARVEST_DELAY": "0", "BOUSSOLE_HARVEST_TIMEOUT": "1",
                       "BOUSSOLE_MAX_FILE_BYTES": str(MAX_BYTES), "BOUSSOLE_SOURCES": str(tmp_path / "sources"),
                       "BOUSSOLE_INDEX": str(tmp_path / "index")}.items():
        monkeypatch.setenv(key, value)
    return tmp_path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _catalogue(folder) -> dict[str, dict]:
    with open(folder / "catalogue.csv", encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle)}


def test_a_site_is_harvested_with_its_listing_as_catalogue_then_refreshed(site, harvest_env):
    result = run("harvest", site.url)
    assert result.exit_code == 5, result.output  # the five failed addresses below, for a nightly job to alert on
    assert "5 failed" in result.output
    assert "added 4, updated 0, unchanged 0, removed 0, failed 0" in result.output
    host = harvest_env / "sources" / "web" / f"127.0.0.1-{site.server_port}"
    rows = _catalogue(host)
    assert set(rows) == {"docs/emancipation.pdf", "docs/guide-egalite.docx", "docs/ancien.pdf",
                         "publications/sante-conseils-citoyens.html"}
    emancipation = rows["docs/emancipation.pdf"]
    assert emancipation["title"] == "L’émancipation au féminin, au-delà d’un idéal"  # the heading, not the link
    assert (emancipation["date"], emancipation["type"]) == ("2021-03-25", "webinaire")
    assert "synthétise les interventions" in emancipation["description"]
    assert emancipation["url"] == f"http://127.0.0.1:{site.server_port}/docs/emancipation.pdf"
    guide = rows["docs/guide-egalite.docx"]
    assert (guide["title"], guide["date"], guide["type"]) == (
        "Intégrer l’égalité femmes-hommes dans vos actions", "2020-09-15", "guide")
    assert rows["docs/ancien.pdf"]["url"].endswith("/docs/deplace.pdf")  # its own address, after the redirect
    sante = rows["publications/sante-conseils-citoyens.html"]  # from the ISO-8859-1 page 2
    assert (sante["title"], sante["date"], sante["type"]) == (
        "Santé des habitants : journée des conseils citoyens", "2019-11-06", "journée")
    # each failure named by its address, with its reason
    for path, reason in (("/docs/absent.pdf", "HTTP 404"), ("/docs/lent.pdf", "within 1 s"),
                         ("/docs/gros.pdf", "larger than the limit"), ("/docs/erreur.pdf", "an HTML page"),
                         ("/publications/prive/secret.pdf", "robots.txt")):
        assert any(line.startswith(f"failed: http://127.0.0.1:{site.server_port}{path}: ") and reason in line
                   for line in result.output.splitlines()), (path, result.output)
    asked = {path for path, _ in site.hits}
    assert "/publications/prive/secret.pdf" not in asked and "/publications/contact/" not in asked
    docs = {d.source: d for d in Index.open(harvest_env / "index").documents.values()}
    statuses = document_statuses(Index.open(harvest_env / "index"), harvest_env / "index")
    sante_status = next(s for s in statuses if s.path.endswith("sante-conseils-citoyens.html"))
    assert sante_status.harvested["listing"] == site.url + "page/2/"  # the listing page that links to it
    assert sante_status.harvested["seen"] == datetime.now(timezone.utc).date().isoformat()
    assert docs[f"web/127.0.0.1-{site.server_port}/docs/emancipation.pdf"].description.endswith("Ce document synthétise les interventions.")


def test_an_unchanged_re_harvest_downloads_no_document_and_a_withdrawn_one_leaves_the_index(site, harvest_env):
    run("harvest", site.url)
    first = len(site.hits)
    again = run("harvest", site.url)
    assert "4 unchanged" in again.output and "0 downloaded" in again.output
    assert "added 0, updated 0, unchanged 4, removed 0, failed 0" in again.output
    answered = dict(site.hits[first:])
    for path in ("/docs/emancipation.pdf", "/docs/guide-egalite.docx", "/docs/deplace.pdf",
                 "/publications/sante-conseils-citoyens/"):
        assert answered[path] == 304, (path, answered)  # asked with its validators, not downloaded again
    site.routes["/publications/"] = (200, "text/html; charset=utf-8",
                                     _listing_one(with_emancipation=False).encode("utf-8"), 0, {})
    withdrawn = run("harvest", site.url)
    assert "1 removed" in withdrawn.output and "removed 1" in withdrawn.output
    sources = {d.source for d in Index.open(harvest_env / "index").documents.values()}
    assert not any(s.endswith("emancipation.pdf") for s in sources) and len(sources) == 3


def test_only_web_addresses_are_harvested(harvest_env, tmp_path):
    result = run("harvest", f"file://{tmp_path}/page.html")
    assert result.exit_code != 0 and "only http:// and https://" in result.output
    assert "Traceback" not in result.output


def test_a_private_address_is_refused_without_the_setting(site, harvest_env, monkeypatch):
    monkeypatch.delenv("BOUSSOLE_HARVEST_ALLOW_PRIVATE")
    result = run("harvest", site.url)
    assert result.exit_code != 0 and f"failed: {site.url}: " in result.output
    assert "private or local network (127.0.0.1)" in result.output
    assert site.hits == []  # refused before any request
    tmp_path = harvest_env / "s"  # a link-local address; the run's record kept beside it, not in data/index
    report = harvest(Settings(index_dir=harvest_env / "index"), ["http://169.254.169.254/latest/"], tmp_path)
    assert [f.path for f in report.failures] == ["http://169.254.169.254/latest/"]
    assert not (tmp_path / "web").exists()


def test_a_listing_entry_gives_title_date_type_and_summary():
    page = ("<h2>Une journée pour imaginer la politique de la ville dans 10 ans</h2>"
            "<p>Journée régionale du 3 novembre 2020 en visioconférence.</p><a href='/d.pdf'>Accéder au document</a>"
            "<h2>Questions éducatives</h2><p>Dossier, édition de mars 2020.</p><a href='/q.pdf'>Lire</a>")
    first, second = read_listing(page.encode("utf-8"), "https://exemple.fr/publications/", "utf-8")
    assert first.url == "https://exemple.fr/d.pdf"
    assert (first.entry.title, first.entry.date, first.entry.type) == (
        "Une journée pour imaginer la politique de la ville dans 10 ans", "2020-11-03", "journée")
    assert first.entry.description.startswith("Journée régionale du 3 novembre 2020")
    assert (second.entry.date, second.entry.type) == ("2020-03", "dossier")


def test_one_document_linked_with_tracking_decorations_is_one_address():
    page = ("<h2>Guide</h2><a href='/d.pdf?utm_source=lettre#page=2'>Accéder</a>"
            "<a href='HTTPS://Exemple.FR:443/d.pdf'>PDF</a>")
    assert {link.url for link in read_listing(page.encode(), "https://exemple.fr/pub/", "utf-8")} == {
        "https://exemple.fr/d.pdf"}


def test_staff_save_the_site_and_update_from_it_in_administration(site, harvest_env, monkeypatch):
    import streamlit as st
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("BOUSSOLE_ADMIN_PASSWORD", "s3cret")
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=180)
    at.run()
    at.switch_page("pages/admin.py").run()
    at.text_input[0].set_value("s3cret")
    at.button[0].click().run()
    at.text_area[0].set_value(site.url)
    next(b for b in at.button if b.label == "Enregistrer les adresses").click().run()
    assert "Adresses enregistrées." in [s.value for s in at.success]
    next(b for b in at.button if b.label == "Mettre à jour depuis le site").click().run()
    assert not at.exception
    assert any("4 téléchargé(s)" in i.value and "5 en échec" in i.value for i in at.info), [i.value for i in at.info]
    assert any("4 ajouté(s)" in s.value for s in at.success)
    assert at.metric[0].value == "4"
    st.cache_resource.clear()


def test_two_listings_of_one_site_keep_each_others_documents(site, harvest_env):
    site.routes["/autres/"] = (200, "text/html; charset=utf-8", ENTRY.format(
        title="Rapport annuel", date="Rapport 2022", summary="", href="/docs/rapport.pdf", link="Accéder"
    ).encode("utf-8"), 0, {})
    site.routes["/docs/rapport.pdf"] = (200, "application/pdf", MOVED_PDF, 0, {})
    starts = [site.url, f"http://127.0.0.1:{site.server_port}/autres/"]
    sources = harvest_env / "sources"
    first = harvest(Settings.from_env(), starts, sources)
    again = harvest(Settings.from_env(), starts, sources)
    assert (first.downloaded, again.removed, again.unchanged) == (5, 0, 5)
    rows = _catalogue(sources / "web" / f"127.0.0.1-{site.server_port}")
    assert {"docs/rapport.pdf", "docs/emancipation.pdf"} <= set(rows)
    assert rows["docs/rapport.pdf"]["type"] == "rapport"
