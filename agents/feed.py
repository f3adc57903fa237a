"""Feed agents: events → routed by anchor onto ``feed-events`` → merged into the rolling feed.

``feed-route`` keeps the types the feed merges (``Settings.feed_types``) and re-keys each
event by its anchor (``pipeline.feed.route``), with an explicit partition the sink can derive
again for an item; it waits for the broker's acks before its batch is acked, like ``extract``.
``feed`` applies each event to the sink in its partition's table context; the sink's table
writes are the feed updates.  A timer expires what went quiet: Faust tables take a write's
partition from the current event, so the timer runs each partition's expiry in a stand-in
context naming that partition (``in_partition``), for every partition assigned to the worker,
quiet or not.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from faust.streams import _current_event

from pipeline.feed.route import partition_for, reaches_feed, route_key
from pipeline.feed.sink import FeedSink, SinkResult, apply_or_dead_letter
from schemas import DeadLetter

if TYPE_CHECKING:
    import datetime as dt

    import faust

    from pipeline.config import Settings
    from pipeline.feed.tables import FeedTables
    from pipeline.metrics import Metrics
    from pipeline.topology import FaustTopics

T = TypeVar("T")


@dataclass(frozen=True)
class _Message:
    topic: str
    partition: int


@dataclass(frozen=True)
class _PartitionContext:
    """Stands in for the current event: Faust tables and RocksDB take a write's partition from it."""

    message: _Message


#: Events routed per batch (one gather of the broker's acks per batch).
ROUTE_BATCH = 256


def register(
    app: faust.App,
    topics: FaustTopics,
    tables: FeedTables,
    metrics: Metrics,
    horizon: dt.timedelta,
    settings: Settings,
) -> None:
    """Attach the routing and feed agents, the expiry timer and the rebalance hook to the app."""
    partitions = settings.partitions
    sink = FeedSink(tables.events, tables.blocks, tables.items, horizon, partitions=partitions)
    feed_types = frozenset(settings.feed_types)
    feed_topic = topics.feed_events.get_topic_name()

    def in_partition(partition: int, call: Callable[..., T], *args: Any) -> T:
        """Run ``call`` as if processing a record of ``partition`` (see the module docstring)."""
        context = _PartitionContext(_Message(feed_topic, partition))
        token = _current_event.set(weakref.ref(context))  # type: ignore[arg-type]
        try:
            return call(*args)
        finally:
            _current_event.reset(token)

    @app.agent(topics.events, name="feed-route", concurrency=1)
    async def route(stream: Any) -> None:
        async for events in stream.take_events(ROUTE_BATCH, within=settings.batch_timeout_s):
            pending = []
            for event in events:
                value = event.value
                if not reaches_feed(value, feed_types):
                    continue
                pending.append(
                    await topics.feed_events.send(
                        key=route_key(value).encode(), value=value, partition=partition_for(value, partitions)
                    )
                )
            await asyncio.gather(*pending)

    def report(result: SinkResult) -> None:
        metrics.feed_merged(result.merged)
        metrics.feed_expired(result.expired)
        metrics.feed_update_published(len(result.upserts) + len(result.tombstones))
        metrics.set_feed_items(sink.live_items())

    @app.agent(topics.feed_events, name="feed", concurrency=1)
    async def feed(stream: Any) -> None:
        async for event in stream.events():
            partition = event.message.partition
            started = time.perf_counter()
            source = f"{event.message.topic}/{partition}/{event.message.offset}"
            result = apply_or_dead_letter(sink, event.value, partition, source)
            metrics.observe_stage("feed", time.perf_counter() - started)
            if isinstance(result, DeadLetter):
                await topics.dead_letters.send(key=result.raw_sha256.encode(), value=result)
                metrics.dead_letter(result.stage, result.error)
                continue
            if result.duplicate or result.late:
                continue
            report(result)
            if result.upserts:
                metrics.observe_end_to_end(event.value.article.published_at)

    @app.timer(interval=settings.feed_expiry_interval_s)
    async def expire_quiet() -> None:
        """Expire every feed partition of this worker against the newest watermark among them."""
        if app.rebalancing or getattr(app, "in_recovery", False):
            return  # the tables are being restored: the sink must not index a partial items table
        name = topics.feed_events.get_topic_name()
        mine = sorted(tp.partition for tp in app.consumer.assignment() if tp.topic == name)
        marks = [mark for p in mine if (mark := in_partition(p, sink.watermark, p)) is not None]
        if not marks:
            return
        newest = max(marks)
        for partition in mine:
            result = in_partition(partition, sink.expire, partition, newest)
            if result.expired:
                report(result)

    @app.on_partitions_revoked.connect
    async def forget_cache(app: Any, revoked: Any, **kwargs: Any) -> None:
        sink.forget()
