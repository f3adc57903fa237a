"""Decoding a record of the articles topic: an ``Article``, or a coded rejection to dead-letter.

Foreign producers can write anything onto the topic; bad records are data, not crashes.
Version rule: a version-1 article (before ``published``/``authors``/``format``) is upgraded to
version 2 with those fields empty, so producers still on v1 keep working; any other version is
rejected as ``unsupported_schema_version``.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from pipeline.codec import decode_record
from pipeline.errors import ErrorCode, Rejection
from schemas import Article, upgrade_article_v1


def decode_article(raw: Any, source: str, max_body_chars: int) -> Article | Rejection:
    """A record from the articles topic as an ``Article``, or the rejection that says why not."""
    if raw is None:
        return Rejection(ErrorCode.INVALID_RECORD, "empty record (no value)", source)
    payload = raw if isinstance(raw, bytes) else str(raw).encode()

    def reject(code: ErrorCode, reason: str) -> Rejection:
        return Rejection(code, reason, source, payload)

    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        return reject(ErrorCode.NOT_UTF8, "record value is not UTF-8 JSON")
    try:
        article = decode_record(Article, text)
    except ValidationError as error:
        first = error.errors()[0]
        if first["type"] == "json_invalid":
            return reject(ErrorCode.INVALID_JSON, f"record value is not JSON: {first['msg']}")
        # A body over the contract's limit fails validation; it gets the stable code the README uses.
        if all(e["loc"][:1] == ("body",) and e["type"] == "string_too_long" for e in error.errors()):
            return reject(
                ErrorCode.BODY_TOO_LARGE, f"body is over the article contract's limit: {first['msg']}"
            )
        if first["loc"][:1] == ("schema_version",):
            upgraded = _upgraded_v1(text)
            if upgraded is not None:
                return _checked(upgraded, reject, max_body_chars)
            reason = f"schema_version must be 2 (or 1, upgraded): {first['msg']}"
            return reject(ErrorCode.UNSUPPORTED_SCHEMA_VERSION, reason)
        fields = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()[:5])
        return reject(ErrorCode.INVALID_RECORD, f"not a valid article record: {fields}")
    return _checked(article, reject, max_body_chars)


def _upgraded_v1(text: str) -> Article | ValidationError | None:
    """A version-1 record as a v2 ``Article`` (or why it is still invalid); None if it is not v1."""
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(obj, dict) or obj.get("schema_version") != 1:
        return None
    try:
        return Article.model_validate(upgrade_article_v1(obj))
    except ValidationError as error:
        return error


def _checked(article: Article | ValidationError, reject: Any, max_body_chars: int) -> Article | Rejection:
    if isinstance(article, ValidationError):
        fields = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in article.errors()[:5])
        return reject(ErrorCode.INVALID_RECORD, f"not a valid version-1 article record: {fields}")
    if len(article.body) > max_body_chars:
        return reject(
            ErrorCode.BODY_TOO_LARGE, f"body has {len(article.body)} characters, over {max_body_chars}"
        )
    return article
