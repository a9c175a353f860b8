"""A harvest withdraws only what a complete read no longer lists: a run capped by --max-pages,
a feed or a sitemap that fails, more sitemaps than the limit, a listing replaced by a maintenance
page each withdraw nothing they did not confirm and say why; the next complete run reconciles;
staff can confirm a real mass withdrawal. Against a real local site."""

import csv
import io

import docx
import pytest
from click.testing import CliRunner
from website import Route, serve

from cli.main import main
from core.settings import Settings
from ingest.harvest import INCOMPLETE, harvest

UTF8 = "text/html; charset=utf-8"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLES = {"a": "Contrats de ville : le guide", "b": "Conseils citoyens, mode d’emploi", "c": "Cités éducatives",
          "d": "Renouvellement urbain", "f": "Webinaire : l’égalité", "s": "Ancien dossier"}


def _docx(title: str) -> bytes:
    document = docx.Document()
    document.add_heading(title, level=1)
    document.add_paragraph(f"{title} : une publication du centre de ressources pour les quartiers prioritaires.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


DOCS = {name: _docx(title) for name, title in TITLES.items()}


def site_routes(port: int, page_one=("a", "b"), page_two=("c",), feed=("f",), sitemaps=(("s",),)) -> dict[str, Route]:
    """A listing on two pages announcing a feed, and a sitemap index (declared in robots.txt)
    nesting one sitemap per group of ``sitemaps``; every document a small Word file."""
    base = f"http://127.0.0.1:{port}"

    def listing(names, following):
        entries = "".join(f"<article><h2>{TITLES[n]}</h2><p>Publié le 12 mai 2022.</p>"
                          f"<a href='/docs/{n}.docx'>Télécharger</a></article>" for n in names)
        more = f"<a rel='next' href='{following}'>Page suivante</a>" if following else ""
        return Route(("<html><head><meta charset='utf-8'><link rel='alternate' type='application/rss+xml' "
                      f"href='/publications/feed/'></head><body><h1>Publications</h1>{entries}{more}</body></html>").encode(), UTF8)

    items = "".join(f"<item><title>{TITLES[n]}</title><link>{base}/docs/{n}.docx</link></item>" for n in feed)
    routes = {
        "/robots.txt": Route(f"User-agent: *\nSitemap: {base}/sitemap-index.xml\n".encode(), "text/plain"),
        "/publications/": listing(page_one, "/publications/page/2/"),
        "/publications/page/2/": listing(page_two, ""),
        "/publications/feed/": Route(f"<?xml version='1.0'?><rss version='2.0'><channel><title>P</title>{items}</channel></rss>".encode(),
                                     "application/rss+xml"),
        "/sitemap-index.xml": Route(("<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                                     + "".join(f"<sitemap><loc>{base}/sitemap-{i}.xml</loc></sitemap>" for i in range(1, len(sitemaps) + 1))
                                     + "</sitemapindex>").encode(), "application/xml"),
    }
    for i, names in enumerate(sitemaps, start=1):
        routes[f"/sitemap-{i}.xml"] = Route(("<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                                             + "".join(f"<url><loc>{base}/docs/{n}.docx</loc></url>" for n in names)
                                             + "</urlset>").encode(), "application/xml")
    routes.update({f"/docs/{name}.docx": Route(body, DOCX) for name, body in DOCS.items()})
    return routes


@pytest.fixture
def site():
    with serve({}) as server:
        server.routes.update(site_routes(server.server_port))
        server.url = f"http://127.0.0.1:{server.server_port}/publications/"
        server.base = f"http://127.0.0.1:{server.server_port}"
        yield server


def settings(tmp_path, **changes) -> Settings:
    return Settings(harvest_allow_private=True, harvest_delay=0, harvest_timeout=2,
                    index_dir=tmp_path / "index").with_(**changes)


def held(tmp_path, site) -> set[str]:
    """The documents the sources hold (by name), as the catalogue lists them and the disk has them."""
    folder = tmp_path / "sources" / "web" / f"127.0.0.1-{site.server_port}"
    with open(folder / "catalogue.csv", encoding="utf-8") as handle:
        files = [row["file"] for row in csv.DictReader(handle)]
    assert all((folder / f).is_file() for f in files)
    return {f.removeprefix("docs/").removesuffix(".docx") for f in files}


def run(tmp_path, site, **changes):
    return harvest(settings(tmp_path, **changes), [site.url], tmp_path / "sources")


def test_a_run_capped_by_max_pages_withdraws_nothing_and_the_next_complete_run_does(site, tmp_path):
    assert run(tmp_path, site).failures == [] and held(tmp_path, site) == {"a", "b", "c", "f", "s"}
    site.routes.update(site_routes(site.server_port, page_one=("a",)))  # the site withdrew b
    capped = run(tmp_path, site, harvest_max_pages=1)
    assert capped.removed == 0 and capped.kept == 2 and held(tmp_path, site) == {"a", "b", "c", "f", "s"}
    assert "--max-pages" in capped.incomplete[site.url][0] and INCOMPLETE in capped.summary()
    complete = run(tmp_path, site)
    assert complete.removed == 1 and complete.incomplete == {} and held(tmp_path, site) == {"a", "c", "f", "s"}


@pytest.mark.parametrize("failing, withdrawn, left", [
    ("/publications/feed/", {"feed": ()}, {"a", "c", "s"}),
    ("/sitemap-1.xml", {"sitemaps": ((),)}, {"a", "c", "f"})])
def test_a_feed_or_sitemap_that_fails_withdraws_nothing_and_says_so(site, tmp_path, failing, withdrawn, left):
    run(tmp_path, site)
    changed = site_routes(site.server_port, page_one=("a",), **withdrawn)  # b and what only it listed withdrawn
    site.routes.update({**changed, failing: Route(b"Service Unavailable", status=503)})
    failed = run(tmp_path, site)
    assert failed.removed == 0 and held(tmp_path, site) == {"a", "b", "c", "f", "s"}
    assert [(f.path, f.reason) for f in failed.failures] == [(site.base + failing, "the server answered HTTP 503")]
    assert f"{site.base}{failing} not read" in " ".join(failed.incomplete[site.url])
    site.routes.update(changed)
    assert run(tmp_path, site).removed == 2 and held(tmp_path, site) == left


def test_more_sitemaps_than_the_limit_withdraw_nothing_they_may_list(site, tmp_path):
    site.routes.update(site_routes(site.server_port, sitemaps=(("s",), ("d",))))
    run(tmp_path, site, harvest_max_sitemaps=3)  # the index and its two sitemaps
    site.routes.update(site_routes(site.server_port, page_one=("a",), sitemaps=(("s",), ("d",))))
    capped = run(tmp_path, site, harvest_max_sitemaps=2)
    assert capped.removed == 0 and held(tmp_path, site) == {"a", "b", "c", "d", "f", "s"}
    assert "more than 2 sitemaps" in capped.incomplete[site.url][0]
    complete = run(tmp_path, site, harvest_max_sitemaps=3)
    assert complete.removed == 1 and held(tmp_path, site) == {"a", "c", "d", "f", "s"}


def test_a_listing_replaced_by_a_maintenance_page_withdraws_nothing_and_fails_its_address(site, tmp_path):
    run(tmp_path, site)
    maintenance = Route("<html><body><h1>Site en maintenance</h1><p>Revenez bientôt.</p></body></html>".encode(), UTF8)
    site.routes["/publications/"] = maintenance  # its sitemaps still answer
    down = run(tmp_path, site)
    assert down.removed == 0 and held(tmp_path, site) == {"a", "b", "c", "f", "s"}
    collapse = next(f for f in down.failures if f.path == site.url)
    assert "0 entries found on its listing pages, 3 at the last complete read" in collapse.reason
    assert down.unconfirmed == [site.url]
    site.routes.update(site_routes(site.server_port, page_one=("a", "b"), page_two=()))  # back, c withdrawn
    back = run(tmp_path, site)
    assert back.failures == [] and back.removed == 1 and held(tmp_path, site) == {"a", "b", "f", "s"}


def test_staff_confirm_a_real_mass_withdrawal(site, tmp_path):
    site.routes.update(site_routes(site.server_port, page_one=("a", "b", "c", "d"), page_two=(), feed=(), sitemaps=((),)))
    run(tmp_path, site)
    site.routes.update(site_routes(site.server_port, page_one=("a",), page_two=(), feed=(), sitemaps=((),)))
    refused = run(tmp_path, site)
    assert refused.removed == 0 and held(tmp_path, site) == {"a", "b", "c", "d"}
    [failure] = refused.failures
    assert failure.path == site.url and "1 entries found on its listing pages, 4 at the last complete read" in failure.reason
    assert "--confirm-withdrawal" in failure.reason and refused.incomplete_lines()[0].endswith(INCOMPLETE)
    confirmed = harvest(settings(tmp_path), [site.url], tmp_path / "sources", confirm_withdrawal=True)
    assert confirmed.failures == [] and confirmed.removed == 3 and held(tmp_path, site) == {"a"}
    assert run(tmp_path, site).failures == []  # the confirmed count is the new reference


def test_the_command_line_confirms_a_mass_withdrawal_and_the_index_follows(site, tmp_path, base_settings, monkeypatch):
    for key, value in {"BOUSSOLE_MODEL_DIR": str(base_settings.model_dir), "BOUSSOLE_HARVEST_ALLOW_PRIVATE": "1",
                       "BOUSSOLE_HARVEST_DELAY": "0", "BOUSSOLE_SOURCES": str(tmp_path / "sources"),
                       "BOUSSOLE_INDEX": str(tmp_path / "index")}.items():
        monkeypatch.setenv(key, value)
    site.routes.update(site_routes(site.server_port, page_one=("a", "b", "c"), page_two=(), feed=(), sitemaps=((),)))
    run(tmp_path, site)
    site.routes.update(site_routes(site.server_port, page_one=("a",), page_two=(), feed=(), sitemaps=((),)))
    assert run(tmp_path, site).unconfirmed == [site.url]
    confirmed = CliRunner().invoke(main, ["harvest", site.url, "--confirm-withdrawal"])
    assert confirmed.exit_code == 0, confirmed.output
    assert "2 removed" in confirmed.output and held(tmp_path, site) == {"a"}
    assert "added 1, updated 0, unchanged 0, removed 0, failed 0" in confirmed.output  # the index holds what is left
