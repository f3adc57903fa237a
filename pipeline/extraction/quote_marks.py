"""Quotation spans of a text: quote marks found and paired, one paragraph at a time.

House styles differ: curly “ ” and straight " marks, the New York Times' doubled apostrophes
''...'', TeX-style ``...'', guillemets, single ‘ ’ / ' marks for quotes outside double ones, and
nested quotes inside them.  Each mark is read as opening or closing from its neighbours (an
opening mark follows a space or bracket and precedes a word; a closing one follows a word or
punctuation).  A quote still open at the end of its paragraph runs to the paragraph end: news
reopens a quote that continues over several paragraphs, and each paragraph is one quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from spacy.tokens import Doc

from pipeline.extraction.layout import prose_paragraphs
from pipeline.extraction.lexicon import FUNCTION_WORDS, TITLE_SMALL_WORDS

_DOUBLE_OPEN = frozenset("“„«‟")
_DOUBLE_CLOSE = frozenset("”»")
_DOUBLE_AMBIG = frozenset('"″')
_APOSTROPHES = frozenset("'’")
#: Every character the mark scan acts on: the scan jumps from one to the next.
_MARK_CHARACTERS = re.compile(
    "[" + re.escape("".join(sorted(_DOUBLE_OPEN | _DOUBLE_CLOSE | _DOUBLE_AMBIG | _APOSTROPHES))) + "`&]"
)
_SINGLE_OPEN = frozenset("‘‚'")
_SINGLE_CLOSE = frozenset("’'")
_OPEN_BEFORE = frozenset(" \t\n([{—–-:,;/")
_MAX_SINGLE = 300

Kind = Literal["open", "close", "ambig"]


@dataclass(frozen=True)
class QuoteSpan:
    """A quotation: content offsets (marks excluded) and the offsets of its marks."""

    start: int
    end: int
    outer_start: int
    outer_end: int
    closed: bool = True  # False when no closing mark ends it (it runs on to its paragraph's end)


@dataclass(frozen=True)
class _Mark:
    """One double quote mark: where it is, how many characters, what its glyph says."""

    at: int
    width: int
    kind: Kind


def _before(text: str, i: int) -> str:
    return text[i - 1] if i > 0 else " "


def _after(text: str, i: int) -> str:
    return text[i] if i < len(text) else " "


def _can_open(text: str, at: int, width: int) -> bool:
    """A mark that could open: after a space, bracket, dash or other opening mark, before a non-space."""
    before = _before(text, at)
    opens_after = before in _OPEN_BEFORE or before in _DOUBLE_OPEN or before in "‘"
    return opens_after and not _after(text, at + width).isspace()


def _can_close(text: str, at: int, width: int) -> bool:
    """A mark that could close: after a non-space, not followed by a letter or digit."""
    return not _before(text, at).isspace() and not _after(text, at + width).isalnum()


def _can_close_double(text: str, at: int, width: int) -> bool:
    """A double mark closes after a word, or after a comma or stop even when glued to the next word."""
    return _can_close(text, at, width) or (_before(text, at) in ",.!?" and at > 0)


#: HTML character references for double quote marks, as scrapers leave them in text.
_REFERENCES: dict[str, Kind] = {
    "&quot;": "ambig",
    "&#34;": "ambig",
    "&#034;": "ambig",
    "&#x22;": "ambig",
    "&ldquo;": "open",
    "&#8220;": "open",
    "&rdquo;": "close",
    "&#8221;": "close",
}


def _character_reference(text: str, i: int, end: int) -> _Mark | None:
    semi = text.find(";", i, min(end, i + 8))
    kind = _REFERENCES.get(text[i : semi + 1].lower()) if semi > 0 else None
    return _Mark(i, semi + 1 - i, kind) if kind else None


def _double_marks(text: str, start: int, end: int) -> list[_Mark]:
    """Double quote marks of a paragraph, with doubled apostrophes ('' or ’’) read as one mark."""
    marks: list[_Mark] = []
    i = start
    while i < end:
        found = _MARK_CHARACTERS.search(text, i, end)
        if found is None:
            break
        i = found.start()
        ch = text[i]
        if ch in _DOUBLE_OPEN:
            marks.append(_Mark(i, 1, "open"))
        elif ch in _DOUBLE_CLOSE:
            marks.append(_Mark(i, 1, "close"))
        elif ch in _DOUBLE_AMBIG:
            marks.append(_Mark(i, 1, "ambig"))
        elif ch == "`" and text[i + 1 : i + 2] == "`":
            marks.append(_Mark(i, 2, "open"))
            i += 2
            continue
        elif ch == "&" and (ref := _character_reference(text, i, end)) is not None:
            marks.append(ref)  # '&quot;' left by a scraper that did not decode the page's HTML
            i += ref.width
            continue
        elif ch in _APOSTROPHES:
            run = i
            while run < end and text[run] in _APOSTROPHES:
                run += 1
            if run - i >= 2:
                # ''' is a double and a single mark: the single one sits inside the double quote.
                at = run - 2 if not _before(text, i).isspace() else i
                marks.append(_Mark(at, 2, "ambig"))
            i = run
            continue
        i += 1
    return marks


def _opens(text: str, mark: _Mark) -> bool:
    if mark.kind == "open":
        return True
    return _can_open(text, mark.at, mark.width) and not (
        mark.kind == "close" and _can_close_double(text, mark.at, mark.width)
    )


def _mixed_close(text: str, open_at: int, end: int) -> int | None:
    """A single closing mark ending a double-opened quote ('“... our war.''), nested singles skipped."""
    depth = 0
    for i in range(open_at + 1, end):
        ch = text[i]
        if ch in _SINGLE_OPEN and _can_open(text, i, 1) and text[i + 1 : i + 2].isalnum():
            depth += 1
        elif ch in _SINGLE_CLOSE and _can_close(text, i, 1):
            if depth:
                depth -= 1
            elif text[i - 1] in ".,!?":
                return i
    return None


def _double_spans(text: str, start: int, end: int) -> list[QuoteSpan]:
    spans: list[QuoteSpan] = []
    open_mark: _Mark | None = None
    for mark in _double_marks(text, start, end):
        if open_mark is None:
            if _opens(text, mark):
                open_mark = mark
            continue
        content = open_mark.at + open_mark.width
        can_open = _can_open(text, mark.at, mark.width)
        can_close = _can_close_double(text, mark.at, mark.width)
        # The glyph decides unless its neighbours say otherwise ('“It's unusual,“ said X').
        reopens = (mark.kind == "open" and (can_open or not can_close)) or (
            mark.kind != "open" and can_open and not can_close
        )
        if reopens:
            # An opener while a quote is open: the previous quote ran on unclosed (a dropped mark).
            close_at = mark.at
            while close_at > content and text[close_at - 1].isspace():
                close_at -= 1
            spans.append(QuoteSpan(content, close_at, open_mark.at, close_at, closed=False))
            open_mark = mark
            continue
        spans.append(QuoteSpan(content, mark.at, open_mark.at, mark.at + mark.width))
        open_mark = None
    if open_mark is not None:
        content = open_mark.at + open_mark.width
        mixed = _mixed_close(text, open_mark.at, end)
        close_at = mixed if mixed is not None else end
        outer_end = close_at + 1 if mixed is not None else end
        spans.append(QuoteSpan(content, close_at, open_mark.at, outer_end, closed=mixed is not None))
    return spans


def _inside(pos: int, spans: list[QuoteSpan]) -> bool:
    return any(s.outer_start <= pos < s.outer_end for s in spans)


def _single_spans(text: str, start: int, end: int, taken: list[QuoteSpan]) -> list[QuoteSpan]:
    """Single-quoted spans outside double quotes ('Lyin' and 'n' apostrophes do not open or close)."""
    spans: list[QuoteSpan] = []
    i = start
    while i < end:
        ch = text[i]
        if (
            ch in _SINGLE_OPEN
            and _can_open(text, i, 1)
            and text[i + 1 : i + 2].isalnum()
            and not _inside(i, taken)
            and not _elision(text, i)
        ):
            j = i + 1
            limit = min(end, i + _MAX_SINGLE)
            possessive: int | None = None
            while j < limit:
                cj = text[j]
                if cj in _SINGLE_CLOSE and _can_close(text, j, 1):
                    if not _plural_possessive(text, j):
                        break
                    possessive = j if possessive is None else possessive
                if cj in _DOUBLE_OPEN or cj in _DOUBLE_CLOSE or cj in _DOUBLE_AMBIG or _inside(j, taken):
                    j = limit
                    break
                j += 1
            if j >= limit and possessive is not None:
                j = possessive  # "Iran's 'nuclear rights' even if": no other mark closes the quote
            if j < limit:
                spans.append(QuoteSpan(i + 1, j, i, j + 1))
                i = j + 1
                continue
        i += 1
    return spans


def _elision(text: str, i: int) -> bool:
    """An apostrophe for dropped letters or digits ('90s, 'em, 'til), not an opening mark."""
    word = ""
    j = i + 1
    while j < len(text) and text[j].isalnum():
        word += text[j]
        j += 1
    if word[:1].isdigit() and word.endswith("s"):
        return True
    return word.lower() in ("em", "til", "cause", "n", "tis", "twas")


def _plural_possessive(text: str, j: int) -> bool:
    """'the Joneses' house': an s-apostrophe before a lower-case noun ('Boasters' and' closes a quote)."""
    if text[j - 1] != "s" or text[j + 1 : j + 2] != " ":
        return False
    word = text[j + 2 :].split(" ", 1)[0]
    return word[:1].islower() and word.strip(",.;:") not in FUNCTION_WORDS


def find_quote_spans(text: str, title: str | None = None) -> list[QuoteSpan]:
    """All top-level quotations of a text's prose, in order; nested quotes stay inside their outer quote.

    The headline (a paragraph repeating ``title``) and non-prose lines give none.
    """
    found: list[QuoteSpan] = []
    for p_start, p_end in prose_paragraphs(text, title):
        doubles = _double_spans(text, p_start, p_end)
        found.extend(doubles)
        found.extend(_single_spans(text, p_start, p_end, doubles))
    cleaned = []
    for span in sorted(found, key=lambda s: s.start):
        start, end = span.start, span.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start and any(ch.isalnum() for ch in text[start:end]) and not _name_like(text, span):
            cleaned.append(QuoteSpan(start, end, span.outer_start, span.outer_end, span.closed))
    return cleaned


_MAX_NAME_WORDS = 6


def _title_case(words: list[str]) -> bool:
    return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in TITLE_SMALL_WORDS for w in words) and any(
        w[:1].isupper() for w in words
    )


def _words(text: str) -> list[str]:
    """The words of a text that start with a letter or digit (bare symbols and amounts left out)."""
    stripped = (w.strip(".,;:!?()[]\"“”‘’'") for w in text.split())
    return [w for w in stripped if w[:1].isalnum()]


def _name_like(text: str, span: QuoteSpan) -> bool:
    """A name or title in quote marks ('Zelensky's “Peace Formula”', 'the “Board of Peace.”'), not speech.

    A short title-case phrase inside an unquoted sentence names a show, a plan or a slogan; in a
    line that is itself title case (a headline) the case says nothing.  Shouted all-caps quotes stay.
    """
    words = _words(text[span.start : span.end])
    if not words or len(words) > _MAX_NAME_WORDS or not _title_case(words):
        return False
    if not any(ch.islower() for ch in "".join(words)):
        return False  # "EMBARGO'S GOING TO END"
    line_start = text.rfind("\n", 0, span.outer_start) + 1
    before = text[line_start : span.outer_start].rstrip()
    if (not before or before[-1] in ".!?") and text[span.start : span.end].rstrip()[-1:] in ".!?":
        return False  # '"Very." He left.': a sentence of its own
    line_end = text.find("\n", span.outer_end)
    line_end = len(text) if line_end < 0 else line_end
    outside = _words(text[line_start : span.outer_start] + " " + text[span.outer_end : line_end])
    return len(outside) >= 3 and not _title_case(outside)


def quote_token_mask(doc: Doc, spans: list[QuoteSpan]) -> list[bool]:
    """Per token: True when the token lies inside a quotation (marks included)."""
    mask = [False] * len(doc)
    for span in spans:
        chars = doc.char_span(span.outer_start, span.outer_end, alignment_mode="expand")
        if chars is not None:
            mask[chars.start : chars.end] = [True] * (chars.end - chars.start)
    return mask
