"""What each read-only route answers, as plain data: the worker's web server and the tests' server share it.

A ``Reply`` is status, body, content type and headers; ``web`` hands it to
Faust, the Chromium tests to ``http.server``, so the page is tested against the
very answers the worker gives.  The feed formats carry an ``ETag`` made from the
feed view's update count (plus a per-process token, so a restarted worker never
matches an old tag) and the request: a poller sending ``If-None-Match`` gets a
304 without the feed being filtered or rendered again.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from pipeline.serving.page import page_security_policy, render_item_page, render_page
from pipeline.serving.query import FeedQuery, glance, window_facets
from pipeline.serving.render import render_atom, render_json_feed
from schemas.records import FeedItem

JSON_FEED_TYPE = "application/feed+json"
ATOM_TYPE = "application/atom+xml"
_BOOT = secrets.token_hex(8)
_PAGE_HEADERS = {
    "Content-Security-Policy": page_security_policy(),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
LIVE_PAGE = render_page(feed_path="/feed").encode()
_facets: dict[tuple[int, int], dict[str, list[str]]] = {}
ITEM_PAGE = render_item_page(feed_path="/feed").encode()


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def _error(status: int, message: str, headers: Mapping[str, str] | None = None) -> Reply:
    return Reply(status, json.dumps({"error": message}).encode(), "application/json", dict(headers or {}))


def feed_etag(generation: int, base_url: str, path: str, params: Mapping[str, str]) -> str:
    """Tag of one feed answer: same view state, address and query give the same items.

    ``after`` is left out: it only adds the count of items new since then, which cannot change
    while the view does not, so a page polling with ``after`` still matches its first answer.
    """
    kept = sorted((name, value) for name, value in params.items() if name != "after")
    request = json.dumps([base_url, path, kept])
    digest = hashlib.sha256(f"{_BOOT}|{generation}|{request}".encode()).hexdigest()[:32]
    return f'"{digest}"'


def matches_etag(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 weak comparison of ``If-None-Match`` (a list, or ``*``) with our tag."""
    if not if_none_match:
        return False
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in tags or etag in tags


def feed_reply(
    path: str,
    window: Callable[[], list[FeedItem]],
    params: Mapping[str, str],
    *,
    base_url: str,
    generation: int,
    if_none_match: str | None = None,
) -> Reply:
    """``/feed`` (JSON Feed with the selection's glance) or ``/feed.atom``, filtered as the query says.

    ``window`` gives the live items; it is not called at all when the answer is a 304.
    """
    etag = feed_etag(generation, base_url, path, params)
    cache = {"ETag": etag, "Cache-Control": "no-cache"}
    if matches_etag(if_none_match, etag):
        return Reply(304, b"", None, cache)
    try:
        query = FeedQuery.parse(params)
    except ValueError as error:
        return _error(400, str(error))
    items = window()
    selected = query.select(items)
    if path.endswith(".atom"):
        text = render_atom(selected, base_url=base_url, sort=query.sort, limit=query.limit)
        return Reply(200, text.encode(), ATOM_TYPE, cache)
    feed = render_json_feed(
        selected,
        base_url=base_url,
        sort=query.sort,
        limit=query.limit,
        summary=glance(selected, items, query, facets=_window_facets(generation, items)),
    )
    return Reply(200, json.dumps(feed, ensure_ascii=False).encode(), JSON_FEED_TYPE, cache)


def _window_facets(generation: int, window: list[FeedItem]) -> dict[str, list[str]]:
    """The window's facets, computed once per state of the view (every filter of it shares them)."""
    key = (generation, hash(tuple(item.id for item in window)))
    if key not in _facets:
        _facets.clear()
        _facets[key] = window_facets(window)
    return _facets[key]


def wants_html(accept: str | None) -> bool:
    """True when ``Accept`` prefers HTML to JSON, as a browser's navigation does (``*/*`` alone: JSON)."""
    weights: dict[str, float] = {}
    for part in (accept or "").split(","):
        media, *options = (p.strip() for p in part.split(";"))
        q = 1.0
        for option in options:
            name, _, value = option.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        weights[media.lower()] = max(q, weights.get(media.lower(), 0.0))
    html_q = max(weights.get("text/html", 0.0), weights.get("application/xhtml+xml", 0.0))
    json_q = max(weights.get("application/json", 0.0), weights.get(JSON_FEED_TYPE, 0.0))
    return html_q > 0 and html_q >= json_q


def item_reply(item: FeedItem | None, item_id: str, accept: str | None) -> Reply:
    """``/feed/{id}``: the item page for browsers, the item as JSON otherwise (404 either way if gone)."""
    vary = {"Vary": "Accept"}
    if wants_html(accept):
        return Reply(200 if item else 404, ITEM_PAGE, "text/html", {**_PAGE_HEADERS, **vary})
    if item is None:
        return _error(404, f"no feed item {item_id[:64]!r}", vary)
    return Reply(200, item.model_dump_json().encode(), "application/json", vary)


def live_reply() -> Reply:
    return Reply(200, LIVE_PAGE, "text/html", dict(_PAGE_HEADERS))
