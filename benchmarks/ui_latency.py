"""Time from pressing Enter to the excerpts being displayed, in headless Chromium.

    python benchmarks/ui_latency.py --index data/index [--index /tmp/idx-fiches]

Prints one JSON line per index: {"index", "first_ms" (includes loading the model), "ms": [...],
"median_ms"}. The helpers are shared with tests/test_browser.py.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
QUESTIONS = ["Comment intégrer l'égalité femmes-hommes dans nos actions ?",
             "Quels leviers pour l'emploi dans les quartiers prioritaires ?",
             "Comment accompagner les habitants vers le numérique ?",
             "Comment favoriser l'accès à la culture en QPV ?",
             "Comment aider un jeune éloigné de l'emploi à trouver un parcours d'insertion ?"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_ui(index: Path, extra_env: dict | None = None):
    port = free_port()
    env = dict(os.environ, HF_HUB_OFFLINE="1", BOUSSOLE_INDEX=str(index), **(extra_env or {}))
    boussole = Path(sys.executable).with_name("boussole")
    proc = subprocess.Popen([str(boussole), "ui", "--port", str(port), "--address", "127.0.0.1"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("the web app did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def ask(page, question: str, timeout_ms: int = 120_000) -> float:
    """Type a question, press Enter, return milliseconds until its result is shown: a new
    excerpt card, or the « Aucun passage pertinent » notice."""
    shown = "article.bsl-card, [data-testid='stAlert']"
    before = page.locator(shown).count()
    box = page.get_by_placeholder("Votre question")
    box.wait_for(timeout=timeout_ms)
    box.fill(question)
    started = time.perf_counter()
    box.press("Enter")
    page.wait_for_function(f"document.querySelectorAll(\"{shown}\").length > {before}",
                           timeout=timeout_ms)
    elapsed = (time.perf_counter() - started) * 1000
    # let the run finish (the status widget disappears) before the caller reads the page
    page.wait_for_selector("[data-testid='stStatusWidget']", state="detached", timeout=timeout_ms)
    page.wait_for_timeout(300)
    return elapsed


def measure(index: Path) -> dict:
    with running_ui(index) as url, browser() as b:
        page = b.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url)
        first = ask(page, QUESTIONS[0])
        times = []
        for question in QUESTIONS[1:] + QUESTIONS[:1]:
            page.goto(url)  # a fresh conversation: each answer is timed alone
            times.append(ask(page, question))
        return {"index": str(index), "first_ms": round(first), "ms": [round(t) for t in times],
                "median_ms": round(statistics.median(times))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", action="append", required=True, type=Path)
    for index in parser.parse_args().index:
        print(json.dumps(measure(index)), flush=True)


if __name__ == "__main__":
    main()
