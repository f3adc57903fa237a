"""Feed merging, order independence, incremental updates and the rolling window (pure, no Kafka).

The fixtures are the events hand-annotated in tests/gold.json for the two seed
articles of 2025-05-19 (teleSUR and ANI).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time

import pytest

from pipeline.feed.merge import (
    FeedDiff,
    blocking,
    build_feed,
    build_index,
    build_item,
    cluster_events,
    compatible,
    diff_feed,
    locations_compatible,
    may_meet,
    recluster_after,
    signature,
    update_group,
)
from pipeline.feed.window import (
    DEFAULT_HORIZON,
    advance_watermark,
    expire_group,
    expired,
    watermark_of,
)
from schemas.records import ArticleRef, Event, EventStatus, FeedItem, PloverType, QuoteRef, Span

UTC = dt.UTC
TELESUR = ArticleRef(
    article_id="c9dcb8726aa41838",
    title="Putin and Trump to hold 'very important conversation'",
    outlet="teleSUR",
    published_date=dt.date(2025, 5, 19),
    url="https://www.telesurenglish.net/putin-trump-call/",
    published_at=dt.datetime(2025, 5, 19, 8, 0, tzinfo=UTC),
)
ANI = ArticleRef(
    article_id="945e849477d99e4f",
    title="Trump to speak with Putin on phone today",
    outlet="ANI",
    published_date=dt.date(2025, 5, 19),
    url=None,
    published_at=dt.datetime(2025, 5, 19, 9, 30, tzinfo=UTC),
)


def make_event(
    article: ArticleRef,
    key: str,
    type_: PloverType,
    actors: list[str],
    *,
    mode: str | None = None,
    date: dt.date | None = None,
    month: str | None = None,
    time_utc: dt.datetime | None = None,
    status: EventStatus = EventStatus.OCCURRED,
    location: str | None = None,
    recipient: str | None = None,
    quotes: list[tuple[str, str | None, str]] = (),  # type: ignore[assignment]
) -> Event:
    """An Event as the NLP stage would emit it; the id is derived from article and key."""
    return Event(
        id=f"{article.article_id}-{key}",
        article_id=article.article_id,
        type=type_,
        mode=mode,
        actors=actors,
        recipient=recipient,
        location=location,
        date=date,
        month=month,
        time_utc=time_utc,
        status=status,
        trigger=None,
        evidence=Span(text=key, start=0, end=len(key)),
        confidence=0.9,
        article=article,
        quotes=[
            QuoteRef(quote_id=qid, article_id=article.article_id, speaker=speaker, text=text)
            for qid, speaker, text in quotes
        ],
    )


C, TH, RQ, SU = PloverType.CONSULT, PloverType.THREATEN, PloverType.REQUEST, PloverType.SUPPORT
D = dt.date
CALL_TIME = dt.datetime(2025, 5, 19, 14, 0, tzinfo=UTC)
PUTIN, TRUMP, ZEL = "Vladimir Putin", "Donald Trump", "Volodymyr Zelenskyy"
SCHEDULED, PROPOSED = EventStatus.SCHEDULED, EventStatus.PROPOSED

TELESUR_EVENTS = [
    make_event(
        TELESUR,
        "call-0519",
        C,
        [PUTIN, TRUMP],
        mode="phone",
        date=D(2025, 5, 19),
        time_utc=CALL_TIME,
        status=SCHEDULED,
        quotes=[("q-t-peskov", "Dmitry Peskov", "very important conversation")],
    ),
    make_event(
        TELESUR,
        "istanbul",
        C,
        ["Russia", "Ukraine"],
        mode="in_person",
        date=D(2025, 5, 16),
        location="Istanbul",
    ),
    make_event(
        TELESUR,
        "witkoff",
        C,
        ["Steve Witkoff", PUTIN],
        mode="in_person",
        date=D(2025, 4, 25),
        location="Moscow",
    ),
    make_event(
        TELESUR,
        "summit",
        C,
        [TRUMP, PUTIN],
        mode="in_person",
        status=PROPOSED,
        quotes=[("q-t-leavitt", "Karoline Leavitt", "open")],
    ),
    make_event(
        TELESUR,
        "threat",
        TH,
        ["United States", "Russia"],
        mode="sanctions",
        quotes=[("q-t-bessent", "Scott Bessent", "good faith")],
    ),
    make_event(
        TELESUR,
        "rome",
        C,
        [ZEL, "JD Vance", "Marco Rubio"],
        mode="in_person",
        date=D(2025, 5, 18),
        location="Rome",
        quotes=[("q-t-vance", "JD Vance", "move past the mistakes of the past")],
    ),
    make_event(
        TELESUR,
        "zel-sanctions",
        RQ,
        [ZEL, "Russia"],
        mode="sanctions",
        quotes=[("q-t-zel", ZEL, "We must pressure Russia until it is willing to stop the war")],
    ),
    make_event(TELESUR, "macron", SU, ["Emmanuel Macron", TRUMP], mode="ceasefire"),
    make_event(
        TELESUR,
        "europe",
        C,
        ["Germany", "France", "United Kingdom", "Italy", TRUMP],
        mode="multilateral",
        date=D(2025, 5, 19),
    ),
]
ANI_EVENTS = [
    make_event(
        ANI,
        "call-0519",
        C,
        [TRUMP, PUTIN],
        mode="phone",
        date=D(2025, 5, 19),
        time_utc=CALL_TIME,
        status=SCHEDULED,
        quotes=[("q-a-trump", TRUMP, "The subjects of the call will be ...")],
    ),
    make_event(
        ANI,
        "nato-calls",
        C,
        [TRUMP, ZEL, "France", "United Kingdom", "Germany", "Italy"],
        mode="phone",
        date=D(2025, 5, 19),
        status=SCHEDULED,
    ),
    make_event(
        ANI,
        "rome",
        C,
        ["JD Vance", ZEL],
        mode="in_person",
        date=D(2025, 5, 18),
        location="Rome",
        quotes=[("q-a-zel", ZEL, "Good meeting with JD Vance and Secretary of State Marco Rubio")],
    ),
    make_event(ANI, "call-0318", C, [PUTIN, TRUMP], mode="phone", date=D(2025, 3, 18)),
    make_event(ANI, "call-0212", C, [PUTIN, TRUMP], mode="phone", date=D(2025, 2, 12)),
    make_event(
        ANI, "istanbul", C, ["Ukraine", "Russia"], mode="in_person", date=D(2025, 5, 16), location="Turkey"
    ),
    make_event(ANI, "rubio-lavrov", C, ["Marco Rubio", "Sergey Lavrov"], mode="phone", date=D(2025, 5, 17)),
]
ALL_EVENTS = TELESUR_EVENTS + ANI_EVENTS
BY_KEY = {e.id: e for e in ALL_EVENTS}


def ev(article: ArticleRef, key: str) -> Event:
    return BY_KEY[f"{article.article_id}-{key}"]


def item_of(feed: dict[str, FeedItem], event: Event) -> FeedItem:
    (item,) = [i for i in feed.values() if event.id in i.event_ids]
    return item


def apply(published: dict[str, FeedItem], diff: FeedDiff) -> None:
    """What the compacted topic does with a diff."""
    for key, value in diff.records():
        if value is None:
            published.pop(key, None)
        else:
            published[key] = value


def incremental_feed(batches: list[list[Event]]) -> dict[str, FeedItem]:
    """Run the sink's loop: one event store (every type: occasions span types) + index, publishing diffs."""
    store: dict[str, Event] = {}
    index = build_index([])
    published: dict[str, FeedItem] = {}
    for batch in batches:
        result = recluster_after(batch, store, index=index)
        apply(published, result.diff)
        for event in batch:
            store[event.id] = event
            for name in build_index([event]):
                index.setdefault(name, set()).add(event.id)
    return published


# --------------------------------------------------------------------------- the real cases


def test_gold_cases_merge_into_one_item_with_two_sources() -> None:
    feed = build_feed(ALL_EVENTS)
    assert len(feed) == len(ALL_EVENTS) - 3

    call = item_of(feed, ev(TELESUR, "call-0519"))
    assert call.event_ids == sorted([ev(TELESUR, "call-0519").id, ev(ANI, "call-0519").id])
    assert [s.outlet for s in call.sources] == ["teleSUR", "ANI"]  # by published_at
    assert call.source_count == 2 and call.article_ids == [TELESUR.article_id, ANI.article_id]
    assert call.status is EventStatus.SCHEDULED and call.time_utc == CALL_TIME
    assert call.event_time == CALL_TIME
    assert call.headline in {
        f"{PUTIN} and {TRUMP} to hold phone call",
        f"{TRUMP} and {PUTIN} to hold phone call",
    }
    assert {q.quote_id for q in call.quotes} == {"q-t-peskov", "q-a-trump"}
    assert call.first_seen == TELESUR.published_at and call.last_seen == ANI.published_at

    talks = item_of(feed, ev(TELESUR, "istanbul"))
    assert talks is item_of(feed, ev(ANI, "istanbul")) and talks.source_count == 2
    assert talks.location == "Istanbul"  # the more specific place wins
    assert set(talks.actors) == {"Russia", "Ukraine"}
    assert talks.headline.endswith("held talks in Istanbul")

    rome = item_of(feed, ev(TELESUR, "rome"))
    assert rome is item_of(feed, ev(ANI, "rome")) and rome.source_count == 2
    assert (
        set(rome.actors[:2]) == {ZEL, "JD Vance"} and rome.actors[2] == "Marco Rubio"
    )  # most reported first
    assert rome.headline.endswith(", JD Vance and Marco Rubio held talks in Rome") or rome.headline.endswith(
        "Marco Rubio held talks in Rome"
    )
    assert rome.date == D(2025, 5, 18)
    assert rome.types == [C] and len(rome.reports) == 2
    assert {r.outlet for r in rome.reports} == {"teleSUR", "ANI"}


def test_gold_cases_that_must_stay_separate() -> None:
    feed = build_feed(ALL_EVENTS)
    separate = ["call-0318", "call-0212", "nato-calls", "rubio-lavrov"]
    items = {item_of(feed, ev(ANI, k)).id for k in separate}
    items |= {item_of(feed, ev(TELESUR, k)).id for k in ["summit", "europe", "witkoff", "call-0519"]}
    assert len(items) == 8
    for key in separate:
        assert item_of(feed, ev(ANI, key)).source_count == 1
    summit = item_of(feed, ev(TELESUR, "summit"))
    assert summit.headline == f"{TRUMP} proposes meeting with {PUTIN}"
    assert summit.status is EventStatus.PROPOSED and summit.date is None
    # undated: the article's own publication date, not the (possibly much later) Kafka publish time
    assert summit.event_time == dt.datetime.combine(TELESUR.published_date, dt.time(), tzinfo=dt.UTC)
    assert item_of(feed, ev(ANI, "call-0318")).headline.endswith("held phone call")


def test_headlines_of_other_types() -> None:
    feed = build_feed(ALL_EVENTS)
    assert item_of(feed, ev(TELESUR, "threat")).headline == "United States threatens Russia with sanctions"
    assert item_of(feed, ev(TELESUR, "zel-sanctions")).headline == f"{ZEL} calls for sanctions against Russia"
    assert item_of(feed, ev(TELESUR, "macron")).headline == f"Emmanuel Macron backs {TRUMP} on a ceasefire"


# --------------------------------------------------------------------------- compatibility rules


def test_compatible_is_symmetric_and_reflexive() -> None:
    for a, b in itertools.product(ALL_EVENTS, repeat=2):
        assert compatible(a, b) == compatible(b, a)
    assert all(compatible(e, e) for e in ALL_EVENTS)


def test_location_containment() -> None:
    assert locations_compatible("Istanbul", "Turkey")
    assert locations_compatible("Türkiye", "istanbul")
    assert locations_compatible("Moscow", "Russia")
    assert locations_compatible("Istanbul, Turkey", "Istanbul")
    assert locations_compatible(None, "Rome")
    assert not locations_compatible("Istanbul", "Moscow")
    assert not locations_compatible("Rome", "Turkey")


def test_time_tolerance_and_status_rules() -> None:
    base = ev(TELESUR, "call-0519")
    late = base.model_copy(
        update={"id": "x-late", "article_id": "x", "time_utc": CALL_TIME + dt.timedelta(hours=3)}
    )
    near = base.model_copy(
        update={"id": "x-near", "article_id": "x", "time_utc": CALL_TIME + dt.timedelta(minutes=40)}
    )
    done = base.model_copy(update={"id": "x-done", "article_id": "x", "status": EventStatus.OCCURRED})
    proposed = base.model_copy(update={"id": "x-prop", "article_id": "x", "status": PROPOSED})
    assert not compatible(base, late) and compatible(base, near)
    assert compatible(base, done)  # scheduled, then held
    assert compatible(base, proposed)  # proposed for the same date, then scheduled
    assert not compatible(done, proposed)  # proposed never meets occurred
    assert not compatible(ev(TELESUR, "summit"), base)  # undated proposal vs dated call


def test_same_article_merges_only_exact_repeats() -> None:
    first = ev(TELESUR, "rome")
    subset = first.model_copy(update={"id": first.id + "-b", "actors": ["JD Vance", ZEL]})
    repeat = first.model_copy(update={"id": first.id + "-c", "location": None})
    assert not compatible(first, subset)  # same article, different actor sets: two events
    assert compatible(first, repeat)  # same article, same actors and date: reported twice
    assert len(cluster_events([first, subset, repeat])) == 2


def test_undated_event_joins_nearby_dated_one_only() -> None:
    dated = ev(ANI, "call-0519")
    undated = dated.model_copy(
        update={
            "id": "u-1",
            "article_id": "u" * 16,
            "date": None,
            "time_utc": None,
            "status": EventStatus.OCCURRED,
        }
    )
    assert compatible(dated, undated)  # same actors, mode, reported the same day
    # an undated report of something that happened may mention an earlier one, but it joins the nearest
    assert compatible(ev(ANI, "call-0318"), undated)
    clusters = cluster_events([ev(ANI, "call-0318"), dated, undated])
    assert sorted(len(c) for c in clusters) == [1, 2]
    assert next(c for c in clusters if len(c) == 2)[0].id == dated.id
    # a plan reported after the day it names is not that day's event; an occurred report before it isn't
    plan = undated.model_copy(update={"status": EventStatus.SCHEDULED})
    assert not compatible(ev(ANI, "call-0318"), plan)
    later = dated.model_copy(update={"id": "later", "date": D(2025, 5, 30), "time_utc": None})
    assert not compatible(later, undated) and compatible(later, plan)


def test_undated_visit_joins_the_dated_meeting_of_its_parties() -> None:
    """'Obama's visit to Cuba' (undated) and 'Obama met Castro's government on Monday' (in person):
    one kind of encounter; a phone call is another, and the block prefilter lets the first pair meet."""
    dated = ev(ANI, "istanbul")  # in person, dated
    visit = dated.model_copy(
        update={"id": "u-visit", "article_id": "v" * 16, "date": None, "time_utc": None, "mode": "visit"}
    )
    call = visit.model_copy(update={"id": "u-call", "mode": "phone"})
    assert compatible(dated, visit) and not compatible(dated, call)
    assert may_meet(signature(dated), signature(visit)) and not may_meet(signature(dated), signature(call))
    assert len(cluster_events([dated, visit, call])) == 2


def test_reports_meet_through_the_anchor_of_their_first_two_participants() -> None:
    """The anchor (repartition key) is the smallest-hash name among the first two participants:
    a report that adds or leaves out later names keeps it, so it still merges; one whose first
    two names differ is routed elsewhere and cannot merge (README, "Merging at scale")."""
    rome, subset = ev(TELESUR, "rome"), ev(ANI, "rome")  # ANI leaves out Marco Rubio
    assert blocking(rome).anchor == blocking(subset).anchor
    assert compatible(rome, subset)
    rubio_first = rome.model_copy(
        update={"id": "x-rome", "article_id": "x" * 16, "actors": ["Marco Rubio", "JD Vance", ZEL]}
    )
    assert blocking(rubio_first).anchor == "marco rubio" != blocking(rome).anchor
    assert not compatible(rome, rubio_first)
    # every block key carries the anchor, and pairs are order-free
    assert all(key.startswith(blocking(rome).anchor + "|") for key in blocking(rome).keys)
    assert len(blocking(rome).keys) == 3 and len(blocking(subset).keys) == 1


# --------------------------------------------------------------------------- determinism


def test_every_arrival_order_gives_the_same_feed() -> None:
    expected = build_feed(ALL_EVENTS)
    rng = random.Random(20250519)
    for _ in range(200):
        shuffled = ALL_EVENTS[:]
        rng.shuffle(shuffled)
        assert build_feed(shuffled) == expected
    assert build_feed(reversed(ALL_EVENTS)) == expected


def test_all_permutations_of_the_merged_cases() -> None:
    group = [
        ev(TELESUR, "call-0519"),
        ev(ANI, "call-0519"),
        ev(ANI, "call-0318"),
        ev(TELESUR, "summit"),
        ev(ANI, "nato-calls"),
        ev(TELESUR, "europe"),
    ]
    expected = build_feed(group)
    for perm in itertools.permutations(group):
        assert build_feed(perm) == expected
        assert incremental_feed([[e] for e in perm]) == expected


def test_incremental_equals_full_recompute_for_any_order_and_batching() -> None:
    expected = build_feed(ALL_EVENTS)
    rng = random.Random(7)
    for _ in range(40):
        shuffled = ALL_EVENTS[:]
        rng.shuffle(shuffled)
        cuts = sorted(rng.sample(range(1, len(shuffled)), 4))
        batches = [shuffled[i:j] for i, j in zip([0, *cuts], [*cuts, len(shuffled)], strict=True)]
        assert incremental_feed(batches) == expected


def _random_events(rng: random.Random, n: int) -> list[Event]:
    names = ["A", "B", "C", "D", "E"]
    articles = [
        TELESUR.model_copy(
            update={
                "article_id": f"art{k:013d}",
                "outlet": f"o{k % 3}",
                "published_at": TELESUR.published_at + dt.timedelta(hours=k),
                "published_date": D(2025, 5, 19 + k // 24),
            }
        )
        for k in range(6)
    ]
    events = []
    for i in range(n):
        art = rng.choice(articles)
        day = rng.choice([None, D(2025, 5, 18), D(2025, 5, 19), D(2025, 5, 20)])
        events.append(
            make_event(
                art,
                f"r{i:04d}",
                rng.choice([C, TH]),
                rng.sample(names, rng.choice([1, 2, 2, 3])),
                mode=rng.choice([None, "phone", "in_person"]),
                date=day,
                month=None if day else rng.choice([None, None, "2025-05", "2025-06"]),
                time_utc=(
                    dt.datetime.combine(day, dt.time(rng.choice([9, 10, 14])), tzinfo=UTC)
                    if day and rng.random() < 0.3
                    else None
                ),
                status=rng.choice(list(EventStatus)),
                location=rng.choice([None, None, "Istanbul", "Turkey", "Rome"]),
            )
        )
    return events


@pytest.mark.parametrize("seed", range(12))
def test_random_sets_are_order_independent_and_incremental(seed: int) -> None:
    rng = random.Random(seed)
    events = _random_events(rng, 60)
    expected = build_feed(events)
    shuffled = events[:]
    rng.shuffle(shuffled)
    assert build_feed(shuffled) == expected
    assert incremental_feed([[e] for e in shuffled]) == expected
    # removals (e.g. expiry or a retracted event) also match a full recompute
    store = {e.id: e for e in events}
    gone = rng.sample(sorted(store), 15)
    published = dict(expected)
    apply(published, update_group(store, removals=gone).diff)
    assert published == build_feed(e for e in events if e.id not in gone)


# --------------------------------------------------------------------------- idempotence and updates


def test_reapplying_events_changes_nothing() -> None:
    store = {e.id: e for e in ALL_EVENTS}
    for event in ALL_EVENTS:
        result = recluster_after([event], store)
        assert not result.diff and result.diff == FeedDiff()
    assert not recluster_after(ALL_EVENTS, store).diff
    # a duplicate inside one batch is one event
    assert incremental_feed([ALL_EVENTS + ALL_EVENTS[:5], ALL_EVENTS]) == build_feed(ALL_EVENTS)
    # duplicated quote refs collapse to one
    doubled = ev(TELESUR, "threat").model_copy(update={"quotes": ev(TELESUR, "threat").quotes * 2})
    assert len(build_item([doubled]).quotes) == 1


def test_scheduled_call_moves_on_to_occurred() -> None:
    later = ArticleRef(
        article_id="zz00000000000001",
        outlet="Reuters",
        title="Putin and Trump spoke",
        published_date=D(2025, 5, 19),
        url="https://example.org/r",
        published_at=dt.datetime(2025, 5, 19, 17, 0, tzinfo=UTC),
    )
    held = make_event(
        later,
        "call",
        C,
        [TRUMP, PUTIN],
        mode="phone",
        date=D(2025, 5, 19),
        time_utc=CALL_TIME + dt.timedelta(minutes=5),
        status=EventStatus.OCCURRED,
    )
    store = {e.id: e for e in ALL_EVENTS}
    before = item_of(build_feed(ALL_EVENTS), ev(ANI, "call-0519"))
    result = recluster_after([held], store)
    assert result.diff.tombstones == () and len(result.diff.upserts) == 1
    (after,) = result.diff.upserts
    assert after.id == before.id  # the smallest event id did not change
    assert after.status is EventStatus.OCCURRED and after.headline.endswith("held phone call")
    assert after.source_count == 3 and after.last_seen == later.published_at
    assert after.time_utc == CALL_TIME  # most reported time wins


def test_item_id_changes_when_a_smaller_event_id_joins() -> None:
    early = ArticleRef(
        article_id="0000000000000001",
        outlet="TASS",
        published_date=D(2025, 5, 19),
        published_at=dt.datetime(2025, 5, 19, 7, 0, tzinfo=UTC),
    )
    extra = make_event(early, "call", C, [PUTIN, TRUMP], mode="phone", date=D(2025, 5, 19), status=SCHEDULED)
    store = {e.id: e for e in ALL_EVENTS}
    old = item_of(build_feed(ALL_EVENTS), ev(ANI, "call-0519"))
    diff = recluster_after([extra], store).diff
    assert diff.tombstones == (old.id,)
    (new,) = diff.upserts
    assert new.id != old.id and extra.id in new.event_ids and new.first_seen == early.published_at


def test_diff_feed() -> None:
    feed = build_feed(ALL_EVENTS)
    smaller = dict(list(feed.items())[:5])
    diff = diff_feed(smaller, feed)
    assert {i.id for i in diff.upserts} == set(feed) - set(smaller) and diff.tombstones == ()
    assert diff_feed(feed, smaller).tombstones == tuple(sorted(set(feed) - set(smaller)))
    assert not diff_feed(feed, dict(feed))


# --------------------------------------------------------------------------- rolling window


def test_watermark_is_clamped_to_publication() -> None:
    future = make_event(
        ANI, "future", C, [TRUMP, PUTIN], mode="in_person", date=D(2025, 9, 1), status=SCHEDULED
    )
    assert watermark_of([*ALL_EVENTS, future]) == ANI.published_at
    assert advance_watermark(ANI.published_at, [ev(ANI, "call-0212")]) == ANI.published_at  # never backwards


def test_expiry_drops_old_items_and_tombstones_them() -> None:
    watermark = watermark_of(ALL_EVENTS)
    feed = build_feed(ALL_EVENTS)
    dropped: set[str] = set()
    tombstones: list[str] = []
    for type_ in {e.type for e in ALL_EVENTS}:
        expiry = expire_group({e.id: e for e in ALL_EVENTS if e.type is type_}, watermark)
        dropped |= expiry.drop_event_ids
        tombstones += expiry.tombstones
        assert expiry.diff().tombstones == expiry.tombstones
    old_keys = {"call-0318", "call-0212"}
    assert dropped == {ev(ANI, k).id for k in old_keys} | {ev(TELESUR, "witkoff").id}
    assert sorted(tombstones) == sorted(item_of(feed, BY_KEY[i]).id for i in dropped)
    remaining = build_feed(e for e in ALL_EVENTS if e.id not in dropped)
    assert remaining == {k: v for k, v in feed.items() if k not in tombstones}  # nothing else changes
    assert all(not expired(i, watermark) for i in remaining.values())
    assert expired(ev(ANI, "call-0318"), watermark) and not expired(ev(ANI, "istanbul"), watermark)
    assert not expired(ev(ANI, "istanbul"), watermark, DEFAULT_HORIZON)
    assert expired(ev(ANI, "istanbul"), watermark, dt.timedelta(days=2))


# --------------------------------------------------------------------------- scale


def test_incremental_update_of_a_large_type_group_is_fast() -> None:
    rng = random.Random(1)
    people = [f"Leader {i}" for i in range(400)] + [TRUMP] * 40
    refs = [TELESUR.model_copy(update={"article_id": f"big{k:013d}"}) for k in range(500)]
    events = [
        make_event(
            rng.choice(refs),
            f"b{i:05d}",
            C,
            list(dict.fromkeys(rng.sample(people, 2))),
            mode=rng.choice(["phone", "in_person"]),
            date=D(2025, 5, 1) + dt.timedelta(days=rng.randrange(20)),
        )
        for i in range(5000)
    ]
    start = time.perf_counter()
    store = {e.id: e for e in events}
    index = build_index(events)
    full = time.perf_counter()
    clusters = cluster_events(events)
    full = time.perf_counter() - full
    new = make_event(refs[0], "new", C, [TRUMP, "Leader 3"], mode="phone", date=D(2025, 5, 10))
    tick = time.perf_counter()
    result = recluster_after([new], store, index=index)
    tick = time.perf_counter() - tick
    assert result.diff and len(result.neighbourhood) < 50
    assert sum(len(c) for c in clusters) == 5000
    assert tick < 1.0, f"incremental update took {tick:.2f}s"
    assert full < 30.0 and time.perf_counter() - start < 60.0


def test_mode_families_and_dotted_initials() -> None:
    from pipeline.feed.merge import modes_compatible, norm_name

    assert norm_name("J.D. Vance") == norm_name("JD Vance") == "jd vance"
    assert modes_compatible("negotiation", "in_person") and modes_compatible("multilateral", "visit")
    assert modes_compatible(None, "phone")
    assert not modes_compatible("phone", "in_person")


def test_reports_that_fix_the_same_month_merge_across_days_and_other_months_do_not() -> None:
    def art(n: int, day: dt.date) -> ArticleRef:
        return TELESUR.model_copy(update={"article_id": f"month{n:011d}", "published_date": day})

    parties = ["United States", "Russia", "Ukraine"]
    first = make_event(art(1, D(2026, 2, 17)), "next", C, parties, month="2026-03", status=SCHEDULED)
    later = make_event(art(2, D(2026, 2, 27)), "new", C, parties[::-1], month="2026-03", status=SCHEDULED)
    april = make_event(art(3, D(2026, 2, 27)), "april", C, parties, month="2026-04", status=SCHEDULED)
    held_feb = make_event(art(4, D(2026, 2, 18)), "held", C, parties, date=D(2026, 2, 17))
    held_jan = make_event(art(5, D(2026, 1, 23)), "jan", C, parties)  # undated, reported as held in January
    assert compatible(first, later)  # ten days apart, one month fixed by both
    assert not compatible(first, april) and not compatible(first, held_feb)
    assert not compatible(first, held_jan)  # held before March began: not the March round
    # reported as held two days before March: the round just wrapped up, not the next one
    held_late_feb = make_event(art(6, D(2026, 2, 27)), "wrapped", C, parties[:2])
    assert not compatible(first, held_late_feb) and not compatible(later, held_late_feb)
    item = build_item([first, later])
    assert item.month == "2026-03" and item.date is None and len(item.sources) == 2
    from pipeline.serving.render import content_text

    assert "When: March 2026" in content_text(item)
    clusters = cluster_events([first, later, april, held_feb, held_jan])
    assert sorted(len(c) for c in clusters) == [1, 1, 1, 2]
