"""Topic wiring: which topics exist, how they are partitioned, and creating them.

Topics are created explicitly (the broker's auto-creation is off) so partition
counts are a decision, not an accident.  Faust tables changelog with as many
partitions as the stream that feeds them, so every topic an agent with a table
reads from shares ``settings.partitions``; creation refuses a cluster where an
existing topic disagrees.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from pipeline.config import Settings

ARTICLES = "articles"
ENTITIES = "entities"
QUOTES = "quotes"
EVENTS = "events"
FEED_EVENTS = "feed-events"
FEED = "diplomatic-feed"
DEAD_LETTERS = "dead-letters"


@dataclass(frozen=True)
class TopicSpec:
    """A topic's wire name, partitions and broker-side configuration."""

    name: str
    partitions: int
    config: dict[str, str] = field(default_factory=dict)


def topic_specs(settings: Settings) -> list[TopicSpec]:
    """Every topic the project owns (Faust's own changelog topics excluded)."""
    retention = {"retention.ms": str(7 * 24 * 3600 * 1000)}
    compacted = {"cleanup.policy": "compact", "min.compaction.lag.ms": "0", "segment.ms": "60000"}
    parts = settings.partitions
    return [
        TopicSpec(
            settings.topic(ARTICLES),
            settings.articles_partitions,
            {**retention, "max.message.bytes": "8388608"},
        ),
        TopicSpec(settings.topic(ENTITIES), parts, retention),
        TopicSpec(settings.topic(QUOTES), parts, retention),
        TopicSpec(settings.topic(EVENTS), parts, retention),
        TopicSpec(settings.topic(FEED_EVENTS), parts, retention),
        TopicSpec(settings.topic(FEED), parts, compacted),
        TopicSpec(settings.topic(DEAD_LETTERS), 1, {"retention.ms": str(30 * 24 * 3600 * 1000)}),
    ]


class PartitionMismatchError(RuntimeError):
    """An existing topic has another partition count than configured."""


def create_topics(settings: Settings) -> list[str]:
    """Create missing topics; return the names created.  Idempotent."""
    from kafka.admin import KafkaAdminClient, NewTopic
    from kafka.errors import TopicAlreadyExistsError

    admin = KafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers,
        client_id="diplofeed-topics",
        **settings.kafka_python_security(),
    )
    try:
        existing = set(admin.list_topics())
        specs = topic_specs(settings)
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
        return [spec.name for spec in missing]
    finally:
        admin.close()


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
