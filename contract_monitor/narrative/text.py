"""The tokeniser used by both the training script and the tagger, so features always agree.

Lower-cased word tokens; after a negation word ("not", "never", "no", "n't", ...) the next
three tokens are marked ``not_`` until punctuation or "but" ends the clause (Das & Chen, 2001), so
"not rushed" and "rushed" are different features. Features are the marked unigrams plus
adjacent bigrams.
"""

from __future__ import annotations

import re

_CLAUSE = re.compile(r"[.,;:!?()\n]+|\b(?=but\b)")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
NEGATIONS = frozenset(
    {
        "not",
        "no",
        "never",
        "nobody",
        "nothing",
        "none",
        "neither",
        "nor",
        "cannot",
        "cant",
        "dont",
        "didnt",
        "doesnt",
        "isnt",
        "wasnt",
        "werent",
        "wont",
        "wouldnt",
        "couldnt",
        "shouldnt",
        "havent",
        "hasnt",
        "hadnt",
        "arent",
        "without",
        "hardly",
    }
)
NEGATION_SCOPE = 3


def tokens(text: str) -> list[str]:
    """Negation-marked word tokens of ``text``."""
    out: list[str] = []
    for clause in _CLAUSE.split(text.lower().replace("\u2019", "'")):
        left = 0
        for word in _WORD.findall(clause):
            if word.endswith("n't"):
                word = word[:-3] + "nt"
            word = word.replace("'", "")
            if word in NEGATIONS:
                out.append(word)
                left = NEGATION_SCOPE
            elif left:
                out.append("not_" + word)
                left -= 1
            else:
                out.append(word)
    return out


def features(text: str) -> list[str]:
    """Unigrams and adjacent bigrams of the negation-marked tokens."""
    toks = tokens(text)
    return toks + [f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False)]
