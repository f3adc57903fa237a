"""The Faust app and every component of the worker, registered in one place.

``build_pipeline`` is the only place where topics, tables, agents, web routes
and background tasks are attached to the app, in data-flow order::

    articles ──extract──▶ entities, quotes, events (keyed by article id)
                 └──────▶ dead-letters
    events ──group_by(type)──▶ feed-events ──feed──▶ diplomatic-feed (compacted, keyed by item id)
    diplomatic-feed ──feed view──▶ HTTP /feed, /feed.atom, /feed/{id}, page

Nothing is a module global: the app is built from a ``Settings`` and a
``Metrics`` and handed to whoever runs it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faust

from pipeline.codec import ContractCodec
from pipeline.config import Settings
from pipeline.consumer import LosslessTransport
from pipeline.extractor import BatchExtractor
from pipeline.feed_view import FeedView
from pipeline.metrics import Metrics
from pipeline.topics import ARTICLES, DEAD_LETTERS, ENTITIES, EVENTS, FEED, FEED_EVENTS, QUOTES
from schemas import DeadLetter, Entity, Event, FeedItem, Quote


@dataclass(frozen=True)
class Topics:
    """The Faust topic objects, each bound to its contract codec."""

    articles: faust.TopicT
    entities: faust.TopicT
    quotes: faust.TopicT
    events: faust.TopicT
    feed_events: faust.TopicT
    feed: faust.TopicT
    dead_letters: faust.TopicT


@dataclass(frozen=True)
class FeedTables:
    """Durable feed state (RocksDB + changelog)."""

    events: faust.TableT  # event id -> Event, the events in the window
    groups: faust.TableT  # event type -> {"events": [...], "items": [...], "watermark": iso}
    items: faust.TableT  # item id -> FeedItem; its changelog IS the compacted diplomatic-feed topic


@dataclass
class Pipeline:
    """Everything a worker runs, wired together."""

    settings: Settings
    metrics: Metrics
    app: faust.App
    topics: Topics
    tables: FeedTables
    extractor: BatchExtractor
    feed_view: FeedView

    @property
    def horizon(self) -> dt.timedelta:
        return dt.timedelta(days=self.settings.feed_horizon_days)


def make_app(settings: Settings) -> faust.App:
    """A Faust app configured from the settings."""
    brokers = [
        f"kafka://{server.strip()}" for server in settings.bootstrap_servers.split(",") if server.strip()
    ]
    state_dir = worker_state_dir(settings)
    state_dir.mkdir(parents=True, exist_ok=True)
    app = faust.App(
        settings.app_id,
        broker=brokers,
        broker_credentials=settings.faust_broker_credentials(),
        store="rocksdb://",
        datadir=str(state_dir),
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        topic_allow_declare=True,
        table_standby_replicas=0,
        producer_acks=-1,
        processing_guarantee="at_least_once",
        consumer_auto_offset_reset="earliest",
        # A crashed worker's partitions move after the session timeout; heartbeats every tenth of it.
        broker_session_timeout=settings.session_timeout_s,
        broker_heartbeat_interval=settings.session_timeout_s / 10,
        broker_commit_every=100,
        broker_commit_interval=1.0,
        web_enabled=True,
        web_host=settings.web_host,
        web_port=settings.web_port,
        web_in_thread=False,
        producer_max_request_size=8 * 1024 * 1024,
        consumer_max_fetch_size=8 * 1024 * 1024,
        # Reliability fix: wait for in-flight batches before the commit on shutdown and rebalance.  With
        # False, a SIGTERM mid-batch cancelled the extract agent; take_events() acks its batch in a
        # `finally`, so the final commit covered articles whose outputs were never sent (lost).
        stream_wait_empty=True,
        logging_config=None,
        loghandlers=[],
    )
    # Faust commits over offsets it fetched but never delivered; this consumer reads them again.
    app.transport = LosslessTransport(app.conf.broker_consumer, app)
    return app


def worker_state_dir(settings: Settings) -> Path:
    """Per-worker state: two workers on one host must not share a RocksDB directory."""
    return settings.worker_state_dir / f"{settings.app_id}-{settings.web_port}"


def make_topics(app: faust.App, settings: Settings) -> Topics:
    def topic(name: str, codec: Any, partitions: int, acks: bool = True) -> faust.TopicT:
        return app.topic(
            settings.topic(name),
            key_serializer="raw",
            value_serializer=codec,
            partitions=partitions,
            allow_empty=True,
            acks=acks,
        )

    parts = settings.partitions
    return Topics(
        articles=topic(
            ARTICLES, "raw", settings.articles_partitions
        ),  # decoded by the agent: bad input is data
        entities=topic(ENTITIES, ContractCodec(Entity), parts),
        quotes=topic(QUOTES, ContractCodec(Quote), parts),
        events=topic(EVENTS, ContractCodec(Event), parts),
        feed_events=topic(FEED_EVENTS, ContractCodec(Event), parts),
        feed=topic(FEED, ContractCodec(FeedItem), parts, acks=False),  # the items table's changelog
        dead_letters=topic(DEAD_LETTERS, ContractCodec(DeadLetter), 1),
    )


def make_tables(app: faust.App, settings: Settings, topics: Topics) -> FeedTables:
    parts = settings.partitions

    def table(name: str, codec: Any, changelog: faust.TopicT | None = None) -> faust.TableT:
        # Collection derives codecs from key/value *types* and builds its changelog topic from them at
        # construction; recovery decodes through that topic.  Give every table an explicit changelog
        # topic with raw string keys and the contract codec, and the same codecs on the table itself.
        changelog = changelog or app.topic(
            f"{settings.app_id}-{name}-changelog",
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
        groups=table("feed-groups", "json"),
        items=table("feed-items", ContractCodec(FeedItem), topics.feed),
    )


def build_pipeline(settings: Settings, metrics: Metrics) -> Pipeline:
    """Build the app and register every component, in data-flow order."""
    from agents import extract, feed
    from pipeline import monitoring, web

    app = make_app(settings)
    topics = make_topics(app, settings)
    pipeline = Pipeline(
        settings=settings,
        metrics=metrics,
        app=app,
        topics=topics,
        tables=make_tables(app, settings, topics),
        extractor=BatchExtractor(settings.spacy_model, settings.batch_size),
        feed_view=FeedView(),
    )
    extract.register(pipeline)
    feed.register(pipeline)
    web.register(pipeline)
    monitoring.register(pipeline)
    return pipeline
