"""Extraction of entities, quotes and diplomatic events from one parse of an article body.

Everything here is pure given the parse: ``extract_from_doc`` reads ``nlp(article.body)`` and
returns records; ``extract_articles`` batches the parse with ``nlp.pipe``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extraction.entities import extract_entities
from pipeline.extraction.events import extract_events
from pipeline.extraction.nlp import load_nlp
from pipeline.extraction.quotes import extract_quotes, find_quote_spans, quote_token_mask
from pipeline.extraction.resolve import Resolver
from schemas.records import Article, Entity, Event, Quote


@dataclass(frozen=True)
class Extraction:
    """All records extracted from one article."""

    article: Article
    entities: list[Entity]
    quotes: list[Quote]
    events: list[Event]


def extract_from_doc(article: Article, doc: Doc) -> Extraction:
    """Entities, quotes and events of an article, given ``doc = nlp(article.body)``."""
    index = extract_entities(article, doc)
    spans = find_quote_spans(doc.text)
    mask = quote_token_mask(doc, spans)
    resolver = Resolver(doc, index, mask)
    quotes = extract_quotes(article.article_id, doc, spans, mask, resolver)
    events = extract_events(article, doc, resolver, mask, quotes)
    return Extraction(article=article, entities=index.entities, quotes=quotes, events=events)


def extract_articles(
    nlp: Language, articles: Iterable[Article], batch_size: int = 16
) -> Iterator[Extraction]:
    """Parse articles in batches (one parse each) and extract from every parse."""
    pairs = ((a.body, a) for a in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield extract_from_doc(article, doc)


__all__ = ["Extraction", "extract_articles", "extract_from_doc", "load_nlp"]
