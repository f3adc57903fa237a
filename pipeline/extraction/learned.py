"""How the learned PLOVER typer and the precise rules share one decision per sentence.

The rules find events whose trigger they know and fix what they are precise about (actors,
status, mode, dates); the typer (:mod:`pipeline.extraction.typer`, trained on real labelled
sentences) reads every sentence and says which PLOVER types it reports.  This module holds only
the decision: which rule types to keep, which to correct, which further types the sentence holds.
Building the events themselves stays in :mod:`pipeline.extraction.events`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger(__name__)

PLOVER_TYPES: frozenset[str] = frozenset(
    {
        "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
        "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Thresholds:
    """Probabilities at which the typer's word counts (one place, tuned on real articles)."""

    retype: float = 0.6  # the typer corrects a rule's type when it is this sure of another ...
    doubt: float = 0.08  # ... and gives the rule's type less than this
    add: float = 0.5  # a type no rule found in the sentence, when it holds events of other types
    new: float = 0.6  # an event in a sentence where no rule fired (needs political actors too)
    second: float = 0.3  # a second type next to a confident first one ('talks ended with a swap')


THRESHOLDS = Thresholds()


class Typer(Protocol):
    """What the integration needs of a typer: type probabilities per sentence text."""

    def predict_proba(self, texts: Sequence[str]) -> list[dict[str, float]]: ...


@functools.lru_cache(maxsize=1)
def load_typer() -> Typer | None:
    """The shipped typer, loaded once per process; None (rules only) when no artefact is installed."""
    try:
        from pipeline.extraction.typer import EventTyper  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    try:
        return EventTyper.load()  # type: ignore[no-any-return]
    except (OSError, ValueError) as error:
        log.warning("event typer not loaded, rules only: %s", error)
        return None


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


def extra_types(rule_types: set[str], probs: Mapping[str, float], th: Thresholds = THRESHOLDS) -> list[str]:
    """Types the typer finds in a sentence beyond those the rules found there, surest first."""
    best = ranked(probs)
    if not best:
        return []
    floor = th.add if rule_types else th.new
    out = [t for t, p in best[:1] if p >= floor and t not in rule_types]
    if best[0][1] >= floor and len(best) > 1:
        second, p2 = best[1]
        if p2 >= th.second and second not in rule_types:
            out.append(second)
    return out
