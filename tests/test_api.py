"""The HTTP API, driven by the clients that use it: httpx for the JSON routes and the official
``openai`` package for the OpenAI-compatible one, against the running app on a free port."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import openai
import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.routing import Mount

from retrieval.index import IndexHandle
from retrieval.respond import respond
from retrieval.search import Searcher
from api.guards import Access
from api.json_api import json_api
from drive import browser, free_port, running_ui
from api.openai_api import openai_api
from retrieval.output import search_json

QUESTION = "Comment intégrer l'égalité femmes-hommes dans nos actions ?"
KEY, OTHER_KEY, LIMITED_KEY = "cle-essai", "cle-site", "cle-limitee"
LIMIT = 40  # per minute and key: above what the other tests send with one key
ALLOWED_ORIGIN = f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="module")
def app_url(seed_index):
    env = {"BOUSSOLE_API_KEYS": f"{KEY},{OTHER_KEY},{LIMITED_KEY}", "BOUSSOLE_CORS_ORIGINS": ALLOWED_ORIGIN,
           "BOUSSOLE_API_RATE_LIMIT": f"{LIMIT}/minute"}
    with running_ui(seed_index.index_path, env) as url:
        yield url


@pytest.fixture(scope="module")
def http(app_url):
    with httpx.Client(base_url=app_url, headers={"Authorization": f"Bearer {KEY}"}, timeout=120) as client:
        yield client


@pytest.fixture(scope="module")
def client(app_url):
    return openai.OpenAI(base_url=f"{app_url}/v1", api_key=OTHER_KEY, timeout=120, max_retries=0)


def without_scores(payload: dict) -> dict:
    return {**payload, "results": [{k: v for k, v in r.items() if k != "score"} for r in payload["results"]]}


def test_search_answers_with_the_json_of_the_cli(http, seed_searcher):
    served = http.get("/api/v1/search", params={"q": QUESTION, "k": 3})
    assert served.status_code == 200
    expected = search_json(seed_searcher.search(QUESTION, k=3))
    assert without_scores(served.json()) == without_scores(expected)
    assert [r["score"] for r in served.json()["results"]] == pytest.approx(
        [r["score"] for r in expected["results"]], abs=1e-3)


def test_search_applies_the_filters_it_is_given(http):
    served = http.get("/api/v1/search", params={"q": QUESTION, "type": "webinaire"}).json()
    assert served["results"] and {r["type"] for r in served["results"]} == {"webinaire"}


def test_ask_reads_a_follow_up_in_its_conversation(http, seed_index, seed_searcher):
    conversation = ["Comment favoriser l'accès à la culture en QPV ?"]
    served = http.post("/api/v1/ask", json={"question": "et pour les jeunes ?", "k": 3,
                                            "conversation": conversation})
    assert served.status_code == 200
    expected = respond(seed_index, seed_searcher, "et pour les jeunes ?", k=3, previous=conversation).to_json()
    assert served.json()["contact"] == ""
    assert served.json()["answer"] == expected["answer"]
    assert [c["doc_id"] for c in served.json()["citations"]] == [c["doc_id"] for c in expected["citations"]]


def test_documents_come_by_pages_with_a_link_into_the_app(http, app_url, seed_searcher):
    first = http.get("/api/v1/documents", params={"per_page": 4}).json()
    second = http.get("/api/v1/documents", params={"per_page": 4, "page": 2}).json()
    indexed = seed_searcher.handle.get().documents
    assert first["total"] == len(indexed) and first["pages"] == -(-len(indexed) // 4)
    ids = [d["doc_id"] for d in first["documents"]] + [d["doc_id"] for d in second["documents"]]
    assert len(ids) == len(set(ids)) == 8 and set(ids) <= set(indexed)
    assert first["documents"][0]["link"] == f"{app_url}/document?doc={first['documents'][0]['doc_id']}"


def test_health_names_the_build_served_without_a_key(app_url, seed_index):
    health = httpx.get(f"{app_url}/api/v1/health").json()
    from core.store import current_build
    assert health["status"] == "ok" and health["build"] == current_build(seed_index.index_path).name
    assert health["documents"] == 10 and health["model"] == "intfloat/multilingual-e5-small"


def test_the_openapi_description_is_generated_from_the_routes(http):
    paths = http.get("/api/v1/openapi.json").json()["paths"]
    assert {"/search", "/ask", "/documents", "/health"} <= set(paths)
    assert "k" in {p["name"] for p in paths["/search"]["get"]["parameters"]}


@pytest.mark.parametrize("params, param", [({"k": 3}, "q"), ({"q": "x", "k": 0}, "k"), ({"q": "x", "k": "dix"}, "k"),
                                           ({"q": "x", "since": "hier"}, "since"), ({"q": ""}, "q")])
def test_a_bad_parameter_is_a_400_naming_it_in_french(http, params, param):
    served = http.get("/api/v1/search", params=params)
    assert served.status_code == 400
    error = served.json()["error"]
    assert error["param"] == param and "Paramètre invalide" in error["message"]


def test_a_malformed_body_is_a_400_and_never_a_stack_trace(http):
    served = http.post("/api/v1/ask", content=b"{pas du json", headers={"Content-Type": "application/json"})
    assert served.status_code == 400 and "Traceback" not in served.text
    assert served.json()["error"]["code"] == "invalid_parameter"


def test_an_unknown_address_is_a_json_404(http):
    served = http.get("/api/v1/inconnue")
    assert served.status_code == 404 and served.json()["error"]["message"] == "Adresse inconnue de l'API."


@pytest.mark.parametrize("authorization", [None, "Bearer mauvaise-cle", f"Basic {KEY}"])
def test_a_missing_or_wrong_key_is_refused(app_url, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    served = httpx.get(f"{app_url}/api/v1/search", params={"q": QUESTION}, headers=headers)
    assert served.status_code == 401 and served.headers["www-authenticate"] == "Bearer"
    assert "Clé d'API" in served.json()["error"]["message"]


def test_a_key_over_its_rate_limit_waits_with_retry_after(app_url, http):
    limited = {"Authorization": f"Bearer {LIMITED_KEY}"}
    statuses = [httpx.get(f"{app_url}/api/v1/documents", headers=limited).status_code for _ in range(LIMIT)]
    refused = httpx.get(f"{app_url}/api/v1/documents", headers=limited)
    assert statuses == [200] * LIMIT
    assert refused.status_code == 429 and 1 <= int(refused.headers["retry-after"]) <= 60
    assert "Trop de requêtes" in refused.json()["error"]["message"]
    assert http.get("/api/v1/documents").status_code == 200  # other keys are counted apart


def test_cors_allows_the_configured_origin_only(app_url, http):
    allowed = http.get("/api/v1/search", params={"q": QUESTION}, headers={"Origin": ALLOWED_ORIGIN})
    other = http.get("/api/v1/search", params={"q": QUESTION}, headers={"Origin": "http://autre.example"})
    preflight = httpx.options(f"{app_url}/api/v1/search", headers={
        "Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization"})
    assert allowed.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "access-control-allow-origin" not in other.headers
    assert preflight.status_code == 200 and "authorization" in preflight.headers["access-control-allow-headers"].lower()


def test_the_openai_client_lists_the_boussole_model(client):
    assert [m.id for m in client.models.list()] == ["boussole"]


def test_the_openai_client_gets_the_verified_answer_and_its_numbered_sources(client, app_url, http):
    reply = client.chat.completions.create(model="boussole", messages=[{"role": "user", "content": QUESTION}])
    content = reply.choices[0].message.content
    answer, sources = content.split("\n\nSources :\n")
    assert answer == http.post("/api/v1/ask", json={"question": QUESTION}).json()["answer"]
    first = sources.splitlines()[0]
    assert first.startswith("[1] Intégrer l’égalité femmes-hommes") and f" — {app_url}/document?doc=" in first
    assert reply.choices[0].finish_reason == "stop" and reply.model == "boussole"


def test_the_streamed_answer_is_the_same_text_in_server_sent_events(client):
    messages = [{"role": "user", "content": QUESTION}]
    whole = client.chat.completions.create(model="boussole", messages=messages).choices[0].message.content
    chunks = list(client.chat.completions.create(model="boussole", messages=messages, stream=True))
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == whole
    assert chunks[0].choices[0].delta.role == "assistant" and chunks[-1].choices[0].finish_reason == "stop"


def test_earlier_user_messages_are_the_conversation(client, http):
    earlier = "Comment favoriser l'accès à la culture en QPV ?"
    reply = client.chat.completions.create(model="boussole", messages=[
        {"role": "user", "content": earlier}, {"role": "assistant", "content": "…"},
        {"role": "user", "content": [{"type": "text", "text": "et pour les jeunes ?"}]}])
    asked = http.post("/api/v1/ask", json={"question": "et pour les jeunes ?", "conversation": [earlier]}).json()
    assert reply.choices[0].message.content.startswith(asked["answer"])


def test_another_model_name_is_a_404_in_openai_format(client):
    with pytest.raises(openai.NotFoundError) as raised:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": QUESTION}])
    assert raised.value.body["code"] == "model_not_found" and "boussole" in raised.value.body["message"]


def test_the_openai_client_with_a_wrong_key_is_refused(app_url):
    wrong = openai.OpenAI(base_url=f"{app_url}/v1", api_key="mauvaise", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        wrong.models.list()


def test_without_an_index_the_api_answers_503(settings, embedder):
    searcher = Searcher(settings, embedder, IndexHandle(settings.index_path))
    access = Access.from_settings("", "100/minute")
    app = Starlette(routes=[Mount("/api/v1", json_api(settings, access, lambda: searcher)),
                            Mount("/v1", openai_api(settings, access, lambda: searcher))])
    with TestClient(app) as local:
        health = local.get("/api/v1/health")
        search = local.get("/api/v1/search", params={"q": QUESTION})
        chat = local.post("/v1/chat/completions", json={"model": "boussole", "messages": [
            {"role": "user", "content": QUESTION}], "stream": True})
    assert health.status_code == search.status_code == chat.status_code == 503
    assert "boussole ingest" in search.json()["error"]["message"]


def test_an_llm_answer_streams_one_verified_sentence_per_event(mixed_index, embedder, llm_server):
    settings = mixed_index.with_(llm_url=f"http://127.0.0.1:{llm_server.server_port}", llm_model="m",
                                 llm_timeout=5.0)
    searcher = Searcher(settings, embedder, IndexHandle(settings.index_path))
    app = Starlette(routes=[Mount("/v1", openai_api(settings, Access.from_settings("", "100/minute"),
                                                    lambda: searcher))])
    with TestClient(app) as local, local.stream("POST", "/v1/chat/completions", json={
            "model": "boussole", "stream": True, "messages": [{"role": "user", "content": QUESTION}]}) as served:
        events = [line for line in served.iter_lines() if line.startswith("data: {")]
    contents = [httpx.Response(200, content=e[6:]).json()["choices"][0]["delta"].get("content") for e in events]
    # role, each verified sentence as it came, then the sources, then the stop
    assert contents[1].startswith("Le centre de ressources a conçu") and contents[1].endswith("[1]")
    assert contents[2].startswith(" Ce guide contient") and contents[3].startswith("\n\nSources :\n[1] ")
    assert contents[-1] is None and len(contents) == 5


SITE_PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Centre de ressources</title></head>
<body><main><h1>Nos ressources</h1><div data-boussole-recherche></div></main>
<script src="{app}/api/v1/boussole-recherche.js" data-key="{key}" data-k="3" defer></script></body></html>"""


@contextmanager
def website(port: int, page: str):
    """The resource centre's own site, on another origin than the app."""
    class Site(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page.encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()


def search_from_the_site(b, site: str) -> tuple:
    page = b.new_page()
    page.goto(site)
    page.keyboard.press("Tab")  # the keyboard reaches the box first
    assert page.evaluate("document.activeElement.type") == "search"
    page.keyboard.type("égalité femmes-hommes")
    page.keyboard.press("Enter")
    status = page.get_by_role("status")
    page.wait_for_function("!document.querySelector('[role=status]').textContent.includes('en cours')")
    return page, status.inner_text()


@pytest.mark.browser
def test_the_search_box_of_the_centre_s_site_shows_results_linking_into_the_app(app_url):
    page_html = SITE_PAGE.format(app=app_url, key=OTHER_KEY)
    with website(int(ALLOWED_ORIGIN.rsplit(":", 1)[1]), page_html) as site, browser() as b:
        page, status = search_from_the_site(b, site)
        assert page.get_by_label("Rechercher dans les ressources politique de la ville").count() == 1
        results = page.get_by_role("list", name="Résultats de la recherche").get_by_role("link")
        assert status == f"{results.count()} passages trouvés." and results.count() == 3
        assert results.first.inner_text().startswith("Intégrer l’égalité femmes-hommes")
        assert results.first.get_attribute("href").startswith(f"{app_url}/document?doc=")
        page.keyboard.press("Tab")  # from the button to the first result
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == results.first.inner_text()


@pytest.mark.browser
def test_the_search_box_on_a_site_not_allowed_says_it_cannot_reach_boussole(app_url):
    with website(free_port(), SITE_PAGE.format(app=app_url, key=OTHER_KEY)) as site, browser() as b:
        page, status = search_from_the_site(b, site)
        assert "n'a pas pu joindre Boussole" in status
        assert page.get_by_role("list", name="Résultats de la recherche").get_by_role("listitem").count() == 0


def scraped(http) -> dict[tuple[str, tuple], float]:
    from prometheus_client.parser import text_string_to_metric_families
    served = http.get("/metrics")
    assert served.status_code == 200 and served.headers["content-type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(served.text) for s in family.samples}


def test_metrics_need_the_api_key(app_url):
    assert httpx.get(f"{app_url}/metrics").status_code == 401


def test_metrics_count_answers_and_requests_as_they_arrive(http):
    answered = ("boussole_answers_total", (("channel", "api"), ("outcome", "answered")))
    declined = ("boussole_answers_total", (("channel", "api"), ("outcome", "declined")))
    api_ok = ("boussole_http_requests_total", (("route", "api"), ("status", "2xx")))
    before = scraped(http)
    http.post("/api/v1/ask", json={"question": QUESTION, "k": 3})
    http.post("/api/v1/ask", json={"question": "Quelle est la recette de la ratatouille ?", "k": 3})
    after = scraped(http)
    assert after[answered] == before.get(answered, 0) + 1
    assert after[declined] == before.get(declined, 0) + 1
    assert after[api_ok] >= before.get(api_ok, 0) + 2
    assert after[("boussole_index_documents", ())] == 10


def test_the_last_harvest_is_in_the_metrics_and_the_health_check_without_its_addresses(http, app_url, seed_index):
    from core.store import LAST_HARVEST, write_last_harvest
    write_last_harvest(seed_index.index_path, {
        "finished_at": "2026-12-07T02:31:00+00:00", "ok": False, "summary": "…",
        "failures": [{"url": "https://centre.example/secret-path.pdf", "reason": "HTTP 503"}]})
    try:
        metrics = scraped(http)
        health = httpx.get(f"{app_url}/api/v1/health")
    finally:
        (seed_index.index_path / LAST_HARVEST).unlink()
    assert metrics[("boussole_last_harvest_success", ())] == 0
    assert metrics[("boussole_last_harvest_failures", ())] == 1
    assert health.json()["last_harvest"] == {"finished_at": "2026-12-07T02:31:00+00:00", "ok": False, "failures": 1}
    assert "secret-path" not in health.text
