"""Seed articles against the hand-made gold: the extraction must clear the issue's thresholds."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from spacy.language import Language

from pipeline.extraction import extract_articles, load_nlp
from pipeline.ingest.articles import article_from_text
from pipeline.tools.evaluate import Report, extraction_to_json, format_report, score
from pipeline.tools.offline import feed_from_lines
from schemas.records import Article

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = Path(__file__).resolve().parent / "gold.json"
PUBLISHED_AT = dt.datetime(2025, 5, 19, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_nlp()


def _article(path: Path) -> Article:
    article = article_from_text(path.read_text(encoding="utf-8"), str(path), published_at=PUBLISHED_AT)
    assert isinstance(article, Article), article
    return article


@pytest.fixture(scope="module")
def report(nlp: Language) -> Report:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    files = sorted(gold["articles"])
    articles = [_article(SEEDS / name) for name in files]
    predictions = {
        name: extraction_to_json(ex, name)
        for name, ex in zip(files, (r.extraction for r in extract_articles(nlp, articles)), strict=True)
    }
    result = score(predictions, gold, feed=feed_from_lines(predictions.values()))
    print(format_report(result))
    return result


def test_seed_dates_parsed() -> None:
    for name in ("000_c9dcb8726aa41838.txt", "003_945e849477d99e4f.txt"):
        assert _article(SEEDS / name).published_date == dt.date(2025, 5, 19)


def test_entities(report: Report) -> None:
    assert report.entities.f1 >= 0.85


def test_quotes(report: Report) -> None:
    assert report.quotes.f1 >= 0.9
    assert report.speaker.value >= 0.9


def test_events(report: Report) -> None:
    assert report.events.f1 >= 0.8
    assert report.date.value >= 0.9


def test_the_seeds_events_reported_twice_are_one_feed_item_each(report: Report) -> None:
    assert (report.feed_multi, report.feed_multi_one_item) == (3, 3)
    assert report.feed_precision == 1.0 and report.feed_recall == 1.0


def test_extraction_is_deterministic(nlp: Language) -> None:
    article = _article(SEEDS / "003_945e849477d99e4f.txt")
    first = extraction_to_json(next(extract_articles(nlp, [article])).extraction, "a")
    second = extraction_to_json(next(extract_articles(nlp, [article])).extraction, "a")
    assert first == second
