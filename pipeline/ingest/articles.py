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

from pydantic import ValidationError

from pipeline.errors import Rejection
from pipeline.ingest.decoding import decode_text
from pipeline.ingest.formats import Limits, detect
from pipeline.ingest.formats.jsonrecords import KNOWN_KEYS
from pipeline.ingest.metadata import Draft, clean_title, finish, name_candidates, parse_stamp, squash
from schemas import Article

__all__ = ["JSON_FIELDS", "article_from_bytes", "article_from_draft", "articles_from_bytes", "decode_text"]

#: Keys a JSON article record may carry (fields and their aliases), from the JSON reader.
JSON_FIELDS = frozenset(KNOWN_KEYS)


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


#: Characters that render as nothing but split words for the parser ("\u200crejects"): zero-width
#: space, (non-)joiners, word joiner, byte-order mark, soft hyphen.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def article_from_draft(
    draft: Draft, *, source: str, published_at: dt.datetime | None = None, max_body_chars: int
) -> Article | Rejection:
    """A format's draft as an ``Article``: the shared metadata rules, then the contract."""
    body = draft.body.translate(INVISIBLE).strip()
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
    names = [*name_candidates(draft), done.outlet or ""]
    while done.title:  # the page repeats its headline (maybe with the site suffix) above the text
        first, _, rest = body.partition("\n")
        if not rest.strip() or clean_title(first, names) != done.title:
            break
        body = rest.strip()
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
            retrieved_date=_day(draft.retrieved),
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


def _day(stamp: str | None) -> dt.date | None:
    """The calendar day of an ISO stamp as written (its own offset), None when there is none."""
    parsed = parse_stamp(stamp) if stamp else None
    if isinstance(parsed, dt.datetime):
        return parsed.date()
    return parsed


def articles_from_bytes(
    raw: bytes,
    source: str,
    *,
    published_at: dt.datetime | None = None,
    max_body_chars: int = 200_000,
    max_items: int = 2_000,
) -> Iterator[Article | Rejection]:
    """Every article of one input, in document order; items of a multi-article input are ``source#n``."""
    if b"\x00" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        yield Rejection("binary", "input contains NUL bytes: binary data, not an article", source, raw)
        return
    fmt = detect(raw, source)
    try:
        results = list(
            _bounded(fmt.parse(raw, Limits(max_items, max_body_chars, _origin(source))), max_items)
        )
    except Exception as error:  # a reader's bug on odd input is that input's dead letter, not a crash
        results = [Rejection("parse_error", f"the {fmt.name} reader failed: {type(error).__name__}: {error}")]
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


def _origin(source: str) -> str | None:
    """A source that is a url (a followed feed) is the base of the input's relative links."""
    return source if re.match(r"https?://", source) else None


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

    Keys are those of :mod:`pipeline.ingest.formats.jsonrecords` (``body`` or an alias such as
    ``content``/``articleBody``, ``title``/``headline``, ``published``/``datePublished``, ``url``/
    ``link``, ``outlet``/``source.name``, ``text`` holding a whole raw article); unknown keys are
    rejected so typos do not pass silently.
    """
    from pipeline.ingest.formats.jsonrecords import draft_from_record

    text = decode_text(raw, source)
    if isinstance(text, Rejection):
        return text
    try:
        obj = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        return Rejection("invalid_json", f"not valid JSON: {error}", source, raw)
    draft = draft_from_record(obj)
    if isinstance(draft, Rejection):
        return draft.at(source, raw)
    result = article_from_draft(
        draft, source=source, published_at=published_at, max_body_chars=max_body_chars
    )
    return result.at(source, raw) if isinstance(result, Rejection) else result


def _validation_reason(error: ValidationError) -> str:
    parts = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()[:5]]
    return "invalid article: " + "; ".join(parts)
