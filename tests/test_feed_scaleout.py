"""Two workers in one group both do feed work: the feed stage is parallel over its partitions."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from pipeline.config import Settings
from pipeline.feed.merge import blocking_of, norm_name
from pipeline.feed.route import partition_for
from pipeline.ingest.publisher import ArticlePublisher
from pipeline.ingest.sources import iter_inputs
from pipeline.topology import create_topics
from schemas import ArticleRef, Event, EventStatus, PloverType, Span
from tests.conftest import free_port
from tests.reliability_helpers import check_feed, event_ids, metric, scrape, wait_caught_up
from tests.worker_process import WorkerProcess

pytestmark = pytest.mark.kafka

LEADERS = (
    ("Sergei Lavrov", "Wang Yi", "Beijing"),
    ("Emmanuel Macron", "Olaf Scholz", "Paris"),
    ("Narendra Modi", "Anthony Albanese", "New Delhi"),
    ("Recep Tayyip Erdogan", "Masoud Pezeshkian", "Ankara"),
    ("Cyril Ramaphosa", "Bola Tinubu", "Pretoria"),
    ("Justin Trudeau", "Claudia Sheinbaum", "Ottawa"),
    ("Keir Starmer", "Giorgia Meloni", "London"),
    ("Yoon Suk Yeol", "Fumio Kishida", "Seoul"),
    ("Pedro Sanchez", "Antonio Costa", "Madrid"),
    ("Donald Tusk", "Friedrich Merz", "Warsaw"),
    ("Benjamin Netanyahu", "Abdullah II", "Amman"),
    ("Mark Rutte", "Jens Stoltenberg", "Brussels"),
)
OUTLETS = ("Scale Wire", "Partition Post", "Rebalance Review")


def _anchor_partition(a: str, b: str, partitions: int) -> int:
    """The partition ``feed-route`` sends a talk between ``a`` and ``b`` to."""
    names = frozenset({norm_name(a), norm_name(b)})
    probe = Event(
        id="probe",
        article_id="probe",
        type=PloverType.CONSULT,
        actors=[a, b],
        status=EventStatus.OCCURRED,
        evidence=Span(text="x", start=0, end=1),
        confidence=1.0,
        article=ArticleRef(article_id="probe"),
    )
    assert blocking_of(names, names).anchor in names
    return partition_for(probe, partitions)


def _articles(day: dt.date) -> list[dict[str, str]]:
    records = []
    for n, (a, b, city) in enumerate(LEADERS):
        for k, outlet in enumerate(OUTLETS):
            records.append(
                {
                    "title": f"{a} and {b} meet in {city} ({outlet})",
                    "outlet": outlet,
                    "published": day.isoformat(),
                    "body": f"{a} held talks with {b} in {city} on {day.day} {day:%B %Y}, officials said. "
                    f"The two leaders discussed trade and security, according to report {n}-{k}.",
                }
            )
    return records


def _members(settings: Settings) -> dict[str, set[int]]:
    """Member id -> partitions of ``feed-events`` it owns."""
    from tests.test_reliability import _partitions_in

    admin = KafkaAdminClient(bootstrap_servers=settings.bootstrap_servers, client_id="scaleout-group")
    try:
        if hasattr(admin, "describe_consumer_groups"):
            (group,) = admin.describe_consumer_groups([settings.app_id])
            members = [(m.member_id, m.member_assignment) for m in group.members]
        else:
            group = admin.describe_groups([settings.app_id])[settings.app_id]
            members = [(m["member_id"], m.get("member_assignment")) for m in group.get("members", [])]
    finally:
        admin.close()
    return {m: _partitions_in(a, settings.topic("feed-events")) for m, a in members}


def _records_per_partition(settings: Settings) -> dict[int, int]:
    topic = settings.topic("diplomatic-feed")
    consumer = KafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers, group_id=None, enable_auto_commit=False
    )
    try:
        tps = [TopicPartition(topic, p) for p in range(settings.partitions)]
        ends = consumer.end_offsets(tps)
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        seen: Counter[int] = Counter()
        positions = {tp: 0 for tp in tps}
        while any(positions[tp] < ends[tp] for tp in tps):
            for tp, records in consumer.poll(timeout_ms=2000).items():
                seen[tp.partition] += len(records)
                positions[tp] = records[-1].offset + 1
    finally:
        consumer.close()
    return {p: seen[p] for p in range(settings.partitions)}


@pytest.mark.timeout(900)
def test_two_workers_both_do_feed_work(make_settings: Callable[..., Settings], tmp_path: Path) -> None:
    settings_a = make_settings()
    settings_b = settings_a.model_copy(update={"web_port": free_port()})
    spread = {_anchor_partition(a, b, settings_a.partitions) for a, b, _ in LEADERS}
    assert spread == set(range(settings_a.partitions))  # the articles exercise every feed partition
    create_topics(settings_a)
    workers = [WorkerProcess(settings_a, tmp_path / "a.log"), WorkerProcess(settings_b, tmp_path / "b.log")]
    try:
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda w: w.start(), workers))
        owned = workers[0].wait_for(
            lambda: m if len(m := _members(settings_a)) == 2 and all(m.values()) else None,
            timeout_s=180,
            what="two members sharing the feed-events partitions",
        )
        path = tmp_path / "articles.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in _articles(dt.datetime.now(dt.UTC).date())))
        publisher = ArticlePublisher(settings_a)
        try:
            summary = publisher.publish(iter_inputs([str(path)], max_bytes=10**6), progress=False)
        finally:
            publisher.close()
        assert summary.failed == 0
        wait_caught_up(settings_a, 600)

        def both_published() -> list[float] | None:
            updates = [metric(scrape(w.base_url), "diplofeed_feed_updates_published_total") for w in workers]
            return updates if all(updates) else None

        updates = workers[0].wait_for(both_published, timeout_s=120, what="feed updates from both workers")
        per_partition = _records_per_partition(settings_a)
        feed = check_feed(settings_a, event_ids(settings_a))
    finally:
        for worker in workers:
            worker.stop()
    shown = {
        "feed_events_partitions": {k[-8:]: sorted(v) for k, v in owned.items()},
        "feed_updates_published_per_worker": updates,
        "diplomatic_feed_records_per_partition": per_partition,
        "feed": feed,
    }
    print("feed scale-out:", json.dumps(shown))
    assert all(per_partition.values()), per_partition  # every partition of the feed was written
    assert feed["multi_source_items"] >= len(LEADERS) // 2  # the three outlets' reports merge
