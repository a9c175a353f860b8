"""One writer at a time: everything that writes the sources or the index (refresh, harvest,
upload, catalogue edit, remove, re-read, the curator's decisions) holds one lock, so that no
two of them interleave — across processes (the replicas, the nightly job, the command line)
and across the web app's sessions, which are threads of one process.

``flock`` is tied to the open file: a run killed with SIGKILL cannot leave it stuck. The lock
is re-entrant within a thread, so a harvest that ends with a refresh holds it throughout.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from core.errors import IndexBusy

LOCK_NAME = ".refresh.lock"
POLL = 0.2
# Which lock files this thread holds: flock treats two opens of one file as two owners, so
# a thread taking the lock it already holds would wait for itself.
_held = threading.local()


@contextmanager
def refresh_lock(index_dir: Path, task: str = "mise à jour de l'index", wait: float = 0.0):
    """Hold the writers' lock of ``index_dir`` while ``task`` runs; wait up to ``wait`` seconds
    for another writer, then raise IndexBusy saying which task holds it and since when."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    path = (index_dir / LOCK_NAME).resolve()
    held = _held.__dict__.setdefault("paths", {})
    if held.get(path):
        held[path] += 1
        try:
            yield
        finally:
            held[path] -= 1
        return
    handle = open(path, "a+")
    try:
        _acquire(handle, index_dir, wait)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\t{task}\t{datetime.now().strftime('%H:%M')}")
        handle.flush()
        held[path] = 1
        try:
            yield
        finally:
            held.pop(path, None)
    finally:
        handle.close()


def _acquire(handle, index_dir: Path, wait: float) -> None:
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise _busy(handle, index_dir) from None
            time.sleep(POLL)


def _busy(handle, index_dir: Path) -> IndexBusy:
    handle.seek(0)
    pid, task, since = (handle.read().strip().split("\t") + ["", "", ""])[:3]
    error = IndexBusy(f"A refresh or another writer of {index_dir} is already running "
                      f"(pid {pid or '?'}: {task or 'unknown task'}); wait for it to finish and try again")
    error.french = (f"Une autre opération modifie déjà les documents ou l'index ({task or 'mise à jour'}"
                    + (f", commencée à {since}" if since else "") + ") : réessayez quand elle sera terminée.")
    return error


def writer_lock(settings, task: str):
    """The writers' lock of the settings' index, waiting up to ``BOUSSOLE_LOCK_WAIT`` seconds."""
    return refresh_lock(settings.index_path, task, settings.lock_wait)
