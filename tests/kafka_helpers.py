"""Small helpers for tests that talk to the real broker."""

from __future__ import annotations

from typing import Any

from pipeline.config import Settings
from pipeline.tools.tail import iter_topic


def read_topic(
    settings: Settings, logical: str, *, idle_s: float = 3.0, expect: int | None = None
) -> list[dict[str, Any]]:
    """Every record of a topic (from the beginning), stopping when idle or at ``expect`` records."""
    return list(iter_topic(settings, settings.topic(logical), idle_timeout_s=idle_s, max_records=expect))
