"""Offline extraction, feed merging and scoring: the worker's code without Kafka.

``extract`` and ``evaluate`` run exactly the functions the agents run (the raw
text parser, one spaCy parse per article, the pure extraction, the feed
merge), so offline scores say how the live pipeline behaves.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from spacy.language import Language

from pipeline.config import Settings
from pipeline.errors import Rejection
from pipeline.extraction import extract_articles, load_nlp
from pipeline.feed.merge import build_feed
from pipeline.ingest.publisher import to_articles
from pipeline.ingest.sources import iter_inputs
from pipeline.tools.evaluate import Report, extraction_to_json, format_report, score
from schemas import Article, Event


def load_articles(paths: Sequence[str], settings: Settings) -> list[tuple[str, Article]]:
    """(file name, Article) for every valid input; rejections are reported on stderr."""
    loaded: list[tuple[str, Article]] = []
    for raw in iter_inputs(paths, max_bytes=settings.max_input_bytes):
        for result in to_articles(raw, settings):
            if isinstance(result, Rejection):
                print(f"rejected {result.source}: [{result.error}] {result.reason}", file=sys.stderr)
                continue
            loaded.append((Path(raw.source).name if raw.kind == "text" else raw.source, result))
    return loaded


def extract_paths(paths: Sequence[str], settings: Settings) -> list[dict[str, Any]]:
    """One JSON-ready dict per article: ``file``, ``article``, ``entities``, ``events``, ``quotes``."""
    loaded = load_articles(paths, settings)
    return extract_loaded(load_nlp(settings.spacy_model, settings.event_model), loaded, settings)


def extract_loaded(
    nlp: Language, loaded: list[tuple[str, Article]], settings: Settings
) -> list[dict[str, Any]]:
    """The offline JSON lines of loaded articles, through the one batch driver."""
    results = extract_articles(nlp, [article for _, article in loaded], batch_size=settings.batch_size)
    lines = []
    for (name, _), result in zip(loaded, results, strict=True):
        if result.extraction is None:
            assert result.error is not None
            print(f"failed {name}: [{result.error.error}] {result.error.reason}", file=sys.stderr)
            continue
        lines.append(extraction_to_json(result.extraction, name))
    return lines


def feed_from_lines(lines: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Merge the events of offline lines with the feed's own code; items as JSON dicts."""
    events = [Event.model_validate(event) for line in lines for event in line["events"]]
    items = build_feed(events)
    return [items[key].model_dump(mode="json") for key in sorted(items)]


def write_feed(lines: Iterable[dict[str, Any]], path: Path) -> None:
    path.write_text(json.dumps({"items": feed_from_lines(lines)}, indent=2, ensure_ascii=False))


def score_folder(articles_dir: Path, gold_path: Path, settings: Settings) -> Report:
    """Extract the gold's articles from ``articles_dir``, merge the feed, and score everything."""
    gold = json.loads(gold_path.read_text())
    names = sorted(gold["articles"])
    missing = [name for name in names if not (articles_dir / name).exists()]
    if missing:
        raise SystemExit(f"articles named in {gold_path} are missing from {articles_dir}: {missing}")
    lines = extract_paths([str(articles_dir / name) for name in names], settings)
    predictions = {line["file"]: line for line in lines}
    return score(predictions, gold, feed=feed_from_lines(lines))


def evaluate_folder(articles_dir: Path, gold_path: Path, settings: Settings) -> tuple[str, dict[str, Any]]:
    """The printed report and its dict for one article folder."""
    report = score_folder(articles_dir, gold_path, settings)
    return format_report(report), _as_dict(report)


def _as_dict(report: Any) -> dict[str, Any]:
    if hasattr(report, "as_dict"):
        return dict(report.as_dict())
    if hasattr(report, "model_dump"):
        return dict(report.model_dump())
    from dataclasses import asdict, is_dataclass

    return asdict(report) if is_dataclass(report) else dict(report)
