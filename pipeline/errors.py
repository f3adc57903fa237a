"""Why an input did not become a record: one rejection type, one list of error codes.

Ingestion, the worker's decoder, the extraction batch driver, dead letters and metrics all
speak :class:`Rejection` with an :class:`ErrorCode`; the metric labels and the README's list
are derived from the enum, so a new code is added in exactly one place.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from enum import StrEnum

from schemas import DeadLetter

#: Bytes of a rejected input kept verbatim in its dead letter (the hash covers all of it).
DEAD_LETTER_PREFIX_BYTES = 4096


class ErrorCode(StrEnum):
    """Stable machine codes of ``DeadLetter.error``."""

    # publisher (pipeline.ingest)
    BINARY = "binary"
    NOT_UTF8 = "not_utf8"
    INVALID_JSON = "invalid_json"
    NOT_AN_OBJECT = "not_an_object"
    INVALID_FIELD = "invalid_field"
    MISSING_BODY = "missing_body"
    EMPTY_BODY = "empty_body"
    BODY_TOO_LARGE = "body_too_large"
    INPUT_TOO_LARGE = "input_too_large"
    INVALID_XML = "invalid_xml"
    UNSAFE_XML = "unsafe_xml"
    INVALID_FEED = "invalid_feed"
    TOO_MANY_ITEMS = "too_many_items"
    UNSUPPORTED_FORMAT = "unsupported_format"
    TRUNCATED = "truncated"
    # worker
    INVALID_RECORD = "invalid_record"
    UNSUPPORTED_SCHEMA_VERSION = "unsupported_schema_version"
    PARSE_ERROR = "parse_error"
    EXTRACTION_ERROR = "extraction_error"
    FEED_ERROR = "feed_error"
    PUBLISH_ERROR = "publish_error"
    TIMEOUT = "timeout"


@dataclass(frozen=True)
class Rejection:
    """An input that cannot become a record, and why."""

    error: ErrorCode
    reason: str
    source: str = ""
    raw: bytes = b""

    def __post_init__(self) -> None:
        object.__setattr__(self, "error", ErrorCode(self.error))  # an unknown code is a bug: fail loudly

    def at(self, source: str, raw: bytes) -> Rejection:
        """The same rejection, located in another input."""
        return Rejection(self.error, self.reason, source, raw)

    def dead_letter(self, stage: str = "publish", article_id: str | None = None) -> DeadLetter:
        return dead_letter(
            self.raw,
            error=self.error,
            reason=self.reason,
            source=self.source,
            stage=stage,
            article_id=article_id,
        )


def dead_letter(
    raw: bytes, *, error: str, reason: str, source: str, stage: str, article_id: str | None = None
) -> DeadLetter:
    """A dead-letter record keeping a bounded prefix and the hash of the whole input."""
    return DeadLetter(
        article_id=article_id,
        reason=reason,
        error=str(ErrorCode(error)),
        stage=stage,  # type: ignore[arg-type]
        source=source,
        raw_prefix=raw[:DEAD_LETTER_PREFIX_BYTES].decode("utf-8", errors="replace"),
        raw_size=len(raw),
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        at=dt.datetime.now(dt.UTC),
    )
