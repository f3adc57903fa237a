"""Deterministic record ids: re-processing the same article yields the same ids."""

from __future__ import annotations

import hashlib


def stable_id(article_id: str, kind: str, *parts: object) -> str:
    """Short sha256 of the article id, the record kind and its defining content."""
    payload = "\x1f".join([article_id, kind, *(str(p) for p in parts)])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]
