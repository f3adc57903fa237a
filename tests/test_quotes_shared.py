"""Quotes, speakers and entities on real news nobody here wrote (``../shared/eval``), and the seeds.

The thresholds are the figures the rules reach (issue 15), a little below the measured ones so
that a regression shows: the shared real article set (hand annotation) and the PolNeAR quote set
(automatic gold: pronoun speakers its CoreNLP coreference could not confirm are null there).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.tools.evaluate import Report, format_report, score
from pipeline.tools.offline import extract_paths
from tests.shared_data import shared_path

ROOT = Path(__file__).resolve().parent.parent


def _report(articles: Path, gold_path: Path) -> Report:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    names = sorted(gold["articles"])
    lines = extract_paths([str(articles / name) for name in names], Settings())
    report = score({line["file"]: line for line in lines}, gold)
    print(format_report(report))
    return report


@pytest.fixture(scope="module")
def real_articles() -> Report:
    root = shared_path("eval", "articles")
    return _report(root / "articles", root / "gold.json")


@pytest.fixture(scope="module")
def polnear() -> Report:
    root = shared_path("eval", "quotes", "polnear-dev")
    return _report(root / "articles", root / "gold.json")


def test_real_articles_entities(real_articles: Report) -> None:
    assert real_articles.entities.f1 >= 0.80


def test_real_articles_quotes_and_speakers(real_articles: Report) -> None:
    assert real_articles.quotes.f1 >= 0.95
    assert real_articles.speaker.value >= 0.89


def test_polnear_quotes(polnear: Report) -> None:
    assert polnear.quotes.f1 >= 0.96


def test_polnear_speakers(polnear: Report) -> None:
    assert polnear.speaker.value >= 0.77


def test_seeds_stay_at_or_above_the_issue_figures() -> None:
    report = _report(ROOT / "seeds", ROOT / "tests" / "gold.json")
    assert report.entities.f1 >= 0.952
    assert report.quotes.f1 >= 1.0
    assert report.speaker.value >= 0.944
