"""Feed agent: events → re-partitioned by type → merged into the rolling feed.

Events arrive keyed by article id; merging needs every report of one
real-world event in one place, and two reports are only ever merged when they
have the same type, so the stream is re-keyed by event type onto the
``feed-events`` topic.  The sink's table writes are the feed updates.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from pipeline.feed.sink import FeedSink

if TYPE_CHECKING:
    import datetime as dt

    import faust

    from pipeline.feed.tables import FeedTables
    from pipeline.metrics import Metrics
    from pipeline.topology import FaustTopics


def register(
    app: faust.App, topics: FaustTopics, tables: FeedTables, metrics: Metrics, horizon: dt.timedelta
) -> None:
    """Attach the feed agent and its rebalance hook to the app."""
    sink = FeedSink(tables.events, tables.groups, tables.items, horizon)

    @app.agent(topics.events, name="feed", concurrency=1)
    async def feed(stream: Any) -> None:
        async for event in stream.group_by(lambda e: e.type.value, name="by-type", topic=topics.feed_events):
            started = time.perf_counter()
            result = sink.apply(event)
            metrics.observe_stage("feed", time.perf_counter() - started)
            if result.duplicate or result.late:
                continue
            metrics.feed_merged(result.merged)
            metrics.feed_expired(result.expired)
            metrics.feed_update_published(len(result.upserts) + len(result.tombstones))
            metrics.set_feed_items(sink.live_items())
            if result.upserts:
                metrics.observe_end_to_end(event.article.published_at)

    @app.on_partitions_revoked.connect
    async def forget_cache(app: Any, revoked: Any, **kwargs: Any) -> None:
        sink.forget()
