"""Questions asked at the same moment, embedded in one call of the model.

One call of sentence-transformers' ``encode`` costs about as much in Python around the model
(moving the model to its device, setting it to eval, walking its modules) for one short question
as for eight, and that part holds the interpreter lock. When eight people ask at once, eight
calls in eight threads also ran eight times two torch threads on two cores. So the threads of a
server queue their questions here: the first to find the model free embeds everything queued
so far in one batch and hands each caller its rows, while the next arrivals queue for the
following batch. A question asked alone waits for nothing (benchmarks/load_api.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass
class _Waiting:
    texts: list[str]
    vectors: np.ndarray | None = None
    error: BaseException | None = None
    done: bool = field(default=False)


class Batcher:
    """``embed`` (a list of texts to an array of rows) shared by threads, one call at a time,
    each call with everything that was waiting."""

    def __init__(self, embed: Callable[[list[str]], np.ndarray], max_texts: int = 64):
        self._embed, self._max_texts = embed, max_texts
        self._queue: list[_Waiting] = []
        self._busy = False
        self._changed = threading.Condition()

    def __call__(self, texts: list[str]) -> np.ndarray:
        mine = _Waiting(list(texts))
        with self._changed:
            self._queue.append(mine)
        while True:  # more than once only when the queue held more than a batch before this caller
            with self._changed:
                while not mine.done and self._busy:
                    self._changed.wait()
                if mine.done:
                    return self._result(mine)
                self._busy = True
                batch = self._take()
            try:
                self._run(batch)
            finally:
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()

    def _take(self) -> list[_Waiting]:
        batch, count = [], 0
        while self._queue and (not batch or count + len(self._queue[0].texts) <= self._max_texts):
            waiting = self._queue.pop(0)
            batch.append(waiting)
            count += len(waiting.texts)
        return batch

    def _run(self, batch: list[_Waiting]) -> None:
        try:
            vectors = self._embed([t for w in batch for t in w.texts])
        except BaseException as exc:  # each caller gets the failure of the batch it was in
            for w in batch:
                w.error, w.done = exc, True
            return
        start = 0
        for w in batch:
            w.vectors, w.done = vectors[start:start + len(w.texts)], True
            start += len(w.texts)

    @staticmethod
    def _result(waiting: _Waiting) -> np.ndarray:
        if waiting.error is not None:
            raise waiting.error
        return waiting.vectors
