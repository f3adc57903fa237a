"""The feed sink: applies routed events to per-event, per-block and per-item table records.

State layout (every record bounded, none lists a window):

* ``events``: event id -> Event, one record per event in the window;
* ``blocks``: block key -> ``{"ids": [...], "pages": n}`` -- the events that share one
  anchor + participant pair (``merge.blocking``) as signatures (id, day, report day, a hash of
  participants and mode: ``merge.signature``), in pages of at most ``PAGE_IDS`` entries
  (page 0 under the key itself, page k under ``key#k``); and ``@watermark/<partition>``;
* ``items``: item id -> FeedItem; its changelog IS the compacted ``diplomatic-feed`` topic.

An event costs reads of its block pages and of the candidates they list, and the
reclustering of its compatibility component (``merge.update_group``): work proportional to
the candidates it meets, never to the window.  The expiry index (item times per partition)
is memory only, rebuilt from the items table after a rebalance or restart.

Writes are ordered so that the event record comes last: an event whose record exists was
fully applied, and a replay of it only checks (``_repair``) what a crash may have cut short.
"""

from __future__ import annotations

import datetime as dt
import heapq
import logging
from collections.abc import Iterable, Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from pipeline.errors import ErrorCode, dead_letter
from pipeline.feed.merge import (
    FeedDiff,
    Signature,
    blocking,
    build_feed,
    diff_feed,
    may_meet,
    signature,
    update_group,
)
from pipeline.feed.route import partition_for
from pipeline.feed.window import advance_watermark, expired, time_of
from schemas import DeadLetter, Event, FeedItem

log = logging.getLogger(__name__)

#: Entries per block page: a page record stays under ~60 KB (an entry is under 120 bytes).
PAGE_IDS = 500
_WATERMARK = "@watermark/"


@dataclass(frozen=True)
class SinkResult:
    """What applying one event (or one expiry pass) did, for metrics and tests."""

    upserts: tuple[FeedItem, ...] = ()
    tombstones: tuple[str, ...] = ()
    merged: int = 0
    expired: int = 0
    duplicate: bool = False
    late: bool = False


@dataclass
class _Partition:
    """Memory-only view of one partition: watermark and an expiry heap of (time, item id)."""

    watermark: dt.datetime | None = None
    heap: list[tuple[dt.datetime, str]] = field(default_factory=list)
    live: dict[str, dt.datetime] = field(default_factory=dict)

    def track(self, item: FeedItem) -> None:
        when = time_of(item)
        self.live[item.id] = when
        heapq.heappush(self.heap, (when, item.id))

    def untrack(self, item_id: str) -> None:
        self.live.pop(item_id, None)


class _Window:
    """The events of a partition as ``update_group`` sees them: a mapping plus a candidate index."""

    def __init__(self, sink: FeedSink) -> None:
        self.sink = sink
        self.cache: dict[str, Event | None] = {}

    def get(self, event_id: str, default: Any = None) -> Event | None:
        if event_id not in self.cache:
            self.cache[event_id] = self.sink.events_table.get(event_id)
        found = self.cache[event_id]
        return found if found is not None else default

    def __getitem__(self, event_id: str) -> Event:
        found = self.get(event_id)
        if found is None:
            raise KeyError(event_id)
        return found

    def __contains__(self, event_id: object) -> bool:
        return isinstance(event_id, str) and self.get(event_id) is not None

    def candidates(self, event: Event) -> set[str]:
        """Ids sharing a block with ``event`` that may match it (``merge.may_meet``), its own excluded.

        Only these are read and decoded: a block's other entries cannot be compatible with it.
        """
        own = signature(event)
        found: set[str] = set()
        for key in blocking(event).keys:
            found.update(entry[0] for entry in self.sink.block_entries(key) if may_meet(own, entry))
        found.discard(event.id)
        return found


class FeedSink:
    """Applies events to the tables; one instance per worker, state per partition."""

    def __init__(
        self,
        events: MutableMapping[str, Any],
        blocks: MutableMapping[str, Any],
        items: MutableMapping[str, Any],
        horizon: dt.timedelta,
        partitions: int = 1,
    ) -> None:
        self.events_table = events
        self.blocks_table = blocks
        self.items_table = items
        self.horizon = horizon
        self.partitions = partitions
        self._partitions: dict[int, _Partition] = {}

    # ------------------------------------------------------------------ state

    def forget(self) -> None:
        """Drop memory-only state (partitions moved: the tables are the truth)."""
        self._partitions.clear()

    def live_items(self) -> int:
        """Items live in the partitions this sink has loaded."""
        return sum(len(p.live) for p in self._partitions.values())

    def watermark(self, partition: int) -> dt.datetime | None:
        return self._partition(partition).watermark

    def _partition(self, partition: int) -> _Partition:
        """A partition's memory-only state, loaded from the tables on first use.

        The expiry heap is rebuilt from the items whose anchor routes to ``partition``.  Called in
        that partition's context: the worker's RocksDB tables then answer reads from its store only
        (an item of another partition finds no event and is skipped).
        """
        state = self._partitions.get(partition)
        if state is not None:
            return state
        state = self._partitions[partition] = _Partition()
        stored = self.blocks_table.get(f"{_WATERMARK}{partition}")
        if stored:
            state.watermark = dt.datetime.fromisoformat(stored)
        for item in list(self.items_table.values()):
            if item is None:
                continue
            event = self.events_table.get(item.event_ids[0])
            if event is not None and self.partition_of(event) == partition:
                state.track(item)
        return state

    def partition_of(self, event: Event) -> int:
        """The partition ``route`` sends the event to (``partitions`` is the feed-events count)."""
        return partition_for(event, self.partitions)

    # ------------------------------------------------------------------ blocks

    def block_entries(self, key: str) -> Iterator[Signature]:
        """The signatures (``merge.signature``) of a block's events, page by page."""
        head = self.blocks_table.get(key)
        if not head:
            return
        for entry in head["ids"]:
            yield tuple(entry)  # type: ignore[misc]
        for page in range(1, head.get("pages", 1)):
            stored = self.blocks_table.get(f"{key}#{page}")
            if stored:
                for entry in stored["ids"]:
                    yield tuple(entry)  # type: ignore[misc]

    def block_ids(self, key: str) -> Iterator[str]:
        for entry in self.block_entries(key):
            yield entry[0]

    def _block_add(self, key: str, entry: Signature) -> None:
        """Add an entry to the first page with room (a new page when all are full); idempotent."""
        event_id = entry[0]
        head = self.blocks_table.get(key) or {"ids": [], "pages": 1}
        pages = head.get("pages", 1)
        records = [head] + [self.blocks_table.get(f"{key}#{p}") or {"ids": []} for p in range(1, pages)]
        if any(e[0] == event_id for r in records for e in r["ids"]):
            return
        for page, record in enumerate(records):
            if len(record["ids"]) < PAGE_IDS:
                ids = [*record["ids"], list(entry)]
                if page == 0:
                    self.blocks_table[key] = {"ids": ids, "pages": pages}
                else:
                    self.blocks_table[f"{key}#{page}"] = {"ids": ids}
                return
        self.blocks_table[f"{key}#{pages}"] = {"ids": [list(entry)]}  # the page first, then the head
        self.blocks_table[key] = {"ids": head["ids"], "pages": pages + 1}

    def _block_remove(self, key: str, event_ids: set[str]) -> None:
        head = self.blocks_table.get(key)
        if not head:
            return
        pages = head.get("pages", 1)
        total = 0
        for page in range(pages):
            name = key if page == 0 else f"{key}#{page}"
            record = head if page == 0 else self.blocks_table.get(name)
            if not record:
                continue
            kept = [e for e in record["ids"] if e[0] not in event_ids]
            total += len(kept)
            if len(kept) != len(record["ids"]):
                if page == 0:
                    head = {**head, "ids": kept}
                    self.blocks_table[key] = head
                else:
                    self.blocks_table[name] = {"ids": kept}
        if total == 0:
            for page in range(1, pages):
                self.blocks_table.pop(f"{key}#{page}", None)
            self.blocks_table.pop(key, None)

    # ------------------------------------------------------------------ apply

    def apply(self, event: Event, partition: int = 0) -> SinkResult:
        """Add one event routed to ``partition``: merge it, expire what left the window, write."""
        state = self._partition(partition)
        window = _Window(self)
        if window.get(event.id) is not None:
            # Event ids derive from the content: the same id is a replay.  A replay after a crash may
            # follow a half-written update, so the event's blocks and items are checked.
            repair = self._repair(window, event)
            return SinkResult(upserts=repair.upserts, tombstones=repair.tombstones, duplicate=not repair)
        watermark = advance_watermark(state.watermark, [event])
        assert watermark is not None
        if watermark != state.watermark:
            state.watermark = watermark
            self.blocks_table[f"{_WATERMARK}{partition}"] = watermark.isoformat()
        if expired(event, watermark, self.horizon):
            return SinkResult(late=True)

        change = update_group(window, upserts=[event], index=window.candidates)
        entry = signature(event)
        for key in blocking(event).keys:
            self._block_add(key, entry)
        self._write(change.diff, state)
        self.events_table[event.id] = event  # last: the record says the event was applied
        merged = int(any(len(i.event_ids) > 1 and event.id in i.event_ids for i in change.diff.upserts))
        swept = self.expire(partition)
        tombstones = tuple(sorted(set(change.diff.tombstones) | set(swept.tombstones)))
        upserts = tuple(i for i in change.diff.upserts if i.id not in swept.tombstones)
        return SinkResult(upserts=upserts, tombstones=tombstones, merged=merged, expired=swept.expired)

    def _write(self, diff: FeedDiff, state: _Partition) -> None:
        for item in diff.upserts:
            self.items_table[item.id] = item
            state.track(item)
        for item_id in diff.tombstones:
            self.items_table.pop(item_id, None)
            state.untrack(item_id)

    def expire(self, partition: int, watermark: dt.datetime | None = None) -> SinkResult:
        """Tombstone the partition's items behind ``watermark`` (default: its own) minus the horizon.

        Called after every event and from the worker's timer, so blocks and items that go quiet
        leave the feed too.  A whole cluster leaves at once, which changes no other cluster.
        """
        state = self._partition(partition)
        mark = max(filter(None, (watermark, state.watermark)), default=None)
        if mark is None:
            return SinkResult()
        gone: list[str] = []
        while state.heap and expired(state.heap[0][0], mark, self.horizon):
            when, item_id = heapq.heappop(state.heap)
            if state.live.get(item_id) != when:
                continue  # a stale heap entry: the item changed or left
            item = self.items_table.get(item_id)
            state.untrack(item_id)
            if item is None:
                continue
            self._drop_events(item.event_ids)
            self.items_table.pop(item_id, None)  # last: a crash before it leaves the item to expire again
            gone.append(item_id)
        return SinkResult(tombstones=tuple(sorted(gone)), expired=len(gone))

    def _drop_events(self, event_ids: Iterable[str]) -> None:
        by_block: dict[str, set[str]] = {}
        for event_id in event_ids:
            event = self.events_table.get(event_id)
            if event is None:
                continue
            for key in blocking(event).keys:
                by_block.setdefault(key, set()).add(event_id)
        for key, ids in sorted(by_block.items()):
            self._block_remove(key, ids)
        for event_id in event_ids:
            self.events_table.pop(event_id, None)

    def _repair(self, window: _Window, event: Event) -> FeedDiff:
        """Rewrite what a crash in the middle of ``apply`` left missing or stale; else write nothing.

        The event's component is reclustered (a deterministic function of its events); every item
        it should hold is compared with the table, and the items the component had *without* the
        event (what the crashed update was replacing) are tombstoned if they should be gone.
        """
        for key in blocking(event).keys:
            self._block_add(key, signature(event))  # a no-op when the entry is there
        without = update_group(window, removals=[event.id], index=window.candidates)
        neighbourhood = without.neighbourhood
        members = [window[i] for i in neighbourhood if i in window]
        expected = build_feed(members)
        before = build_feed(m for m in members if m.id != event.id)
        stored: dict[str, FeedItem] = {}
        for item_id in set(expected) | set(before):
            held = self.items_table.get(item_id)
            if held is not None:
                stored[item_id] = held
        diff = diff_feed(stored, expected)
        self._write(diff, self._partition(self.partition_of(event)))
        return diff


def apply_or_dead_letter(
    sink: FeedSink, event: Event, partition: int, source: str
) -> SinkResult | DeadLetter:
    """The sink's result for one event, or, when applying it fails (a table write refused, a bug),
    its dead letter (``feed_error``, stage ``worker``): one event must not stop the feed agent, and
    a failed event is kept where it can be replayed, not committed past unseen."""
    try:
        return sink.apply(event, partition)
    except Exception as error:
        log.exception("feed: event %s failed in partition %d", event.id, partition)
        return dead_letter(
            event.model_dump_json().encode(),
            error=ErrorCode.FEED_ERROR,
            reason=f"{type(error).__name__}: {error}"[:500],
            source=source,
            stage="worker",
            article_id=event.article_id,
        )
