"""Named entities of one article: clean spaCy's mentions, fix common small-model errors, merge.

Returns an ``EntityIndex`` that the quote and event rules use to map tokens to canonical
names and canonical names to actors (capitals and demonyms resolve to their country).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from spacy.attrs import LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from pipeline.extraction.canonical import RawMention, cluster_people, person_key
from pipeline.extraction.ids import stable_id
from pipeline.extraction.layout import doc_text, prose_paragraphs
from pipeline.extraction.lexicon import (
    ADMIN_AREA_WORDS,
    ANONYMOUS_SOURCES,
    ENTITY_LABELS,
    GROUP_NOUNS,
    INSTITUTIONS,
    JUNK_WORDS,
    NAME_PARTICLES,
    NAME_PREFIX_TITLES,
    ORG_WORDS,
    PERSON_CUE_VERBS,
    PLACE_WORDS,
    TITLE_HEADS,
)
from pipeline.extraction.trigger_patterns import hits_of
from pipeline.geography import (
    capital_code,
    country_code,
    country_name,
    demonym_code,
    fold,
    is_place,
    is_region,
)
from schemas.records import Article, Entity, Span

#: Bylines, sign-offs and picture credits: their names are staff, not the news.
_CREDIT = re.compile(
    r"\b(?:(?:additional )?reporting|writing|editing|compiled|produced|photo(?:graph)?s?|images?|video)"
    r" by\b|\((?:photo|file|image)s?\b|\b(?:getty|afp|reuters|ap) (?:images|photo)"
    r"|\bcontributed (?:to )?(?:this|the) (?:report|story)|\bcontributed reporting\b",
    re.IGNORECASE,
)
_DISTRICT = re.compile(r",?\s+D\.?C\.?$")
_HANDLE = re.compile(r"[@/#]|https?:|www\.")
_LETTER = re.compile(r"[A-Za-z]")
_TITLE_STOP_POS = frozenset({"DET", "VERB", "AUX", "PRON", "SCONJ", "NUM", "PUNCT", "PART", "SYM"})


@dataclass(frozen=True)
class EntityIndex:
    """Entities of an article plus the lookups later rules need."""

    entities: list[Entity]
    tok_name: dict[int, str] = field(default_factory=dict)
    name_type: dict[str, str] = field(default_factory=dict)
    actor: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, list[str]] = field(default_factory=dict)
    person_mentions: list[tuple[int, str]] = field(default_factory=list)

    def actor_of_token(self, i: int) -> str | None:
        """Actor name for the entity covering token i (countries for capitals and demonyms)."""
        name = self.tok_name.get(i)
        return self.actor.get(name) if name else None


def _trim(span: SpacySpan) -> tuple[int, int]:
    """Drop leading determiners and trailing possessives or punctuation."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].pos_ == "DET" or doc[start].lower_ == "the"):
        start += 1
    opening = next((t.i for t in doc[start + 1 : end] if t.text == "("), None)
    if opening is not None and not any(t.text == ")" for t in doc[opening:end]):
        end = opening  # 'US Office of Foreign Assets Control (OFAC': the acronym's bracket is not the name
    while end > start and (
        doc[end - 1].tag_ == "POS" or (doc[end - 1].is_punct and doc[end - 1].text != ".")
    ):
        end -= 1
    return start, end


def _is_junk(text: str) -> bool:
    low = text.lower().rstrip(".")
    return (
        not _LETTER.search(text)
        or bool(_HANDLE.search(text))
        or "\n" in text
        or low in JUNK_WORDS
        or (not text[0].isupper() and not text[0].isdigit())
        or len(text) < 2
    )


def _common_noun(doc: Doc, start: int, end: int) -> bool:
    """'Aides said', 'Officials met': a capitalised common noun the model took for a name."""
    if end - start != 1:
        return False
    low = doc[start].lower_
    return low in ANONYMOUS_SOURCES or (low.endswith("s") and low[:-1] in ANONYMOUS_SOURCES)


def _institution(text: str) -> str | None:
    low = fold(text).strip(" ")
    low = low[4:] if low.startswith("the ") else low
    return INSTITUTIONS.get(low) or INSTITUTIONS.get(low.strip(".")) or INSTITUTIONS.get(low.replace(".", ""))


def _strip_titles(doc: Doc, start: int, end: int) -> int:
    """First token after leading title words ('VP Vance', 'Kazakh President X' -> the name).

    A demonym or country only counts as part of the title when a title word follows it.
    """
    while start < end - 1:
        low = doc[start].lower_
        if low in NAME_PREFIX_TITLES or (
            start + 1 < end - 1
            and doc[start + 1].lower_ in NAME_PREFIX_TITLES
            and (demonym_code(doc[start].text) or country_code(doc[start].text))
        ):
            start += 1
        else:
            break
    return start


def _extend_name(doc: Doc, start: int, end: int) -> int:
    """End of a person name continued by particles the model cut off ('Ursula von' + 'der Leyen')."""
    while end + 1 < len(doc) and doc[end].lower_ in NAME_PARTICLES:
        last = end
        while last + 1 < len(doc) and doc[last + 1].lower_ in NAME_PARTICLES and last - end < 2:
            last += 1
        nxt = doc[last + 1] if last + 1 < len(doc) else doc[last]
        if nxt.pos_ != "PROPN" or not nxt.text[:1].isupper() or "\n" in doc[end : last + 1].text_with_ws:
            break
        end = last + 2
        while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].text[:1].isupper() and end - start < 7:
            if doc[end].lower_ in NAME_PARTICLES:
                break
            end += 1
    return end


def _acronyms(doc: Doc, raw: list[tuple[int, int, str, str]]) -> dict[str, tuple[int, int, str, str]]:
    """Acronyms defined in parentheses after a name: 'Rapid Support Forces (RSF)' -> RSF -> that mention."""
    out: dict[str, tuple[int, int, str, str]] = {}
    for m in raw:
        s, e, label, _ = m
        if label not in ("ORG", "GPE", "NORP", "FAC") or e + 2 >= len(doc) or e - s < 2:
            continue
        if doc[e].text == "(" and doc[e + 2].text == ")" and doc[e + 1].is_upper and len(doc[e + 1]) >= 2:
            initials = "".join(t.text[0] for t in doc[s:e] if t.text[:1].isupper())
            if initials.startswith(doc[e + 1].text[0]):
                out.setdefault(doc[e + 1].text, m)
    return out


def _apply_acronyms(doc: Doc, raw: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Every mention of a defined acronym takes its long form's label; untagged ones become mentions."""
    defined = _acronyms(doc, raw)
    if not defined:
        return raw
    covered = {i for s, e, _, _ in raw for i in range(s, e)}
    out = []
    for m in raw:
        long = defined.get(doc[m[0] : m[1]].text)
        out.append((m[0], m[1], long[2], m[3]) if long and m[1] - m[0] == 1 else m)
    for tok in doc:
        if tok.text in defined and tok.i not in covered:
            out.append((tok.i, tok.i + 1, defined[tok.text][2], ""))
    return sorted(out)


def _gathering(tok: Token) -> bool:
    """A meeting noun of the trigger patterns ('summit', 'talks', 'visit')."""
    trig = hits_of(tok).noun
    return tok.pos_ == "NOUN" and trig is not None and trig[0] == "CONSULT"


def _is_place_use(doc: Doc, start: int, end: int) -> bool:
    """A capital used as a place ('talks in Moscow', 'visited Tokyo'), not for its government."""
    last = doc[end - 1]
    if last.dep_ == "compound" and last.head.i >= end and _gathering(last.head):
        return True  # "the Helsinki summit", "the Geneva talks": where the meeting is held
    if last.dep_ in ("compound", "poss", "nmod", "amod") and last.head.i >= end:
        return False  # "Washington's line", "the Kiev regime": the capital qualifies another noun
    if last.dep_ == "dobj" and last.head.lower_ in PLACE_WORDS:
        return True
    node = last
    while node.dep_ == "conj" and node.head.i != node.i:
        node = node.head
    prep = node.head
    if node.dep_ == "pobj" and prep.lower_ == "from" and prep.head.lemma_.lower() in GROUP_NOUNS:
        return False  # "envoys from Moscow and Kyiv": who they act for, not where they are
    j = start - 1
    while j >= 0 and (doc[j].pos_ == "DET" or doc[j].lower_ == "the"):
        j -= 1
    if j >= 0 and doc[j].lower_ in PLACE_WORDS:
        return True
    node = last
    for _ in range(4):  # "talks in Geneva, Abu Dhabi and Miami": a conjunct of a place
        if node.dep_ != "conj" or node.head.i == node.i:
            break
        node = node.head
    return node is not last and node.dep_ == "pobj" and node.head.lower_ in PLACE_WORDS


#: Lengths in words of the institution names, longest first.
_INSTITUTION_WIDTHS: tuple[int, ...] = tuple(sorted({len(key.split()) for key in INSTITUTIONS}, reverse=True))


def _institution_prefix(doc: Doc, start: int, end: int) -> tuple[int, str] | None:
    """An institution name at the start of a longer span ('White House Oval office'), after its
    state's name if that opens the span ('U.S. Office of Foreign Assets Control')."""
    starts = [start, start + 1] if end - start > 2 and country_code(doc[start].text) else [start]
    for first in starts:
        for width in _INSTITUTION_WIDTHS:
            if first + width <= end:
                name = _institution(doc[first : first + width].text)
                if name and (first == start or first + width == end):
                    return first + width, name
    return None


#: First words of the institution names: only a token that opens one is looked up (speed).
_INSTITUTION_HEADS: frozenset[str] = frozenset(key.split()[0] for key in INSTITUTIONS if key.split())


#: The string hashes of those first words (spaCy's hashes do not depend on the vocabulary).
_INSTITUTION_HEAD_IDS = np.array([get_string_id(w) for w in _INSTITUTION_HEADS], dtype=np.uint64)


def _institution_heads(doc: Doc) -> list[int]:
    """Indices of the tokens whose lower-case form can begin an institution's name, in order."""
    return np.flatnonzero(np.isin(doc.to_array(LOWER), _INSTITUTION_HEAD_IDS)).tolist()


def _raw_mentions(doc: Doc) -> list[tuple[int, int, str, str]]:
    """(tok_start, tok_end, label, institution-or-empty) for spaCy entities and missed institutions."""
    out: list[tuple[int, int, str, str]] = []
    covered: set[int] = set()
    for ent in doc.ents:
        if ent.label_ not in ENTITY_LABELS:
            continue
        start, end = _trim(ent)
        if ent.label_ in ("PERSON", "ORG"):
            # "Ukraine's Zelenskyy", "Russia's Gazprom": the name is what the possessive qualifies.
            start = max([start] + [t.i + 1 for t in doc[start : end - 1] if t.tag_ == "POS"])
        if start >= end:
            continue
        prefix = _institution_prefix(doc, start, end)
        if prefix and (prefix[0] == end or ent.label_ in ("FAC", "ORG", "LOC")):
            out.append((start, prefix[0], "ORG", prefix[1]))
        else:
            out.append((start, end, ent.label_, ""))
        covered.update(range(ent.start, ent.end))
    n = len(doc) if doc_text(doc).strip() else 0
    resume = 0
    for i in _institution_heads(doc) if n else []:  # only where a name can start: most tokens cannot
        if i < resume or i in covered:
            continue
        lows = [t.lower_ for t in doc[i : min(n, i + max(_INSTITUTION_WIDTHS))]]
        keys = [
            (width, " ".join(lows[:width]))
            for width in _INSTITUTION_WIDTHS
            if i + width <= n and not any(j in covered for j in range(i, i + width))
        ]
        for width, key in keys:
            if key and key in INSTITUTIONS:
                words = doc[i : i + width]
                if words[0].text[:1].isupper() and (width > 1 or words[0].is_upper or len(words[0]) > 3):
                    out.append((i, i + width, "ORG", INSTITUTIONS[key]))
                    resume = i + width
                    break
    out.sort()
    return _extend_people(doc, out)


def _extend_people(doc: Doc, raw: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Person spans grow over name particles; mentions the grown span swallows are dropped."""
    out: list[tuple[int, int, str, str]] = []
    taken_until = -1
    for s, e, label, inst in raw:
        if s < taken_until:
            continue
        if label == "PERSON":
            if e - s >= 2 and doc[e - 1].lower_ in NAME_PARTICLES:
                e -= 1
            e = _extend_name(doc, s, e)
            taken_until = e
        out.append((s, e, label, inst))
    return out


def _propagate_people(
    doc: Doc, raw: list[tuple[int, int, str, str]], person_keys: set[str]
) -> list[tuple[int, int, str, str]]:
    """Surnames the model missed elsewhere in the article ('Zelenskyy criticized ...') become mentions."""
    covered = {i for s, e, _, _ in raw for i in range(s, e)}
    keys = sorted(k for k in person_keys if len(k) > 2)
    if not keys:
        return raw
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in keys) + r")\b", re.IGNORECASE)
    extra = []
    for match in pattern.finditer(doc_text(doc)):
        span = doc.char_span(match.start(), match.end())
        if span is None or len(span) != 1 or span.start in covered:
            continue
        t = span[0]
        if (
            t.pos_ in ("PROPN", "NOUN")
            and t.text[:1].isupper()
            and not t.is_upper
            and person_key(t.text) in person_keys
        ):
            extra.append((t.i, t.i + 1, "PERSON", ""))
    return sorted(raw + extra) if extra else raw


def _chain_part(
    doc: Doc, segment: tuple[int, int], at: int, name_keys: set[str]
) -> tuple[int, int, str] | None:
    """The name one segment of a hyphen chain gives at the hyphen: a country (the whole segment,
    'South Korea') or a person of the article by surname ('Putin'); None when it names nobody."""
    start, end = segment
    if end <= start:
        return None
    if country_code(doc[start:end].text):
        return (start, end, "GPE")
    word = doc[at]
    if word.text[:1].isupper() and person_key(word.text) in name_keys:
        return (at, at + 1, "PERSON")
    if country_code(word.text):
        return (at, at + 1, "GPE")
    return None


def _split_chains(
    doc: Doc, raw: list[tuple[int, int, str, str]], name_keys: set[str]
) -> list[tuple[int, int, str, str]]:
    """'the Trump-Putin Alaska summit', 'Lee-Xi talks': the model tags a hyphen chain of names as
    one entity; when every link names a person of the article or a country, the links are the
    mentions (and a place after the chain is a place), else the entity stays as tagged."""
    out: list[tuple[int, int, str, str]] = []
    for s, e, label, inst in raw:
        cuts = [i for i in range(s + 1, e - 1) if doc[i].text == "-" and not doc[i].whitespace_]
        if inst or not cuts or doc[cuts[0] - 1].whitespace_:
            out.append((s, e, label, inst))
            continue
        bounds = [s, *cuts, e]
        segments = [(bounds[0], cuts[0])] + [(c + 1, bounds[k + 2]) for k, c in enumerate(cuts)]
        parts = [
            _chain_part(doc, seg, seg[1] - 1 if k == 0 else seg[0], name_keys)
            for k, seg in enumerate(segments)
        ]
        links = [p for p in parts if p is not None]
        if len(links) < len(parts):
            out.append((s, e, label, inst))
            continue
        out.extend((ps, pe, plabel, "") for ps, pe, plabel in links)
        last = links[-1]
        if last[1] < e and is_place(doc[last[1] : e].text):
            out.append((last[1], e, "GPE", ""))
    return sorted(out)


def _propagate_orgs(doc: Doc, raw: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """One-word organisation names the model tagged once and missed elsewhere ('... producers:
    Lukoil and state-owned Rosneft') become mentions there too."""
    covered = {i for s, e, _, _ in raw for i in range(s, e)}
    names = {
        doc[s].text
        for s, e, label, inst in raw
        if label == "ORG" and not inst and e - s == 1 and len(doc[s].text) > 3 and doc[s].text[:1].isupper()
    }
    names -= {t.text.capitalize() for t in doc if t.is_lower}  # 'State': also a word ('state media')
    extra = [
        (t.i, t.i + 1, "ORG", "")
        for t in doc
        if t.text in names
        and t.i not in covered
        and t.pos_ == "PROPN"
        and not t.is_sent_start
        and not any(n.text[:1].isupper() for n in doc[max(0, t.i - 1) : t.i + 2] if n.i != t.i)  # a part
    ]
    return sorted(raw + extra) if extra else raw


def _coordinated_places(doc: Doc, raw: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """'envoys from Moscow and Kyiv': a place the gazetteer knows, coordinated with a place the
    model tagged, is a place too, though the model left it out."""
    covered = {i for s, e, _, _ in raw for i in range(s, e)}
    extra = []
    for _start, e, label, _ in raw:
        if label != "GPE":
            continue
        for conj in doc[e - 1].conjuncts:
            if conj.i not in covered and conj.pos_ == "PROPN" and is_place(conj.text):
                extra.append((conj.i, conj.i + 1, "GPE", ""))
                covered.add(conj.i)
    return sorted(raw + extra) if extra else raw


def _company_like(doc: Doc, start: int, end: int) -> bool:
    return end - start >= 2 and doc[end - 1].lower_ in ORG_WORDS


def _first_word_key(name: str) -> str:
    parts = name.split()
    return person_key(parts[0]) if len(parts) > 1 else ""


def _relabel(doc: Doc, start: int, end: int, label: str, person_keys: set[str]) -> str | None:
    """Corrected label of a mention, or None to drop it."""
    text = doc[start:end].text
    if _company_like(doc, start, end) and not is_place(text):
        return "ORG"  # "Xtellus Partners", "Midad Energy", "... Economic Cooperation": an organisation
    if is_region(text):
        return "LOC"  # "Europe", "the Middle East", "Donbas": regions, not states
    if country_code(text) or capital_code(text):
        return "NORP" if label == "NORP" and demonym_code(text) else "GPE"
    if label in ("ORG", "PERSON", "LOC", "FAC", "NORP") and not demonym_code(text) and is_place(text):
        return "GPE"  # the gazetteer knows it as a place ("Crimea" is no organisation)
    if label == "GPE" and demonym_code(text):
        return "NORP"
    if label in ("ORG", "GPE", "NORP", "FAC", "LOC"):
        name_start = _strip_titles(doc, start, end)
        if person_key(doc[name_start:end].text) in person_keys and len(doc[name_start:end].text.split()) <= 3:
            return "PERSON"
    in_title = doc[start - 1].lower_ == "of" and doc[start - 2].lower_ in TITLE_HEADS if start >= 2 else False
    if label in ("ORG", "GPE") and end - start == 1 and in_title:
        return None  # "Secretary of State": part of a title
    if (
        label == "ORG"
        and end - start == 1
        and start > 0
        and end < len(doc)
        and doc[start - 1].lower_ in NAME_PREFIX_TITLES
        and doc[end].lower_ in TITLE_HEADS
    ):
        return None  # "Chief Cabinet Secretary": a word inside a title
    if end - start == 1 and doc[start].tag_ == "VBG":
        return None  # a sentence-initial participle ("Noting that ...") is never a name
    after_title = start > 0 and doc[start - 1].lower_ in TITLE_HEADS
    # "Ukraine's chief negotiator, Rustem Umerov": a name in apposition to a title
    after_title = after_title or (
        start > 1 and doc[start - 1].text == "," and doc[start - 2].lower_ in TITLE_HEADS
    )
    cue_after = end < len(doc) and doc[end].lemma_ in PERSON_CUE_VERBS
    if label == "GPE" and end - start <= 2 and not is_place(text) and _speaks(doc, start, end):
        return "PERSON"  # "Nefzi, a chemistry professor, said": a place nobody knows does not speak
    if label == "ORG" and 2 <= end - start <= 3 and (cue_after or after_title):
        words = doc[start:end]
        name_like = all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in words)
        name_like = name_like and not any(t.lower_ in ORG_WORDS for t in words)
        if name_like and not any(t.is_upper and len(t) > 1 for t in words):
            return "PERSON"
    return label


def _speaks(doc: Doc, start: int, end: int) -> bool:
    """A capitalised name that is the subject of a speech verb ('Nefzi said', 'Nefzi, ..., told')."""
    words = doc[start:end]
    if not all(t.pos_ == "PROPN" and t.text[:1].isupper() and not t.is_upper for t in words):
        return False
    head = words.root
    verb = head.head
    if head.dep_ != "nsubj" or verb.lemma_ not in PERSON_CUE_VERBS or verb.i < end:
        return False
    own = {t.i for t in head.subtree}
    # only the name's own apposition lies between ("Nefzi, a chemistry professor, said"), no verb
    return all(i in own or doc[i].is_punct for i in range(end, verb.i))


def _title_before(doc: Doc, start: int) -> str | None:
    """Title written before a name: 'The Kremlin spokesperson' Dmitry Peskov, 'special envoy,' X."""
    j = start - 1
    if j >= 1 and doc[j].text == "," and doc[j - 1].pos_ in ("NOUN", "PROPN"):
        j -= 1
    first = None
    while j >= 0 and start - j <= 7:
        tok = doc[j]
        if tok.is_space or "\n" in tok.text or tok.ent_type_ == "PERSON":
            break
        if tok.pos_ in _TITLE_STOP_POS and tok.text not in ("U.S.", "U.K.", "US", "UK"):
            break
        if tok.pos_ == "ADP" and not (
            tok.lower_ in ("of", "for") and j > 0 and doc[j - 1].lower_ in TITLE_HEADS
        ):
            break
        if tok.pos_ == "CCONJ" and (tok.lower_ != "and" or j == 0 or doc[j - 1].ent_type_):
            break
        first = j
        if tok.is_sent_start:
            break
        j -= 1
    if first is None:
        return None
    while first < start and doc[first].lower_ in ("of", "and", "for"):
        first += 1
    end = start
    while end > first and (doc[end - 1].is_punct or doc[end - 1].lower_ in ("of", "and", "for")):
        end -= 1
    words = doc[first:end]
    if not any(t.lower_ in TITLE_HEADS for t in words):
        return None
    return words.text


def _title_after(doc: Doc, head: int) -> str | None:
    """Appositive title after a name: 'Steve Witkoff, the US special envoy,'."""
    for child in doc[head].children:
        if child.dep_ == "appos" and child.lower_ in TITLE_HEADS and child.i > head:
            left = child.left_edge.i
            while left < child.i and doc[left].pos_ == "DET":
                left += 1
            return doc[left : child.i + 1].text
    return None


def _canonical(
    doc: Doc, m: tuple[int, int, str, str], acronyms: dict[str, tuple[int, int, str, str]]
) -> tuple[str, str | None]:
    """Canonical name and country code of a non-person mention (a capital standing for its state -> state)."""
    start, end, label, institution = m
    text = doc[start:end].text
    if institution:
        return institution, None
    long = acronyms.get(text)
    if long is not None and long[:2] != (start, end):
        return _canonical(doc, long, {})
    if label == "GPE":
        text = _DISTRICT.sub("", text)  # "Washington, D.C." is Washington
        code = country_code(text)
        if code:
            return country_name(code) or text, code
        code = capital_code(text)
        if code and not _is_place_use(doc, start, end):
            return country_name(code) or text, code
    if label == "NORP":
        code = demonym_code(text)
        return text, code
    return text, None


def _in_prose(
    doc: Doc, raw: list[tuple[int, int, str, str]], title: str | None
) -> list[tuple[int, int, str, str]]:
    """Mentions in the article's own sentences: not in its headline, menus, teasers or captions."""
    prose = prose_paragraphs(doc_text(doc), title)
    starts = [s for s, _ in prose]
    sentences = [(sent.start, sent.end) for sent in doc.sents]
    sentence_starts = [start for start, _ in sentences]
    credits: dict[int, bool] = {}  # sentence -> a photo credit: one test per sentence
    out = []
    for m in raw:
        at = doc[m[0]].idx
        k = bisect.bisect_right(starts, at) - 1
        if k < 0 or at >= prose[k][1]:
            continue
        n = bisect.bisect_right(sentence_starts, m[0]) - 1
        if n not in credits:
            credits[n] = bool(_CREDIT.search(doc[sentences[n][0] : sentences[n][1]].text))
        if not credits[n]:
            out.append(m)
    return out


def extract_entities(article: Article, doc: Doc) -> EntityIndex:
    """Entities of the article body, one per canonical name, with mentions and attributes."""
    every = _raw_mentions(doc)
    raw = _in_prose(doc, every, article.title)
    in_prose = set(raw)
    elsewhere = [
        doc[_strip_titles(doc, m[0], m[1]) : m[1]].text
        for m in every
        if m[2] == "PERSON" and m not in in_prose
    ]
    person_keys = {
        person_key(doc[_strip_titles(doc, s, e) : e].text)
        for s, e, lab, _ in raw
        if lab == "PERSON" and not _company_like(doc, s, e)
    }
    raw = _propagate_orgs(doc, _coordinated_places(doc, _propagate_people(doc, raw, person_keys)))
    raw = _apply_acronyms(doc, raw)
    acronyms = _acronyms(doc, raw)
    # Family name first ("Kang Yu-jung" ... "Kang said"): a lone first word of a known name is that person.
    name_keys = person_keys | {
        _first_word_key(doc[_strip_titles(doc, s, e) : e].text) for s, e, lab, _ in raw if lab == "PERSON"
    }
    raw = _split_chains(doc, raw, name_keys)
    fixed: list[tuple[int, int, str, str]] = []
    for s, e, label, inst in raw:
        if e - s >= 2 and doc[e - 1].lower_ in ADMIN_AREA_WORDS and is_place(doc[s : e - 1].text):
            e, label = e - 1, "GPE"  # "the Donetsk Oblast", "Kherson region": the place itself
        new_label = "ORG" if inst else _relabel(doc, s, e, label, name_keys)
        if new_label is None or (not inst and (_is_junk(doc[s:e].text) or _common_noun(doc, s, e))):
            continue
        if new_label == "PERSON":
            s = _strip_titles(doc, s, e)
            if any(t.is_digit for t in doc[s:e]) or (doc[s:e].text.isupper() and e - s == 1):
                continue
        fixed.append((s, e, new_label, inst))

    mentions = [
        RawMention(s, e, doc[s].idx, doc[e - 1].idx + len(doc[e - 1]), doc[s:e].text, lab)
        for s, e, lab, _ in fixed
    ]
    person_names = cluster_people(mentions, elsewhere)

    names: list[str] = []
    codes: dict[str, str | None] = {}
    for i, m in enumerate(fixed):
        if m[2] == "PERSON":
            names.append(person_names[i])
        else:
            name, code = _canonical(doc, m, acronyms)
            names.append(name)
            codes.setdefault(name, code)

    grouped: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        grouped.setdefault(name, []).append(i)

    tok_name: dict[int, str] = {}
    name_type: dict[str, str] = {}
    actor: dict[str, str] = {}
    attributes: dict[str, list[str]] = {}
    person_mentions: list[tuple[int, str]] = []
    entities: list[Entity] = []
    for name, idxs in grouped.items():
        labels = Counter(fixed[i][2] for i in idxs)
        etype = "PERSON" if "PERSON" in labels else labels.most_common(1)[0][0]
        name_type[name] = etype
        attrs: list[str] = []
        for i in idxs:
            s, e = fixed[i][0], fixed[i][1]
            for t in range(s, e):
                tok_name[t] = name
            if etype == "PERSON":
                person_mentions.append((s, name))
                for title in (_title_before(doc, s), _title_after(doc, e - 1)):
                    if title and title not in attrs:
                        attrs.append(title)
        attributes[name] = attrs
        code = codes.get(name)
        if etype in ("GPE", "NORP") and code is None:
            code = capital_code(name)
            if etype == "GPE":
                actor[name] = name
            if etype == "GPE" and code:
                actor[name] = country_name(code) or name
            code = None if etype == "GPE" else code
        elif etype in ("GPE", "NORP") and code:
            actor[name] = country_name(code) or name
        elif etype in ("PERSON", "ORG"):
            actor[name] = name
        spans = [Span(text=mentions[i].name, start=mentions[i].start, end=mentions[i].end) for i in idxs]
        entities.append(
            Entity(
                id=stable_id(article.article_id, "entity", name, etype),
                article_id=article.article_id,
                name=name,
                type=etype,  # type: ignore[arg-type]
                mentions=spans,
                count=len(spans),
                attributes=attrs,
                country_code=code if etype in ("GPE", "NORP") else None,
            )
        )
    if article.dateline_place and article.outlet and article.outlet not in grouped:
        # The agency in a dateline ("GENEVA, June 3 (Reuters) -") is named in the text the reader sees.
        entities.append(
            Entity(
                id=stable_id(article.article_id, "entity", article.outlet, "ORG"),
                article_id=article.article_id,
                name=article.outlet,
                type="ORG",
                count=1,
            )
        )
    if article.dateline_place and article.dateline_place not in grouped:
        place = article.dateline_place
        code = country_code(place)
        name = (country_name(code) if code else None) or place
        if name not in grouped:
            entities.append(
                Entity(
                    id=stable_id(article.article_id, "entity", name, "GPE"),
                    article_id=article.article_id,
                    name=name,
                    type="GPE",
                    count=1,
                    country_code=code,
                )
            )
    person_mentions.sort()
    entities.sort(key=lambda ent: (ent.mentions[0].start if ent.mentions else -1, ent.name))
    return EntityIndex(entities, tok_name, name_type, actor, attributes, person_mentions)
