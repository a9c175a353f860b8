"""The harvest on listings it was not written against: four CMSs' markup and pagination, pages
in every encoding declaration (or none), sitemaps and feeds beyond the listing, and « same
site » as the Public Suffix List says — against a real local server reached through a fake DNS."""

import csv
import html
import json
import re

import pytest
from cms_sites import (BADGE, DRUPAL, JOOMLA, MORE_PUBLICATIONS, SPIP, TYPO3, VIEWS, WP, drupal, joomla, more_listings, spip,
                       wordpress)
from conftest import CORPUS
from website import Route, fake_dns, serve

from core.settings import Settings
from ingest.decisions import save_extra_hosts
from ingest.harvest import harvest, same_site
from ingest.html import load_html
from ingest.listing import read_listing

PDF = (CORPUS / "etalab-guides" / "guide-juridique.pdf").read_bytes()
UTF8 = "text/html; charset=utf-8"
HOSTS = [WP, SPIP, DRUPAL, JOOMLA, VIEWS, TYPO3, BADGE, "www.centre-test.fr", "media.centre-test.fr", "www.autre-test.fr"]


@pytest.fixture
def dns(monkeypatch):
    fake_dns(monkeypatch, dict.fromkeys(HOSTS, "127.0.0.1"))


def settings_for(tmp_path, **changes) -> Settings:
    return Settings(harvest_allow_networks="127.0.0.1/32", harvest_delay=0, harvest_timeout=5,
                    sources=tmp_path / "sources", index_dir=tmp_path / "index").with_(**changes)


def catalogue(folder) -> dict[str, dict]:
    with open(folder / "catalogue.csv", encoding="utf-8") as handle:
        return {row["url"]: row for row in csv.DictReader(handle)}


def page(title: str) -> Route:
    return Route(f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>"
                 "<p>Le texte de la publication, avec ses accents : réussite, égalité.</p></body></html>".encode(), UTF8)


def cms_routes(port: int) -> dict[str, Route]:
    pdf = Route(PDF, "application/pdf")
    routes = {
        f"{WP}/categorie/publications/": Route(wordpress(port, 1).encode("utf-8"), "text/html"),  # no charset anywhere
        f"{WP}/categorie/publications/page/2/": Route(wordpress(port, 2).encode("utf-8"), "text/html"),
        f"{SPIP}/spip.php?rubrique7": Route(spip(port, 1).encode("cp1252"), "text/html; charset=windows-1252"),
        f"{SPIP}/spip.php?rubrique7&debut_articles=2": Route(spip(port, 2).encode("cp1252"), "text/html"),
        f"{DRUPAL}/ressources/publications": Route(drupal(port, 1).encode("utf-8"), UTF8),
        f"{DRUPAL}/ressources/publications?page=0": Route(drupal(port, 1).encode("utf-8"), UTF8),
        f"{DRUPAL}/ressources/publications?page=1": Route(drupal(port, 2).encode("utf-8"), UTF8),
        f"{JOOMLA}/index.php/publications": Route(joomla(port, 1).encode("utf-8"), UTF8),
        f"{JOOMLA}/index.php/publications?start=2": Route(joomla(port, 2).encode("utf-8"), UTF8),
    }
    for path in EXPECTED:
        host, _, rest = path.partition("/")
        routes.setdefault(path, pdf if rest.endswith(".pdf") else page(EXPECTED[path][0]))
    return routes


# What each listing publishes: host/path -> (title, date), as a reader of the site sees it.
EXPECTED = {
    f"{WP}/wp-content/uploads/2021/03/guide-egalite.pdf": ("Intégrer l’égalité femmes-hommes dans les contrats de ville", "2021-03-25"),
    f"{WP}/wp-content/uploads/2021/02/emancipation-feminin.pdf": ("L’émancipation au féminin, au-delà d’un idéal", "2021-02-11"),
    f"{WP}/wp-content/uploads/2020/06/donnees-reussite-educative.pdf": ("Réussite éducative : les données à réutiliser", "2020-06-02"),
    f"{SPIP}/spip.php?article34": ("Santé des habitants : journée des conseils citoyens", "2019-11-06"),
    f"{SPIP}/IMG/pdf/sante_conseils_citoyens.pdf": ("Santé des habitants : journée des conseils citoyens", "2019-11-06"),
    f"{SPIP}/spip.php?article35": ("Gestion urbaine de proximité : capitalisation", "2020-11-03"),
    f"{SPIP}/spip.php?article36": ("Éducation prioritaire et cités éducatives", "2018-09-20"),
    f"{SPIP}/IMG/pdf/cites_educatives.pdf": ("Éducation prioritaire et cités éducatives", "2018-09-20"),
    f"{DRUPAL}/ressources/publications/nouveaux-leviers-emploi": ("Nouveaux leviers pour l’emploi dans les quartiers prioritaires", "2022-05-12"),
    f"{DRUPAL}/sites/default/files/2022-05/leviers-emploi.pdf": ("Nouveaux leviers pour l’emploi dans les quartiers prioritaires", "2022-05-12"),
    f"{DRUPAL}/ressources/publications/budget-participatif": ("Budgets participatifs : retours d’expériences", "2021-10-07"),
    f"{DRUPAL}/sites/default/files/2021-10/budgets-participatifs.pdf": ("Budgets participatifs : retours d’expériences", "2021-10-07"),
    f"{DRUPAL}/ressources/publications/tranquillite-publique": ("Tranquillité publique et prévention de la délinquance", "2019-01-15"),
    f"{DRUPAL}/sites/default/files/2019-01/tranquillite-publique.pdf": ("Tranquillité publique et prévention de la délinquance", "2019-01-15"),
    f"{JOOMLA}/index.php/publications/12-journee-lodeve": ("Journée régionale des conseils citoyens à Lodève", "2019-11-06"),
    f"{JOOMLA}/images/documents/journee-lodeve.pdf": ("Journée régionale des conseils citoyens à Lodève", "2019-11-06"),
    f"{JOOMLA}/index.php/publications/14-dix-ans": ("Une journée pour imaginer la politique de la ville dans 10 ans", "2020-11-03"),
    f"{JOOMLA}/images/documents/dix-ans.pdf": ("Une journée pour imaginer la politique de la ville dans 10 ans", "2020-11-03"),
    f"{JOOMLA}/index.php/publications/17-seminaire-fse": ("Séminaire : mobiliser le FSE+ dans les quartiers", "2023-04-18"),
    f"{JOOMLA}/images/documents/seminaire-fse.pdf": ("Séminaire : mobiliser le FSE+ dans les quartiers", "2023-04-18"),
}


def test_wordpress_spip_drupal_and_joomla_listings_give_every_publication_its_exact_title_date_and_url(dns, tmp_path):
    with serve({}) as site:
        port = site.server_port
        site.routes.update(cms_routes(port))
        starts = [f"http://{WP}:{port}/categorie/publications/", f"http://{SPIP}:{port}/spip.php?rubrique7",
                  f"http://{DRUPAL}:{port}/ressources/publications", f"http://{JOOMLA}:{port}/index.php/publications"]
        report = harvest(settings_for(tmp_path), starts, tmp_path / "sources")
    assert report.failures == [] and report.listing_pages >= 8
    found = {}
    for host in (WP, SPIP, DRUPAL, JOOMLA):
        for url, row in catalogue(tmp_path / "sources" / "web" / f"{host}-{port}").items():
            found[url.replace(f":{port}", "").removeprefix("http://")] = (row["title"], row["date"])
    assert found == EXPECTED


def test_each_entry_takes_its_date_from_its_own_row_wherever_the_theme_puts_it(dns, tmp_path):
    """A Drupal view of fields (the date after the title link, no heading), Typo3's news list
    (the date before the title) and a Bootstrap row (the date in a sibling column), two pages each."""
    with serve({}) as site:
        port = site.server_port
        site.routes.update({path: Route(body, UTF8) for path, body in more_listings(port).items()})
        for path, (title, _) in MORE_PUBLICATIONS.items():
            site.routes[path] = Route(PDF, "application/pdf") if path.endswith(".pdf") else page(title)
        starts = [f"http://{VIEWS}:{port}/publications", f"http://{TYPO3}:{port}/publications/", f"http://{BADGE}:{port}/ressources"]
        report = harvest(settings_for(tmp_path), starts, tmp_path / "sources")
    assert report.failures == [] and report.listing_pages >= 6
    found = {}
    for host in (VIEWS, TYPO3, BADGE):
        for url, row in catalogue(tmp_path / "sources" / "web" / f"{host}-{port}").items():
            found[url.replace(f":{port}", "").removeprefix("http://")] = (row["title"], row["date"])
    assert found == MORE_PUBLICATIONS


def test_cards_of_the_state_design_system_each_keep_their_own_date():
    """The DSFR's cards (a layout the rule was not written on): the date in the card's end block,
    after the description, three cards in a grid of columns, a dated news list beside them."""
    def card(slug, title, shown):
        return (f'<div class="fr-col-12 fr-col-md-4"><div class="fr-card fr-enlarge-link"><div class="fr-card__body">'
                f'<div class="fr-card__content"><h3 class="fr-card__title"><a href="/publications/{slug}">{title}</a></h3>'
                f'<p class="fr-card__desc">Présentation de la publication.</p><div class="fr-card__start"><ul class="fr-tags-group">'
                f'<li><p class="fr-tag">Publication</p></li></ul></div><div class="fr-card__end"><p class="fr-card__detail">'
                f'Publié le {shown}</p></div></div></div><div class="fr-card__header"><div class="fr-card__img">'
                f'<img src="/img/{slug}.jpg" alt=""></div></div></div></div>')
    page = ("<html><body><main><h1>Publications</h1><div class='fr-grid-row fr-grid-row--gutters'>"
            + card("conseils", "Guide des conseils citoyens", "3 mars 2021") + card("rapport", "Rapport annuel", "12 juin 2022")
            + card("qpv", "Fiche QPV", "1er janvier 2020") + "</div></main><aside><h2>Actualités</h2><ul>"
            "<li><a href='/actualites/x'>Assemblée générale</a> <span>5 mai 2024</span></li>"
            "<li><a href='/actualites/y'>Nouveau site</a> <span>6 mai 2024</span></li></ul></aside></body></html>")
    entries = {link.url.rsplit("/", 1)[1]: (link.entry.title, link.entry.date)
               for link in read_listing(page.encode(), "https://exemple.fr/publications/", UTF8)}
    assert entries == {"conseils": ("Guide des conseils citoyens", "2021-03-03"), "rapport": ("Rapport annuel", "2022-06-12"),
                       "qpv": ("Fiche QPV", "2020-01-01"), "x": ("Assemblée générale", "2024-05-05"),
                       "y": ("Nouveau site", "2024-05-06")}


def test_a_listing_without_any_charset_declaration_is_read_as_utf8():
    raw = wordpress(80, 1).encode("utf-8")
    assert b"charset" not in raw
    titles = {link.entry.title for link in read_listing(raw, f"http://{WP}/categorie/publications/", "text/html")}
    assert "Intégrer l’égalité femmes-hommes dans les contrats de ville" in titles
    assert not any("Ã" in t for t in titles)


@pytest.mark.parametrize("content_type, declaration", [
    ("text/html", ""),  # nothing declared, not UTF-8: windows-1252, the web's default for French pages
    ("text/html; charset=none", ""),  # an unknown label falls through the same chain
    ("text/html; charset=iso-8859-1", ""),  # read as windows-1252, as browsers do (’ is 0x92)
    ("text/html", "<meta http-equiv='Content-Type' content='text/html; charset=windows-1252'>"),
])
def test_a_windows_1252_listing_is_read_right_whatever_it_declares(content_type, declaration):
    raw = (f"<html><head>{declaration}</head><body><h2>L’égalité réelle : données à réutiliser</h2>"
           "<a href='/d.pdf'>Accéder</a></body></html>").encode("cp1252")
    [link] = read_listing(raw, "https://exemple.fr/pub/", content_type)
    assert link.entry.title == "L’égalité réelle : données à réutiliser"


def test_the_header_charset_outranks_the_page_and_a_byte_order_mark_outranks_both():
    text = "<html><head><meta charset='iso-8859-15'></head><body><h2>Réussite éducative</h2><a href='/d.pdf'>x</a></body></html>"
    [by_header] = read_listing(text.encode("utf-8"), "https://exemple.fr/", "text/html; charset=utf-8")
    [by_bom] = read_listing(b"\xef\xbb\xbf" + text.encode("utf-8"), "https://exemple.fr/", "text/html; charset=iso-8859-15")
    assert by_header.entry.title == by_bom.entry.title == "Réussite éducative"


def test_a_saved_page_declaring_its_charset_in_a_meta_tag_is_read_with_it():
    raw = ("<html><head><meta http-equiv='Content-Type' content='text/html; charset=iso-8859-15'>"
           "<title>Économie sociale et solidaire</title></head><body><main><h1>Économie sociale et solidaire</h1>"
           "<p>Le budget est de 500 € pour les associations de quartier, pour l'année entière.</p></main></body></html>"
           ).encode("iso-8859-15")
    unit, meta = load_html(raw, "page.html")
    assert meta.title == "Économie sociale et solidaire" and "500 €" in unit.text


def test_a_harvested_page_is_kept_as_it_was_served_whatever_its_header_said(dns, tmp_path):
    body = "<html><head><title>Cités éducatives</title></head><body><main><h1>Cités éducatives</h1><p>Écoles, collèges.</p></main></body></html>"
    listing = ("<html><body><h2>Cités éducatives</h2><a href='/publications/cites/'>Lire</a></body></html>").encode("utf-8")
    with serve({"/publications/": Route(listing, UTF8),
                "/publications/cites/": Route(body.encode("iso-8859-1"), "text/html; charset=iso-8859-1")}) as site:
        harvest(settings_for(tmp_path), [f"http://www.centre-test.fr:{site.server_port}/publications/"], tmp_path / "sources")
    saved = (tmp_path / "sources" / "web" / f"www.centre-test.fr-{site.server_port}" / "publications" / "cites.html").read_bytes()
    _, meta = load_html(saved, "cites.html")
    assert meta.title == "Cités éducatives"


def test_sitemaps_and_feeds_find_publications_beyond_the_listing_pages_read(dns, tmp_path):
    listing = ("<html><head><meta charset='utf-8'><link rel='alternate' type='application/rss+xml' href='/publications/feed/'>"
               "</head><body><h2>Premier guide</h2><a href='/docs/premier.pdf'>Télécharger</a>"
               "<a rel='next' href='/publications/page/2/'>Page suivante</a></body></html>").encode()
    feed = ("<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>Publications</title>"
            "<item><title>Webinaire : l’égalité dans les quartiers</title><link>http://www.centre-test.fr:{port}/publications/webinaire-egalite/</link>"
            "<pubDate>Thu, 25 Mar 2021 10:00:00 +0100</pubDate><description>&lt;p&gt;La synthèse du webinaire.&lt;/p&gt;</description>"
            "<enclosure url='http://www.centre-test.fr:{port}/docs/webinaire-egalite.pdf' length='1000' type='application/pdf'/></item>"
            "</channel></rss>")
    sitemap = ("<?xml version='1.0' encoding='UTF-8'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
               "<url><loc>http://www.centre-test.fr:{port}/publications/ancien-dossier/</loc></url>"
               "<url><loc>http://www.centre-test.fr:{port}/publications/page/2/</loc></url>"
               "<url><loc>http://www.centre-test.fr:{port}/mentions-legales/</loc></url>"
               "<url><loc>http://www.autre-test.fr:{port}/publications/ailleurs/</loc></url></urlset>")
    with serve({}) as site:
        port = site.server_port
        site.routes.update({
            "/robots.txt": Route(f"User-agent: *\nSitemap: http://www.centre-test.fr:{port}/sitemap_index.xml\n".encode(), "text/plain"),
            "/sitemap_index.xml": Route((f"<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                                        f"<sitemap><loc>http://www.centre-test.fr:{port}/post-sitemap.xml</loc></sitemap></sitemapindex>").encode(),
                                       "application/xml"),
            "/post-sitemap.xml": Route(sitemap.format(port=port).encode(), "application/xml"),
            "/publications/": Route(listing, UTF8), "/publications/feed/": Route(feed.format(port=port).encode(), "application/rss+xml"),
            "/docs/premier.pdf": Route(PDF, "application/pdf"), "/docs/webinaire-egalite.pdf": Route(PDF, "application/pdf"),
            "/publications/webinaire-egalite/": page("Webinaire"), "/publications/ancien-dossier/": page("Ancien dossier"),
        })
        report = harvest(settings_for(tmp_path, harvest_max_pages=1), [f"http://www.centre-test.fr:{port}/publications/"],
                         tmp_path / "sources")
        asked = {path for _, path, _ in site.hits}
    assert report.failures == [] and report.discovered == 3
    rows = catalogue(tmp_path / "sources" / "web" / f"www.centre-test.fr-{port}")
    base = f"http://www.centre-test.fr:{port}"
    assert set(rows) == {f"{base}/docs/premier.pdf", f"{base}/docs/webinaire-egalite.pdf",
                         f"{base}/publications/webinaire-egalite/", f"{base}/publications/ancien-dossier/"}
    webinar = rows[f"{base}/docs/webinaire-egalite.pdf"]
    assert (webinar["title"], webinar["date"]) == ("Webinaire : l’égalité dans les quartiers", "2021-03-25")
    assert webinar["description"] == "La synthèse du webinaire."
    assert "/mentions-legales/" not in asked and "/publications/page/2/" not in asked  # outside the path; a listing page


@pytest.mark.parametrize("url, start, same", [
    ("https://media.centre.fr/a.pdf", "https://www.centre.fr/publications/", True),
    ("https://www.centre.xyz/a.pdf", "https://www.centre.fr/publications/", False),
    ("https://travail-emploi.gouv.fr/a.pdf", "https://www.cohesion-territoires.gouv.fr/p/", False),
    ("https://www.ville.lyon.fr/a.pdf", "https://www.centre.lyon.fr/p/", True),
    ("https://centre.github.io/a.pdf", "https://autre.github.io/p/", False),  # a private suffix of the list
    ("http://127.0.0.1:8001/a.pdf", "http://127.0.0.1:8000/p/", True),
    ("http://10.0.0.2/a.pdf", "http://10.0.0.1/p/", False),
    ("ftp://www.centre.fr/a.pdf", "https://www.centre.fr/p/", False),
])
def test_same_site_is_the_same_registrable_domain(url, start, same):
    assert same_site(url, start) is same


def test_a_host_staff_add_counts_as_the_site():
    assert same_site("https://fichiers.ressources-ville.org/a.pdf", "https://www.centre.fr/p/", ["ressources-ville.org"])
    assert not same_site("https://fichiers.ressources-ville.org/a.pdf", "https://www.centre.fr/p/", ["autre.org"])


def test_two_hosts_with_the_same_path_keep_two_files_and_withdrawing_one_keeps_the_other(dns, tmp_path):
    other = (CORPUS / "etalab-guides" / "guide-logiciels.pdf").read_bytes()
    listing = ("<html><body><h2>Guide du centre</h2><a href='/docs/guide.pdf'>PDF</a>"
               "<h2>Guide des fichiers</h2><a href='http://media.centre-test.fr:{port}/docs/guide.pdf'>PDF</a></body></html>")
    with serve({}) as site:
        port = site.server_port
        site.routes.update({"www.centre-test.fr/p/": Route(listing.format(port=port).encode(), UTF8),
                            "www.centre-test.fr/docs/guide.pdf": Route(PDF, "application/pdf"),
                            "media.centre-test.fr/docs/guide.pdf": Route(other, "application/pdf")})
        start = [f"http://www.centre-test.fr:{port}/p/"]
        harvest(settings_for(tmp_path), start, tmp_path / "sources")
        web = tmp_path / "sources" / "web"
        www, media = web / f"www.centre-test.fr-{port}" / "docs" / "guide.pdf", web / f"media.centre-test.fr-{port}" / "docs" / "guide.pdf"
        assert www.read_bytes() == PDF and media.read_bytes() == other
        site.routes["www.centre-test.fr/p/"] = Route(listing.format(port=port).split("<h2>Guide des")[0].encode(), UTF8)
        report = harvest(settings_for(tmp_path), start, tmp_path / "sources")
    assert report.removed == 1 and www.is_file() and not media.exists()


def test_documents_on_a_host_staff_added_are_harvested(dns, tmp_path):
    listing = "<html><body><h2>Rapport annuel</h2><a href='http://www.autre-test.fr:{port}/r.pdf'>PDF</a></body></html>"
    with serve({}) as site:
        port = site.server_port
        site.routes.update({"www.centre-test.fr/p/": Route(listing.format(port=port).encode(), UTF8),
                            "www.autre-test.fr/r.pdf": Route(PDF, "application/pdf")})
        sources = tmp_path / "sources"
        assert harvest(settings_for(tmp_path), [f"http://www.centre-test.fr:{port}/p/"], sources).documents == 0
        save_extra_hosts(sources, ["autre-test.fr"])
        report = harvest(settings_for(tmp_path), [f"http://www.centre-test.fr:{port}/p/"], sources)
    assert report.downloaded == 1
    assert catalogue(sources / "web" / f"www.autre-test.fr-{port}")[f"http://www.autre-test.fr:{port}/r.pdf"]["title"] == "Rapport annuel"


def test_a_document_an_earlier_release_kept_in_another_hosts_folder_moves_to_its_own(dns, tmp_path):
    listing = "<html><body><h2>Guide des fichiers</h2><a href='http://media.centre-test.fr:{port}/docs/guide.pdf'>PDF</a></body></html>"
    with serve({}) as site:
        port = site.server_port
        site.routes.update({"www.centre-test.fr/p/": Route(listing.format(port=port).encode(), UTF8),
                            "media.centre-test.fr/docs/guide.pdf": Route(PDF, "application/pdf")})
        url, media = f"http://www.centre-test.fr:{port}/p/", f"http://media.centre-test.fr:{port}/docs/guide.pdf"
        old = tmp_path / "sources" / "web" / f"www.centre-test.fr-{port}"
        (old / "docs").mkdir(parents=True)
        (old / "docs" / "guide.pdf").write_bytes(PDF)
        (old / ".harvest.json").write_text(json.dumps({media: {  # as the previous release wrote it
            "file": "docs/guide.pdf", "entry": {"title": "Guide des fichiers"}, "url": media, "listing": url,
            "seen": "2026-01-01", "etag": "", "last_modified": ""}}))
        report = harvest(settings_for(tmp_path), [url], tmp_path / "sources")
    assert report.failures == [] and report.downloaded == 1
    assert not (old / "docs" / "guide.pdf").exists() and catalogue(old) == {}
    assert catalogue(tmp_path / "sources" / "web" / f"media.centre-test.fr-{port}")[media]["title"] == "Guide des fichiers"


def test_an_address_too_long_for_a_file_name_is_saved_under_a_shortened_one(dns, tmp_path):
    name = "rapport-" + "tres-" * 80 + "long.pdf"
    listing = f"<html><body><h2>Rapport très long</h2><a href='/docs/{name}'>PDF</a></body></html>"
    with serve({"/p/": Route(listing.encode(), UTF8), f"/docs/{name}": Route(PDF, "application/pdf")}) as site:
        report = harvest(settings_for(tmp_path), [f"http://www.centre-test.fr:{site.server_port}/p/"], tmp_path / "sources")
    assert report.failures == [] and report.downloaded == 1
    [row] = catalogue(tmp_path / "sources" / "web" / f"www.centre-test.fr-{site.server_port}").values()
    assert row["title"] == "Rapport très long" and len(row["file"].rsplit("/", 1)[1]) <= 120


def test_pages_saved_from_another_cms_decode_without_mojibake_and_carry_their_catalogue_titles():
    """The labour ministry's pages (a CMS we did not write), as saved, with no HTTP header."""
    from ingest.encoding import decode_html
    folder = CORPUS / "fiches-travail"
    with open(folder / "catalogue.csv", encoding="utf-8") as handle:
        titles = {row["file"]: row["title"] for row in csv.DictReader(handle)}
    # (two pages carry mojibake in an image's alt text on the site itself: their <title> is what is checked)
    shown = {name: html.unescape(re.search(r"<title>(.*?)</title>", decode_html((folder / name).read_bytes()), re.S).group(1))
             for name in titles}
    broken = [name for name, title in shown.items() if any(m in title for m in ("Ã", "â€", "\ufffd"))]
    missing = [name for name, title in titles.items() if html.unescape(title) not in shown[name]]
    assert len(titles) > 250 and broken == [] and len(missing) <= len(titles) // 50
