"""Score extraction output against a gold file (shared/eval/FORMAT.md, "diplomatic-gold/1").

Pure functions: ``score`` takes predictions (article file -> offline JSON line), the gold
document and optionally the feed items, and returns a ``Report``; ``format_report`` prints it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.extraction import Extraction

SCORED_ENTITY_TYPES = frozenset({"PERSON", "ORG", "GPE"})
_PUNCT = re.compile(r"[^\w\s]")
_QUOTE_MARKS = re.compile(r"[\"'“”‘’«»„‟″′`]")


# --- names ----------------------------------------------------------------------------------------


def normalize_name(name: str | None) -> str:
    """Case-folded, accent-free, punctuation-free name ('J.D. Vance' -> 'jd vance')."""
    if not name:
        return ""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_PUNCT.sub("", plain).split())


def _one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + 1 :] == b[i + 1 :] if len(a) == len(b) else a[i:] == b[i + 1 :]


def names_match(pred: str | None, gold: str | None, people: bool = False) -> bool:
    """Equal after normalisation; for people, equal last tokens or (6+ letters) one edit apart."""
    p, g = normalize_name(pred), normalize_name(gold)
    if not p or not g:
        return not p and not g
    if p == g:
        return True
    if not people:
        return False
    lp, lg = p.split()[-1], g.split()[-1]
    return lp == lg or (min(len(lp), len(lg)) >= 6 and _one_edit(lp, lg))


# --- report ---------------------------------------------------------------------------------------


@dataclass
class PRF:
    """True positives, predictions and gold items of one section."""

    tp: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {**asdict(self), "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass
class Accuracy:
    """Correct over matched items."""

    correct: int = 0
    total: int = 0

    @property
    def value(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def add(self, ok: bool) -> None:
        self.correct += int(ok)
        self.total += 1


@dataclass
class Report:
    """Scores of one evaluation run (micro-averaged over articles)."""

    entities: PRF = field(default_factory=PRF)
    quotes: PRF = field(default_factory=PRF)
    events: PRF = field(default_factory=PRF)
    speaker: Accuracy = field(default_factory=Accuracy)
    status: Accuracy = field(default_factory=Accuracy)
    date: Accuracy = field(default_factory=Accuracy)
    time_utc: Accuracy = field(default_factory=Accuracy)
    location: Accuracy = field(default_factory=Accuracy)
    feed_precision: float | None = None
    feed_recall: float | None = None
    #: Real-world events (gold ``event_key``) reported by two or more articles, and how many of them
    #: the feed made one item of: every article's report found and all in that item.
    feed_multi: int = 0
    feed_multi_one_item: int = 0
    #: Of those, the ones whose reports were found in two or more articles, and how many of these
    #: found reports are all in one item (merging measured apart from extraction recall).
    feed_multi_found: int = 0
    feed_multi_found_one_item: int = 0
    articles: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form of the report."""
        acc = {
            k: {"accuracy": getattr(self, k).value, **asdict(getattr(self, k))}
            for k in ("speaker", "status", "date", "time_utc", "location")
        }
        feed = None
        if self.feed_precision is not None:
            feed = {
                "bcubed_precision": self.feed_precision,
                "bcubed_recall": self.feed_recall,
                "multi_article_events": self.feed_multi,
                "multi_article_one_item": self.feed_multi_one_item,
                "multi_article_found": self.feed_multi_found,
                "multi_article_found_one_item": self.feed_multi_found_one_item,
            }
        return {
            "articles": self.articles,
            "entities": self.entities.as_dict(),
            "quotes": self.quotes.as_dict(),
            "events": self.events.as_dict(),
            **acc,
            "feed": feed,
        }


# --- one-to-one matching --------------------------------------------------------------------------


def _greedy(scores: list[tuple[float, int, int]]) -> list[tuple[int, int]]:
    """One-to-one pairs, best score first (ties by gold then prediction order)."""
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _score, g, p in sorted(scores, key=lambda s: (-s[0], s[1], s[2])):
        if g not in used_g and p not in used_p:
            used_g.add(g)
            used_p.add(p)
            pairs.append((g, p))
    return pairs


def _words(text: str) -> Counter[str]:
    plain = normalize_name(_QUOTE_MARKS.sub(" ", text or ""))
    return Counter(plain.split())


def quote_overlap(pred: str, gold: str) -> float:
    """Shared words over the longer quote's word count (multisets)."""
    a, b = _words(pred), _words(gold)
    longer = max(sum(a.values()), sum(b.values()))
    return sum((a & b).values()) / longer if longer else 0.0


def _parse_time(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


# --- sections -------------------------------------------------------------------------------------


def _score_entities(pred: list[dict[str, Any]], gold: list[dict[str, Any]], report: Report) -> None:
    p = [e for e in pred if e.get("type") in SCORED_ENTITY_TYPES]
    g = [e for e in gold if e.get("type") in SCORED_ENTITY_TYPES]
    scores = [
        (2.0 if normalize_name(pe["name"]) == normalize_name(ge["name"]) else 1.0, gi, pi)
        for gi, ge in enumerate(g)
        for pi, pe in enumerate(p)
        if pe["type"] == ge["type"] and names_match(pe["name"], ge["name"], people=ge["type"] == "PERSON")
    ]
    report.entities.tp += len(_greedy(scores))
    report.entities.predicted += len(p)
    report.entities.gold += len(g)


def _score_quotes(
    pred: list[dict[str, Any]], gold: list[dict[str, Any]], is_person: Callable[[str], bool], report: Report
) -> None:
    scores = []
    for gi, gq in enumerate(gold):
        for pi, pq in enumerate(pred):
            overlap = quote_overlap(pq.get("text", ""), gq.get("text", ""))
            if overlap >= 0.8:
                scores.append((overlap, gi, pi))
    pairs = _greedy(scores)
    report.quotes.tp += len(pairs)
    report.quotes.predicted += len(pred)
    report.quotes.gold += len(gold)
    for gi, pi in pairs:
        g_speaker, p_speaker = gold[gi].get("speaker"), pred[pi].get("speaker")
        people = bool(g_speaker) and is_person(g_speaker)
        report.speaker.add(names_match(p_speaker, g_speaker, people=people))


def _actor_hits(pred_actors: list[str], gold_actors: list[str], is_person: Callable[[str], bool]) -> int:
    """Gold actors matched one-to-one by predicted actors."""
    scores = [
        (1.0, gi, pi)
        for gi, g in enumerate(gold_actors)
        for pi, p in enumerate(pred_actors)
        if names_match(p, g, people=is_person(g) and is_person(p))
    ]
    return len(_greedy(scores))


def _score_events(
    pred: list[dict[str, Any]], gold: list[dict[str, Any]], is_person: Callable[[str], bool], report: Report
) -> list[tuple[int, int]]:
    scores = []
    for gi, ge in enumerate(gold):
        g_actors = ge.get("actors") or []
        need = max(1, math.ceil(len(g_actors) / 2))
        for pi, pe in enumerate(pred):
            if pe.get("type") != ge.get("type"):
                continue
            if ge.get("date") and str(pe.get("date")) != str(ge["date"]):
                continue
            hits = _actor_hits(pe.get("actors") or [], g_actors, is_person)
            if hits >= need:
                scores.append((hits / max(len(g_actors), 1), gi, pi))
    pairs = _greedy(scores)
    report.events.tp += len(pairs)
    report.events.predicted += len(pred)
    report.events.gold += len(gold)
    for gi, pi in pairs:
        ge, pe = gold[gi], pred[pi]
        report.status.add(pe.get("status") == ge.get("status"))
        report.date.add(str(pe.get("date") or "") == str(ge.get("date") or ""))
        report.time_utc.add(_parse_time(pe.get("time_utc")) == _parse_time(ge.get("time_utc")))
        report.location.add(names_match(pe.get("location"), ge.get("location")))
    return pairs


def _bcubed(elements: list[tuple[str, str | None]]) -> tuple[float, float]:
    """B-cubed precision and recall of (gold cluster, predicted cluster) labels, one per element."""
    if not elements:
        return 0.0, 0.0
    precision = recall = 0.0
    for i, (g, p) in enumerate(elements):
        same_pred = [j for j, (_, pj) in enumerate(elements) if (pj == p if p is not None else j == i)]
        same_gold = [j for j, (gj, _) in enumerate(elements) if gj == g]
        both = [j for j in same_pred if elements[j][0] == g]
        precision += len(both) / len(same_pred)
        recall += len(both) / len(same_gold)
    return precision / len(elements), recall / len(elements)


def score(
    predictions: dict[str, dict[str, Any]], gold: dict[str, Any], feed: list[dict[str, Any]] | None = None
) -> Report:
    """Score predictions (article file -> offline JSON line) against a diplomatic-gold/1 document."""
    report = Report()
    item_of: dict[str, str] = {}
    for item in feed or []:
        for event_id in item.get("event_ids") or []:
            item_of[str(event_id)] = str(item.get("id"))
    elements: list[tuple[str, str | None]] = []
    files_of: list[str] = []
    for file, gold_article in (gold.get("articles") or {}).items():
        report.articles += 1
        pred = predictions.get(file) or {}
        pred_entities = pred.get("entities") or []
        people = {
            normalize_name(e["name"]) for e in gold_article.get("entities") or [] if e.get("type") == "PERSON"
        }
        people |= {normalize_name(e["name"]) for e in pred_entities if e.get("type") == "PERSON"}
        people |= {
            normalize_name(q.get("speaker")) for q in gold_article.get("quotes") or [] if q.get("speaker")
        }
        people_last = {p.split()[-1] for p in people if p}

        def is_person(name: str, _people: set[str] = people, _last: set[str] = people_last) -> bool:
            norm = normalize_name(name)
            return norm in _people or (bool(norm) and norm.split()[-1] in _last and len(norm.split()) > 1)

        _score_entities(pred_entities, gold_article.get("entities") or [], report)
        _score_quotes(pred.get("quotes") or [], gold_article.get("quotes") or [], is_person, report)
        gold_events = gold_article.get("events") or []
        pred_events = pred.get("events") or []
        pairs = _score_events(pred_events, gold_events, is_person, report)
        for gi, pi in pairs:
            key = str(gold_events[gi].get("event_key") or f"{file}#{gi}")
            elements.append((key, item_of.get(str(pred_events[pi].get("id")))))
            files_of.append(file)
    if feed is not None:
        report.feed_precision, report.feed_recall = _bcubed(elements)
        multi = _multi_article(gold, elements, files_of)
        (
            report.feed_multi,
            report.feed_multi_one_item,
            report.feed_multi_found,
            report.feed_multi_found_one_item,
        ) = multi
    return report


def _multi_article(
    gold: dict[str, Any], elements: list[tuple[str, str | None]], files_of: list[str]
) -> tuple[int, int, int, int]:
    """Events reported by 2+ articles: (all, whose every report was found and is in one item,
    whose reports were found in 2+ articles, whose found reports are all in one item)."""
    reports: dict[str, set[str]] = {}
    counts: Counter[str] = Counter()
    for file, article in (gold.get("articles") or {}).items():
        for event in article.get("events") or []:
            if event.get("event_key"):
                reports.setdefault(str(event["event_key"]), set()).add(file)
                counts[str(event["event_key"])] += 1
    items: dict[str, list[str | None]] = {}
    found_in: dict[str, set[str]] = {}
    for (key, item), file in zip(elements, files_of, strict=True):
        items.setdefault(key, []).append(item)
        found_in.setdefault(key, set()).add(file)
    multi = [key for key, files in reports.items() if len(files) > 1]

    def one_item(key: str) -> bool:
        return len(set(items[key])) == 1 and items[key][0] is not None

    whole = sum(1 for key in multi if len(items.get(key, [])) == counts[key] and one_item(key))
    found = [key for key in multi if len(found_in.get(key, set())) > 1]
    return len(multi), whole, len(found), sum(1 for key in found if one_item(key))


def format_report(report: Report) -> str:
    """Plain-text table of the report."""
    lines = [
        f"articles: {report.articles}",
        f"{'section':<10} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'pred':>5} {'gold':>5}",
    ]
    for name in ("entities", "quotes", "events"):
        prf: PRF = getattr(report, name)
        lines.append(
            f"{name:<10} {prf.precision:6.3f} {prf.recall:6.3f} {prf.f1:6.3f} "
            f"{prf.tp:5d} {prf.predicted:5d} {prf.gold:5d}"
        )
    lines.append(f"{'accuracy':<10} {'value':>6} {'ok':>5} {'of':>5}")
    for name in ("speaker", "status", "date", "time_utc", "location"):
        acc: Accuracy = getattr(report, name)
        lines.append(f"{name:<10} {acc.value:6.3f} {acc.correct:5d} {acc.total:5d}")
    if report.feed_precision is not None:
        lines.append(f"feed B-cubed precision {report.feed_precision:.3f} recall {report.feed_recall:.3f}")
        if report.feed_multi:
            share = report.feed_multi_one_item / report.feed_multi
            lines.append(
                f"feed events reported by 2+ articles that are one item: "
                f"{report.feed_multi_one_item}/{report.feed_multi} ({share:.0%}); "
                f"of those found in 2+ articles, one item: "
                f"{report.feed_multi_found_one_item}/{report.feed_multi_found}"
            )
    return "\n".join(lines)


def extraction_to_json(ex: Extraction, file: str) -> dict[str, Any]:
    """The offline JSON line of one extracted article."""
    return {
        "file": file,
        "article": ex.article.model_dump(mode="json"),
        "entities": [e.model_dump(mode="json") for e in ex.entities],
        "events": [e.model_dump(mode="json") for e in ex.events],
        "quotes": [q.model_dump(mode="json") for q in ex.quotes],
    }
