"""Eight API clients at once, plain HTTP, no browser: what the crowd costs the server itself.

    python benchmarks/load_api.py [--clients 8] [--questions 3] [--runs 5] [--nginx] [--index DIR]

One client first asks every question of the run alone, one after the other (its p50 is the
denominator); then ``--clients`` clients, each on its own keep-alive connection, start together
and each asks ``--questions`` different questions through ``POST /api/v1/ask``; the crowd's p95
over one client's p50 is the ratio. Both phases ask the same questions, once warmed (the answers'
sentence cache is then in the same state for both; a first crowd warms the batch sizes). The server's CPU per answer is read from
``/proc`` in each phase. With ``--nginx``, two replicas of `boussole ui` behind Debian's nginx
with ``deploy/nginx-boussole.conf`` and the settings of ``deploy/boussole@.service``, as the
README's deployment runs them. Prints one JSON line
per run, then a summary.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent.parent / "tests")]
from benchmarks.common import BENCH_INDEXES, ROOT, bench_folders  # noqa: E402
from benchmarks.load import cpu_seconds, machine_busy_seconds  # noqa: E402
from benchmarks.query import percentile  # noqa: E402
from core.settings import Settings  # noqa: E402
from core.store import current_build  # noqa: E402
from drive import free_port, running_server  # noqa: E402

ENV = {"BOUSSOLE_API_RATE_LIMIT": "1000000/minute"}
QUESTION_SETS = ("facts-dev.jsonl", "facts-dev2.jsonl", "facts-mixed-dev.jsonl")


def questions(count: int) -> list[str]:
    """On-topic questions in several voices (the dev sets), each once."""
    seen: list[str] = []
    for name in QUESTION_SETS:
        for line in (ROOT / "data" / "eval" / name).read_text(encoding="utf-8").splitlines():
            text = json.loads(line)["question"]
            if text not in seen:
                seen.append(text)
    if len(seen) < count:
        raise SystemExit(f"only {len(seen)} questions in {QUESTION_SETS}; ask for fewer")
    return seen[:count]


def build_index(shared: Path) -> Path:
    from ingest.refresh import refresh
    index = BENCH_INDEXES / "seed-loi"
    if current_build(index) is None:
        refresh(Settings.from_env().with_(index_dir=index), bench_folders(shared, "seed-loi"), show_bars=True)
    return index


def ask(client: httpx.Client, question: str) -> float:
    started = time.perf_counter()
    response = client.post("/api/v1/ask", json={"question": question})
    response.raise_for_status()
    return (time.perf_counter() - started) * 1000


def alone(url: str, asked: list[str]) -> list[float]:
    with httpx.Client(base_url=url, timeout=300) as client:
        return [ask(client, q) for q in asked]


def together(url: str, asked: list[str], clients: int) -> tuple[list[float], float]:
    """Each client its share of ``asked``, all released at once; latencies and wall time."""
    shares = [asked[i::clients] for i in range(clients)]
    connections = [httpx.Client(base_url=url, timeout=300) for _ in range(clients)]
    for c in connections:  # the connections are open before the start: a crowd, not a handshake race
        c.get("/api/v1/health").raise_for_status()
    start = threading.Barrier(clients + 1)
    latencies: list[float] = []
    lock = threading.Lock()

    def client(i: int) -> None:
        start.wait()
        for q in shares[i]:
            elapsed = ask(connections[i], q)
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    for c in connections:
        c.close()
    return latencies, wall


def own_cpu() -> float:
    """CPU seconds of this process: the clients' share of the machine."""
    times = os.times()
    return times.user + times.system


def server_cpu(pids: list[int]) -> float:
    return sum(cpu_seconds(p) for p in pids)


def one_run(url: str, pids: list[int], asked: list[str], clients: int) -> dict:
    cpu0 = server_cpu(pids)
    one = alone(url, asked)
    cpu1, busy1, own1 = server_cpu(pids), machine_busy_seconds(), own_cpu()
    crowd, wall = together(url, asked, clients)
    cpu2, busy2, own2 = server_cpu(pids), machine_busy_seconds(), own_cpu()
    p50, p95 = statistics.median(one), percentile(crowd, 0.95)
    return {"one_p50_ms": round(p50, 1), "crowd_p95_ms": round(p95, 1), "ratio": round(p95 / p50, 2),
            "one_after_another_s": round(sum(one) / 1000, 2), "crowd_wall_s": round(wall, 2),
            "server_cpu_ms_per_answer": {"alone": round((cpu1 - cpu0) * 1000 / len(asked)),
                                         "crowd": round((cpu2 - cpu1) * 1000 / len(asked))},
            "machine_cpu_s_crowd": round(busy2 - busy1, 2), "clients_cpu_s_crowd": round(own2 - own1, 2)}


@contextmanager
def single(index: Path, env: dict):
    port = free_port()
    command = [str(Path(sys.executable).with_name("boussole")), "ui", "--port", str(port), "--address", "127.0.0.1"]
    with running_server(command, f"http://127.0.0.1:{port}", index, env) as app:
        yield app.url, [app.pid]


def unit_environment() -> dict[str, str]:
    """The ``Environment=`` settings of deploy/boussole@.service: the replicas run as shipped."""
    lines = (ROOT / "deploy" / "boussole@.service").read_text(encoding="utf-8").splitlines()
    return dict(line.removeprefix("Environment=").split("=", 1) for line in lines if line.startswith("Environment="))


@contextmanager
def behind_nginx(index: Path, env: dict):
    """Two replicas and nginx with the deployment's site file (tests/test_deploy.py's way)."""
    from test_deploy import nginx, nginx_config
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        raise SystemExit("nginx is missing: `make nginx` installs Debian's")
    env = {**unit_environment(), **env}
    with ExitStack() as stack, tempfile.TemporaryDirectory() as folder:
        replicas = [stack.enter_context(single(index, env)) for _ in range(2)]
        ports = [int(url.rsplit(":", 1)[1]) for url, _ in replicas]
        listen = free_port()
        proxy = f"http://127.0.0.1:{listen}"
        stack.enter_context(nginx(nginx_config(Path(folder), listen, ports), proxy))
        yield proxy, [pid for _, pids in replicas for pid in pids]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--questions", type=int, default=3, help="Questions per client per run.")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--nginx", action="store_true", help="Two replicas behind nginx (deploy/).")
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="A setting for the server(s), e.g. BOUSSOLE_MODEL_THREADS=1 (repeatable).")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    index = args.index or build_index(args.shared)
    per_run = args.clients * args.questions
    asked = questions(per_run * args.runs)
    runs = []
    env = {**ENV, **dict(pair.split("=", 1) for pair in args.env)}
    with (behind_nginx if args.nginx else single)(index, env) as (url, pids):
        # warm, for both phases alike: the model's first calls, the sentence cache, and a crowd
        # (the first batch of each size costs torch its kernels' set-up)
        alone(url, asked)
        together(url, asked[:per_run], args.clients)
        for r in range(args.runs):
            report = one_run(url, pids, asked[r * per_run:(r + 1) * per_run], args.clients)
            runs.append(report)
            print(json.dumps({"run": r + 1, "nginx": args.nginx, "env": args.env, **report}), flush=True)
    ratios = [r["ratio"] for r in runs]
    print(json.dumps({"summary": True, "nginx": args.nginx, "clients": args.clients, "ratios": ratios,
                      "worst_ratio": max(ratios),
                      "server_cpu_ms_per_answer_crowd": [r["server_cpu_ms_per_answer"]["crowd"] for r in runs]}))


if __name__ == "__main__":
    main()
