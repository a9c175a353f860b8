"""The deployment the README describes, with its real parts: Debian's nginx (deploy/nginx-boussole.conf)
in front of two replicas started by the systemd unit's own command (deploy/boussole@.service),
on one index, on free ports, torn down at the end."""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest
from conftest import CORPUS, ROOT, SEED

from drive import ask, browser, free_port, open_page, running_server, wait_healthy

pytestmark = pytest.mark.browser
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DEPLOY = ROOT / "deploy"
NEW_DOCUMENT = CORPUS / "loi-ville-2014" / "article-7.md"


def unit_command(port: int) -> list[str]:
    """ExecStart of the systemd unit, for this checkout and port."""
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.read(DEPLOY / "boussole@.service")
    line = unit["Service"]["ExecStart"].replace("%i", str(port))
    command = shlex.split(line)
    assert command[0] == "/opt/boussole/.venv/bin/boussole"
    return [str(Path(sys.executable).with_name("boussole")), *command[1:]]


def nginx_config(folder: Path, listen: int, replicas: list[int]) -> Path:
    """The shipped site file, on test ports, inside a minimal main configuration."""
    site = (DEPLOY / "nginx-boussole.conf").read_text(encoding="utf-8")
    assert "127.0.0.1:8501" in site and "127.0.0.1:8502" in site and "listen 80;" in site
    site = (site.replace("127.0.0.1:8501", f"127.0.0.1:{replicas[0]}")
                .replace("127.0.0.1:8502", f"127.0.0.1:{replicas[1]}")
                .replace("listen 80;", f"listen 127.0.0.1:{listen};"))
    (folder / "site.conf").write_text(site, encoding="utf-8")
    temp = "".join(f"{kind}_temp_path {folder / kind};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main = (f"worker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\n"
            f"events {{ worker_connections 256; }}\n"
            f"http {{\naccess_log off;\n{temp}include {folder / 'site.conf'};\n}}\n")
    (folder / "nginx.conf").write_text(main, encoding="utf-8")
    return folder / "nginx.conf"


@contextmanager
def nginx(config: Path, url: str):
    proc = subprocess.Popen([NGINX, "-c", str(config), "-p", str(config.parent), "-e", str(config.parent / "error.log"),
                             "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(url, proc, seconds=20)
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def deployment(embedder, base_settings, tmp_path_factory, redis_url):
    from ingest.refresh import refresh
    if not Path(NGINX).exists():
        pytest.fail("nginx is missing: `make test` installs Debian's nginx (make nginx)")
    folder = tmp_path_factory.mktemp("deploy")
    sources = folder / "sources"
    shutil.copytree(SEED, sources)
    settings = base_settings.with_(index_dir=folder / "index", sources=sources)
    refresh(settings, embedder=embedder)
    ports, listen = [free_port(), free_port()], free_port()
    # as shipped: the replicas share their guards through Redis
    env = {"BOUSSOLE_SOURCES": str(sources), "BOUSSOLE_API_RATE_LIMIT": f"{API_LIMIT}/minute",
           "BOUSSOLE_STATE_URL": redis_url, "BOUSSOLE_ADMIN_PASSWORD": PASSWORD,
           "STREAMLIT_SERVER_COOKIE_SECRET": "le-meme-secret-pour-les-deux", "BOUSSOLE_INSIGHTS": "1",
           # every question of the tests comes from 127.0.0.1: kept whatever their number
           "BOUSSOLE_INSIGHTS_RATE_LIMIT": "1000/hour"}
    proxy = f"http://127.0.0.1:{listen}"
    with ExitStack() as stack:
        replicas = [stack.enter_context(running_server(unit_command(port), f"http://127.0.0.1:{port}",
                                                       settings.index_path, env)) for port in ports]
        stack.enter_context(nginx(nginx_config(folder, listen, ports), proxy))
        yield proxy, replicas, settings, env, ports


def test_the_proxy_answers_the_health_check_with_the_build_served(deployment):
    proxy, replicas, settings = deployment[:3]
    replicas = [r.url for r in replicas]
    health = httpx.get(f"{proxy}/healthz").json()
    assert health["status"] == "ok" and health["documents"] == 10
    assert all(httpx.get(f"{r}/api/v1/health").json()["build"] == health["build"] for r in replicas)


def test_api_requests_from_one_address_are_shared_by_both_replicas(deployment):
    from benchmarks.load import cpu_seconds
    proxy, replicas = deployment[:2]
    before = [cpu_seconds(r.pid) for r in replicas]
    with httpx.Client(base_url=proxy, timeout=120) as client:  # no cookie, one address: one hash
        for n in range(16):
            client.get("/api/v1/search", params={"q": f"contrat de ville et conseil citoyen {n}"}).raise_for_status()
    spent = [cpu_seconds(r.pid) - b for r, b in zip(replicas, before)]
    assert min(spent) > 0.25 * max(spent), spent


def test_a_question_is_answered_in_the_browser_through_the_proxy(deployment):
    proxy = deployment[0]
    with browser() as b:
        page = b.new_page()
        page.goto(proxy)
        ask(page, "Comment intégrer l'égalité femmes-hommes dans nos actions ?")  # the WebSocket crosses nginx
        card = page.locator("article.bsl-card").first
        assert "égalité" in card.inner_text()
        href = page.get_by_role("link", name="Ouvrir la source").first.get_attribute("href")
        served = page.request.get(proxy + href)
        assert served.status == 200 and served.headers["x-content-type-options"] == "nosniff"


def test_both_replicas_keep_answering_across_an_index_refresh(deployment, embedder):
    from ingest.refresh import refresh
    proxy, replicas, settings = deployment[:3]
    replicas = [r.url for r in replicas]
    statuses: list[int] = []
    stop = threading.Event()

    def ask_continuously():
        with httpx.Client(timeout=60) as client:
            while not stop.is_set():
                for base in [proxy, *replicas]:
                    statuses.append(client.get(f"{base}/api/v1/search",
                                               params={"q": "Qu'est-ce qu'un contrat de ville ?"}).status_code)

    asker = threading.Thread(target=ask_continuously)
    asker.start()
    try:
        time.sleep(1)
        shutil.copy(NEW_DOCUMENT, settings.sources_path / NEW_DOCUMENT.name)
        report = refresh(settings, embedder=embedder)
        assert report.added == 1
        time.sleep(1)
    finally:
        stop.set()
        asker.join()
    assert len(statuses) > 10 and set(statuses) == {200}
    for base in [proxy, *replicas]:  # every replica now serves the new build
        titles = [r["source"] for r in httpx.get(f"{base}/api/v1/search", params={
            "q": "contrat de ville engagements des signataires", "k": 10}, timeout=60).json()["results"]]
        assert NEW_DOCUMENT.name in titles


OFF_TOPIC = ["Comment tricoter une écharpe pour Mme Dupont ?", "Quelle est la recette du couscous de M. Benali ?",
             "Où réparer le vélo de Kofi Mensah ?", "Quel temps fera-t-il demain à Brest ?",
             "Comment dresser un chien qui aboie ?", "Quelle peinture pour un volet en bois ?"]


def test_declined_questions_asked_of_both_replicas_at_once_are_all_kept_scrubbed(deployment):
    from insights.keeping import insight_store
    _, replicas, settings = deployment[:3]
    calls = [(replicas[n % 2].url, question) for n in range(2) for question in OFF_TOPIC]

    def declined(call) -> tuple:
        url, question = call
        reply = httpx.post(f"{url}/api/v1/ask", json={"question": question}, timeout=120)
        return question, reply.status_code, reply.status_code == 200 and reply.json()["no_answer"]

    with ThreadPoolExecutor(len(calls)) as pool:
        replies = list(pool.map(declined, calls))
    assert all(ok for _, _, ok in replies), replies
    kept = [q.text for q in insight_store(settings).since()]
    assert len(kept) == len(calls)  # one SQLite file, two writing processes: none lost
    assert not any(name in text for text in kept for name in ("Dupont", "Benali", "Kofi", "Mensah"))


# --- guards shared by the replicas through Redis (these tests come last: one restarts a replica)

PASSWORD = "le-bon-mot-de-passe"
API_LIMIT = 1000  # per minute and caller: above what the tests before send from one address


def _log_in(page, url: str, password: str) -> str:
    """Type a password on the Administration page; the message it answers with."""
    open_page(page, f"{url}/administration")
    box = page.get_by_label("Mot de passe", exact=True)
    box.wait_for(timeout=60_000)
    box.fill(password)
    page.get_by_role("button", name="Se connecter").click()
    said = page.locator("[data-testid='stAlert']").first
    said.wait_for(timeout=120_000)  # a replica just restarted, on a busy machine, answers its first login slowly
    return said.inner_text()


def test_the_api_limit_holds_across_both_replicas(deployment):
    replicas = deployment[1]
    with httpx.Client(timeout=60) as client:
        statuses = [_call_from(client, replicas[n % 2].url, LIMITED_CLIENT) for n in range(API_LIMIT + 2)]
    assert statuses[:API_LIMIT] == [200] * API_LIMIT and statuses[API_LIMIT:] == [429, 429]


def test_wrong_passwords_spread_over_both_replicas_lock_the_address_out_on_both_even_after_a_restart(deployment):
    _, replicas, settings, env, ports = deployment
    with browser() as b:
        for n in range(5):  # three on one replica, two on the other
            assert "Mot de passe incorrect" in _log_in(b.new_page(), replicas[n % 2].url, "mauvais")
        for replica in replicas:
            assert "Trop d'essais infructueux" in _log_in(b.new_page(), replica.url, PASSWORD)
        os.kill(replicas[1].pid, signal.SIGTERM)
        _wait_closed(ports[1])
        with running_server(unit_command(ports[1]), replicas[1].url, settings.index_path, env) as restarted:
            assert "Trop d'essais infructueux" in _log_in(b.new_page(), restarted.url, PASSWORD)
            assert _call_from(httpx.Client(timeout=60), restarted.url, LIMITED_CLIENT) == 429  # the API's count survived too


LIMITED_CLIENT = "203.0.113.50"  # sent as the proxy would: the replicas trust 127.0.0.1's X-Forwarded-For


def _call_from(http: httpx.Client, url: str, client: str) -> int:
    """A call to a guarded route of the API (the cheapest), as the proxy forwards one from ``client``."""
    return http.get(f"{url}/v1/models", headers={"X-Forwarded-For": client}).status_code


def _wait_closed(port: int) -> None:
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            time.sleep(0.2)
        except OSError:
            return
    raise RuntimeError(f"port {port} still open")
