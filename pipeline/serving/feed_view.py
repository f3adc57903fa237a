"""The HTTP read model: the current feed, rebuilt from the compacted topic.

Every worker reads the whole ``diplomatic-feed`` topic (no consumer group), so
any worker answers ``/feed`` with the complete feed however the partitions
are spread; tombstones delete items.  This is exactly what any downstream
consumer of the topic does.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass, field

from pydantic import ValidationError

from pipeline.codec import decode_record
from pipeline.serving.query import facts
from schemas import FeedItem

log = logging.getLogger(__name__)


@dataclass
class FeedView:
    """Current items by id, plus the newest event time seen (for read-time expiry)."""

    items: dict[str, FeedItem] = field(default_factory=dict)
    updates: int = 0
    changed: asyncio.Event | None = None

    def apply(self, key: bytes | None, value: bytes | None) -> None:
        if key is None:
            return
        item_id = key.decode("utf-8", errors="replace")
        if value is None:
            self.items.pop(item_id, None)
        else:
            try:
                item = decode_record(FeedItem, value)
            except ValidationError:
                log.warning("feed view: undecodable record for key %s skipped", item_id)
                return
            facts(item)  # derived once, as it arrives, not on the first request that reads it
            self.items[item_id] = item
        self.updates += 1

    def current(self, horizon: dt.timedelta) -> list[FeedItem]:
        """Live items, in no particular order (each route sorts what it selects); items past the
        horizon are hidden even before their tombstone."""
        items = list(self.items.values())
        if not items:
            return items
        cutoff = max(facts(item).event_time for item in items) - horizon
        return [item for item in items if facts(item).event_time >= cutoff]


async def follow_feed_topic(view: FeedView, bootstrap: str, topic: str, security: dict[str, object]) -> None:
    """Consume the feed topic from the beginning, forever (cancel to stop)."""
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        client_id="diplofeed-feed-view",
        **security,
    )
    while True:
        try:
            await consumer.start()
            break
        except Exception as error:
            log.warning("feed view: cannot reach Kafka yet (%s); retrying", error)
            await asyncio.sleep(2)
    try:
        async for record in consumer:
            view.apply(record.key, record.value)
    finally:
        await consumer.stop()
