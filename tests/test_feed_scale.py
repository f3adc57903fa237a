"""The feed at scale: occasions across types, routing, bounded records, expiry on a timer, feed types."""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

import pytest

from pipeline.config import DIPLOMATIC_TYPES, Settings
from pipeline.feed import merge
from pipeline.feed import sink as sink_module
from pipeline.feed.merge import MAX_ITEM_EVENTS, blocking, build_feed, compatible
from pipeline.feed.route import partition_for, reaches_feed, route_key
from pipeline.feed.sink import FeedSink
from schemas.records import ArticleRef, EventStatus, PloverType
from tests.test_feed_merge import ALL_EVENTS, UTC, D, _random_events, make_event

C, AG, CO, TH = PloverType.CONSULT, PloverType.AGREE, PloverType.COOPERATE, PloverType.THREATEN
FOREVER = dt.timedelta(days=3650)


DAY = D(2026, 2, 26)


def ref(n: int, day: dt.date = DAY, outlet: str | None = None) -> ArticleRef:
    return ArticleRef(
        article_id=f"{n:016d}",
        outlet=outlet or f"Outlet {n}",
        published_date=day,
        published_at=dt.datetime.combine(day, dt.time(12), tzinfo=UTC) + dt.timedelta(minutes=n),
    )


def tables() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    return {}, {}, {}


# --------------------------------------------------------------------------- one occasion, several types


def test_talks_and_the_exchange_they_reached_are_one_item_with_a_primary_type() -> None:
    day = D(2026, 2, 26)
    talks = make_event(ref(1), "talks", C, ["Russia", "Ukraine"], mode="in_person", date=day)
    exchange = make_event(ref(2), "swap", AG, ["Ukraine", "Russia"], mode="prisoner_exchange", date=day)
    also_talks = make_event(ref(3), "talks", C, ["Ukraine", "Russia"], mode="negotiation", date=day)
    assert compatible(talks, exchange)  # different types and modes, one occasion
    feed = build_feed([talks, exchange, also_talks])
    (item,) = feed.values()
    assert item.type is C and item.types == [C, AG]  # two outlets say talks, one says agreement
    assert {r.type for r in item.reports} == {C, AG} and len(item.reports) == 3
    assert item.headline.startswith("Russia and Ukraine held talks") or "held talks" in item.headline
    # one report each: the outcome wins the tie and names the headline
    (tied,) = build_feed([talks, exchange]).values()
    assert tied.type is AG and tied.types == [AG, C] and "agrees with" in tied.headline


def test_types_of_one_occasion_only_merge_on_the_same_day_with_the_same_parties() -> None:
    day = D(2026, 2, 26)
    talks = make_event(ref(1), "talks", C, ["Russia", "Ukraine"], date=day)
    threat = make_event(ref(2), "threat", TH, ["Russia", "Ukraine"], date=day)
    next_day = make_event(ref(3), "deal", AG, ["Russia", "Ukraine"], date=day + dt.timedelta(days=1))
    wider = make_event(ref(4), "deal", AG, ["Russia", "Ukraine", "United States"], date=day)
    undated = make_event(ref(5), "deal", AG, ["Russia", "Ukraine"])
    for other in (threat, next_day, wider, undated):
        assert not compatible(talks, other), other.id
    items = build_feed([talks, threat, next_day, wider, undated])
    assert len(items) == 4  # the undated deal, reported the next day, is that day's deal: modes both unstated
    assert sorted(sorted(item.event_ids) for item in items.values()) == sorted(
        [[talks.id], [threat.id], [next_day.id, undated.id], [wider.id]]
    )


# --------------------------------------------------------------------------- routing


def test_route_key_is_the_anchor_and_the_partition_is_stable() -> None:
    talks = make_event(ref(1), "talks", C, ["Russia", "Ukraine"], date=D(2026, 2, 26))
    swapped = make_event(ref(2), "deal", AG, ["Ukraine", "Russia"], date=D(2026, 2, 26))
    assert route_key(talks) == route_key(swapped) == blocking(talks).anchor
    assert partition_for(talks, 4) == partition_for(swapped, 4)
    assert partition_for(talks, 1) == 0
    people = [make_event(ref(n), "m", C, [f"Minister {n}", f"Envoy {n}"]) for n in range(40)]
    spread = {partition_for(e, 4) for e in people}
    assert spread == {0, 1, 2, 3}  # anchors spread over every partition, not one per type


@pytest.mark.parametrize("seed", range(4))
def test_partitioned_sink_equals_the_full_recompute_in_any_order(seed: int) -> None:
    rng = random.Random(seed)
    events = _random_events(rng, 60) + ALL_EVENTS
    expected = build_feed(events)
    for _ in range(2):
        rng.shuffle(events)
        events_t, blocks_t, items_t = tables()
        sink = FeedSink(events_t, blocks_t, items_t, FOREVER, partitions=4)
        for event in events:
            sink.apply(event, partition_for(event, 4))
        assert items_t == expected
        for event in events:  # replays are no-ops
            assert sink.apply(event, partition_for(event, 4)).duplicate
        assert items_t == expected


# --------------------------------------------------------------------------- bounded records


def test_block_records_are_paged_and_the_sink_still_agrees(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sink_module, "PAGE_IDS", 4)
    day = D(2026, 1, 5)
    events = [
        make_event(ref(n, day), f"m{n}", C, ["Lee Jae Myung", "Xi Jinping"], mode=f"mode{n % 5}", date=day)
        for n in range(23)
    ]
    events_t, blocks_t, items_t = tables()
    sink = FeedSink(events_t, blocks_t, items_t, FOREVER)
    for event in events:
        sink.apply(event)
    (key,) = blocking(events[0]).keys
    assert blocks_t[key]["pages"] == 6
    assert all(len(v["ids"]) <= 4 for k, v in blocks_t.items() if not k.startswith("@"))
    assert sorted(sink.block_ids(key)) == sorted(e.id for e in events)
    assert items_t == build_feed(events)


def test_an_item_record_is_bounded_however_many_outlets_report_it() -> None:
    day = D(2026, 1, 5)
    quotes = [(f"q{n}-{i}", "Xi Jinping", "word " * 60) for i in range(5) for n in range(1)]
    reports = [
        make_event(
            ref(n, day, outlet="An outlet with a rather long name " * 3),
            "summit",
            C,
            ["Lee Jae Myung", "Xi Jinping"],
            mode="in_person",
            date=day,
            quotes=[(f"{q}-{n}", s, t) for q, s, t in quotes],
        )
        for n in range(MAX_ITEM_EVENTS + 5)
    ]
    feed = build_feed(reports)
    assert sorted(len(i.event_ids) for i in feed.values()) == [5, MAX_ITEM_EVENTS]
    largest = max(len(i.model_dump_json()) for i in feed.values())
    assert largest < 100_000, largest


# --------------------------------------------------------------------------- expiry on a timer


def _two_partitions() -> tuple[Any, Any]:
    jan, feb = D(2026, 1, 1), D(2026, 2, 1)
    old = make_event(ref(1, jan), "talks", C, ["Lee Jae Myung", "Xi Jinping"], date=jan)
    old_too = make_event(ref(2, jan), "talks", C, ["Xi Jinping", "Lee Jae Myung"], date=jan)
    new = make_event(ref(3, feb), "talks", C, ["Vladimir Putin", "Donald Trump"], date=feb)
    return [old, old_too], new


def test_the_timer_expires_a_quiet_partition_against_the_newest_watermark() -> None:
    olds, new = _two_partitions()
    quiet, busy = partition_for(olds[0], 2), partition_for(new, 2)
    assert quiet != busy and partition_for(olds[1], 2) == quiet
    events_t, blocks_t, items_t = tables()
    sink = FeedSink(events_t, blocks_t, items_t, dt.timedelta(days=7), partitions=2)
    for event in olds:
        sink.apply(event, quiet)
    sink.apply(new, busy)  # another partition moves on a month; the first goes quiet
    (old_item,) = [i for i in items_t.values() if olds[0].id in i.event_ids]
    assert old_item.id in items_t  # per-event expiry only sweeps the partition that saw the event

    newest = sink.watermark(busy)
    result = sink.expire(quiet, newest)  # what the worker's timer does

    assert result.tombstones == (old_item.id,) and result.expired == 1
    assert old_item.id not in items_t and not any(e.id in events_t for e in olds)
    assert not any(k for k in blocks_t if not k.startswith("@") and "lee jae myung" in k)
    assert sink.expire(quiet, newest).expired == 0  # nothing left to do
    # after a restart the quiet partition's index is rebuilt in its own context
    restarted = FeedSink(events_t, blocks_t, items_t, dt.timedelta(days=7), partitions=2)
    assert restarted.watermark(busy) == newest and restarted.live_items() == 1


def test_the_expiry_index_is_rebuilt_from_the_tables_after_a_restart() -> None:
    olds, new = _two_partitions()
    events_t, blocks_t, items_t = tables()
    first = FeedSink(events_t, blocks_t, items_t, dt.timedelta(days=7))
    for event in olds:
        first.apply(event)
    restarted = FeedSink(events_t, blocks_t, items_t, dt.timedelta(days=7))
    assert restarted.watermark(0) == first.watermark(0) and restarted.live_items() == 1
    result = restarted.apply(new)
    assert result.expired == 1 and len(items_t) == 1


def test_a_late_event_is_ignored_and_does_not_revive_an_expired_item() -> None:
    olds, new = _two_partitions()
    events_t, blocks_t, items_t = tables()
    sink = FeedSink(events_t, blocks_t, items_t, dt.timedelta(days=7))
    sink.apply(new)
    assert sink.apply(olds[0]).late and len(items_t) == 1


# --------------------------------------------------------------------------- feed types


def test_feed_types_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert set(Settings().feed_types) == set(DIPLOMATIC_TYPES)
    assert PloverType.ASSAULT not in DIPLOMATIC_TYPES and len(DIPLOMATIC_TYPES) == 13
    monkeypatch.setenv("DIPLOFEED_FEED_TYPES", "consult, AGREE  threaten")
    chosen = Settings().feed_types
    assert chosen == (AG, C, TH)
    talks = make_event(ref(1), "talks", C, ["Russia", "Ukraine"])
    attack = make_event(ref(1), "attack", PloverType.ASSAULT, ["Russia", "Ukraine"])
    assert reaches_feed(talks, chosen) and not reaches_feed(attack, chosen)
    monkeypatch.setenv("DIPLOFEED_FEED_TYPES", "CONSULT BOMB")
    with pytest.raises(ValueError):
        Settings()


@pytest.mark.parametrize("seed", range(3))
def test_may_meet_never_rejects_a_compatible_pair(seed: int) -> None:
    """The block prefilter is a necessary condition: the sink skips only what cannot merge."""
    rng = random.Random(seed)
    events = _random_events(rng, 80) + ALL_EVENTS
    for a in events:
        for b in events:
            if a.id != b.id and compatible(a, b):
                assert merge.may_meet(merge.signature(a), merge.signature(b)), (a.id, b.id)


def test_merge_constants_bound_the_state() -> None:
    """The stated bounds (README): pages of ids, names per event, reports per item."""
    assert sink_module.PAGE_IDS * 64 < 100_000
    assert merge.MAX_BLOCK_NAMES * (merge.MAX_BLOCK_NAMES - 1) // 2 == 15
    entry = ["x" * 60, "2026-01-01", "2026-01-01", "0" * 12]
    assert len(json.dumps({"ids": [entry] * sink_module.PAGE_IDS, "pages": 9})) < 100_000
    assert EventStatus.OCCURRED  # the contract the sink reads


def test_transliteration_variants_of_a_name_meet() -> None:
    from pipeline.feed.merge import participant_key

    assert participant_key("Volodymyr Zelenskyy") == participant_key("Volodymyr Zelensky")
    assert participant_key("Zelenskiy") == participant_key("Zelensky")
    assert participant_key("Abdullah II") != participant_key("Abdullah I")  # short words keep letters
    call = make_event(ref(1), "call", C, ["Donald Trump", "Volodymyr Zelensky"], mode="phone", date=DAY)
    later = make_event(ref(2), "call", C, ["Volodymyr Zelenskyy", "Donald Trump"], mode="phone")
    assert compatible(call, later)


def test_countries_named_in_any_order_meet_and_added_people_keep_the_anchor() -> None:
    day = D(2026, 1, 23)
    orders = (["Russia", "Ukraine", "United States"], ["United States", "Ukraine", "Russia"])
    first, second = (
        make_event(ref(n, day), "talks", PloverType.CONSULT, actors, mode="multilateral", date=day)
        for n, actors in enumerate(orders, start=1)
    )
    assert blocking(first).anchor == blocking(second).anchor
    assert len(build_feed([first, second])) == 1
    pair = make_event(ref(3, day), "call", PloverType.CONSULT, ["Vladimir Putin", "Donald Trump"], date=day)
    more = make_event(
        ref(4, day),
        "call",
        PloverType.CONSULT,
        ["Vladimir Putin", "Donald Trump", "Volodymyr Zelensky"],
        date=day,
    )
    assert blocking(pair).anchor == blocking(more).anchor


# --------------------------------------------------------------------------- a failing event


class _FullDisk(dict[str, Any]):
    """A table whose store refuses writes, as RocksDB does on a full disk."""

    def __setitem__(self, key: str, value: Any) -> None:
        raise OSError(28, "No space left on device")


def test_an_event_the_sink_cannot_apply_becomes_a_dead_letter_and_the_next_one_goes_on() -> None:
    from pipeline.feed.sink import apply_or_dead_letter
    from schemas import DeadLetter

    talks = make_event(ref(1), "m1", C, ["Lee Jae Myung", "Xi Jinping"], date=DAY)
    events_t, blocks_t, items_t = tables()
    failing = FeedSink(_FullDisk(), blocks_t, items_t, FOREVER, partitions=4)
    result = apply_or_dead_letter(failing, talks, partition_for(talks, 4), "feed-events/2/17")
    assert isinstance(result, DeadLetter)
    assert (result.error, result.stage, result.source) == ("feed_error", "worker", "feed-events/2/17")
    assert "No space left on device" in result.reason and result.article_id == talks.article_id
    assert talks.id in result.raw_prefix  # the event itself is kept, to be replayed
    working = FeedSink(events_t, blocks_t, items_t, FOREVER, partitions=4)
    applied = apply_or_dead_letter(working, talks, partition_for(talks, 4), "feed-events/2/18")
    assert not isinstance(applied, DeadLetter) and applied.upserts
