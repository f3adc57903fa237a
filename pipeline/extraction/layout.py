"""The layout of an article body: its paragraphs, and which of them are prose.

Quotes and entities are taken from the article's own sentences only: headings, teasers, menus
and captions that a scraper left in the body are lines with no final stop, and the headline
repeats the title.
"""

from __future__ import annotations

import functools
import re

from spacy.tokens import Doc

from pipeline.geography import fold


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined once per doc: spaCy rebuilds it from every token on each access, and the
    rules read it often (a quote's paragraph test read it once per cue: a fifth of extraction time)."""
    text = doc.user_data.get("diplofeed_text")
    if text is None:
        article = doc._.article if doc.has_extension("article") else None
        body = getattr(article, "body", None)
        # make_doc tokenises the article's body, and spaCy keeps every character: the same string.
        end = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0
        text = body if isinstance(body, str) and len(body) == end else doc.text
        doc.user_data["diplofeed_text"] = text
    return str(text)


@functools.lru_cache(maxsize=32)  # asked several times per article by quotes and entities
def paragraphs(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of every paragraph: a line break ends one, unless the next line goes on in
    lower case after a line with no final stop (hard-wrapped text, a link unwrapped by a scraper)."""
    lines: list[tuple[int, int]] = []
    start = 0
    for i, ch in enumerate(text):
        if ch == "\n":
            if text[start:i].strip():
                lines.append((start, i))
            start = i + 1
    if text[start:].strip():
        lines.append((start, len(text)))
    out: list[tuple[int, int]] = []
    for line in lines:
        if out and continues(text, out[-1][1], line[0]):
            out[-1] = (out[-1][0], line[1])
        else:
            out.append(line)
    return tuple(out)


def continues(text: str, prev_end: int, start: int) -> bool:
    """True when the line at ``start`` carries on the sentence the line ending at ``prev_end`` began."""
    i, j = start, prev_end  # scanned rather than sliced: a slice copies the rest of the article
    while i < len(text) and text[i].isspace():
        i += 1
    while j > 0 and text[j - 1].isspace():
        j -= 1
    first, last = text[i : i + 1], text[j - 1 : j] if j else ""
    return first.islower() and last not in ".!?:;"


#: Paragraphs longer than this are prose even without a final stop (scraped text run together).
_MAX_HEADING_WORDS = 25
_STOPS = ".!?…:;"
_CLOSERS = "\"”’')]»"


def is_prose(text: str, start: int, end: int) -> bool:
    """False for headings, teasers, menus and captions: short lines with no final stop.

    Quotes there are headline style ("'Open War' Warning as ...") and the reader meets them again
    in the article's own sentences.
    """
    line = text[start:end].rstrip()
    if not line or len(line.split()) > _MAX_HEADING_WORDS:
        return bool(line)
    if line[-1] in _STOPS:
        return True
    # A closing mark or bracket ends a sentence only after a stop ('... "a disaster."'), not a headline.
    body = line.rstrip(_CLOSERS)
    return len(body) < len(line) and body[-1:] in _STOPS + ","


def headline_lines(text: str, title: str | None) -> tuple[tuple[int, int], ...]:
    """Paragraphs of the body that repeat the article's headline (with or without a site-name suffix)."""
    if not title:
        return ()
    head = _folded(title)
    out = []
    for start, end in paragraphs(text):
        line = _folded_prefix(text[start:end], len(head))
        if line and (
            line == head or (len(line.split()) >= 3 and (line.startswith(head) or head.startswith(line)))
        ):
            out.append((start, end))
    return tuple(out)


def _folded_prefix(text: str, width: int) -> str:
    """``_folded(text)``, or, for a long paragraph, a longer-than-``width`` prefix of it: enough to
    compare with a headline ``width`` long, without folding the whole paragraph.

    Folding works character by character (a cut word folds to the start of the whole word), so the
    folded prefix of the text is a prefix of the folded text.
    """
    cut = 2 * width + 16
    if len(text) > cut:
        line = _folded(text[:cut])
        if len(line) > width + 1 and len(line.split()) >= 3:
            return line
    return _folded(text)


_NOT_WORD = re.compile(r"[^\w\s]|_")


def _folded(text: str) -> str:
    """Folded words, punctuation dropped ('U.S.' -> 'us')."""
    return " ".join(_NOT_WORD.sub("", fold(text)).split())


@functools.lru_cache(maxsize=32)  # asked by quotes and entities for each article
def prose_paragraphs(text: str, title: str | None) -> tuple[tuple[int, int], ...]:
    """The paragraphs that are the article's own sentences: not its headline, not headings or menus."""
    skip = headline_lines(text, title)
    return tuple((s, e) for s, e in paragraphs(text) if (s, e) not in skip and is_prose(text, s, e))
