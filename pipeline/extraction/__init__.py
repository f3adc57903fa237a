"""Extraction of entities, quotes and diplomatic events from one parse of an article body.

The steps are registered spaCy components (:mod:`pipeline.extraction.components`) that
``load_nlp`` adds after the model's pipes; :func:`extract_articles` is the one batch driver
(``nlp.pipe`` plus one error policy) used by the worker, ``extract``, ``evaluate`` and ``bench``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.errors import ErrorCode, Rejection
from pipeline.extraction.components import STEPS, make_doc
from pipeline.extraction.nlp import load_nlp
from schemas.records import Article, Entity, Event, Quote


@dataclass(frozen=True)
class Extraction:
    """All records extracted from one article."""

    article: Article
    entities: list[Entity]
    quotes: list[Quote]
    events: list[Event]


@dataclass(frozen=True)
class BatchResult:
    """Per-article outcome of a batch: an extraction or the rejection that stopped it."""

    article: Article
    extraction: Extraction | None
    error: Rejection | None
    extract_s: float = 0.0  # time in the extraction components; the rest of the pipe is the parse


def from_annotated(article: Article, doc: Doc) -> Extraction:
    """The records the components wrote onto ``doc``."""
    return Extraction(
        article=article,
        entities=doc._.entity_index.entities,
        quotes=list(doc._.quotes),
        events=list(doc._.events),
    )


def extract_from_doc(article: Article, doc: Doc) -> Extraction:
    """Entities, quotes and events of an article, given ``doc = nlp(article.body)``."""
    doc._.article = article
    for step in STEPS:
        step(doc)
    return from_annotated(article, doc)


def _failed(code: ErrorCode, article: Article, error: Exception) -> BatchResult:
    raw = article.model_dump_json().encode()
    rejection = Rejection(code, f"{type(error).__name__}: {error}", article.source, raw)
    return BatchResult(article, None, rejection)


def extract_batch(nlp: Language, articles: list[Article], batch_size: int = 16) -> list[BatchResult]:
    """Parse and extract a batch with one ``nlp.pipe`` call; a failing article fails alone.

    When the batch call raises, every article is retried on its own so that one bad input costs
    one dead letter (``parse_error`` when its parse fails, ``extraction_error`` when a step does).
    """
    try:
        docs = list(nlp.pipe((make_doc(nlp, a) for a in articles), batch_size=batch_size))
        return [
            BatchResult(a, from_annotated(a, d), None, d._.extract_seconds)
            for a, d in zip(articles, docs, strict=True)
        ]
    except Exception:
        pass
    results: list[BatchResult] = []
    for article in articles:
        try:
            doc = nlp(
                make_doc(nlp, article), disable=[n for n in nlp.pipe_names if n.startswith("diplofeed_")]
            )
        except Exception as error:
            results.append(_failed(ErrorCode.PARSE_ERROR, article, error))
            continue
        try:
            results.append(BatchResult(article, extract_from_doc(article, doc), None))
        except Exception as error:
            results.append(_failed(ErrorCode.EXTRACTION_ERROR, article, error))
    return results


def extract_articles(
    nlp: Language, articles: Iterable[Article], batch_size: int = 16
) -> Iterator[BatchResult]:
    """Every article's outcome, in input order, batch by batch."""
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= batch_size:
            yield from extract_batch(nlp, batch, batch_size)
            batch = []
    if batch:
        yield from extract_batch(nlp, batch, batch_size)


__all__ = [
    "BatchResult",
    "Extraction",
    "extract_articles",
    "extract_batch",
    "extract_from_doc",
    "load_nlp",
]
