"""Feed items for the page tests and screenshots, written for this project (no third-party text).

``desk_items()`` is a small, varied week of events (several types, outlets,
statuses, reports with evidence and triggers, quotes); ``bulk_items(n)`` is a
large window for the render-time check, made deterministically.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from schemas.records import EventStatus, FeedItem, FeedReport, FeedSource, PloverType, QuoteRef

UTC = dt.UTC
DAY0 = dt.datetime(2025, 5, 13, tzinfo=UTC)


def source(
    key: str, outlet: str | None, title: str | None, *, day: int, hour: int, url: bool = True
) -> FeedSource:
    when = DAY0 + dt.timedelta(days=day, hours=hour)
    slug = (title or key).lower().replace(" ", "-")[:40]
    return FeedSource(
        article_id=key,
        outlet=outlet,
        title=title,
        url=f"https://{(outlet or 'news').lower().replace(' ', '')}.example/{slug}" if url else None,
        published_date=when.date(),
        published_at=when,
    )


def report(
    item_key: str,
    src: FeedSource,
    type_: PloverType,
    evidence: str,
    trigger: str | None,
    *,
    status: EventStatus = EventStatus.OCCURRED,
    mode: str | None = None,
    n: int = 0,
) -> FeedReport:
    return FeedReport(
        event_id=f"{item_key}-e{n}",
        article_id=src.article_id,
        type=type_,
        mode=mode,
        status=status,
        date=src.published_date,
        trigger=trigger,
        evidence=evidence,
        outlet=src.outlet,
    )


def item(
    key: str,
    headline: str,
    type_: PloverType,
    actors: list[str],
    sources: list[FeedSource],
    *,
    day: int,
    hour: int = 9,
    status: EventStatus = EventStatus.OCCURRED,
    reports: Sequence[FeedReport] = (),
    quotes: Sequence[tuple[str | None, str]] = (),
    updated_hours: int = 0,
    **fields: object,
) -> FeedItem:
    when = DAY0 + dt.timedelta(days=day, hours=hour)
    return FeedItem(
        id=key,
        article_ids=[s.article_id for s in sources],
        headline=headline,
        type=type_,
        actors=actors,
        status=status,
        sources=sources,
        source_count=len({s.outlet or s.article_id for s in sources}),
        quotes=[
            QuoteRef(quote_id=f"{key}-q{i}", article_id=sources[0].article_id, speaker=speaker, text=text)
            for i, (speaker, text) in enumerate(quotes)
        ],
        event_ids=[r.event_id for r in reports] or [f"{key}-e0"],
        first_seen=when,
        last_seen=when + dt.timedelta(hours=updated_hours),
        event_time=when,
        types=[type_, *sorted({r.type for r in reports} - {type_}, key=lambda t: t.value)],
        reports=list(reports),
        date=when.date(),
        **fields,  # type: ignore[arg-type]
    )


def desk_items() -> list[FeedItem]:
    """A week of invented events across types, outlets and statuses."""
    a1 = source("a1000000000000a1", "Harbour Times", "Foreign ministers meet in Valletta", day=0, hour=8)
    a2 = source(
        "a2000000000000a2", "Capital Wire", "Valletta talks end with a joint statement", day=0, hour=15
    )
    a3 = source("a3000000000000a3", "Northern Post", "Ministers agree on ferry corridor", day=1, hour=7)
    b1 = source(
        "b1000000000000b1", "Capital Wire", "Arland accuses Borovia of border incursion", day=1, hour=10
    )
    c1 = source("c1000000000000c1", "Harbour Times", "Union widens sanctions on Borovia", day=2, hour=9)
    c2 = source("c2000000000000c2", "Evening Ledger", None, day=2, hour=12, url=False)
    d1 = source("d1000000000000d1", "Northern Post", "Leaders to speak by phone on Friday", day=3, hour=6)
    e1 = source("e1000000000000e1", "Evening Ledger", "Relief convoy reaches the coast", day=4, hour=11)
    e2 = source("e2000000000000e2", "Capital Wire", "Aid convoy arrives", day=4, hour=13)
    f1 = source("f1000000000000f1", "Harbour Times", "Borovia threatens to close the strait", day=5, hour=9)
    g1 = source("g1000000000000g1", "Northern Post", "Ceasefire proposal tabled in Geneva", day=6, hour=8)
    g2 = source("g2000000000000g2", "Capital Wire", "Mediators propose a ceasefire", day=6, hour=10)
    g3 = source("g3000000000000g3", "Evening Ledger", "Geneva: a ceasefire plan on the table", day=6, hour=14)
    return [
        item(
            "1a2b3c4d5e6f7081",
            "Arland and Corvia hold talks in Valletta",
            PloverType.CONSULT,
            ["Arland", "Corvia"],
            [a1, a2, a3],
            day=0,
            mode="in_person",
            location="Valletta",
            updated_hours=23,
            reports=[
                report(
                    "1a2b",
                    a1,
                    PloverType.CONSULT,
                    "The foreign ministers of Arland and Corvia held talks in Valletta on Tuesday.",
                    "held talks",
                    mode="in_person",
                ),
                report(
                    "1a2b",
                    a2,
                    PloverType.CONSULT,
                    "Talks between Arland and Corvia ended with a joint statement.",
                    "Talks",
                    n=1,
                ),
                report(
                    "1a2b",
                    a3,
                    PloverType.AGREE,
                    "The two ministers agreed to open a ferry corridor.",
                    "agreed",
                    n=2,
                ),
            ],
            quotes=[
                ("Mira Holt", "We found more common ground than either side expected"),
                ("Tomas Ferrer", "The corridor will open before the summer"),
            ],
        ),
        item(
            "2b3c4d5e6f708192",
            "Arland accuses Borovia of a border incursion",
            PloverType.ACCUSE,
            ["Arland", "Borovia"],
            [b1],
            day=1,
            hour=10,
            reports=[
                report(
                    "2b3c",
                    b1,
                    PloverType.ACCUSE,
                    "Arland accused Borovia of sending troops across the border overnight.",
                    "accused",
                )
            ],
            quotes=[("Arland defence ministry", "This was a deliberate provocation")],
        ),
        item(
            "3c4d5e6f70819203",
            "Northern Union sanctions Borovia",
            PloverType.SANCTION,
            ["Northern Union", "Borovia"],
            [c1, c2],
            day=2,
            reports=[
                report(
                    "3c4d",
                    c1,
                    PloverType.SANCTION,
                    "The Northern Union imposed new sanctions on Borovian banks.",
                    "imposed new sanctions",
                )
            ],
        ),
        item(
            "4d5e6f7081920314",
            "Arland and Borovia leaders to speak by phone",
            PloverType.CONSULT,
            ["Arland", "Borovia"],
            [d1],
            day=3,
            hour=6,
            status=EventStatus.SCHEDULED,
            mode="phone",
            reports=[
                report(
                    "4d5e",
                    d1,
                    PloverType.CONSULT,
                    "The two leaders will speak by phone on Friday, officials said.",
                    "speak by phone",
                    status=EventStatus.SCHEDULED,
                    mode="phone",
                )
            ],
        ),
        item(
            "5e6f708192031425",
            "Corvia sends aid to the coast of Arland",
            PloverType.AID,
            ["Corvia", "Arland"],
            [e1, e2],
            day=4,
            hour=11,
            location="Port Rell",
            reports=[
                report(
                    "5e6f",
                    e1,
                    PloverType.AID,
                    "A Corvian relief convoy reached Port Rell with food and medicine.",
                    "relief convoy",
                )
            ],
        ),
        item(
            "6f70819203142536",
            "Borovia threatens to close the strait",
            PloverType.THREATEN,
            ["Borovia", "Northern Union"],
            [f1],
            day=5,
            reports=[
                report(
                    "6f70",
                    f1,
                    PloverType.THREATEN,
                    "Borovia threatened to close the strait to Union shipping.",
                    "threatened",
                )
            ],
            quotes=[("Borovian foreign ministry", "All options remain on the table")],
        ),
        item(
            "708192031425364a",
            "Mediators propose a ceasefire between Arland and Borovia",
            PloverType.REQUEST,
            ["Arland", "Borovia"],
            [g1, g2, g3],
            day=6,
            status=EventStatus.PROPOSED,
            location="Geneva",
            reports=[
                report(
                    "7081",
                    g1,
                    PloverType.REQUEST,
                    "Mediators in Geneva proposed a ceasefire between Arland and Borovia.",
                    "proposed a ceasefire",
                    status=EventStatus.PROPOSED,
                )
            ],
        ),
    ]


ACTORS = [
    "Arland", "Borovia", "Corvia", "Northern Union", "Delmar", "Estria", "Fennick", "Galdor", "Hestia",
    "Ivoria", "Mira Holt", "Tomas Ferrer", "Ana Lind", "Karel Novak",
]  # fmt: skip
OUTLETS = [
    "Harbour Times",
    "Capital Wire",
    "Northern Post",
    "Evening Ledger",
    "Morning Star Wire",
    "Coast Radio",
]


def bulk_items(count: int, *, seed: int = 14) -> list[FeedItem]:
    """``count`` items over seven days, every type, one to four outlets each, with reports and quotes."""
    rng = random.Random(seed)
    types = list(PloverType)
    items = []
    for n in range(count):
        actors = rng.sample(ACTORS, 2)
        type_ = types[n % len(types)]
        minute = rng.randrange(7 * 24 * 60)
        day, hour = divmod(minute // 60, 24)
        sources = [
            source(f"{n:012x}{k:04x}", outlet, f"{actors[0]} and {actors[1]}: report {n}", day=day, hour=hour)
            for k, outlet in enumerate(rng.sample(OUTLETS, rng.randint(1, 4)))
        ]
        verb = type_.value.lower()
        items.append(
            item(
                f"{n:016x}",
                f"{actors[0]} and {actors[1]}: {verb} event number {n}",
                type_,
                actors,
                sources,
                day=day,
                hour=hour,
                status=rng.choice(list(EventStatus)),
                reports=[
                    report(
                        f"{n:x}", sources[0], type_, f"{actors[0]} and {actors[1]} {verb} (event {n}).", verb
                    )
                ],
                quotes=[(actors[0], f"Statement number {n} on the matter")] if n % 3 == 0 else [],
            )
        )
    return items
