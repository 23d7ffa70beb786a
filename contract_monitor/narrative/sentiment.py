"""Sentiment of a comment: positive / neutral / negative and a score from -1 to 1.

The model is a multinomial logistic regression over TF-IDF weighted, negation-marked unigrams
and bigrams (``text.features``), trained by ``train_sentiment.py`` and shipped as plain JSON
(vocabulary, idf weights, coefficients), so tagging needs only numpy: no download, no pickle,
no scikit-learn at run time. The score is P(positive) - P(negative).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .text import features

MODEL_PATH = Path(__file__).with_name("sentiment_model.json")
CLASSES = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class Model:
    index: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray  # (n_features, 3) in CLASSES order
    intercept: np.ndarray  # (3,)
    meta: dict

    def scores(self, texts: list[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
        """(label per text, score per text in [-1, 1], class probabilities (n, 3))."""
        n = len(texts)
        lookup = self.index.get
        cols: list[int] = []
        starts = np.zeros(n + 1, dtype=np.int64)
        for i, text in enumerate(texts):
            found = {j for j in map(lookup, features(text or "")) if j is not None}
            cols.extend(found)
            starts[i + 1] = len(cols)
        cols_a = np.asarray(cols, dtype=np.int64)
        weights = self.idf[cols_a]
        rows = np.repeat(np.arange(n), np.diff(starts))
        norms = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=n))
        norms[norms == 0] = 1.0
        logits = np.zeros((n, len(CLASSES)))
        contrib = self.coef[cols_a] * weights[:, None]
        for k in range(len(CLASSES)):
            logits[:, k] = np.bincount(rows, weights=contrib[:, k], minlength=n)
        logits = logits / norms[:, None] + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        labels = [CLASSES[k] for k in probs.argmax(axis=1)]
        score = probs[:, 2] - probs[:, 0]
        return labels, score, probs


def load(path: Path = MODEL_PATH) -> Model:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if tuple(data["classes"]) != CLASSES:
        raise ValueError(f"{path}: expected classes {CLASSES}, found {data['classes']}")
    vocab = data["vocabulary"]
    return Model(
        index={term: i for i, term in enumerate(vocab)},
        idf=np.asarray(data["idf"], dtype=np.float64),
        coef=np.asarray(data["coef"], dtype=np.float64).T.copy(),
        intercept=np.asarray(data["intercept"], dtype=np.float64),
        meta={k: v for k, v in data.items() if k not in ("vocabulary", "idf", "coef", "intercept")},
    )


@lru_cache(maxsize=1)
def default_model() -> Model:
    return load()


def classify(texts: list[str]) -> tuple[list[str], np.ndarray]:
    """Labels and scores for ``texts`` with the shipped model."""
    labels, score, _ = default_model().scores(texts)
    return labels, score
