"""The per-word character n-gram counting gives scikit-learn's own tf-idf matrix, entry for entry."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from pipeline.extraction.typer import EventTyper
from pipeline.extraction.typer_vectors import WordNgramTfidf, counts_per_word

TRAIN = [
    "ent_gpe and ent_gpe signed an agreement on trade .",
    "ent_person accused ent_gpe of spying on its diplomats",
    "troops shelled villages near the border , killing four",
    "the minister urged them to release the journalists",
    "talks talks talks in ent_gpe",
]
TEXTS = [
    *TRAIN,
    "",
    "   ",
    "a",  # shorter than the widest n-gram: counted once
    "I an ox",
    "Türkiye's  ministers   met\tin Ankara\nyesterday",  # accents, runs of whitespace, upper case
    "unseenword zzzz qqqq",  # no known n-gram at all
    "signed signed signed agreement",  # repeated words: counts above one (sublinear tf)
]


def _dense(matrix: object) -> np.ndarray:
    return np.asarray(matrix.toarray())  # type: ignore[attr-defined]


def test_matches_sklearn_on_a_fitted_vectorizer() -> None:
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True).fit(TRAIN)
    ours, theirs = WordNgramTfidf(vec).transform(TEXTS), vec.transform(TEXTS)
    assert ours.shape == theirs.shape
    np.testing.assert_array_equal(_dense(ours), _dense(theirs))


def test_matches_sklearn_with_the_shipped_model() -> None:
    typer = EventTyper.load()
    vec = typer.vectorizers["chars"]
    assert counts_per_word(vec)
    np.testing.assert_array_equal(_dense(WordNgramTfidf(vec).transform(TEXTS)), _dense(vec.transform(TEXTS)))


def test_refuses_features_that_cross_words() -> None:
    words = TfidfVectorizer(ngram_range=(1, 2)).fit(TRAIN)
    chars = TfidfVectorizer(analyzer="char", ngram_range=(2, 3)).fit(TRAIN)
    assert not counts_per_word(words) and not counts_per_word(chars)
    with pytest.raises(ValueError):
        WordNgramTfidf(chars)
