"""What a reader asks of the feed: filters, sort and page size from a query string, and the glance.

One parser for ``/feed``, ``/feed.atom`` and the live page (the page copies its
own URL's query to ``/feed``), so a shared ``/live?...`` link and the feed it
shows can never disagree.  Text comparisons use the feed's own name key
(``norm_name``: case, accents and punctuation do not matter).
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from pipeline.feed.merge import norm_name as _norm_name
from schemas.records import EventStatus, FeedItem, PloverType

#: Sort orders, newest or largest first; the id breaks ties so input order never matters.
SORTS: dict[str, Callable[[FeedItem], tuple[Any, ...]]] = {
    "updated": lambda i: (facts(i).last_seen, facts(i).event_time, i.id),
    "date": lambda i: (facts(i).event_time, facts(i).last_seen, i.id),
    "sources": lambda i: (i.source_count, facts(i).last_seen, i.id),
}
DEFAULT_SORT = "updated"
MAX_LIMIT = 10_000
#: How many actor pairs and facet values the glance carries (the page needs the top, not the tail).
TOP_PAIRS = 8
TOP_ACTORS = 300
MAX_FILLED_DAYS = 366


#: Names repeat across items and requests: their comparison keys are computed once.
norm_name = functools.lru_cache(maxsize=1 << 16)(_norm_name)


def _utc(when: dt.datetime) -> dt.datetime:
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def event_day(item: FeedItem) -> dt.date:
    """The day an item happened on: the day of its window time (event time, else publication)."""
    return _utc(item.event_time).date()


@dataclass(frozen=True, slots=True)
class Facts:
    """What filters, sorts and the glance read of an item, derived once per item object."""

    event_time: dt.datetime
    last_seen: dt.datetime
    first_seen: dt.datetime
    day: dt.date
    names: dict[str, str]  # participants: comparison key -> name as first written
    pairs: tuple[tuple[str, str], ...]  # every two participants, by key
    outlets: dict[str, str]  # outlets: comparison key -> name as first written
    text: str


def _keyed(names: Iterable[str]) -> dict[str, str]:
    """Comparison key -> the name as first written, for non-empty keys."""
    keyed: dict[str, str] = {}
    for name in names:
        key = norm_name(name)
        if key:
            keyed.setdefault(key, name)
    return keyed


#: Facts by item object, held weakly: an item replaced in the feed view takes its facts with it.
_FACTS: dict[int, tuple[weakref.ref[FeedItem], Facts]] = {}


def facts(item: FeedItem) -> Facts:
    """The item's derived facts; cached by object (items are replaced, never changed, in the feed view)."""
    key = id(item)
    cached = _FACTS.get(key)
    if cached is not None and cached[0]() is item:
        return cached[1]
    names = _keyed(participants(item))
    derived = Facts(
        event_time=_utc(item.event_time),
        last_seen=_utc(item.last_seen),
        first_seen=_utc(item.first_seen),
        day=event_day(item),
        names=names,
        pairs=tuple(combinations(sorted(names), 2)),
        outlets=_keyed(s.outlet for s in item.sources if s.outlet),
        text=search_text(item),
    )
    _FACTS[key] = (weakref.ref(item, lambda ref: _forget(key, ref)), derived)
    return derived


def _forget(key: int, ref: weakref.ref[FeedItem]) -> None:
    entry = _FACTS.get(key)
    if entry is not None and entry[0] is ref:  # not a newer object that reused the id
        del _FACTS[key]


def _date(name: str, raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{name} must be a date (YYYY-MM-DD), got {raw[:40]!r}") from None


def _datetime(name: str, raw: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{name} must be an ISO 8601 date or date-time, got {raw[:40]!r}") from None
    return _utc(when)


def _count(name: str, raw: str, upper: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw[:40]!r}") from None
    if not 0 <= value <= upper:
        raise ValueError(f"{name} must be between 0 and {upper}, got {value}")
    return value


@dataclass(frozen=True)
class FeedQuery:
    """Filters (all must hold), a sort order and an optional page size; empty means everything."""

    terms: tuple[str, ...] = ()
    type: PloverType | None = None
    status: EventStatus | None = None
    actor: str | None = None
    partner: str | None = None  # ``with``: a second actor taking part (Russia with Ukraine)
    outlet: str | None = None
    min_sources: int = 0
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    since: dt.datetime | None = None
    sort: str = DEFAULT_SORT
    limit: int | None = None
    after: dt.datetime | None = None

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> FeedQuery:
        """From query parameters (unknown ones ignored); ValueError says what is wrong."""

        def get(name: str) -> str:
            return (params.get(name) or "").strip()

        type_, status, sort = get("type").upper(), get("status").lower(), get("sort") or DEFAULT_SORT
        if type_ and type_ not in PloverType.__members__:
            raise ValueError(f"type must be a PLOVER type, got {type_[:40]!r}")
        if status and status not in {s.value for s in EventStatus}:
            raise ValueError(f"status must be one of {', '.join(s.value for s in EventStatus)}")
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}, got {sort[:40]!r}")
        return cls(
            terms=tuple(norm_name(get("q")).split()),
            type=PloverType(type_) if type_ else None,
            status=EventStatus(status) if status else None,
            actor=norm_name(get("actor")) or None,
            partner=norm_name(get("with")) or None,
            outlet=norm_name(get("outlet")) or None,
            min_sources=_count("min_sources", get("min_sources"), 1000) if get("min_sources") else 0,
            date_from=_date("from", get("from")) if get("from") else None,
            date_to=_date("to", get("to")) if get("to") else None,
            since=_datetime("since", get("since")) if get("since") else None,
            sort=sort,
            limit=_count("limit", get("limit"), MAX_LIMIT) if get("limit") else None,
            after=_datetime("after", get("after")) if get("after") else None,
        )

    def matches(self, item: FeedItem) -> bool:
        if self.type is not None and item.type is not self.type and self.type not in item.types:
            return False
        if self.status is not None and item.status is not self.status:
            return False
        if item.source_count < self.min_sources:
            return False
        known = facts(item)
        if self.since is not None and known.last_seen < self.since:
            return False
        if (self.date_from and known.day < self.date_from) or (self.date_to and known.day > self.date_to):
            return False
        if self.actor is not None and self.actor not in known.names:
            return False
        if self.partner is not None and self.partner not in known.names:
            return False
        if self.outlet is not None and self.outlet not in known.outlets:
            return False
        return all(term in known.text for term in self.terms)

    def select(self, items: Iterable[FeedItem]) -> list[FeedItem]:
        """Matching items, in input order (the renderers sort and apply the page size)."""
        return [i for i in items if self.matches(i)]


def ordered(items: Iterable[FeedItem], sort: str = DEFAULT_SORT, limit: int | None = None) -> list[FeedItem]:
    """The first ``limit`` items (all if None) in the given order."""
    key = SORTS[sort]
    if limit is None:
        return sorted(items, key=key, reverse=True)
    return heapq.nlargest(limit, items, key=key)


def participants(item: FeedItem) -> list[str]:
    """Actors plus the recipient, as written."""
    return [*item.actors, *([item.recipient] if item.recipient else [])]


def search_text(item: FeedItem) -> str:
    """What free-text search looks in: headline, actors and every report's evidence, as one name key.

    Padded with spaces so a term matches at word starts as well as inside words.
    """
    parts = [item.headline, *participants(item), *(r.evidence for r in item.reports)]
    return " " + norm_name(" ".join(parts)) + " "


def filter_items(
    items: Iterable[FeedItem],
    actor: str | None = None,
    type: str | PloverType | None = None,
    since: dt.datetime | None = None,
) -> list[FeedItem]:
    """Items matching every given filter, in input order (canonical actor names, any case or accent)."""
    query = FeedQuery(
        actor=norm_name(actor) or None if actor else None,
        type=PloverType(type.value if isinstance(type, PloverType) else type.strip().upper())
        if type
        else None,
        since=_utc(since) if since else None,
    )
    return [item for item in items if query.matches(item)]


def _filled(by_day: dict[dt.date, Counter[str]]) -> list[dict[str, Any]]:
    """Every day from the first to the last (gaps drawn as empty days), each with its counts by type."""
    if not by_day:
        return []
    first, last = min(by_day), max(by_day)
    span = (last - first).days
    days = (
        [first + dt.timedelta(days=n) for n in range(span + 1)] if span < MAX_FILLED_DAYS else sorted(by_day)
    )
    return [{"day": d.isoformat(), "types": dict(by_day.get(d, Counter()).most_common())} for d in days]


def _ranked(counts: Counter[str], shown: dict[str, str], top: int | None) -> list[str]:
    ranked = sorted(counts, key=lambda k: (-counts[k], k))[:top]
    return sorted((shown[k] for k in ranked), key=norm_name)


def window_facets(window: list[FeedItem]) -> dict[str, list[str]]:
    """The window's actors (the most frequent) and outlets, for the page's suggestions."""
    actors: Counter[str] = Counter()
    outlets: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for item in window:
        known = facts(item)
        shown.update(known.names)
        shown.update(known.outlets)
        actors.update(known.names.keys())
        outlets.update(known.outlets.keys())
    return {"actors": _ranked(actors, shown, TOP_ACTORS), "outlets": _ranked(outlets, shown, None)}


def glance(
    selected: list[FeedItem],
    window: list[FeedItem],
    query: FeedQuery,
    facets: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """The selection at a glance (days by type, types, statuses, top actor pairs) plus the window's facets.

    ``new`` counts selected items first seen after ``query.after``: what a polling page announces.
    ``facets`` may be given when already known for this window (they do not depend on the query).
    """
    by_day: dict[dt.date, Counter[str]] = {}
    types: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    shown: dict[str, str] = {}
    latest: dt.datetime | None = None
    new = 0
    for item in selected:
        known = facts(item)
        type_ = item.type.value
        types[type_] += 1
        statuses[item.status.value] += 1
        day = by_day.get(known.day)
        if day is None:
            day = by_day[known.day] = Counter()
        day[type_] += 1
        if known.pairs:
            shown.update(known.names)
            pairs.update(known.pairs)
        seen = known.first_seen
        latest = seen if latest is None or seen > latest else latest
        new += query.after is not None and seen > query.after
    top = sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_PAIRS]
    summary: dict[str, Any] = {
        "total": len(selected),
        "window_total": len(window),
        "days": _filled(by_day),
        "types": dict(types.most_common()),
        "statuses": dict(statuses.most_common()),
        "pairs": [{"actors": [shown[a], shown[b]], "count": n} for (a, b), n in top],
        "latest": latest.isoformat().replace("+00:00", "Z") if latest else None,
        "facets": facets if facets is not None else window_facets(window),
    }
    if query.after is not None:
        summary["new"] = new
    return summary
