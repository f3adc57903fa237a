"""The feed stage's durable state: Faust tables on RocksDB, each with an explicit changelog topic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import faust

from pipeline.codec import ContractCodec
from pipeline.config import Settings
from pipeline.topology import FaustTopics, changelog_topic_name
from schemas import Event, FeedItem


@dataclass(frozen=True)
class FeedTables:
    """Durable feed state (RocksDB + changelog)."""

    events: faust.TableT  # event id -> Event, the events in the window
    blocks: faust.TableT  # block key [#page] -> {"ids": [...], "pages": n}; "@watermark/<p>" -> iso
    items: faust.TableT  # item id -> FeedItem; its changelog IS the compacted diplomatic-feed topic


def make_tables(app: faust.App, settings: Settings, topics: FaustTopics) -> FeedTables:
    parts = settings.partitions

    def table(name: str, codec: Any, changelog: faust.TopicT | None = None) -> faust.TableT:
        # Collection derives codecs from key/value *types* and builds its changelog topic from them at
        # construction; recovery decodes through that topic.  Give every table an explicit changelog
        # topic with raw string keys and the contract codec, and the same codecs on the table itself.
        changelog = changelog or app.topic(
            changelog_topic_name(settings, name),  # created up front by create_topics
            key_serializer="raw",
            value_serializer=codec,
            partitions=parts,
            compacting=True,
            deleting=False,
            acks=False,
            internal=True,
            allow_empty=True,
        )
        created = app.Table(name, partitions=parts, changelog_topic=changelog)
        created.key_serializer = "raw"
        created.value_serializer = codec
        return created

    return FeedTables(
        events=table("feed-window-events", ContractCodec(Event)),
        blocks=table("feed-blocks", "json"),
        items=table("feed-items", ContractCodec(FeedItem), topics.feed),
    )
