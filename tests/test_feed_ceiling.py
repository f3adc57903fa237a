"""The multi-article figure of ``evaluate`` and the merge ceiling diagnostic."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.tools.evaluate import _multi_article
from pipeline.tools.feed_ceiling import ceiling, gold_events

GOLD = Path(__file__).parent / "gold.json"


def test_the_seed_gold_events_merge_into_their_three_shared_items() -> None:
    gold = json.loads(GOLD.read_text())
    report = ceiling(gold)
    assert (report.feed_multi, report.feed_multi_one_item) == (3, 3)
    assert report.feed_precision == 1.0 and report.events.f1 == 1.0
    events = [e for es in gold_events(gold).values() for e in es]
    assert len({e.article_id for e in events}) == 2 and len({e.id for e in events}) == len(events)


def test_multi_article_counts_whole_and_found_events() -> None:
    gold = {
        "articles": {
            "a": {"events": [{"event_key": "k1"}, {"event_key": "k2"}, {"event_key": "k3"}]},
            "b": {"events": [{"event_key": "k1"}, {"event_key": "k2"}, {"event_key": "k3"}]},
            "c": {"events": [{"event_key": "k1"}, {"event_key": "solo"}]},
        }
    }
    # k1: found in a and b (one item) but not in c; k2: found in a and b, split; k3: one item
    elements = [("k1", "i1"), ("k1", "i1"), ("k2", "i2"), ("k2", "i3"), ("k3", "i4"), ("k3", "i4")]
    files = ["a", "b", "a", "b", "a", "b"]
    assert _multi_article(gold, elements, files) == (3, 1, 3, 2)
