"""The sink repairs the half-written updates a killed worker leaves, and a plain replay writes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pipeline.feed.sink import FeedSink
from schemas.records import ArticleRef
from tests.test_feed_merge import ALL_EVENTS, PUTIN, SCHEDULED, TRUMP, UTC, C, D, make_event

HORIZON = dt.timedelta(days=3650)
EARLY = ArticleRef(
    article_id="0000000000000001",
    outlet="TASS",
    published_date=D(2025, 5, 19),
    published_at=dt.datetime(2025, 5, 19, 7, 0, tzinfo=UTC),
)
# joins the Putin-Trump call with a smaller event id, so the call's item changes id
EXTRA = make_event(EARLY, "call", C, [PUTIN, TRUMP], mode="phone", date=D(2025, 5, 19), status=SCHEDULED)


def _tables() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    return {}, {}, {}


def _fed(*events: Any) -> tuple[FeedSink, tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    tables = _tables()
    sink = FeedSink(*tables, horizon=HORIZON)
    for event in events:
        sink.apply(event)
    return sink, tables


def test_a_plain_replay_writes_nothing() -> None:
    sink, (_, _, items) = _fed(*ALL_EVENTS, EXTRA)
    before = dict(items)
    for event in [*ALL_EVENTS, EXTRA]:
        result = sink.apply(event)
        assert result.duplicate and not result.upserts and not result.tombstones
    assert items == before


def test_replay_after_a_crash_restores_the_lost_upsert_and_tombstone() -> None:
    _, (_, _, clean_items) = _fed(*ALL_EVENTS, EXTRA)
    _, (events, blocks, items) = _fed(*ALL_EVENTS)
    old_ids = set(items)
    sink = FeedSink(events, blocks, items, horizon=HORIZON)
    sink.apply(EXTRA)
    new_id = (set(items) - old_ids).pop()
    old_id = (old_ids - set(items)).pop()
    # the kill: the group and window writes reached Kafka, the item upsert and tombstone did not
    items[old_id] = _fed(*ALL_EVENTS)[1][2][old_id]
    del items[new_id]

    restarted = FeedSink(events, blocks, items, horizon=HORIZON)  # cache rebuilt from the tables
    result = restarted.apply(EXTRA)  # the record is delivered again: its offset was never committed

    assert not result.duplicate
    assert [item.id for item in result.upserts] == [new_id] and result.tombstones == (old_id,)
    assert items == clean_items
    assert restarted.apply(EXTRA).duplicate  # repaired: the next replay is a no-op again


def test_an_orphan_item_the_group_no_longer_lists_is_tombstoned() -> None:
    _, (_, _, clean_items) = _fed(*ALL_EVENTS, EXTRA)
    _, (events, blocks, items) = _fed(*ALL_EVENTS)
    old_ids = set(items)
    FeedSink(events, blocks, items, horizon=HORIZON).apply(EXTRA)
    (old_id,) = old_ids - set(items)
    items[old_id] = _fed(*ALL_EVENTS)[1][2][old_id]  # only the tombstone was lost
    assert old_id not in str(blocks)  # no block record lists items: nothing else says it is stale

    result = FeedSink(events, blocks, items, horizon=HORIZON).apply(EXTRA)

    assert result.tombstones == (old_id,) and not result.upserts
    assert items == clean_items


class BytesKeyTable(dict[bytes, Any]):
    """Like the worker's RocksDB table: str keys in, bytes keys back when iterated."""

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key.encode() if isinstance(key, str) else key, value)

    def __getitem__(self, key: Any) -> Any:
        return super().__getitem__(key.encode() if isinstance(key, str) else key)

    def get(self, key: Any, default: Any = None) -> Any:
        return super().get(key.encode() if isinstance(key, str) else key, default)

    def pop(self, key: Any, *default: Any) -> Any:
        return super().pop(key.encode() if isinstance(key, str) else key, *default)


def test_replay_with_bytes_keyed_tables_keeps_every_item() -> None:
    tables = (BytesKeyTable(), BytesKeyTable(), BytesKeyTable())
    sink = FeedSink(*tables, horizon=HORIZON)
    for event in ALL_EVENTS:
        sink.apply(event)
    before = dict(tables[2])
    for event in ALL_EVENTS:
        assert sink.apply(event).duplicate
    assert tables[2] == before and len(before) > 3
