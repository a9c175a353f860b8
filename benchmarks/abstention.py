"""Abstention per index composition: off-topic questions declined, on-topic ones wrongly declined.

    python benchmarks/abstention.py            # before (threshold + known share) and now (learned), one run
    python benchmarks/abstention.py --previous old-model.json  # a learned model of before reported beside
    python benchmarks/abstention.py --train    # fit the learned decision on the dev halves: core/abstention-model.json
    python benchmarks/abstention.py --choose   # the grid on the dev halves that chose the threshold rule's parameters

Compositions (indexes under /tmp/boussole-bench/, built once if missing): the seed notices alone;
seed + loi; seed + loi + the eight Etalab guides; fiches-travail; service-public. Off-topic
questions: the bank written for this (data/eval/offtopic-bank-{dev,heldout}.jsonl, twelve
categories), the 535 service-public questions and the fiches-travail question-headings (written
by other people, split in halves by a hash of their text), the older off-topic sets. Each
composition is measured on the off-topic questions it does not cover: the fiches-travail index
covers the bank's « travail » category, the headings and (in part) the service-public questions;
the service-public index covers « demarches », « travail », « logement-perso », its questions and
the headings. On-topic: data/eval/questions.jsonl and the answerable facts-*.jsonl questions of
the composition; the headings for fiches-travail; the service-public questions for service-public.
Only dev halves choose anything (``--choose``, ``--train``); held-out halves are only measured.

The learned decision (``--train``): a logistic regression (scikit-learn) over the named features
of ``core.abstention.FEATURES``, fitted on the dev halves of the five compositions pooled (each
composition's off-topic and on-topic questions weighing the same in total), so that it carries to
any collection; its probability threshold is the one that declines at most 5 % of each
composition's on-topic dev questions and, among those, the most of the bank where it declines
least. ``--train`` then fits it again leaving each composition out (fit and threshold on the four
others) and prints that composition's dev half: how the model does on a collection it never saw. The « before » column is the rule it replaced, with the
threshold the benchmark index's build recorded.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import pickle
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import BENCH_INDEXES, ROOT, indexed_settings  # noqa: E402
from core.abstention import (  # noqa: E402
    FEATURES,
    KNOWN_SHARE,
    MARGIN,
    MODEL_FILE,
    PROBES,
    QUANTILE,
    Evidence,
    Model,
    calibrate,
    declines,
    features,
    load_model,
    load_probes,
    threshold_from,
)
from core.logistic import LogisticModel  # noqa: E402
from core.model import load_embedder  # noqa: E402
from core.settings import Settings  # noqa: E402
from retrieval.index import IndexHandle  # noqa: E402
from retrieval.search import Searcher, search_text  # noqa: E402

# Questions of the other people's sets that are on the centre's subject after all (read by hand
# among those naming quartiers, QPV, conseils citoyens, contrats de ville, emploi franc, égalité).
ON_THE_CENTRE_S_SUBJECT = {
    "Qu'est-ce qu'un emploi franc ?",  # hiring a resident of a quartier prioritaire
    "Qu’est-ce que l’Index de l’égalité professionnelle entre les femmes et les hommes ?",
    "Qui est concerné par le principe d’égalité de rémunération entre les femmes et les hommes ?",
    "Comment contrôler l'égalité de rémunération ?",
    "Quelles sont les règles en matière d'égalité de rémunération et de déroulement de carrière ?",
}
SEED_COMPOSITIONS = ("seed", "seed-loi", "seed-loi-etalab")
# composition: (the facts-*.jsonl corpora it answers, bank categories and other sets it covers)
COMPOSITIONS = {
    "seed": ({"seed-loi:seed"}, set()),
    "seed-loi": ({"seed-loi:seed", "seed-loi"}, set()),
    "seed-loi-etalab": ({"seed-loi:seed", "seed-loi", "etalab-guides"}, set()),
    "fiches-travail": ({"fiches-travail"}, {"travail", "fiches-travail", "service-public"}),
    "service-public": (set(), {"demarches", "travail", "logement-perso", "service-public", "fiches-travail"}),
}
GRID = {"quantile": (0.9, 0.95, 0.98), "margin": (-0.01, -0.005, 0.0, 0.005, 0.01),
        "known_share": (0.0, 0.2, 0.3, 0.4, 0.5)}
WRONGLY_DECLINED_AT_MOST = 0.05
# One question-heading in four (about 260): this shared machine embeds a few questions a second.
HEADINGS_EVERY = 4


class RememberedQuestions:
    """The model, with the questions' vectors kept on disk between runs (this machine embeds a
    few questions a second when shared): the same vectors the model gives, looked up."""

    def __init__(self, embedder, path: Path):
        self.embedder, self.path = embedder, path
        self.dimension, self.source = embedder.dimension, embedder.source
        saved = pickle.loads(path.read_bytes()) if path.exists() else {}
        self.vectors = saved.get("vectors", {}) if saved.get("model") == embedder.source.name else {}

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self.vectors))
        if missing:
            self.vectors.update(zip(missing, self.embedder.embed_queries(missing)))
            self.path.write_bytes(pickle.dumps({"model": self.embedder.source.name, "vectors": self.vectors}))
        return np.stack([self.vectors[t] for t in texts])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.embedder.embed_passages(texts)


@dataclass(frozen=True)
class Question:
    text: str
    source: str  # a bank category, "service-public", "fiches-travail", "questions", "facts:<corpus>"…
    half: str  # "dev" or "heldout"
    on_topic: bool = False


@dataclass
class Measured:
    question: Question
    best_dense: float
    known_share: float
    found: bool  # some passage at all
    declined: bool  # by the product, as it runs
    evidence: Evidence | None = None


def half(text: str) -> str:
    return "dev" if hashlib.sha1(text.encode()).digest()[0] % 2 == 0 else "heldout"


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def bank() -> list[Question]:
    return [Question(r["question"], r["category"], name)
            for name in ("dev", "heldout") for r in jsonl(ROOT / "data" / "eval" / f"offtopic-bank-{name}.jsonl")]


def service_public(shared: Path) -> list[Question]:
    return [Question(r["question"], "service-public", half(r["question"]))
            for r in jsonl(shared / "eval" / "service-public" / "questions.jsonl")]


def fiches_headings(shared: Path) -> list[Question]:
    """The question-headings of the labour ministry's pages, one in ``HEADINGS_EVERY``."""
    found = []
    for page in sorted((shared / "corpus" / "fiches-travail").glob("*.html")):
        for heading in lxml.html.fromstring(page.read_bytes()).iter("h2", "h3", "h4"):
            text = " ".join(heading.text_content().split())
            if text.endswith("?"):
                found.append(Question(text, "fiches-travail", half(text)))
    return list(dict.fromkeys(found))[::HEADINGS_EVERY]


def our_sets() -> list[Question]:
    """data/eval/questions.jsonl (dev, both kinds), the older off-topic held-out set, the facts."""
    questions = [Question(r["question"], "questions" if r["relevant"] else "questions-off", "dev")
                 for r in jsonl(ROOT / "data" / "eval" / "questions.jsonl")]
    questions += [Question(r["question"], "offtopic-heldout", "heldout")
                  for r in jsonl(ROOT / "data" / "eval" / "offtopic-heldout.jsonl")]
    for name in ("facts-dev", "facts-dev2", "facts-heldout"):
        for r in jsonl(ROOT / "data" / "eval" / f"{name}.jsonl"):
            if r.get("answer"):
                seed_only = r["corpus"] == "seed-loi" and not r["source"].startswith("loi-ville")
                questions.append(Question(r["question"], f"facts:{r['corpus']}" + (":seed" if seed_only else ""),
                                          "heldout" if name == "facts-heldout" else "dev"))
    return questions


def questions_for(composition: str, every: list[Question]) -> list[Question]:
    """The composition's on-topic questions and the off-topic ones it does not cover."""
    facts, covered = COMPOSITIONS[composition]
    chosen = []
    for q in every:
        if q.text in ON_THE_CENTRE_S_SUBJECT:
            continue
        if composition in SEED_COMPOSITIONS and q.source == "questions" or q.source.startswith("facts:"):
            answered_here = q.source == "questions" or q.source[len("facts:"):] in facts
            if answered_here:
                chosen.append(Question(q.text, q.source, q.half, True))
        elif q.source == composition:  # the headings on their index, the service-public questions on theirs
            chosen.append(Question(q.text, q.source, q.half, True))
        elif q.source not in covered and q.source != "questions":
            chosen.append(q)
    return chosen


def measure(searcher: Searcher, questions: list[Question]) -> list[Measured]:
    out = []
    for q in questions:
        r = searcher.search(q.text)
        out.append(Measured(q, r.best_dense, r.known_share, bool(r.documents), r.no_answer, r.evidence))
    return out


def declined(m: Measured, threshold: float, known_share: float) -> bool:
    """The rule of retrieval/search.py on the measured evidence."""
    return not m.found or m.best_dense < threshold or m.known_share < known_share


def share(rows: list[Measured], decide) -> tuple[float, int]:
    return (float(np.mean([decide(m) for m in rows])) if rows else float("nan")), len(rows)


def groups(rows: list[Measured], part: str) -> dict[str, list[Measured]]:
    """The rows of one half by kind: the bank, the other people's off-topic questions, on-topic."""
    rows = [m for m in rows if m.question.half == part]
    others = {"service-public", "fiches-travail", "questions-off", "offtopic-heldout"}
    return {"bank": [m for m in rows if not m.question.on_topic and m.question.source not in others],
            "others off": [m for m in rows if not m.question.on_topic and m.question.source in others],
            "on-topic": [m for m in rows if m.question.on_topic]}


def probe_scores(searcher: Searcher, embedder, texts: list[str]) -> np.ndarray:
    best, _ = searcher.handle.get().dense.search(embedder.embed_queries(texts), 1)
    return best[:, 0]


def run(args) -> None:
    every = bank() + service_public(args.shared) + fiches_headings(args.shared) + our_sets()
    model = load_embedder(Settings.from_env())
    embedder = RememberedQuestions(model, BENCH_INDEXES / "abstention-question-vectors.pkl")
    t0 = time.perf_counter()
    embedder.embed_queries([search_text(q.text)[0] for q in every] + [p.question for p in load_probes()] + PROBES)
    print(f"{len(every)} questions embedded in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    probes = load_probes()
    results = {}
    for composition in args.compositions:
        settings = indexed_settings(argparse.Namespace(index=BENCH_INDEXES / composition, shared=args.shared,
                                                       corpus=composition))
        plain = Searcher(settings, embedder, IndexHandle(settings.index_path))
        t0 = time.perf_counter()
        vectors = model.embed_queries([p.question for p in probes])  # as a build does, timed
        seconds = time.perf_counter() - t0
        now = calibrate(plain.handle.get().dense, vectors, [p.category for p in probes])
        best = probe_scores(plain, embedder, [p.question for p in probes])
        # the rule replaced: the threshold this benchmark index's build recorded, the known share
        before = float(plain.handle.get().manifest.dense.get("abstention", {}).get("threshold", 0.0))
        # this code's calibration, as a build now records it; the decision the product takes on it
        plain.handle.get().manifest.dense["abstention"] = now
        searcher = (Searcher(settings.with_(abstain_threshold=now["threshold"]), embedder, plain.handle)
                    if args.choose or args.train else plain)
        rows = measure(searcher, questions_for(composition, every))
        if not (args.choose or args.train):
            assert all(m.declined == learned_declined(m, now) for m in rows)
        results[composition] = (rows, best, before, now, seconds)
    if args.choose:
        choose(results, [p.category for p in probes])
    elif args.train:
        train(results)
    else:
        report(results, args.previous and Model.from_json(json.loads(args.previous.read_text(encoding="utf-8"))))


def learned_declined(m: Measured, calibration: dict) -> bool:
    """The product's decision on a build calibrated with ``calibration``."""
    return not m.found or declines(m.evidence, {"abstention": calibration}, 0.0)


def train(results) -> None:
    """Fit the learned decision on the dev halves pooled, choose its threshold, write the model;
    then the same fit left one composition out, measured on that composition's dev half."""
    data = fit(results, list(results))
    path = ROOT / "core" / MODEL_FILE
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    load_model.cache_clear()
    print(json.dumps({k: data[k] for k in ("weights", "intercept", "threshold")}, indent=1))
    model = load_model()
    for composition, (rows, _, _, now, _) in results.items():
        g = groups(rows, "dev")
        decide = lambda m: learned_declined(m, now)  # noqa: E731
        print(f"  dev {composition}: bank {share(g['bank'], decide)[0]:.1%}, others off "
              f"{share(g['others off'], decide)[0]:.1%}, on-topic wrongly {share(g['on-topic'], decide)[0]:.1%}")
    print("left out of the fit and of the threshold's choice (dev halves):")
    for left_out in results:
        tried = Model.from_json(fit(results, [c for c in results if c != left_out]))
        rows, _, _, now, _ = results[left_out]
        g = groups(rows, "dev")
        decide = lambda m: decided(tried, m, now)  # noqa: E731
        print(f"  {left_out}: bank {share(g['bank'], decide)[0]:.1%}, others off "
              f"{share(g['others off'], decide)[0]:.1%}, on-topic wrongly {share(g['on-topic'], decide)[0]:.1%} "
              f"(threshold {tried.threshold})")
    assert model.threshold == data["threshold"]
    print(f"written to {path}")


def fit(results, compositions: list[str]) -> dict:
    """The logistic regression on the dev halves of ``compositions`` pooled (within each, the
    bank, the other off-topic questions and the on-topic ones weigh the same in total), with its
    probability threshold chosen on the same dev halves (``choose_probability``)."""
    from sklearn.linear_model import LogisticRegression
    names = list(FEATURES)
    x, y, weight = [], [], []
    for composition in compositions:
        rows, _, _, now, _ = results[composition]
        for kind, part in groups(rows, "dev").items():
            # the questions the hard rules decide (no passage, no known word) teach nothing
            part = [m for m in part if m.found and m.known_share > 0]
            for m in part:
                named = features(m.evidence, now)
                x.append([named[f] for f in names])
                y.append(kind != "on-topic")
                weight.append(1 / len(part))
    x, y, weight = np.array(x), np.array(y), np.array(weight)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    fitted = LogisticRegression(C=1.0, max_iter=1000).fit((x - mean) / scale, y, sample_weight=weight)
    logistic = LogisticModel(tuple(names), tuple(map(float, fitted.coef_[0])), float(fitted.intercept_[0]),
                             tuple(map(float, mean)), tuple(map(float, scale)))
    data = {**logistic.to_json(), "threshold": 0.5,
            "trained_on": {c: {k: len(v) for k, v in groups(results[c][0], "dev").items()} for c in compositions}}
    data["threshold"] = choose_probability(Model.from_json(data), {c: results[c] for c in compositions})
    return data


def decided(model: Model, m: Measured, calibration: dict) -> bool:
    """``model``'s decision, with the hard rules the product applies before it. The measures a
    model of before weighed and the current one no longer does (``known_share``) are given too."""
    if not m.found or m.known_share == 0:
        return True
    named = features(m.evidence, calibration) | {"known_share": m.evidence.known_share}
    return model.probability(named) >= model.threshold


def choose_probability(model: Model, results) -> float:
    """The probability threshold on the dev halves: of those declining at most 5 % of every
    composition's on-topic questions, the one declining the most of the bank where it declines
    least, then the most other off-topic questions."""
    scored = []
    probabilities = {c: [(m, None if not m.found or m.known_share == 0 else model.probability(features(m.evidence, r[3])))
                         for m in r[0] if m.question.half == "dev"] for c, r in results.items()}
    for threshold in np.round(np.arange(0.05, 0.96, 0.01), 2):
        worst_bank, worst_wrong, others = 1.0, 0.0, []
        for composition, (rows, *_rest) in results.items():
            said = {id(m): p is None or p >= threshold for m, p in probabilities[composition]}
            g = groups(rows, "dev")
            decide = lambda m: said[id(m)]  # noqa: E731
            worst_bank = min(worst_bank, share(g["bank"], decide)[0])
            worst_wrong = max(worst_wrong, share(g["on-topic"], decide)[0])
            others.append(share(g["others off"], decide)[0])
        scored.append((worst_wrong <= WRONGLY_DECLINED_AT_MOST, worst_bank, float(np.nanmean(others)), float(threshold)))
    return max(scored)[3]


def report(results, previous: Model | None = None) -> None:
    """Held-out declined per composition: the threshold rule, the ``previous`` learned model when
    given (``--previous``), the decision as the product now takes it."""
    steps = "rule → previous model → now" if previous else "rule → now"
    print(f"| composition | threshold before → now | bank categories left out | "
          f"bank held-out declined ({steps}) | other off-topic held-out declined | "
          f"on-topic wrongly declined (dev / held-out) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for composition, (rows, _, before, now, seconds) in results.items():
        deciders = [lambda m: declined(m, before, KNOWN_SHARE)]
        if previous:
            deciders.append(lambda m: decided(previous, m, now))
        deciders.append(lambda m: m.declined)

        def cell(part: str, kind: str) -> str:
            rates = [share(groups(rows, part)[kind], decide) for decide in deciders]
            return " → ".join(f"{r:.1%}" for r, _ in rates[:-1]) + f" → **{rates[-1][0]:.1%}** (n={rates[-1][1]})"
        print(f"| {composition} | {before:.4f} → {now['threshold']:.4f} | {', '.join(now['covered']) or '—'} | "
              f"{cell('heldout', 'bank')} | {cell('heldout', 'others off')} | "
              f"{cell('dev', 'on-topic')} / {cell('heldout', 'on-topic')} |", flush=True)
    print("\ndev halves (what chose the parameters), " + steps + ":")
    for composition, (rows, _, before, now, _) in results.items():
        g = groups(rows, "dev")
        deciders = [lambda m: declined(m, before, KNOWN_SHARE)]
        if previous:
            deciders.append(lambda m: decided(previous, m, now))
        deciders.append(lambda m: m.declined)
        line = lambda kind: " → ".join(f"{share(g[kind], d)[0]:.1%}" for d in deciders)  # noqa: E731
        print(f"  {composition}: bank {line('bank')}, others off {line('others off')}, "
              f"on-topic wrongly {line('on-topic')}")
    print("\nbank embedding at build (216 questions, this machine, now): "
          + ", ".join(f"{c} {r[4]:.1f} s" for c, r in results.items()))


def choose(results, categories: list[str]) -> None:
    """Every setting of the grid on the dev halves: the one declining the most of the bank on
    the composition where it declines least, on-topic wrongly declined at most 5 % on each."""
    scored = []
    for quantile, margin, known in itertools.product(*GRID.values()):
        worst_bank, worst_wrong, others = 1.0, 0.0, []
        for rows, best, *_ in results.values():
            threshold = threshold_from(best, categories, quantile, margin)["threshold"]
            g = groups(rows, "dev")
            decide = lambda m: declined(m, threshold, known)  # noqa: E731
            worst_bank = min(worst_bank, share(g["bank"], decide)[0])
            worst_wrong = max(worst_wrong, share(g["on-topic"], decide)[0])
            others.append(share(g["others off"], decide)[0])
        scored.append((worst_wrong <= WRONGLY_DECLINED_AT_MOST, worst_bank, float(np.mean(others)), -worst_wrong,
                       quantile, margin, known))
    scored.sort(reverse=True)
    print("| quantile | margin | known share | bank declined (worst composition) | other off-topic (mean) | "
          "on-topic wrongly declined (worst) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for ok, bank_rate, others, wrong, quantile, margin, known in scored[:15]:
        print(f"| {quantile} | {margin} | {known} | {bank_rate:.1%} | {others:.1%} | {-wrong:.1%}{'' if ok else ' (over 5 %)'} |")
    print(f"\nnow in core/abstention.py: QUANTILE={QUANTILE}, MARGIN={MARGIN}, KNOWN_SHARE={KNOWN_SHARE}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--choose", action="store_true", help="print the grid on the dev halves")
    parser.add_argument("--train", action="store_true", help="fit the learned decision on the dev halves")
    parser.add_argument("--previous", type=Path, help="a learned model of before (its JSON) to report beside")
    parser.add_argument("compositions", nargs="*", default=list(COMPOSITIONS))
    run(parser.parse_args())


if __name__ == "__main__":
    main()
