"""Merge events that describe the same real-world event into feed items.

Everything here is a pure function of its arguments: the Faust sink keeps the
state (events per type, an actor index) and publishes what these functions
return.  Clustering is a deterministic function of the *set* of events, so the
feed does not depend on arrival order, and re-applying an event is a no-op.

Merge rule (``compatible``), all conditions symmetric:

* same PLOVER type; modes of one family when both are given (``MODE_FAMILIES``);
* participants (actors + recipient, compared case- and accent-insensitively)
  share at least ``min(2, smaller set size)`` names and at least half of the
  smaller set -- so Putin+Trump never joins Trump+Zelenskyy+NATO on one day;
* effective dates (``date``, else the UTC date of ``time_utc``) equal when both
  are dated.  An undated event is assumed to be close to its report: it joins a
  dated one only if it was published within ``UNDATED_WINDOW`` of that date, its
  participant set agrees exactly and its mode is compatible (one family, or one unstated);
  two undated events need reports within ``UNDATED_WINDOW`` of each other;
* months (a date's, else the ``month`` the text fixed) equal when both are known; two undated
  reports of one month merge at any distance, and an undated report that something happened,
  published before the other's month began, is not its event;
* times within ``TIME_TOLERANCE`` when both have ``time_utc``;
* statuses: equal, or scheduled~occurred (announced then held), or
  proposed~scheduled when both carry the same date; proposed never meets
  occurred;
* locations: either missing, equal, one inside the other (Istanbul in Turkey,
  via pycountry subdivisions and a small English exonym table), or -- failing
  that -- both dated with identical participant sets;
* two events of one article merge only when they are the same event reported
  twice: same participant set and same (possibly missing) date.

Clustering (``cluster_events``) is greedy complete-linkage over a canonical
order (dated events first, by date, time, then event id): an event joins the
best cluster all of whose members are compatible with it (closest date, then
largest actor overlap, then the older cluster), else opens a new one.  Because
the order is canonical and every tie is broken by data, the same set gives the
same clusters whatever the arrival order.  An event only ever looks at
clusters lying in its connected component of the compatibility graph, so the
clustering of a set is the union of the clusterings of its components: this is
what lets ``recluster_after`` recompute only the neighbourhood of new events
and still agree with a full recompute.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from pipeline.geography import countries_containing, countries_named
from schemas.records import Event, EventStatus, FeedItem, FeedReport, FeedSource, PloverType, QuoteRef

#: Two reports of the same event rarely disagree by more than this on its time.
TIME_TOLERANCE = dt.timedelta(hours=1)
#: How far an undated event may be from its report's date and still be matched.
UNDATED_WINDOW = dt.timedelta(days=2)
#: Most events (reports) one item holds: a full cluster takes no more, which bounds an item record.
MAX_ITEM_EVENTS = 100
#: Reports and quotes an item carries in full (the first by source order); ``event_ids`` lists all.
MAX_ITEM_REPORTS = 30
MAX_ITEM_QUOTES = 30
#: Longest evidence sentence a report carries.
MAX_EVIDENCE_CHARS = 400
#: Last-resort time for an item that carries no time at all (keeps output deterministic).
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

_STATUS_RANK = {EventStatus.PROPOSED: 0, EventStatus.SCHEDULED: 1, EventStatus.OCCURRED: 2}

# --------------------------------------------------------------------------- normalisation


#: Modes that describe the same kind of encounter as reported by different outlets
#: ("talks", "negotiations", "a meeting" of the same parties on the same day); a phone
#: call and a meeting stay different events.
MODE_FAMILIES: dict[str, str] = {
    "in_person": "meeting",
    "visit": "meeting",
    "multilateral": "meeting",
    "negotiation": "meeting",
    "summit": "meeting",
    "meeting": "meeting",
    "talks": "meeting",
    "phone": "remote",
    "video": "remote",
    "call": "remote",
}


def mode_family(mode: str | None) -> str:
    """The family a mode belongs to (``MODE_FAMILIES``), itself if it has none, "" when unstated."""
    if not mode:
        return ""
    key = norm_name(mode).replace(" ", "_")
    return MODE_FAMILIES.get(key, key)


def modes_compatible(a: str | None, b: str | None) -> bool:
    """Equal modes, a missing mode, or two modes of one family (see ``MODE_FAMILIES``)."""
    fa, fb = mode_family(a), mode_family(b)
    return not fa or not fb or fa == fb


@functools.lru_cache(maxsize=65536)
def norm_name(name: str) -> str:
    """Comparison key for a canonical name: accents, case and spacing do not matter."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # "J.D." and "JD" are one name: dots and apostrophes vanish, other punctuation separates words.
    joined = re.sub(r"[.'’]", "", stripped.casefold())
    cleaned = "".join(ch if ch.isalnum() else " " for ch in joined)
    return " ".join(cleaned.split())


_DOUBLED = re.compile(r"([a-z])\1+")
_FINAL_IY = re.compile(r"(?<=[a-z]{3})[iy]y\b")


@functools.lru_cache(maxsize=65536)
def participant_key(name: str) -> str:
    """``norm_name`` folded over transliteration variants: in words of four letters or more,
    doubled letters count once and a final -iy/-yy is -y ("Zelenskyy", "Zelenskiy", "Zelensky"),
    so outlets' spellings meet ("Lee", "II" stay as they are)."""
    tokens = norm_name(name).split()
    return " ".join(_FINAL_IY.sub("y", _DOUBLED.sub(r"\1", t)) if len(t) > 3 else t for t in tokens)


def participants(event: Event) -> frozenset[str]:
    """Normalised actors plus recipient: who takes part, whatever the role."""
    names = {participant_key(a) for a in event.actors}
    if event.recipient:
        names.add(participant_key(event.recipient))
    names.discard("")
    return frozenset(names)


def effective_date(event: Event) -> dt.date | None:
    """The event's date, else the UTC date of its time: what dates are compared on."""
    if event.date is not None:
        return event.date
    if event.time_utc is not None:
        return event.time_utc.astimezone(dt.UTC).date()
    return None


def event_month(event: Event) -> str | None:
    """'YYYY-MM' the event falls in: its date's month, else the month the text fixed, else None."""
    day = effective_date(event)
    return f"{day.year:04d}-{day.month:02d}" if day is not None else event.month


def report_date(event: Event) -> dt.date | None:
    """Date the reporting article was published, as the article states it (else the retrieval day
    its relative dates were read against, ``ArticleRef.reference_date``).

    Not the Kafka publish time: an article whose text gives no date says nothing about when its
    undated events happened, so they do not merge (thousands of undated reports of "X accuses Y"
    fed in one day are not one event, and such clusters made the sink's cost per event grow).
    """
    return event.article.published_date or event.article.reference_date


def event_time(event: Event) -> dt.datetime:
    """Time the rolling window uses: time_utc, else date 00:00 UTC, else the article's publication."""
    if event.time_utc is not None:
        return event.time_utc.astimezone(dt.UTC)
    day = effective_date(event)
    if day is not None:
        return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    # The article's own publication date before the Kafka publish time: an old article
    # published today must not look new to the rolling window.
    if event.article.published_date is not None:
        return dt.datetime.combine(event.article.published_date, dt.time(), tzinfo=dt.UTC)
    if event.article.published_at is not None:
        return event.article.published_at.astimezone(dt.UTC)
    return EPOCH


def canonical_key(event: Event) -> tuple[int, str, str, str]:
    """Total order on events (ids are unique): dated first, by date, time, then id."""
    day = effective_date(event)
    time = event.time_utc.astimezone(dt.UTC).isoformat() if event.time_utc else ""
    return (0 if day else 1, day.isoformat() if day else "", time, event.id)


# --------------------------------------------------------------------------- geography


def _location_parts(location: str) -> list[str]:
    """'Istanbul, Turkey' -> ['istanbul', 'turkey']: each part may match on its own."""
    return [p for p in (norm_name(x) for x in location.split(",")) if p]


def location_contains(outer: str, inner: str) -> bool:
    """Whether place ``inner`` lies inside country ``outer`` (or they are the same name)."""
    outer_parts, inner_parts = _location_parts(outer), _location_parts(inner)
    if set(outer_parts) & set(inner_parts):
        return True
    for o in outer_parts:
        codes = countries_named(o)
        if not codes:
            continue
        for i in inner_parts:
            if codes & (countries_containing(i) | countries_named(i)):
                return True
    return False


def locations_compatible(a: str | None, b: str | None) -> bool:
    """Missing, equal, or one inside the other (Istanbul ~ Turkey, Moscow ~ Russia)."""
    if not a or not b:
        return True
    return location_contains(a, b) or location_contains(b, a)


# --------------------------------------------------------------------------- blocking

#: Names of an event that its block keys are built from (the smallest by stable hash); pairs of
#: six names are fifteen keys, so an event's blocking cost is bounded whatever it lists.
MAX_BLOCK_NAMES = 6
#: Types one real-world occasion can carry in one item: talks and the agreement or the
#: cooperation (an exchange, a joint step) they produced.  Outlets type one occasion by
#: different verbs ("talks concluded with a prisoner exchange" / "talks"), never as a threat.
OCCASION_TYPES = frozenset({PloverType.CONSULT, PloverType.AGREE, PloverType.COOPERATE})
#: Primary type of an item whose reports are split evenly: the outcome before the talks.
_PRIMARY_RANK = {PloverType.AGREE: 0, PloverType.COOPERATE: 1, PloverType.CONSULT: 2}


def name_hash(name: str) -> int:
    """Stable 64-bit hash of a normalised name (Python's ``hash`` is salted per process)."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "big")


@dataclass(frozen=True)
class Blocking:
    """Where an event meets its candidates: its anchor (the repartition key) and its block keys."""

    anchor: str
    keys: frozenset[str]


def core(event: Event) -> frozenset[str]:
    """The first two participants (countries first, then actors in order and the recipient): who
    the report is about.

    Outlets add people at the end ("..., JD Vance and Marco Rubio") and rarely drop the first two;
    countries they list in any order ("Russia, Ukraine and the US" / "the US, Ukraine and Russia"),
    so countries come first in a fixed (hash) order and people keep the order the text gives.
    """
    names: list[str] = []
    for name in [*event.actors, event.recipient or ""]:
        key = participant_key(name)
        if key and key not in names:
            names.append(key)
    countries = sorted((n for n in names if countries_named(n)), key=lambda n: (name_hash(n), n))
    return frozenset([*countries, *(n for n in names if n not in countries)][:2])


@functools.lru_cache(maxsize=65536)
def blocking_of(names: frozenset[str], core: frozenset[str] | None = None) -> Blocking:
    """Anchor = the core participant with the smallest stable hash; keys = anchor + each pair of names.

    Two reports whose first two participants agree get the same anchor, whatever their type,
    wording, date or further names: the anchor routes them to one partition, and a shared pair
    key makes them candidates.  A one-participant report's only key is its name.
    """
    ordered = sorted(names, key=lambda n: (name_hash(n), n))[:MAX_BLOCK_NAMES]
    if not ordered:
        return Blocking(anchor="", keys=frozenset({""}))
    heads = sorted(core & names if core else names, key=lambda n: (name_hash(n), n)) or ordered
    anchor = heads[0]
    if anchor not in ordered:
        ordered = [anchor, *ordered[: MAX_BLOCK_NAMES - 1]]
    if len(ordered) == 1:
        return Blocking(anchor=anchor, keys=frozenset({anchor}))
    pairs = {f"{anchor}|{'|'.join(sorted((a, b)))}" for i, a in enumerate(ordered) for b in ordered[i + 1 :]}
    return Blocking(anchor=anchor, keys=frozenset(pairs))


def blocking(event: Event) -> Blocking:
    """The event's anchor and block keys (see ``blocking_of``)."""
    return blocking_of(participants(event), core(event))


def meet(a: Event, b: Event) -> bool:
    """Whether two events share an anchor and a block key: the precondition of every merge."""
    ba, bb = blocking(a), blocking(b)
    return ba.anchor == bb.anchor and not ba.keys.isdisjoint(bb.keys)


# --------------------------------------------------------------------------- compatibility


def _actors_overlap(pa: frozenset[str], pb: frozenset[str]) -> bool:
    shared = len(pa & pb)
    smaller = min(len(pa), len(pb))
    return smaller > 0 and shared >= min(2, smaller) and 2 * shared >= smaller


def _statuses_compatible(a: Event, b: Event) -> bool:
    statuses = {a.status, b.status}
    if len(statuses) == 1 or statuses == {EventStatus.SCHEDULED, EventStatus.OCCURRED}:
        return True
    if statuses == {EventStatus.PROPOSED, EventStatus.SCHEDULED}:
        return effective_date(a) is not None and effective_date(b) is not None
    return False


def _within(a: dt.date | None, b: dt.date | None, window: dt.timedelta) -> bool:
    return a is not None and b is not None and abs(a - b) <= window


def _same_mode(a: Event, b: Event) -> bool:
    return a.mode is not None and b.mode is not None and norm_name(a.mode) == norm_name(b.mode)


def _reported_in_time(undated: Event, day: dt.date) -> bool:
    """An undated report of something that happened comes after it; of a plan, before it.

    So "Trump and Putin met in Alaska" in a January article may be the August summit, but an
    occurred report published a week before a dated meeting cannot be that meeting.
    """
    report = report_date(undated)
    if report is None:
        return False
    if undated.status is EventStatus.OCCURRED:
        return report >= day - UNDATED_WINDOW
    return report <= day + UNDATED_WINDOW


def _reported_in_month(undated: Event, month: str) -> bool:
    """Whether an event with no time of its own can be the one another report puts in ``month``:
    what an article published before March reports as held is not a March meeting (the round
    just wrapped up is not the next one); a plan reported after the month is over is not its."""
    report = report_date(undated)
    if report is None:
        return True
    first = dt.date.fromisoformat(f"{month}-01")
    last = (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
    if undated.status is EventStatus.OCCURRED:
        return report >= first  # held, reported before the month began: an earlier meeting
    return report <= last + UNDATED_WINDOW


def _dates_compatible(a: Event, b: Event, pa: frozenset[str], pb: frozenset[str]) -> bool:
    """Dated: same day.  Undated: the same participants and mode at any distance (the rolling
    window bounds it), else reports within ``UNDATED_WINDOW`` of each other."""
    da, db = effective_date(a), effective_date(b)
    if da is not None and db is not None:
        return da == db
    if da is None and db is None:
        if a.month is not None and a.month == b.month:
            return True  # 'the next round, planned for March', however far apart the reports
        if (a.month is None) != (b.month is None):
            month, loose = (a.month, b) if a.month is not None else (b.month, a)
            assert month is not None
            if not _reported_in_month(loose, month):
                return False
        if pa == pb and _same_mode(a, b):
            return report_date(a) is not None and report_date(b) is not None
        return _within(report_date(a), report_date(b), UNDATED_WINDOW)
    dated, undated = (a, b) if da is not None else (b, a)
    day = effective_date(dated)
    assert day is not None
    # 'visited Cuba' and 'met in Havana on Monday': one kind of encounter, or one report names none
    return pa == pb and modes_compatible(dated.mode, undated.mode) and _reported_in_time(undated, day)


def _one_occasion(a: Event, b: Event, pa: frozenset[str], pb: frozenset[str]) -> bool:
    """Two types, one occasion: talks and what they reached, same day, same participants, same place."""
    if a.type not in OCCASION_TYPES or b.type not in OCCASION_TYPES:
        return False
    da = effective_date(a)
    if da is None or da != effective_date(b) or pa != pb:
        return False
    if a.time_utc is not None and b.time_utc is not None and abs(a.time_utc - b.time_utc) > TIME_TOLERANCE:
        return False
    return locations_compatible(a.location, b.location)


def compatible(a: Event, b: Event) -> bool:
    """Whether two events can be reports of the same real-world event (symmetric)."""
    if a.id == b.id:
        return True
    if not _statuses_compatible(a, b) or not meet(a, b):
        return False
    da, db = effective_date(a), effective_date(b)
    if da is not None and db is not None and da != db:
        return False
    ma, mb = event_month(a), event_month(b)
    if ma is not None and mb is not None and ma != mb:
        return False  # 'in March' is not a February meeting
    pa, pb = participants(a), participants(b)
    if a.type != b.type:
        return _one_occasion(a, b, pa, pb)
    if not modes_compatible(a.mode, b.mode):
        return False
    if not _actors_overlap(pa, pb) or not _dates_compatible(a, b, pa, pb):
        return False
    if a.time_utc is not None and b.time_utc is not None and abs(a.time_utc - b.time_utc) > TIME_TOLERANCE:
        return False
    if a.article_id == b.article_id and (pa != pb or da != db):
        return False
    if locations_compatible(a.location, b.location):
        return True
    return da is not None and pa == pb


#: A block entry: (event id, effective day, report day, exact key, month, party key, mode family)
#: -- what ``may_meet`` needs.  Entries written before months were kept have four fields, before
#: party keys were kept five.
Signature = tuple[str, ...]


def _short_hash(parts: list[str], size: int = 6) -> str:
    return hashlib.blake2b("|".join(parts).encode(), digest_size=size).hexdigest()


def signature(event: Event) -> Signature:
    """The few facts a block page keeps per event, so candidates that cannot match are not read.

    ``exact`` hashes the participant set and mode: undated reports merge at a distance only
    when both are equal (``_dates_compatible``), or when both fix the same month.  ``party``
    hashes the participant set alone and the mode family follows it: an undated report joins a
    dated one only with the same participants and a compatible mode.
    """
    day, report = effective_date(event), report_date(event)
    mode = norm_name(event.mode) if event.mode else ""
    parties = sorted(participants(event))
    return (
        event.id,
        day.isoformat() if day else "",
        report.isoformat() if report else "",
        _short_hash([*parties, mode]),
        event.month or "",
        _short_hash(parties, 4),
        mode_family(event.mode),
    )


def _signature_month(entry: Signature) -> str:
    """The month of an entry: its day's, else its own (older four-field entries: the day's only)."""
    return entry[1][:7] if entry[1] else (entry[4] if len(entry) > 4 else "")


def may_meet(a: Signature, b: Signature) -> bool:
    """A necessary condition of ``compatible`` on signatures alone (never false for a compatible pair)."""
    if a[1] and b[1]:
        return a[1] == b[1]
    ma, mb = _signature_month(a), _signature_month(b)
    if ma and mb and ma != mb:
        return False
    if not a[1] and not b[1] and ma and ma == mb:
        return True
    if a[3] == b[3] and (a[1] or b[1] or (a[2] and b[2])):
        return True
    if a[1] or b[1]:  # dated with undated: the same participants, compatible modes
        if len(a) < 7 or len(b) < 7 or a[5] != b[5]:
            return False  # (older entries: the same participants and mode, above)
        return not a[6] or not b[6] or a[6] == b[6]
    return (
        bool(a[2] and b[2])
        and abs(dt.date.fromisoformat(a[2]) - dt.date.fromisoformat(b[2])) <= UNDATED_WINDOW
    )


# --------------------------------------------------------------------------- clustering


def dedupe_events(events: Iterable[Event]) -> list[Event]:
    """One event per id; if two versions share an id the choice is by content, not order."""
    chosen: dict[str, tuple[str, Event]] = {}
    for event in events:
        dump = event.model_dump_json()
        held = chosen.get(event.id)
        if held is None or dump > held[0]:
            chosen[event.id] = (dump, event)
    return sorted((e for _, e in chosen.values()), key=canonical_key)


@dataclass
class _Cluster:
    index: int
    members: list[Event] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    dates: set[dt.date] = field(default_factory=set)
    reports: set[dt.date] = field(default_factory=set)

    def add(self, event: Event) -> None:
        self.members.append(event)
        self.names |= participants(event)
        day = effective_date(event)
        if day is not None:
            self.dates.add(day)
        report = report_date(event)
        if report is not None:
            self.reports.add(report)

    def score(self, event: Event) -> tuple[int, float, int]:
        """Lower is better: day distance, then actor overlap, then age."""
        day = effective_date(event)
        if day is not None:
            distance = min((abs((d - day).days) for d in self.dates), default=0)
        else:
            ref = report_date(event)
            pool = self.dates or self.reports
            distance = min((abs((d - ref).days) for d in pool), default=0) if ref else 0
            distance += 0 if self.dates else 1_000  # prefer a dated cluster for an undated event
        names = participants(event)
        jaccard = len(names & self.names) / len(names | self.names)
        return (distance, -jaccard, self.index)


def cluster_events(events: Iterable[Event]) -> list[list[Event]]:
    """Group events into real-world events; depends on the set of events only.

    Clusters come out in canonical order of their first member, members in
    canonical order.
    """
    clusters: list[_Cluster] = []
    # (name, date) -> clusters: a dated event can only join a cluster of its own date, and
    # dated events come first, so no undated-only cluster exists while they are placed.
    by_name: dict[tuple[str, dt.date | None], list[_Cluster]] = defaultdict(list)
    for event in dedupe_events(events):
        seen: set[int] = set()
        best: tuple[tuple[int, float, int], _Cluster] | None = None
        day = effective_date(event)
        for name in participants(event):
            for cluster in by_name[(name, day)]:
                if cluster.index in seen:
                    continue
                seen.add(cluster.index)
                if len(cluster.members) < MAX_ITEM_EVENTS and all(
                    compatible(event, m) for m in cluster.members
                ):
                    score = cluster.score(event)
                    if best is None or score < best[0]:
                        best = (score, cluster)
        if best is None:
            target = _Cluster(index=len(clusters))
            clusters.append(target)
        else:
            target = best[1]
        before = set(target.names)
        target.add(event)
        for name in target.names - before:
            by_name[(name, None)].append(target)
            for cluster_day in target.dates:
                by_name[(name, cluster_day)].append(target)
    return [c.members for c in clusters]


# --------------------------------------------------------------------------- items


def item_id(cluster: Iterable[Event]) -> str:
    """sha256 of the smallest event id, 16 hex chars.

    Stable while the cluster keeps its smallest event id; when a smaller one
    joins, the item gets a new id and the old one is tombstoned by the diff.
    """
    smallest = min(e.id for e in cluster)
    return hashlib.sha256(smallest.encode("utf-8")).hexdigest()[:16]


def _pick(values: Iterable[str | None]) -> str | None:
    """Most frequent non-empty value; ties go to the smallest, so order never matters."""
    counts = Counter(v for v in values if v)
    if not counts:
        return None
    return min(counts, key=lambda v: (-counts[v], v))


def _ordered_actors(events: list[Event]) -> list[str]:
    """Union of actors: most-reported first, then earliest position, then first event."""
    counts: Counter[str] = Counter()
    position: dict[str, tuple[int, int]] = {}
    spellings: dict[str, list[str]] = defaultdict(list)
    for idx, event in enumerate(events):
        seen_here: set[str] = set()
        for pos, actor in enumerate(event.actors):
            key = norm_name(actor)
            if not key:
                continue
            spellings[key].append(actor)
            if key not in seen_here:
                counts[key] += 1
                seen_here.add(key)
            position[key] = min(position.get(key, (pos, idx)), (pos, idx))
    order = sorted(counts, key=lambda k: (-counts[k], position[k], k))
    return [_pick(spellings[k]) or k for k in order]


def _pick_location(values: list[str]) -> str | None:
    """Most specific place named (Istanbul over Turkey), then most frequent."""
    counts = Counter(values)
    if not counts:
        return None

    def key(loc: str) -> tuple[int, int, str]:
        inside = sum(1 for other in counts if other != loc and location_contains(other, loc))
        return (-inside, -counts[loc], loc)

    return min(counts, key=key)


def _sources(events: list[Event]) -> list[FeedSource]:
    per_article: dict[str, FeedSource] = {}
    for event in events:
        ref = event.article
        source = FeedSource(
            article_id=event.article_id,
            outlet=ref.outlet,
            title=ref.title,
            url=ref.url,
            published_date=ref.published_date,
            published_at=ref.published_at,
        )
        held = per_article.get(event.article_id)
        if held is None or source.model_dump_json() < held.model_dump_json():
            per_article[event.article_id] = source

    def key(s: FeedSource) -> tuple[int, dt.datetime, str]:
        return (s.published_at is None, s.published_at or EPOCH, s.article_id)

    return sorted(per_article.values(), key=key)


def _source_count(sources: list[FeedSource]) -> int:
    outlets = {norm_name(s.outlet) for s in sources if s.outlet and norm_name(s.outlet)}
    anonymous = sum(1 for s in sources if not (s.outlet and norm_name(s.outlet)))
    return max(1, len(outlets) + anonymous)


def _quotes(events: list[Event], sources: list[FeedSource]) -> list[QuoteRef]:
    rank = {s.article_id: i for i, s in enumerate(sources)}
    seen: dict[str, tuple[int, int, QuoteRef]] = {}
    n = 0
    for event in events:
        for quote in event.quotes:
            if quote.quote_id not in seen:
                seen[quote.quote_id] = (rank.get(quote.article_id, len(rank)), n, quote)
                n += 1
    return [q for _, _, q in sorted(seen.values(), key=lambda t: (t[0], t[1]))]


def _publication_times(events: list[Event]) -> list[dt.datetime]:
    times = [e.article.published_at.astimezone(dt.UTC) for e in events if e.article.published_at]
    if times:
        return times
    days = [e.article.published_date for e in events if e.article.published_date]
    return [dt.datetime.combine(d, dt.time(), tzinfo=dt.UTC) for d in days]


def _join(names: list[str], limit: int = 4) -> str:
    if len(names) > limit:
        names = [*names[: limit - 1], f"{len(names) - limit + 1} others"]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


_NOUNS = {
    "phone": "phone call",
    "in_person": "meeting",
    "multilateral": "multilateral talks",
    "sanctions": "sanctions",
    "ceasefire": "a ceasefire",
    "military": "military action",
    "trade": "trade measures",
    "aid": "aid",
    "tariffs": "tariffs",
    "visit": "visit",
}

#: type -> (3rd person present, base form, preposition before the other party, default noun)
_VERBS: dict[PloverType, tuple[str, str, str, str]] = {
    PloverType.AGREE: ("agrees with", "agree with", "", ""),
    PloverType.SUPPORT: ("backs", "back", "", ""),
    PloverType.CONCEDE: ("makes concession to", "make concession to", "", ""),
    PloverType.COOPERATE: ("cooperates with", "cooperate with", "", ""),
    PloverType.AID: ("provides aid to", "provide aid to", "", ""),
    PloverType.RETREAT: ("pulls back from", "pull back from", "", ""),
    PloverType.REQUEST: ("calls for", "call for", "against", "action"),
    PloverType.ACCUSE: ("accuses", "accuse", "", ""),
    PloverType.REJECT: ("rejects", "reject", "from", "proposal"),
    PloverType.THREATEN: ("threatens", "threaten", "", ""),
    PloverType.PROTEST: ("protests against", "protest against", "", ""),
    PloverType.SANCTION: ("imposes sanctions on", "impose sanctions on", "", ""),
    PloverType.MOBILIZE: ("mobilizes against", "mobilize against", "", ""),
    PloverType.COERCE: ("coerces", "coerce", "", ""),
    PloverType.ASSAULT: ("attacks", "attack", "", ""),
}


def _noun(mode: str | None, default: str) -> str:
    if not mode:
        return default
    return _NOUNS.get(mode, mode.replace("_", " "))


def headline(
    type_: PloverType,
    mode: str | None,
    status: EventStatus,
    actors: list[str],
    recipient: str | None,
    location: str | None,
) -> str:
    """English headline from structure only, so it can't carry article markup or bias."""
    parties = list(actors) or ["Unknown actor"]
    if recipient and norm_name(recipient) not in {norm_name(a) for a in parties}:
        parties.append(recipient)
    where = f" in {location}" if location and mode != "phone" else ""
    if type_ is PloverType.CONSULT:
        noun = {"phone": "phone call", "multilateral": "talks"}.get(mode or "", "talks")
        if status is EventStatus.PROPOSED:
            proposal = "phone call" if mode == "phone" else "meeting"
            others = f" with {_join(parties[1:])}" if len(parties) > 1 else ""
            return f"{parties[0]} proposes {proposal}{others}{where}"
        verb = "to hold" if status is EventStatus.SCHEDULED else "held"
        return f"{_join(parties)} {verb} {noun}{where}"
    present, base, prep, default = _VERBS[type_]
    subject, others = parties[0], _join(parties[1:])
    verb = {EventStatus.OCCURRED: present, EventStatus.SCHEDULED: f"to {base}"}.get(status, f"may {base}")
    noun = _noun(mode, default)
    if type_ in (PloverType.REQUEST, PloverType.REJECT):
        tail = f"{noun} {prep} {others}" if others else noun
        return f"{subject} {verb} {tail}{where}".replace("  ", " ")
    if type_ is PloverType.THREATEN:
        obj = f"{others} with {noun}" if others and noun else others or noun or "action"
        return f"{subject} {verb} {obj}{where}"
    obj = f"{others} on {noun}" if others and noun else others or noun
    return f"{subject} {verb} {obj}{where}".strip()


def primary_type(events: list[Event]) -> PloverType:
    """The type most reports give (one vote per article); ties go to the outcome, then by name."""
    votes: Counter[PloverType] = Counter()
    for type_, _ in {(e.type, e.article_id) for e in events}:
        votes[type_] += 1
    return min(votes, key=lambda t: (-votes[t], _PRIMARY_RANK.get(t, 9), t.value))


def _reports(events: list[Event], sources: list[FeedSource]) -> list[FeedReport]:
    """One report per event, in source order: what each article said, in its own words."""
    rank = {s.article_id: i for i, s in enumerate(sources)}
    outlet = {s.article_id: s.outlet for s in sources}
    ordered = sorted(events, key=lambda e: (rank.get(e.article_id, len(rank)), e.id))
    return [
        FeedReport(
            event_id=e.id,
            article_id=e.article_id,
            type=e.type,
            mode=e.mode,
            status=e.status,
            date=effective_date(e),
            trigger=e.trigger,
            evidence=e.evidence.text[:MAX_EVIDENCE_CHARS],
            outlet=outlet.get(e.article_id),
        )
        for e in ordered
    ]


def build_item(cluster: list[Event]) -> FeedItem:
    """One feed item from one cluster; deterministic in the set of events."""
    events = dedupe_events(cluster)
    if not events:
        raise ValueError("build_item needs at least one event")
    primary = primary_type(events)
    headed = [e for e in events if e.type is primary]
    status = max((e.status for e in headed), key=_STATUS_RANK.__getitem__)
    actors = _ordered_actors(events)
    mode = _pick(e.mode for e in headed)
    recipient = _pick(e.recipient for e in events)
    location = _pick_location([e.location for e in events if e.location])
    dates = sorted({d for d in (effective_date(e) for e in events) if d is not None})
    times = Counter(e.time_utc.astimezone(dt.UTC) for e in events if e.time_utc is not None)
    time_utc = min(times, key=lambda t: (-times[t], t)) if times else None
    sources = _sources(events)
    published = _publication_times(events)
    if time_utc is not None:
        when = time_utc
    elif dates:
        when = dt.datetime.combine(dates[0], dt.time(), tzinfo=dt.UTC)
    else:
        days = sorted(e.article.published_date for e in events if e.article.published_date)
        when = (
            dt.datetime.combine(days[0], dt.time(), tzinfo=dt.UTC) if days else min(published, default=EPOCH)
        )
    return FeedItem(
        id=item_id(events),
        article_ids=[s.article_id for s in sources],
        headline=headline(primary, mode, status, actors, recipient, location),
        type=primary,
        mode=mode,
        actors=actors,
        recipient=recipient,
        location=location,
        date=dates[0] if dates else None,
        month=None if dates else _pick(e.month for e in events),
        time_utc=time_utc,
        status=status,
        sources=sources,
        source_count=_source_count(sources),
        quotes=_quotes(events, sources)[:MAX_ITEM_QUOTES],
        event_ids=sorted(e.id for e in events),
        types=sorted({e.type for e in events}, key=lambda t: (t is not primary, t.value)),
        reports=_reports(events, sources)[:MAX_ITEM_REPORTS],
        first_seen=min(published, default=when),
        last_seen=max(published, default=when),
        event_time=when,
    )


def build_feed(events: Iterable[Event]) -> dict[str, FeedItem]:
    """Full recompute: item id -> item for any set of events (all types)."""
    return {item.id: item for item in map(build_item, cluster_events(events))}


# --------------------------------------------------------------------------- diffs


@dataclass(frozen=True)
class FeedDiff:
    """What to publish on the compacted feed topic: upserts, then tombstones (None values)."""

    upserts: tuple[FeedItem, ...] = ()
    tombstones: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.upserts or self.tombstones)

    def records(self) -> Iterator[tuple[str, FeedItem | None]]:
        """(key, value) pairs in publish order; a None value is a tombstone."""
        for item in self.upserts:
            yield item.id, item
        for item_id_ in self.tombstones:
            yield item_id_, None


def diff_feed(old: Mapping[str, FeedItem], new: Mapping[str, FeedItem]) -> FeedDiff:
    """Items that are new or changed, and ids that left; sorted by id for stable output."""
    upserts = tuple(new[k] for k in sorted(new) if k not in old or old[k] != new[k])
    tombstones = tuple(k for k in sorted(old) if k not in new)
    return FeedDiff(upserts=upserts, tombstones=tombstones)


# --------------------------------------------------------------------------- incremental

#: normalised participant name -> ids of the events naming it (the sink keeps one per type).
ActorIndex = dict[str, set[str]]


def build_index(events: Iterable[Event]) -> ActorIndex:
    """Actor index over events, to find an event's possible partners without a full scan."""
    index: ActorIndex = defaultdict(set)
    for event in events:
        index_add(index, event)
    return index


def index_add(index: ActorIndex, event: Event) -> None:
    """Record ``event`` in the caller's index (mutates ``index`` only)."""
    for name in participants(event):
        index.setdefault(name, set()).add(event.id)


def index_remove(index: ActorIndex, event: Event) -> None:
    """Forget ``event`` in the caller's index (mutates ``index`` only)."""
    for name in participants(event):
        ids = index.get(name)
        if ids is not None:
            ids.discard(event.id)
            if not ids:
                del index[name]


@dataclass(frozen=True)
class Recluster:
    """Result of an incremental update of one type group."""

    diff: FeedDiff
    #: Items of the recomputed neighbourhood after the update (the others did not change).
    items: tuple[FeedItem, ...]
    #: Ids of the events whose clusters were recomputed.
    neighbourhood: frozenset[str]


def update_group(
    type_events: Mapping[str, Event],
    *,
    upserts: Iterable[Event] = (),
    removals: Iterable[str] = (),
    index: ActorIndex | Callable[[Event], Iterable[str]] | None = None,
) -> Recluster:
    """Items to publish when ``upserts`` are added and ``removals`` dropped from a set of events.

    ``type_events`` (and ``index``, if given) describe the set *before* the change and are not
    modified; ``index`` is an actor index or a function giving an event's candidate ids (the
    sink's block pages).  Only the union of the compatibility-graph components touching changed
    events (before or after) is reclustered, which by the decomposition property equals a full
    recompute.  An upsert equal to the stored event is ignored, so re-applying events yields an
    empty diff.
    """
    after: dict[str, Event | None] = {}
    for event in upserts:
        if type_events.get(event.id) != event:
            after[event.id] = event
    for event_id in removals:
        if event_id in type_events or event_id in after:
            after[event_id] = None
    if not after:
        return Recluster(diff=FeedDiff(), items=(), neighbourhood=frozenset())
    if index is None:
        index = build_index(type_events.values())
    local = build_index(e for e in after.values() if e is not None)
    lookup = index

    def candidates_of(event: Event) -> set[str]:
        found: set[str] = set()
        for name in participants(event):
            found |= local.get(name, set())
        if callable(lookup):
            found.update(lookup(event))
        else:
            for name in participants(event):
                found |= lookup.get(name, set())
        return found

    def versions(event_id: str) -> list[Event]:
        """Before and after versions: an edge in either graph links two events."""
        found = [type_events.get(event_id), after.get(event_id)]
        return [e for e in found if e is not None]

    seen = set(after)
    queue = list(after)
    while queue:
        current = versions(queue.pop())
        candidates: set[str] = set()
        for version in current:
            candidates |= candidates_of(version)
        for other_id in candidates - seen:
            others = versions(other_id)
            if any(compatible(x, y) for x in current for y in others):
                seen.add(other_id)
                queue.append(other_id)

    old_events = [type_events[i] for i in seen if i in type_events]
    new_events = [e for e in (after.get(i, type_events.get(i)) for i in seen) if e is not None]
    old_items = build_feed(old_events)
    new_items = build_feed(new_events)
    return Recluster(
        diff=diff_feed(old_items, new_items),
        items=tuple(new_items[k] for k in sorted(new_items)),
        neighbourhood=frozenset(seen),
    )


def recluster_after(
    new_events: list[Event], type_events: Mapping[str, Event], *, index: ActorIndex | None = None
) -> Recluster:
    """Add events to a type group; ``type_events`` is the group before them (id -> Event)."""
    return update_group(type_events, upserts=new_events, index=index)


__all__ = [
    "EPOCH",
    "TIME_TOLERANCE",
    "UNDATED_WINDOW",
    "ActorIndex",
    "FeedDiff",
    "Recluster",
    "build_feed",
    "build_index",
    "build_item",
    "canonical_key",
    "cluster_events",
    "compatible",
    "dedupe_events",
    "diff_feed",
    "effective_date",
    "event_time",
    "headline",
    "index_add",
    "index_remove",
    "item_id",
    "location_contains",
    "locations_compatible",
    "norm_name",
    "participants",
    "recluster_after",
    "report_date",
    "update_group",
]
