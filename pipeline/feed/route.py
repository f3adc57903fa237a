"""Routing of events to the feed stage: the repartition key and its partition.

The key is the event's anchor (``merge.blocking``): the participant with the smallest stable
hash.  Reports naming the same participants share it whatever their type, wording or date,
and merging requires it, so the clustering of each partition is the clustering of the whole
set restricted to its anchors.  Anchors are spread by hash, so the stage uses every partition.
"""

from __future__ import annotations

from collections.abc import Collection

from pipeline.feed.merge import blocking, name_hash
from schemas import Event, PloverType


def route_key(event: Event) -> str:
    """The feed-events key of an event: its anchor."""
    return blocking(event).anchor


def partition_for(event: Event, partitions: int) -> int:
    """Partition of the event's anchor; the sink derives an item's partition the same way."""
    return name_hash(route_key(event)) % partitions if partitions > 1 else 0


def reaches_feed(event: Event, feed_types: Collection[PloverType]) -> bool:
    """Whether the event's type is one the feed merges (``Settings.feed_types``)."""
    return event.type in feed_types
