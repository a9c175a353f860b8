"""Hostile requests against the running server: each is refused with a French 400 or 413
naming its limit, the server keeps answering others, and no answer shows the server's folders."""

from __future__ import annotations

import json
import shutil
import socket
import time
from urllib.parse import urlsplit

import httpx
import pytest
from drive import running_ui
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.routing import Mount

from api.guards import Access
from api.json_api import json_api
from api.openai_api import openai_api, streamed
from core.bounds import (
    MAX_BODY_BYTES,
    MAX_CONTENT_PARTS,
    MAX_CONVERSATION_TURNS,
    MAX_FILTER_CHARS,
    MAX_FILTER_VALUES,
    MAX_MESSAGES,
)
from core.errors import IndexMissing, SettingsError
from core.settings import Settings
from server.files import MAX_WAITING_PAGES, RETRY_AFTER_SECONDS

QUESTION = "Comment intégrer l'égalité femmes-hommes dans nos actions ?"
DECLINED = "Quelle est la recette de la tarte tatin aux pommes caramélisées ?"
KEPT_PER_HOUR = 2


PAGE_LIMIT = 50  # page images a minute per address on the server below


@pytest.fixture(scope="module")
def server(mixed_index):
    """The web app on the mixed index (it holds a real PDF, for page images), keeping declined
    questions; what it keeps is removed at the end (the index is shared by other tests)."""
    env = {"BOUSSOLE_API_RATE_LIMIT": "1000/minute", "BOUSSOLE_PAGE_RATE_LIMIT": f"{PAGE_LIMIT}/minute",
           "BOUSSOLE_INSIGHTS": "1", "BOUSSOLE_INSIGHTS_RATE_LIMIT": f"{KEPT_PER_HOUR}/hour"}
    try:
        with running_ui(mixed_index.index_path, env) as url:
            with httpx.Client(base_url=url, timeout=120) as http:
                yield http
    finally:
        for kept in mixed_index.index_path.glob("insights.sqlite*"):
            kept.unlink()


def still_answering(http: httpx.Client) -> None:
    assert http.get("/api/v1/search", params={"q": QUESTION, "k": 1}).status_code == 200


def refused(answer: httpx.Response, status: int, words: str) -> None:
    assert answer.status_code == status, answer.text
    message = answer.json()["error"]["message"]
    assert words in message
    assert "Requête refusée" in message or "Paramètre invalide" in message


def test_a_question_over_the_limit_is_refused_on_every_route(server):
    long = "égalité " * 200
    refused(server.get("/api/v1/search", params={"q": long}), 400, "au plus 1000 caractères")
    refused(server.post("/api/v1/ask", json={"question": long}), 400, "au plus 1000 caractères")
    refused(server.post("/v1/chat/completions", json={"model": "boussole", "messages": [{"role": "user", "content": long}]}),
            400, "la question dépasse la limite de 1")
    still_answering(server)


def test_a_one_megabyte_question_is_refused_as_too_large_a_body(server):
    refused(server.post("/api/v1/ask", json={"question": "x" * 1_000_000}), 413, "le corps de la requête")
    still_answering(server)


def test_ten_thousand_conversation_turns_are_refused(server):
    answer = server.post("/api/v1/ask", json={"question": QUESTION, "conversation": ["et pour les jeunes ?"] * 10_000})
    refused(answer, 400, f"la conversation dépasse la limite de {MAX_CONVERSATION_TURNS}")
    turn = server.post("/api/v1/ask", json={"question": QUESTION, "conversation": ["x" * 5_000]})
    refused(turn, 400, "une question précédente de la conversation dépasse")
    still_answering(server)


def test_five_thousand_messages_are_refused(server):
    messages = [{"role": "user", "content": "et pour les jeunes ?"}] * 5_000
    refused(server.post("/v1/chat/completions", json={"model": "boussole", "messages": messages}), 400,
            f"« messages » dépasse la limite de {MAX_MESSAGES}")
    still_answering(server)


def _raw_post(base: str, path: str, headers: str, body_chunks) -> str:
    """What the server answers to a body sent by hand (httpx would not send a lying one)."""
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n{headers}\r\n".encode())
        try:
            for chunk in body_chunks:
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server hung up on the body: as it should
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.split(b"\r\n\r\n", 1)[1]) < _length(answer):
            piece = sock.recv(65536)
            if not piece:
                break
            answer += piece
        return answer.decode("utf-8", "replace")


def _length(answer: bytes) -> int:
    for line in answer.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":", 1)[1])
    return 0


def test_a_hundred_megabyte_body_is_refused_before_it_is_read(server):
    announced = _raw_post(str(server.base_url), "/api/v1/ask", f"Content-Length: {100 * 1024 * 1024}\r\n",
                          [b"{" + b" " * 65536])
    assert announced.startswith("HTTP/1.1 413") and "Kio" in announced
    chunked = (f"{len(piece):x}\r\n".encode() + piece + b"\r\n" for piece in [b" " * 65536] * 1600)
    sent_in_chunks = _raw_post(str(server.base_url), "/api/v1/ask", "Transfer-Encoding: chunked\r\n", chunked)
    assert sent_in_chunks.startswith("HTTP/1.1 413")
    still_answering(server)


@pytest.mark.parametrize("params", [{"k": "²"}, {"k": "99999999999999999999"}, {"k": "-1"}])
def test_a_malformed_number_in_the_api_is_a_400(server, params):
    assert server.get("/api/v1/search", params={"q": QUESTION, **params}).status_code == 400


def _local_api(settings: Settings, searcher_of) -> TestClient:
    access = Access.from_settings("", "1000/minute")
    return TestClient(Starlette(routes=[Mount("/api/v1", json_api(settings, access, searcher_of)),
                                        Mount("/v1", openai_api(settings, access, searcher_of))]))


def test_no_answer_names_the_index_folder(tmp_path):
    settings = Settings(index_dir=tmp_path / "secret-index-folder")

    def searcher_of():
        raise IndexMissing(f"no index in {settings.index_path}")
    with _local_api(settings, searcher_of) as client:
        answers = [client.get("/api/v1/health"), client.get("/api/v1/search", params={"q": QUESTION}),
                   client.post("/api/v1/ask", json={"question": QUESTION}), client.get("/api/v1/documents"),
                   client.post("/v1/chat/completions", json={"model": "boussole", "messages": [{"role": "user", "content": QUESTION}]})]
    for answer in answers:
        assert answer.status_code == 503 and "boussole ingest" in answer.json()["error"]["message"]
        assert "secret-index-folder" not in answer.text and str(tmp_path) not in answer.text


def test_a_misconfigured_server_says_so_in_french_with_a_503_and_logs_the_detail(tmp_path, caplog):
    def searcher_of():
        raise SettingsError("BOUSSOLE_MODEL_DIR=/srv/secret/models: no such folder")
    with _local_api(Settings(index_dir=tmp_path), searcher_of) as client:
        answer = client.get("/api/v1/search", params={"q": QUESTION})
    assert answer.status_code == 503 and answer.json()["error"]["code"] == "misconfigured"
    assert "mal configuré" in answer.json()["error"]["message"] and "/srv/secret" not in answer.text
    assert "/srv/secret/models" in caplog.text


def _events(stream) -> list:
    return [line.removeprefix("data: ").strip() for line in stream if line.startswith("data: ")]


def test_a_streamed_answer_whose_generator_raises_ends_with_an_error_event_and_done():
    def breaks(on_sentence):
        on_sentence(type("S", (), {"text": "Une première phrase.", "n": 1})())
        raise RuntimeError("/srv/boussole/data/index: disk I/O error")
    events = _events(streamed(breaks, lambda a: "", "chatcmpl-1", 0))
    assert events[-1] == "[DONE]"
    error = json.loads(events[-2])["error"]
    assert error["message"].startswith("Erreur interne du serveur") and "/srv" not in events[-2]


def test_a_stalled_streamed_answer_is_cut_off_and_frees_its_thread():
    def stalls(on_sentence):
        time.sleep(5)
    started = time.perf_counter()
    events = _events(streamed(stalls, lambda a: "", "chatcmpl-2", 0, stall_seconds=0.5))
    assert time.perf_counter() - started < 3
    assert events[-1] == "[DONE]" and "n'est pas venue en" in json.loads(events[-2])["error"]["message"]


def test_the_body_limit_is_above_the_largest_legitimate_request():
    messages = [{"role": "user" if n % 2 else "assistant", "content": "Une réponse avec ses sources. " * 120}
                for n in range(MAX_MESSAGES)]
    assert len(json.dumps({"model": "boussole", "messages": messages}).encode()) < MAX_BODY_BYTES


# Random JSON, and bodies shaped like the APIs' own with random values where fields go: whatever
# a client sends, the answer is an answer or a 4xx error in OpenAI's shape, never a 500.
_texts = st.text(st.characters(exclude_categories=()), max_size=20) | st.sampled_from(
    ["", " ", "text", "user", "boussole", "2021", "2021-13", "webinaire", "santé", QUESTION])
_json = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | _texts,
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_texts, inner, max_size=3),
                     max_leaves=8)
_filters = st.fixed_dictionaries({}, optional={key: st.lists(_texts, max_size=3) | _json
                                               for key in ("types", "themes", "folders")}
                                 | {"since": _texts | _json, "until": _texts | _json})
_ask_bodies = _json | st.fixed_dictionaries({}, optional={
    "question": _texts | _json, "k": _json, "filters": _json, "conversation": _json}) | st.fixed_dictionaries(
    {"question": _texts}, optional={"k": st.integers(-2, 60), "filters": _filters,
                                    "conversation": st.lists(_texts, max_size=3)})
_parts = st.fixed_dictionaries({"type": st.sampled_from(["text", "image_url"]) | _json, "text": _texts | _json})
_messages = st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant", "system"]) | _json,
                                   "content": _texts | st.lists(_parts, max_size=3) | _json})
_chat_bodies = _json | st.fixed_dictionaries({}, optional={"model": _json, "messages": _json, "stream": _json}) | (
    st.fixed_dictionaries({"model": st.just("boussole"), "messages": st.tuples(
        st.lists(_messages, max_size=2), st.fixed_dictionaries({"role": st.just("user"), "content": _texts}),
    ).map(lambda t: [*t[0], t[1]])}, optional={"stream": st.booleans()}))
_query_texts = st.text(max_size=20) | st.sampled_from(["", "1", "0", "51", "2021", "2021-13", "webinaire", QUESTION])
_search_params = st.lists(st.tuples(st.sampled_from(["q", "k", "type", "theme", "since", "until", "folder", "x"]),
                                    _query_texts), max_size=6)


@pytest.fixture(scope="module")
def local_api(base_settings, seed_index, seed_searcher):
    with _local_api(seed_index, lambda: seed_searcher) as client:
        yield client


def never_a_server_error(answer) -> None:
    event(f"status {answer.status_code}")
    assert answer.status_code < 500, answer.text
    assert "Erreur interne" not in answer.text  # nor inside a stream
    if answer.status_code >= 400:
        assert set(answer.json()["error"]) == {"message", "type", "param", "code"}


def _posted(client, path: str, body) -> httpx.Response:
    # ensure_ascii: lone surrogates and NaN travel as JSON escapes, as a hostile client sends them
    return client.post(path, content=json.dumps(body, ensure_ascii=True), headers={"Content-Type": "application/json"})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_ask_bodies)
def test_no_body_sent_to_ask_gets_a_server_error(local_api, body):
    never_a_server_error(_posted(local_api, "/api/v1/ask", body))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_chat_bodies)
def test_no_body_sent_to_chat_completions_gets_a_server_error(local_api, body):
    never_a_server_error(_posted(local_api, "/v1/chat/completions", body))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=_search_params)
def test_no_search_parameters_get_a_server_error(local_api, params):
    never_a_server_error(local_api.get("/api/v1/search", params=params))


# --- small in bytes, large in work ---------------------------------------------------------

def test_thirty_thousand_types_in_a_body_are_refused_by_their_cap(server):
    types = [f"t{n}" for n in range(30_000)]  # 240 KB: under the body limit
    refused(server.post("/api/v1/ask", json={"question": QUESTION, "filters": {"types": types}}), 400,
            f"le filtre « types » dépasse la limite de {MAX_FILTER_VALUES} valeurs")
    refused(server.post("/api/v1/ask", json={"question": QUESTION, "filters": {"folders": types}}), 400,
            "le filtre « folders » dépasse")
    still_answering(server)


def test_repeated_filter_parameters_are_refused_past_their_cap(server):
    for name in ("type", "theme", "folder"):
        answer = server.get("/api/v1/search", params=[("q", QUESTION)] + [(name, "x")] * (MAX_FILTER_VALUES + 1))
        refused(answer, 400, f"le filtre « {name} » dépasse la limite de {MAX_FILTER_VALUES} valeurs")
    refused(server.get("/api/v1/documents", params={"theme": "é" * (MAX_FILTER_CHARS + 1)}), 400,
            f"une valeur du filtre « theme » dépasse la limite de {MAX_FILTER_CHARS} caractères")


def test_a_filter_list_at_its_cap_still_filters(server):
    types = ["webinaire"] + [f"type inconnu {n}" for n in range(MAX_FILTER_VALUES - 1)]
    found = server.get("/api/v1/search", params=[("q", QUESTION)] + [("type", t) for t in types])
    assert found.status_code == 200 and found.json()["results"]
    assert {r["type"] for r in found.json()["results"]} == {"webinaire"}


def test_filters_are_folded_once_per_request_not_per_document(mixed_index, monkeypatch):
    import retrieval.filters
    from retrieval.filters import Filters
    from retrieval.index import Index
    folded = []
    monkeypatch.setattr(retrieval.filters, "fold", lambda text: folded.append(text) or text.lower())
    index = Index.open(mixed_index.index_path)
    wanted = Filters(types=tuple(f"type {n}" for n in range(MAX_FILTER_VALUES)))
    wanted.passage_mask(index), wanted.passage_mask(index)  # a search reads the filters twice
    assert len(folded) == MAX_FILTER_VALUES + 2 * len(index.doc_ids)  # each document's type, twice


def test_a_text_part_without_text_is_a_400_in_openai_s_shape(server):
    for text in (None, 3, ["a"]):
        answer = server.post("/v1/chat/completions", json={"model": "boussole", "messages": [
            {"role": "user", "content": [{"type": "text", "text": text}]}]})
        assert answer.status_code == 400, answer.text
        assert answer.json()["error"]["param"] == "messages.0.content.0.text"
        assert answer.json()["error"]["type"] == "invalid_request_error"
    refused(server.post("/v1/chat/completions", json={"model": "boussole", "messages": [
        {"role": "user", "content": [{"type": "image_url"}] * (MAX_CONTENT_PARTS + 1)}]}), 400,
        f"le contenu d'un message dépasse la limite de {MAX_CONTENT_PARTS} parties")
    still_answering(server)


# --- page images ---------------------------------------------------------------------------

def _page_addresses(index_path) -> list[str]:
    """Every distinct image of the real PDF: each page alone and with each of its passages."""
    from retrieval.index import Index
    index = Index.open(index_path)
    pdf = next(d for d in index.documents.values() if d.kind == "pdf")
    base = f"/fichiers/{pdf.doc_id}/pages"
    return ([f"{base}/{n}.png" for n in range(1, pdf.pages + 1)]
            + [f"{base}/{p.page}.png?passage={p.id}" for p in index.document_passages(pdf.doc_id) if p.page])


def test_a_flood_of_page_images_gets_503s_and_the_api_keeps_answering(server, mixed_index):
    from concurrent.futures import ThreadPoolExecutor

    from retrieval.index import Index
    shutil.rmtree(Index.open(mixed_index.index_path).build / "pages", ignore_errors=True)  # none drawn yet
    addresses = _page_addresses(mixed_index.index_path)[:60]
    assert len(addresses) > 2 * (MAX_WAITING_PAGES + 2)  # twice what the renderers take at once

    def fetch(n: int) -> httpx.Response:  # each from its own address: the rate limit is not what refuses
        return server.get(addresses[n], headers={"X-Forwarded-For": f"198.51.100.{n + 1}"})
    with ThreadPoolExecutor(len(addresses) + 1) as pool:
        flood = [pool.submit(fetch, n) for n in range(len(addresses))]
        meanwhile = pool.submit(server.get, "/api/v1/search", params={"q": QUESTION, "k": 1}).result()
        answers = [f.result() for f in flood]
    assert meanwhile.status_code == 200
    statuses = [a.status_code for a in answers]
    assert set(statuses) == {200, 503}, statuses
    assert statuses.count(200) >= 2
    assert all(a.headers["retry-after"] == str(RETRY_AFTER_SECONDS) for a in answers if a.status_code == 503)
    assert all(a.headers["content-type"] == "image/png" for a in answers if a.status_code == 200)


def test_page_images_are_limited_per_address(server, mixed_index):
    address = _page_addresses(mixed_index.index_path)[0]
    answers = [server.get(address, headers={"X-Forwarded-For": "203.0.113.77"}) for _ in range(PAGE_LIMIT + 5)]
    statuses = [a.status_code for a in answers]
    assert statuses[:PAGE_LIMIT].count(429) == 0 and statuses[PAGE_LIMIT:] == [429] * 5
    assert int(answers[-1].headers["retry-after"]) > 0 and "Trop de requêtes" in answers[-1].text
    other = server.get(address, headers={"X-Forwarded-For": "203.0.113.78"})
    assert other.status_code in (200, 503)


def test_one_address_gets_so_many_declined_questions_kept(server, mixed_index):
    from insights.store import InsightStore
    kept = InsightStore(mixed_index.index_path / "insights.sqlite")
    before = kept.count()
    for n in range(KEPT_PER_HOUR + 1):
        answer = server.post("/api/v1/ask", json={"question": f"{DECLINED} ({n})"},
                             headers={"X-Forwarded-For": "192.0.2.44"})
        assert answer.status_code == 200 and answer.json()["no_answer"]
    assert kept.count() - before == KEPT_PER_HOUR
    server.post("/api/v1/ask", json={"question": DECLINED}, headers={"X-Forwarded-For": "192.0.2.45"})
    assert kept.count() - before == KEPT_PER_HOUR + 1


def test_a_deeply_nested_body_is_a_french_400(server):
    for path in ("/api/v1/ask", "/v1/chat/completions"):
        answer = server.post(path, content=b"[" * 100_000, headers={"Content-Type": "application/json"})
        assert answer.status_code == 400 and "illisible" in answer.json()["error"]["message"]
