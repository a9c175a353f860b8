"""« Guide de l'équipe » (docs/guide/, mkdocs.yml): it builds with warnings as errors, every page is
French, every message staff can meet has its troubleshooting entry, every setting its row."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import MISSING, fields
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from conftest import ROOT
from core.settings import ENV_PREFIX, Settings
from server.guide import guide_routes
from staff_messages import folded, staff_messages

GUIDE = ROOT / "docs" / "guide"
PAGES = sorted(GUIDE.glob("*.md"))
FRENCH = {"le", "la", "les", "des", "du", "un", "une", "est", "et", "pour", "dans", "sur", "avec", "pas", "qui", "ou"}
ENGLISH = {"the", "and", "is", "of", "to", "with", "for", "this", "that", "are", "not"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("guide")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                          cwd=ROOT, capture_output=True, text=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    assert done.returncode == 0, done.stderr[-3000:]
    return site


def headings(page: str) -> list[str]:
    return [folded(line) for line in (GUIDE / page).read_text(encoding="utf-8").splitlines() if line.startswith("#")]


def test_the_guide_builds_with_warnings_as_errors_and_every_page_in_the_menu(built):
    for page in PAGES:
        assert (built / page.with_suffix(".html").name).exists(), page.name


def test_the_built_guide_is_french_and_fetches_nothing_from_the_internet(built):
    for page in built.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert '<html lang="fr"' in html, page.name
        assert not re.search(r"<(link|script)[^>]+(href|src)=\"https?://", html), page.name


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_page_is_written_in_french(page):
    words = re.findall(r"[a-zàâçéèêëîïôûùüœ']+", re.sub(r"```.*?```|`[^`]*`", " ", page.read_text(encoding="utf-8"),
                                                          flags=re.S).lower())
    french, english = sum(w in FRENCH for w in words), sum(w in ENGLISH for w in words)
    assert french >= 0.12 * len(words) and french > 4 * english, (page.name, french, english, len(words))


def test_every_message_staff_can_see_has_its_troubleshooting_entry():
    entries = headings("depannage.md")
    messages = staff_messages()
    assert len(messages) > 80  # the collector still finds them where they are written

    def has_entry(text: str) -> bool:
        parts = [folded(p).strip() for p in text.split("…")]
        pattern = ".*".join(re.escape(p) for p in parts if p)
        return any(re.search(pattern, entry) for entry in entries)

    missing = [f"{m.where}: {m.text}" for m in messages if not has_entry(m.text)]
    assert missing == [], "add an entry to docs/guide/depannage.md for:\n" + "\n".join(missing)


def test_a_message_added_to_the_code_is_found_by_the_collector(tmp_path):
    (tmp_path / "ingest").mkdir()
    (tmp_path / "ingest" / "nouveau.py").write_text(
        'from core.errors import BoussoleError\n'
        'def f(name):\n'
        '    raise BoussoleError(f"{name}: la pièce jointe est illisible, réessayez")\n', encoding="utf-8")
    assert [m.text for m in staff_messages(tmp_path)] == ["…: la pièce jointe est illisible, réessayez"]


def _default(f) -> str | None:
    value = f.default if f.default is not MISSING else None
    if value is None or isinstance(value, Path) or f.default_factory is not MISSING:
        return None  # a folder of this machine
    if isinstance(value, bool):
        return "1 (oui)" if value else "0 (non)"
    return str(value) if value != "" else "(vide)"


def test_every_setting_has_its_row_with_its_default_in_the_settings_page():
    rows = [line for line in (GUIDE / "reglages.md").read_text(encoding="utf-8").splitlines() if line.startswith("| `")]
    missing = []
    for f in fields(Settings):
        name = ENV_PREFIX + ("INDEX" if f.name == "index_dir" else f.name.upper())
        row = next((r for r in rows if r.startswith(f"| `{name}` |")), None)
        default = _default(f)
        if row is None or (default is not None and f"| {default} |" not in row):
            missing.append(f"{name} (default {default})")
    assert missing == [], "docs/guide/reglages.md lacks or misstates: " + ", ".join(missing)


def test_the_app_serves_the_built_guide_at_slash_guide(built):
    client = TestClient(Starlette(routes=guide_routes(built)))
    page = client.get("/guide/")
    assert page.status_code == 200 and "Guide de l" in page.text
    assert client.get("/guide/depannage.html").status_code == 200
    assert client.get("/guide/captures/question.png").headers["content-type"] == "image/png"


def test_without_a_built_guide_the_app_says_in_french_how_to_build_it(tmp_path):
    answer = TestClient(Starlette(routes=guide_routes(tmp_path / "absent"))).get("/guide/")
    assert answer.status_code == 404 and "make install" in answer.text
