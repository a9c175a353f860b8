"""The `boussole` command, through Click's CliRunner, on real indexes."""

import json

import pytest
from click.testing import CliRunner
from conftest import ROOT

from retrieval.index import Index
from cli.main import main

DEV_SET = ROOT / "data" / "eval" / "questions.jsonl"


@pytest.fixture
def run(base_settings, monkeypatch):
    monkeypatch.setenv("BOUSSOLE_MODEL_DIR", str(base_settings.model_dir))

    def invoke(*args):
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return invoke


def test_ingest_prints_the_summary_line_and_each_failure(run, tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "note.md").write_text("# Note\n\nLes conseils citoyens participent au contrat de ville.", encoding="utf-8")
    (folder / "vide.pdf").write_bytes(b"")
    result = run("ingest", folder, "--index", tmp_path / "index")
    assert result.exit_code == 0, result.output
    assert "added 1, updated 0, unchanged 0, removed 0, failed 1" in result.output
    assert f"failed: {folder / 'vide.pdf'}: " in result.output and "empty" in result.output


def test_search_json_has_the_stable_schema(run, seed_index):
    result = run("search", "Comment intégrer l'égalité femmes-hommes ?", "--index", seed_index.index_path,
                 "-k", 3, "--json")
    payload = json.loads(result.stdout)
    assert payload["query"] == "Comment intégrer l'égalité femmes-hommes ?" and payload["no_answer"] is False
    assert len(payload["results"]) == 3
    first = payload["results"][0]
    assert set(first) == {"rank", "score", "doc_id", "title", "source", "url", "page", "section",
                          "date", "type", "themes", "text", "passage"}
    record = Index.open(seed_index.index_path).passages([first["passage"]])[first["passage"]]
    assert (record.doc_id, record.text) == (first["doc_id"], first["text"])  # the id the page route takes
    assert first["source"] == "guide-egalite-femmes-hommes.txt" and first["themes"][0] == "égalité femmes-hommes"


def test_search_filters_from_the_command_line(run, seed_index):
    result = run("search", "les questions éducatives dans les quartiers", "--index", seed_index.index_path,
                 "--type", "dossier", "--json")
    results = json.loads(result.stdout)["results"]
    assert results and {r["type"] for r in results} == {"dossier"}


def test_search_without_an_index_fails_in_french(run, tmp_path):
    result = CliRunner().invoke(main, ["search", "emploi", "--index", str(tmp_path / "rien")])
    assert result.exit_code == 1
    assert "Aucun index" in result.output


def test_eval_on_the_dev_set_meets_its_thresholds(run, seed_index):
    result = run("eval", DEV_SET, "--index", seed_index.index_path, "--json")
    report = json.loads(result.stdout)
    metrics = report["metrics"]
    assert metrics["questions"] == 30 and metrics["off_topic"] == 10
    assert metrics["recall@5"] >= 0.9 and metrics["mrr@10"] >= 0.8, metrics
    assert metrics["declined_off_topic"] >= 8, metrics
    assert metrics["declined_on_topic"] <= 1, metrics
    assert set(report["latency_ms"]) == {"p50", "p95"}
    first = report["questions"][0]
    assert set(first) == {"question", "relevant", "ranked_sources", "no_answer", "answer_found"}
    assert first["ranked_sources"][0] == "guide-egalite-femmes-hommes.txt"


def test_eval_text_output_lists_misses_when_verbose(run, seed_index, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"question": "Comment manger local dans les quartiers ?",
                                     "relevant": ["leviers-emploi-quartiers.txt"]}) + "\n", encoding="utf-8")
    result = run("eval", questions, "--index", seed_index.index_path, "--verbose")
    assert "recall@1" in result.output and "miss" in result.output


def test_ask_json_has_the_answer_schema(run, seed_index):
    result = run("ask", "Comment intégrer l'égalité femmes-hommes dans nos actions ?", "--index",
                 seed_index.index_path, "--json")
    payload = json.loads(result.stdout)
    assert payload["mode"] == "extractive" and payload["no_answer"] is False
    assert set(payload) == {"question", "answer", "shape", "mode", "citations", "no_answer", "notices", "near_misses", "contact"}
    assert set(payload["citations"][0]) == {"n", "doc_id", "title", "source", "url", "page", "section", "text",
                                            "passage"}
    assert "[1]" in payload["answer"]


def test_ask_gives_the_resource_centre_s_contact_when_nothing_answers(run, seed_index, monkeypatch):
    monkeypatch.setenv("BOUSSOLE_CONTACT", "contact@centre.example.org")
    question = "Quelle est la recette de la pâte à crêpes ?"
    text = run("ask", question, "--index", seed_index.index_path)
    payload = json.loads(run("ask", question, "--index", seed_index.index_path, "--json").stdout)
    assert payload["no_answer"] is True and payload["contact"] == "contact@centre.example.org"
    assert "poser votre question au centre de ressources : contact@centre.example.org" in text.stdout


def test_insights_groups_the_kept_questions_with_their_closest_documents(run, seed_index, tmp_path):
    import shutil
    from datetime import date

    from insights.store import InsightStore
    index = tmp_path / "index"
    shutil.copytree(seed_index.index_path, index)
    store = InsightStore(index / "insights.sqlite")
    for question in ("Où trouver un guide sur l'égalité femmes-hommes pour les associations ?",
                     "Un guide égalité femmes-hommes pour une association ?",
                     "Quelle est la recette de la pâte à crêpes ?"):
        store.add(question, "declined", date.today())
    result = run("insights", "--index", index, "--json", "--since", date.today().isoformat())
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["questions"] == 3 and sum(t["size"] for t in report["themes"]) == 3
    equality = next(t for t in report["themes"] if "égalité" in t["theme"])
    assert any("égalité" in title.lower() for title in equality["documents"])
    crepes = next(t for t in report["themes"] if "crêpes" in t["theme"])
    assert crepes["documents"] == []  # « aucun document proche »
