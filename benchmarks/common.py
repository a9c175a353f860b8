"""What the benchmark scripts share: where the shared corpus is, and an index built once."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.settings import Settings  # noqa: E402
from core.store import current_build  # noqa: E402
from ingest.refresh import refresh  # noqa: E402

# where benchmark indexes are built (BENCH_INDEXES: another folder, e.g. for indexes of a sample)
BENCH_INDEXES = Path(os.environ.get("BENCH_INDEXES", "/tmp/boussole-bench"))
# The passage sizes before 90 words became the default, kept as an ablation row.
# A benchmark index's folders, when not the shared corpus folder of its name: the bundled notices
# with the loi texts, as `make run` serves them with the law added.
# The mixed collection a centre's staff would build: its notices, the loi texts and another
# producer's guides (Etalab) in one index.
BENCH_FOLDERS = {"seed-loi": lambda shared: [ROOT / "data" / "sources", shared / "corpus" / "loi-ville-2014"],
                 "seed-loi-etalab": lambda shared: [ROOT / "data" / "sources", shared / "corpus" / "loi-ville-2014",
                                                    shared / "corpus" / "etalab-guides"]}
PREVIOUS_PASSAGES = {"chunk_min_words": 120, "chunk_target_words": 170, "chunk_max_words": 300,
                     "chunk_overlap_words": 25}


def corpus_arguments(description: str, corpus: str, extra=None) -> argparse.Namespace:
    """--index (default /tmp/boussole-bench/<corpus>) and --shared (default ../shared); ``extra``
    adds a script's own options to the parser."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--index", type=Path, default=BENCH_INDEXES / corpus)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--questions", type=int, default=0, help="Use only the first N questions (0: all).")
    if extra:
        extra(parser)
    args = parser.parse_args()
    args.corpus = corpus
    return args


def indexed_settings(args: argparse.Namespace, **changes) -> Settings:
    """Settings pointing at the benchmark index, built from the shared corpus if missing."""
    settings = Settings.from_env().with_(index_dir=args.index, **changes)
    if current_build(args.index) is None:
        refresh(settings, bench_folders(args.shared, args.corpus), show_bars=True)
    return settings


def bench_folders(shared: Path, corpus: str) -> list[Path]:
    """The folders a benchmark index is built from; a missing one is an error, not an empty index."""
    folders = BENCH_FOLDERS[corpus](shared) if corpus in BENCH_FOLDERS else [shared / "corpus" / corpus]
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        raise SystemExit(f"no such corpus folder: {', '.join(missing)} (--shared points at ../shared)")
    return folders


def variant_path(base: Path, changes: dict) -> Path:
    """Where an index built with other settings lives: beside ``base``, named by the changes."""
    if not changes:
        return base
    suffix = "-".join(f"{k}={v}" for k, v in sorted(changes.items()))
    return base.with_name(f"{base.name}-{suffix}")
