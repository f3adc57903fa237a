"""The typer as a spaCy component: PLOVER type probabilities for every sentence of an article.

``plover_typer`` runs after the model's own pipes and before the extraction components, so event
extraction can read the learned types without a second parse:

- ``span._.plover`` on each ``doc.sents`` span → ``{type: probability}``
- ``doc._.sentence_types`` → the same dicts as a list, one per sentence in ``doc.sents`` order

It is named without the ``diplofeed_`` prefix on purpose: ``extract_batch``'s per-article fallback
disables those and re-runs their steps by hand, while this one stays part of the parse there.
Like the other components it skips a doc without an article (``nlp("text")``, the bench's floor), and
its time counts as extraction time (``doc._.extract_seconds``).
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.extraction.components import timed
from pipeline.extraction.typer import EventTyper

if not Span.has_extension("plover"):
    Span.set_extension("plover", default=None)
if not Doc.has_extension("sentence_types"):
    Doc.set_extension("sentence_types", default=None)

NAME = "plover_typer"


def annotate_types(doc: Doc, typer: EventTyper) -> Doc:
    """Write each sentence's type probabilities onto the doc (articles only)."""
    if doc._.article is None:
        return doc
    sentences = list(doc.sents)
    probs = typer.predict_proba_spans(sentences)
    for sentence, p in zip(sentences, probs, strict=True):
        sentence._.plover = p
    doc._.sentence_types = probs
    return doc


@Language.factory(NAME, assigns=["doc._.sentence_types", "span._.plover"], default_config={"model_path": ""})
def make_typer(nlp: Language, name: str, model_path: str) -> Callable[[Doc], Doc]:
    """``model_path`` empty: the shipped artefact."""
    typer = EventTyper.load(model_path or None)
    return timed(lambda doc: annotate_types(doc, typer))
