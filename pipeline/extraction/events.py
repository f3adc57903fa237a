"""Diplomatic events (PLOVER) from trigger lexicons and dependency patterns over one parse."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TypeVar

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from pipeline.extraction.dates import (
    Direction,
    anchor_date,
    reference_date,
    relative_offset,
    resolve_date,
    resolve_month,
    resolve_time,
)
from pipeline.extraction.ids import stable_id
from pipeline.extraction.layout import doc_text
from pipeline.extraction.learned import (
    Thresholds,
    actors_needed,
    corrected,
    extra_types,
    sentence_probs,
    thresholds,
)
from pipeline.extraction.lexicon import (
    ACTOR_LABELS,
    COMMENTATOR_NOUNS,
    INSTITUTIONS,
    NEUTRAL_SPEECH_VERBS,
    PERSON_PRONOUNS,
    PLACE_INSTITUTIONS,
    POLITICAL_ORG_WORDS,
    SANCTIONS_BODIES,
    SPEECH_VERBS,
)
from pipeline.extraction.resolve import Resolver
from pipeline.extraction.trigger_patterns import hits_of, pair_verbs, verb_lemmas
from pipeline.extraction.triggers import (
    ABILITY_NOUNS,
    ACCORD_WORDS,
    ADDRESSEE_PRONOUNS,
    AGENT_PREPS,
    AGREEMENT_WORDS,
    ALLEGATION_WORDS,
    AUDIENCE_NOUNS,
    CANCEL_VERBS,
    CEASEFIRE_WORDS,
    COERCIVE_WORDS,
    DEMAND_SPEECH_VERBS,
    DESIRE_VERBS,
    EVENT_ANAPHORS,
    EVIDENCE_NOUNS,
    FUTURE_HEADS,
    FUTURE_MODIFIERS,
    JOURNEY_PREPS,
    LICENCE_NOUNS,
    LICENSING_VERBS,
    LIGHT_VERBS,
    NECESSITY_VERBS,
    NEEDS_OBJECT,
    NEEDS_PARTNER,
    NEEDS_PREP,
    NO_COMMENT_VERBS,
    OBLIGATION_ADVERBS,
    OBLIGATION_MODALS,
    PARTITIVE_NOUNS,
    PARTNER_DEPS,
    PEACEKEEPING_WORDS,
    POSSESSED_NOUNS,
    PRESSURE_VERBS,
    PRESSURE_WORDS,
    PROPOSE_HEADS,
    PURPOSE_NOUNS,
    REMEDY_NOUNS,
    REPORTED_FUTURE_ONLY,
    RESCHEDULE_VERBS,
    SPEECH_ACTS,
    STANCE_PREPOSITIONS,
    TRAVEL_VERBS,
    WARNING_NOUNS,
)
from pipeline.geography import country_code, country_name, demonym_code
from schemas.records import Article, ArticleRef, Event, EventStatus, PloverType, Quote, QuoteRef, Span

_T = TypeVar("_T")

_BLOCK = frozenset(
    {"nsubj", "nsubjpass", "advcl", "relcl", "parataxis", "punct", "mark", "aux", "auxpass", "ccomp", "csubj"}
)
_DATE_CLIMB = frozenset(
    {"conj", "xcomp", "prep", "pcomp", "pobj", "dobj", "acl", "advcl", "acomp", "attr", "nsubj", "nsubjpass"}
)
_STATUS_CLIMB = frozenset(
    {"xcomp", "pcomp", "prep", "acomp", "conj", "pobj", "dobj", "acl", "attr", "nsubj", "nsubjpass"}
)
#: Prepositions that set an event beside a past act as its occasion ('agreed at the summit').
_CIRCUMSTANCE_PREPS = frozenset({"at", "during", "after", "since", "following"})
_STATUS_HOPS = 9  # heads climbed for tense: 'is due to arrive ... before heading for talks'
_DATE_HOPS = 7  # heads climbed for a date phrase, the same chain
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
_MOTION_VERBS = frozenset({"travel", "fly", "go", "head", "come", "return", "trip", "journey"})
_TEMPORAL_MARKS = frozenset({"after", "before", "since", "until", "once"})
_TIME_CLAUSE_MARKS = frozenset({"when", "while", "as", "once", "after", "before", "until"})
_TEMPORAL_PREPS = frozenset({"after", "before", "ahead", "following", "since", "until", "prior"})
_CLAUSE_DEPS = frozenset({"advcl", "relcl", "acl", "ccomp", "xcomp", "parataxis", "csubj"})
_CONDITION_MARKS = frozenset({"if", "unless"})
_SHIFT_PREPS = frozenset({"from", "to", "until", "till", "through", "by", "into"})
_NUMBER_WORDS: dict[str, int] = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_POLITICAL_ORGS = frozenset(INSTITUTIONS.values())
#: Modes of partnered types that one party acts alone: a sanctions body's licensing acts on its own
#: programme, the targets named elsewhere.
_ONE_PARTY_MODES = frozenset({"licensing"})
_AUTHORITY_FORMS = tuple(surface for surfaces in SANCTIONS_BODIES.values() for surface in surfaces)


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
    month: str | None = None  # 'YYYY-MM' where the clause fixes a month but no day
    summary: bool = False  # several occasions summed up: context for what follows, not an event


def _lemma(tok: Token) -> str:
    return tok.lemma_.lower()


def _subtree_range(tok: Token) -> tuple[int, int]:
    return tok.left_edge.i, tok.right_edge.i + 1


#: The parts of speech a trigger can have (besides JJ and VB* tags): the branches of ``_trigger_of``.
_TRIGGER_POS = frozenset({"VERB", "AUX", "ADP", "NOUN", "PROPN"})


def _trigger_of(tok: Token) -> tuple[str, str | None, Token] | None:
    """(type, mode, predicate) when tok triggers an event, predicate being the verb that carries tense."""
    pos, tag = tok.pos_, tok.tag_
    if pos not in _TRIGGER_POS and tag != "JJ" and not tag.startswith("VB"):
        return None  # asked of every token: determiners, pronouns, punctuation never trigger
    lemma = _lemma(tok)
    hits = hits_of(tok)
    if pos in ("VERB", "AUX") or tag.startswith("VB"):
        if _refused_unless(tok):
            return "THREATEN", "ultimatum", tok  # 'he will not campaign to remain unless he gets ...'
        if lemma in LICENSING_VERBS and _licensing_by_authority(tok):
            return "SANCTION", "licensing", tok  # 'OFAC will extend the deadline for deals with Lukoil'
        act = _act_done_to_pressure(tok)
        if act is not None:
            return "SANCTION", "pressure", act  # 'slowed the sale to pressure Russia'
        if lemma in ("withdraw", "pull", "quit", "exit") and _leaves_an_accord(tok):
            return "REJECT", "withdrawal", tok  # 'pulled Russia out of the Grain Initiative'
        pair = hits.pair()
        if pair and pair[0] == "MOBILIZE" and any(_lemma(t) in PEACEKEEPING_WORDS for t in tok.subtree):
            return "AID", "peacekeeping", tok  # 'sent 200 troops to serve as a peacekeeping force'
        if pair:
            return pair[0], pair[1], tok
        if lemma in pair_verbs() and lemma not in verb_lemmas():
            return None
        if lemma in DESIRE_VERBS and _wanted_of_another(tok):
            return "REQUEST", None, tok  # 'Putin wants Kyiv to withdraw': a demand made of Kyiv
        if lemma in DEMAND_SPEECH_VERBS and _obligation_reported(tok) is not None:
            return "REQUEST", None, tok  # 'said the United States needs to lift the embargo'
        trig = hits.verb
        if trig is None:
            return None
        preps = {_lemma(c) for c in tok.children if c.dep_ in ("prep", "prt")}
        if lemma == "call":
            for_clause = any(
                c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "for" for m in c.children)
                for c in tok.children
            )  # 'called for North Korea to give up': the parse makes 'for' a clause mark
            if "for" in preps or _called_on_someone(tok) or for_clause:
                return "REQUEST", None, tok
            if not any(c.dep_ == "dobj" for c in tok.children) or any(c.dep_ == "oprd" for c in tok.children):
                return None
        if lemma == "speak" and _speaks_to_an_audience(tok):
            return None  # 'speaks to the Cuban people': a speech, not a consultation
        if lemma == "ask" and "for" not in preps and not _asks_someone_to_act(tok):
            return None  # 'asked about', 'asked to speak'; but 'asked Putin to agree' is an appeal
        if lemma in NEEDS_OBJECT:
            wanted = NEEDS_OBJECT[lemma]
            if not any(_lemma(t) in wanted for t in tok.subtree if t.i != tok.i):
                return None
        if lemma == "warn":
            words = {_lemma(t) for t in tok.subtree}
            if not words & COERCIVE_WORDS:
                return None
        if lemma in NEEDS_PREP and not _has_complement(tok, NEEDS_PREP[lemma]):
            return None
        if lemma in REPORTED_FUTURE_ONLY and not _reported_future(tok):
            return None
        return trig[0], trig[1], tok
    if tok.pos_ == "ADP" and lemma in STANCE_PREPOSITIONS and _is_stance(tok):
        return STANCE_PREPOSITIONS[lemma], None, tok.head  # 'Germany is against new sanctions'
    if tok.tag_ == "JJ" and tok.dep_ == "acomp" and hits.verb is not None:
        return hits.verb[0], hits.verb[1], tok.head  # 'China was firmly opposed to ...': the copula has tense
    if tok.pos_ == "NOUN" and lemma in WARNING_NOUNS and _warns_of_force(tok):
        return "THREATEN", None, tok  # 'his statement that it could result in a world war'
    if tok.pos_ in ("NOUN", "PROPN"):
        trig = hits.noun or hits.noun_form
        if trig is None:
            return None
        if lemma == "call" and any(
            _lemma(c) in ("for", "on", "to") for c in tok.children if c.dep_ == "prep"
        ):
            return None
        if lemma == "signing" and not any(_lemma(t) in AGREEMENT_WORDS for t in tok.subtree if t.i != tok.i):
            return None
        if lemma == "contact" and not any(c.dep_ == "prep" and c.lower_ == "with" for c in tok.children):
            return None  # 'in contact with X' is talking to X; 'contact' alone is no event
        anchor = tok
        if tok.dep_ == "pobj" and tok.head.lower_ == "of" and _lemma(tok.head.head) in PARTITIVE_NOUNS:
            anchor = tok.head.head  # 'held three rounds of talks': the rounds are the object
        head = anchor.head
        if anchor.dep_ in ("dobj", "attr", "nsubjpass") and _lemma(head) in LIGHT_VERBS:
            return trig[0], trig[1], head
        return trig[0], trig[1], tok
    return None


def _refused_unless(tok: Token) -> bool:
    """'X will not VERB unless ...': a refusal on a condition is an ultimatum (CAMEO 13), whatever
    the verb; the condition is what the other side must do."""
    return (
        any(c.dep_ == "neg" for c in tok.children)
        and any(c.dep_ == "aux" and c.lower_ in _FUTURE_AUX for c in tok.children)
        and any(
            c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "unless" for m in c.children)
            for c in tok.children
        )
    )


def _licensing_by_authority(tok: Token) -> bool:
    """A sanctions body ('the U.S. Office of Foreign Assets Control', 'OFAC') acting on a licence or
    a deadline of its sanctions, actively or in the passive ('the deadline was extended by OFAC')."""
    instruments = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass") and _lemma(c) in LICENCE_NOUNS]
    if not instruments:
        return False
    actors = [c for c in tok.children if c.dep_ == "nsubj"]
    actors += [g for c in tok.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    for actor in actors:
        words = " " + " ".join(t.lower_ for t in actor.subtree if t.is_alpha) + " "
        if any(f" {surface} " in words for surface in _AUTHORITY_FORMS):
            return True
    return False


def _act_done_to_pressure(tok: Token) -> Token | None:
    """The act a purpose clause of pressure hangs from ('slowed the sale to pressure Russia', 'in an
    attempt to increase pressure on Russia'), else None.

    An act whose stated aim is to pressure a party is a coercive measure against it, whatever the
    act's own verb. The act must not be an event of its own ('imposed sanctions to pressure ...' is
    that sanction) nor speech or wanting ('urged X to pressure Y' is the appeal).
    """
    if not any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children):
        return None
    objects = [c for c in tok.children if c.dep_ == "dobj"]
    if _lemma(tok) in PRESSURE_WORDS:
        if not objects:
            return None
    elif not (_lemma(tok) in PRESSURE_VERBS and any(_lemma(o) in PRESSURE_WORDS for o in objects)):
        return None
    node = tok
    if tok.dep_ in ("acl", "relcl") and _lemma(tok.head) in PURPOSE_NOUNS and tok.head.dep_ == "pobj":
        node = tok.head.head  # 'in an attempt to ...': the preposition hangs from the act
    elif tok.dep_ in ("acl", "relcl") and tok.head.dep_ == "dobj":
        node = tok.head  # 'slowed the sale to pressure Russia': the parse hangs the aim on the object
    elif tok.dep_ != "advcl":
        return None  # 'seeks to pressure', 'wants to pressure': an aim, not an act done for it
    act = node.head
    for _ in range(6):
        if act.pos_ in ("VERB", "AUX") and act.dep_ not in ("pcomp", "acl", "amod"):
            break
        if act.head.i == act.i:
            return None
        act = act.head  # 'the process of selling ... in an attempt': up to the clause's verb
    else:
        return None
    if _lemma(act) in SPEECH_VERBS | DESIRE_VERBS or _trigger_of(act) is not None:
        return None
    return act


def _warns_of_force(noun: Token) -> bool:
    """A content clause ('that ... could result in a world war') of force that may come."""
    return any(
        c.dep_ in ("acl", "ccomp")
        and any(a.dep_ == "aux" and a.lower_ in _MODAL_AUX | _FUTURE_AUX for a in c.children)
        and any(_lemma(t) in COERCIVE_WORDS for t in c.subtree)
        for c in noun.children
    )


def _is_stance(prep: Token) -> bool:
    """'X is against Y': the preposition is the copula's predicate, with a party as its subject
    ('it was against China's interests' is a judgement, not a stance) and an object."""
    head = prep.head
    subjects = [c for c in head.children if c.dep_ == "nsubj"]
    return (
        prep.dep_ == "prep"
        and _lemma(head) == "be"
        and any(s.ent_type_ in ACTOR_LABELS or s.lower_ in PERSON_PRONOUNS for s in subjects)
        and not any(c.dep_ in ("acomp", "attr") for c in head.children)
        and any(c.dep_ in ("pobj", "pcomp") for c in prep.children)
    )


def _leaves_an_accord(tok: Token) -> bool:
    """'withdrew from the nuclear deal', 'pulled out of the talks': leaving an accord rejects it."""
    for child in tok.children:
        if child.dep_ == "dobj" and _lemma(tok) in ("quit", "exit") and _lemma(child) in ACCORD_WORDS:
            return True  # 'quit the pact'
        if child.dep_ == "prep" and child.lower_ in ("from", "of", "out"):
            pobjs = [c for c in child.children if c.dep_ == "pobj"]  # 'from the deal'
            pobjs += [g for c in child.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
            if any(_lemma(o) in ACCORD_WORDS for o in pobjs):  # 'out of the deal'
                return True
    return False


def _speaks_to_an_audience(tok: Token) -> bool:
    """'spoke to reporters', 'will speak to the Cuban people': listeners, not a counterpart."""
    return any(
        o.dep_ == "pobj" and _lemma(o) in AUDIENCE_NOUNS
        for prep in tok.children
        if prep.dep_ == "prep" and prep.lower_ in ("to", "before")
        for o in prep.children
    )


def _called_on_someone(tok: Token) -> bool:
    """'called on Turkey to respect ...' is an appeal; 'called Erdogan on Friday' is a phone call."""
    for prep in tok.children:
        if prep.dep_ == "prep" and prep.lower_ in ("on", "upon"):
            objects = [c for c in prep.children if c.dep_ == "pobj"]
            if any(o.ent_type_ not in ("DATE", "TIME") for o in objects):
                return True
    return False


def _asks_someone_to_act(tok: Token) -> bool:
    """'ask X to do ...': an object and a to-clause (the parse hangs it as xcomp or advcl)."""
    if not any(c.dep_ == "dobj" for c in tok.children):
        return False
    return any(
        c.dep_ in ("xcomp", "advcl", "ccomp")
        and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
        for c in tok.children
    )


def _wanted_of_another(tok: Token) -> bool:
    """'wants Kyiv to withdraw': a to-clause whose own subject (or the verb's object) is someone else."""
    for child in tok.children:
        if child.dep_ not in ("ccomp", "xcomp") or not any(
            c.dep_ == "aux" and c.lower_ == "to" for c in child.children
        ):
            continue
        if any(c.dep_ == "nsubj" for c in child.children) or any(c.dep_ == "dobj" for c in tok.children):
            return True
    return False


def _obligation_reported(tok: Token) -> Token | None:
    """The reported clause that puts an obligation on someone else ('said Russia must withdraw',
    'saying the United States needs to lift', 'insisted that talks should start'), else None.

    Reporting what another party must do is a demand of it (CAMEO 10): the clause is an active one
    whose subject names a party (a state, a group, a person; 'they', 'you'). 'We must', 'it should
    be noted', 'the ruling should be binding' and passives ('sanctions should be lifted') ask
    nothing of anyone named.
    """
    for clause in tok.children:
        if clause.dep_ != "ccomp" or clause.pos_ not in ("VERB", "AUX"):
            continue
        subj = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
        if subj is None or subj.dep_ != "nsubj":
            continue
        if not (subj.ent_type_ in ACTOR_LABELS or subj.lower_ in ADDRESSEE_PRONOUNS):
            continue  # 'we must', 'the ruling should be binding', 'middle powers must act': no one asked
        if any(c.dep_ == "auxpass" for c in clause.children):
            continue
        modal = any(c.dep_ == "aux" and c.lower_ in OBLIGATION_MODALS for c in clause.children)
        adverb = any(c.dep_ == "advmod" and c.lower_ in OBLIGATION_ADVERBS for c in clause.children)
        necessity = _lemma(clause) in NECESSITY_VERBS and any(
            c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
            for c in clause.children
        )
        if modal or adverb or necessity:
            return clause
    return None


def _has_complement(tok: Token, wanted: frozenset[str]) -> bool:
    """'work with X', 'press X to ...', 'received X' (a person): the complement the verb needs."""
    for child in tok.children:
        if child.dep_ == "prep" and _lemma(child) in wanted:
            return True
        if child.dep_ == "advmod" and child.lower_ in wanted:
            return True
        if child.dep_ == "xcomp" and "xcomp" in wanted:
            return True
        if (
            child.dep_ == "advcl"
            and "xcomp" in wanted
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in child.children)
            and any(c.dep_ == "dobj" for c in tok.children)
        ):
            return True  # 'pushed Cuba to improve ...': the parse hangs the object's to-clause on the verb
        if child.dep_ == "dobj" and "dobj_person" in wanted and child.ent_type_ == "PERSON":
            return True
    return False


def _reported(node: Token) -> bool:
    """True when node is what someone said they would do: inside the complement of a past speech verb."""
    for _ in range(3):
        if node.dep_ == "ccomp" and _lemma(node.head) in SPEECH_VERBS and node.head.tag_ in ("VBD", "VBN"):
            return True
        if node.dep_ not in ("conj", "xcomp"):
            return False
        node = node.head
    return False


def _reported_future(tok: Token) -> bool:
    """'said Tehran would respond': a future or modal verb reported from someone's words."""
    has_aux = any(c.dep_ == "aux" and c.lower_ in ("would", "will", "could", "'ll") for c in tok.children)
    return has_aux and (_reported(tok) or (tok.dep_ == "ccomp" and _lemma(tok.head) in ("vow", "warn")))


def _conditional(node: Token) -> bool:
    """The clause carries an 'if' / 'unless' condition."""
    return any(
        c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in _CONDITION_MARKS for m in c.children)
        for c in node.children
    )


def _negated(trig: Token, pred: Token) -> bool:
    """The act did not or will not take place: 'did not meet', 'no talks', 'cancelled a planned meeting'."""
    for node in {trig, pred}:
        if any(c.dep_ == "neg" for c in node.children):
            return True
        if node.pos_ in ("NOUN", "PROPN") and any(
            c.dep_ == "det" and c.lower_ == "no" for c in node.children
        ):
            return True
        if node.pos_ in ("VERB", "AUX") and any(
            o.dep_ == "dobj" and any(c.dep_ == "det" and c.lower_ == "no" for c in o.children)
            for o in node.children
        ):
            return True  # 'reached no deal', 'held no talks': the verb's object is denied
        if node.dep_ in ("dobj", "nsubjpass") and _lemma(node.head) in CANCEL_VERBS:
            return True
        if node.dep_ == "xcomp" and _lemma(node.head) in ("fail", "refuse", "decline"):
            return True
        if node.dep_ == "pcomp" and node.head.lower_ == "without":
            return True  # 'without asking people to pay more': not done
        if (
            node.dep_ in ("relcl", "acl", "ccomp")
            and _lemma(node.head) in EVIDENCE_NOUNS
            and any(c.dep_ == "det" and c.lower_ == "no" for c in node.head.children)
        ):
            return True  # 'there was no indication he met the Ukrainian side': not known to have happened
    return False


def _clause_agents(resolver: Resolver, noun: Token) -> list[str]:
    """Subject of the clause an event noun hangs from: 'arrived after a meeting with X', 'open to
    talks', 'has offered a meeting with X' (the object of a proposal)."""
    first = noun
    while first.dep_ == "conj" and first.head.i != first.i:
        first = first.head  # 'offered a truce and a meeting with X'
    if first.dep_ == "dobj" and _lemma(first.head) in PROPOSE_HEADS:
        subj = resolver.subject_of(first.head)
        return resolver.actors(subj) if subj is not None else []
    prep = noun.head
    if noun.dep_ != "pobj" or prep.dep_ != "prep" or prep.lower_ not in AGENT_PREPS:
        return []
    node = prep.head
    for _ in range(3):
        if node.pos_ in ("VERB", "AUX") or node.head.i == node.i:
            break
        node = node.head
    if node.pos_ not in ("VERB", "AUX"):
        return []
    subj = resolver.subject_of(node)
    return resolver.actors(subj) if subj is not None else []


def _direct_actors(resolver: Resolver, tok: Token) -> list[str]:
    """Actors a noun phrase names itself (not those mentioned inside it: 'a resolution of the crisis')."""
    if tok.i in resolver.index.tok_name or tok.pos_ == "PROPN" or tok.lower_ in PERSON_PRONOUNS | {"it"}:
        return resolver.actors(tok)
    found = resolver.role(tok) or resolver.org_anaphor(tok) or resolver.government(tok)
    if found:
        return [resolver.actor_of(found)]
    return resolver.actors(tok) if tok.lower_ in ("leaders", "sides", "countries", "nations", "heads") else []


def _partners(
    resolver: Resolver, trig: Token, pred: Token, etype: str, refused: str | None = None
) -> list[str]:
    """Other parties: objects and prepositional phrases of the trigger (and its light verb); of a
    refusal to yield, also those of the act refused ('will not cede land to X')."""
    allowed = PARTNER_DEPS.get(etype, frozenset()) | PARTNER_DEPS.get(refused or "", frozenset())
    if trig.tag_ == "JJ":
        allowed |= {"to"}  # 'opposed to X': an adjective's object is its preposition's
    out: list[str] = []
    brokers: list[str] = []
    if trig.pos_ == "ADP":  # 'is against Russia': the preposition's object
        out += [a for c in trig.children if c.dep_ == "pobj" for a in resolver.actors(c)]
    roots = [trig] if pred.i == trig.i else [trig, pred]
    stack = [(r, 0) for r in roots]
    if trig.pos_ == "NOUN":  # 'a summit and a state dinner with Xi': the parties of both
        stack += [(c, 1) for c in trig.children if c.dep_ == "conj" and c.pos_ == "NOUN"]
    seen: set[int] = set()
    while stack:
        node, depth = stack.pop()
        if node.i in seen or depth > 3:
            continue
        seen.add(node.i)
        for child in node.children:
            demanded = (
                etype in ("REQUEST", "THREATEN") and node.dep_ in ("ccomp", "advcl") and node.head.i == pred.i
            )
            if child.dep_ == "nsubj" and demanded:
                out.extend(resolver.actors(child))  # 'wants Kyiv to withdraw', 'called for X to give up'
                continue
            if child.dep_ in _BLOCK and not (
                etype in ("THREATEN", "REQUEST") and child.dep_ in ("ccomp", "advcl")
            ):
                continue
            if child.dep_ == "conj" and child.pos_ in ("VERB", "AUX"):
                continue
            prep = _lemma(child) if child.dep_ == "prep" else ("agent" if child.dep_ == "agent" else "")
            amount = prep in ("in", "of") and node.dep_ == "dobj" and etype in ("AID", "SANCTION")
            if prep == "of" and not (node.i == trig.i and trig.pos_ == "NOUN") and not amount:
                continue
            if child.dep_ in ("dobj", "dative") and (child.dep_ in allowed or "dobj" in allowed):
                direct = (
                    etype == "REQUEST"
                    and node.i == pred.i
                    and not any(c.dep_ in ("xcomp", "ccomp") for c in pred.children)
                )
                found = _direct_actors(resolver, child) if direct else resolver.actors(child)
                if not found:
                    found = [a for c in child.children if c.dep_ == "poss" for a in resolver.actors(c)]
                out.extend(found)
            elif prep and prep in allowed:
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        out.extend(resolver.actors(pobj))
            elif (
                node.i == trig.i
                and trig.pos_ == "NOUN"
                and child.dep_ in ("poss", "compound", "amod", "nmod")
                and not (child.dep_ == "compound" and _names_a_city(resolver, child))  # 'the Helsinki summit'
            ):
                broker = resolver.mediator(child) if child.dep_ == "amod" else None
                if broker is not None:
                    brokers.append(broker)  # 'US-brokered talks between X and Y': the broker after them
                else:
                    out.extend(resolver.actors(child))
            if prep and prep not in allowed and prep != "for" and not amount:
                continue  # ('$2 billion in aid to Ukraine', 'shipments of aid to X': an amount's substance)
            marked = child.dep_ == "advcl" and any(m.lower_ == "for" for m in child.children)
            marked = marked or (  # 'will not attend unless Ukraine withdraws': the condition's party
                etype == "THREATEN"
                and child.dep_ == "advcl"
                and any(m.dep_ == "mark" and m.lower_ in _CONDITION_MARKS for m in child.children)
            )
            if child.dep_ in ("prep", "pobj", "dobj", "xcomp", "ccomp", "pcomp", "acl") or marked:
                stack.append((child, depth + 1))
    if etype == "REQUEST" and trig.pos_ == "NOUN":
        out += [a for a in _asked_of(resolver, trig) if a not in out]
    journey = _journey_of(trig) if trig.pos_ == "NOUN" and not out else None
    if journey is not None:  # 'flew to Beijing for a state visit': the host is where the journey goes
        for prep in (c for c in journey.children if c.dep_ == "prep" and c.lower_ == "to"):
            out += [a for o in prep.children if o.dep_ == "pobj" for a in resolver.actors(o)]
    return out + brokers


def _asked_of(resolver: Resolver, noun: Token) -> list[str]:
    """'its demand for Estonia to hold a referendum', 'another US demand - for Ukraine to hold an
    election': who is to do what is demanded, read off the words (the parse hangs 'to hold' anywhere);
    'Russia's demand that it cede land': the subject of the demanded clause ('it': the state the
    sentence is about, the subject of the verb taking the demand)."""
    clauses = (c for c in noun.children if c.dep_ in ("acl", "ccomp") and c.pos_ in ("VERB", "AUX"))
    clause = next(clauses, None)
    subj = resolver.subject_of(clause) if clause is not None else None
    if clause is not None and subj is not None and subj.head.i == clause.i:
        if subj.lower_ == "it":
            verb = noun.head if noun.dep_ in ("dobj", "nsubjpass") else None
            outer = resolver.subject_of(verb) if verb is not None else None
            found = resolver.actors(outer) if outer is not None else []
        else:
            found = resolver.actors(subj)
        return found[:1]
    doc, i = resolver.doc, noun.i + 1
    while i < noun.sent.end and doc[i].text in ("-", "\u2013", "\u2014", ","):
        i += 1
    if i >= noun.sent.end or doc[i].lower_ != "for":
        return []
    j = i + 1
    while j < noun.sent.end and (doc[j].pos_ == "DET" or resolver.index.tok_name.get(j)):
        j += 1
    if j + 1 >= noun.sent.end or doc[j].lower_ != "to" or doc[j + 1].pos_ not in ("VERB", "AUX"):
        return []
    return [a for k in range(i + 1, j) for a in resolver.actors(doc[k]) if k in resolver.index.tok_name][:1]


def _nationals_of(resolver: Resolver, verb: Token) -> list[str]:
    """'returned the bodies of 1,000 Ukrainian soldiers': the state whose people are handed over is
    the other party of the exchange (when the parse loses 'to Ukraine')."""
    out: list[str] = []
    for obj in (c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")):
        for tok in obj.subtree:
            code = demonym_code(tok.text) if tok.pos_ in ("ADJ", "PROPN") else None
            name = country_name(code) if code else None
            if name and name not in out:
                out.append(name)
    if not out:  # the parse may hang the people on a verb of their own ('1,000 killed Ukrainian soldiers')
        for tok in verb.subtree:
            code = demonym_code(tok.text) if tok.dep_ == "amod" else None
            name = country_name(code) if code else None
            if name and name not in out:
                out.append(name)
    return out


def _sanctioner_before(before: list[Draft], targets: list[str]) -> list[str]:
    """'following sanctions imposed in October against Lukoil': the passive names no sanctioning
    party, the article has -- the first party of its last sanction on someone else, a state before
    an agency (a state imposes the sanctions its agencies then license and extend)."""
    parties = [
        d.actors[0]
        for d in reversed(before)
        if d.type == "SANCTION" and d.actors and d.actors[0] not in targets
    ]
    states = [p for p in parties if country_code(p)]
    return (states or parties)[:1]


def _journey_of(noun: Token) -> Token | None:
    """The travel verb an event noun is the purpose of ('will fly to Beijing for a state visit')."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.dep_ != "prep" or prep.lower_ not in JOURNEY_PREPS:
        return None
    verb = prep.head
    return verb if verb.pos_ == "VERB" and _lemma(verb) in TRAVEL_VERBS else None


def _reporter_of_conjunct(pred: Token) -> Token | None:
    """'X said the campaign would continue and denied reports': the parse hangs the past-tense
    conjunct on the reported clause, but it is the reporter's second act (the reporting verb)."""
    head = pred.head
    if pred.dep_ != "conj" or pred.tag_ != "VBD" or head.dep_ != "ccomp":
        return None
    if not any(c.dep_ == "aux" and c.tag_ == "MD" for c in head.children):
        return None  # 'said they had detained ... and killed ...': one narration, one subject
    if any(c.dep_ == "nsubj" for c in pred.children):
        return None  # a subject of its own
    return head.head if _lemma(head.head) in SPEECH_VERBS else None


def _agents(resolver: Resolver, trig: Token, pred: Token, etype: str) -> list[str]:
    if pred.pos_ in ("NOUN", "PROPN"):
        # 'Russia's demand', 'his refusal to cede': the possessor made the demand or the refusal.
        owners = [a for c in pred.children if c.dep_ == "poss" for a in resolver.actors(c)]
        if not owners and etype in SPEECH_ACTS:
            # 'another US demand', 'the Russian demand': the state named on the noun made it
            owners = [
                a
                for c in pred.children
                if c.dep_ in ("compound", "amod") and c.i < pred.i
                for a in resolver.actors(c)
                if country_code(a)
            ]
        if owners or _lemma(pred) in POSSESSED_NOUNS:
            return owners
        return _clause_agents(resolver, pred)
    if etype == "THREATEN" and _lemma(pred) == "warn":
        for child in pred.children:
            if child.dep_ == "ccomp":
                subj = resolver.subject_of(child)
                if subj is not None:
                    found = resolver.actors(subj)
                    if found:
                        return found
    by_agent = [g for c in pred.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    if by_agent and (trig.i != pred.i or _trigger_of(pred) is not None) and resolver.actors(by_agent[0]):
        return resolver.actors(by_agent[0])  # 'talks were held by X', 'was signed by X': X acted
    reporter = _reporter_of_conjunct(pred)
    subj = resolver.subject_of(reporter if reporter is not None else pred)
    if subj is None:
        return resolver.left_actors(pred) if pred.dep_ in ("ROOT", "ccomp", "advcl") else []
    if subj.dep_ == "nsubjpass" and etype == "AGREE" and _lemma(subj) in NEEDS_OBJECT["sign"]:
        return []  # 'the Grain Initiative was signed by X': the thing signed, not a party
    found = resolver.actors(subj)
    # 'Officials from Russia, Ukraine, and the United States began talks': the parse splits the
    # coordinated subject into sibling subjects; every one is a party (unless one is a named person).
    siblings = [c for c in subj.head.children if c.dep_ == subj.dep_ and c.i != subj.i]
    if siblings and subj.i not in resolver.index.tok_name:
        for sib in siblings:
            found += [a for a in resolver.actors(sib) if a not in found]
    return found


_GROUP_PRONOUNS = frozenset({"they", "both", "together"})
_GROUP_LOOKBACK = 400  # characters: the previous sentence or two


#: People named as a group ('the two leaders'); 'the two sides', 'the two countries' resolve to states.
_GROUP_NOUNS = frozenset({"delegation", "leader", "negotiator", "president", "side", "team"})


def _group_noun(subj: Token) -> bool:
    """'The two leaders', 'both delegations', 'the negotiators': the parties already named, in the plural.

    A phrase that names its own parties ('Ukrainian and Russian negotiators') or takes
    a part of a group ('some leaders') is not the group.
    """
    if subj.tag_ != "NNS" or _lemma(subj) not in _GROUP_NOUNS:
        return False
    mods = [c for c in subj.children if c.dep_ in ("det", "nummod", "amod", "compound", "poss", "predet")]
    if any(c.dep_ in ("amod", "compound", "poss") for c in mods):
        return False
    return any(c.lower_ in ("the", "both", "two") for c in mods)


def _hyphen_part(resolver: Resolver, part: str) -> str | None:
    """One name of a hyphenated pair: a country, or a person of the article by surname ('Xi')."""
    code = country_code(part)
    if code:
        return country_name(code)
    people = [
        name
        for name, kind in resolver.index.name_type.items()
        if kind == "PERSON" and part in (name.split()[-1], name.split()[0])
    ]
    return people[0] if len(people) == 1 else None


def _hyphen_parties(resolver: Resolver, noun: Token) -> list[str]:
    """'the Obama-Xi meeting', 'Russia-Ukraine-US talks': the names joined by hyphens before an event
    noun are its parties, whoever the clause's subject is.

    The model may tag such a chain as one entity ('Stubb-Michal', ORG) or miss a part: each part
    between hyphens is read on its own, by the article's entities, else as a country or a surname.
    """
    if noun.pos_ not in ("NOUN", "PROPN"):
        return []
    words = sorted(
        (t for t in noun.subtree if t.i < noun.i and t.dep_ in ("compound", "amod", "nmod", "punct")),
        key=lambda t: t.i,
    )
    chunks = "".join(t.text_with_ws for t in words).split()
    # the chain nearest the noun ('US-brokered Ukraine-Russia talks': Ukraine-Russia); a name of
    # two words closes it ('the China-South Korea summit')
    at = max((k for k, chunk in enumerate(chunks) if "-" in chunk.strip("-")), default=None)
    if at is None:
        return []
    parts = [p.strip() for p in " ".join(chunks[at : at + 2]).split("-")]
    if len(chunks) > at + 1 and not country_code(parts[-1]):
        parts = [*parts[:-1], parts[-1].split()[0]]  # 'Trump-Putin Alaska': the word at the hyphen
    if len(parts) < 2:
        return []
    by_text = {t.text: t for t in words}
    parties: list[str] = []
    for position, part in enumerate(parts):
        # the word at the hyphen: 'the Trump-Putin Alaska summit' joins Trump and Putin, not Alaska
        word = (part.split()[-1] if position == 0 else part.split()[0]) if part else ""
        tok = by_text.get(word) if word else None
        named = resolver.index.actor_of_token(tok.i) if tok is not None else None
        if named is None or "-" in named:
            named = _hyphen_part(resolver, word) if word else None
        if named is None:
            return []  # a part that names nobody ('a Russia-friendly deal'): no list of parties
        if named not in parties:
            parties.append(named)
    return parties if len(parties) >= 2 else []


_SERIES_HEADS = frozenset({"round", "session"})
_SERIES_WORDS = frozenset(
    {
        "another",
        "new",
        "next",
        "second",
        "third",
        "fourth",
        "fifth",
        "latest",
        "last",
        "further",
        "fresh",
        "final",
    }
)


def _series_parties(noun: Token, earlier: list[Draft], location: str | None = None) -> list[str]:
    """'Another round of talks was held', 'a new round of talks is set', 'a second meeting': a round
    of a series already reported names no parties; they are those of the article's last talks that
    had two or more -- held where this round is, when it says where ('a new round began in Abu Dhabi')."""
    head = noun.head.head if noun.dep_ == "pobj" and noun.head.lower_ == "of" else None
    if head is None or _lemma(head) not in _SERIES_HEADS:
        head = noun  # 'a second meeting between senior leaders', 'another summit'
    if not any(c.dep_ in ("det", "amod") and c.lower_ in _SERIES_WORDS for c in head.children):
        return []
    talks = [d for d in reversed(earlier) if d.type == "CONSULT" and len(d.actors) >= 2 and d.tok != noun.i]
    there = [d for d in talks if location and d.location == location]
    return list((there or talks)[0].actors) if talks else []


def _group_subject(resolver: Resolver, pred: Token) -> bool:
    """The verb's subject is a group noun ('the two leaders'): its parties are those named before."""
    if pred.pos_ not in ("VERB", "AUX"):
        return False
    subj = resolver.subject_of(pred)
    # 'both sides' with no event just reported are still the two states the article names most
    return subj is not None and _group_noun(subj) and _lemma(subj) != "side"


def _pair_of_people(resolver: Resolver, pred: Token) -> list[str]:
    """'The two leaders previously held a summit': the two people the article pairs, not the
    parties of whatever event was reported just before (a state visit, say)."""
    subj = resolver.subject_of(pred) if pred.pos_ in ("VERB", "AUX") else None
    return resolver.person_pair(subj) if subj is not None else []


def _group_antecedent(resolver: Resolver, pred: Token, earlier: list[Draft]) -> Draft | None:
    """'Together, they warned ...', 'both called for ...', 'the delegations agreed': the event just
    reported, whose parties the group is."""
    if pred.pos_ not in ("VERB", "AUX"):
        return None
    subj = resolver.subject_of(pred)
    if subj is None or not (subj.lower_ in _GROUP_PRONOUNS or _group_noun(subj)):
        return None
    if _lemma(subj) == "side" and resolver.state_pair(subj):
        return None  # 'both sides' of an article about two states are those states
    start = pred.sent.start_char
    lookback = (
        _GROUP_LOOKBACK if subj.lower_ in _GROUP_PRONOUNS else 2 * _GROUP_LOOKBACK
    )  # a noun reaches further
    for draft in reversed(earlier):
        if len(draft.actors) >= 2 and start - lookback <= draft.sent_start <= start:
            return draft
    return None


#: Light verbs that put the event they carry ahead of them (a date already past makes it occurred).
_PLANNING_VERBS = LIGHT_VERBS & FUTURE_HEADS


def _status(pred: Token, etype: str) -> tuple[str | None, bool]:
    """(status or None when undecided, has_tense) from auxiliaries, control verbs and tense."""
    node = pred
    came_from: Token | None = None
    for hop in range(_STATUS_HOPS):
        for child in node.children:
            low = child.lower_
            if child.dep_ in ("aux", "auxpass"):
                if low in _FUTURE_AUX or low == "going":
                    return "scheduled", True
                if low in _MODAL_AUX and etype not in SPEECH_ACTS:
                    if low == "would" and _reported(node) and not _conditional(node):
                        return "scheduled", True  # reported "will": 'said Iran would hold talks'
                    return "proposed", True
        lemma = _lemma(node)
        if (
            came_from is not None
            and came_from.dep_ == "prep"
            and came_from.lower_ in _CIRCUMSTANCE_PREPS
            and node.tag_ in ("VBD", "VBN")
        ):
            return "occurred", True  # 'the deal was agreed at the Alaska summit': the summit was held
        if hop == 0 and node.dep_ == "attr" and _lemma(node.head) == "be":
            subj = next((c for c in node.head.children if c.dep_ == "nsubj"), None)
            if subj is not None and _lemma(subj) in REMEDY_NOUNS:
                return "proposed", True  # 'the only way to break the deadlock is a meeting': wanted
        if hop == 0 and lemma in _PLANNING_VERBS and node.pos_ in ("VERB", "AUX"):
            return "scheduled", True  # 'talks are planned for July', 'scheduled a meeting': ahead
        if hop == 0 and etype == "AGREE" and lemma in PROPOSE_HEADS:
            return "proposed", True  # 'offered a ceasefire', 'proposed a deal to X': not yet agreed
        if node.pos_ == "NOUN" and any(
            c.dep_ == "amod" and c.lower_ in FUTURE_MODIFIERS for c in node.children
        ):
            # 'the next round of talks', 'a future meeting': announced ahead (a proposal when offered)
            proposal = any(c.lower_ in ("proposed", "possible", "potential") for c in node.children)
            return ("proposed" if proposal else "scheduled"), True
        if hop > 0 and any(c.dep_ == "acomp" and _lemma(c) in FUTURE_HEADS for c in node.children):
            return "scheduled", True  # 'is likely to take place'
        if hop > 0 and lemma in PROPOSE_HEADS and _lemma(node.head) == "accept":
            return "scheduled", True  # 'accepted an invitation to visit'
        if hop > 0 and any(c.dep_ == "acomp" and _lemma(c) in PROPOSE_HEADS for c in node.children):
            return "proposed", True
        if hop > 0 and lemma in PROPOSE_HEADS:
            return "proposed", True
        if hop > 0 and lemma in ("agree", "decide", "vote") and etype in ("SANCTION", "CONCEDE"):
            return "occurred", True  # a measure that was decided has been taken
        if hop > 0 and lemma in FUTURE_HEADS:
            return "scheduled", True
        if node.tag_ in ("VBD", "VBN") and hop == 0:
            return "occurred", True
        if etype in SPEECH_ACTS or node.dep_ not in _STATUS_CLIMB or node.head.i == node.i:
            break
        if node.dep_ == "conj" and node.head.tag_ in ("VBD", "VBN"):
            return "occurred", True
        came_from = node
        node = node.head
    if pred.tag_ in ("VBZ", "VBP") and _future_time_clause(pred):
        return "scheduled", True
    if pred.tag_ in ("VBD", "VBN", "VBZ", "VBP"):
        return "occurred", True
    return None, False


def _future_time_clause(pred: Token) -> bool:
    """'will speak on Tuesday when he meets dissidents': a present tense in a time clause of a future."""
    node = pred
    while node.dep_ == "conj" and node.head.i != node.i:
        node = node.head
    if node.dep_ != "advcl" or not any(
        c.dep_ in ("mark", "advmod") and c.lower_ in _TIME_CLAUSE_MARKS for c in node.children
    ):
        return False
    return any(c.dep_ == "aux" and c.lower_ in _FUTURE_AUX for c in node.head.children)


def _date_ents(dates: list[SpacySpan], lo: int, hi: int) -> list[SpacySpan]:
    return [e for e in dates if lo <= e.start and e.end <= hi]


def _pick_date(
    dates: list[SpacySpan],
    trig: Token,
    pred: Token,
    published: dt.date | None,
    direction: Direction,
    mask: list[bool],
    etype: str = "",
) -> tuple[dt.date | None, bool]:
    """Date of the event: a date phrase in the trigger's subtree, else up the clause; (date, own_clause).

    The climb stops at a temporal clause ('... fell on Wednesday after Trump threatened'): its date is the
    main clause's. A speech act does not take the date of the act it talks about ('condemned the May 5
    attack').
    """

    def read(ent: SpacySpan) -> dt.date | None:
        offset = relative_offset(ent.text)
        if offset is not None:  # 'a day earlier': from the day the narrative just named
            base = _day_named_before(dates, ent.sent, published, mask)
            return base + dt.timedelta(days=offset) if base else None
        return resolve_date(ent.text, published, direction, _anchor(dates, ent))

    return _clause_time(
        dates,
        trig,
        pred,
        mask,
        etype,
        read,
    )


_NESTED_CLAUSE_DEPS = frozenset({"relcl", "acl", "ccomp", "pcomp"})  # never the event's own clause
_SUB_CLAUSE_DEPS = frozenset({"xcomp", "advcl", "conj"})  # not the own clause of the trigger they hang from


def _direction(status: str) -> Direction:
    return "future" if status in ("scheduled", "proposed") else "past"


def _pick_month(
    dates: list[SpacySpan],
    trig: Token,
    pred: Token,
    published: dt.date | None,
    direction: Direction,
    mask: list[bool],
    etype: str = "",
) -> str | None:
    """The month ('2026-03') of an event whose clause fixes no day: 'is planned for March'.

    Only a month of the event's own clause: a month is loose enough that one in a clause beneath
    ('who was elected in June', 'spoke with X to prepare for a session in March') is not its; a
    clause that predicates a noun trigger ('the next round is likely to take place next month')
    is its own.
    """
    spine = {trig.i, *(t.i for t in trig.ancestors)}

    def read(ent: SpacySpan) -> str | None:
        node, path = ent.root, []
        while node.i not in spine and node.head.i != node.i:
            path.append(node.dep_)
            node = node.head
        if _NESTED_CLAUSE_DEPS.intersection(path) or (
            node.i == trig.i and _SUB_CLAUSE_DEPS.intersection(path)
        ):
            return None
        return resolve_month(ent.text, published, direction)

    return _clause_time(dates, trig, pred, mask, etype, read)[0]


def _clause_time(
    dates: list[SpacySpan],
    trig: Token,
    pred: Token,
    mask: list[bool],
    etype: str,
    resolve: Callable[[SpacySpan], _T | None],
) -> tuple[_T | None, bool]:
    """The first date phrase of the event's clause that ``resolve`` reads (see ``_pick_date``)."""
    sent = trig.sent
    ents = [e for e in _date_ents(dates, sent.start, sent.end) if not mask[e.start] and not _is_range(e)]
    if etype in SPEECH_ACTS and pred.pos_ in ("VERB", "AUX"):
        inner = {t.i for c in pred.children if c.dep_ == "dobj" and c.pos_ == "NOUN" for t in c.subtree}
        ents = [e for e in ents if e.start not in inner]
    if _lemma(pred) in RESCHEDULE_VERBS:
        moved = _moved_times(pred)
        ents = [e for e in ents if e.start not in moved]
    if not ents:
        return None, False
    node = trig
    seen_pred = False
    for hop in range(_DATE_HOPS + 3):
        lo, hi = _subtree_range(node)
        report = _report_tokens(node, pred) if etype not in SPEECH_ACTS else set()
        inside = sorted(
            (e for e in ents if lo <= e.start and e.end <= hi and e.start not in report),
            key=lambda e: (_is_end_point(e), abs(e.start - trig.i)),
        )
        for ent in inside:
            value = resolve(ent)
            if value is not None:
                return value, node.i == trig.i or node.i == pred.i or not seen_pred
        if node.i == pred.i:
            seen_pred = True
        told = etype in SPEECH_ACTS and node.dep_ == "ccomp" and _lemma(node.head) in NEUTRAL_SPEECH_VERBS
        if (
            node.head.i == node.i
            or (node.dep_ not in _DATE_CLIMB and not told)
            or (hop >= _DATE_HOPS and node.i != pred.i)
        ):
            break  # ('told Obama on Thursday that China was opposed': a stance is taken when it is told)
        if node.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in _TEMPORAL_MARKS for c in node.children
        ):
            break
        node = node.head
    return None, False


def _moved_times(pred: Token) -> set[int]:
    """Tokens of the times a rescheduling moves ('extend the February 28 deadline to April 1', 'delay
    the vote from May to June'): the old and new dates of the thing moved, not the day of the act."""
    return {
        t.i
        for c in pred.children
        if c.dep_ in ("dobj", "nsubjpass") or (c.dep_ == "prep" and c.lower_ in _SHIFT_PREPS)
        for t in c.subtree
    }


_CONTENT_CLIMB = frozenset({"conj", "acl", "xcomp", "pcomp", "pobj", "prep", "advcl"})


def _hypothetical_content(pred: Token) -> bool:
    """The act is a capacity ('the ability to produce a weapon and threaten Israel') or the content
    of an allegation ('accused Kyiv of not wanting to seal a deal'): neither says it took place."""
    node = pred
    for _ in range(_STATUS_HOPS):
        head = node.head
        if head.i == node.i or node.dep_ not in _CONTENT_CLIMB:
            return False
        if node.dep_ in ("acl", "xcomp") and _lemma(head) in ABILITY_NOUNS:
            return True
        if node.dep_ in ("pcomp", "pobj") and head.lower_ == "of" and _lemma(head.head) in ALLEGATION_WORDS:
            return True
        node = head
    return False


def _in_condition(pred: Token) -> bool:
    """The act is the condition of another ('if Russia stopped air strikes supporting ...')."""
    node = pred
    for _ in range(_STATUS_HOPS):
        if node.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in _CONDITION_MARKS for c in node.children
        ):
            return True
        if node.head.i == node.i or node.dep_ in ("ccomp", "relcl", "csubj"):
            return False
        node = node.head
    return False


def _unnamed_speaker(resolver: Resolver, pred: Token) -> bool:
    """A speech act of commentators who stand for no party ('critics warn', 'analysts urged')."""
    if pred.pos_ not in ("VERB", "AUX"):
        return False
    subj = next((c for c in pred.children if c.dep_ == "nsubj"), None)
    return subj is not None and _lemma(subj) in COMMENTATOR_NOUNS and not resolver.actors(subj)


_WORDS_AFTER_SENTENCES = 2


def _dated_by_the_words_after(
    resolver: Resolver, draft: Draft, dates: list[SpacySpan], published: dt.date | None, mask: list[bool]
) -> Draft:
    """An undated stance or appeal of a person takes the day of the words that follow it, when the
    next sentence reports that person saying them on a day ('X reaffirmed his refusal to cede
    territory. "It's all about the land," he told reporters on Thursday.')."""
    if draft.date is not None or draft.type not in SPEECH_ACTS or draft.status != "occurred":
        return draft
    person = draft.actors[0] if draft.actors else None
    if person is None or resolver.index.name_type.get(person) != "PERSON":
        return draft
    for sent in _sentences_after(resolver.doc, draft.tok):  # the words may run over two before 'he said'
        for tok in sent:
            if mask[tok.i] or tok.pos_ not in ("VERB", "AUX") or _lemma(tok) not in NEUTRAL_SPEECH_VERBS:
                continue
            subj = resolver.subject_of(tok)
            if subj is None or resolver.speaker(subj) != person:
                return draft  # someone else speaks next: the day is theirs
            day, _own = _pick_date(dates, tok, tok, published, "past", mask, draft.type)
            return replace(draft, date=day) if day else draft
    return draft


def _sentences_after(doc: Doc, tok: int) -> Iterator[SpacySpan]:
    """The ``_WORDS_AFTER_SENTENCES`` sentences that follow the one holding token ``tok``."""
    end = doc[tok].sent.end
    for _ in range(_WORDS_AFTER_SENTENCES):
        if end >= len(doc):
            return
        sent = doc[end].sent
        yield sent
        end = sent.end


def _dated_by_the_journey(
    resolver: Resolver, draft: Draft, dates: list[SpacySpan], published: dt.date | None, mask: list[bool]
) -> Draft:
    """An undated planned visit of a person takes the day the next sentences give for that person's
    journey to the host ('Lee will fly to Beijing for a state visit next week. ... Lee is to depart
    for China on Sunday')."""
    if (
        draft.date is not None
        or draft.type != "CONSULT"
        or draft.status != "scheduled"
        or len(draft.actors) < 2
    ):
        return draft
    person, hosts = draft.actors[0], set(draft.actors[1:])
    if resolver.index.name_type.get(person) != "PERSON":
        return draft
    for sent in _sentences_after(resolver.doc, draft.tok):
        for tok in sent:
            if mask[tok.i] or tok.pos_ != "VERB" or _lemma(tok) not in TRAVEL_VERBS:
                continue
            subj = resolver.subject_of(tok)
            if subj is None or resolver.speaker(subj) != person:
                continue
            goes_to = {
                a
                for c in tok.children
                if c.dep_ == "prep" and c.lower_ in ("for", "to")
                for o in c.children
                if o.dep_ == "pobj"
                for a in resolver.actors(o)
            }
            if goes_to & hosts:
                day, _own = _pick_date(dates, tok, tok, published, "future", mask, draft.type)
                return replace(draft, date=day) if day else draft
    return draft


def _repeated(pred: Token) -> bool:
    """'extended the deadline three times', 'met twice': the clause counts acts, each told elsewhere.

    The count may hang lower in the parse ('for assets worth $22 billion three times'), but not
    under another verb ('talks that met three times')."""
    for tok in pred.subtree:
        twice = tok.dep_ in ("npadvmod", "advmod") and tok.lower_ in ("twice", "thrice")
        counts = [c for c in tok.children if c.dep_ == "nummod"] if _lemma(tok) == "time" else []
        counted = tok.dep_ in ("npadvmod", "advmod", "dobj") and bool(counts)
        if counted and _NUMBER_WORDS.get(counts[0].lower_, 2 if counts[0].like_num else 1) < 2:
            counted = False
        if not (twice or counted):
            continue
        node = tok.head
        while node.i != pred.i and node.pos_ not in ("VERB", "AUX") and node.head.i != node.i:
            node = node.head
        if node.i == pred.i:
            return True
    return False


def _report_tokens(node: Token, pred: Token) -> set[int]:
    """Tokens of a reporting clause the parse hangs under the event's clause ('Lee will visit China
    next week, the office said Tuesday', with 'said' a conjunct of 'visit'): the day of the report
    is not the day of the event it reports."""
    return {
        t.i
        for c in node.children
        if c.dep_ in ("conj", "parataxis", "ccomp") and c.i != pred.i and _lemma(c) in NEUTRAL_SPEECH_VERBS
        for t in c.subtree
    }


def _is_end_point(ent: SpacySpan) -> bool:
    """'extend the deadline to April 1', 'until March': the end of a period, not the day of the act."""
    return ent.start > 0 and ent.doc[ent.start - 1].lower_ in ("to", "until", "till", "through")


def _is_range(ent: SpacySpan) -> bool:
    """The end of a span written as two dates ('from Tuesday to Thursday'): the span is dated by its start.

    A span inside one date phrase ('Friday and Saturday', 'February 17-18') resolves to its first day.
    """
    doc = ent.doc
    before = doc[ent.start - 1].lower_ if ent.start > 0 else ""
    return before in ("to", "until", "through", "and") and any(
        t.lower_ in ("from", "between") for t in doc[max(ent.start - 6, 0) : ent.start]
    )


def _own_date(
    dates: list[SpacySpan], trig: Token, published: dt.date | None, direction: Direction
) -> dt.date | None:
    """A date phrase inside the noun's own phrase ('talks on May 16'), never one borrowed from elsewhere."""
    lo, hi = _subtree_range(trig)
    for ent in dates:
        if lo <= ent.start and ent.end <= hi and not _is_range(ent):
            day = resolve_date(ent.text, published, direction, _anchor(dates, ent))
            if day is not None:
                return day
    return None


_CONTEXT_SENTENCES = 2  # how far back a narrative's day still dates an undated sentence
_SEQUENCE_WORDS = frozenset({"then", "first", "later", "together", "afterwards", "afterward", "subsequently"})


_RELATIVE_DAY_SENTENCES = 5  # how far back 'a day earlier' finds the day it counts from


def _day_named_before(
    dates: list[SpacySpan],
    sent: SpacySpan,
    published: dt.date | None,
    mask: list[bool],
    sentences: int = _RELATIVE_DAY_SENTENCES,
) -> dt.date | None:
    """The last day a date phrase of the ``sentences`` before names: what 'a day earlier' counts
    from (quotes between the narrative's sentences count as sentences, not as its days)."""
    lo = sent.start
    for _ in range(sentences):
        if lo == 0:
            break
        lo = sent.doc[lo - 1].sent.start
    for ent in reversed(dates):
        if ent.end > sent.start or mask[ent.start] or _is_range(ent):
            continue
        if ent.start < lo:
            break
        day = resolve_date(ent.text, published, "past", _anchor(dates, ent))
        if day is not None:
            return day
    return None


def _context_date(
    dates: list[SpacySpan], sent: SpacySpan, published: dt.date | None, mask: list[bool]
) -> dt.date | None:
    """The day named just before ('On Thursday, Obama arrived ... He first met Abe'): a narrative's date.

    Only for a sentence with no date phrase of its own, and only from the sentence or two before.
    """
    if any(sent.start <= e.start < sent.end for e in dates):
        return None
    if not any(t.dep_ == "advmod" and t.lower_ in _SEQUENCE_WORDS for t in sent):
        return None  # only a sentence that carries the narrative on: 'then', 'first', 'together'
    return _day_named_before(dates, sent, published, mask, _CONTEXT_SENTENCES)


def _narrative_date(sent: SpacySpan, dates: list[SpacySpan], drafts: list[Draft]) -> dt.date | None:
    """The day of the narrative's last dated event ('On Thursday he first met Abe ... Then he met Xi').

    Like ``_context_date`` (a sentence that carries the narrative on, from the sentence or two
    before), but through an event of those sentences that was itself dated by its context.
    """
    if any(sent.start <= e.start < sent.end for e in dates):
        return None  # 'later in the month': a time of its own, even one that fixes no day
    if not any(t.dep_ == "advmod" and t.lower_ in _SEQUENCE_WORDS for t in sent):
        return None
    lo = sent.start
    for _ in range(_CONTEXT_SENTENCES):
        if lo == 0:
            break
        lo = sent.doc[lo - 1].sent.start
    lo_char = sent.doc[lo].idx
    for draft in reversed(drafts):
        if (
            lo_char <= draft.sent_start < sent.start_char
            and draft.date is not None
            and draft.status == "occurred"
        ):
            return draft.date
    return None


_ANCHOR_WINDOW = 120  # tokens back (a few sentences) in which a named year still dates a narrative


def _anchor(dates: list[SpacySpan], ent: SpacySpan) -> dt.date | None:
    """The latest year-naming date phrase shortly before ``ent`` ('in February 2022 ... on March 10')."""
    for prev in reversed(dates):
        if prev.end > ent.start:
            continue
        if prev.end < ent.start - _ANCHOR_WINDOW:
            break
        day = anchor_date(prev.text)
        if day is not None:
            return day
    return None


def _future_hint(dates: list[SpacySpan], pred: Token, published: dt.date | None) -> bool:
    """A date phrase that points ahead without fixing a day: 'next week', 'later this month', 'in 2026'."""
    lo, hi = _subtree_range(pred)
    for ent in dates:
        if not (lo <= ent.start and ent.end <= hi):
            continue
        low = ent.text.lower()
        if any(w in low.split() for w in ("next", "coming", "later", "upcoming", "tomorrow")):
            return True
        years = [int(w) for w in low.split() if w.isdigit() and len(w) == 4]
        if published and years and min(years) > published.year:
            return True
    return False


def _excluded(pred: Token, trig: Token) -> set[int]:
    """Tokens of other clauses and temporal phrases under the predicate: their places are not the event's."""
    out: set[int] = set()
    for root in {pred, trig}:
        for tok in root.subtree:
            if tok.i in out or tok.i in (pred.i, trig.i):
                continue
            if _opens_clause(tok):
                out.update(t.i for t in tok.subtree)
    return out


def _in_other_clause(tok: Token, spine: set[int]) -> bool:
    """tok hangs, below where it meets the event's spine, from a clause or temporal phrase of its own."""
    node = tok
    while node.i not in spine and node.head.i != node.i:
        if _opens_clause(node):
            return True
        node = node.head
    return False


def _opens_clause(tok: Token) -> bool:
    """tok heads a clause or a temporal phrase of its own: places and times under it are its own."""
    clause = tok.dep_ in _CLAUSE_DEPS or (tok.dep_ == "conj" and tok.pos_ in ("VERB", "AUX"))
    return clause or (tok.dep_ == "prep" and _lemma(tok) in _TEMPORAL_PREPS)


def _after_place_prep(doc: Doc, tok: Token) -> bool:
    """tok starts a place phrase: 'in (the) X', 'at (the) X', or 'to X' after a verb of travel."""
    j = tok.i - 1
    while j >= 0 and doc[j].pos_ == "DET":
        j -= 1
    if j < 0:
        return False
    prev = doc[j]
    if prev.lower_ in _LOC_PREPS:
        return True
    return prev.lower_ == "to" and _lemma(prev.head) in _MOTION_VERBS


def _location(
    resolver: Resolver,
    sent: SpacySpan,
    pred: Token,
    trig: Token,
    actors: list[str],
    mask: list[bool],
    etype: str = "",
) -> str | None:
    """Place after 'in'/'at' nearest the predicate, inside its own clause when the place is under it."""
    index = resolver.index
    best: tuple[int, str] | None = None
    lo, hi = _subtree_range(pred)
    excluded = _excluded(pred, trig)
    if etype in SPEECH_ACTS:  # 'condemned the attack in Pahalgam': the attack's place, not the condemnation's
        excluded |= {t.i for c in pred.children if c.dep_ == "dobj" for t in c.subtree}
    spine = {pred.i, trig.i, *(t.i for t in pred.ancestors), *(t.i for t in trig.ancestors)}
    for tok in sent:
        # 'the Alaska summit', 'the Geneva talks': a place that modifies the event noun is its place
        modifies = trig.pos_ == "NOUN" and tok.dep_ == "compound" and tok.head.i == trig.i
        if mask[tok.i] or tok.i in excluded or not (modifies or _after_place_prep(resolver.doc, tok)):
            continue
        if not lo <= tok.i < hi and _in_other_clause(tok, spine):
            continue  # 'a meeting in March after the teams wrapped up talks in Geneva': Geneva is theirs
        if tok.i > 0 and index.tok_name.get(tok.i - 1) == index.tok_name.get(tok.i):
            continue
        name = index.tok_name.get(tok.i)
        if not name:
            continue
        ntype = index.name_type.get(name)
        if ntype not in ("GPE", "LOC", "FAC") and name not in PLACE_INSTITUTIONS:
            continue
        if name in actors or (index.actor.get(name) in actors and index.actor.get(name) == name):
            continue
        score = abs(tok.i - pred.i) + (0 if lo <= tok.i < hi else 100)
        if best is None or score < best[0]:
            best = (score, _venue_place(resolver, tok) if ntype == "FAC" else name)
    return best[1] if best else None


def _in_several_places(resolver: Resolver, pred: Token, trig: Token) -> bool:
    """The act is placed in two or more coordinated places: one meeting is held in one place."""
    index = resolver.index
    for root in {pred, trig}:
        for tok in root.subtree:
            name = index.tok_name.get(tok.i)
            if not name or index.name_type.get(name) not in ("GPE", "LOC", "FAC"):
                continue
            prep = tok.head
            if tok.dep_ != "pobj" or prep.lower_ not in ("in", "at"):
                continue
            if not _places_the_act(prep.head, pred, trig):
                continue  # 'met X amid concerns about attacks in Paris and Brussels': not the meeting's
            places = {name} | {
                index.tok_name[c.i]
                for c in tok.conjuncts
                if c.i in index.tok_name and index.name_type.get(index.tok_name[c.i]) in ("GPE", "LOC", "FAC")
            }
            if len(places) >= 2:
                return True
    return False


def _places_the_act(held: Token, pred: Token, trig: Token) -> bool:
    """A place phrase on ``held`` places the act: ``held`` is the predicate, the trigger, a
    participle on them ('talks held in ...') or a noun inside the event noun's phrase
    ('negotiations between officials in Geneva and Abu Dhabi')."""
    if held in (pred, trig) or (held.dep_ == "acl" and held.head in (pred, trig)):
        return True
    if trig.pos_ != "NOUN":
        return False
    node = held
    for _ in range(len(held.sent)):  # spaCy makes a new Token per access: compare indices
        if node.i == trig.i:
            return True
        if node.pos_ in ("VERB", "AUX") or node.head.i == node.i:
            return False
        node = node.head
    return False


def _venue_place(resolver: Resolver, tok: Token) -> str:
    """The city or region a named venue is said to be in ('at Joint Base Elmendorf-Richardson in
    Alaska' -> Alaska): outlets name the venue or the place, and the place is what they share."""
    index = resolver.index
    name = index.tok_name[tok.i]
    span = [t for t in tok.sent if index.tok_name.get(t.i) == name and abs(t.i - tok.i) < 8]
    for word in span:
        for prep in word.children:
            if prep.dep_ != "prep" or prep.lower_ not in ("in", "near"):
                continue
            for place in prep.children:
                place_name = index.tok_name.get(place.i)
                if place.dep_ == "pobj" and place_name and index.name_type.get(place_name) in ("GPE", "LOC"):
                    return place_name
    return name


def _mode(etype: str, mode: str | None, trig: Token, pred: Token, actors: list[str]) -> str | None:
    lo, hi = _subtree_range(pred if pred.i != trig.i else trig)
    if pred.pos_ in ("VERB", "AUX"):
        lo = min(
            [pred.i]
            + [c.left_edge.i for c in pred.children if c.i > pred.i or c.dep_ in ("nsubj", "nsubjpass")]
        )
    words = {t.lower_ for t in trig.doc[lo:hi]} | {_lemma(t) for t in trig.doc[lo:hi]}
    text = trig.doc[lo:hi].text.lower()
    if any(w in text for w in CEASEFIRE_WORDS):
        return "ceasefire"
    if "sanction" in text and etype not in ("AID", "CONSULT", "COOPERATE", "AGREE", "ASSAULT", "MOBILIZE"):
        return "sanctions"
    if etype == "CONSULT":
        if words & {"phone", "telephone", "phonecall", "phoned", "call"}:
            return "phone"
        if "face-to-face" in text or "in-person" in text or words & {"face", "person"}:
            return "in_person"
        if len(actors) >= 3 and mode not in ("phone",):
            return "multilateral"
    return mode


def _day_offset(sent: SpacySpan, anchor: Token) -> int:
    """Days between the event and the anchor noun: 'The call came a day after X' -> X is one day earlier."""
    for tok in sent:
        if tok.lower_ not in ("after", "before") or tok.i == 0:
            continue
        unit = tok.doc[tok.i - 1]
        if unit.lemma_.lower() != "day" or unit.i == 0:
            continue
        count = _NUMBER_WORDS.get(tok.doc[unit.i - 1].lower_)
        if count is None:
            continue
        sign = -1 if tok.lower_ == "after" else 1
        return sign * count if anchor.i < tok.i else -sign * count
    return 0


def _anaphoric_date(
    sent: SpacySpan,
    trig: Token,
    drafts: list[Draft],
    actors: list[str],
    status: str,
    published: dt.date | None,
) -> dt.date | None:
    """'in the hours leading up to the call': the date of the earlier event that noun refers to."""
    for tok in sent:
        if tok.i == trig.i or tok.lower_ not in _ANAPHOR_NOUNS:
            continue
        if not any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children):
            continue
        if any(c.dep_ == "prep" and c.lower_ in ("for", "on") for c in tok.children):
            continue
        head = tok.head
        if _lemma(head) == "before" or (
            _lemma(head) in ("to", "of") and _lemma(head.head) in ("prior", "ahead")
        ):
            continue  # 'prior to the talks': another moment
        family = _ANAPHOR_NOUNS[tok.lower_]
        candidates = [d for d in drafts if d.date is not None and d.type == "CONSULT" and d.mode == family]
        if status != "occurred" and published:
            candidates = [
                d for d in candidates if d.date and d.date >= published
            ]  # a plan is not dated by the past
        shared = [d for d in candidates if set(d.actors) & set(actors)]
        for draft in reversed(shared or candidates):
            return draft.date + dt.timedelta(days=_day_offset(sent, tok))  # type: ignore[operator]
    return None


def _anchored(sent: SpacySpan) -> bool:
    """The sentence ties itself to an earlier event: 'after the meeting', 'a day after'."""
    words = [t.lower_ for t in sent]
    return any(w in ("after", "following", "during") for w in words)


def _event_anaphor_partner(
    pred: Token, earlier: list[Draft], sent_start: int, agents: list[str]
) -> list[str]:
    """'condemned the decision': the party whose act the noun refers to (latest earlier event's agent)."""
    for child in pred.children:
        if child.dep_ != "dobj" or _lemma(child) not in EVENT_ANAPHORS:
            continue
        if not any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in child.children):
            continue
        for draft in reversed(earlier):
            if draft.sent_start < sent_start and draft.actors and draft.actors[0] not in agents:
                return [draft.actors[0]]
    return []


def _political(resolver: Resolver, actors: list[str]) -> bool:
    """At least one actor is a state, a person or a political organisation (not only companies)."""
    for actor in actors:
        ntype = resolver.index.name_type.get(actor)
        if ntype != "ORG" or actor in _POLITICAL_ORGS:
            return True
        low = actor.lower()
        if any(word in low.split() or (" " in word and word in low) for word in POLITICAL_ORG_WORDS):
            return True
    return False


def _requested_meeting(pred: Token, found: list[tuple[Token, str, str | None, Token]]) -> Token | None:
    """The meeting a request asks for ('called for a meeting with X', 'urged talks with X'), else None.

    FORMAT.md codes a meeting someone wants as CONSULT, proposed: the request is that meeting's
    proposal, not an appeal of its own.  Only a meeting *with* someone is the requester's own; 'pressed
    for peace talks to take place in Geneva' asks others to meet, an appeal.
    """
    nouns = {
        t.i: t
        for t, etype, _m, _p in found
        if etype == "CONSULT"
        and t.pos_ in ("NOUN", "PROPN")
        and any(c.dep_ == "prep" and c.lower_ == "with" for c in t.children)
    }
    for child in pred.children:
        if child.dep_ == "dobj" and child.i in nouns:
            return child
        if child.dep_ == "prep" and child.lower_ == "for":
            target = next((g for g in child.children if g.dep_ == "pobj" and g.i in nouns), None)
            if target is not None:
                return target
    return None


def _consumed(doc: Doc, found: list[tuple[Token, str, str | None, Token]], requesting: set[int]) -> set[int]:
    """Tokens inside the complement of a threat or appeal: the embedded act is not an event of its own.

    A requested meeting stays (``requesting``: the verbs asking for one, see ``_requested_meeting``):
    the appeal is its proposal.
    """
    out: set[int] = set()
    for trig, etype, _mode, pred in found:
        if etype == "REQUEST" and pred.i in requesting:
            continue
        if etype in ("REJECT", "REQUEST", "THREATEN") and trig.pos_ in ("NOUN", "PROPN"):
            for child in trig.children:  # 'his refusal to cede', 'the demand that it cede': not acts
                if child.dep_ in ("acl", "xcomp", "ccomp"):
                    out.update(t.i for t in child.subtree)
        if etype == "REJECT" and pred.pos_ in ("VERB", "AUX"):
            for child in pred.children:
                if child.dep_ == "xcomp":  # 'refused to meet': no meeting
                    out.update(t.i for t in child.subtree)
        if etype in ("THREATEN", "REQUEST") and pred.pos_ in ("VERB", "AUX"):
            for child in pred.children:
                marked = child.dep_ == "advcl" and any(m.lower_ == "for" for m in child.children)
                if child.dep_ in ("ccomp", "xcomp", "prep", "dobj") or marked:
                    out.update(t.i for t in child.subtree)
    return out


def _names_a_city(resolver: Resolver, tok: Token) -> bool:
    """The token names a city (a capital too): 'the Geneva talks', 'the Helsinki summit'."""
    name = resolver.index.tok_name.get(tok.i)
    return bool(name) and resolver.index.name_type.get(name) == "GPE" and country_code(name) is None


def _is_city(resolver: Resolver, name: str) -> bool:
    """A place that is neither a country nor a capital standing for its government: never an actor."""
    index = resolver.index
    ntype = index.name_type.get(name)
    if ntype is None:
        return False  # an actor name already mapped to a country (capital, demonym)
    return ntype in ("GPE", "LOC", "FAC") and country_code(name) is None


def _no_comment(pred: Token) -> bool:
    """'Declined to comment', 'did not respond to requests for comment': a reporter's question
    left unanswered, which rejects nothing."""
    if any(c.dep_ == "xcomp" and _lemma(c) in NO_COMMENT_VERBS for c in pred.children):
        return True
    return any(t.lemma_.lower() == "comment" and t.pos_ == "NOUN" and t.dep_ == "pobj" for t in pred.subtree)


def _describes_noun(verb: Token) -> bool:
    """A participle used as an adjective ('the bodies of 1,000 killed soldiers'), which the parser
    tags amod, or after a number, often as a coordinated verb with no subject of its own."""
    if verb.tag_ not in ("VBN", "VBG", "VBD"):
        return False
    if verb.dep_ == "amod":
        return True
    before = verb.doc[verb.i - 1] if verb.i > 0 else None
    return (
        before is not None
        and before.tag_ == "CD"
        and (before.dep_ == "nummod" or (before.dep_ == "pobj" and before.head.lower_ == "of"))
        and not any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in verb.children)
    )


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
        if mask[pred.i] or _describes_noun(pred):
            continue  # quoted, or a participle describing a noun ('killed soldiers'), not a clause
        found.append((tok, etype, mode, pred))
    requested = {
        pred.i: meeting
        for _t, etype, _m, pred in found
        if etype == "REQUEST"
        and pred.pos_ in ("VERB", "AUX")
        and (meeting := _requested_meeting(pred, found))
    }
    consumed = _consumed(resolver.doc, found, set(requested))
    preds = {pred.i for _t, _e, _m, pred in found} | {t.i for t, _e, _m, _p in found}
    drafts: list[Draft] = []
    pending: list[tuple[Token, str, str | None, Token, dt.date | None, str | None]] = []
    agreeing = {pred.i for _t, etype, _m, pred in found if etype == "AGREE"}
    for trig, etype, mode, pred in found:
        if trig.i in consumed or (etype == "REQUEST" and pred.i in requested):
            continue
        if etype == "AGREE" and pred.dep_ in ("advcl", "conj") and pred.head.i in agreeing:
            continue  # 'struck a deal with X, agreeing to a freeze': the one agreement, told twice
        if _repeated(pred):
            continue  # 'has already extended the deadline three times': a count of acts, not one event
        if _in_condition(pred) and mode != "ultimatum":
            continue  # 'could only succeed if Russia stopped air strikes': supposed, not reported
        if _hypothetical_content(pred):
            continue  # 'the ability to threaten Israel', 'accused Kyiv of not wanting to seal a deal'
        if _lemma(pred) == "speak" and pred.tag_ == "VBG" and pred.dep_ == "advcl":
            continue  # 'Speaking to the BBC, X said': an interview, not a consultation
        refused = None
        if mode != "ultimatum" and _negated(trig, pred):
            if etype in ("RETREAT", "CONCEDE"):
                refused = etype  # 'will not surrender land to X': a refusal to yield, to X
            elif etype != "AGREE" or _lemma(pred) not in ("accept", "agree"):
                continue
            etype = "REJECT"  # 'would not accept the displacement': a refusal
        if (
            etype == "AGREE"
            and _lemma(pred) in ("agree", "decide")
            and any(c.dep_ == "xcomp" and c.i in preds for c in pred.children)
        ):
            continue  # 'agreed to meet', 'agreed to pause tariffs': the embedded act is the event
        status, has_tense = _status(pred, etype)
        if any(meeting.i == trig.i for meeting in requested.values()):
            status, has_tense = "proposed", True  # 'called for a meeting with X': wanted, not held
        if refused or mode == "ultimatum":
            status, has_tense = "occurred", True  # a refusal, an ultimatum: made when it is said
        if etype in ("SANCTION", "ASSAULT", "COERCE") and status != "occurred" and _conditional(pred):
            etype, status, has_tense = "THREATEN", "occurred", True  # 'would impose tariffs unless ...'
        hyphened = _hyphen_parties(resolver, trig) or _pair_of_people(resolver, pred)
        antecedent = None if hyphened else _group_antecedent(resolver, pred, earlier + drafts)
        agents = hyphened or (list(antecedent.actors) if antecedent else [])
        if not agents and not _group_subject(resolver, pred):
            agents = _agents(resolver, trig, pred, etype)  # a group with no parties just named has none
        if not agents and etype in SPEECH_ACTS and _unnamed_speaker(resolver, pred):
            continue  # 'Critics warn the move will delay Japan's budget': no party speaks
        if etype == "REJECT" and _no_comment(pred):
            continue  # 'declined to comment': a reporter's question turned down, not a rejection
        if etype == "REJECT" and refused is None and pred.pos_ in ("VERB", "AUX"):
            acts = [_trigger_of(c) for c in pred.children if c.dep_ == "xcomp"]  # 'refused to cede ...'
            refused = next((act[0] for act in acts if act and act[0] in ("RETREAT", "CONCEDE")), None)
        partners = [p for p in _partners(resolver, trig, pred, etype, refused) if p not in agents]
        if hyphened:
            partners = [p for p in partners if "-" not in p]  # the chain itself, tagged as one entity
        if not partners and etype in ("ACCUSE", "REJECT", "SUPPORT") and pred.pos_ in ("VERB", "AUX"):
            partners = _event_anaphor_partner(pred, earlier + drafts, sent.start_char, agents)
        partners = [p for p in partners if not _is_city(resolver, p)]
        agents = [a for a in agents if not _is_city(resolver, a)]
        agentless = pred.pos_ in ("NOUN", "PROPN") or (pred.dep_ == "acl" and pred.tag_ == "VBN")
        if etype == "COOPERATE" and mode == "exchange" and not partners:
            partners = [p for p in _nationals_of(resolver, trig) if p not in agents][:1]
        if etype == "SANCTION" and not agents and partners and agentless:
            agents = _sanctioner_before(earlier + drafts, partners)
        if pred.pos_ in ("NOUN", "PROPN") and not partners and etype in NEEDS_PARTNER and not hyphened:
            agents = []  # a clause subject alone does not make 'the call' an event; it may borrow one below
        actors = agents + [p for i, p in enumerate(partners) if p not in partners[:i]]
        direction: Direction = "future" if status in ("scheduled", "proposed") else "past"
        day, _own = _pick_date(dates, trig, pred, published, direction, mask, etype)
        if status is None:
            future = (day and published and day > published) or _future_hint(dates, pred, published)
            status = "scheduled" if future else "occurred"
        elif status == "occurred" and not has_tense and day and published and day > published:
            status = "scheduled"
        elif status == "scheduled" and day and published and day < published:
            status = "occurred"
        location = _location(resolver, sent, pred, trig, actors, mask, etype)
        # 'talks held in Geneva, Abu Dhabi and Miami': rounds summed up, not one meeting (kept for
        # what follows: 'a new round of talks' is of that series)
        summary = etype == "CONSULT" and status == "occurred" and _in_several_places(resolver, pred, trig)
        if not actors and etype == "CONSULT":
            actors = _series_parties(trig, earlier + drafts, location)
        if not actors:
            own = _own_date(dates, trig, published, direction) if trig.pos_ == "NOUN" else None
            if trig.pos_ == "NOUN" and (own or location):
                pending.append((trig, etype, mode, pred, own, location))
            continue
        if etype in NEEDS_PARTNER and len(actors) < 2 and mode not in _ONE_PARTY_MODES:
            continue
        if (
            etype in ("ACCUSE", "REJECT")
            and len(actors) < 2
            and (not agents or any(c.dep_ == "auxpass" for c in pred.children))
        ):
            continue  # a named party must act: 'Cuba was criticized', 'its plan was rejected' name the object
        if etype == "AGREE" and len(actors) < 2 and pred.dep_ in ("advcl", "conj", "xcomp"):
            # 'held talks with X on Tuesday, agreeing to ...': the agreement is between the talks' parties.
            head = pred.head
            talks = [
                d for d in drafts if d.type == "CONSULT" and d.tok in {head.i} | {c.i for c in head.children}
            ]
            if talks:
                actors += [a for a in talks[-1].actors if a not in actors]
        if (
            etype == "AGREE"
            and _lemma(pred) == "agree"
            and len(actors) < 2
            and not any(_lemma(t) in AGREEMENT_WORDS | CEASEFIRE_WORDS for t in pred.subtree)
        ):
            continue  # 'X agreed to buy ...': one party agreeing to its own act is no agreement
        if not _political(resolver, actors):
            continue  # companies only: business news, not diplomacy
        if (
            day is None
            and pred.dep_ == "relcl"
            and any(c.dep_ == "aux" and c.lower_ in ("has", "have") for c in pred.children)
        ):
            continue  # 'who has mediated between ...': background, not a reported event
        if day is None and (etype not in SPEECH_ACTS or _anchored(sent)):
            day = _anaphoric_date(sent, trig, earlier + drafts, actors, status, published)
        if (
            day is None
            and status == "occurred"
            and antecedent is not None
            and antecedent.status == "occurred"
        ):
            day = antecedent.date  # 'The delegations agreed to ...': on the occasion just reported
        if day is None and status == "occurred":
            day = _context_date(dates, sent, published, mask) or _narrative_date(
                sent, dates, earlier + drafts
            )
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
                trigger=trig.text if pred.i == trig.i else f"{pred.text} {trig.text}",
                sent_start=sent.start_char,
                sent_end=sent.end_char,
                tok=trig.i,
                confidence=min(confidence, 0.95),
                month=None
                if day
                else _pick_month(dates, trig, pred, published, _direction(status), mask, etype),
                summary=summary,
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


_TYPED_MIN_TOKENS = 5
_TYPED_MAX_TOKENS = 90  # longer "sentences" are navigation, lists and tables run together


def _sentence_probs(resolver: Resolver, sents: list[SpacySpan], th: Thresholds) -> list[dict[str, float]]:
    """The typer's type probabilities per sentence ({} where it does not count: no verb, no names
    unless the parties may be described)."""
    asked = [
        i
        for i, sent in enumerate(sents)
        if _TYPED_MIN_TOKENS <= len(sent) <= _TYPED_MAX_TOKENS
        and (th.phrase_actor or any(t.i in resolver.index.tok_name for t in sent))
        and any(t.pos_ in ("VERB", "AUX") for t in sent)
    ]
    return sentence_probs(resolver.doc, sents, asked)


def _typed_predicate(sent: SpacySpan, etype: str, alone: bool) -> Token | None:
    """The verb carrying a typed event: the root, or what a reporting verb reports ('said X met Y').

    A neutral reporting verb ('said', 'told') is never the act itself, also for speech acts:
    inside an article, with nothing reported under it, there is no verb to carry the event
    (None).  A sentence that stands alone is known to report one: there the speaker may be its actor.
    """
    root = sent.root
    neutral = _lemma(root) in NEUTRAL_SPEECH_VERBS and not alone
    if not neutral and (etype in SPEECH_ACTS or _lemma(root) not in SPEECH_VERBS):
        return root
    inner = [c for c in root.children if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX")]
    if neutral and inner and inner[0].pos_ == "AUX":  # 'said his comments were not racist and refused ...'
        inner = [c for c in inner[0].children if c.dep_ == "conj" and c.pos_ == "VERB"] or inner
    if not inner and neutral:  # 'is said to have discussed', 'said ... and refused to apologise'
        inner = [c for c in root.children if c.dep_ in ("xcomp", "conj") and c.pos_ == "VERB"]
    return inner[0] if inner else (None if neutral else root)


def _sentence_actors(resolver: Resolver, pred: Token, mask: list[bool], whole: bool) -> list[str]:
    """Actors named under the predicate (or in its whole sentence) outside quotes and its subject."""
    out: list[str] = []
    subject = {t.i for c in pred.children if c.dep_ in ("nsubj", "nsubjpass") for t in c.subtree}
    for tok in pred.sent if whole else pred.subtree:
        if tok.i in subject and not whole:
            continue
        name = resolver.index.tok_name.get(tok.i)
        if name is None or mask[tok.i] or resolver.index.tok_name.get(tok.i - 1) == name:
            continue
        if resolver.index.name_type.get(name) not in ACTOR_LABELS:
            continue
        venue = _after_place_prep(resolver.doc, tok) and resolver.index.name_type.get(name) in ("GPE", "LOC")
        if venue and not whole:
            continue  # 'held in Evian, France': the place of the event, not a party
        actor = resolver.actor_of(name)
        if actor not in out and not _is_city(resolver, name):
            out.append(actor)
    return out


_PHRASE_DEPS = frozenset({"compound", "amod", "nmod", "poss", "case"})


def _subject_phrase(pred: Token) -> list[str]:
    """The described party of a verb with no named one: its subject and modifiers ('Striking teachers')."""
    subj = next((c for c in pred.children if c.dep_ == "nsubj"), None)  # the doer, not 'the talks were held'
    if subj is None or subj.pos_ not in ("NOUN", "PROPN") or _trigger_of(subj) is not None:
        return []  # no subject, or an event noun ('The meeting ended'): not a party
    words = [t for t in subj.subtree if t.i == subj.i or (t.head.i == subj.i and t.dep_ in _PHRASE_DEPS)]
    words = [t for t in words if t.is_alpha or t.text in ("'s", "’s")]
    return [" ".join(t.text for t in words).replace(" 's", "'s").replace(" ’s", "’s")] if words else []


def _typed_drafts(
    resolver: Resolver,
    sent: SpacySpan,
    etypes: list[tuple[str, float]],
    found: list[Draft],
    published: dt.date | None,
    mask: list[bool],
    dates: list[SpacySpan],
    th: Thresholds,
) -> list[Draft]:
    """Events of the types the typer finds in a sentence beyond the rules' own.

    Next to a rule event the new type shares the occasion (its parties, date and status: talks
    that ended with an exchange of prisoners); alone, it takes the main verb's subject and the
    other actors the sentence names, and needs two of them (one when the typer is sure), one political.
    """
    out: list[Draft] = []
    refused = {hit[0] for hit in (_trigger_of(t) for t in sent) if hit} if found and etypes else set()
    for etype, prob in etypes:
        if found:
            if etype in refused:
                continue  # the rules read this type here and turned it down ('agreed to pause tariffs')
            base = found[0]
            out.append(replace(base, type=etype, mode=None, confidence=min(base.confidence, 0.6)))
            continue
        pred = _typed_predicate(sent, etype, alone=not th.strict_parties)
        if pred is None:
            continue
        not_verb = pred.pos_ not in ("VERB", "AUX") or mask[pred.i]
        if (not_verb and th.strict_parties) or (th.defer and _trigger_of(pred) is not None):
            continue  # a verb the rules read and turned down ('agreed to buy') is not the typer's
        if _group_subject(resolver, pred) or (etype == "REJECT" and _no_comment(pred)):
            continue  # 'the two leaders held ...' with no parties just named: nobody to name
        if _negated(pred, pred) and etype != "REJECT":
            continue  # 'held no talks', 'did not sign': the act the typer reads is denied
        agents = [a for a in _agents(resolver, pred, pred, etype) if a and not _is_city(resolver, a)]
        if not agents and th.named_subject:
            continue  # the verb's subject must be a named party: 'I met him', 'the sale drew interest'
        others = [a for a in _sentence_actors(resolver, pred, mask, not th.named_subject) if a not in agents]
        actors = agents + others
        if not actors and th.phrase_actor:
            actors = _subject_phrase(pred)
        if th.strict_parties:
            needed = 2 if etype in NEEDS_PARTNER else actors_needed(prob, th)  # a meeting needs a partner
            if len(actors) < needed or not _political(resolver, actors):
                continue
        elif not actors:
            continue
        status, has_tense = _status(pred, etype)
        direction: Direction = "future" if status in ("scheduled", "proposed") else "past"
        day, _own = _pick_date(dates, pred, pred, published, direction, mask, etype)
        if status is None or (not has_tense and day and published and day > published):
            status = "scheduled" if day and published and day > published else "occurred"
        out.append(
            Draft(
                type=etype,
                mode=None,
                actors=tuple(actors),
                recipient=others[0] if others else None,
                location=_location(resolver, sent, pred, pred, actors, mask, etype),
                date=day,
                time_utc=None,
                status=status,
                trigger=pred.text,
                sent_start=sent.start_char,
                sent_end=sent.end_char,
                tok=pred.i,
                confidence=0.5,
                month=None
                if day
                else _pick_month(dates, pred, pred, published, _direction(status), mask, etype),
            )
        )
    return out


def _retyped(draft: Draft, etype: str) -> Draft:
    """The draft under the type the decision gives it; a mode refines the rule's type, so it goes with it."""
    return draft if etype == draft.type else replace(draft, type=etype, mode=None)


def _is_question(sent: SpacySpan, mask: list[bool]) -> bool:
    """A sentence the writer ends with a question mark asks, it does not report ('Did Trump kill
    the order?'); a question inside a quotation is the speaker's and masked anyway."""
    last = next((t for t in reversed(sent) if not (t.is_space or t.is_quote or t.is_bracket)), None)
    return last is not None and last.text == "?" and not mask[last.i]


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
        month=None if (a.date or b.date) else a.month or b.month,
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
            months = o.month == d.month or o.month is None or d.month is None
            same_day = o.date == d.date and (o.date is not None or (o.status == d.status and months))
            future = o.status == d.status and o.status in ("scheduled", "proposed")
            modes = o.mode == d.mode or o.mode is None or d.mode is None
            same_plan = future and modes and (o.date is None) != (d.date is None)
            if same_sentence or same_day or same_plan:
                out[i] = _merge(o, d) if o.date is not None or d.date is None else _merge(d, o)
                break
        else:
            out.append(d)
    return out


_FRAGMENT_WORDS = 3  # a quoted fragment this short inside a clause is the writer's sentence


def _narrated_mask(doc: Doc, mask: list[bool]) -> list[bool]:
    """The quote mask without short fragments quoted inside the writer's own clause.

    'Xi told Obama that China was "firmly opposed" to the deployment' reports Xi's act in the
    writer's words, two of them quoted; a quotation of its own (a sentence, a clause the speaker
    says) still hides its verbs, which are the speaker's words, not events the writer reports.
    """
    out = list(mask)
    size = len(doc)
    i = 0
    while i < size:
        if not mask[i]:
            i += 1
            continue
        j = i
        while j < size and mask[j]:
            j += 1
        if sum(1 for t in doc[i:j] if t.is_alpha) <= _FRAGMENT_WORDS:  # the sentence only for short ones
            sent = doc[i].sent
            before = any(t.is_alpha for t in doc[sent.start : i])
            after = any(t.is_alpha for t in doc[j : sent.end])
            if before and after:
                out[i:j] = [False] * (j - i)
        i = j
    return out


def extract_events(
    article: Article, doc: Doc, resolver: Resolver, mask: list[bool], quotes: list[Quote]
) -> list[Event]:
    """PLOVER events of the article, each with its evidence sentence and its actors' quotes."""
    drafts: list[Draft] = []
    dates = [e for e in doc.ents if e.label_ == "DATE"]
    published = reference_date(article.published_date, article.retrieved_date, [e.text for e in dates])
    sents = list(doc.sents)
    th = thresholds(sum(1 for sent in sents if any(t.is_alpha for t in sent)))
    probs = _sentence_probs(resolver, sents, th)
    narrated = _narrated_mask(doc, mask)
    for sent, sent_probs in zip(sents, probs, strict=True):
        if _is_question(sent, mask):
            continue
        found = _sentence_drafts(resolver, sent, published, narrated, drafts, dates)
        if sent_probs:
            found = [_retyped(d, corrected(d.type, sent_probs, th)) for d in found]
            extra = extra_types({d.type for d in found}, sent_probs, th)
            found += _typed_drafts(resolver, sent, extra, found, published, mask, dates, th)
        drafts.extend(found)
    drafts = [_dated_by_the_words_after(resolver, d, dates, published, mask) for d in drafts]
    drafts = [_dated_by_the_journey(resolver, d, dates, published, mask) for d in drafts]
    ref = ArticleRef(
        article_id=article.article_id,
        title=article.title,
        outlet=article.outlet,
        published_date=article.published_date,
        reference_date=published,
        url=article.url,
        published_at=article.published_at,
    )
    events: list[Event] = []
    for d in _dedupe([d for d in drafts if not d.summary]):
        evidence = doc_text(doc)[d.sent_start : d.sent_end]
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
                month=None if d.date else d.month,
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
