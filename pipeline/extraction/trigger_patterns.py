"""Event triggers as spaCy patterns: data in ``patterns/triggers.jsonl``, matched once per doc.

Each line is ``{"label": PLOVER type, "mode": ..., "id": kind, "pattern": [...]}``, the way
``EntityRuler`` reads its JSONL.  A pattern of token dicts (kinds ``verb``, ``noun``,
``noun_form``) goes to a ``Matcher``; one with ``RIGHT_ID`` nodes to a ``DependencyMatcher``:
``verb_object`` and ``verb_object_substance`` anchor on the verb ('imposed sanctions', 'sent a
package of aid'), ``noun_*`` on an event noun known by its modifier ('a joint news conference').
Adding a trigger is adding a line.  What needs more than a pattern (guards such as 'called
*for*', 'warned of *force*') stays in :mod:`pipeline.extraction.events`.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

PATTERNS_PATH = Path(__file__).with_name("patterns") / "triggers.jsonl"

Trig = tuple[str, str | None]

if not Token.has_extension("lemma_lower"):
    Token.set_extension("lemma_lower", getter=lambda tok: tok.lemma_.lower())
if not Doc.has_extension("trigger_hits"):
    Doc.set_extension("trigger_hits", default=None)


@dataclass
class TokenHits:
    """What the patterns say of one token."""

    verb: Trig | None = None
    noun: Trig | None = None  # by lemma, else by the word form
    noun_form: Trig | None = None
    pairs: list[tuple[int, int, Trig]] = field(default_factory=list)  # (substance?, object index, trigger)

    def pair(self) -> Trig | None:
        """The verb+object trigger of the first object in parse order, direct objects first."""
        return min(self.pairs)[2] if self.pairs else None


@functools.lru_cache(maxsize=1)
def load_patterns(path: Path = PATTERNS_PATH) -> tuple[dict[str, Any], ...]:
    """The pattern lines, read once."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(json.loads(line) for line in lines if line.strip())


@functools.lru_cache(maxsize=1)
def pair_verbs() -> frozenset[str]:
    """Verb lemmas that trigger only with a listed object ('impose' needs 'sanctions')."""
    out: set[str] = set()
    for entry in load_patterns():
        if entry["id"].startswith("verb_object"):
            out.update(entry["pattern"][0]["RIGHT_ATTRS"]["_"]["lemma_lower"]["IN"])
    return frozenset(out)


@functools.lru_cache(maxsize=1)
def verb_lemmas() -> frozenset[str]:
    """Verb lemmas that trigger on their own."""
    return frozenset(
        lemma
        for entry in load_patterns()
        if entry["id"] == "verb"
        for lemma in entry["pattern"][0]["_"]["lemma_lower"]["IN"]
    )


@dataclass
class TriggerMatchers:
    """One ``Matcher`` and one ``DependencyMatcher`` over a vocab, and the trigger of each match key."""

    matcher: Matcher
    dep_matcher: DependencyMatcher
    trig_of: dict[int, tuple[str, Trig]]  # match key -> (kind, trigger)


_MATCHERS: dict[int, TriggerMatchers] = {}


def matchers_for(vocab: Vocab) -> TriggerMatchers:
    """The matchers of this vocab, built once (one pipeline: one vocab)."""
    found = _MATCHERS.get(id(vocab))
    if found is not None and found.matcher.vocab is vocab:
        return found
    matcher, dep_matcher = Matcher(vocab), DependencyMatcher(vocab)
    trig_of: dict[int, tuple[str, Trig]] = {}
    for n, entry in enumerate(load_patterns()):
        key = f"diplofeed_trigger_{n}"
        trig_of[vocab.strings.add(key)] = (entry["id"], (entry["label"], entry["mode"]))
        if "RIGHT_ID" in entry["pattern"][0]:
            dep_matcher.add(key, [entry["pattern"]])
        else:
            matcher.add(key, [entry["pattern"]])
    built = TriggerMatchers(matcher, dep_matcher, trig_of)
    _MATCHERS[id(vocab)] = built
    return built


def annotate_triggers(doc: Doc) -> Doc:
    """Write ``doc._.trigger_hits`` (token index -> :class:`TokenHits`)."""
    m = matchers_for(doc.vocab)
    hits: dict[int, TokenHits] = {}
    for key, start, _end in m.matcher(doc):
        kind, trig = m.trig_of[key]
        setattr(hits.setdefault(start, TokenHits()), kind, trig)
    if doc.has_annotation("DEP"):
        for key, (anchor, *rest) in m.dep_matcher(doc):
            kind, trig = m.trig_of[key]
            token_hits = hits.setdefault(anchor, TokenHits())
            if kind.startswith("noun"):  # an event noun by its modifier: 'a joint news conference'
                token_hits.noun = token_hits.noun or trig
                continue
            substance = 1 if kind == "verb_object_substance" else 0
            token_hits.pairs.append((substance, rest[-1], trig))
    doc._.trigger_hits = hits
    return doc


_NONE = TokenHits()


def hits_of(tok: Token) -> TokenHits:
    """The pattern hits of a token, matching its doc on first use."""
    doc = tok.doc
    if doc._.trigger_hits is None:
        annotate_triggers(doc)
    return doc._.trigger_hits.get(tok.i, _NONE)
