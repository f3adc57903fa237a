"""Render feed items for feed readers: JSON Feed 1.1 and Atom 1.0 (the HTML pages are in ``page``).

Article text is untrusted.  JSON is escaped by ``json``, Atom is built with
ElementTree (which escapes text and attributes; characters XML 1.0 forbids are
dropped first), and links are only ever http(s).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlsplit

from pipeline.feed.merge import EPOCH, norm_name
from pipeline.serving.query import DEFAULT_SORT, ordered
from schemas.records import FeedItem

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
ATOM_NS = "http://www.w3.org/2005/Atom"
EXTENSION_KEY = "_diplofeed"

_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def safe_url(url: str | None) -> str | None:
    """The URL if it is absolute http(s), else None (no javascript:, data:, relative...)."""
    if not url:
        return None
    candidate = url.strip()
    if any(ord(ch) < 0x20 or ch.isspace() for ch in candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return candidate


def rfc3339(when: dt.datetime) -> str:
    """RFC 3339 in UTC with a 'Z' (naive datetimes are taken as UTC)."""
    aware = when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)
    return aware.isoformat().replace("+00:00", "Z")


def _base(base_url: str) -> str:
    return base_url.rstrip("/")


def item_path(item_id: str) -> str:
    """Path of an item's own page (HTML for browsers, JSON otherwise)."""
    return "/feed/" + quote(item_id, safe="")


def item_url(item: FeedItem, base_url: str) -> str:
    """Permalink of an item: its own page."""
    return _base(base_url) + item_path(item.id)


def _when_text(item: FeedItem) -> str:
    if item.time_utc is not None:
        return item.time_utc.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    if item.date is not None:
        return item.date.isoformat()
    if item.month is not None:
        return dt.date.fromisoformat(f"{item.month}-01").strftime("%B %Y")
    return "undated"


def content_text(item: FeedItem) -> str:
    """Plain-text body: the facts, then sources, then quotes."""
    lines = [item.headline, ""]
    mode = f" ({item.mode})" if item.mode else ""
    lines.append(f"Type: {item.type.value}{mode}, {item.status.value}")
    lines.append(f"When: {_when_text(item)}")
    if item.location:
        lines.append(f"Where: {item.location}")
    lines.append(f"Actors: {', '.join(item.actors)}")
    lines.append(f"Sources ({item.source_count}):")
    for s in item.sources:
        label = " - ".join(x for x in (s.outlet, s.title) if x) or s.article_id
        url = safe_url(s.url)
        lines.append(f"  * {label}" + (f" <{url}>" if url else ""))
    for q in item.quotes:
        lines.append(f"  \u201c{q.text}\u201d \u2014 {q.speaker or 'unattributed'}")
    return "\n".join(lines)


def _tags(item: FeedItem) -> list[str]:
    tags = [item.type.value, item.status.value]
    if item.mode:
        tags.append(item.mode)
    return tags + [a for a in item.actors if a not in tags]


def _outlets(item: FeedItem) -> list[str]:
    seen: dict[str, str] = {}
    for s in item.sources:
        if s.outlet and norm_name(s.outlet) not in seen:
            seen[norm_name(s.outlet)] = s.outlet
    return list(seen.values())


def render_json_feed(
    items: Iterable[FeedItem],
    *,
    base_url: str,
    title: str = "diplofeed",
    sort: str = DEFAULT_SORT,
    limit: int | None = None,
    summary: dict[str, Any] | None = None,
) -> dict:
    """JSON Feed 1.1 document (a dict ready for ``json.dumps``); structured data under ``_diplofeed``.

    ``limit`` keeps the first items of the sorted feed; ``summary`` (the glance of the whole
    selection) goes under the feed's own ``_diplofeed`` extension key.
    """
    base = _base(base_url)
    entries = []
    for item in ordered(items, sort, limit):
        entry: dict = {
            "id": item.id,
            "url": item_url(item, base),
            "title": item.headline,
            "content_text": content_text(item),
            "date_published": rfc3339(item.first_seen),
            "date_modified": rfc3339(item.last_seen),
            "tags": _tags(item),
            "language": "en",
            EXTENSION_KEY: item.model_dump(mode="json"),
        }
        external = next((u for u in (safe_url(s.url) for s in item.sources) if u), None)
        if external:
            entry["external_url"] = external
        outlets = _outlets(item)
        if outlets:
            entry["authors"] = [{"name": o} for o in outlets]
        entries.append(entry)
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": title,
        "home_page_url": f"{base}/live",
        "feed_url": f"{base}/feed",
        "description": "Rolling, de-duplicated feed of diplomatic events.",
        "language": "en",
        "items": entries,
    }
    if summary is not None:
        feed[EXTENSION_KEY] = summary
    return feed


def _xml_text(value: str) -> str:
    return _XML_INVALID.sub("", value)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: _xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _xml_text(text)
    return element


def atom_id(base_url: str, key: str) -> str:
    """Stable urn:uuid (uuid5 of base URL + key): valid IRI, never reused across feeds."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{_base(base_url)}/{key}").urn


def render_atom(
    items: Iterable[FeedItem],
    *,
    base_url: str,
    title: str = "diplofeed",
    feed_path: str = "/feed.atom",
    sort: str = DEFAULT_SORT,
    limit: int | None = None,
) -> str:
    """Atom 1.0 document as a string; ``updated`` is the newest ``last_seen`` (EPOCH when empty)."""
    ET.register_namespace("", ATOM_NS)
    base = _base(base_url)
    chosen = ordered(items, sort, limit)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _sub(feed, "id", atom_id(base, "feed"))
    _sub(feed, "title", title)
    _sub(feed, "updated", rfc3339(max((i.last_seen for i in chosen), default=EPOCH)))
    _sub(feed, "link", rel="self", href=f"{base}{feed_path}", type="application/atom+xml")
    _sub(feed, "link", rel="alternate", href=f"{base}/live", type="text/html")
    _sub(_sub(feed, "author"), "name", "diplofeed")
    _sub(feed, "generator", "diplofeed")
    for item in chosen:
        entry = _sub(feed, "entry")
        _sub(entry, "id", atom_id(base, f"item/{item.id}"))
        _sub(entry, "title", item.headline, type="text")
        _sub(entry, "updated", rfc3339(item.last_seen))
        _sub(entry, "published", rfc3339(item.first_seen))
        _sub(entry, "link", rel="alternate", href=item_url(item, base), type="text/html")
        for source in item.sources:
            url = safe_url(source.url)
            if url:
                _sub(entry, "link", rel="related", href=url, title=source.title or source.outlet or url)
        for outlet in _outlets(item):
            _sub(_sub(entry, "author"), "name", outlet)
        for tag in _tags(item):
            _sub(entry, "category", term=tag)
        _sub(entry, "summary", item.headline, type="text")
        _sub(entry, "content", content_text(item), type="text")
    return ET.tostring(feed, encoding="unicode", xml_declaration=True)


__all__ = [
    "ATOM_NS",
    "EXTENSION_KEY",
    "JSON_FEED_VERSION",
    "atom_id",
    "content_text",
    "item_path",
    "item_url",
    "render_atom",
    "render_json_feed",
    "rfc3339",
    "safe_url",
]
