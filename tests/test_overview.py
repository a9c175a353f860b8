"""What Administration says first and how it pages a large collection."""

from __future__ import annotations

from datetime import datetime, timezone

from ingest.overview import harvest_news, page_of, readable_date, search

LAST_NIGHT = {"finished_at": "2026-12-07T02:31:00+00:00", "ok": False,
              "counts": {"downloaded": 3, "unchanged": 120, "removed": 1, "incomplete": 1},
              "failures": [{"url": "https://centre.example/guide.pdf", "reason": "HTTP 503 (server error)"}]}


def test_last_nights_harvest_is_said_in_french_with_each_failure():
    news = harvest_news(LAST_NIGHT, now=datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc))
    assert news.headline.startswith("Cette nuit (7 déc. 2026 à ")
    assert "3 téléchargé(s), 120 inchangé(s), 1 retiré(s), 1 en échec" in news.headline
    assert "1 adresse(s) lue(s) en partie" in news.headline
    assert news.failures == (("https://centre.example/guide.pdf", "HTTP 503 (server error)"),) and not news.ok


def test_an_older_harvest_is_not_called_last_night():
    news = harvest_news(LAST_NIGHT, now=datetime(2026, 12, 10, 8, 0, tzinfo=timezone.utc))
    assert news.headline.startswith("Dernier moissonnage (7 déc. 2026")


def test_no_harvest_no_news():
    assert harvest_news({}) is None


def test_a_date_is_short_enough_for_a_narrow_screen():
    assert readable_date("2026-12-07T22:40:00", with_time=False) == "7 déc. 2026"
    assert readable_date("2026-02-01T08:05:00") == "1 févr. 2026 à 08 h 05"


def test_search_finds_every_word_whatever_the_accents():
    titles = ["Égalité femmes-hommes", "Emploi des jeunes", "L'égalité à l'école"]
    assert search(titles, "egalite", str) == ["Égalité femmes-hommes", "L'égalité à l'école"]
    assert search(titles, "EGALITE ecole", str) == ["L'égalité à l'école"]
    assert search(titles, "", str) == titles


def test_pages_cut_the_list_and_a_page_past_the_end_shows_the_last():
    items = list(range(45))
    assert page_of(items, 1).items == list(range(20)) and page_of(items, 1).pages == 3
    assert page_of(items, 9).items == list(range(40, 45)) and page_of(items, 9).number == 3
    assert page_of([], 1).items == [] and page_of([], 1).pages == 1
