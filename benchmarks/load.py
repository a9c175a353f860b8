"""Many people at once on one server: real browser sessions against the running app.

    python benchmarks/load.py [--people 8] [--questions 3] [--soak 300] [--phases 6] [--index DIR]
                              [--split-cores] [--profile N]

Each person is a separate Chromium context (its own Streamlit session); once every page has
loaded, all ask at the same time, each its questions one after the other; the time is from Enter to the answer shown. The
soak then asks --soak questions (4 sessions at a time, a new session every 10 questions) and
reads the server's resident memory after the first 30 and at the end. The browsers run on the
server's machine, at a lower priority (nice 10) unless --same-priority: a visitor's browser
uses its own computer's processor, not the server's. The index (bundled corpus
and the shared loi-ville-2014 texts) is built once in /tmp/boussole-bench/seed-loi. With
--phases N, one person's N answers are also split into the CPU they cost until drawn and after
(``phases``). With --split-cores the browsers (and this harness) run on the first core and the
server alone on the last (``taskset``), so that the server's CPU per answer and the crowd's ratio
are the server's, not the browsers'. With --profile N, py-spy samples the server during the crowd
and the N places its threads were busiest are printed. Prints JSON. (The API without browsers:
benchmarks/load_api.py.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent.parent / "tests")]  # tests/drive.py: the browser harness
from benchmarks.common import BENCH_INDEXES, ROOT, bench_folders  # noqa: E402
from benchmarks.query import percentile  # noqa: E402
from core.settings import Settings  # noqa: E402
from core.store import current_build  # noqa: E402
from drive import CHROMIUM, CHROMIUM_ARGS, free_port, running_app, running_server  # noqa: E402

QUESTIONS = ["Comment intégrer l'égalité femmes-hommes dans nos actions ?",
             "Quels leviers pour l'emploi dans les quartiers prioritaires ?",
             "Comment accompagner les habitants vers le numérique ?",
             "Comment favoriser l'accès à la culture en QPV ?",
             "Qui fixe la liste des quartiers prioritaires ?",
             "Qu'est-ce qu'un contrat de ville ?",
             "Comment les conseils citoyens sont-ils composés ?",
             "Comment aider un jeune éloigné de l'emploi à trouver un parcours d'insertion ?"]
SHOWN = "article.bsl-card, [data-testid='stAlert']"


def build_index(shared: Path) -> Path:
    from ingest.refresh import refresh
    index = BENCH_INDEXES / "seed-loi"
    if current_build(index) is None:
        settings = Settings.from_env().with_(index_dir=index)
        refresh(settings, bench_folders(shared, "seed-loi"), show_bars=True)
    return index


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no process {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (to tell the server's share from the browser's)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds all processes of the machine have used (every core), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")  # minus idle, iowait


# Waits by a MutationObserver in the page, not by Playwright's polling at every animation frame:
# eight pages polling 60 times a second kept the browsers busy drawing frames no visitor's
# browser draws, and that work was counted against the server (README, « Eight at once »).
SHOWN_AFTER = """([selector, before]) => new Promise(resolve => {
    const done = () => { observer.disconnect(); requestAnimationFrame(() => resolve(performance.now())); };
    const observer = new MutationObserver(() => { if (document.querySelectorAll(selector).length > before) done(); });
    observer.observe(document.body, {childList: true, subtree: true});
    if (document.querySelectorAll(selector).length > before) done();
})"""
IDLE = """() => new Promise(resolve => {
    const idle = () => !document.querySelector("[data-testid='stStatusWidget']");
    if (idle()) return resolve();
    const observer = new MutationObserver(() => { if (idle()) { observer.disconnect(); resolve(); } });
    observer.observe(document.body, {childList: true, subtree: true});
})"""


async def ask(page, question: str) -> float:
    """Milliseconds from Enter to the answer's first card (or alert) drawn, by the page's clock."""
    before = await page.locator(SHOWN).count()
    box = page.get_by_placeholder("Votre question")
    await box.wait_for(timeout=120_000)
    await box.fill(question)
    started = await page.evaluate("performance.now()")
    await box.press("Enter")
    shown = await asyncio.wait_for(page.evaluate(SHOWN_AFTER, [SHOWN, before]), timeout=120)
    await asyncio.wait_for(page.evaluate(IDLE), timeout=120)  # the run has ended: the box takes the next question
    return shown - started


async def person(browser, url: str, questions: list[str], times: list[float], errors: list[str],
                 per_session: int = 0, ready: asyncio.Barrier | None = None) -> None:
    """One visitor: a session of its own, asking ``questions`` in turn (a new session, as after a
    reload, every ``per_session`` questions when given). With ``ready``, the first question waits
    until every visitor's page has loaded: people arrive, then ask together."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    try:
        for i, question in enumerate(questions):
            if i == 0 or (per_session and i % per_session == 0):
                await page.goto(url)
                await page.get_by_placeholder("Votre question").wait_for(timeout=120_000)
            if i == 0 and ready is not None:
                await ready.wait()
            try:
                times.append(await ask(page, question))
            except Exception as exc:  # a failed question is counted, the others go on
                errors.append(f"{question}: {exc}")
    finally:
        await context.close()


async def crowd(browser, app, people: int, questions: int) -> dict:
    times: list[float] = []
    errors: list[str] = []
    ready = asyncio.Barrier(people + 1)
    visitors = [asyncio.create_task(person(browser, app.url, [QUESTIONS[(p + q) % len(QUESTIONS)] for q in range(questions)],
                                           times, errors, ready=ready)) for p in range(people)]
    await ready.wait()  # every page loaded
    started, cpu, busy = time.perf_counter(), cpu_seconds(app.pid), machine_busy_seconds()
    await asyncio.gather(*visitors)
    server_cpu = cpu_seconds(app.pid) - cpu
    return {"people": people, "questions": len(times) + len(errors), "errors": len(errors),
            "wall_s": round(time.perf_counter() - started, 1),
            "server_cpu_s": round(server_cpu, 1),
            "server_cpu_ms_per_answer": round(server_cpu * 1000 / max(1, len(times))),
            "machine_cpu_s": round(machine_busy_seconds() - busy, 1), "cores": os.cpu_count(),
            "p50_ms": round(statistics.median(times)) if times else None,
            "p95_ms": round(percentile(times, 0.95)) if times else None}


def browsers_cpu_seconds() -> float:
    """CPU seconds of every Chromium process (renderers, GPU, browser) so far."""
    total = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if "chrom" in Path(f"/proc/{pid}/comm").read_text():
                total += cpu_seconds(int(pid))
        except (OSError, IndexError):  # a process that ended meanwhile
            pass
    return total


async def phases(browser, app, questions: int, people: int, settle_s: float = 1.5) -> dict:
    """Where one person's answer costs the machine: CPU seconds (browsers, server, whole machine)
    from Enter to the answer drawn, and in the ``settle_s`` after the run ended (the page scrolls
    to the new answer, Streamlit's timers run). When everyone asks at once, nobody's answer can be
    drawn before the machine has done the work of all of them: ``people / cores`` times the CPU of
    one answer, over one person's wait, is the least the crowd's ratio can be."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await page.goto(app.url)
    rows = []
    try:
        for question in QUESTIONS[:questions + 1]:
            box = page.get_by_placeholder("Votre question")
            await box.wait_for(timeout=120_000)
            before = await page.locator(SHOWN).count()
            await box.fill(question)
            usage = lambda: (browsers_cpu_seconds(), cpu_seconds(app.pid), machine_busy_seconds())
            marks = [usage()]
            started = await page.evaluate("performance.now()")  # the page's clock, as in ``ask``
            await box.press("Enter")
            shown = await page.evaluate(SHOWN_AFTER, [SHOWN, before])
            marks.append(usage())
            await page.evaluate(IDLE)
            await asyncio.sleep(settle_s)
            marks.append(usage())
            rows.append([[(shown - started) / 1000, *(b - a for a, b in zip(marks[i], marks[i + 1]))] for i in (0, 1)])
    finally:
        await context.close()
    rows = rows[1:]  # the first question warms the page
    median = lambda phase, i: round(statistics.median(r[phase][i] for r in rows), 3)
    wait, work = median(0, 0), median(0, 3) + median(1, 3)
    return {"questions": len(rows), "wait_s": wait,
            "until_drawn_cpu_s": {"browsers": median(0, 1), "server": median(0, 2), "machine": median(0, 3)},
            "after_run_cpu_s": {"browsers": median(1, 1), "server": median(1, 2), "machine": median(1, 3)},
            "ratio_floor": round(people / os.cpu_count() * work / wait, 1)}


async def soak(browser, app, total: int, sessions: int = 4) -> dict:
    share = total // sessions
    times: list[float] = []
    errors: list[str] = []
    memory = {}

    async def watch():
        while len(times) + len(errors) < total:
            if "after_30" not in memory and len(times) + len(errors) >= 30:
                memory["after_30"] = resident_mb(app.pid)
            await asyncio.sleep(0.5)

    await asyncio.gather(watch(), *(person(browser, app.url, [QUESTIONS[(s + q) % len(QUESTIONS)] for q in range(share)],
                                           times, errors, per_session=10) for s in range(sessions)))
    memory["end"] = resident_mb(app.pid)
    return {"questions": len(times) + len(errors), "errors": len(errors),
            "rss_mb_after_30": round(memory["after_30"]), "rss_mb_end": round(memory["end"]),
            "growth": round(memory["end"] / memory["after_30"] - 1, 3),
            "p50_ms": round(statistics.median(times)), "p95_ms": round(percentile(times, 0.95))}


def chromium(same_priority: bool, split_cores: bool) -> str:
    """The visitors' browsers stand on their own computers, not on the server: here they share
    its cores, so unless told otherwise they run at a lower priority (nice 10) and yield to it.
    With ``split_cores`` they have the first core to themselves and the server the last."""
    if same_priority and not split_cores:
        return CHROMIUM
    prefix = ("" if same_priority else "nice -n 10 ") + ("taskset -c 0 " if split_cores else "")
    wrapper = Path(tempfile.mkdtemp()) / "chromium"
    wrapper.write_text(f'#!/bin/sh\nexec {prefix}{CHROMIUM} "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


@contextmanager
def server(index: Path, extra_env: dict, split_cores: bool):
    """`boussole ui` on a free port; with ``split_cores``, on the machine's last core alone."""
    if not split_cores:
        with running_app(index, extra_env) as app:
            yield app
        return
    port, last = free_port(), str(os.cpu_count() - 1)
    command = ["taskset", "-c", last, str(Path(sys.executable).with_name("boussole")), "ui",
               "--port", str(port), "--address", "127.0.0.1"]
    with running_server(command, f"http://127.0.0.1:{port}", index, extra_env) as app:
        yield app


@contextmanager
def profiled(pid: int, top: int):
    """py-spy sampling the server while the block runs; then the ``top`` places (function and
    line of Boussole's own code, else of the library) where its threads were busy, as shares of
    the busy samples (threads waiting are left out)."""
    if not top:
        yield {}
        return
    out = Path(tempfile.mkdtemp()) / "samples.txt"
    spy = subprocess.Popen([str(Path(sys.executable).with_name("py-spy")), "record", "-p", str(pid), "-f", "raw",
                            "-o", str(out), "-r", "200"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    summary: dict = {}
    try:
        yield summary
    finally:
        spy.send_signal(signal.SIGINT)  # py-spy writes its samples when interrupted
        spy.wait(timeout=60)
    summary.update(busiest(out, top))


# Where a thread waits rather than works (py-spy cannot always tell idle threads here).
WAITING = ("Condition.wait", "EpollSelector.select", "_worker (concurrent", "sleep (", "polling_path_watcher.py:90",
           "Event.wait", "Thread.join", "Barrier.wait")


def busiest(samples: Path, top: int) -> dict:
    places: Counter = Counter()
    for line in samples.read_text().splitlines():
        stack, count = line.rsplit(" ", 1)
        frames = stack.split(";")
        if any(w in frames[-1] for w in WAITING):
            continue
        own = [f for f in frames if str(ROOT) in f or f.split(" (", 1)[-1].startswith(("api/", "core/", "retrieval/", "ui/", "server/"))]
        places[(own[-1] if own else frames[-1]).strip()] += int(count)
    total = sum(places.values()) or 1
    return {place: round(n / total, 3) for place, n in places.most_common(top)}


async def run(args, extra_env: dict) -> dict:
    from playwright.async_api import async_playwright
    index = args.index or build_index(args.shared)
    report = {}
    if args.split_cores:  # this harness and Playwright's driver stay with the browsers
        os.sched_setaffinity(0, {0})
    with server(index, extra_env, args.split_cores) as app:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=chromium(args.same_priority, args.split_cores),
                                              args=CHROMIUM_ARGS)
            try:
                await crowd(browser, app, 1, 1)  # the server loads its model
                report["one_person"] = await crowd(browser, app, 1, args.questions)
                if args.phases:
                    report["one_person_phases"] = await phases(browser, app, args.phases, args.people)
                with profiled(app.pid, args.profile) as profile:
                    report["crowd"] = await crowd(browser, app, args.people, args.questions)
                if profile:
                    report["crowd_server_profile"] = profile
                if args.soak:
                    report["soak"] = await soak(browser, app, args.soak)
            finally:
                await browser.close()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=8)
    parser.add_argument("--questions", type=int, default=3)
    parser.add_argument("--soak", type=int, default=300, help="Questions of the soak (0: none).")
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--same-priority", action="store_true",
                        help="Run the browsers at the server's priority (by default they yield to it).")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--phases", type=int, default=0,
                        help="Also split one person's answers' CPU into until drawn / after (this many questions).")
    parser.add_argument("--split-cores", action="store_true",
                        help="Browsers and this harness on the first core, the server alone on the last (taskset).")
    parser.add_argument("--profile", type=int, default=0,
                        help="Sample the server with py-spy during the crowd; print its N busiest places.")
    parser.add_argument("--no-cache-too", action="store_true",
                        help="Also measure with the answers' sentence cache off (BOUSSOLE_SENTENCE_CACHE=0).")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args, {}))), flush=True)
    if args.no_cache_too:
        print(json.dumps({"sentence_cache": 0, **asyncio.run(run(args, {"BOUSSOLE_SENTENCE_CACHE": "0"}))}))


if __name__ == "__main__":
    main()
