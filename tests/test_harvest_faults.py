"""The harvest on a site with faults of every kind a real web has, and a network that lies:
each failure belongs to one address, the rest goes in, and the guards hold."""

import ipaddress
import socket

import pytest
from click.testing import CliRunner
from faulty_site import MAX_BYTES, PDF, SITE, UTF8, listing, site_routes
from website import Route, fake_dns, serve

from core.settings import Settings
from ingest.fetch import Fetcher, FetchFailed
from ingest.harvest import harvest
from ingest.network import AddressPolicy, AddressRefused, check_address, is_public
from retrieval.index import Index
from cli.main import main


@pytest.fixture
def faulty_site(monkeypatch, base_settings, tmp_path):
    fake_dns(monkeypatch, {SITE: "127.0.0.1", "fichiers.centre-test.fr": None})
    for key, value in {"BOUSSOLE_MODEL_DIR": str(base_settings.model_dir), "BOUSSOLE_HARVEST_ALLOW_NETWORKS": "127.0.0.1/32",
                       "BOUSSOLE_HARVEST_DELAY": "0", "BOUSSOLE_HARVEST_TIMEOUT": "1", "BOUSSOLE_MAX_FILE_BYTES": str(MAX_BYTES),
                       "BOUSSOLE_SOURCES": str(tmp_path / "sources"), "BOUSSOLE_INDEX": str(tmp_path / "index")}.items():
        monkeypatch.setenv(key, value)
    with serve({}) as site:
        routes, faults, good = site_routes(site.server_port)
        site.routes.update(routes)
        site.url, site.faults, site.good = f"http://{SITE}:{site.server_port}/publications/", faults, good
        yield site


def test_a_hundred_publications_with_ten_faults_index_the_ninety_and_report_the_ten(faulty_site, tmp_path):
    result = CliRunner().invoke(main, ["harvest", faulty_site.url], catch_exceptions=False)
    assert result.exit_code == 10, result.output  # a nightly job can alert, and say how many
    assert "100 document(s) on the site, 90 downloaded" in result.output and ", 10 failed (" in result.output
    failed = [line for line in result.output.splitlines() if line.startswith("failed: ")]
    assert len(failed) == 10
    for url, reason, _ in faulty_site.faults:
        assert any(line.startswith(f"failed: {url}: ") and reason in line for line in failed), (url, reason, failed)
    assert "added 90, updated 0, unchanged 0, removed 0, failed 0" in result.output
    index = Index.open(tmp_path / "index")
    titles = {d.title for d in index.documents.values() if d.source.startswith("web/")}
    assert len(titles) == 90 and {title for _, title, _ in faulty_site.good} == titles

    again = CliRunner().invoke(main, ["harvest", faulty_site.url], catch_exceptions=False)
    assert again.exit_code == 10 and "0 downloaded, 90 unchanged" in again.output
    assert "added 0, updated 0, unchanged 90, removed 0, failed 0" in again.output  # failures withdraw nothing


def test_a_name_that_answers_a_public_address_then_a_local_one_is_refused(monkeypatch, tmp_path):
    answers = iter(["93.184.216.34", "127.0.0.1", "127.0.0.1"])
    with serve({"/p/": Route(b"<html><body><h2>Secret</h2></body></html>", UTF8)}) as site:
        fake = lambda host, port: [next(answers)]  # noqa: E731  (a resolver that changes its answer: DNS rebinding)
        check_address(f"http://rebind.example:{site.server_port}/p/", AddressPolicy(), fake)  # the first lookup looks public
        fetcher = Fetcher(Settings(harvest_delay=0, harvest_timeout=2), resolve=fake)
        with pytest.raises(FetchFailed, match=r"private or local network \(127\.0\.0\.1\)"):
            fetcher.get(f"http://rebind.example:{site.server_port}/p/", 10_000)
        fetcher.close()
        assert site.hits == []  # the connection went to the address checked, never to another


@pytest.mark.parametrize("address", ["100.64.0.1", "2002:7f00:1::", "127.0.0.1", "10.1.2.3", "169.254.169.254",
                                     "::1", "fd00::1", "::ffff:127.0.0.1", "64:ff9b::7f00:1", "0.0.0.0", "224.0.0.1"])
def test_an_address_that_is_not_global_is_refused(address):
    assert not is_public(address)
    with pytest.raises(AddressRefused, match="private or local"):
        check_address("http://exemple.test/", AddressPolicy(), lambda host, port: [address])


@pytest.mark.parametrize("address", ["93.184.216.34", "2a01:e0a:1::1", "2002:5db8:d822::"])
def test_a_public_address_is_allowed(address):
    assert is_public(address)


def test_a_robots_txt_answering_503_stops_the_harvest_of_that_site(monkeypatch, tmp_path):
    fake_dns(monkeypatch, {SITE: "127.0.0.1"})
    with serve({"/robots.txt": Route(b"busy", status=503), "/publications/": Route(listing([("/d.pdf", "Guide")], 1, 1), UTF8),
                "/d.pdf": Route(PDF, "application/pdf")}) as site:
        report = harvest(Settings(harvest_allow_networks="127.0.0.1/32", harvest_delay=0, index_dir=tmp_path / "index"),
                         [f"http://{SITE}:{site.server_port}/publications/"], tmp_path / "sources")
        asked = [path for _, path, _ in site.hits]
    assert asked == ["/robots.txt"] and report.documents == 0
    [failure] = report.failures
    assert "robots.txt could not be read (HTTP 503)" in failure.reason and "RFC 9309" in failure.reason


def test_a_missing_robots_txt_allows_everything(monkeypatch, tmp_path):
    fake_dns(monkeypatch, {SITE: "127.0.0.1"})
    with serve({"/publications/": Route(listing([("/d.pdf", "Guide")], 1, 1), UTF8), "/d.pdf": Route(PDF, "application/pdf")}) as site:
        report = harvest(Settings(harvest_allow_networks="127.0.0.1/32", harvest_delay=0, index_dir=tmp_path / "index"),
                         [f"http://{SITE}:{site.server_port}/publications/"], tmp_path / "sources")
    assert report.failures == [] and report.downloaded == 1


def test_a_redirect_into_a_disallowed_path_is_not_followed(monkeypatch, tmp_path):
    fake_dns(monkeypatch, {SITE: "127.0.0.1"})
    with serve({"/robots.txt": Route(b"User-agent: *\nDisallow: /prive/\n", "text/plain"),
                "/publications/": Route(listing([("/d.pdf", "Guide")], 1, 1), UTF8),
                "/d.pdf": Route(status=301, headers={"Location": "/prive/d.pdf"}), "/prive/d.pdf": Route(PDF, "application/pdf")}) as site:
        report = harvest(Settings(harvest_allow_networks="127.0.0.1/32", harvest_delay=0, index_dir=tmp_path / "index"),
                         [f"http://{SITE}:{site.server_port}/publications/"], tmp_path / "sources")
        asked = [path for _, path, _ in site.hits]
    assert "/prive/d.pdf" not in asked
    [failure] = report.failures
    assert "disallowed by the site's robots.txt (redirected to" in failure.reason


def test_a_crawl_delay_longer_than_the_setting_spaces_the_requests(monkeypatch, tmp_path):
    fake_dns(monkeypatch, {SITE: "127.0.0.1"})
    with serve({"/robots.txt": Route(b"User-agent: *\nCrawl-delay: 1\n", "text/plain"),
                "/publications/": Route(listing([("/d.pdf", "Guide")], 1, 1), UTF8), "/d.pdf": Route(PDF, "application/pdf")}) as site:
        harvest(Settings(harvest_allow_networks="127.0.0.1/32", harvest_delay=0, index_dir=tmp_path / "index"),
                [f"http://{SITE}:{site.server_port}/publications/"], tmp_path / "sources")
        times = [t for _, path, t in site.hits if path in ("/publications/", "/d.pdf")]
    assert len(times) == 2 and times[1] - times[0] >= 0.95


def test_the_system_resolver_is_the_one_consulted(monkeypatch):
    asked = []
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: asked.append(host) or
                        [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))])
    with pytest.raises(AddressRefused):
        check_address("https://intranet.exemple.fr/", AddressPolicy())
    check_address("https://intranet.exemple.fr/", AddressPolicy(networks=(ipaddress.ip_network("10.0.0.0/8"),)))
    assert asked == ["intranet.exemple.fr", "intranet.exemple.fr"]


def test_the_address_policy_reads_the_allowed_networks_from_the_settings():
    policy = AddressPolicy.from_settings(Settings(harvest_allow_networks="10.1.0.0/16, 192.168.1.5"))
    assert policy.permits("10.1.2.3") and policy.permits("192.168.1.5") and not policy.permits("10.2.0.1")
