"""The worker against the real broker: extraction topics, the merged feed, restart, expiry, HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import feedparser
import pytest

from pipeline.config import Settings
from pipeline.ingest.publisher import ArticlePublisher
from pipeline.ingest.sources import iter_inputs
from pipeline.tools.offline import extract_paths
from schemas import Entity, Event, FeedItem, Quote
from tests.conftest import SEEDS
from tests.kafka_helpers import read_topic
from tests.worker_process import WorkerProcess, running_worker

pytestmark = pytest.mark.kafka

TELESUR = SEEDS / "000_c9dcb8726aa41838.txt"
ANI = SEEDS / "003_945e849477d99e4f.txt"


def publish(settings: Settings, *paths: Path | str) -> None:
    publisher = ArticlePublisher(settings)
    try:
        summary = publisher.publish(iter_inputs([str(p) for p in paths], max_bytes=10**6), progress=False)
    finally:
        publisher.close()
    assert summary.failed == 0


def publish_json(settings: Settings, tmp_path: Path, record: dict[str, Any]) -> None:
    path = tmp_path / "extra.jsonl"
    path.write_text(json.dumps(record) + "\n")
    publish(settings, path)


def feed_state(settings: Settings) -> dict[str, dict[str, Any]]:
    """The compacted feed topic as a consumer reading it from the start holds it."""
    state: dict[str, dict[str, Any]] = {}
    for record in read_topic(settings, "diplomatic-feed", idle_s=3):
        if record["value"] is None:
            state.pop(record["key"], None)
        else:
            state[record["key"]] = record["value"]
    return state


def settled_feed(worker: WorkerProcess, minimum: int = 1, quiet_polls: int = 6) -> list[dict[str, Any]]:
    """Poll /feed until it has ``minimum`` items and stays the same for several polls."""
    history: list[str] = []

    def settled() -> list[dict[str, Any]] | None:
        body = worker.get("/feed")
        items = body["items"] if body else []
        history.append(json.dumps(items, sort_keys=True))
        recent = history[-quiet_polls:]
        if len(items) >= minimum and len(recent) == quiet_polls and len(set(recent)) == 1:
            return items
        return None

    return worker.wait_for(settled, timeout_s=180, what="a settled feed")


def merge_signature(items: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """What must not depend on arrival order: ids, events, sources, type, status, headline."""
    signature = []
    for item in items:
        data = item["_diplofeed"]
        signature.append(
            (
                data["id"],
                tuple(sorted(data["event_ids"])),
                tuple(sorted(s["article_id"] for s in data["sources"])),
                data["type"],
                data["status"],
                data["headline"],
                data["date"],
            )
        )
    return sorted(signature)


def two_source_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [item["_diplofeed"] for item in items if len(item["_diplofeed"]["sources"]) == 2]


def test_worker_topics_match_offline_extract(settings: Settings, tmp_path: Path) -> None:
    offline = extract_paths([str(TELESUR), str(ANI)], settings)
    expected = {
        "entities": {e["id"] for line in offline for e in line["entities"]},
        "quotes": {q["id"] for line in offline for q in line["quotes"]},
        "events": {e["id"] for line in offline for e in line["events"]},
    }
    with running_worker(settings, tmp_path / "worker.log") as worker:
        publish(settings, TELESUR, ANI)
        worker.wait_for(
            lambda: len(read_topic(settings, "events", idle_s=2)) >= len(expected["events"]),
            what="events on the events topic",
        )
    models = {"entities": Entity, "quotes": Quote, "events": Event}
    ignore = {"article": {"published_at"}}
    for topic, model in models.items():
        records = read_topic(settings, topic, idle_s=2)
        online = {r["value"]["id"]: model.model_validate(r["value"]) for r in records}
        assert set(online) == expected[topic], topic
        assert all(r["key"] == r["value"]["article_id"] for r in records)
        offline_records = {
            record["id"]: model.model_validate(record) for line in offline for record in line[topic]
        }
        for record_id, record in online.items():
            exclude = ignore if topic == "events" else None
            assert record.model_dump(exclude=exclude) == offline_records[record_id].model_dump(
                exclude=exclude
            )


def test_feed_merges_republishes_recovers_and_expires(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    forward = make_settings(feed_expiry_interval_s=2.0)
    with running_worker(forward, tmp_path / "forward.log") as worker:
        publish(forward, TELESUR)
        publish(forward, ANI)
        items = settled_feed(worker, minimum=5)
        merged = two_source_items(items)
        assert len(merged) >= 3, json.dumps(items, indent=1)[:3000]
        by_date = {(item["type"], item["date"]) for item in merged}
        assert ("CONSULT", "2025-05-19") in by_date  # the Putin–Trump call
        assert ("CONSULT", "2025-05-16") in by_date  # the Istanbul talks
        assert ("CONSULT", "2025-05-18") in by_date  # the Rome meeting
        for item in merged:
            assert len({s["article_id"] for s in item["sources"]}) == 2
            assert item["source_count"] == 2

        # Re-publishing changes nothing: no new record on the feed topic.
        records_before = len(read_topic(forward, "diplomatic-feed", idle_s=2))
        publish(forward, TELESUR, ANI)
        worker.wait_for(
            lambda: (
                len(read_topic(forward, "events", idle_s=2))
                >= 2 * len({r["value"]["id"] for r in read_topic(forward, "events", idle_s=1)})
            ),
            what="re-extraction",
        )
        assert merge_signature(settled_feed(worker, minimum=5)) == merge_signature(items)
        assert len(read_topic(forward, "diplomatic-feed", idle_s=2)) == records_before

        # The compacted topic read by a fresh consumer holds the same feed as /feed.
        compacted = feed_state(forward)
        assert set(compacted) == {item["id"] for item in items}
        assert all(FeedItem.model_validate(value) for value in compacted.values())

        # HTTP formats parse with real parsers; filters work.
        feed = worker.get("/feed")
        assert feed["version"] == "https://jsonfeed.org/version/1.1" and feed["title"] and feed["items"]
        assert all(
            "id" in item and ("content_text" in item or "content_html" in item) for item in feed["items"]
        )
        atom = feedparser.parse(worker.get("/feed.atom"))
        assert not atom.bozo and len(atom.entries) == len(items)
        putin = worker.get("/feed?actor=Vladimir%20Putin")["items"]
        assert putin and all("Vladimir Putin" in i["_diplofeed"]["actors"] for i in putin)
        assert len(putin) < len(items)
        threats = worker.get("/feed?type=THREATEN")["items"]
        assert all(i["_diplofeed"]["type"] == "THREATEN" for i in threats)
        page = worker.get("/live")
        assert page.lstrip().lower().startswith("<!doctype html>") and "textContent" in page
        one = worker.get(f"/feed/{items[0]['id']}")
        assert one["id"] == items[0]["id"]

    # Restart: the feed is recovered from the store and changelog, without duplicates.
    with running_worker(forward, tmp_path / "forward-2.log") as worker:
        assert merge_signature(settled_feed(worker, minimum=5)) == merge_signature(items)
        assert set(feed_state(forward)) == {item["id"] for item in items}

        # Expiry: a talk 40 days later moves the watermark; the older CONSULT items leave the feed.
        publish_json(
            forward,
            tmp_path,
            {
                "title": "Leaders hold talks",
                "outlet": "Example Times",
                "published": "2025-06-28",
                "body": "Russian President Vladimir Putin and Chinese President Xi Jinping held talks "
                "in Beijing on Saturday, the Kremlin said.",
            },
        )

        def consult_expired() -> bool:
            body = worker.get("/feed") or {"items": []}
            dates = [i["_diplofeed"]["date"] for i in body["items"] if i["_diplofeed"]["type"] == "CONSULT"]
            return bool(dates) and all(d is None or d >= "2025-06-21" for d in dates)

        worker.wait_for(consult_expired, what="expiry of old CONSULT items")

        def tombstoned() -> bool:
            # the Putin-Xi talks moved one partition's watermark; the timer expires the quiet ones too
            final = feed_state(forward).values()
            return all(v["type"] != "CONSULT" or (v["date"] or "9999") >= "2025-06-21" for v in final)

        worker.wait_for(tombstoned, timeout_s=60, what="tombstones of old CONSULT items on every partition")

    # Arrival order does not matter: the other order gives the same feed.
    backward = make_settings(data_dir=tmp_path / "backward")
    with running_worker(backward, tmp_path / "backward.log") as worker:
        publish(backward, ANI)
        publish(backward, TELESUR)
        assert merge_signature(settled_feed(worker, minimum=5)) == merge_signature(items)
