"""Direct quotations and their speakers.

Quote marks are paired by a single left-to-right scan per paragraph (straight, curly and mixed
marks); the speaker comes from the speech verb that governs the quote in the dependency parse,
else from a cue next to it ("X said", "said X", "according to X"), else None.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from pipeline.extraction.ids import stable_id
from pipeline.extraction.lexicon import SPEECH_VERBS
from pipeline.extraction.resolve import Resolver
from schemas.records import Quote

_DOUBLE_OPEN = frozenset("“„«")
_DOUBLE_CLOSE = frozenset("”»")
_DOUBLE_AMBIG = frozenset('"″')
_SINGLE_OPEN = frozenset("‘'")
_SINGLE_CLOSE = frozenset("’'")
_OPEN_BEFORE = frozenset(" \t\n([{—–-:,;")
_MAX_SINGLE = 300
_WINDOW_AFTER = 10
_WINDOW_BEFORE = 14


@dataclass(frozen=True)
class QuoteSpan:
    """A quotation: content offsets (marks excluded) and the offsets of its marks."""

    start: int
    end: int
    outer_start: int
    outer_end: int


def _opens(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before in _OPEN_BEFORE or before in _DOUBLE_OPEN) and not after.isspace()


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = 0
    for i, ch in enumerate(text):
        if ch == "\n":
            if i > start:
                out.append((start, i))
            start = i + 1
    if start < len(text):
        out.append((start, len(text)))
    return out


def _mixed_close(text: str, open_at: int, end: int) -> int | None:
    """A single closing mark ending a double-opened quote ('“... our war.'')."""
    for i in range(open_at + 1, end):
        if text[i] in _SINGLE_CLOSE and text[i - 1] in ".,!?" and (i + 1 >= end or not text[i + 1].isalnum()):
            return i
    return None


def _double_spans(text: str, start: int, end: int) -> list[QuoteSpan]:
    spans: list[QuoteSpan] = []
    open_at: int | None = None
    for i in range(start, end):
        ch = text[i]
        if ch not in _DOUBLE_OPEN and ch not in _DOUBLE_CLOSE and ch not in _DOUBLE_AMBIG:
            continue
        if open_at is None:
            if ch in _DOUBLE_OPEN or _opens(text, i):
                open_at = i
            continue
        is_new_open = ch in _DOUBLE_OPEN or (
            ch in _DOUBLE_AMBIG and _opens(text, i) and text[i - 1].isspace()
        )
        close_at = i
        if is_new_open:
            # An opener while a quote is open: the previous quote ran on unclosed (continued paragraph).
            close_at = i - 1
            while close_at > open_at and text[close_at - 1].isspace():
                close_at -= 1
            spans.append(QuoteSpan(open_at + 1, close_at, open_at, close_at))
            open_at = i
            continue
        spans.append(QuoteSpan(open_at + 1, close_at, open_at, close_at + 1))
        open_at = None
    if open_at is not None:
        mixed = _mixed_close(text, open_at, end)
        close_at = mixed if mixed is not None else end
        spans.append(QuoteSpan(open_at + 1, close_at, open_at, min(close_at + 1, end)))
    return spans


def _single_spans(text: str, start: int, end: int, taken: list[QuoteSpan]) -> list[QuoteSpan]:
    spans: list[QuoteSpan] = []
    i = start
    while i < end:
        ch = text[i]
        if ch in _SINGLE_OPEN and _opens(text, i) and text[i + 1 : i + 2].isalnum() and not _inside(i, taken):
            j = i + 1
            limit = min(end, i + _MAX_SINGLE)
            while j < limit:
                cj = text[j]
                nxt = text[j + 1] if j + 1 < end else " "
                if cj in _SINGLE_CLOSE and not text[j - 1].isspace() and not nxt.isalnum():
                    break
                if cj in _DOUBLE_OPEN or cj in _DOUBLE_CLOSE or cj in _DOUBLE_AMBIG:
                    j = limit
                    break
                j += 1
            if j < limit:
                spans.append(QuoteSpan(i + 1, j, i, j + 1))
                i = j + 1
                continue
        i += 1
    return spans


def _inside(pos: int, spans: list[QuoteSpan]) -> bool:
    return any(s.outer_start <= pos < s.outer_end for s in spans)


def _continued(text: str, span: QuoteSpan, p_end: int) -> bool:
    """A double quote left open to the end of its paragraph (the next one reopens it: news convention)."""
    return span.end == p_end and text[span.outer_start] not in _SINGLE_OPEN and span.outer_end == p_end


def _join_paragraph_quotes(text: str, spans: list[QuoteSpan], ends: set[int]) -> list[QuoteSpan]:
    """Merge a quote left open at a paragraph end with the quote opening the next paragraph."""
    out: list[QuoteSpan] = []
    for span in spans:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.end in ends
            and _continued(text, prev, prev.end)
            and not text[prev.end : span.outer_start].strip()
        ):
            out[-1] = QuoteSpan(prev.start, span.end, prev.outer_start, span.outer_end)
            continue
        out.append(span)
    return out


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """All top-level quotations of a text, in order; nested quotes stay inside their outer quote."""
    out: list[QuoteSpan] = []
    paragraphs = _paragraphs(text)
    for p_start, p_end in paragraphs:
        doubles = _double_spans(text, p_start, p_end)
        out.extend(doubles)
        out.extend(_single_spans(text, p_start, p_end, doubles))
    out = _join_paragraph_quotes(text, sorted(out, key=lambda s: s.start), {e for _, e in paragraphs})
    cleaned = []
    for span in sorted(out, key=lambda s: s.start):
        start, end = span.start, span.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start and any(ch.isalnum() for ch in text[start:end]):
            cleaned.append(QuoteSpan(start, end, span.outer_start, span.outer_end))
    return cleaned


def quote_token_mask(doc: Doc, spans: list[QuoteSpan]) -> list[bool]:
    """Per token: True when the token lies inside a quotation (marks included)."""
    mask = [False] * len(doc)
    for span in spans:
        chars = doc.char_span(span.outer_start, span.outer_end, alignment_mode="expand")
        if chars is not None:
            mask[chars.start : chars.end] = [True] * (chars.end - chars.start)
    return mask


def _is_cue(tok: Token, mask: list[bool]) -> bool:
    return not mask[tok.i] and tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in SPEECH_VERBS


def _governing_cue(doc: Doc, first: int, last: int, mask: list[bool]) -> Token | None:
    for i in range(first, last):
        tok = doc[i]
        if first <= tok.head.i < last and tok.head.i != i:
            continue
        node = tok
        for _ in range(8):
            if node.head is node:
                break
            node = node.head
            if _is_cue(node, mask):
                return node
    return None


def _nearby_cue(doc: Doc, first: int, last: int, mask: list[bool]) -> Token | None:
    """Speech verb just after the quote in its sentence, else just before it."""
    if last < len(doc):
        sent_end = doc[last].sent.end if last < len(doc) else len(doc)
        for i in range(last, min(sent_end, last + _WINDOW_AFTER)):
            if mask[i]:
                break
            if _is_cue(doc[i], mask):
                return doc[i]
    if first > 0:
        sent_start = doc[first - 1].sent.start
        for i in range(first - 1, max(sent_start, first - _WINDOW_BEFORE) - 1, -1):
            if mask[i]:
                break
            if _is_cue(doc[i], mask):
                return doc[i]
    return None


def _according_to(doc: Doc, first: int, last: int, mask: list[bool], resolver: Resolver) -> str | None:
    lo = doc[first].sent.start if first < len(doc) else 0
    hi = doc[max(last - 1, 0)].sent.end
    for i in range(lo, hi - 2):
        if not mask[i] and doc[i].lower_ == "according" and doc[i + 1].lower_ == "to":
            for child in doc[i + 1].children:
                if child.dep_ == "pobj":
                    return resolver.speaker(child)
            return resolver.speaker(doc[i + 2])
    return None


def _cue_speaker(cue: Token, mask: list[bool], resolver: Resolver) -> str | None:
    if cue.tag_ == "VBG" and cue.dep_ in ("advcl", "xcomp", "conj") and cue.head.dep_ == "ccomp":
        # "X said Y had offered ..., adding that ...": the participle continues X's report, not Y's act.
        reporter = cue.head.head
        if _is_cue(reporter, mask):
            cue = reporter
    subj = cue.head if cue.dep_ == "acl" and cue.head.i < cue.i else resolver.subject_of(cue)
    name = resolver.speaker(subj) if subj is not None and not mask[subj.i] else None
    if name is None and cue.dep_ == "conj" and cue.head.dep_ == "ccomp" and _is_cue(cue.head.head, mask):
        # "X said A is B but clarified that ...": the parse often hangs the conjunct on the wrong verb.
        subj = resolver.subject_of(cue.head.head)
        name = resolver.speaker(subj) if subj is not None and not mask[subj.i] else None
    return name


def _clean(quote: str) -> str:
    """Quote text with the paragraph break and reopening mark of a continued quote removed."""
    if "\n" not in quote:
        return quote
    parts = [part.strip().lstrip('"“„«') for part in quote.split("\n")]
    return " ".join(part for part in parts if part)


def _standalone(doc: Doc, first: int, last: int, mask: list[bool]) -> bool:
    """True when the quote makes up whole sentences: nothing outside it in its sentences but punctuation."""
    lo = doc[first].sent.start
    hi = doc[max(last - 1, first)].sent.end
    return all(mask[i] or doc[i].is_punct or doc[i].is_space for i in range(lo, hi))


def extract_quotes(
    article_id: str, doc: Doc, spans: list[QuoteSpan], mask: list[bool], resolver: Resolver
) -> list[Quote]:
    """Quote records with speaker and cue for each quotation span."""
    text = doc.text
    quotes: list[Quote] = []
    prev: tuple[QuoteSpan, str | None, str | None] | None = None
    for span in spans:
        chars = doc.char_span(span.start, span.end, alignment_mode="expand")
        if chars is None:
            continue
        first, last = chars.start, chars.end
        outer = doc.char_span(span.outer_start, span.outer_end, alignment_mode="expand")
        if outer is not None:
            first, last = min(first, outer.start), max(last, outer.end)
        cue = _governing_cue(doc, first, last, mask) or _nearby_cue(doc, first, last, mask)
        speaker = _cue_speaker(cue, mask, resolver) if cue is not None else None
        cue_text = cue.text if cue is not None else None
        if speaker is None:
            speaker = _according_to(doc, first, last, mask, resolver)
            if speaker:
                cue_text = "according to"
        if speaker is None and prev is not None and not text[prev[0].outer_end : span.outer_start].strip():
            speaker, cue_text = prev[1], prev[2]
        if speaker is None and cue is None and prev is not None and _standalone(doc, first, last, mask):
            between = text[prev[0].outer_end : span.outer_start]
            if "\n" not in between:
                # '"A," X said. "B."': a quote that is a sentence of its own continues the last speaker.
                speaker, cue_text = prev[1], prev[2]
        quotes.append(
            Quote(
                id=stable_id(article_id, "quote", span.start, span.end),
                article_id=article_id,
                text=_clean(text[span.start : span.end]),
                speaker=speaker,
                cue=cue_text,
                start=span.start,
                end=span.end,
            )
        )
        prev = (span, speaker, cue_text)
    return quotes
