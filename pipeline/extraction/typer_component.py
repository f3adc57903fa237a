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

import time
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from pipeline.extraction.typer import EventTyper

if not Span.has_extension("plover"):
    Span.set_extension("plover", default=None)
if not Doc.has_extension("sentence_types"):
    Doc.set_extension("sentence_types", default=None)

NAME = "plover_typer"


def annotate_types(doc: Doc, typer: EventTyper) -> Doc:
    """Write each sentence's type probabilities onto the doc (articles only)."""
    return annotate_batch([doc], typer)[0]


def annotate_batch(docs: list[Doc], typer: EventTyper) -> list[Doc]:
    """One typer call for every sentence of a batch of docs (articles only): the vectorizers' cost
    per call is paid once per ``nlp.pipe`` batch, not once per article."""
    articles = [doc for doc in docs if doc._.article is not None]
    sentences = [list(doc.sents) for doc in articles]
    probs = typer.predict_proba_spans([s for sents in sentences for s in sents]) if articles else []
    at = 0
    for doc, sents in zip(articles, sentences, strict=True):
        doc_probs = probs[at : at + len(sents)]
        at += len(sents)
        for sentence, p in zip(sents, doc_probs, strict=True):
            sentence._.plover = p
        doc._.sentence_types = doc_probs
    return docs


class TyperPipe:
    """The component: per doc, or per batch when ``nlp.pipe`` runs it (spaCy calls ``pipe``).

    Its time counts as extraction time (``doc._.extract_seconds``), shared out by sentences.
    """

    def __init__(self, typer: EventTyper) -> None:
        self.typer = typer

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 16) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size):
            started = time.perf_counter()
            annotate_batch(batch, self.typer)
            elapsed = time.perf_counter() - started
            counts = [len(doc._.sentence_types or ()) for doc in batch]
            total = sum(counts) or 1
            for doc, count in zip(batch, counts, strict=True):
                doc._.extract_seconds += elapsed * count / total
            yield from batch


@Language.factory(NAME, assigns=["doc._.sentence_types", "span._.plover"], default_config={"model_path": ""})
def make_typer(nlp: Language, name: str, model_path: str) -> TyperPipe:
    """``model_path`` empty: the shipped artefact."""
    return TyperPipe(EventTyper.load(model_path or None))
