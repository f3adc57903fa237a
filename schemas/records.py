"""Topic contracts: one pydantic v2 model per Kafka topic.

Every record carries ``schema_version`` and the id of the article it came from,
so a consumer can route, de-duplicate and reject records of a version it does
not know without reading anything else.  Records are closed
(``extra="forbid"``): a field that is not in the contract is an error, not a
silent passenger.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1

#: Largest article body accepted anywhere (characters).  Larger bodies are
#: dead-lettered: a news article is rarely above 100 kB, and an unbounded body
#: would let one record stall the NLP stage.
MAX_BODY_CHARS = 200_000


class PloverType(str, Enum):
    """PLOVER event categories (Halterman et al.)."""

    AGREE = "AGREE"
    CONSULT = "CONSULT"
    SUPPORT = "SUPPORT"
    CONCEDE = "CONCEDE"
    COOPERATE = "COOPERATE"
    AID = "AID"
    RETREAT = "RETREAT"
    REQUEST = "REQUEST"
    ACCUSE = "ACCUSE"
    REJECT = "REJECT"
    THREATEN = "THREATEN"
    PROTEST = "PROTEST"
    SANCTION = "SANCTION"
    MOBILIZE = "MOBILIZE"
    COERCE = "COERCE"
    ASSAULT = "ASSAULT"


class EventStatus(str, Enum):
    """Whether the coded action itself took place."""

    OCCURRED = "occurred"
    SCHEDULED = "scheduled"
    PROPOSED = "proposed"


EntityType = Literal["PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"]


class Contract(BaseModel):
    """Base of every topic record."""

    model_config = ConfigDict(extra="forbid", use_enum_values=False)

    schema_version: Literal[1] = SCHEMA_VERSION


class Span(BaseModel):
    """A piece of the article body with its character offsets."""

    model_config = ConfigDict(extra="forbid")

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Article(Contract):
    """``articles`` topic: one news article, parsed into fields.

    Fields the text does not give are ``None``; nothing is invented.  Version 2 added ``published``
    (the full stamp with its offset), ``published_source``, ``authors`` and ``format``; a version-1
    record is upgraded on read by :func:`upgrade_article_v1` (the new fields empty).
    """

    schema_version: Literal[2] = 2  # type: ignore[assignment]
    article_id: str = Field(min_length=8, max_length=64)
    title: str | None = None
    body: str = Field(min_length=1, max_length=MAX_BODY_CHARS)
    outlet: str | None = None
    published_date: dt.date | None = None
    published_time: dt.time | None = Field(
        default=None, description="Local clock time of publication, zone unknown unless stated."
    )
    dateline_place: str | None = None
    wire_sources: list[str] = Field(default_factory=list)
    captions: list[str] = Field(default_factory=list)
    related: list[str] = Field(default_factory=list)
    url: str | None = None
    language: str | None = None
    published: str | None = Field(
        default=None,
        max_length=40,
        pattern=r"^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?$",
        description="First publication as the source states it: ISO date or date-time, offset kept.",
    )
    published_source: str | None = Field(
        default=None,
        description="Where `published` came from: metadata, stamp, url, dateline, front_matter, text.",
    )
    authors: list[str] = Field(default_factory=list)
    retrieved_date: dt.date | None = Field(
        default=None,
        description="Day the file says it was fetched (a crawler's 'Scraped at'): never a publication date. "
        "Relative dates ('on Thursday') fall back to it when the article states no publication date "
        "and its own text names a day in the week before it.",
    )
    format: str | None = Field(
        default=None,
        description="Input format that yielded it: text, markdown, html, feed, json, json-feed, newsml-g2, "
        "newsml-1, nitf, sgml.",
    )
    source: str = Field(
        description="Where the article came from: file path, file:line, stdin:line, or path#n / url#n for "
        "the n-th item of a feed or multi-record input."
    )
    published_at: AwareDatetime = Field(description="When diplofeed published it onto Kafka (UTC).")


def upgrade_article_v1(record: dict[str, object]) -> dict[str, object]:
    """A version-1 ``articles`` record as version 2: v2 only added optional fields, so they stay empty."""
    if record.get("schema_version") != 1:
        return record
    return {**record, "schema_version": 2}


class ArticleRef(BaseModel):
    """The article a record was extracted from, as downstream consumers need it."""

    model_config = ConfigDict(extra="forbid")

    article_id: str
    title: str | None = None
    outlet: str | None = None
    published_date: dt.date | None = None
    reference_date: dt.date | None = Field(
        default=None,
        description="Day the article's relative dates were read against: its publication, else its "
        "retrieval day when the text dates the story in the week before it (Article.retrieved_date).",
    )
    url: str | None = None
    published_at: AwareDatetime | None = Field(
        default=None, description="When the article was published onto Kafka; drives end-to-end latency."
    )


class Entity(Contract):
    """``entities`` topic: one named entity of an article, its mentions merged."""

    id: str
    article_id: str
    name: str = Field(description="Canonical name: 'Vladimir Putin', 'United States'.")
    type: EntityType
    mentions: list[Span] = Field(default_factory=list)
    count: int = Field(ge=1)
    attributes: list[str] = Field(
        default_factory=list, description="Titles and roles: 'Kremlin spokesperson'."
    )
    country_code: str | None = Field(default=None, description="ISO 3166-1 alpha-3 for countries.")


class Quote(Contract):
    """``quotes`` topic: one direct quotation with its speaker."""

    id: str
    article_id: str
    text: str
    speaker: str | None = Field(description="Canonical speaker, or None when no speaker is findable.")
    cue: str | None = None
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class QuoteRef(BaseModel):
    """A quote as carried inside an event or a feed item."""

    model_config = ConfigDict(extra="forbid")

    quote_id: str
    article_id: str
    speaker: str | None
    text: str


class Event(Contract):
    """``events`` topic: one diplomatic event, PLOVER-typed.

    An event carries its article reference and the quotes of its actors from
    the same article, so the feed can be built from this topic alone.
    """

    id: str
    article_id: str
    type: PloverType
    mode: str | None = None
    actors: list[str] = Field(min_length=1)
    recipient: str | None = None
    location: str | None = None
    date: dt.date | None = None
    month: str | None = Field(
        default=None,
        pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
        description="YYYY-MM where the text fixes the month but no day ('talks planned for March'); "
        "None when ``date`` is given.",
    )
    time_utc: AwareDatetime | None = None
    status: EventStatus
    trigger: str | None = None
    evidence: Span
    confidence: float = Field(ge=0.0, le=1.0)
    article: ArticleRef
    quotes: list[QuoteRef] = Field(default_factory=list)


class FeedSource(BaseModel):
    """One article that reports a feed item."""

    model_config = ConfigDict(extra="forbid")

    article_id: str
    outlet: str | None = None
    title: str | None = None
    url: str | None = None
    published_date: dt.date | None = None
    published_at: AwareDatetime | None = None


class FeedReport(BaseModel):
    """One typed event an item holds: what one article reported, in its own words."""

    model_config = ConfigDict(extra="forbid")

    event_id: str
    article_id: str
    type: PloverType
    mode: str | None = None
    status: EventStatus
    date: dt.date | None = None
    trigger: str | None = None
    evidence: str = Field(description="The sentence that states the event.")
    outlet: str | None = None


class FeedItem(Contract):
    """``diplomatic-feed`` topic (compacted, keyed by item id): one real-world event.

    A ``None`` value on the topic (a tombstone) means the item left the feed.  Version 2 added
    ``types`` and ``reports`` (an occasion's typed events: talks and the agreement they reached);
    ``type`` stays the primary type that the headline names.
    """

    schema_version: Literal[2] = 2  # type: ignore[assignment]
    id: str
    article_ids: list[str] = Field(min_length=1)
    headline: str
    type: PloverType
    mode: str | None = None
    actors: list[str]
    recipient: str | None = None
    location: str | None = None
    date: dt.date | None = None
    month: str | None = Field(
        default=None,
        pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
        description="YYYY-MM of an item its reports date by month only.",
    )
    time_utc: AwareDatetime | None = None
    status: EventStatus
    sources: list[FeedSource]
    source_count: int = Field(ge=1, description="Independent outlets reporting the item.")
    quotes: list[QuoteRef] = Field(default_factory=list)
    event_ids: list[str] = Field(min_length=1)
    first_seen: AwareDatetime
    last_seen: AwareDatetime
    event_time: dt.datetime = Field(description="Time used by the rolling window: event time or publication.")
    types: list[PloverType] = Field(default_factory=list, description="Every type among the item's reports.")
    reports: list[FeedReport] = Field(default_factory=list, description="The events the item holds.")


class DeadLetter(Contract):
    """``dead-letters`` topic: an input that could not become a valid record."""

    article_id: str | None = Field(
        default=None, description="Article id when one could be derived, else None."
    )
    reason: str = Field(description="Human-readable reason.")
    error: str = Field(description="Stable machine code: invalid_json, missing_body, not_utf8, ...")
    stage: Literal["publish", "worker"]
    source: str = Field(description="file:line, stdin:line or topic/partition/offset.")
    raw_prefix: str = Field(description="The raw input, or its first bytes, decoded with replacement.")
    raw_size: int = Field(ge=0)
    raw_sha256: str
    at: AwareDatetime


__all__ = [
    "MAX_BODY_CHARS",
    "SCHEMA_VERSION",
    "Article",
    "ArticleRef",
    "Contract",
    "DeadLetter",
    "Entity",
    "EntityType",
    "Event",
    "EventStatus",
    "FeedItem",
    "FeedReport",
    "FeedSource",
    "PloverType",
    "Quote",
    "QuoteRef",
    "Span",
    "upgrade_article_v1",
]
