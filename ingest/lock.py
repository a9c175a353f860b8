"""One refresh at a time per index, with a lock the kernel releases if the process dies.

``flock`` is tied to the open file: a run killed with SIGKILL cannot leave it stuck.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from core.errors import IndexBusy

LOCK_NAME = ".refresh.lock"


@contextmanager
def refresh_lock(index_dir: Path):
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / LOCK_NAME
    handle = open(path, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise IndexBusy(f"A refresh of {index_dir} is already running (pid {holder}); "
                            "wait for it to finish and try again") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()
