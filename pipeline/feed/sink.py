"""The feed sink: applies events of one type group to the durable feed state.

State lives in three Faust tables (RocksDB + changelog), all written from the
``feed-events`` stream partition that owns the event type, so every key's
changelog lands in the partition that will recover it:

* ``events``: event id → Event (the window's events);
* ``groups``: event type → ids of its events and items, and its watermark;
* ``items``: item id → FeedItem, whose changelog *is* the compacted
  ``diplomatic-feed`` topic: every table write is the feed update users read.

Decoded groups are cached in memory per type (rebuilt from the tables after a
restart or a rebalance), so an event costs work proportional to its
neighbourhood in the compatibility graph, not to the window size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

from pipeline.feed.merge import (
    ActorIndex,
    FeedDiff,
    build_feed,
    build_index,
    diff_feed,
    index_add,
    index_remove,
    update_group,
)
from pipeline.feed.window import advance_watermark, expired
from schemas import Event, FeedItem


@dataclass
class GroupCache:
    """One type group, decoded."""

    events: dict[str, Event] = field(default_factory=dict)
    items: dict[str, FeedItem] = field(default_factory=dict)
    index: ActorIndex = field(default_factory=dict)
    watermark: dt.datetime | None = None


@dataclass(frozen=True)
class SinkResult:
    """What applying one event did (for metrics and tests)."""

    upserts: tuple[FeedItem, ...] = ()
    tombstones: tuple[str, ...] = ()
    merged: int = 0
    expired: int = 0
    duplicate: bool = False
    late: bool = False


class FeedSink:
    """Applies events to the tables; one instance per worker."""

    def __init__(
        self,
        events: MutableMapping[str, Any],
        groups: MutableMapping[str, Any],
        items: MutableMapping[str, Any],
        horizon: dt.timedelta,
    ) -> None:
        self.events_table = events
        self.groups_table = groups
        self.items_table = items
        self.horizon = horizon
        self._cache: dict[str, GroupCache] = {}

    def forget(self) -> None:
        """Drop the decoded cache (partitions moved: the tables are the truth)."""
        self._cache.clear()

    def live_items(self) -> int:
        return sum(len(group.items) for group in self._cache.values())

    def group(self, event_type: str) -> GroupCache:
        cached = self._cache.get(event_type)
        if cached is not None:
            return cached
        stored = self.groups_table.get(event_type) or {}
        group = GroupCache()
        for event_id in stored.get("events", []):
            event = self.events_table.get(event_id)
            if event is not None:
                group.events[event_id] = event
        for item_id in stored.get("items", []):
            item = self.items_table.get(item_id)
            if item is not None:
                group.items[item_id] = item
        group.index = build_index(group.events.values())
        if stored.get("watermark"):
            group.watermark = dt.datetime.fromisoformat(stored["watermark"])
        self._cache[event_type] = group
        return group

    def apply(self, event: Event) -> SinkResult:
        """Add one event: merge it, expire what left the window, write the changes."""
        event_type = event.type.value
        group = self.group(event_type)
        if event.id in group.events:
            # Event ids derive from the article id, which derives from the content: the same id is a
            # replay (re-published article, re-delivered record) even when its Kafka publish time differs.
            # A replay after a crash may follow a half-written update, so the event's items are checked.
            repair = self._repair(event_type, group, event)
            return SinkResult(upserts=repair.upserts, tombstones=repair.tombstones, duplicate=not repair)
        group.watermark = advance_watermark(group.watermark, [event])
        assert group.watermark is not None
        if expired(event, group.watermark, self.horizon):
            self._save_group(event_type, group)
            return SinkResult(late=True)

        change = update_group(group.events, upserts=[event], index=group.index)
        group.events[event.id] = event
        index_add(group.index, event)
        self.events_table[event.id] = event
        for item in change.diff.upserts:
            group.items[item.id] = item
            self.items_table[item.id] = item
        for item_id in change.diff.tombstones:
            group.items.pop(item_id, None)
            self.items_table.pop(item_id, None)
        merged = (
            1
            if any(len(item.event_ids) > 1 and event.id in item.event_ids for item in change.diff.upserts)
            else 0
        )

        expired_items = [
            item for item in group.items.values() if expired(item, group.watermark, self.horizon)
        ]
        for item in expired_items:
            for event_id in item.event_ids:
                dropped = group.events.pop(event_id, None)
                if dropped is not None:
                    index_remove(group.index, dropped)
                    self.events_table.pop(event_id, None)
            group.items.pop(item.id, None)
            self.items_table.pop(item.id, None)
        self._save_group(event_type, group)
        tombstones = tuple(sorted(set(change.diff.tombstones) | {item.id for item in expired_items}))
        upserts = tuple(item for item in change.diff.upserts if item.id in group.items)
        return SinkResult(upserts=upserts, tombstones=tombstones, merged=merged, expired=len(expired_items))

    def _repair(self, event_type: str, group: GroupCache, event: Event) -> FeedDiff:
        """Rewrite the items of an event's cluster neighbourhood where the tables disagree with it.

        A worker killed in the middle of ``apply`` leaves some of its table writes in Kafka and not
        others; the record is then delivered again.  Recomputing the neighbourhood (a deterministic
        function of its events) and comparing with every stored item that holds one of its events
        finds what is missing or stale, including items the group no longer lists.  Consistent
        tables give an empty diff: a plain replay writes nothing.
        """
        neighbourhood = update_group(group.events, removals=[event.id], index=group.index).neighbourhood
        expected = build_feed(group.events[i] for i in neighbourhood if i in group.events)
        stored: dict[str, FeedItem] = {}
        for item in self.items_table.values():  # keys come back as bytes from RocksDB: use the ids
            if item.type.value == event_type and not neighbourhood.isdisjoint(item.event_ids):
                stored[item.id] = item
        diff = diff_feed(stored, expected)
        for item in diff.upserts:
            group.items[item.id] = item
            self.items_table[item.id] = item
        for item_id in diff.tombstones:
            group.items.pop(item_id, None)
            self.items_table.pop(item_id, None)
        if diff:
            self._save_group(event_type, group)
        return diff

    def _save_group(self, event_type: str, group: GroupCache) -> None:
        self.groups_table[event_type] = {
            "events": sorted(group.events),
            "items": sorted(group.items),
            "watermark": group.watermark.isoformat() if group.watermark else None,
        }
