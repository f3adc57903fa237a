"""The Faust app and every component of the worker, registered in one place.

``build_pipeline`` is the only place where topics, tables, agents, web routes
and background tasks are attached to the app, in data-flow order::

    articles ──extract──▶ entities, quotes, events (keyed by article id)
                 └──────▶ dead-letters
    events ──feed-route(anchor)──▶ feed-events ──feed──▶ diplomatic-feed (compacted, keyed by item id)
    diplomatic-feed ──feed view──▶ HTTP /feed, /feed.atom, /feed/{id}, page

Nothing is a module global: the app is built from a ``Settings`` and a
``Metrics`` and handed to whoever runs it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import faust

from pipeline.config import Settings
from pipeline.consumer import LosslessTransport
from pipeline.extraction.batch import BatchExtractor
from pipeline.feed.tables import FeedTables, make_tables
from pipeline.metrics import Metrics
from pipeline.serving.feed_view import FeedView
from pipeline.topology import FaustTopics, faust_topics


@dataclass
class Pipeline:
    """Everything a worker runs, wired together."""

    settings: Settings
    metrics: Metrics
    app: faust.App
    topics: FaustTopics
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


def build_pipeline(settings: Settings, metrics: Metrics) -> Pipeline:
    """Build the app and register every component, in data-flow order.

    Each ``register`` gets the topology's topic objects and exactly what it uses, never the whole
    ``Pipeline``: agents and routes import nothing from this module, so there is no import cycle.
    """
    from agents import extract, feed
    from pipeline import monitoring
    from pipeline.serving import web

    app = make_app(settings)
    topics = faust_topics(app, settings)
    pipeline = Pipeline(
        settings=settings,
        metrics=metrics,
        app=app,
        topics=topics,
        tables=make_tables(app, settings, topics),
        extractor=BatchExtractor(settings.spacy_model, settings.batch_size),
        feed_view=FeedView(),
    )
    extract.register(app, topics, pipeline.extractor, metrics, settings)
    feed.register(app, topics, pipeline.tables, metrics, pipeline.horizon, settings)
    web.register(app, pipeline.feed_view, metrics, pipeline.horizon)
    monitoring.register(app, settings, metrics, pipeline.extractor, pipeline.feed_view)
    return pipeline
