"""Helpers of the reliability tests: distinct articles, paced publishing, raw topic reads, checks.

Articles are built from the real BBC corpus in ``../shared/corpus`` (its first few
paragraphs) plus a numbered marker sentence, so every article has distinct
content and so a distinct id (the id is a content hash), and a diplomatic
sentence from a small pool, so the feed merges reports of several articles into
one item and replays can be caught duplicating sources.  Without the corpus
(a checkout without ``shared/``) the seeds' paragraphs stand in.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient

from pipeline.config import Settings
from pipeline.ingest.publisher import ArticlePublisher
from pipeline.ingest.sources import RawInput
from tests.conftest import REPO, SEEDS

CORPUS = Path(os.environ.get("DIPLOFEED_CORPUS_DIR") or Settings().shared_dir / "corpus")
#: Articles written for this project: the stand-in corpus of a clone without ../shared.
OWN_CORPUS = (REPO / "tests" / "fixtures" / "styles", SEEDS)
CORPUS_SECTIONS = ("bbc-politics", "bbc-business")
OUTLETS = ("Reliability Wire", "Harness Herald", "Probe Times", "Soak Daily")
PAIRS = (
    ("Russian Foreign Minister Sergei Lavrov", "Chinese Foreign Minister Wang Yi", "Beijing"),
    ("French President Emmanuel Macron", "Ukrainian President Volodymyr Zelensky", "Paris"),
    ("German Chancellor Friedrich Merz", "Polish Prime Minister Donald Tusk", "Warsaw"),
    ("Indian Prime Minister Narendra Modi", "Japanese Prime Minister Shigeru Ishiba", "Tokyo"),
    ("Turkish President Recep Tayyip Erdogan", "Iranian President Masoud Pezeshkian", "Ankara"),
    ("Brazilian President Luiz Inacio Lula da Silva", "South African President Cyril Ramaphosa", "Brasilia"),
)
TEMPLATES = (
    "{a} held talks with {b} in {city} on {date}, the foreign ministry said.",
    "{a} met {b} in {city} on {date}, officials said.",
)


@lru_cache(maxsize=1)
def corpus_documents() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(title, paragraphs) of every corpus article; the project's own articles when it is absent."""
    docs: list[tuple[str, tuple[str, ...]]] = []
    for section in CORPUS_SECTIONS:
        folder = CORPUS / section
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.txt")):
            blocks = [b.strip() for b in path.read_text(encoding="utf-8", errors="replace").split("\n\n")]
            blocks = [b for b in blocks if b]
            if len(blocks) >= 2:
                docs.append((blocks[0], tuple(blocks[1:])))
    if not docs:  # no shared/ corpus next to the checkout: the project's own articles (corpus_source says so)
        for path in sorted(p for folder in OWN_CORPUS for p in folder.glob("*.txt")):
            blocks = [b.strip() for b in path.read_text(encoding="utf-8").split("\n\n") if b.strip()]
            for start in range(1, len(blocks)):
                docs.append((f"{blocks[0][:80]} part {start}", tuple(blocks[start:] + blocks[1:start])))
    return tuple(docs)


def corpus_source() -> str:
    if (CORPUS / CORPUS_SECTIONS[0]).is_dir():
        return str(CORPUS)
    return "the project's own style fixtures and seeds (no shared BBC corpus at " + str(CORPUS) + ")"


def make_articles(
    count: int, tag: str, *, paragraphs: tuple[int, int] = (3, 6), diplomatic: bool = True
) -> list[dict[str, str]]:
    """``count`` distinct JSON article records (title, body, outlet) from the corpus.

    Article ``i`` takes corpus document ``i`` (cycling), its first 3..6 paragraphs (cut to keep
    bodies short), a marker sentence naming ``tag`` and ``i`` (distinct content, so a distinct id)
    and, when ``diplomatic``, one diplomatic sentence from a pool of 6 pairs x 3 dates x 2 phrasings
    (so the feed merges many articles into few items).
    """
    docs = corpus_documents()
    today = dt.datetime.now(dt.UTC).date()
    low, high = paragraphs
    records: list[dict[str, str]] = []
    for i in range(count):
        title, blocks = docs[i % len(docs)]
        keep = low + (i // len(docs) + i) % (high - low + 1)
        body_blocks = [block[:700] for block in blocks[:keep]]
        a, b, city = PAIRS[i % len(PAIRS)]
        day = today - dt.timedelta(days=1 + i % 3)
        sentence = TEMPLATES[(i // len(PAIRS)) % len(TEMPLATES)].format(
            a=a, b=b, city=city, date=f"{day.day} {day:%B %Y}"
        )
        marker = f"Correspondent Maria Lopez filed reliability dispatch {tag} number {i:06d} from Geneva."
        records.append(
            {
                "title": title,
                "outlet": OUTLETS[i % len(OUTLETS)],
                "body": "\n\n".join([*body_blocks, f"{marker} {sentence}" if diplomatic else marker]),
            }
        )
    return records


def raw_inputs(records: Sequence[dict[str, Any]], tag: str) -> list[RawInput]:
    return [
        RawInput(f"reliability:{tag}:{n}", "json", json.dumps(record).encode())
        for n, record in enumerate(records)
    ]


# --- publishing ---


class PacedPublisher(threading.Thread):
    """Publishes records in chunks with pauses from a background thread, like a live source."""

    def __init__(
        self,
        settings: Settings,
        records: Sequence[dict[str, Any]],
        tag: str,
        *,
        chunk: int = 20,
        pause_s: float = 0.5,
    ) -> None:
        super().__init__(name=f"publisher-{tag}", daemon=True)
        self.settings = settings
        self.records = records
        self.tag = tag
        self.chunk = chunk
        self.pause_s = pause_s
        self.published: list[str] = []
        self.rejected = 0
        self.failed = 0
        self.error: BaseException | None = None
        self.chunks_done = 0

    def run(self) -> None:
        try:
            publisher = ArticlePublisher(self.settings)
            inputs = raw_inputs(self.records, self.tag)
            try:
                for start in range(0, len(inputs), self.chunk):
                    summary = publisher.publish(inputs[start : start + self.chunk], progress=False)
                    self.published.extend(summary.article_ids)
                    self.rejected += summary.rejected
                    self.failed += summary.failed
                    self.chunks_done += 1
                    time.sleep(self.pause_s)
            finally:
                publisher.close()
        except BaseException as error:  # reported by the test through .error
            self.error = error

    def result(self, timeout_s: float = 300) -> list[str]:
        self.join(timeout_s)
        assert not self.is_alive(), "publisher did not finish"
        assert self.error is None, f"publisher failed: {self.error!r}"
        assert self.failed == 0 and self.rejected == 0, (self.failed, self.rejected)
        return list(self.published)


def publish_all(settings: Settings, records: Sequence[dict[str, Any]], tag: str) -> list[str]:
    """Publish every record as fast as the publisher goes; the article ids, in order."""
    publisher = ArticlePublisher(settings)
    try:
        summary = publisher.publish(raw_inputs(records, tag), progress=False)
    finally:
        publisher.close()
    assert summary.failed == 0 and summary.rejected == 0, summary.line()
    return summary.article_ids


# --- reading the broker ---


def read_raw(
    settings: Settings, logical: str, timeout_s: float = 120
) -> list[tuple[bytes | None, bytes | None]]:
    """Every (key, value) of a topic up to its end offsets at call time, as raw bytes."""
    consumer = KafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers,
        client_id="reliability-read",
        group_id=None,
        enable_auto_commit=False,
        max_partition_fetch_bytes=16 * 1024 * 1024,
        fetch_max_bytes=64 * 1024 * 1024,
        **settings.kafka_python_security(),
    )
    try:
        topic = settings.topic(logical)
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        assert partitions, f"topic {topic} does not exist"
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        out: list[tuple[bytes | None, bytes | None]] = []
        deadline = time.monotonic() + timeout_s
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            assert time.monotonic() < deadline, f"could not read {topic} to its end"
            for records in consumer.poll(timeout_ms=500).values():
                out.extend(
                    (r.key, r.value) for r in records if r.offset < ends[TopicPartition(r.topic, r.partition)]
                )
        return out
    finally:
        consumer.close()


def _group_offsets(admin: KafkaAdminClient, group: str) -> dict[Any, Any]:
    """A group's committed offsets by TopicPartition (kafka-python 2 and 3 name the call differently)."""
    if hasattr(admin, "list_consumer_group_offsets"):  # kafka-python 2
        return dict(admin.list_consumer_group_offsets(group))
    return dict(admin.list_group_offsets({group: None})[group])  # kafka-python 3


def group_lag(settings: Settings, logical_topics: Iterable[str]) -> dict[str, int]:
    """Messages between the worker group's committed offsets and the log ends, per topic."""
    security = settings.kafka_python_security()
    admin = KafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers, client_id="reliability-lag", **security
    )
    consumer = KafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers, client_id="reliability-lag", **security
    )
    try:
        committed = _group_offsets(admin, settings.app_id)
        lags: dict[str, int] = {}
        for logical in logical_topics:
            topic = settings.topic(logical)
            partitions = [
                TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())
            ]
            ends = consumer.end_offsets(partitions)
            lags[logical] = sum(
                max(0, ends[tp] - max(0, committed[tp].offset if tp in committed else 0)) for tp in partitions
            )
        return lags
    finally:
        consumer.close()
        admin.close()


PIPELINE_TOPICS = ("articles", "events", "feed-events")


def wait_caught_up(
    settings: Settings,
    timeout_s: float,
    *,
    topics: Sequence[str] = PIPELINE_TOPICS,
    on_poll: Callable[[], None] | None = None,
) -> dict[str, int]:
    """Wait until the group's lag is 0 on every pipeline topic, twice in a row (2 s apart)."""
    deadline = time.monotonic() + timeout_s
    zero_in_a_row = 0
    lags: dict[str, int] = {}
    while time.monotonic() < deadline:
        if on_poll is not None:
            on_poll()
        try:
            lags = group_lag(settings, topics)
        except Exception as error:  # broker briefly unavailable: try again
            lags = {"error": -1}
            print(f"lag not measured: {error!r}")
        zero_in_a_row = zero_in_a_row + 1 if lags and all(v == 0 for v in lags.values()) else 0
        if zero_in_a_row >= 2:
            return lags
        time.sleep(2)
    raise AssertionError(f"pipeline did not catch up within {timeout_s:.0f}s: lag {lags}")


# --- worker introspection ---

_SAMPLE = re.compile(r"^(?P<name>[a-zA-Z_:][\w:]*)(?:\{(?P<labels>[^}]*)\})?\s+(?P<value>\S+)")


def scrape(base_url: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """A worker's /metrics as {(name, labels): value}; empty when the worker does not answer."""
    try:
        with urllib.request.urlopen(base_url + "/metrics", timeout=5) as response:
            text = response.read().decode()
    except (OSError, urllib.error.URLError):
        return {}
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
    for line in text.splitlines():
        match = _SAMPLE.match(line)
        if not match or line.startswith("#"):
            continue
        labels = frozenset(re.findall(r'(\w+)="([^"]*)"', match["labels"] or ""))
        samples[(match["name"], labels)] = float(match["value"])
    return samples


def metric(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    """Sum of the samples of ``name`` whose labels include ``labels``."""
    wanted = set(labels.items())
    return sum(v for (n, lbl), v in samples.items() if n == name and wanted <= lbl)


def counts(base_url: str) -> dict[str, float]:
    samples = scrape(base_url)
    return {
        "received": metric(samples, "diplofeed_articles_received_total"),
        "processed": metric(samples, "diplofeed_articles_processed_total"),
        "dead_lettered": metric(samples, "diplofeed_dead_letters_total", stage="worker"),
    }


def vm_hwm_mb(pid: int) -> float | None:
    """Peak resident set size (VmHWM) of a live process in MiB."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmHWM:\s+(\d+)\s+kB", text, re.MULTILINE)
    return int(match[1]) / 1024 if match else None


# --- checks ---


def extraction_ids(settings: Settings) -> tuple[dict[str, set[str]], dict[str, int]]:
    """Article ids seen per extraction topic, and how many duplicate records each topic holds.

    Asserts the at-least-once contract: a repeated record id carries a byte-identical value,
    so a consumer may drop it by id; the record key is the article id.
    """
    seen: dict[str, set[str]] = {}
    duplicates: dict[str, int] = {}
    for logical in ("entities", "quotes", "events"):
        first: dict[str, bytes] = {}
        ids: set[str] = set()
        dupes = 0
        for key, value in read_raw(settings, logical):
            assert value is not None, f"tombstone on {logical}"
            record = json.loads(value)
            assert key is not None and key.decode() == record["article_id"], (
                logical,
                key,
                record["article_id"],
            )
            ids.add(record["article_id"])
            previous = first.setdefault(record["id"], value)
            if previous is not value:
                dupes += 1
                assert previous == value, f"{logical} record {record['id']} replayed with another value"
        seen[logical] = ids
        duplicates[logical] = dupes
    return seen, duplicates


def dead_letters(settings: Settings) -> list[dict[str, Any]]:
    return [json.loads(value) for _, value in read_raw(settings, "dead-letters") if value is not None]


def feed_state(settings: Settings) -> dict[str, dict[str, Any]]:
    """The compacted feed as a consumer reading from the start holds it: latest value per key."""
    state: dict[str, dict[str, Any]] = {}
    for key, value in read_raw(settings, "diplomatic-feed"):
        assert key is not None
        if value is None:
            state.pop(key.decode(), None)
        else:
            state[key.decode()] = json.loads(value)
    return state


def check_feed(settings: Settings, known_event_ids: set[str] | None = None) -> dict[str, int]:
    """Assert the feed's invariants; returns its size figures.

    No two live items share an event id; an item lists each event, article and source once;
    every event of an item was extracted (it is on the ``events`` topic).
    """
    state = feed_state(settings)
    owners: dict[str, list[str]] = defaultdict(list)
    for item_id, item in state.items():
        assert item["id"] == item_id
        events = item["event_ids"]
        assert len(events) == len(set(events)), f"item {item_id} lists an event twice: {events}"
        sources = [source["article_id"] for source in item["sources"]]
        assert len(sources) == len(set(sources)), f"item {item_id} lists a source twice: {Counter(sources)}"
        assert len(item["article_ids"]) == len(set(item["article_ids"])), f"item {item_id}: article twice"
        for event_id in events:
            owners[event_id].append(item_id)
    shared = {event_id: items for event_id, items in owners.items() if len(items) > 1}
    assert not shared, f"events in more than one live item (duplicate items): {list(shared.items())[:5]}"
    if known_event_ids is not None:
        unknown = set(owners) - known_event_ids
        assert not unknown, f"feed items refer to events never extracted: {sorted(unknown)[:5]}"
    return {
        "live_items": len(state),
        "multi_source_items": sum(1 for item in state.values() if len(item["sources"]) > 1),
        "events_in_feed": len(owners),
    }


def event_ids(settings: Settings) -> set[str]:
    return {json.loads(value)["id"] for _, value in read_raw(settings, "events") if value is not None}


def article_positions(settings: Settings) -> dict[str, tuple[int, int]]:
    """Article id -> (partition, offset) of its first record on the articles topic."""
    consumer = KafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers,
        client_id="reliability-positions",
        group_id=None,
        enable_auto_commit=False,
        **settings.kafka_python_security(),
    )
    try:
        topic = settings.topic("articles")
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        positions: dict[str, tuple[int, int]] = {}
        deadline = time.monotonic() + 60
        while any(consumer.position(tp) < ends[tp] for tp in partitions) and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=500).values():
                for r in records:
                    if r.key is not None:
                        positions.setdefault(r.key.decode(errors="replace"), (r.partition, r.offset))
        return positions
    finally:
        consumer.close()


def reread_article_ids(settings: Settings, logical: str) -> set[str]:
    """Article ids on a topic read again in small fetches: tells a reader fault from a real loss."""
    consumer = KafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers,
        client_id="reliability-reread",
        group_id=None,
        enable_auto_commit=False,
        max_partition_fetch_bytes=64 * 1024,
        **settings.kafka_python_security(),
    )
    try:
        topic = settings.topic(logical)
        ids: set[str] = set()
        for partition in sorted(consumer.partitions_for_topic(topic) or ()):
            tp = TopicPartition(topic, partition)
            consumer.assign([tp])
            consumer.seek_to_beginning(tp)
            end = consumer.end_offsets([tp])[tp]
            deadline = time.monotonic() + 60
            while consumer.position(tp) < end and time.monotonic() < deadline:
                for records in consumer.poll(timeout_ms=500).values():
                    ids.update(r.key.decode(errors="replace") for r in records if r.key is not None)
        return ids
    finally:
        consumer.close()


def missing_positions(settings: Settings, missing: Iterable[str]) -> dict[int, str]:
    """Partition -> offset ranges of the given article ids: says whether a loss is one contiguous run."""
    positions = article_positions(settings)
    by_partition: dict[int, list[int]] = defaultdict(list)
    for article_id in missing:
        partition, offset = positions.get(article_id, (-1, -1))
        by_partition[partition].append(offset)
    ranges: dict[int, str] = {}
    for partition, offsets in sorted(by_partition.items()):
        offsets.sort()
        runs: list[str] = []
        start = previous = offsets[0]
        for offset in [*offsets[1:], None]:
            if offset is not None and offset == previous + 1:
                previous = offset
                continue
            runs.append(f"{start}-{previous}" if previous != start else str(start))
            if offset is not None:
                start = previous = offset
        ranges[partition] = ",".join(runs)
    return ranges


def committed_offsets(settings: Settings, logical: str) -> dict[int, int | None]:
    """The worker group's committed offset per partition of a topic."""
    security = settings.kafka_python_security()
    admin = KafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers, client_id="reliability-offsets", **security
    )
    try:
        committed = _group_offsets(admin, settings.app_id)
        topic = settings.topic(logical)
        return {tp.partition: meta.offset for tp, meta in sorted(committed.items()) if tp.topic == topic}
    finally:
        admin.close()


def assert_all_processed(settings: Settings, published: Iterable[str]) -> dict[str, Any]:
    """Every published article has extraction records downstream or a worker dead letter."""
    wanted = set(published)
    seen, duplicates = extraction_ids(settings)
    with_records = seen["entities"] | seen["quotes"] | seen["events"]
    letters = {d["article_id"] for d in dead_letters(settings) if d["stage"] == "worker" and d["article_id"]}
    missing = wanted - with_records - letters
    assert not missing, (
        f"{len(missing)} of {len(wanted)} articles have no output: {sorted(missing)[:5]}; "
        f"where they sit on the articles topic: {missing_positions(settings, missing)}; "
        f"found by a second read of events: {len(missing & reread_article_ids(settings, 'events'))}; "
        f"group offsets: {committed_offsets(settings, 'articles')}"
    )
    return {
        "articles": len(wanted),
        "with_entities": len(wanted & seen["entities"]),
        "with_quotes": len(wanted & seen["quotes"]),
        "with_events": len(wanted & seen["events"]),
        "dead_lettered": len(wanted & letters),
        "duplicate_records": duplicates,
    }
