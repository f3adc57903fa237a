"""Topic contracts of diplofeed (pydantic v2 models), and nothing else."""

from schemas.records import (
    MAX_BODY_CHARS,
    SCHEMA_VERSION,
    Article,
    ArticleRef,
    Contract,
    DeadLetter,
    Entity,
    EntityType,
    Event,
    EventStatus,
    FeedItem,
    FeedSource,
    PloverType,
    Quote,
    QuoteRef,
    Span,
)

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
    "FeedSource",
    "PloverType",
    "Quote",
    "QuoteRef",
    "Span",
]
