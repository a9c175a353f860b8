"""Memory of the served process at 1 M and 2 M passages, with the FAISS file memory-mapped or not.

    python benchmarks/memory.py [--sizes 1000000 2000000] [--queries 200]

For each size, a complete build is written by the refresh's own writer (``core.store.write_build``:
SQLite chunk store, vectors, FAISS — HNSW at these sizes —, BM25 over passages and over whole
documents) from synthetic data: 384-d vectors drawn around 5,000 centres (as in scale.py), one
document per 70 passages, passages of 30 words drawn from the vocabulary of the shared
fiches-travail pages with a Zipf law (shorter than real 90-word passages: the BM25 matrices are
smaller than a real corpus's, the rest is not). Builds are kept under /tmp/boussole-bench/.

Then, for each way of opening the FAISS file, a fresh process opens the build with
``retrieval.index.Index`` (what the web app and the CLI do) and runs dense + neighbour windows +
BM25 for ``--queries`` synthetic questions. It reports its resident memory after opening and after
the queries, split into anonymous memory (private to the process: what a copy of the index costs)
and file-backed memory (pages of the mapped files, shared with the page cache and reclaimable).
It also times that search (dense + windows + BM25, without embedding the question): the first
query, and p50 / p95 over the second half of the queries. The question embedding model is
measured once, alone. One JSON line per (size, flag), then one for the model.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import BENCH_INDEXES  # noqa: E402
from benchmarks.scale import CENTRES, DIM, synthetic  # noqa: E402

PASSAGES_PER_DOCUMENT = 70
WORDS_PER_PASSAGE = 30
FLAGS = {"IO_FLAG_MMAP (before)": "IO_FLAG_MMAP", "IO_FLAG_MMAP_IFC (now)": "IO_FLAG_MMAP_IFC"}


def vocabulary(shared: Path, size: int = 20_000) -> list[str]:
    """The most frequent words of the fiches-travail pages (real French, real frequencies)."""
    counts: dict[str, int] = {}
    for page in sorted((shared / "corpus" / "fiches-travail").glob("*.html"))[:150]:
        text = re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8", errors="ignore"))
        for word in re.findall(r"[a-zàâçéèêëîïôûùüÿœ]{3,}", text.lower()):
            counts[word] = counts.get(word, 0) + 1
    return [w for w, _ in sorted(counts.items(), key=lambda kv: -kv[1])[:size]]


def write_synthetic_build(index_dir: Path, n: int, shared: Path) -> None:
    from core.dense import build_dense
    from core.documents import Document, Metadata, Passage, Unit
    from core.formats import chunk_params
    from core.lexical import build_lexical
    from core.settings import Settings
    from core.store import FORMAT, IndexedDocument, Manifest, current_build, write_build

    if current_build(index_dir) is not None:
        return
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 1, (CENTRES, DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    vectors = synthetic(n, rng, centres)
    words = np.array(vocabulary(shared))
    zipf = 1 / np.arange(1, len(words) + 1)
    picks = rng.choice(len(words), size=(n, WORDS_PER_PASSAGE), p=zipf / zipf.sum())
    items, texts, whole = [], [], []
    for d, start in enumerate(range(0, n, PASSAGES_PER_DOCUMENT)):
        doc_id = f"doc{d:07d}"
        passage_texts = [" ".join(words[row]) + "." for row in picks[start:start + PASSAGES_PER_DOCUMENT]]
        body = "\n".join(passage_texts)
        passages, offset = [], 0
        for i, text in enumerate(passage_texts):
            passages.append(Passage(doc_id, i, 0, None, "", offset, offset + len(text), text))
            offset += len(text) + 1
        document = Document(doc_id, f"fiche-{d}.txt", "synthetique", "text",
                            Metadata(title=f"Fiche {d}", date="2024", type="fiche"), (Unit(body),), "")
        items.append(IndexedDocument(document, passages, vectors[start:start + len(passages)]))
        texts += passage_texts
        whole.append(body)
    settings = Settings()
    manifest = Manifest(build_id=f"synthetic-{n}", created_at="", model={"name": "synthetic"},
                        dimension=DIM, chunking=vars(chunk_params(settings)), identity="synthetic",
                        counts={"documents": len(items), "passages": n, "pages": 0},
                        roots={"synthetique": {"relative": ".", "absolute": str(index_dir)}}, format=FORMAT)
    started = time.perf_counter()
    write_build(index_dir, manifest, items, texts, whole,
                lambda v: build_dense(v, settings.hnsw_threshold), build_lexical)
    print(json.dumps({"built": n, "seconds": round(time.perf_counter() - started)}), file=sys.stderr, flush=True)


SERVE = r"""
import json, sys, time, numpy as np, faiss
sys.path.insert(0, sys.argv[1])
from benchmarks.scale import CENTRES, DIM, synthetic
import core.dense as dense
from retrieval.index import Index
from retrieval.search import dense_ranking, lexical_ranking
from retrieval.windows import window_ranking
flag = getattr(faiss, sys.argv[3])
dense.faiss.read_index = (lambda read: lambda path, _flags: read(path, flag | faiss.IO_FLAG_READ_ONLY))(faiss.read_index)

def memory():
    out = {}
    for line in open("/proc/self/status"):
        key = line.split(":")[0]
        if key in ("VmRSS", "RssAnon", "RssFile"):
            out[key] = round(int(line.split()[1]) / 1024)
    return out

start = memory()
index = Index.open(sys.argv[2])
opened = memory()
rng = np.random.default_rng(1)
centres = rng.normal(0, 1, (CENTRES, DIM)).astype(np.float32)
centres /= np.linalg.norm(centres, axis=1, keepdims=True)
queries = synthetic(int(sys.argv[4]), rng, centres)
words = list(index.lexical._model.vocab_dict)[:2000]
took = []
for i, q in enumerate(queries):
    started = time.perf_counter()
    ranking = dense_ranking(index, q[None, :], 100, None)
    window_ranking(index, q[None, :], ranking)
    lexical_ranking(index, [words[(7 * i) % len(words)], words[(13 * i) % len(words)]], 100, None)
    took.append((time.perf_counter() - started) * 1000)
last = sorted(took[len(took) // 2:])  # the second half: pages already in memory
print(json.dumps({"start": start, "opened": opened, "after_queries": memory(), "kind": index.manifest.dense["kind"],
                  "search_ms": {"first": round(took[0], 1), "p50": round(last[len(last) // 2], 1),
                                "p95": round(last[int(0.95 * (len(last) - 1))], 1)}}))
"""

MODEL = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
def rss():
    return round(int(next(l for l in open("/proc/self/status") if l.startswith("VmRSS")).split()[1]) / 1024)
from core.model import load_embedder
from core.settings import Settings
before = rss()
embedder = load_embedder(Settings.from_env())
embedder.embed_queries(["Comment intégrer l'égalité femmes-hommes dans nos actions ?"])
print(json.dumps({"model": embedder.source.name, "origin": embedder.source.origin, "rss_mb": rss() - before}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 2_000_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    for n in args.sizes:
        index_dir = BENCH_INDEXES / f"memory-{n}"
        write_synthetic_build(index_dir, n, args.shared)
        for label, flag in FLAGS.items():
            out = subprocess.run([sys.executable, "-c", SERVE, str(ROOT), str(index_dir), flag, str(args.queries)],
                                 capture_output=True, text=True, check=True)
            print(json.dumps({"passages": n, "faiss_open": label, **json.loads(out.stdout)}), flush=True)
    out = subprocess.run([sys.executable, "-c", MODEL, str(ROOT)], capture_output=True, text=True, check=True)
    print(out.stdout.strip(), flush=True)


if __name__ == "__main__":
    main()
