"""Refresh while serving, one refresh at a time, and SIGKILL at every stage of a real run."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import CORPUS, copy_files

from core.errors import IndexBusy
from core.store import BUILDS, current_build
from ingest.lock import refresh_lock
from ingest.refresh import refresh
from retrieval.index import Index, IndexHandle

BOUSSOLE = str(Path(sys.executable).with_name("boussole"))
SHORT_SHEETS = ("lordre-des-licenciements.html", "la-priorite-de-reembauche.html",
                "le-contrat-de-reeducation-professionnelle.html")



def test_a_reader_keeps_its_index_until_it_asks_again(settings, sources, embedder):
    refresh(settings, [sources], embedder=embedder)
    handle = IndexHandle(settings.index_path)
    old = handle.get()
    for i in range(3):  # three swaps: the old build's files are pruned from disk meanwhile
        (sources / f"note-{i}.txt").write_text(f"Note {i} sur la rénovation urbaine des quartiers.", encoding="utf-8")
        refresh(settings, [sources], embedder=embedder)
    assert not old.build.exists()
    assert len(old.documents) == 10
    first = next(iter(old.documents))
    assert old.document_passages(first) and old.lexical.scores(old.lexical.terms("quartiers")).any()
    new = handle.get()
    assert new.build_id != old.build_id and len(new.documents) == 13


def test_a_second_refresh_is_refused_while_one_runs(settings, sources, embedder):
    held, release = threading.Event(), threading.Event()

    def first_writer():  # another session of the web app: another thread of the same process
        with refresh_lock(settings.index_path, "moissonnage du site"):
            held.set()
            release.wait(30)
    thread = threading.Thread(target=first_writer)
    thread.start()
    try:
        assert held.wait(10)
        with pytest.raises(IndexBusy, match="already running") as busy:
            refresh(settings, [sources], embedder=embedder)
        assert "moissonnage du site" in busy.value.french
    finally:
        release.set()
        thread.join()


def test_the_writer_holding_the_lock_may_take_it_again(settings, sources, embedder):
    with refresh_lock(settings.index_path, "moissonnage du site"):  # a harvest ending with its refresh
        assert refresh(settings, [sources], embedder=embedder).added == 10


def test_a_killed_refresh_does_not_leave_the_lock_stuck(settings, sources, embedder):
    holder = subprocess.Popen([sys.executable, "-c",
                               "import sys, time; from pathlib import Path; from ingest.lock import refresh_lock\n"
                               f"with refresh_lock(Path({str(settings.index_path)!r})):\n"
                               "    print('locked', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent)
    assert holder.stdout.readline().strip() == "locked"
    with pytest.raises(IndexBusy):
        refresh(settings, [sources], embedder=embedder)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert refresh(settings, [sources], embedder=embedder).added == 10


def _start(paths, index):
    env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONUNBUFFERED="1")
    return subprocess.Popen([BOUSSOLE, "ingest", *map(str, paths), "--index", str(index)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _kill_when(proc, condition, timeout=180):
    """SIGKILL the run as soon as ``condition(output_so_far)`` holds; True if it was caught."""
    os.set_blocking(proc.stdout.fileno(), False)
    output, deadline = b"", time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        chunk = proc.stdout.read() or b""
        output += chunk
        if condition(output.decode(errors="replace")):
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.005)
    proc.kill()
    proc.wait()
    return False


def _assert_previous_index_whole(index_dir, build_id):
    index = Index.open(index_dir)
    assert index.build_id == build_id and len(index.documents) == 10
    assert index.size == index.dense.ntotal == index.passage_doc.shape[0]
    assert index.passages([0])[0].text


def test_sigkill_at_every_stage_leaves_the_previous_index_and_the_next_run_finishes(settings, sources, embedder, tmp_path):
    first = refresh(settings, [sources], embedder=embedder)
    # three short sheets: each stage's run re-does the work before it, so their size is the test's time
    extra = copy_files(tmp_path / "fiches", *(CORPUS / "fiches-travail" / name for name in SHORT_SHEETS))
    index_dir = settings.index_path
    builds = index_dir / BUILDS
    stages = {
        "extraction": lambda out: "Extraction" in out,
        "embedding": lambda out: "passage/s" in out,
        "sentences": lambda out: "sentence/s" in out,
        "write": lambda out: any(p.name.startswith(".tmp-") for p in builds.iterdir()),
    }
    for stage, condition in stages.items():
        caught = _kill_when(_start([sources, extra], index_dir), condition)
        assert caught, f"the run finished before it could be killed during {stage}"
        _assert_previous_index_whole(index_dir, first.build_id)
    result = subprocess.run([BOUSSOLE, "ingest", str(sources), str(extra), "--index", str(index_dir)],
                            env=dict(os.environ, HF_HUB_OFFLINE="1"), capture_output=True, text=True, timeout=600)
    assert "added 3, updated 0, unchanged 10, removed 0, failed 0" in result.stdout, result.stdout + result.stderr
    index = Index.open(index_dir)
    assert len(index.documents) == 13 and current_build(index_dir).name == index.build_id
    assert not [p for p in builds.iterdir() if p.name.startswith(".tmp-")]
