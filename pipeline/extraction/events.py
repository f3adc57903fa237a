"""Diplomatic events (PLOVER) from trigger lexicons and dependency patterns over one parse."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from pipeline.extraction.countries import country_code
from pipeline.extraction.dates import Direction, resolve_date, resolve_time
from pipeline.extraction.ids import stable_id
from pipeline.extraction.resolve import Resolver
from pipeline.extraction.triggers import (
    CEASEFIRE_WORDS,
    COERCIVE_WORDS,
    FUTURE_HEADS,
    LIGHT_VERBS,
    NEEDS_OBJECT,
    NEEDS_PARTNER,
    NOUN_TRIGGERS,
    PARTNER_DEPS,
    PROPOSE_HEADS,
    SPEECH_ACTS,
    VERB_OBJECT,
    VERB_OBJECT_VERBS,
    VERB_TRIGGERS,
)
from schemas.records import Article, ArticleRef, Event, EventStatus, PloverType, Quote, QuoteRef, Span

_BLOCK = frozenset(
    {"nsubj", "nsubjpass", "advcl", "relcl", "parataxis", "punct", "mark", "aux", "auxpass", "ccomp", "csubj"}
)
_DATE_CLIMB = frozenset(
    {"conj", "xcomp", "prep", "pcomp", "pobj", "dobj", "acl", "advcl", "acomp", "attr", "nsubj"}
)
_STATUS_CLIMB = frozenset(
    {"xcomp", "pcomp", "prep", "acomp", "conj", "pobj", "dobj", "acl", "attr", "nsubj", "nsubjpass"}
)
_FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
_MODAL_AUX = frozenset({"could", "might", "may", "would", "should", "can"})
_ANAPHOR_NOUNS: dict[str, str] = {
    "call": "phone",
    "conversation": "phone",
    "meeting": "in_person",
    "summit": "in_person",
    "talks": "in_person",
    "visit": "visit",
}
_LOC_PREPS = frozenset({"in", "at"})


@dataclass(frozen=True)
class Draft:
    """An event before ids and article references are attached."""

    type: str
    mode: str | None
    actors: tuple[str, ...]
    recipient: str | None
    location: str | None
    date: dt.date | None
    time_utc: dt.datetime | None
    status: str
    trigger: str
    sent_start: int
    sent_end: int
    tok: int
    confidence: float


def _lemma(tok: Token) -> str:
    return tok.lemma_.lower()


def _subtree_range(tok: Token) -> tuple[int, int]:
    return tok.left_edge.i, tok.right_edge.i + 1


def _trigger_of(tok: Token) -> tuple[str, str | None, Token] | None:
    """(type, mode, predicate) when tok triggers an event, predicate being the verb that carries tense."""
    lemma = _lemma(tok)
    if tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB"):
        objects = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass", "attr", "dative")]
        for obj in objects:
            pair = VERB_OBJECT.get((lemma, _lemma(obj)))
            if pair:
                return pair[0], pair[1], tok
        if lemma in VERB_OBJECT_VERBS and lemma not in VERB_TRIGGERS:
            return None
        trig = VERB_TRIGGERS.get(lemma)
        if trig is None:
            return None
        preps = {_lemma(c) for c in tok.children if c.dep_ in ("prep", "prt")}
        if lemma == "call":
            if preps & {"for", "on"}:
                return "REQUEST", None, tok
            if not any(c.dep_ == "dobj" for c in tok.children) or any(c.dep_ == "oprd" for c in tok.children):
                return None
        if lemma == "ask" and "for" not in preps:
            return None
        if lemma in NEEDS_OBJECT:
            wanted = NEEDS_OBJECT[lemma]
            if not any(_lemma(t) in wanted for t in tok.subtree if t.i != tok.i):
                return None
        if lemma == "warn":
            words = {_lemma(t) for t in tok.subtree}
            if not words & COERCIVE_WORDS:
                return None
        return trig[0], trig[1], tok
    if tok.pos_ in ("NOUN", "PROPN"):
        trig = NOUN_TRIGGERS.get(lemma) or NOUN_TRIGGERS.get(tok.lower_)
        if trig is None:
            return None
        if lemma == "call" and any(
            _lemma(c) in ("for", "on", "to") for c in tok.children if c.dep_ == "prep"
        ):
            return None
        head = tok.head
        if tok.dep_ in ("dobj", "attr", "nsubjpass") and _lemma(head) in LIGHT_VERBS:
            return trig[0], trig[1], head
        return trig[0], trig[1], tok
    return None


def _partners(resolver: Resolver, trig: Token, pred: Token, etype: str) -> list[str]:
    """Other parties: objects and prepositional phrases of the trigger (and its light verb)."""
    allowed = PARTNER_DEPS.get(etype, frozenset())
    out: list[str] = []
    roots = [trig] if pred is trig else [trig, pred]
    stack = [(r, 0) for r in roots]
    seen: set[int] = set()
    while stack:
        node, depth = stack.pop()
        if node.i in seen or depth > 3:
            continue
        seen.add(node.i)
        for child in node.children:
            if child.dep_ in _BLOCK and not (etype in ("THREATEN", "REQUEST") and child.dep_ == "ccomp"):
                continue
            if child.dep_ == "conj" and child.pos_ in ("VERB", "AUX"):
                continue
            prep = _lemma(child) if child.dep_ == "prep" else ""
            if prep == "of" and not (node is trig and trig.pos_ == "NOUN"):
                continue
            if child.dep_ in ("dobj", "dative") and (child.dep_ in allowed or "dobj" in allowed):
                found = resolver.actors(child)
                if not found:
                    found = [a for c in child.children if c.dep_ == "poss" for a in resolver.actors(c)]
                out.extend(found)
            elif prep and prep in allowed:
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        out.extend(resolver.actors(pobj))
            elif node is trig and trig.pos_ == "NOUN" and child.dep_ in ("poss", "compound", "amod", "nmod"):
                out.extend(resolver.actors(child))
            if prep and prep not in allowed and prep != "for":
                continue
            if child.dep_ in ("prep", "pobj", "dobj", "xcomp", "ccomp", "pcomp", "acl"):
                stack.append((child, depth + 1))
    return out


def _agents(resolver: Resolver, trig: Token, pred: Token, etype: str) -> list[str]:
    if pred.pos_ in ("NOUN", "PROPN"):
        return []
    if etype == "THREATEN" and _lemma(pred) == "warn":
        for child in pred.children:
            if child.dep_ == "ccomp":
                subj = resolver.subject_of(child)
                if subj is not None:
                    found = resolver.actors(subj)
                    if found:
                        return found
    subj = resolver.subject_of(pred)
    if subj is None:
        return resolver.left_actors(pred) if pred.dep_ in ("ROOT", "ccomp", "advcl") else []
    return resolver.actors(subj)


def _status(pred: Token, etype: str) -> tuple[str | None, bool]:
    """(status or None when undecided, has_tense) from auxiliaries, control verbs and tense."""
    node = pred
    for hop in range(5):
        for child in node.children:
            low = child.lower_
            if child.dep_ in ("aux", "auxpass"):
                if low in _FUTURE_AUX or low == "going":
                    return "scheduled", True
                if low in _MODAL_AUX and etype not in SPEECH_ACTS:
                    return "proposed", True
        lemma = _lemma(node)
        if hop > 0 and any(c.dep_ == "acomp" and _lemma(c) in PROPOSE_HEADS for c in node.children):
            return "proposed", True
        if hop > 0 and lemma in PROPOSE_HEADS:
            return "proposed", True
        if hop > 0 and lemma in FUTURE_HEADS:
            return "scheduled", True
        if node.tag_ in ("VBD", "VBN") and hop == 0:
            return "occurred", True
        if etype in SPEECH_ACTS or node.dep_ not in _STATUS_CLIMB or node.head is node:
            break
        if node.dep_ == "conj" and node.head.tag_ in ("VBD", "VBN"):
            return "occurred", True
        node = node.head
    if pred.tag_ in ("VBD", "VBN", "VBZ", "VBP"):
        return "occurred", True
    return None, False


def _date_ents(dates: list[SpacySpan], lo: int, hi: int) -> list[SpacySpan]:
    return [e for e in dates if lo <= e.start and e.end <= hi]


def _pick_date(
    dates: list[SpacySpan],
    trig: Token,
    pred: Token,
    published: dt.date | None,
    direction: Direction,
    mask: list[bool],
) -> tuple[dt.date | None, bool]:
    """Date of the event: a date phrase in the trigger's subtree, else up the clause; (date, own_clause)."""
    sent = trig.sent
    ents = [e for e in _date_ents(dates, sent.start, sent.end) if not mask[e.start]]
    if not ents:
        return None, False
    node = trig
    seen_pred = False
    for hop in range(6):
        lo, hi = _subtree_range(node)
        inside = sorted(
            (e for e in ents if lo <= e.start and e.end <= hi), key=lambda e: abs(e.start - trig.i)
        )
        for ent in inside:
            day = resolve_date(ent.text, published, direction)
            if day is not None:
                return day, node is trig or node is pred or not seen_pred
        if node is pred:
            seen_pred = True
        if node.head is node or node.dep_ not in _DATE_CLIMB or (hop >= 3 and node is not pred):
            break
        node = node.head
    return None, False


def _location(
    resolver: Resolver, sent: SpacySpan, pred: Token, actors: list[str], mask: list[bool]
) -> str | None:
    index = resolver.index
    best: tuple[int, str] | None = None
    lo, hi = _subtree_range(pred)
    for tok in sent:
        if mask[tok.i] or tok.i == 0 or resolver.doc[tok.i - 1].lower_ not in _LOC_PREPS:
            continue
        name = index.tok_name.get(tok.i)
        if not name or index.name_type.get(name) not in ("GPE", "LOC", "FAC"):
            continue
        if name in actors or (index.actor.get(name) in actors and index.actor.get(name) == name):
            continue
        score = abs(tok.i - pred.i) + (0 if lo <= tok.i < hi else 100)
        if best is None or score < best[0]:
            best = (score, name)
    return best[1] if best else None


def _mode(etype: str, mode: str | None, trig: Token, pred: Token, actors: list[str]) -> str | None:
    lo, hi = _subtree_range(pred if pred is not trig else trig)
    if pred.pos_ in ("VERB", "AUX"):
        lo = min(
            [pred.i]
            + [c.left_edge.i for c in pred.children if c.i > pred.i or c.dep_ in ("nsubj", "nsubjpass")]
        )
    words = {t.lower_ for t in trig.doc[lo:hi]} | {_lemma(t) for t in trig.doc[lo:hi]}
    text = trig.doc[lo:hi].text.lower()
    if any(w in text for w in CEASEFIRE_WORDS):
        return "ceasefire"
    if "sanction" in text:
        return "sanctions"
    if etype == "CONSULT":
        if words & {"phone", "telephone", "phonecall", "phoned", "call"}:
            return "phone"
        if "face-to-face" in text or "in-person" in text or words & {"face", "person"}:
            return "in_person"
        if len(actors) >= 3 and mode not in ("phone",):
            return "multilateral"
    return mode


def _anaphoric_date(sent: SpacySpan, trig: Token, drafts: list[Draft]) -> dt.date | None:
    """'in the hours leading up to the call': the date of the earlier event that noun refers to."""
    for tok in sent:
        if tok.i == trig.i or tok.lower_ not in _ANAPHOR_NOUNS:
            continue
        if not any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children):
            continue
        if any(c.dep_ == "prep" and c.lower_ in ("for", "on") for c in tok.children):
            continue
        family = _ANAPHOR_NOUNS[tok.lower_]
        for draft in reversed(drafts):
            if draft.date is not None and draft.type == "CONSULT" and draft.mode == family:
                return draft.date
    return None


def _consumed(doc: Doc, found: list[tuple[Token, str, str | None, Token]]) -> set[int]:
    """Tokens inside the complement of a threat or appeal: the embedded act is not an event of its own."""
    out: set[int] = set()
    for _trig, etype, _mode, pred in found:
        if etype in ("THREATEN", "REQUEST") and pred.pos_ in ("VERB", "AUX"):
            for child in pred.children:
                if child.dep_ in ("ccomp", "xcomp", "prep", "dobj"):
                    out.update(t.i for t in child.subtree)
    return out


def _is_city(resolver: Resolver, name: str) -> bool:
    """A place that is neither a country nor a capital standing for its government: never an actor."""
    index = resolver.index
    ntype = index.name_type.get(name)
    if ntype is None:
        return False  # an actor name already mapped to a country (capital, demonym)
    return ntype in ("GPE", "LOC", "FAC") and country_code(name) is None


def _sentence_drafts(
    resolver: Resolver,
    sent: SpacySpan,
    published: dt.date | None,
    mask: list[bool],
    earlier: list[Draft],
    dates: list[SpacySpan],
) -> list[Draft]:
    found: list[tuple[Token, str, str | None, Token]] = []
    for tok in sent:
        if mask[tok.i] and tok.pos_ not in ("NOUN", "PROPN"):
            continue
        hit = _trigger_of(tok)
        if hit is None:
            continue
        etype, mode, pred = hit
        if mask[pred.i]:
            continue
        found.append((tok, etype, mode, pred))
    consumed = _consumed(resolver.doc, found)
    drafts: list[Draft] = []
    pending: list[tuple[Token, str, str | None, Token, dt.date | None, str | None]] = []
    for trig, etype, mode, pred in found:
        if trig.i in consumed:
            continue
        agents = _agents(resolver, trig, pred, etype)
        partners = [p for p in _partners(resolver, trig, pred, etype) if p not in agents]
        partners = [p for p in partners if not _is_city(resolver, p)]
        agents = [a for a in agents if not _is_city(resolver, a)]
        actors = agents + [p for i, p in enumerate(partners) if p not in partners[:i]]
        status, has_tense = _status(pred, etype)
        direction: Direction = "future" if status in ("scheduled", "proposed") else "past"
        day, _own = _pick_date(dates, trig, pred, published, direction, mask)
        if status is None:
            status = "scheduled" if day and published and day > published else "occurred"
        elif status == "occurred" and not has_tense and day and published and day > published:
            status = "scheduled"
        elif status == "scheduled" and day and published and day < published:
            status = "occurred"
        location = _location(resolver, sent, pred, actors, mask)
        if not actors:
            if trig.pos_ == "NOUN" and (day or location):
                pending.append((trig, etype, mode, pred, day, location))
            continue
        if etype in NEEDS_PARTNER and len(actors) < 2:
            continue
        if day is None and etype not in SPEECH_ACTS:
            day = _anaphoric_date(sent, trig, earlier + drafts)
        lo, hi = _subtree_range(pred)
        time_utc = resolve_time(resolver.doc[lo:hi].text, day)
        confidence = 0.55 + 0.15 * (pred.pos_ == "VERB") + 0.1 * (len(actors) >= 2) + 0.1 * (day is not None)
        drafts.append(
            Draft(
                type=etype,
                mode=_mode(etype, mode, trig, pred, actors),
                actors=tuple(actors),
                recipient=partners[0] if partners else None,
                location=location,
                date=day,
                time_utc=time_utc,
                status=status,
                trigger=trig.text if pred is trig else f"{pred.text} {trig.text}",
                sent_start=sent.start_char,
                sent_end=sent.end_char,
                tok=trig.i,
                confidence=min(confidence, 0.95),
            )
        )
    for trig, etype, mode, _pred, day, location in pending:
        donor = next((d for d in reversed(drafts) if d.type == etype and d.tok < trig.i), None)
        donor = donor or next((d for d in drafts if d.type == etype), None)
        if donor is not None:
            status = "occurred" if day and published and day < published else donor.status
            drafts.append(
                replace(
                    donor,
                    date=day or donor.date,
                    location=location or donor.location,
                    status=status,
                    tok=trig.i,
                    trigger=trig.text,
                    mode=mode or donor.mode,
                )
            )
    return drafts


def _merge(a: Draft, b: Draft) -> Draft:
    """Keep a's evidence and fill what it lacks from b (b wins the date when a has none)."""
    better_dated = a.date is None and b.date is not None
    return replace(
        a,
        date=a.date or b.date,
        time_utc=a.time_utc or b.time_utc,
        location=a.location or b.location,
        recipient=a.recipient or b.recipient,
        mode=a.mode or b.mode,
        status=b.status if better_dated else a.status,
        confidence=max(a.confidence, b.confidence),
    )


def _dedupe(drafts: list[Draft]) -> list[Draft]:
    """One event per sentence+type+actors, and per type+actors+date across the article."""
    out: list[Draft] = []
    for d in drafts:
        key = frozenset(d.actors)
        for i, o in enumerate(out):
            if o.type != d.type or frozenset(o.actors) != key:
                continue
            same_sentence = o.sent_start == d.sent_start
            same_day = o.date == d.date and (o.date is not None or o.status == d.status)
            if same_sentence or same_day:
                out[i] = _merge(o, d) if o.date is not None or d.date is None else _merge(d, o)
                break
        else:
            out.append(d)
    return out


def extract_events(
    article: Article, doc: Doc, resolver: Resolver, mask: list[bool], quotes: list[Quote]
) -> list[Event]:
    """PLOVER events of the article, each with its evidence sentence and its actors' quotes."""
    drafts: list[Draft] = []
    dates = [e for e in doc.ents if e.label_ == "DATE"]
    for sent in doc.sents:
        drafts.extend(_sentence_drafts(resolver, sent, article.published_date, mask, drafts, dates))
    ref = ArticleRef(
        article_id=article.article_id,
        title=article.title,
        outlet=article.outlet,
        published_date=article.published_date,
        url=article.url,
        published_at=article.published_at,
    )
    events: list[Event] = []
    for d in _dedupe(drafts):
        evidence = doc.text[d.sent_start : d.sent_end]
        stripped = evidence.strip()
        offset = d.sent_start + evidence.find(stripped)
        refs = [
            QuoteRef(quote_id=q.id, article_id=q.article_id, speaker=q.speaker, text=q.text)
            for q in quotes
            if q.speaker and q.speaker in d.actors
        ]
        events.append(
            Event(
                id=stable_id(article.article_id, "event", d.type, d.sent_start, "|".join(sorted(d.actors))),
                article_id=article.article_id,
                type=PloverType(d.type),
                mode=d.mode,
                actors=list(d.actors),
                recipient=d.recipient,
                location=d.location,
                date=d.date,
                time_utc=d.time_utc,
                status=EventStatus(d.status),
                trigger=d.trigger,
                evidence=Span(text=stripped, start=offset, end=offset + len(stripped)),
                confidence=round(d.confidence, 2),
                article=ref,
                quotes=refs,
            )
        )
    return events
