"""Direct quotations and who said them.

Spans come from :mod:`pipeline.extraction.quote_marks`.  A quote's speaker is found in three
passes, from the most to the least direct evidence:

1. **Its own cue**: the speech verb that governs the quote in the parse, else one next to it in
   its sentence (either order: "X said", "said X"), "according to X", or a colon intro
   ("X said:").  The cue's subject is resolved by the :class:`Resolver` (names, "Mr. Sanders"
   to the full name used elsewhere, pronouns and role nouns to the person named earlier,
   organisations and governments); anonymous sources ("aides", "a source") stay ``None``.
2. **Its neighbours**: a quote with no cue of its own continues the speaker of the quote it sits
   next to: the rest of a sentence broken by "he said", a quote that is a sentence of its own
   after an attributed one, and one paragraph of a quote that runs over several paragraphs.
   Before it, a pronoun speaker from pass 1 is checked: its person must be confirmed by the
   discourse (the last person reported speaking by name, or the topic of the sentences
   before), else the speaker stays unnamed.
3. **Its paragraph's context**: a paragraph that is a quote alone continues the speaker
   introduced just before it ("Zelensky told me:", an interview's answers after the questions).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from pipeline.extraction.canonical import person_key
from pipeline.extraction.ids import stable_id
from pipeline.extraction.layout import doc_text, paragraphs
from pipeline.extraction.lexicon import ANONYMOUS_SOURCES, PERSON_PRONOUNS, QUOTE_CUE_VERBS
from pipeline.extraction.quote_marks import QuoteSpan, find_quote_spans, quote_token_mask
from pipeline.extraction.resolve import Resolver
from schemas.records import Quote

__all__ = ["QuoteSpan", "extract_quotes", "find_quote_spans", "quote_spans", "quote_token_mask"]

_WINDOW_AFTER = 10
_WINDOW_BEFORE = 14
#: Paragraphs an interview answer may sit after the last attributed quote (the question between).
_ANSWER_GAP = 3
#: Sentences before a quote searched for the person a pronoun after it means.
_PRONOUN_LOOKBACK = 6


@dataclass
class _Site:
    """One quote while its speaker is worked out."""

    span: QuoteSpan
    first: int  # first token (marks included)
    last: int  # one past the last token
    para: int  # paragraph index
    opens_para: bool  # nothing but space before the opening mark in its paragraph
    closes_para: bool  # nothing but punctuation after it in its paragraph
    left_open: bool  # no closing mark: the quote continues in the next paragraph
    cue: Token | None = None
    cue_text: str | None = None
    speaker: str | None = None
    kind: str = "none"  # how the speaker was named (see _Source), "inherited" when taken from a neighbour
    decided: bool = False  # a cue was found: its answer stands, even when it is None


def _is_cue(tok: Token, mask: list[bool]) -> bool:
    return not mask[tok.i] and tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in QUOTE_CUE_VERBS


def _governing_cue(doc: Doc, first: int, last: int, mask: list[bool]) -> Token | None:
    for i in range(first, last):
        tok = doc[i]
        if first <= tok.head.i < last and tok.head.i != i:
            continue
        node = tok
        for _ in range(8):
            if node.head.i == node.i:
                break
            node = node.head
            if _is_cue(node, mask):
                return node
    return None


def _nearby_cue(doc: Doc, first: int, last: int, mask: list[bool]) -> Token | None:
    """Speech verb just after the quote in its sentence, else just before it."""
    if last < len(doc):
        sent_end = doc[last].sent.end if _same_line(doc, last - 1, last) else last
        for i in range(last, min(sent_end, last + _WINDOW_AFTER)):
            if mask[i]:
                break
            if _is_cue(doc[i], mask):
                return doc[i]
    if first > 0:
        sent_start = doc[first - 1].sent.start if _same_line(doc, first - 1, first) else first
        for i in range(first - 1, max(sent_start, first - _WINDOW_BEFORE) - 1, -1):
            if mask[i]:
                break
            if _is_cue(doc[i], mask):
                return doc[i]
    return None


def _same_line(doc: Doc, i: int, j: int) -> bool:
    """True when tokens i < j are in one paragraph (a cue never reaches into the next one)."""
    return "\n" not in doc_text(doc)[doc[i].idx : doc[j].idx]


@dataclass(frozen=True)
class _Source:
    """Who a source noun phrase names, and how: by name, by pronoun, by role noun, or not at all."""

    name: str | None
    kind: str  # "name" | "pronoun" | "role" | "anonymous" | "none"


_NOBODY = _Source(None, "none")


def _source_of(tok: Token | None, resolver: Resolver) -> _Source:
    """The speaker a source token names; anonymous sources ('aides', 'a source') name nobody."""
    if tok is None or resolver.quoted(tok.i):
        return _NOBODY
    name = resolver.entity_name(tok)
    if name:
        return _Source(name, "name")
    if tok.lemma_.lower() in ANONYMOUS_SOURCES:
        return _Source(None, "anonymous")  # "a U.S. official", "a Kremlin source": nobody by name
    if tok.lower_ in PERSON_PRONOUNS:
        return _Source(_sentence_person(tok, resolver) or resolver.pronoun(tok), "pronoun")
    named = resolver.speaker(tok)
    if named:
        return _Source(named, "role")
    surname = _known_surname(tok, resolver)
    return _Source(surname, "name") if surname else _NOBODY


def _known_surname(tok: Token, resolver: Resolver) -> str | None:
    """'Ash wrote', 'Wi said': a capitalised word the model did not tag, the family name of one person."""
    if tok.pos_ != "PROPN" or not tok.text[:1].isupper():
        return None
    key = person_key(tok.text)
    people = {
        name
        for _, name in resolver.index.person_mentions
        if key in (person_key(name), person_key(name.split()[0]))  # "Wi said" of Wi Sung-lac
    }
    return people.pop() if len(people) == 1 else None


def _sentence_person(tok: Token, resolver: Resolver) -> str | None:
    """'X said there were steps back: "..." he said': the one person named earlier in the sentence."""
    people = {
        name
        for i, name in resolver.index.person_mentions
        if tok.sent.start <= i < tok.i and not resolver.quoted(i)
    }
    return people.pop() if len(people) == 1 else None


def _adjacent_name(cue: Token, resolver: Resolver) -> _Source:
    """A cue the parse left without a subject: the name right after it ('said Mr. X'), else before it.

    Before the cue, the first name of the clause counts, not one inside a possessive or a
    prepositional phrase ('X, President Obama's former chief of staff, said').
    """
    doc = cue.doc
    sent = cue.sent
    for i in range(cue.i + 1, min(sent.end, cue.i + 6)):
        if resolver.quoted(i) or doc[i].pos_ in ("VERB", "AUX", "SCONJ"):
            break
        if _object_word(doc[i]):
            continue
        found = _named_at(i, resolver)
        if found is not None:
            return found
    lo = cue.i
    while lo > sent.start and not resolver.quoted(lo - 1):
        if doc[lo - 1].pos_ in ("VERB", "AUX") and doc[lo - 1].dep_ != "aux":
            break
        lo -= 1
    for i in range(lo, cue.i):
        if _object_word(doc[i]):
            continue
        found = _named_at(i, resolver)
        if found is not None:
            return found
    return _NOBODY


def _object_word(tok: Token) -> bool:
    """A word of an object, possessive or prepositional phrase: not who speaks ('told Mr. Obama')."""
    objects = ("poss", "pobj", "dobj", "dative")
    return tok.dep_ in objects or (tok.dep_ == "compound" and tok.head.dep_ in objects)


def _named_at(i: int, resolver: Resolver) -> _Source | None:
    name = resolver.index.tok_name.get(i)
    if name and resolver.index.name_type.get(name) in ("PERSON", "ORG"):
        return _Source(name, "name")
    return None


def _according_to(doc: Doc, first: int, last: int, resolver: Resolver) -> _Source:
    lo = doc[first].sent.start if first < len(doc) else 0
    hi = doc[max(last - 1, 0)].sent.end
    for i in range(lo, hi - 2):
        if not resolver.quoted(i) and doc[i].lower_ == "according" and doc[i + 1].lower_ == "to":
            for child in doc[i + 1].children:
                if child.dep_ == "pobj":
                    return _source_of(child, resolver)
            return _source_of(doc[i + 2], resolver)
    return _NOBODY


def _colon_intro(doc: Doc, first: int, resolver: Resolver) -> _Source:
    """'Ryan: "..."': a name alone before a colon opens the sentence that holds the quote."""
    lo = doc[first].sent.start
    colon = next((i for i in range(lo, first) if doc[i].text == ":"), None)
    if colon is None or colon == lo or resolver.quoted(colon):
        return _NOBODY
    names = {resolver.index.tok_name.get(i) for i in range(lo, colon)}
    if None in names or len(names) != 1:
        return _NOBODY
    found = _named_at(lo, resolver)
    return found or _NOBODY


def _clause_subject(doc: Doc, site: _Site, resolver: Resolver) -> _Source:
    """A quoted phrase inside a sentence with no speech verb ('X advocates a "consumption tax"'):
    the named subject of the clause that holds it."""
    inside = [doc[i] for i in range(site.first, site.last) if not (site.first <= doc[i].head.i < site.last)]
    for tok in inside:
        node = tok
        for _ in range(6):
            if node.head.i == node.i:
                break
            node = node.head
            if resolver.quoted(node.i) or node.pos_ not in ("VERB", "AUX"):
                continue
            found = _source_of(resolver.subject_of(node), resolver)
            if found.kind in ("name", "pronoun") and found.name is not None:
                return found
    return _NOBODY


def _cue_speaker(cue: Token, mask: list[bool], resolver: Resolver) -> _Source:
    if cue.tag_ == "VBG" and cue.dep_ in ("advcl", "xcomp", "conj") and cue.head.dep_ == "ccomp":
        # "X said Y had offered ..., adding that ...": the participle continues X's report, not Y's act.
        reporter = cue.head.head
        if _is_cue(reporter, mask):
            cue = reporter
    subj = cue.head if cue.dep_ == "acl" and cue.head.i < cue.i else resolver.subject_of(cue)
    found = _source_of(subj, resolver)
    if found.kind == "none" and cue.dep_ == "acl" and subj is not None and subj.dep_ == "dobj":
        # "X issued a statement saying ...": the one who issued the text speaks in it.
        found = _source_of(resolver.subject_of(subj.head), resolver)
    if (
        found.name is None
        and cue.dep_ == "conj"
        and cue.head.dep_ == "ccomp"
        and _is_cue(cue.head.head, mask)
    ):
        # "X said A is B but clarified that ...": the parse often hangs the conjunct on the wrong verb.
        found = _source_of(resolver.subject_of(cue.head.head), resolver)
    if found.name is None and (subj is None or resolver.quoted(subj.i) or found.kind == "none"):
        found = _adjacent_name(cue, resolver)
    if found.name is None and found.kind == "none":
        found = _reporter(cue, mask, resolver) or found
    return found


def _reporter(cue: Token, mask: list[bool], resolver: Resolver) -> _Source | None:
    """'Zheng said the two sides agreed the resolution "should be ..."': the named reporter above."""
    node = cue
    for _ in range(4):
        if node.dep_ not in ("ccomp", "conj", "advcl") or node.head.i == node.i:
            return None
        node = node.head
        if _is_cue(node, mask):
            found = _source_of(resolver.subject_of(node), resolver)
            if found.kind == "name":
                return found
    return None


def _standalone(doc: Doc, first: int, last: int, mask: list[bool]) -> bool:
    """True when the quote makes up whole sentences: nothing outside it in its sentences but punctuation."""
    lo = doc[first].sent.start
    hi = doc[max(last - 1, first)].sent.end
    return all(mask[i] or doc[i].is_punct or doc[i].is_space for i in range(lo, hi))


def _sites(doc: Doc, spans: list[QuoteSpan]) -> list[_Site]:
    text = doc_text(doc)
    paras = paragraphs(text)
    sites: list[_Site] = []
    p = 0
    for span in spans:
        chars = doc.char_span(span.start, span.end, alignment_mode="expand")
        if chars is None:
            continue
        first, last = chars.start, chars.end
        outer = doc.char_span(span.outer_start, span.outer_end, alignment_mode="expand")
        if outer is not None:
            first, last = min(first, outer.start), max(last, outer.end)
        while p + 1 < len(paras) and paras[p][1] <= span.outer_start:
            p += 1
        p_start, p_end = paras[p]
        tail = text[span.outer_end : p_end]
        sites.append(
            _Site(
                span=span,
                first=first,
                last=last,
                para=p,
                opens_para=not text[p_start : span.outer_start].strip(),
                closes_para=not any(ch.isalnum() for ch in tail),
                left_open=not span.closed and not text[span.end : p_end].strip(),
            )
        )
    return sites


def _own_cue(site: _Site, doc: Doc, mask: list[bool], resolver: Resolver) -> None:
    """Pass 1: the quote's own speech verb, 'according to' or colon intro."""
    cue = _governing_cue(doc, site.first, site.last, mask) or _nearby_cue(doc, site.first, site.last, mask)
    found = _NOBODY
    if cue is not None:
        site.cue, site.cue_text, site.decided = cue, cue.text, True
        found = _cue_speaker(cue, mask, resolver)
    if found.name is None:
        for how, other in (
            ("according to", _according_to(doc, site.first, site.last, resolver)),
            (":", _colon_intro(doc, site.first, resolver)),
            (None, _clause_subject(doc, site, resolver) if cue is None else _NOBODY),
        ):
            if other.name is not None:
                found, site.cue_text, site.decided = other, how, True
                break
    if found.kind == "pronoun" and found.name is None:
        # '"A. B. C." he said': the sentences before the pronoun are the quote's own.
        found = _Source(_person_before(doc, site.first, resolver), "pronoun")
    site.speaker, site.kind = found.name, found.kind


def _person_before(doc: Doc, first: int, resolver: Resolver) -> str | None:
    """The person a pronoun after a quote means: the subject of the nearest sentences before it."""
    if first == 0:
        return None
    sent = doc[first - 1].sent
    for _ in range(_PRONOUN_LOOKBACK):
        best: tuple[int, str] | None = None
        for tok in sent:
            name = resolver.index.tok_name.get(tok.i)
            if resolver.quoted(tok.i) or not name or resolver.index.name_type.get(name) != "PERSON":
                continue
            rank = 0 if tok.dep_ in ("nsubj", "nsubjpass") else 1
            if best is None or rank < best[0]:
                best = (rank, name)
        if best is not None:
            return best[1]
        if sent.start == 0:
            return None
        sent = doc[sent.start - 1].sent
    return None


def _named_reports(
    sites: list[_Site], doc: Doc, mask: list[bool], resolver: Resolver
) -> list[tuple[int, str]]:
    """Where someone is reported speaking by name, in text order: named quotes and named speech verbs."""
    reports = [(site.first, site.speaker) for site in sites if site.kind == "name" and site.speaker]
    for tok in doc:
        if _is_cue(tok, mask):
            found = _cue_speaker(tok, mask, resolver)
            if found.kind == "name" and found.name:
                reports.append((tok.i, found.name))
    return sorted(reports)


def _topic_is(person: str, doc: Doc, anchor: int, resolver: Resolver) -> bool:
    """True when ``person`` is who the text has been about up to ``anchor``.

    The sentences before are read backwards.  A named subject ends the chain (the topic is that
    name); a pronoun subject that means the same person continues it, one that means someone
    else breaks it.  A sentence whose subject is the writer names the topic when it names one
    person ("I met President Varga in her office"); sentences about no one are passed over, at
    most :data:`_PRONOUN_LOOKBACK` of them.
    """
    sent = doc[anchor].sent
    end = anchor
    for _ in range(_PRONOUN_LOOKBACK):
        writer = False
        for tok in reversed(doc[sent.start : end]):
            if tok.dep_ not in ("nsubj", "nsubjpass") or resolver.quoted(tok.i):
                continue
            name = resolver.entity_name(tok)  # also "Cameron's opponent, Jeremy Corbyn, ..."
            if name is not None and resolver.index.name_type.get(name) == "PERSON":
                return name == person
            if tok.lower_ in PERSON_PRONOUNS and resolver.pronoun(tok) != person:
                return False
            writer = writer or tok.lower_ in ("i", "we")
        if writer:
            named = {
                name
                for i, name in resolver.index.person_mentions
                if sent.start <= i < end and not resolver.quoted(i)
            }
            if named:
                return named == {person}
        if sent.start == 0:
            return False
        sent = doc[sent.start - 1].sent
        end = sent.end
    return False


def _confirm_anaphors(sites: list[_Site], doc: Doc, mask: list[bool], resolver: Resolver) -> None:
    """A pronoun names its person only when the discourse agrees.

    "He said" after a paragraph about someone else is the commonest wrong speaker: the parse
    finds a person, but not the one speaking.  The resolved person stands when they are also the
    last person reported speaking by name before the quote, or the topic of the sentences before
    it ("Zelensky reaffirmed his refusal. '...,' he told reporters"); otherwise the speaker is
    left unnamed, since a wrong name is worse for an analyst than none.  Role nouns ("the French
    leader") name a title and are not second-guessed.
    """
    pending = [site for site in sites if site.kind == "pronoun" and site.speaker]
    if not pending:
        return
    reports = _named_reports(sites, doc, mask, resolver)
    for site in pending:
        anchor = min(site.cue.i if site.cue is not None else site.first, site.first)
        before = [name for i, name in reports if i < anchor]
        if before and before[-1] == site.speaker:
            continue
        if not _topic_is(site.speaker, doc, anchor, resolver):
            site.speaker = None


def _neighbours(sites: list[_Site], doc: Doc, mask: list[bool]) -> None:
    """Pass 2: quotes without a cue continue the quote next to them."""
    text = doc_text(doc)
    for k, site in enumerate(sites):
        if site.decided:
            continue
        prev = sites[k - 1] if k else None
        if prev is not None and prev.para == site.para:
            between = text[prev.span.outer_end : site.span.outer_start]
            if not between.strip() or _standalone(doc, site.first, site.last, mask):
                # '"A." "B."', '"A," X said. "B."': one speaker goes on talking.
                _take(site, prev)
                continue
        if prev is not None and prev.para == site.para - 1 and prev.left_open and site.opens_para:
            _take(site, prev)  # a quote reopened in the next paragraph: the same speech goes on
    # A paragraph left open takes the speaker of its continuation ('"A...' / '"B," X said.').
    for k in range(len(sites) - 2, -1, -1):
        site, nxt = sites[k], sites[k + 1]
        if not site.decided and site.left_open and nxt.para == site.para + 1 and nxt.opens_para:
            _take(site, nxt)


def _take(site: _Site, other: _Site) -> None:
    if other.speaker is not None or other.decided:
        site.speaker, site.cue_text, site.decided, site.kind = (
            other.speaker,
            other.cue_text,
            True,
            "inherited",
        )


def _context(sites: list[_Site], doc: Doc, mask: list[bool], resolver: Resolver) -> None:
    """Pass 3: a quote alone in its paragraph continues the speaker introduced before it."""
    paras = paragraphs(doc_text(doc))
    for k, site in enumerate(sites):
        if site.decided or not (site.opens_para and site.closes_para):
            continue
        intro = _intro_speaker(site.para - 1, paras, doc, mask, resolver)
        if intro is not None:
            site.speaker, site.cue_text, site.kind, site.decided = intro.name, ":", intro.kind, True
            continue
        spoken = [
            prev for prev in sites[:k] if prev.speaker is not None and (prev.opens_para or prev.closes_para)
        ]
        if not spoken:
            continue
        latest = spoken[-1]
        dominant = Counter(prev.speaker for prev in spoken).most_common(1)[0][0]
        if site.para - latest.para <= _ANSWER_GAP or latest.speaker == dominant:
            # An interview: answers come between questions and narrative, from the one person quoted.
            _take(site, latest)


def _intro_speaker(
    p: int, paras: list[tuple[int, int]], doc: Doc, mask: list[bool], resolver: Resolver
) -> _Source | None:
    """'Jared Potts echoed:' / 'Zelensky told me ...': who the paragraph before a quote introduces."""
    if p < 0:
        return None
    span = doc.char_span(paras[p][0], paras[p][1], alignment_mode="expand")
    if span is None or not len(span):
        return None
    last_sent = span[-1].sent
    if span.text.rstrip().endswith(":"):
        root = last_sent.root
        found = _cue_speaker(root, mask, resolver) if root.pos_ in ("VERB", "AUX") else _NOBODY
        return found if found.name is not None else None
    for tok in reversed(span):
        if mask[tok.i]:
            return None  # the paragraph ends in a quote of its own: nothing introduces this one
        if _is_cue(tok, mask):
            found = _cue_speaker(tok, mask, resolver)
            return found if found.name is not None else None
    return None


def quote_spans(text: str, title: str | None) -> list[QuoteSpan]:
    """The quotations of an article body, its headline lines left out."""
    return find_quote_spans(text, title)


def attribute(doc: Doc, spans: list[QuoteSpan], mask: list[bool], resolver: Resolver) -> list[_Site]:
    """Every quote with its speaker, cue and how the speaker was found (the three passes)."""
    sites = _sites(doc, spans)
    for site in sites:
        _own_cue(site, doc, mask, resolver)
    _confirm_anaphors(sites, doc, mask, resolver)
    _neighbours(sites, doc, mask)
    _context(sites, doc, mask, resolver)
    return sites


def extract_quotes(
    article_id: str, doc: Doc, spans: list[QuoteSpan], mask: list[bool], resolver: Resolver
) -> list[Quote]:
    """Quote records with speaker and cue for each quotation span."""
    text = doc_text(doc)
    return [
        Quote(
            id=stable_id(article_id, "quote", site.span.start, site.span.end),
            article_id=article_id,
            text=text[site.span.start : site.span.end],
            speaker=site.speaker,
            cue=site.cue_text,
            start=site.span.start,
            end=site.span.end,
        )
        for site in attribute(doc, spans, mask, resolver)
    ]
