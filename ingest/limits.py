"""A time limit per file, so one pathological file cannot stall a refresh.

It uses SIGALRM, which only the main thread may receive: the CLI gets the limit on every
loader; a refresh started from the web app (a worker thread) relies on the loaders' own
checks (PDF pages, bytes) instead.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

from core.errors import ExtractionError


@contextmanager
def time_limit(seconds: float, name: str):
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise ExtractionError(f"{name}: extraction took more than {seconds:.0f} s "
                              "(BOUSSOLE_MAX_SECONDS_PER_FILE)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
