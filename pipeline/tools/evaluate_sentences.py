"""Score PLOVER typing on a sentence set (``../shared/eval/plover-sentences/README.md``, exact rules).

Pure functions over plain data: ``score_sentences`` takes the predicted events per file (dicts with
``type`` and ``actors``, as ``extract`` writes them) and the set's gold (file -> ``plover``,
``accept``, ``pairs``) and returns a :class:`SentenceReport`. It knows nothing of the extraction code;
names are compared with the project's gazetteer (:mod:`pipeline.geography`) only to map demonyms,
capitals and short forms to countries.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pipeline.geography import capital_code, country_code, demonym_code

#: Words that say nothing about who an actor is (README rule 7: "the, of, president, minister, ...").
_GENERIC = """
    the a an of and for in on at to by with from s
    president presidents prime minister ministers foreign defense defence interior secretary
    government governments forces force officials official authorities authority state states
    spokesman spokeswoman spokesperson leader leaders chief head army military police troops
    troop people party ministry administration office department council senior top former new
    mr mrs ms dr king queen prince general gen col lt vice deputy ambassador envoy
"""
GENERIC_WORDS = frozenset(_GENERIC.split())
_FUNCTION_WORDS = frozenset({"the", "of", "and", "for", "in", "on", "at", "to", "a", "an", "de", "du"})
_DOTTED = re.compile(r"\b(?:[a-z]\.){2,}", re.IGNORECASE)  # U.S., U.N. -> us, un
_POSSESSIVE = re.compile(r"['’]s\b")
_NON_WORD = re.compile(r"[^\w\s]")


# --- loose actor match ----------------------------------------------------------------------------


def _plain(name: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text)
    text = _POSSESSIVE.sub("", text)
    return _NON_WORD.sub(" ", text).split()


def _place(phrase: str, single: bool) -> str | None:
    code = country_code(phrase)
    if code is None and single:
        code = demonym_code(phrase) or capital_code(phrase)
    return code


def name_tokens(name: str) -> list[str]:
    """Folded tokens, country names/demonyms/capitals as one ``@ISO3`` token, generic words dropped."""
    words = _plain(name)
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in (4, 3, 2, 1):
            if i + n > len(words):
                continue
            code = _place(" ".join(words[i : i + n]), single=n == 1)
            if code:
                out.append(f"@{code}")
                i += n
                break
        else:
            if words[i] not in GENERIC_WORDS:
                out.append(words[i])
            i += 1
    return out


def _initials(name: str) -> str:
    return "".join(w[0] for w in _plain(name) if w not in _FUNCTION_WORDS)


def loose_match(a: str | None, b: str | None) -> bool:
    """README rule 7: a shared token, a 4+-letter prefix within 3 letters, or initials = a token."""
    if not a or not b:
        return False
    ta, tb = name_tokens(a), name_tokens(b)
    for x in ta:
        for y in tb:
            if x == y:
                return True
            short, long_ = sorted((x, y), key=len)
            if (
                not short.startswith("@")
                and len(short) >= 4
                and long_.startswith(short)
                and len(long_) - len(short) <= 3
            ):
                return True
    for one, other in ((a, tb), (b, ta)):
        if len(_plain(one)) > 1:
            initials = _initials(one)
            if len(initials) >= 3 and initials in other:
                return True
    return False


# --- report ---------------------------------------------------------------------------------------


@dataclass
class TypeCounts:
    gold: int = 0
    recalled: int = 0
    false_positives: int = 0

    @property
    def recall(self) -> float:
        return self.recalled / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        hits = self.recalled + self.false_positives
        return self.recalled / hits if hits else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p and r else 0.0


@dataclass
class SentenceReport:
    """Scores of one sentence set."""

    sentences: int = 0
    gold_types: int = 0
    recalled: int = 0
    predicted_types: int = 0
    correct_types: int = 0
    events: int = 0
    correct_events: int = 0
    actor_hits: int = 0
    not_extracted: int = 0
    no_prediction: int = 0
    per_type: dict[str, TypeCounts] = field(default_factory=dict)

    @property
    def type_recall(self) -> float:
        return self.recalled / self.gold_types if self.gold_types else 0.0

    @property
    def type_precision(self) -> float:
        return self.correct_types / self.predicted_types if self.predicted_types else 0.0

    @property
    def macro_f1(self) -> float:
        scored = [c.f1 for c in self.per_type.values() if c.gold]
        return sum(scored) / len(scored) if scored else 0.0

    @property
    def actor_hit(self) -> float:
        return self.actor_hits / self.recalled if self.recalled else 0.0

    @property
    def event_precision(self) -> float:
        return self.correct_events / self.events if self.events else 0.0

    def counts(self, label: str) -> TypeCounts:
        return self.per_type.setdefault(label, TypeCounts())

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentences": self.sentences,
            "type_recall": self.type_recall,
            "type_precision": self.type_precision,
            "macro_f1": self.macro_f1,
            "actor_hit": self.actor_hit,
            "event_precision": self.event_precision,
            "not_extracted": self.not_extracted,
            "no_prediction": self.no_prediction,
            "per_type": {
                t: {
                    "gold": c.gold,
                    "recall": c.recall,
                    "precision": c.precision,
                    "f1": c.f1,
                    "false_positives": c.false_positives,
                }
                for t, c in sorted(self.per_type.items())
            },
        }


def _types(events: Iterable[Mapping[str, Any]]) -> list[str]:
    return [str(e.get("type") or "").upper() for e in events if e.get("type")]


def score_sentences(
    predictions: Mapping[str, list[Mapping[str, Any]] | None], gold: Mapping[str, Mapping[str, Any]]
) -> SentenceReport:
    """Score predicted events per file (``None`` or absent: not extracted) against a sentence gold."""
    report = SentenceReport()
    for file, entry in gold.items():
        gold_types = [str(t).upper() for t in entry.get("plover") or []]
        if not gold_types:
            continue
        report.sentences += 1
        accept = {str(g).upper(): {str(a).upper() for a in v} for g, v in (entry.get("accept") or {}).items()}
        events = predictions.get(file)
        if events is None:
            report.not_extracted += 1
            events = []
        predicted = set(_types(events))
        if not predicted:
            report.no_prediction += 1
        hits_for = {g: {g} | accept.get(g, set()) for g in gold_types}
        correct = set().union(*hits_for.values())
        for g in dict.fromkeys(gold_types):
            counts = report.counts(g)
            counts.gold += 1
            report.gold_types += 1
            if predicted & hits_for[g]:
                counts.recalled += 1
                report.recalled += 1
                report.actor_hits += _actor_hit(g, hits_for[g], events, entry.get("pairs") or [])
        for p in predicted:
            report.predicted_types += 1
            if p in correct:
                report.correct_types += 1
            else:
                report.counts(p).false_positives += 1
        for t in _types(events):
            report.events += 1
            report.correct_events += t in correct
    return report


def _actor_hit(
    gold_type: str, matching: set[str], events: list[Mapping[str, Any]], pairs: list[Mapping[str, Any]]
) -> bool:
    names = [
        n for pair in pairs if str(pair.get("type", "")).upper() == gold_type
        for n in (pair.get("source"), pair.get("target")) if n
    ]  # fmt: skip
    return any(
        loose_match(actor, name)
        for event in events
        if str(event.get("type") or "").upper() in matching
        for actor in event.get("actors") or []
        for name in names
    )


def format_sentence_report(name: str, report: SentenceReport) -> str:
    """The one-line summary and the per-type table."""
    lines = [
        f"{name}: type recall {report.type_recall:.3f} precision {report.type_precision:.3f} "
        f"macroF1 {report.macro_f1:.3f} actor_hit {report.actor_hit:.3f} "
        f"event_precision {report.event_precision:.3f} sentences {report.sentences} "
        f"not_extracted {report.not_extracted} no_prediction {report.no_prediction}",
        f"  {'type':<10} {'gold':>5} {'R':>6} {'P':>6} {'F1':>6} {'FP':>5}",
    ]
    for label, c in sorted(report.per_type.items(), key=lambda kv: (-kv[1].gold, kv[0])):
        lines.append(
            f"  {label:<10} {c.gold:5d} {c.recall:6.3f} {c.precision:6.3f} {c.f1:6.3f} {c.false_positives:5d}"
        )
    return "\n".join(lines)
