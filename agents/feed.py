"""Feed agent: events → re-partitioned by type → merged into the rolling feed.

Events arrive keyed by article id; merging needs every report of one
real-world event in one place, and two reports are only ever merged when they
have the same type, so the stream is re-keyed by event type onto the
``feed-events`` topic.  The sink's table writes are the feed updates.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from pipeline.sink import FeedSink

if TYPE_CHECKING:
    from pipeline.app import Pipeline


def register(pipeline: Pipeline) -> None:
    """Attach the feed agent and its rebalance hook to the app."""
    app, topics, tables, metrics = pipeline.app, pipeline.topics, pipeline.tables, pipeline.metrics
    sink = FeedSink(tables.events, tables.groups, tables.items, pipeline.horizon)

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
