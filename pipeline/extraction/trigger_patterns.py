"""Event triggers as spaCy patterns: data in ``patterns/triggers.jsonl``, matched once per doc.

Each line is ``{"label": PLOVER type, "mode": ..., "id": kind, "pattern": [...]}``, the way
``EntityRuler`` reads its JSONL: a ``Matcher`` token pattern (kinds ``verb``, ``noun`` by lemma,
``noun_form`` by word) or a ``DependencyMatcher`` pattern with ``RIGHT_ID`` nodes:
``verb_object`` and ``verb_object_substance`` anchor on the verb ('imposed sanctions', 'sent a
package of aid'), ``noun_*`` on an event noun known by its modifier ('a joint news conference').
Lemmas compare in lower case, as the rules always did.  Like ``EntityRuler``, which sends phrase
patterns to a ``PhraseMatcher``, the two common shapes (a word from a list; a verb down to its
object) are indexed by word, the rest run in spaCy's matchers (see :class:`TriggerMatchers`).
Adding a trigger is adding a line.  What needs more than a pattern (guards such as 'called
*for*', 'warned of *force*') stays in :mod:`pipeline.extraction.events`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

PATTERNS_PATH = Path(__file__).with_name("patterns") / "triggers.jsonl"

Trig = tuple[str, str | None]

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
            out.update(entry["pattern"][0]["RIGHT_ATTRS"]["LEMMA"]["IN"])
    return frozenset(out)


@functools.lru_cache(maxsize=1)
def verb_lemmas() -> frozenset[str]:
    """Verb lemmas that trigger on their own."""
    return frozenset(
        lemma
        for entry in load_patterns()
        if entry["id"] == "verb"
        for lemma in entry["pattern"][0]["LEMMA"]["IN"]
    )


_ATTR_OF = {"LEMMA": lambda tok: tok.lemma_.lower(), "LOWER": lambda tok: tok.lower_}


def _word_set(node: Mapping[str, Any], attr: str) -> frozenset[str] | None:
    value = node.get(attr)
    return frozenset(value["IN"]) if isinstance(value, dict) and set(value) == {"IN"} else None


def _as_word_pattern(pattern: list[dict[str, Any]]) -> tuple[str, frozenset[str]] | None:
    """``[{"LEMMA": {"IN": [...]}}]`` (or ``LOWER``): one token by its word, indexed, not scanned."""
    if len(pattern) != 1 or "RIGHT_ID" in pattern[0] or len(pattern[0]) != 1:
        return None
    (attr,) = pattern[0]
    words = _word_set(pattern[0], attr)
    return (attr, words) if attr in _ATTR_OF and words is not None else None


@dataclass(frozen=True)
class _ChildPath:
    """A verb + object pattern: from a word, down ``>`` edges whose nodes test only DEP, LOWER, LEMMA."""

    head: frozenset[str]  # the anchor's lemmas
    steps: tuple[tuple[frozenset[str] | None, frozenset[str] | None, frozenset[str] | None], ...]


def _as_child_path(pattern: list[dict[str, Any]]) -> _ChildPath | None:
    """A chain anchor > child > grandchild ... (the verb_object shapes), else None."""
    if not pattern or pattern[0].get("RIGHT_ID") is None or set(pattern[0]["RIGHT_ATTRS"]) != {"LEMMA"}:
        return None
    head = _word_set(pattern[0]["RIGHT_ATTRS"], "LEMMA")
    steps = []
    previous = pattern[0]["RIGHT_ID"]
    for node in pattern[1:]:
        attrs = node.get("RIGHT_ATTRS", {})
        if (
            node.get("LEFT_ID") != previous
            or node.get("REL_OP") != ">"
            or not set(attrs) <= {"DEP", "LOWER", "LEMMA"}
        ):
            return None
        dep = attrs.get("DEP")
        deps = frozenset([dep]) if isinstance(dep, str) else _word_set(attrs, "DEP")
        low = attrs.get("LOWER")
        lowers = frozenset([low]) if isinstance(low, str) else _word_set(attrs, "LOWER")
        steps.append((deps, lowers, _word_set(attrs, "LEMMA")))
        previous = node["RIGHT_ID"]
    return _ChildPath(head, tuple(steps)) if head is not None else None


@dataclass
class TriggerMatchers:
    """The patterns compiled: simple shapes indexed by word, the rest in spaCy's matchers.

    Most lines are one word out of a list, or a verb and its object: indexing those keeps
    matching at dictionary speed (spaCy's ``Matcher`` scans every pattern at every token, which cost
    more than the rules it serves); any other pattern a line may hold runs in a ``Matcher`` or
    ``DependencyMatcher`` with the same meaning.
    """

    words: dict[str, dict[str, list[tuple[str, Trig]]]]  # attr -> word -> [(kind, trigger)]
    paths: dict[str, list[tuple[_ChildPath, str, Trig]]]  # anchor lemma -> [(path, kind, trigger)]
    matcher: Matcher
    dep_matcher: DependencyMatcher
    trig_of: dict[int, tuple[str, Trig]]  # match key -> (kind, trigger)


_MATCHERS: dict[int, TriggerMatchers] = {}


def matchers_for(vocab: Vocab) -> TriggerMatchers:
    """The compiled patterns of this vocab, built once (one pipeline: one vocab)."""
    found = _MATCHERS.get(id(vocab))
    if found is not None and found.matcher.vocab is vocab:
        return found
    built = compile_patterns(vocab, load_patterns())
    _MATCHERS[id(vocab)] = built
    return built


def compile_patterns(vocab: Vocab, entries: Sequence[Mapping[str, Any]]) -> TriggerMatchers:
    """Pattern lines compiled: indexed where their shape allows, else added to spaCy's matchers."""
    words: dict[str, dict[str, list[tuple[str, Trig]]]] = {attr: {} for attr in _ATTR_OF}
    paths: dict[str, list[tuple[_ChildPath, str, Trig]]] = {}
    matcher, dep_matcher = Matcher(vocab), DependencyMatcher(vocab)
    trig_of: dict[int, tuple[str, Trig]] = {}
    for n, entry in enumerate(entries):
        kind, trig, pattern = entry["id"], (entry["label"], entry["mode"]), entry["pattern"]
        word_pattern, path = _as_word_pattern(pattern), _as_child_path(pattern)
        if word_pattern is not None:
            attr, listed = word_pattern
            for word in listed:
                words[attr].setdefault(word.lower(), []).append((kind, trig))
            continue
        if path is not None:
            for lemma in path.head:
                paths.setdefault(lemma.lower(), []).append((path, kind, trig))
            continue
        key = f"diplofeed_trigger_{n}"
        trig_of[vocab.strings.add(key)] = (kind, trig)
        (dep_matcher if "RIGHT_ID" in pattern[0] else matcher).add(key, [pattern])
    return TriggerMatchers(words, paths, matcher, dep_matcher, trig_of)


_OBJECT_DEPS = frozenset({"dobj", "nsubjpass"})


def _path_ends(tok: Token, path: _ChildPath) -> list[int]:
    """Indices of the last nodes reached from ``tok`` along the path's steps.

    A past participle modifying a noun has that noun for its object ('the restrictions imposed by
    the Council' are restrictions the Council imposed): a first step to a direct object also takes
    the participle's head.
    """
    frontier = [tok]
    for n, (deps, lowers, lemmas) in enumerate(path.steps):
        candidates = [
            child for node in frontier for child in node.children if deps is None or child.dep_ in deps
        ]
        if n == 0 and tok.dep_ == "acl" and tok.tag_ == "VBN" and deps is not None and deps & _OBJECT_DEPS:
            candidates.append(tok.head)
        frontier = [
            node
            for node in candidates
            if (lowers is None or node.lower_ in lowers) and (lemmas is None or node.lemma_.lower() in lemmas)
        ]
    return [t.i for t in frontier]


def _record(hits: dict[int, TokenHits], anchor: int, kind: str, trig: Trig, end: int) -> None:
    token_hits = hits.setdefault(anchor, TokenHits())
    if kind.startswith("verb_object"):
        token_hits.pairs.append((1 if kind == "verb_object_substance" else 0, end, trig))
    elif kind.startswith("noun_") and kind != "noun_form":  # an event noun by its modifier
        token_hits.noun = token_hits.noun or trig
    elif getattr(token_hits, kind, None) is None:
        setattr(token_hits, kind, trig)


def annotate_triggers(doc: Doc, compiled: TriggerMatchers | None = None) -> Doc:
    """Write ``doc._.trigger_hits`` (token index -> :class:`TokenHits`); ``compiled``: the shipped
    patterns unless given."""
    m = compiled or matchers_for(doc.vocab)
    hits: dict[int, TokenHits] = {}
    parsed = doc.has_annotation("DEP")
    by_lemma, by_lower = m.words["LEMMA"], m.words["LOWER"]
    for tok in doc:
        lemma = tok.lemma_.lower()
        for kind, trig in by_lemma.get(lemma, ()):
            _record(hits, tok.i, kind, trig, tok.i)
        for kind, trig in by_lower.get(tok.lower_, ()):
            _record(hits, tok.i, kind, trig, tok.i)
        if parsed:
            for path, kind, trig in m.paths.get(lemma, ()):
                for end in _path_ends(tok, path):
                    _record(hits, tok.i, kind, trig, end)
    for key, start, _end in m.matcher(doc) if len(m.matcher) else ():
        kind, trig = m.trig_of[key]
        _record(hits, start, kind, trig, start)
    if parsed and len(m.dep_matcher):
        for key, (anchor, *rest) in m.dep_matcher(doc):
            kind, trig = m.trig_of[key]
            _record(hits, anchor, kind, trig, rest[-1] if rest else anchor)
    doc._.trigger_hits = hits
    return doc


_NONE = TokenHits()


def hits_of(tok: Token) -> TokenHits:
    """The pattern hits of a token, matching its doc on first use."""
    doc = tok.doc
    # read where ``doc._.trigger_hits`` keeps its value: asked for every token, and each ``doc._``
    # access builds an accessor object (a tenth of event extraction's time)
    hits = doc.user_data.get(_HITS_KEY)
    if hits is None:
        annotate_triggers(doc)
        hits = doc._.trigger_hits
    return hits.get(tok.i, _NONE)


_HITS_KEY = ("._.", "trigger_hits", None, None)  # spaCy's Underscore key of a Doc extension
