"""One settings object, read from environment variables and passed down explicitly.

Every field has a default and a one-line description. Unknown ``BOUSSOLE_*`` variables
fail loudly so that a typo is not silently ignored.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from core.errors import SettingsError

ENV_PREFIX = "BOUSSOLE_"


def project_root() -> Path:
    """The checkout (or install) folder; `data/` lives beside the packages."""
    return Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=lambda: project_root() / "data",
                           metadata={"help": "Folder holding sources/, index/ and feedback."})
    index_dir: Path | None = field(default=None, metadata={"help": "Index folder (default: DATA_DIR/index)."})
    sources: Path | None = field(default=None, metadata={"help": "Default folder to ingest (default: DATA_DIR/sources)."})
    model: str = field(default="intfloat/multilingual-e5-small",
                       metadata={"help": "sentence-transformers model name or local path."})
    model_dir: Path = field(default_factory=lambda: project_root() / "models",
                            metadata={"help": "Where the offline rebuild of the default model is written."})
    chunk_min_words: int = field(default=60, metadata={"help": "Passages shorter than this are merged when possible."})
    chunk_max_words: int = field(default=160, metadata={"help": "Hard upper bound on passage length."})
    chunk_target_words: int = field(default=90, metadata={"help": "Preferred passage length."})
    chunk_overlap_words: int = field(default=15, metadata={"help": "Words repeated from the previous passage."})
    title_fields: bool = field(default=True, metadata={"help": "Put the document title, section heading and themes into each passage's vector and BM25 text."})
    model_threads: int = field(default=0, metadata={"help": "Threads the model computes with (0: one per core it may use). Replicas sharing a machine: its cores divided by their number (deploy/)."})
    batch_size: int = field(default=8, metadata={"help": "Embedding batch size (small batches pad less: measured faster on CPU)."})
    k: int = field(default=8, metadata={"help": "Number of passages returned by default."})
    max_per_doc: int = field(default=2, metadata={"help": "At most this many passages of one document per result page."})
    rrf_k: int = field(default=60, metadata={"help": "Reciprocal-rank-fusion constant."})
    dense_weight: float = field(default=1.0, metadata={"help": "Weight of the dense ranking in fusion."})
    lexical_weight: float = field(default=0.2, metadata={"help": "Weight of the BM25 ranking in fusion."})
    fusion: str = field(default="zscore", metadata={"help": "How rankings are combined: 'rrf' or 'zscore'."})
    document_lexical_weight: float = field(default=0.2, metadata={"help": "Share of BM25 over whole documents in a document's score, beside its best dense passage (0: off)."})
    neighbour_windows: bool = field(default=True, metadata={"help": "Score each dense candidate by the best mean over the windows of two consecutive passages that hold it."})
    sentence_cache: int = field(default=20_000, metadata={"help": "Sentence vectors of cited excerpts kept in memory to compose answers (1.5 KB each; 0: none)."})
    candidates: int = field(default=100, metadata={"help": "Passages taken from each ranker before fusion."})
    abstain_threshold: float = field(default=0.0, metadata={"help": "Best dense cosine below this: no answer (0: calibrated per index)."})
    max_file_bytes: int = field(default=100 * 1024 * 1024, metadata={"help": "Files larger than this are refused."})
    max_pdf_pages: int = field(default=2000, metadata={"help": "PDFs with more pages are refused."})
    max_seconds_per_file: float = field(default=120.0, metadata={"help": "Extraction time limit per file."})
    sentence_vectors_up_to: int = field(default=200_000, metadata={"help": "Up to this many passages, a build stores a vector for each sentence an answer may quote; above, answers embed a sentence when they first cite it (kept in the sentence cache)."})
    hnsw_threshold: int = field(default=200_000, metadata={"help": "Above this many passages, use an HNSW index."})
    llm_url: str = field(default="", metadata={"help": "OpenAI-compatible endpoint base URL (optional)."})
    llm_model: str = field(default="", metadata={"help": "Model name sent to the LLM endpoint."})
    llm_api_key: str = field(default="", repr=False, metadata={"help": "Bearer token for the LLM endpoint."})
    llm_timeout: float = field(default=30.0, metadata={"help": "Seconds before the LLM call falls back."})
    harvest_delay: float = field(default=1.0, metadata={"help": "Seconds between two requests to a site being harvested."})
    harvest_max_pages: int = field(default=200, metadata={"help": "Listing pages a harvest reads per start address, at most."})
    harvest_timeout: float = field(default=60.0, metadata={"help": "Seconds a harvest request may take in all (slow servers are cut off)."})
    harvest_max_sitemaps: int = field(default=50, metadata={"help": "Sitemaps a harvest reads per start address, at most (beyond: that address is not read in full and withdraws nothing)."})
    harvest_run_timeout: float = field(default=6 * 3600.0, metadata={"help": "Seconds a whole harvest may take: past it, nothing more is fetched, what was not read in full withdraws nothing, and the writers' lock is released."})
    harvest_allow_private: bool = field(default=False, metadata={"help": "Let the harvester fetch loopback, private and link-local addresses (tests, an intranet)."})
    harvest_allow_networks: str = field(default="", metadata={"help": "Comma-separated networks the harvester may fetch besides public addresses (an intranet's range, e.g. 10.1.0.0/16)."})
    lock_wait: float = field(default=0.0, metadata={"help": "Seconds a writer (refresh, harvest, upload…) waits for another one to finish before giving up."})
    admin_password: str = field(default="", repr=False, metadata={"help": "Password of the Administration page."})
    max_upload_bytes: int = field(default=50 * 1024 * 1024, metadata={"help": "Largest file accepted by upload."})
    contact: str = field(default="", metadata={"help": "How to reach the resource centre (an e-mail address or a web page), shown to users."})
    api_keys: str = field(default="", repr=False, metadata={"help": "Comma-separated keys the HTTP API accepts as `Authorization: Bearer <key>` (empty: open)."})
    cors_origins: str = field(default="", metadata={"help": "Comma-separated web origins allowed to call the HTTP API from a browser (e.g. https://centre.example.org)."})
    state_url: str = field(default="", repr=False, metadata={"help": "redis://host:6379/0 (Redis or Valkey): the API rate limits and the login lockout shared by every replica and kept across restarts (empty: counted in each process's memory)."})
    api_rate_limit: str = field(default="60/minute", metadata={"help": "Requests the HTTP API accepts per key (or per address without keys), e.g. 60/minute."})
    page_rate_limit: str = field(default="120/minute", metadata={"help": "Page images (/fichiers/…/pages/…) served per address, e.g. 120/minute: a reader turns a page every few seconds at most."})
    insights: bool = field(default=False, metadata={"help": "Keep the questions Boussole declines and those whose answer gets a thumbs-down, scrubbed of personal data, for « Ce que cherchent les visiteurs » (off unless 1)."})
    insights_days: int = field(default=180, metadata={"help": "Days a kept question stays before it is deleted."})
    insights_rate_limit: str = field(default="10/hour", metadata={"help": "Questions kept per visitor's address, e.g. 10/hour: beyond, their questions are answered but not kept."})
    insights_max_questions: int = field(default=10_000, metadata={"help": "Kept questions at most: beyond, the oldest are deleted first."})
    public_url: str = field(default="", metadata={"help": "The web app's public address, for links in API answers (default: the address the request came to)."})

    def __post_init__(self):
        if not 0 <= self.document_lexical_weight < 1:
            raise SettingsError(
                f"BOUSSOLE_DOCUMENT_LEXICAL_WEIGHT={self.document_lexical_weight}: a share of the "
                "document score, expected at least 0 and below 1")

    @property
    def index_path(self) -> Path:
        return Path(self.index_dir) if self.index_dir else Path(self.data_dir) / "index"

    @property
    def sources_path(self) -> Path:
        return Path(self.sources) if self.sources else Path(self.data_dir) / "sources"

    @property
    def feedback_path(self) -> Path:
        return Path(self.data_dir) / "feedback.sqlite"

    def with_(self, **changes) -> "Settings":
        """A copy with some fields replaced; None values are ignored (unset CLI options)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        known = {f.name: f for f in fields(cls)}
        values = {}
        for key, raw in env.items():
            if not key.startswith(ENV_PREFIX):
                continue
            name = key[len(ENV_PREFIX):].lower()
            if name == "index":
                name = "index_dir"
            if name not in known:
                raise SettingsError(
                    f"Unknown setting {key}; known: "
                    + ", ".join(ENV_PREFIX + n.upper() for n in sorted(known)))
            values[name] = _parse(known[name], raw, key)
        return cls(**values)


def _parse(f: dataclasses.Field, raw: str, key: str):
    kind = str(f.type)
    try:
        if "Path" in kind:
            return Path(raw).expanduser()
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "bool":
            return _boolean(raw)
    except ValueError as exc:
        raise SettingsError(f"{key}={raw!r} is not a valid {kind}") from exc
    return raw


def _boolean(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on", "oui"):
        return True
    if value in ("0", "false", "no", "off", "non"):
        return False
    raise ValueError(raw)
