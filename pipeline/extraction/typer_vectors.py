"""Character n-gram tf-idf for prediction, counted once per distinct word instead of once per use.

scikit-learn's ``char_wb`` analyzer cuts n-grams inside whitespace-separated words only, so a
sentence's counts are the sum of its words' counts. News repeats its words, so the per-word feature
ids are cached (bounded) and only the sum is done per sentence. The result is the same matrix as
``TfidfVectorizer.transform`` (tests compare them entry for entry); training keeps scikit-learn's
own path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

#: Distinct words whose n-gram ids are kept (about 200 bytes each): bounded memory per worker.
WORD_CACHE_SIZE = 50_000
_EMPTY = np.zeros(0, dtype=np.int64)


def counts_per_word(vectorizer: TfidfVectorizer) -> bool:
    """Whether the vectorizer's features never cross a word boundary (so this module applies)."""
    return (
        vectorizer.analyzer == "char_wb"
        and vectorizer.preprocessor is None
        and vectorizer.strip_accents is None
        and not vectorizer.binary
        and vectorizer.use_idf
        and vectorizer.norm == "l2"
    )


class WordNgramTfidf:
    """``transform`` of one fitted ``char_wb`` vectorizer, with each distinct word analysed once."""

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        if not counts_per_word(vectorizer):
            raise ValueError("only plain char_wb tf-idf vectorizers count per word")
        self.vectorizer = vectorizer
        self.width = len(vectorizer.vocabulary_)
        self._analyzer = vectorizer.build_analyzer()
        self._word_ids: Callable[[str], np.ndarray] = lru_cache(maxsize=WORD_CACHE_SIZE)(self._analyse)

    def _analyse(self, word: str) -> np.ndarray:
        vocabulary = self.vectorizer.vocabulary_
        grams = self._analyzer(word)
        return np.fromiter((vocabulary[g] for g in grams if g in vocabulary), dtype=np.int64)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        indices: list[np.ndarray] = []
        counts: list[np.ndarray] = []
        indptr = [0]
        lower = self.vectorizer.lowercase
        for text in texts:
            ids = [self._word_ids(w) for w in (text.lower() if lower else text).split()]
            found, times = np.unique(np.concatenate(ids) if ids else _EMPTY, return_counts=True)
            indices.append(found)
            counts.append(times)
            indptr.append(indptr[-1] + len(found))
        data = np.concatenate(counts).astype(np.float64) if texts else np.zeros(0)
        columns = np.concatenate(indices) if texts else _EMPTY
        x = sparse.csr_matrix((data, columns, np.array(indptr)), shape=(len(texts), self.width))
        # TfidfTransformer.transform: sublinear tf, idf, l2 rows
        if self.vectorizer.sublinear_tf:
            np.log(x.data, x.data)
            x.data += 1.0
        x.data *= self.vectorizer.idf_[x.indices]
        return normalize(x, norm="l2", copy=False)
