"""The topology: every topic the project owns, declared once.

Each :class:`TopicDef` states a topic's logical name, its contract model, what its key
is, how it is partitioned, its cleanup policy and retention, and which components produce
and consume it, the way Quix Streams' ``Application.topic()`` keeps a topic's name,
serialisation and creation config in one object.  Everything else is derived from this
table: topic creation (:func:`topic_specs`), the Faust topic objects and their codecs
(:func:`faust_topics`), the contract map (:data:`CONTRACTS`), the topics whose consumer lag
is sampled (:func:`lagged_topics`), the metric labels, the JSON Schemas and the AsyncAPI
document (:mod:`pipeline.tools.schema_export`).

Topics are created explicitly (the broker's auto-creation is off) so partition counts are a
decision, not an accident.  Faust tables changelog with as many partitions as the stream
that feeds them, so every topic an agent with a table reads from shares
``settings.partitions``; creation refuses a cluster where an existing topic disagrees.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from pipeline.config import Settings
from schemas import Article, Contract, DeadLetter, Entity, Event, FeedItem, Quote

if TYPE_CHECKING:
    import faust

DAY_MS = 24 * 3600 * 1000


class Partitioning(str, Enum):
    """Which setting gives a topic's partition count."""

    ARTICLES = "articles_partitions"  # the most workers that can parse in parallel
    STAGES = "partitions"  # extraction outputs, feed stage, feed, and so the tables' changelogs
    SINGLE = "single"  # one partition: a low-volume topic read in order


@dataclass(frozen=True)
class TopicDef:
    """One topic, all its facts."""

    name: str  # logical name; the wire name adds DIPLOFEED_TOPIC_PREFIX
    attr: str  # the Python name of its Faust topic object
    contract: type[Contract]
    key: str  # what the Kafka key is
    description: str
    partitioning: Partitioning
    cleanup: str = "delete"  # "delete" (retention) or "compact" (latest value per key)
    retention_days: int | None = 7
    producers: tuple[str, ...] = ()
    consumers: tuple[str, ...] = ()
    #: The worker decodes the value itself (bad records are data to dead-letter, not crashes).
    raw_value: bool = False
    #: Offsets acked by the agent that reads it; False for a table's changelog.
    acks: bool = True
    #: A consumer group reads it and its lag is sampled.
    lagged: bool = False
    extra_config: Mapping[str, str] = field(default_factory=dict)

    def wire_name(self, settings: Settings) -> str:
        return settings.topic(self.name)

    def partitions(self, settings: Settings) -> int:
        if self.partitioning is Partitioning.SINGLE:
            return 1
        return int(getattr(settings, self.partitioning.value))

    def broker_config(self) -> dict[str, str]:
        config: dict[str, str] = {"cleanup.policy": self.cleanup}
        if self.cleanup == "compact":
            config |= {"min.compaction.lag.ms": "0", "segment.ms": "60000"}
        elif self.retention_days is not None:
            config["retention.ms"] = str(self.retention_days * DAY_MS)
        return config | dict(self.extra_config)


ARTICLES = TopicDef(
    "articles",
    "articles",
    Article,
    key="article id (hash of outlet, title and normalised body)",
    description="One news article, parsed into fields by the publisher.",
    partitioning=Partitioning.ARTICLES,
    producers=("publish", "watch", "follow"),
    consumers=("extract agent",),
    raw_value=True,
    lagged=True,
    extra_config={"max.message.bytes": str(8 * 1024 * 1024)},
)
ENTITIES = TopicDef(
    "entities",
    "entities",
    Entity,
    key="article id",
    description="Named entities of one article, canonicalised, with offsets and counts.",
    partitioning=Partitioning.STAGES,
    producers=("extract agent",),
    consumers=("subscribers",),
)
QUOTES = TopicDef(
    "quotes",
    "quotes",
    Quote,
    key="article id",
    description="Direct quotes with their speaker and cue.",
    partitioning=Partitioning.STAGES,
    producers=("extract agent",),
    consumers=("subscribers",),
)
EVENTS = TopicDef(
    "events",
    "events",
    Event,
    key="article id",
    description="PLOVER-typed events (all 16 types) with actors, date, status and evidence.",
    partitioning=Partitioning.STAGES,
    producers=("extract agent",),
    consumers=("feed agent", "subscribers"),
    lagged=True,
)
FEED_EVENTS = TopicDef(
    "feed-events",
    "feed_events",
    Event,
    key="anchor: the participant with the smallest stable hash (pipeline.feed.route; the merge block prefix)",
    description="Events re-keyed so that every report of one real-world occasion meets in one place.",
    partitioning=Partitioning.STAGES,
    producers=("feed-route agent",),
    consumers=("feed agent (sink)",),
    lagged=True,
)
FEED = TopicDef(
    "diplomatic-feed",
    "feed",
    FeedItem,
    key="feed item id (tombstone when an item leaves the feed)",
    description="The rolling diplomatic-event feed: one record per item, latest value per key.",
    partitioning=Partitioning.STAGES,
    cleanup="compact",
    retention_days=None,
    producers=("feed sink (its items table's changelog)",),
    consumers=("feed view of every worker", "subscribers"),
    acks=False,
)
DEAD_LETTERS = TopicDef(
    "dead-letters",
    "dead_letters",
    DeadLetter,
    key="SHA-256 of the raw input, or the article id",
    description="Inputs that could not become a valid record, with an error code and reason.",
    partitioning=Partitioning.SINGLE,
    retention_days=30,
    producers=("publish", "watch", "follow", "extract agent", "feed agent"),
    consumers=("operators",),
)

#: Every topic, in data-flow order.
TOPOLOGY: tuple[TopicDef, ...] = (ARTICLES, ENTITIES, QUOTES, EVENTS, FEED_EVENTS, FEED, DEAD_LETTERS)
#: Logical topic name -> contract model.
CONTRACTS: dict[str, type[Contract]] = {t.name: t.contract for t in TOPOLOGY}
#: Logical topic names (metric labels).
TOPIC_NAMES: tuple[str, ...] = tuple(t.name for t in TOPOLOGY)


@dataclass(frozen=True)
class TopicSpec:
    """A topic's wire name, partitions and broker-side configuration."""

    name: str
    partitions: int
    config: dict[str, str] = field(default_factory=dict)


def topic_specs(settings: Settings) -> list[TopicSpec]:
    """Every topic the project owns (Faust's own changelog topics excluded)."""
    return [TopicSpec(t.wire_name(settings), t.partitions(settings), t.broker_config()) for t in TOPOLOGY]


#: Feed tables with a changelog topic of their own (the items table's changelog is ``diplomatic-feed``).
CHANGELOG_TABLES: tuple[str, ...] = ("feed-window-events", "feed-blocks")


def changelog_topic_name(settings: Settings, table: str) -> str:
    """The changelog topic of a feed table, named the way Faust names it."""
    return f"{settings.app_id}-{table}-changelog"


def changelog_specs(settings: Settings) -> list[TopicSpec]:
    """The tables' changelog topics as Faust declares them: compacted, ``settings.partitions``.

    :func:`create_topics` creates them with the project's topics, before a worker starts.  Left to
    Faust, every worker declared them just before its consumer subscribed; two workers starting
    together raced, one got "already exists" while the other's topic was not yet in the broker's
    metadata, and its consumer found no such topic and did not ask again for 5 minutes (aiokafka's
    metadata_max_age).  As the group's leader it assigned no partition of that changelog, and every
    write to the table raised PartitionsMismatch ("changelog topic ... has 0 partitions"): the feed
    agent crashed on each event of that worker.
    """
    return [
        TopicSpec(changelog_topic_name(settings, table), settings.partitions, {"cleanup.policy": "compact"})
        for table in CHANGELOG_TABLES
    ]


def lagged_topics(settings: Settings) -> tuple[str, ...]:
    """Wire names of the topics a worker's consumer group reads."""
    return tuple(t.wire_name(settings) for t in TOPOLOGY if t.lagged)


class FaustTopics(dict[str, "faust.TopicT"]):
    """The Faust topic objects by attribute name (``topics.articles``), each bound to its codec."""

    def __getattr__(self, name: str) -> faust.TopicT:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def faust_topics(app: faust.App, settings: Settings) -> FaustTopics:
    """One Faust topic per row of the table, with the contract codec (or raw for decoded-by-agent)."""
    from pipeline.codec import ContractCodec

    def make(topic: TopicDef) -> Any:
        return app.topic(
            topic.wire_name(settings),
            key_serializer="raw",
            value_serializer="raw" if topic.raw_value else ContractCodec(topic.contract),
            partitions=topic.partitions(settings),
            allow_empty=True,
            acks=topic.acks,
        )

    return FaustTopics({t.attr: make(t) for t in TOPOLOGY})


class PartitionMismatchError(RuntimeError):
    """An existing topic has another partition count than configured."""


def create_topics(settings: Settings) -> list[str]:
    """Create missing topics (the tables' changelogs too); return the names created.  Idempotent.

    Returns once the broker's metadata lists every created topic with all its partitions, so a
    consumer subscribing next finds them (see :func:`changelog_specs`).
    """
    from kafka.admin import KafkaAdminClient, NewTopic
    from kafka.errors import TopicAlreadyExistsError

    admin = KafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers,
        client_id="diplofeed-topics",
        **settings.kafka_python_security(),
    )
    try:
        existing = set(admin.list_topics())
        specs = topic_specs(settings) + changelog_specs(settings)
        missing = [spec for spec in specs if spec.name not in existing]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):  # another process may win the race
                admin.create_topics(
                    [
                        NewTopic(
                            name=spec.name,
                            num_partitions=spec.partitions,
                            replication_factor=settings.replication_factor,
                            topic_configs=spec.config,
                        )
                        for spec in missing
                    ]
                )
        _check_partitions(admin, [spec for spec in specs if spec.name in existing])
        _wait_visible(admin, missing)
        return [spec.name for spec in missing]
    finally:
        admin.close()


def _wait_visible(admin: object, specs: list[TopicSpec], timeout_s: float = 30.0) -> None:
    """Wait until the broker's metadata has every topic of ``specs`` with all its partitions."""
    deadline = time.monotonic() + timeout_s
    while specs:
        described = admin.describe_topics([spec.name for spec in specs])  # type: ignore[attr-defined]
        counts = {
            entry.get("topic", entry.get("name")): len(entry["partitions"])
            for entry in described
            if not entry.get("error_code")
        }
        specs = [spec for spec in specs if counts.get(spec.name) != spec.partitions]
        if specs and time.monotonic() > deadline:
            raise TimeoutError(f"topics not in the broker's metadata after {timeout_s:.0f}s: {specs}")
        if specs:
            time.sleep(0.1)


def _check_partitions(admin: object, specs: list[TopicSpec]) -> None:
    if not specs:
        return
    described = admin.describe_topics([spec.name for spec in specs])  # type: ignore[attr-defined]
    counts = {entry.get("topic", entry.get("name")): len(entry["partitions"]) for entry in described}
    wrong = [
        f"{s.name}: {counts.get(s.name)} != {s.partitions}"
        for s in specs
        if counts.get(s.name) != s.partitions
    ]
    if wrong:
        raise PartitionMismatchError(
            "existing topics have other partition counts than configured (" + "; ".join(wrong) + "); "
            "Faust tables need changelog partitions equal to their source topics: "
            "set DIPLOFEED_PARTITIONS / DIPLOFEED_ARTICLES_PARTITIONS to match or recreate the topics"
        )
