"""Feed agents: events → routed by anchor onto ``feed-events`` → merged into the rolling feed.

``feed-route`` keeps the types the feed merges (``Settings.feed_types``) and re-keys each
event by its anchor (``pipeline.feed.route``), with an explicit partition the sink can derive
again for an item; it waits for the broker's acks before its batch is acked, like ``extract``.
``feed`` applies each event to the sink in its partition's table context; the sink's table
writes are the feed updates.  A timer expires what went quiet: Faust tables take a write's
partition from the current event, so each partition's expiry runs in the context of the last
event that partition delivered.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from typing import TYPE_CHECKING, Any

from faust.streams import _current_event

from pipeline.feed.route import partition_for, reaches_feed, route_key
from pipeline.feed.sink import FeedSink, SinkResult

if TYPE_CHECKING:
    import datetime as dt

    import faust

    from pipeline.config import Settings
    from pipeline.feed.tables import FeedTables
    from pipeline.metrics import Metrics
    from pipeline.topology import FaustTopics

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
    last_event: dict[int, Any] = {}

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
            last_event[partition] = event
            started = time.perf_counter()
            result = sink.apply(event.value, partition)
            metrics.observe_stage("feed", time.perf_counter() - started)
            if result.duplicate or result.late:
                continue
            report(result)
            if result.upserts:
                metrics.observe_end_to_end(event.value.article.published_at)

    @app.timer(interval=settings.feed_expiry_interval_s)
    async def expire_quiet() -> None:
        """Expire every partition of this worker against the newest watermark among them."""
        marks = [mark for p in list(last_event) if (mark := sink.watermark(p)) is not None]
        if not marks:
            return
        newest = max(marks)
        for partition, event in sorted(last_event.items()):
            token = _current_event.set(weakref.ref(event))
            try:
                result = sink.expire(partition, newest)
            finally:
                _current_event.reset(token)
            if result.expired:
                report(result)

    @app.on_partitions_revoked.connect
    async def forget_cache(app: Any, revoked: Any, **kwargs: Any) -> None:
        sink.forget()
        last_event.clear()
