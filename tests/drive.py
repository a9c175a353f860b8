"""Start the web app as users reach it, and drive it in a real browser (Debian's headless
Chromium through Playwright). Used by the browser tests and by benchmarks/ui_latency.py."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class RunningApp:
    url: str
    pid: int  # `boussole ui` execs the server: this is the server's own process


@contextmanager
def running_app(index: Path, extra_env: dict | None = None):
    """`boussole ui` on a free port, until its health check answers; stopped at the end."""
    port = free_port()
    boussole = Path(sys.executable).with_name("boussole")
    command = [str(boussole), "ui", "--port", str(port), "--address", "127.0.0.1"]
    with running_server(command, f"http://127.0.0.1:{port}", index, extra_env) as app:
        yield app


@contextmanager
def running_server(command: list[str], url: str, index: Path, extra_env: dict | None = None):
    """A server process started by ``command``, once ``url`` answers its health check; stopped
    (SIGTERM, then SIGKILL) at the end."""
    env = dict(os.environ, HF_HUB_OFFLINE="1", BOUSSOLE_INDEX=str(index), **(extra_env or {}))
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        wait_healthy(url, proc)
        yield RunningApp(url, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_healthy(url: str, proc: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the web app stopped at start (exit code {proc.returncode})")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the web app did not start")


@contextmanager
def running_ui(index: Path, extra_env: dict | None = None):
    with running_app(index, extra_env) as app:
        yield app.url


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


def settled(page) -> None:
    page.wait_for_selector("[data-testid='stStatusWidget']", state="detached", timeout=60_000)
    page.wait_for_timeout(800)


def open_page(page, url: str) -> None:
    """Open a page by its address. Streamlit sometimes greets the first direct visit of a page
    with a spurious « page not found » dialog over the right page (a race in its navigation):
    it is closed, as a visitor would."""
    page.goto(url)
    page.get_by_role("heading", level=1).first.wait_for(timeout=60_000)
    settled(page)
    if page.get_by_role("dialog").count():
        page.keyboard.press("Escape")
        page.get_by_role("dialog").wait_for(state="detached", timeout=10_000)
