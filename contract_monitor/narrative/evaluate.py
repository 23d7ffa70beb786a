"""``contract-monitor evaluate-narrative``: sentiment and themes against human labels.

By default only the held-out split (``fft.is_held_out``: bucket 0 of the Comment ID hash) is
scored, because the shipped sentiment model was trained on the other buckets. ``--all-rows``
scores every row, which is honest only for a file the model never saw.

Sentiment: 3-class macro-F1 and confusion matrix, with a majority-class baseline. Themes: for
each codebook theme mapped to FFT topics (``fft_topics`` in the codebook), precision, recall
and F1 where the gold label is "any of its mapped topics is marked", with a baseline that tags
every comment with the theme; micro-F1 over all mapped themes. Throughput: comments per second
for the whole build-time tagging (sentiment + themes + redaction) of distinct texts, in one process
(sentiment and redaction in Python, themes in DuckDB), best of 3.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from . import enrich, fft, sentiment, themes

LABELS = sentiment.CLASSES


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def macro_f1(gold: list[str], pred: list[str]) -> float:
    f1s = []
    for label in LABELS:
        s = Scores()
        for g, p in zip(gold, pred, strict=True):
            s.tp += g == label and p == label
            s.fp += g != label and p == label
            s.fn += g == label and p != label
        f1s.append(s.f1)
    return sum(f1s) / len(f1s)


def confusion(gold: list[str], pred: list[str]) -> dict[str, Counter]:
    out = {g: Counter() for g in LABELS}
    for g, p in zip(gold, pred, strict=True):
        out[g][p] += 1
    return out


def _letters(i: int) -> str:
    """``i`` written in the letters a-z (no digits, which would send every text through redaction)."""
    out = ""
    while True:
        i, r = divmod(i, 26)
        out = chr(97 + r) + out
        if not i:
            return out


def throughput(texts: list[str], codebook: list[themes.Theme], target: int = 20_000) -> float:
    """Comments per second for the full build-time tagging, best of three runs over ``target`` comments."""
    if not texts:
        return 0.0
    # every text made distinct: the build tags each distinct text once, so repeats would be free
    batch = [f"{t} {_letters(i)}" for i, t in enumerate((texts * (target // len(texts) + 1))[:target])]
    enrich.tag_texts(batch[:100], codebook)  # warm caches (model and people list loaded once)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        enrich.tag_texts(batch, codebook)
        best = min(best, time.perf_counter() - started)
    return len(batch) / best


def evaluate(path: Path, all_rows: bool = False, codebook_path: Path | None = None, speed: bool = True) -> dict:
    rows, topics = fft.read(path)
    rows = rows if all_rows else [r for r in rows if fft.is_held_out(r.comment_id)]
    codebook = themes.load(codebook_path)
    known = set(topics)
    mapped = [t for t in codebook if t.fft_topics and set(t.fft_topics) & known]

    labelled = [r for r in rows if r.sentiment]
    pred, _ = sentiment.classify([r.text for r in labelled]) if labelled else ([], None)
    gold = [r.sentiment for r in labelled]
    majority = Counter(gold).most_common(1)[0][0] if gold else "positive"

    tags = themes.tag([r.text for r in rows], mapped)
    per_theme = {}
    micro, micro_base = Scores(), Scores()
    for t in mapped:
        s, base = Scores(), Scores()
        for r, tg in zip(rows, tags, strict=True):
            g = bool(r.topics & set(t.fft_topics))
            p = t.theme in tg
            s.tp += g and p
            s.fp += p and not g
            s.fn += g and not p
            base.tp += g
            base.fp += not g
        per_theme[t.theme] = (t, s, base, s.tp + s.fn)
        for total, part in ((micro, s), (micro_base, base)):
            total.tp += part.tp
            total.fp += part.fp
            total.fn += part.fn
    return {
        "path": str(path),
        "split": "all rows" if all_rows else "held-out split (Comment ID hash bucket 0)",
        "comments": len(rows),
        "sentiment_n": len(labelled),
        "sentiment_macro_f1": macro_f1(gold, pred) if gold else 0.0,
        "sentiment_baseline_macro_f1": macro_f1(gold, [majority] * len(gold)) if gold else 0.0,
        "sentiment_accuracy": sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold) if gold else 0.0,
        "sentiment_baseline_accuracy": gold.count(majority) / len(gold) if gold else 0.0,
        "majority_class": majority,
        "confusion": confusion(gold, pred),
        "themes": per_theme,
        "theme_micro": micro,
        "theme_micro_baseline": micro_base,
        "unmapped_themes": [t.theme for t in codebook if t not in mapped],
        "comments_per_s": throughput([r.text for r in rows], codebook) if speed else 0.0,
    }


def report(result: dict) -> str:
    lines = [
        f"Evaluated {result['path']}: {result['split']}, {result['comments']:,} comments with text",
        "",
        f"Sentiment ({result['sentiment_n']:,} labelled; 1-2 positive, 3 neutral, 4-5 negative)",
        f"  macro-F1 {result['sentiment_macro_f1']:.3f}  (majority class '{result['majority_class']}': "
        f"{result['sentiment_baseline_macro_f1']:.3f})",
        f"  accuracy {result['sentiment_accuracy']:.3f}  (majority class: {result['sentiment_baseline_accuracy']:.3f})",
        "  confusion (rows = human label, columns = model): " + " ".join(f"{c:>9}" for c in LABELS),
    ]
    for g in LABELS:
        lines.append(f"  {g:>48}: " + " ".join(f"{result['confusion'][g][p]:>9}" for p in LABELS))
    lines += ["", "Themes (gold = any mapped FFT topic marked; baseline = tag every comment)"]
    lines.append(f"  {'theme':<15} {'n':>5} {'P':>6} {'R':>6} {'F1':>6}   baseline F1")
    for key, (_t, s, base, n) in result["themes"].items():
        lines.append(f"  {key:<15} {n:>5} {s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f}   {base.f1:.3f}")
    m, mb = result["theme_micro"], result["theme_micro_baseline"]
    lines.append(f"  {'micro':<15} {m.tp + m.fn:>5} {m.precision:>6.3f} {m.recall:>6.3f} {m.f1:>6.3f}   {mb.f1:.3f}")
    if result["unmapped_themes"]:
        lines.append("  not mapped to an FFT topic (not evaluated): " + ", ".join(result["unmapped_themes"]))
    lines += [
        "",
        f"Throughput: {result['comments_per_s']:,.0f} comments/s"
        " (sentiment + themes + redaction of distinct texts, one process)",
        f"sentiment_macro_f1={result['sentiment_macro_f1']:.2f} theme_micro_f1={m.f1:.2f} "
        f"comments_per_s={result['comments_per_s']:.0f}",
    ]
    return "\n".join(lines)
