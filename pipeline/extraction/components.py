"""The extraction steps as registered spaCy components writing ``Doc`` extensions.

``load_nlp`` adds them after the model's own pipes, so one ``nlp.pipe`` call parses an
article and extracts from it.  Each component reads the article from ``doc._.article`` (set
by :func:`make_doc`) and writes its results onto the doc, the way spaCy's own components
assign to ``doc.ents`` or ``doc.cats``:

- ``diplofeed_triggers`` → ``doc._.trigger_hits`` (event trigger patterns, ``patterns/triggers.jsonl``)
- ``diplofeed_entities`` → ``doc._.entity_index`` (entities, canonical names, roles)
- ``diplofeed_quotes`` → ``doc._.quote_spans``, ``doc._.quote_mask``, ``doc._.resolver``, ``doc._.quotes``
- ``diplofeed_events`` → ``doc._.events``

A doc without an article (``nlp("some text")``) passes through untouched.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extraction.entities import extract_entities
from pipeline.extraction.events import extract_events
from pipeline.extraction.layout import doc_text
from pipeline.extraction.quotes import extract_quotes, quote_spans, quote_token_mask
from pipeline.extraction.resolve import Resolver
from pipeline.extraction.trigger_patterns import annotate_triggers
from schemas.records import Article

EXTENSIONS = ("article", "entity_index", "quote_spans", "quote_mask", "resolver", "quotes", "events")
for _name in EXTENSIONS:
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)
if not Doc.has_extension("extract_seconds"):
    Doc.set_extension("extract_seconds", default=0.0)  # time spent in these components (stage metric)

#: Component names in pipeline order (after the model's own pipes).
COMPONENTS = ("diplofeed_triggers", "diplofeed_entities", "diplofeed_quotes", "diplofeed_events")


def make_doc(nlp: Language, article: Article) -> Doc:
    """A tokenised doc of the article's body that carries the article for the components."""
    doc = nlp.make_doc(article.body)
    doc._.article = article
    return doc


def annotate_trigger_hits(doc: Doc) -> Doc:
    if doc._.article is not None:
        annotate_triggers(doc)
    return doc


def annotate_entities(doc: Doc) -> Doc:
    if doc._.article is not None:
        doc._.entity_index = extract_entities(doc._.article, doc)
    return doc


def annotate_quotes(doc: Doc) -> Doc:
    if doc._.article is not None and doc._.entity_index is not None:
        spans = quote_spans(doc_text(doc), doc._.article.title)
        mask = quote_token_mask(doc, spans)
        resolver = Resolver(doc, doc._.entity_index, mask)
        doc._.quote_spans, doc._.quote_mask, doc._.resolver = spans, mask, resolver
        doc._.quotes = extract_quotes(doc._.article.article_id, doc, spans, mask, resolver)
    return doc


def annotate_events(doc: Doc) -> Doc:
    if doc._.article is not None and doc._.resolver is not None:
        doc._.events = extract_events(doc._.article, doc, doc._.resolver, doc._.quote_mask, doc._.quotes)
    return doc


#: The steps in order, for a doc parsed without the components (tests, ``extract_from_doc``).
STEPS: tuple[Callable[[Doc], Doc], ...] = (
    annotate_trigger_hits,
    annotate_entities,
    annotate_quotes,
    annotate_events,
)


def timed(step: Callable[[Doc], Doc]) -> Callable[[Doc], Doc]:
    """The step, adding its time to ``doc._.extract_seconds`` so parse and extraction are timed apart."""

    def run(doc: Doc) -> Doc:
        started = time.perf_counter()
        step(doc)
        doc._.extract_seconds += time.perf_counter() - started
        return doc

    return run


@Language.factory("diplofeed_triggers", assigns=["doc._.trigger_hits"])
def make_triggers(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    return timed(annotate_trigger_hits)


@Language.factory("diplofeed_entities", assigns=["doc._.entity_index"])
def make_entities(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    return timed(annotate_entities)


@Language.factory(
    "diplofeed_quotes",
    assigns=["doc._.quote_spans", "doc._.quote_mask", "doc._.resolver", "doc._.quotes"],
    requires=["doc._.entity_index"],
)
def make_quotes(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    return timed(annotate_quotes)


@Language.factory("diplofeed_events", assigns=["doc._.events"], requires=["doc._.resolver", "doc._.quotes"])
def make_events(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    return timed(annotate_events)
