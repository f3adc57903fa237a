"""Rolling window over the feed: items whose event time falls behind the watermark leave it.

The watermark is the newest event time seen, each event's time being clamped
to its article's publication time: a call *scheduled* for next month, or a
mis-parsed year, must not push the watermark ahead and expire the whole feed.
Expiry is decided per item, never per event: dropping a whole cluster leaves
every other cluster of the greedy clustering unchanged (each other event chose
its cluster among candidates that still exist), so expiry never rewrites a
surviving item.  The sink should also ignore arriving events that are already
expired (``expired(event, watermark)``), or a late report would recreate a
tombstoned item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pipeline.feed.merge import EPOCH, FeedDiff, build_item, cluster_events, event_time
from schemas.records import Event, FeedItem

#: How far behind the watermark an item may be before it leaves the feed.
DEFAULT_HORIZON = dt.timedelta(days=7)


def _utc(when: dt.datetime) -> dt.datetime:
    """Naive datetimes are taken as UTC, so comparisons never raise."""
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def time_of(subject: FeedItem | Event | dt.datetime) -> dt.datetime:
    """Window time of an item (its ``event_time``), an event, or a plain datetime."""
    if isinstance(subject, FeedItem):
        return _utc(subject.event_time)
    if isinstance(subject, Event):
        return event_time(subject)
    return _utc(subject)


def expired(
    subject: FeedItem | Event | dt.datetime, watermark: dt.datetime, horizon: dt.timedelta = DEFAULT_HORIZON
) -> bool:
    """Whether ``subject`` is strictly older than ``watermark - horizon``."""
    return time_of(subject) < _utc(watermark) - horizon


def observed_time(event: Event) -> dt.datetime:
    """An event's contribution to the watermark: its time, never later than its publication."""
    when = event_time(event)
    published = event.article.published_at
    return min(when, published.astimezone(dt.UTC)) if published is not None else when


def advance_watermark(current: dt.datetime | None, events: Iterable[Event]) -> dt.datetime | None:
    """New watermark after seeing ``events``; never moves backwards."""
    times = [observed_time(e) for e in events]
    if current is not None:
        times.append(_utc(current))
    return max(times, default=None)


def watermark_of(events: Iterable[Event]) -> dt.datetime:
    """Watermark of a set of events (EPOCH when empty)."""
    return advance_watermark(None, events) or EPOCH


@dataclass(frozen=True)
class Expiry:
    """What leaving the window means for one type group."""

    #: Event ids to delete from the events table (and the actor index).
    drop_event_ids: frozenset[str]
    #: Item ids to publish as tombstones.
    tombstones: tuple[str, ...]

    def diff(self) -> FeedDiff:
        """The same as a FeedDiff, for a sink that publishes only diffs."""
        return FeedDiff(tombstones=self.tombstones)


def expire_group(
    type_events: Mapping[str, Event] | Iterable[Event],
    watermark: dt.datetime,
    horizon: dt.timedelta = DEFAULT_HORIZON,
) -> Expiry:
    """Events to drop and items to tombstone for one type group at ``watermark``.

    Reclusters the whole group (call it from a timer, not per event).
    """
    events = list(type_events.values()) if isinstance(type_events, Mapping) else list(type_events)
    drop: set[str] = set()
    tombstones: list[str] = []
    for cluster in cluster_events(events):
        item = build_item(cluster)
        if expired(item, watermark, horizon):
            drop.update(e.id for e in cluster)
            tombstones.append(item.id)
    return Expiry(drop_event_ids=frozenset(drop), tombstones=tuple(sorted(tombstones)))


__all__ = [
    "DEFAULT_HORIZON",
    "Expiry",
    "advance_watermark",
    "expire_group",
    "expired",
    "observed_time",
    "time_of",
    "watermark_of",
]
