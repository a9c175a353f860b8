"""Questions asked at the same moment by a server's threads share one call of the model."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from core.batching import Batcher

QUESTIONS = ["Qu'est-ce qu'un contrat de ville ?", "Qui fixe la liste des quartiers prioritaires ?",
             "Comment les conseils citoyens sont-ils composés ?", "Quels leviers pour l'emploi en QPV ?",
             "Comment favoriser l'accès à la culture ?", "Qui signe le contrat de ville ?",
             "Comment accompagner les habitants vers le numérique ?", "Qu'est-ce qu'un adulte-relais ?"]


class Recording:
    """The model's embedding, recording each call's texts; the first call lingers so that the
    other threads are surely waiting when it ends."""

    def __init__(self, embed, linger_s: float = 0.5, fail: bool = False):
        self.embed, self.linger_s, self.fail = embed, linger_s, fail
        self.calls: list[list[str]] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        if len(self.calls) == 1:
            time.sleep(self.linger_s)
        if self.fail:
            raise ValueError("le modèle a échoué")
        return self.embed(texts)


def ask_together(batcher: Batcher, questions: list[str]) -> list:
    """Every question from its own thread, all released at once; each thread's vector or error."""
    results: list = [None] * len(questions)
    start = threading.Barrier(len(questions))

    def ask(i: int) -> None:
        start.wait()
        if i:  # the first thread is in the model before the others arrive
            time.sleep(0.05)
        try:
            results[i] = batcher([questions[i]])
        except ValueError as exc:
            results[i] = exc

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(questions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_questions_asked_while_the_model_is_busy_are_embedded_together_in_one_call(embedder):
    model = Recording(embedder.embedder.embed_queries)
    ask_together(Batcher(model), QUESTIONS)
    assert model.calls[0] == QUESTIONS[:1]
    assert len(model.calls) == 2 and sorted(model.calls[1]) == sorted(QUESTIONS[1:])


def test_each_thread_gets_the_vector_of_its_own_question(embedder):
    vectors = ask_together(Batcher(Recording(embedder.embedder.embed_queries)), QUESTIONS)
    for question, vector in zip(QUESTIONS, vectors):
        alone = embedder.embedder.embed_queries([question])
        assert vector.shape == alone.shape
        assert np.allclose(vector, alone, atol=1e-4)


def test_a_question_asked_alone_is_embedded_at_once_on_its_own(embedder):
    model = Recording(embedder.embedder.embed_queries, linger_s=0)
    Batcher(model)([QUESTIONS[0]])
    assert model.calls == [QUESTIONS[:1]]


def test_a_batch_never_holds_more_texts_than_its_bound(embedder):
    model = Recording(embedder.embedder.embed_queries)
    vectors = ask_together(Batcher(model, max_texts=3), QUESTIONS)
    assert all(len(call) <= 3 for call in model.calls) and len(model.calls) >= 4
    assert all(v.shape == (1, embedder.dimension) for v in vectors)


def test_a_failure_of_the_model_reaches_every_caller_of_its_batch():
    model = Recording(lambda texts: np.zeros((len(texts), 4), dtype=np.float32), fail=True)
    errors = ask_together(Batcher(model), QUESTIONS)
    assert all(isinstance(e, ValueError) for e in errors)
    with pytest.raises(ValueError):  # and the batcher serves the next caller
        Batcher(model)(["encore une question"])
