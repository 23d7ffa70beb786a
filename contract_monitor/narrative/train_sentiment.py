"""Train the sentiment model and write ``sentiment_model.json``. Needs scikit-learn (dev extra).

    python -m contract_monitor.narrative.train_sentiment --fft ../shared/data/nhs_fft_comments_v6.csv

Training data, all fixed by hashes so the run is reproducible:
- NHS FFT comments (MIT licence, pxtextmining) whose Comment ID falls OUTSIDE the held-out
  bucket (``fft.is_held_out``); labels 1-2 positive, 3 neutral, 4-5 negative;
- the synthetic sample comments (``sample_data/narrative_feedback.csv``) with a rating, outside
  the held-out bucket of their feedback_id, so the model knows the product's own vocabulary
  (visits, carers, keyworkers); their weight is a hyper-parameter;
- ``workforce_sentences.csv``: hand-written, labelled sentences in the voice of front-line staff
  (burnout, sickness, cover, supervision, morale). FFT comments are patients' words about services;
  without these the model read "everyone is burnt out" as positive and "morale is the best it has
  been" as negative. They carry the sample comments' weight. They are written apart from the sample
  generator's staff lines (a test checks none is copied), so the generator's staff comments remain a
  test set the model never trained on (tests/test_narrative_tagging.py).

Hyper-parameters (C, class weighting, sample weight) are chosen by 5-fold cross-validation on
the FFT TRAINING rows only (macro-F1); the held-out bucket is never read here.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
from collections import Counter
from pathlib import Path

import numpy as np

from .. import settings
from . import fft
from .sentiment import CLASSES, MODEL_PATH
from .text import features

SEED = 20251125
MIN_DF = 2
RATING_SENTIMENT = {"1": "positive", "2": "positive", "3": "neutral", "4": "negative", "5": "negative"}


def sample_comments(path: Path) -> list[tuple[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            (row["text"], RATING_SENTIMENT[row["rating"]])
            for row in csv.DictReader(handle)
            if row["rating"] in RATING_SENTIMENT and not fft.is_held_out(row["feedback_id"])
        ]


WORKFORCE_PATH = Path(__file__).with_name("workforce_sentences.csv")


def workforce_sentences(path: Path = WORKFORCE_PATH) -> list[tuple[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [(row["text"], row["sentiment"]) for row in csv.DictReader(handle)]


def vectoriser(docs: list[list[str]]):
    from scipy import sparse

    df = Counter(f for doc in docs for f in set(doc))
    vocab = sorted(f for f, n in df.items() if n >= MIN_DF)
    index = {f: i for i, f in enumerate(vocab)}
    n = len(docs)
    idf = np.array([math.log((1 + n) / (1 + df[f])) + 1 for f in vocab])

    def transform(batch: list[list[str]]):
        rows, cols = [], []
        for i, doc in enumerate(batch):
            found = {index[f] for f in doc if f in index}
            rows += [i] * len(found)
            cols += sorted(found)
        x = sparse.csr_matrix((idf[cols], (rows, cols)), shape=(len(batch), len(vocab)))
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        norms[norms == 0] = 1
        return sparse.diags(1 / norms) @ x

    return vocab, idf, transform


def fit(docs, labels, weights, c, class_weight):
    from sklearn.linear_model import LogisticRegression

    vocab, idf, transform = vectoriser(docs)
    model = LogisticRegression(C=c, class_weight=class_weight, max_iter=2000, random_state=SEED)
    model.fit(transform(docs), labels, sample_weight=weights)
    return vocab, idf, transform, model


def main(argv: list[str] | None = None) -> int:
    from sklearn.metrics import f1_score

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fft", required=True, type=Path)
    parser.add_argument("--sample", type=Path, default=settings.SAMPLE_DATA_DIR / "narrative_feedback.csv")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)

    rows, _topics = fft.read(args.fft)
    train = [r for r in rows if r.sentiment and not fft.is_held_out(r.comment_id)]
    extra = sample_comments(args.sample) + workforce_sentences()
    fft_docs = [features(r.text) for r in train]
    fft_labels = np.array([r.sentiment for r in train])
    extra_docs = [features(t) for t, _ in extra]
    extra_labels = np.array([s for _, s in extra])
    print(
        f"training rows: {len(train)} FFT (held-out bucket excluded) + {len(extra)} sample comments"
        " and workforce sentences"
    )

    rng = np.random.default_rng(SEED)
    folds = rng.permutation(len(train)) % 5
    grid = list(itertools.product((3.0, 10.0), ("balanced",), (0.0, 0.3, 1.0)))
    results = []
    for c, cw, sw in grid:
        scores = []
        for k in range(5):
            tr = np.flatnonzero(folds != k)
            va = np.flatnonzero(folds == k)
            docs = [fft_docs[i] for i in tr] + (extra_docs if sw else [])
            labels = np.concatenate([fft_labels[tr], extra_labels if sw else np.array([], dtype=str)])
            weights = np.concatenate([np.ones(len(tr)), np.full(len(extra_docs) if sw else 0, sw)])
            _v, _i, transform, model = fit(docs, labels, weights, c, cw)
            pred = model.predict(transform([fft_docs[i] for i in va]))
            scores.append(f1_score(fft_labels[va], pred, average="macro"))
        results.append((float(np.mean(scores)), c, cw, sw))
        print(f"C={c:<5} class_weight={cw!s:<9} sample_weight={sw:<4} cv macro-F1={np.mean(scores):.3f}")
    # the product tags care and support comments, not only NHS ones: among settings within
    # 0.01 of the best cross-validated macro-F1, prefer the one that also learns from the sample
    top = max(r[0] for r in results)
    best, c, cw, sw = max((r for r in results if r[0] >= top - 0.01), key=lambda r: (r[3], r[0]))
    print(f"chosen: C={c} class_weight={cw} sample_weight={sw} (cv macro-F1 {best:.3f})")

    docs = fft_docs + (extra_docs if sw else [])
    labels = np.concatenate([fft_labels, extra_labels if sw else np.array([], dtype=str)])
    weights = np.concatenate([np.ones(len(fft_docs)), np.full(len(extra_docs) if sw else 0, sw)])
    vocab, idf, _transform, model = fit(docs, labels, weights, c, cw)
    order = [list(model.classes_).index(k) for k in CLASSES]
    coef = model.coef_[order]
    keep = np.flatnonzero(np.abs(coef).max(axis=0) > 1e-4)
    payload = {
        "classes": list(CLASSES),
        "description": "Multinomial logistic regression over TF-IDF negation-marked unigrams+bigrams "
        "(contract_monitor/narrative/train_sentiment.py).",
        "training": {
            "fft_rows": len(train),
            "sample_rows": len(extra) if sw else 0,  # sample comments and workforce sentences
            "split": "SHA-256(Comment ID / feedback_id)[:8] mod 5; bucket 0 held out, never used",
            "chosen": {"C": c, "class_weight": cw, "sample_weight": sw, "cv_macro_f1": round(best, 4)},
            "seed": SEED,
            "licence": "derived from NHS FFT comments (pxtextmining, MIT licence), synthetic sample data"
            " and the project's workforce sentences",
        },
        "vocabulary": [vocab[j] for j in keep],
        "idf": [round(float(idf[j]), 5) for j in keep],
        "coef": [[round(float(v), 5) for v in coef[k, keep]] for k in range(len(CLASSES))],
        "intercept": [round(float(v), 5) for v in model.intercept_[order]],
    }
    args.out.write_text(json.dumps(payload, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {len(keep)} features, {args.out.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
