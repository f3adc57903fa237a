"""``diplofeed evaluate --all``: every evaluation set, one run, one table.

Sets are found by their gold files, so a new folder under ``Settings.shared_dir / "eval"`` is scored
without code changes:

- ``gold.json`` in ``diplomatic-gold/1`` with events or entities → an **article** set (entities,
  quotes and speaker, events, feed B-cubed; ``../FORMAT.md``);
- the same format with only quotes annotated → a **quote** set (quote F1, speaker accuracy);
- ``gold.json`` mapping files to ``plover`` types → a **sentence** set (type recall, precision,
  macro-F1; held-out folds when the typer trained on it, :mod:`sentence_sets`).

The repository's seeds (``seeds/`` with ``tests/gold.json``) are an article set too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.config import REPO, Settings
from pipeline.tools.evaluate import Report
from pipeline.tools.evaluate_sentences import SentenceReport, score_sentences
from pipeline.tools.offline import score_folder
from pipeline.tools.sentence_sets import evaluate_sentence_set, is_sentence_gold


@dataclass(frozen=True)
class EvalSet:
    """One evaluation set: its name, kind, article folder and gold file."""

    name: str
    kind: str  # "articles", "quotes" or "sentences"
    articles: Path
    gold: Path


def kind_of(gold: dict[str, Any]) -> str | None:
    """The kind of set a gold document describes, or None for another format."""
    if is_sentence_gold(gold):
        return "sentences"
    if gold.get("format") != "diplomatic-gold/1":
        return None
    articles = (gold.get("articles") or {}).values()
    if any(a.get("events") or a.get("entities") for a in articles):
        return "articles"
    return "quotes"


def discover(settings: Settings) -> list[EvalSet]:
    """The seeds, then every set under ``shared_dir/eval`` in path order."""
    found = [EvalSet("seeds", "articles", REPO / "seeds", REPO / "tests" / "gold.json")]
    eval_dir = settings.shared_dir / "eval"
    for gold_path in sorted(eval_dir.rglob("gold.json")) if eval_dir.is_dir() else []:
        if not (gold_path.parent / "articles").is_dir():
            continue
        kind = kind_of(json.loads(gold_path.read_text(encoding="utf-8")))
        if kind is not None:
            name = str(gold_path.parent.relative_to(eval_dir))
            found.append(EvalSet(name, kind, gold_path.parent / "articles", gold_path))
    return found


@dataclass(frozen=True)
class Row:
    """One line of the table: a set (or a diagnostic of one) and whichever figures apply to it."""

    name: str
    kind: str
    n: int
    figures: dict[str, float | None]


COLUMNS = (
    ("entities F1", "entities_f1"),
    ("quotes F1", "quotes_f1"),
    ("speaker", "speaker"),
    ("events F1", "events_f1"),
    ("feed B3 P", "feed_p"),
    ("feed B3 R", "feed_r"),
    ("type R", "type_recall"),
    ("type P", "type_precision"),
    ("macroF1", "macro_f1"),
)


def article_row(name: str, kind: str, report: Report) -> Row:
    figures: dict[str, float | None] = {"quotes_f1": report.quotes.f1, "speaker": report.speaker.value}
    if kind == "articles":
        figures |= {
            "entities_f1": report.entities.f1,
            "events_f1": report.events.f1,
            "feed_p": report.feed_precision,
            "feed_r": report.feed_recall,
        }
    return Row(name, kind, report.articles, figures)


def sentence_row(name: str, kind: str, report: SentenceReport) -> Row:
    figures: dict[str, float | None] = {
        "type_recall": report.type_recall,
        "type_precision": report.type_precision,
        "macro_f1": report.macro_f1,
    }
    return Row(name, kind, report.sentences, figures)


def evaluate_sets(
    settings: Settings, sets: list[EvalSet], k: int = 5
) -> Iterator[tuple[Row, dict[str, Any]]]:
    """Score each set; yields table rows with the full report behind each."""
    for s in sets:
        if s.kind == "sentences":
            result = evaluate_sentence_set(s.gold.parent, settings, k)
            yield (
                sentence_row(s.name, f"sentences, pipeline, {result.how}", result.pipeline),
                result.to_dict(),
            )
            if result.classifier is not None:
                yield sentence_row(s.name, f"sentences, typer only, {result.how}", result.classifier), {}
        else:
            report = score_folder(s.articles, s.gold, settings)
            yield article_row(s.name, s.kind, report), report.to_dict()
            if s.kind == "articles":
                evidence = typer_on_evidence(json.loads(s.gold.read_text(encoding="utf-8")), settings)
                yield sentence_row(s.name, "gold evidence, typer only", evidence), {}


def evidence_sentences(gold: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """An article gold's evidence sentences as a sentence gold: each sentence's distinct event types."""
    sentences: dict[str, dict[str, Any]] = {}
    for name, article in sorted((gold.get("articles") or {}).items()):
        for event in article.get("events") or []:
            if event.get("evidence") and event.get("type"):
                entry = sentences.setdefault(
                    f"{name}#{event['evidence']}", {"plover": [], "accept": {}, "pairs": []}
                )
                if event["type"] not in entry["plover"]:
                    entry["plover"].append(event["type"])
    return sentences


def typer_on_evidence(gold: dict[str, Any], settings: Settings) -> SentenceReport:
    """The configured typer's top type for each gold evidence sentence (real text it never trained on).

    A diagnostic of how the typer's training labels carry over to the project's own annotation.
    """
    from pipeline.extraction.typer import EventTyper, top

    sentences = evidence_sentences(gold)
    typer = EventTyper.load(settings.event_model)
    probs = typer.predict_proba([key.split("#", 1)[1] for key in sentences])
    predicted = {key: [{"type": top(p)[0], "actors": []}] for key, p in zip(sentences, probs, strict=True)}
    return score_sentences(predicted, sentences)


def format_table(rows: list[Row]) -> str:
    """One plain-text table; ``–`` where a figure does not apply to a set's kind."""
    name_w = max([len("set"), *(len(r.name) for r in rows)])
    kind_w = max([len("kind"), *(len(r.kind) for r in rows)])
    head = f"{'set':<{name_w}}  {'kind':<{kind_w}}  {'n':>5}" + "".join(f"  {c:>11}" for c, _ in COLUMNS)
    lines = [head, "-" * len(head)]
    for r in rows:
        cells = "".join(
            f"  {'–' if r.figures.get(key) is None else format(r.figures[key], '.3f'):>11}"
            for _, key in COLUMNS
        )
        lines.append(f"{r.name:<{name_w}}  {r.kind:<{kind_w}}  {r.n:>5}{cells}")
    return "\n".join(lines)


def run_all(
    settings: Settings, k: int = 5, only: list[str] | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """Discover, score and tabulate (``only``: set names to keep)."""
    sets = [s for s in discover(settings) if not only or s.name in only]
    scored = list(evaluate_sets(settings, sets, k))
    details = [{"set": row.name, "kind": row.kind, **detail} for row, detail in scored if detail]
    return format_table([row for row, _ in scored]), details
