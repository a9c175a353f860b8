"""A harvest killed at any moment and run again ends as if it had never been interrupted; one
writer at a time; and the curator's decisions outlive every harvest."""

import csv
import io
import json
import os
import signal
import subprocess
import sys
import threading

import docx
import pytest
from conftest import ROOT
from website import Route, serve, snapshot

from core.documents import Metadata
from core.errors import IndexBusy
from core.settings import Settings
from ingest.curation import add_uploads, remove_document, restore_document, update_document
from ingest.decisions import exclusions
from ingest.harvest import harvest
from ingest.refresh import refresh
from ingest.uploads import Upload
from retrieval.index import Index

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
UTF8 = "text/html; charset=utf-8"


def _docx(title: str, text: str) -> bytes:
    """A Word file whose own heading is not the listing's title: indexed without its catalogue
    row, it would show another title."""
    document = docx.Document()
    document.add_heading(f"Fichier de travail — {title}", level=1)
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


PUBLICATIONS = [  # (file, title on the site, date, text)
    ("egalite.docx", "Intégrer l’égalité femmes-hommes", "Publié le 15 septembre 2020",
     "Le guide aide les associations à mesurer l'effet de leurs actions sur l'égalité entre femmes et hommes."),
    ("emploi.docx", "Nouveaux leviers pour l’emploi", "Publié le 12 mai 2022",
     "Les clauses d'insertion et l'insertion par l'activité économique soutiennent l'emploi des habitants."),
    ("sante.docx", "Santé des habitants des quartiers", "Publié le 6 novembre 2019",
     "Le contrat local de santé organise la prévention et l'accès aux soins dans les quartiers prioritaires."),
    ("education.docx", "Cités éducatives", "Publié le 20 septembre 2018",
     "Les cités éducatives rassemblent écoles, collèges, familles et associations autour des enfants."),
    ("conseils.docx", "Les conseils citoyens, mode d’emploi", "Publié le 3 novembre 2020",
     "Les membres des conseils citoyens sont pour partie tirés au sort parmi les habitants du quartier."),
    ("renouvellement.docx", "Renouvellement urbain et relogement", "Publié le 2 juin 2021",
     "Le relogement des ménages accompagne les démolitions du nouveau programme de renouvellement urbain."),
]


def _routes(publications, page_two=True) -> dict[str, Route]:
    entries = [f"<article><h2>{title}</h2><p>{date}</p><a href='/docs/{file}'>Télécharger</a></article>"
               for file, title, date, _ in publications]
    half = len(entries) // 2 if page_two else len(entries)
    following = "<a rel='next' href='/publications/page/2/'>Page suivante</a>" if page_two else ""
    routes = {"/robots.txt": Route(b"User-agent: *\nAllow: /\n", "text/plain"),
              "/publications/": Route(f"<html><body>{''.join(entries[:half])}{following}</body></html>".encode(), UTF8),
              "/publications/page/2/": Route(f"<html><body>{''.join(entries[half:])}</body></html>".encode(), UTF8)}
    routes.update({f"/docs/{file}": Route(_docx(title, text), DOCX) for file, title, _, text in publications})
    return routes


def _env(tmp_path) -> dict:
    return {**os.environ, "BOUSSOLE_HARVEST_ALLOW_PRIVATE": "1", "BOUSSOLE_HARVEST_DELAY": "0",
            "BOUSSOLE_INDEX": str(tmp_path / "index"), "PYTHONPATH": str(ROOT)}


def _settings(tmp_path, **changes) -> Settings:
    """What ``_env`` sets, for the harvests run in this process."""
    return Settings(harvest_allow_private=True, harvest_delay=0, index_dir=tmp_path / "index").with_(**changes)


def _harvest_in_a_process(url: str, sources, tmp_path) -> subprocess.Popen:
    code = ("import sys; from pathlib import Path; from core.settings import Settings; from ingest.harvest import harvest\n"
            "harvest(Settings.from_env(), [sys.argv[1]], Path(sys.argv[2]))")
    return subprocess.Popen([sys.executable, "-c", code, url, str(sources)], env=_env(tmp_path), cwd=ROOT)


def _killed_at(site, url, sources, tmp_path, request: int) -> None:
    """Run a harvest in its own process and SIGKILL it when the site receives its Nth request."""
    before = len(site.hits)
    process = _harvest_in_a_process(url, sources, tmp_path)
    site.on_request = lambda count, path: count == before + request and os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    site.on_request = None
    assert process.returncode == -signal.SIGKILL, f"the harvest ended before request {request}"


def _reference(site, url, tmp_path):
    harvest(_settings(tmp_path), [url], tmp_path / "reference")
    return snapshot(tmp_path / "reference" / "web")


@pytest.mark.parametrize("request_number", [1, 3, 5, 7, 9])  # robots.txt, listing page 2, three points among downloads
def test_a_harvest_killed_at_any_moment_then_run_again_ends_as_an_uninterrupted_one(tmp_path, request_number):
    with serve(_routes(PUBLICATIONS)) as site:
        url = f"http://127.0.0.1:{site.server_port}/publications/"
        expected = _reference(site, url, tmp_path)
        sources = tmp_path / "sources"
        _killed_at(site, url, sources, tmp_path, request_number)
        # requests 1-4: robots.txt, two listing pages, sitemap; then one per document, each
        # committed before the next is asked for
        state = sources / "web" / f"127.0.0.1-{site.server_port}" / ".harvest.json"
        committed = len(json.loads(state.read_text())) if state.is_file() else 0
        assert committed == max(0, request_number - 5)
        resumed = harvest(_settings(tmp_path), [url], sources)
    assert resumed.failures == [] and resumed.unchanged == committed  # resumed, not downloaded again
    assert snapshot(sources / "web") == expected  # same files, same catalogue, same state, no orphan


@pytest.mark.parametrize("request_number", [4, 6, 8])
def test_a_killed_harvest_of_a_changed_site_resumes_to_the_same_state(tmp_path, request_number):
    changed = [p if p[0] != "emploi.docx" else (p[0], p[1], p[2], p[3] + " Une mise à jour de 2024.")
               for p in PUBLICATIONS if p[0] != "sante.docx"] + [
        ("insertion.docx", "L’insertion par l’activité économique", "Publié le 4 mars 2024",
         "Les structures d'insertion par l'activité économique accompagnent les personnes éloignées de l'emploi.")]
    with serve(_routes(PUBLICATIONS)) as site:
        url = f"http://127.0.0.1:{site.server_port}/publications/"
        harvest(_settings(tmp_path), [url], tmp_path / "reference")
        harvest(_settings(tmp_path), [url], tmp_path / "sources")
        site.routes.update(_routes(changed))
        site.routes.pop("/docs/sante.docx")
        harvest(_settings(tmp_path), [url], tmp_path / "reference")
        expected = snapshot(tmp_path / "reference" / "web")
        _killed_at(site, url, tmp_path / "sources", tmp_path, request_number)
        harvest(_settings(tmp_path), [url], tmp_path / "sources")
    assert snapshot(tmp_path / "sources" / "web") == expected


def test_a_refresh_after_a_killed_harvest_indexes_no_file_without_its_row(tmp_path, embedder):
    with serve(_routes(PUBLICATIONS)) as site:
        url = f"http://127.0.0.1:{site.server_port}/publications/"
        sources = tmp_path / "sources"
        process = _harvest_in_a_process(url, sources, tmp_path)
        # killed as the 7th request arrives: some documents are committed, the one being sent is not
        site.on_request = lambda count, path: count == 7 and os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
    settings = _settings(tmp_path, sources=sources)
    report = refresh(settings, [sources], embedder=embedder)
    titles = {d.title for d in Index.open(settings.index_path).documents.values()}
    listed = {title for _, title, _, _ in PUBLICATIONS}
    assert report.added >= 1 and titles <= listed  # every indexed file has its listing row


def test_an_upload_waits_for_a_running_harvest_or_is_told_why(tmp_path):
    routes = _routes(PUBLICATIONS)
    routes["/publications/"].delay = 2  # a slow site: the harvest holds the lock for a while
    with serve(routes) as site:
        started = threading.Event()
        site.on_request = lambda count, path: started.set()
        process = _harvest_in_a_process(f"http://127.0.0.1:{site.server_port}/publications/", tmp_path / "sources", tmp_path)
        assert started.wait(30)
        upload = [Upload("note.md", "# Note\n\nUne note de l'équipe sur les conseils citoyens.\n".encode())]
        with pytest.raises(IndexBusy) as refused:
            add_uploads(_settings(tmp_path, sources=tmp_path / "sources"), upload, False)
        assert "moissonnage du site" in refused.value.french
        assert not (tmp_path / "sources" / "note.md").exists()
        [outcome] = add_uploads(_settings(tmp_path, sources=tmp_path / "sources", lock_wait=60), upload, False)
        # it went in only once the harvest had committed its last document: no interleaving
        assert len(_rows(tmp_path / "sources" / "web" / f"127.0.0.1-{site.server_port}")) == len(PUBLICATIONS)
        assert outcome.saved and outcome.saved.is_file() and process.wait(30) == 0


def test_staff_edits_and_removals_survive_later_harvests_and_restore_brings_a_document_back(tmp_path, embedder):
    with serve(_routes(PUBLICATIONS[:3], page_two=False)) as site:
        url = f"http://127.0.0.1:{site.server_port}/publications/"
        sources = tmp_path / "sources"
        settings = _settings(tmp_path, sources=sources)
        harvest(settings, [url], sources)
        refresh(settings, [sources], embedder=embedder)
        host = f"web/127.0.0.1-{site.server_port}"
        update_document(settings, sources, f"{host}/docs/egalite.docx",
                        Metadata(title="Guide : l’égalité femmes-hommes dans nos actions", url=f"{url}../docs/egalite.docx",
                                 date="2020-09-15", type="guide", themes=("égalité femmes-hommes",)))
        index = Index.open(settings.index_path)
        removed = next(d for d in index.documents.values() if d.source.endswith("emploi.docx"))
        remove_document(settings, index, removed.doc_id, embedder)
        # the site changes its date line: what staff did not correct still follows the site
        site.routes["/publications/"] = Route(site.routes["/publications/"].body.replace(
            "15 septembre 2020".encode(), "16 septembre 2020".encode()), UTF8)
        for _ in range(2):
            report = harvest(settings, [url], sources)
            assert report.excluded == 1 and report.downloaded == 0
        rows = _rows(sources / host)
        edited = rows["docs/egalite.docx"]
        assert (edited["title"], edited["type"], edited["themes"]) == (
            "Guide : l’égalité femmes-hommes dans nos actions", "guide", "égalité femmes-hommes")
        assert edited["date"] == "2020-09-16"  # not corrected by staff: the site's new date
        assert "docs/emploi.docx" not in rows and not (sources / host / "docs" / "emploi.docx").exists()
        assert [e.title for e in exclusions(sources).values()] == ["Nouveaux leviers pour l’emploi"]
        restore_document(settings, sources, next(iter(exclusions(sources))))
        back = harvest(settings, [url], sources)
    assert back.excluded == 0 and back.downloaded == 1 and "docs/emploi.docx" in _rows(sources / host)


def _rows(folder) -> dict[str, dict]:
    with open(folder / "catalogue.csv", encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle)}
