"""The scorer on tiny hand-made gold/prediction pairs."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.tools.evaluate import format_report, names_match, normalize_name, quote_overlap, score


def gold_doc(**article: Any) -> dict[str, Any]:
    return {
        "format": "diplomatic-gold/1",
        "articles": {"a.txt": {"events": [], "quotes": [], "entities": [], **article}},
    }


def test_name_normalisation_and_matching() -> None:
    assert normalize_name("J.D. Vance") == normalize_name("JD Vance") == "jd vance"
    assert names_match("Volodymyr Zelensky", "Volodymyr Zelenskyy", people=True)
    assert names_match("Trump", "Donald Trump", people=True)
    assert not names_match("Trump", "Donald Trump", people=False)
    assert not names_match("Bush", "Bash", people=True)  # short words must be equal
    assert names_match("Élysée", "elysee")
    assert not names_match("U.S.", "United States")


def test_entities_one_to_one_and_duplicates_cost_precision() -> None:
    gold = gold_doc(
        entities=[{"name": "Vladimir Putin", "type": "PERSON"}, {"name": "Russia", "type": "GPE"}]
    )
    pred = {
        "a.txt": {
            "entities": [
                {"name": "Vladimir Putin", "type": "PERSON"},
                {"name": "Putin", "type": "PERSON"},
                {"name": "Russia", "type": "GPE"},
                {"name": "Russian", "type": "NORP"},
            ]
        }
    }
    report = score(pred, gold)
    assert (report.entities.tp, report.entities.predicted, report.entities.gold) == (2, 3, 2)


def test_quote_overlap_and_speaker_accuracy() -> None:
    assert quote_overlap("“stop the massacre,”", "stop the massacre") == 1.0
    assert quote_overlap("stop the massacre now please", "stop the massacre") == pytest.approx(0.6)
    gold = gold_doc(
        quotes=[{"speaker": "JD Vance", "text": "a b c d e"}, {"speaker": "Kremlin", "text": "x y"}]
    )
    pred = {
        "a.txt": {
            "quotes": [
                {"speaker": "J.D. Vance", "text": "a b c d e"},
                {"speaker": "Kremlin", "text": "a b c d"},
                {"speaker": None, "text": "x y"},
            ]
        }
    }
    report = score(pred, gold)
    assert report.quotes.tp == 2 and report.quotes.predicted == 3
    assert report.speaker.correct == 1 and report.speaker.total == 2


def test_event_matching_rules() -> None:
    gold = gold_doc(
        events=[
            {
                "event_key": "k1",
                "type": "CONSULT",
                "actors": ["A Person", "Russia", "Ukraine"],
                "date": "2025-05-16",
                "status": "occurred",
                "location": "Istanbul",
            },
            {
                "event_key": "k2",
                "type": "THREATEN",
                "actors": ["United States", "Russia"],
                "date": None,
                "status": "occurred",
                "location": None,
            },
        ],
        entities=[{"name": "A Person", "type": "PERSON"}],
    )
    pred = {
        "a.txt": {
            "events": [
                {
                    "id": "e1",
                    "type": "CONSULT",
                    "actors": ["Russia", "Ukraine"],
                    "date": "2025-05-16",
                    "status": "scheduled",
                    "location": "Istanbul",
                    "time_utc": None,
                },
                {
                    "id": "e2",
                    "type": "CONSULT",
                    "actors": ["Russia", "Ukraine"],
                    "date": "2025-05-17",
                    "status": "occurred",
                },
                {
                    "id": "e3",
                    "type": "THREATEN",
                    "actors": ["Russia"],
                    "date": "2025-05-01",
                    "status": "occurred",
                },
            ]
        }
    }
    report = score(pred, gold)
    assert (report.events.tp, report.events.predicted, report.events.gold) == (2, 3, 2)
    assert report.status.correct == 1 and report.status.total == 2
    assert report.date.correct == 1  # the threat's gold date is null, the prediction gave one
    assert report.location.correct == 2


def test_feed_bcubed() -> None:
    gold = {
        "articles": {
            "a.txt": {
                "events": [{"event_key": "k", "type": "CONSULT", "actors": ["Russia"], "status": "occurred"}]
            },
            "b.txt": {
                "events": [{"event_key": "k", "type": "CONSULT", "actors": ["Russia"], "status": "occurred"}]
            },
            "c.txt": {
                "events": [{"event_key": "z", "type": "AGREE", "actors": ["Iran"], "status": "occurred"}]
            },
        }
    }
    pred = {
        "a.txt": {"events": [{"id": "ea", "type": "CONSULT", "actors": ["Russia"]}]},
        "b.txt": {"events": [{"id": "eb", "type": "CONSULT", "actors": ["Russia"]}]},
        "c.txt": {"events": [{"id": "ec", "type": "AGREE", "actors": ["Iran"]}]},
    }
    perfect = score(
        pred, gold, feed=[{"id": "i1", "event_ids": ["ea", "eb"]}, {"id": "i2", "event_ids": ["ec"]}]
    )
    assert perfect.feed_precision == 1.0 and perfect.feed_recall == 1.0
    split = score(pred, gold, feed=[{"id": "i1", "event_ids": ["ea"]}, {"id": "i2", "event_ids": ["eb"]}])
    assert split.feed_precision == 1.0 and split.feed_recall == pytest.approx((0.5 + 0.5 + 1) / 3)
    merged = score(pred, gold, feed=[{"id": "i1", "event_ids": ["ea", "eb", "ec"]}])
    assert merged.feed_precision == pytest.approx((2 / 3 + 2 / 3 + 1 / 3) / 3) and merged.feed_recall == 1.0
    assert score(pred, gold).feed_precision is None


def test_report_formats() -> None:
    report = score({}, gold_doc(entities=[{"name": "Russia", "type": "GPE"}]))
    text = format_report(report)
    assert "entities" in text and "speaker" in text
    assert report.to_dict()["entities"]["recall"] == 0.0
