"""How the learned PLOVER typer and the precise rules share one decision per sentence.

The rules find events whose trigger they know and fix what they are precise about (actors,
status, mode, dates); the typer (:mod:`pipeline.extraction.typer`, trained on real labelled
sentences, run as the ``plover_typer`` pipe over the one parse) says which PLOVER types each
sentence reports.  This module holds only
the decision: which rule types to keep, which to correct, which further types the sentence holds.
Building the events themselves stays in :mod:`pipeline.extraction.events`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from spacy.tokens import Doc, Span

log = logging.getLogger(__name__)

PLOVER_TYPES: frozenset[str] = frozenset(
    {
        "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
        "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Thresholds:
    """Probabilities at which the typer's word counts (one place, tuned on real text).

    The typer learned P(type | the sentence reports an event): every training sentence reports
    one.  A sentence that stands alone (a one-sentence article: a wire alert, a sentence feed) is
    such a report; inside an article most sentences report nothing, so there a typer-only event
    needs more: a higher probability and a named party as the verb's subject.
    """

    retype: float = 1.01  # the typer corrects a rule's type when this sure of another (1.01: never) ...
    doubt: float = 0.08  # ... and gives the rule's type less than this
    add: float = 1.01  # a type no rule found in a sentence that holds rule events (never: the rules know)
    new: float = 0.9  # an event in a sentence where no rule fired
    second: float = 0.3  # a second type next to a confident first one ('talks ended with a swap')
    lone: float = 0.95  # a new event with one named actor only (else two are needed)
    named_subject: bool = True  # a new event's verb must have a named party as its subject
    defer: bool = True  # no new event on a verb the rules read and turned down ('agreed to buy')
    strict_parties: bool = True  # a new event needs a verb, a political party and, for a meeting, a partner
    phrase_actor: bool = False  # with no named party, the subject's phrase is the actor ('Striking teachers')


THRESHOLDS = Thresholds()
# A sentence that stands alone (a wire alert, a coded sentence feed) is known to report an event,
# and it is the kind of text the typer learned from: PLV's single news sentences, coded in the
# CAMEO tradition of event data ('imposed sanctions' COERCE, 'signed an agreement' SUPPORT, 'will
# meet' AGREE, 'offered to send troops' AGREE).  There the typer's type is kept even where the
# parties are only described ('Striking teachers'), a type it is sure of is added next to the
# rules', and it corrects a rule's type when its own top type is more likely than all others
# together and it gives the rule's type little weight.  Inside an article the rules' types stand
# (FORMAT.md's PLOVER types): on the gold evidence sentences of real articles the typer agrees
# with them on fewer than half, so it only adds events where no rule fired.
ALONE = Thresholds(
    retype=0.5,
    doubt=0.15,
    add=0.5,
    new=0.25,
    lone=0.3,
    named_subject=False,
    defer=False,
    strict_parties=False,
    phrase_actor=True,
)


class Typer(Protocol):
    """What the integration needs of a typer: type probabilities of already parsed sentences."""

    def predict_proba_spans(self, spans: Sequence[Span]) -> list[dict[str, float]]: ...


@functools.lru_cache(maxsize=1)
def load_typer() -> Typer | None:
    """The shipped typer, loaded once per process (for docs the ``plover_typer`` pipe did not type)."""
    try:
        from pipeline.extraction.typer import EventTyper

        return EventTyper.load()
    except (ImportError, OSError, ValueError) as error:
        log.warning("event typer not loaded, rules only: %s", error)
        return None


def sentence_probs(doc: Doc, sents: list[Span], asked: list[int]) -> list[dict[str, float]]:
    """Type probabilities per sentence: the ``plover_typer`` pipe's, else the typer's on this parse.

    Only the ``asked`` sentences are typed when the pipe did not run; the others get ``{}``.
    """
    out: list[dict[str, float]] = [{} for _ in sents]
    typed = doc._.sentence_types if Doc.has_extension("sentence_types") else None
    if typed is not None and len(typed) == len(sents):
        for i in asked:
            out[i] = dict(typed[i])
        return out
    typer = load_typer()
    if typer is None or not asked:
        return out
    for i, answer in zip(asked, typer.predict_proba_spans([sents[i] for i in asked]), strict=True):
        out[i] = answer
    return out


def ranked(probs: Mapping[str, float]) -> list[tuple[str, float]]:
    """(type, probability) best first, PLOVER types only, names as plain strings."""
    pairs = [(str(t).upper(), float(p)) for t, p in probs.items() if str(t).upper() in PLOVER_TYPES]
    return sorted(pairs, key=lambda tp: -tp[1])


def corrected(rule_type: str, probs: Mapping[str, float], th: Thresholds = THRESHOLDS) -> str:
    """The type a rule event keeps: its own unless the typer is sure of another and doubts this one."""
    best = ranked(probs)
    if not best:
        return rule_type
    top, p_top = best[0]
    if top != rule_type and p_top >= th.retype and float(probs.get(rule_type, 0.0)) < th.doubt:
        return top
    return rule_type


def extra_types(
    rule_types: set[str], probs: Mapping[str, float], th: Thresholds = THRESHOLDS
) -> list[tuple[str, float]]:
    """(type, probability) the typer finds in a sentence beyond the types the rules found, surest first."""
    best = ranked(probs)
    if not best:
        return []
    floor = th.add if rule_types else th.new
    out = [(t, p) for t, p in best[:1] if p >= floor and t not in rule_types]
    if best[0][1] >= floor and len(best) > 1:
        second, p2 = best[1]
        if p2 >= th.second and second not in rule_types:
            out.append((second, p2))
    return out


def actors_needed(prob: float, th: Thresholds = THRESHOLDS) -> int:
    """Named actors a typer-only event needs: one when the typer is sure, else two."""
    return 1 if prob >= th.lone else 2


def thresholds(sentences: int) -> Thresholds:
    """The thresholds for a text of this many sentences (one: it stands alone)."""
    return ALONE if sentences == 1 else THRESHOLDS
