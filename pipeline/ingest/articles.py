"""Turning raw input (any registered format) into validated ``Article`` records, or rejections.

Every failure is a :class:`Rejection` with a stable error code and a reason a
person can act on; the caller dead-letters it.  Nothing here talks to Kafka.
The format registry (:mod:`pipeline.ingest.formats`) reads the input into drafts;
:func:`article_from_draft` applies the shared metadata rules and the contract.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from pipeline.errors import Rejection
from pipeline.ingest.decoding import decode_text
from pipeline.ingest.formats import Limits, detect
from pipeline.ingest.metadata import Draft, finish, squash
from pipeline.ingest.raw_text import RawFields
from schemas import Article

__all__ = ["JSON_FIELDS", "article_from_bytes", "article_from_draft", "articles_from_bytes", "decode_text"]

JSON_FIELDS = {"body", "title", "outlet", "published", "url", "language", "text"}


def normalise_for_id(text: str) -> str:
    """Case-, accent-, punctuation- and whitespace-insensitive form of a text."""
    folded = unicodedata.normalize("NFKD", text).casefold()
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(re.findall(r"\w+", folded))


def article_id_for(outlet: str | None, title: str | None, body: str) -> str:
    """Stable article id: the same article from the same outlet always gets the same key."""
    material = "\n".join(
        [normalise_for_id(outlet or ""), normalise_for_id(title or ""), normalise_for_id(body)]
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:20]


def article_from_fields(
    fields: RawFields, *, source: str, published_at: dt.datetime | None = None, max_body_chars: int
) -> Article | Rejection:
    """Validate parsed fields into an ``Article``."""
    raw = fields.body.encode("utf-8", errors="replace")
    if len(fields.body) > max_body_chars:
        return Rejection(
            "body_too_large",
            f"body has {len(fields.body)} characters, over the limit of {max_body_chars}",
            source,
            raw,
        )
    try:
        return Article(
            article_id=article_id_for(fields.outlet, fields.title, fields.body),
            title=fields.title,
            body=fields.body,
            outlet=fields.outlet,
            published_date=fields.published_date,
            published_time=fields.published_time,
            dateline_place=fields.dateline_place,
            wire_sources=list(fields.wire_sources),
            captions=list(fields.captions),
            related=list(fields.related),
            source=source,
            published_at=published_at or dt.datetime.now(dt.UTC),
        )
    except ValidationError as error:
        return Rejection("invalid_field", _validation_reason(error), source, raw)


def article_from_draft(
    draft: Draft, *, source: str, published_at: dt.datetime | None = None, max_body_chars: int
) -> Article | Rejection:
    """A format's draft as an ``Article``: the shared metadata rules, then the contract."""
    body = draft.body.strip()
    raw = body.encode("utf-8", errors="replace")
    if not body:
        return Rejection("empty_body", "the article has no body text", source, raw)
    if len(body) > max_body_chars:
        return Rejection(
            "body_too_large",
            f"body has {len(body)} characters, over the limit of {max_body_chars}",
            source,
            raw,
        )
    done = finish(draft)
    try:
        return Article(
            article_id=article_id_for(done.outlet, done.title, body),
            title=done.title,
            body=body,
            outlet=done.outlet,
            published_date=done.published_date,
            published_time=done.published_time,
            published=done.published,
            published_source=done.published_source,
            dateline_place=draft.dateline_place,
            wire_sources=list(draft.wire_sources),
            captions=list(draft.captions),
            related=list(draft.related),
            url=squash(draft.url),
            language=squash(draft.language),
            authors=[name for name in (squash(a) for a in draft.authors) if name],
            format=draft.format,
            source=source,
            published_at=published_at or dt.datetime.now(dt.UTC),
        )
    except ValidationError as error:
        return Rejection("invalid_field", _validation_reason(error), source, raw)


def articles_from_bytes(
    raw: bytes,
    source: str,
    *,
    published_at: dt.datetime | None = None,
    max_body_chars: int = 200_000,
    max_items: int = 10_000,
) -> Iterator[Article | Rejection]:
    """Every article of one input, in document order; items of a multi-article input are ``source#n``."""
    if b"\x00" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        yield Rejection("binary", "input contains NUL bytes: binary data, not an article", source, raw)
        return
    fmt = detect(raw, source)
    results = list(
        _bounded(fmt.parse(raw, Limits(max_items=max_items, max_body_chars=max_body_chars)), max_items)
    )
    multi = len(results) > 1
    for index, result in enumerate(results, start=1):
        where = f"{source}#{index}" if multi else source
        if isinstance(result, Rejection):
            yield result.at(where, raw if not multi else result.raw or raw[:4096])
            continue
        article = article_from_draft(
            result, source=where, published_at=published_at, max_body_chars=max_body_chars
        )
        yield article.at(where, raw[:4096] if multi else raw) if isinstance(article, Rejection) else article


def _bounded(items: Iterator[Draft | Rejection], max_items: int) -> Iterator[Draft | Rejection]:
    """At most ``max_items`` results; one ``too_many_items`` rejection stands for the rest."""
    for count, item in enumerate(items, start=1):
        if count > max_items:
            yield Rejection(
                "too_many_items", f"the input holds more than {max_items} articles; the rest were not read"
            )
            return
        yield item


def article_from_text(
    text: str, source: str, *, published_at: dt.datetime | None = None, max_body_chars: int = 200_000
) -> Article | Rejection:
    """A text (of any format the registry knows) as its first ``Article``."""
    if not text.strip():
        return Rejection("empty_body", "the input is empty: there is no article text", source, text.encode())
    return article_from_bytes(
        text.encode("utf-8", errors="replace"),
        source,
        published_at=published_at,
        max_body_chars=max_body_chars,
    )


def article_from_bytes(
    raw: bytes, source: str, *, published_at: dt.datetime | None = None, max_body_chars: int = 200_000
) -> Article | Rejection:
    """The first article of an input of any format (a single-article file's article)."""
    for result in articles_from_bytes(raw, source, published_at=published_at, max_body_chars=max_body_chars):
        return result
    return Rejection("missing_body", "the input holds no article", source, raw)


def article_from_json_line(
    raw: bytes, source: str, *, published_at: dt.datetime | None = None, max_body_chars: int = 200_000
) -> Article | Rejection:
    """One JSON Lines record (an article object) as an ``Article``.

    Accepted keys: ``body`` (required, or ``text`` holding a whole raw article),
    ``title``, ``outlet``, ``published`` (ISO date or date-time), ``url``,
    ``language``.  Unknown keys are rejected so typos do not pass silently.
    """
    text = decode_text(raw, source)
    if isinstance(text, Rejection):
        return text
    try:
        obj = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        return Rejection("invalid_json", f"not valid JSON: {error}", source, raw)
    if not isinstance(obj, dict):
        return Rejection("not_an_object", f"expected a JSON object, got {type(obj).__name__}", source, raw)
    unknown = sorted(set(obj) - JSON_FIELDS)
    if unknown:
        return Rejection(
            "invalid_field", f"unknown field(s) {unknown}; accepted: {sorted(JSON_FIELDS)}", source, raw
        )
    wrong = [key for key, value in obj.items() if value is not None and not isinstance(value, str)]
    if wrong:
        kinds = ", ".join(f"{key} is {type(obj[key]).__name__}" for key in sorted(wrong))
        return Rejection("invalid_field", f"fields must be strings: {kinds}", source, raw)
    # Reliability fix: a JSON escape can spell a lone UTF-16 surrogate ("\ud800"): valid JSON but not
    # Unicode text.  Such an article validated, then failed to serialise for Kafka and crashed the publisher.
    broken = sorted(key for key, value in obj.items() if isinstance(value, str) and not _is_unicode(value))
    if broken:
        return Rejection(
            "not_utf8",
            f"field(s) {broken} hold lone surrogate escapes (\\ud800-\\udfff): not valid Unicode text",
            source,
            raw,
        )
    if obj.get("body") is None and obj.get("text") is not None:
        result = article_from_text(
            obj["text"], source, published_at=published_at, max_body_chars=max_body_chars
        )
        return result.at(source, raw) if isinstance(result, Rejection) else result
    body = (obj.get("body") or "").strip()
    if "body" not in obj:
        return Rejection("missing_body", "the article object has no 'body' field", source, raw)
    if not body:
        return Rejection("empty_body", "the article's 'body' is empty", source, raw)
    published = _parse_published(obj.get("published"))
    if isinstance(published, str):
        return Rejection("invalid_field", published, source, raw)
    date, time = published
    fields = RawFields(
        title=(obj.get("title") or "").strip() or None,
        body=body,
        outlet=(obj.get("outlet") or "").strip() or None,
        published_date=date,
        published_time=time,
        dateline_place=None,
        wire_sources=(),
        captions=(),
        related=(),
    )
    result = article_from_fields(
        fields, source=source, published_at=published_at, max_body_chars=max_body_chars
    )
    if isinstance(result, Rejection):
        return result.at(source, raw)
    extras: dict[str, Any] = {key: obj.get(key) for key in ("url", "language") if obj.get(key)}
    return result.model_copy(update=extras) if extras else result


def _is_unicode(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _parse_published(value: str | None) -> tuple[dt.date | None, dt.time | None] | str:
    if not value:
        return None, None
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value), None
        stamp = dt.datetime.fromisoformat(value)
    except ValueError:
        return f"'published' must be an ISO date or date-time, got {value[:40]!r}"
    return stamp.date(), stamp.time().replace(tzinfo=None)


def _validation_reason(error: ValidationError) -> str:
    parts = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()[:5]]
    return "invalid article: " + "; ".join(parts)
