"""The worker's routes on Faust's own web server (aiohttp), without Kafka: what ``web.register`` wires up."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import faust
from aiohttp.test_utils import TestClient, TestServer

from pipeline.metrics import Metrics
from pipeline.serving import web
from pipeline.serving.feed_view import FeedView
from pipeline.serving.page import page_security_policy
from tests.page_data import desk_items

LAST_ETAG = "<the previous answer's ETag>"


def served(requests: list[tuple[str, dict[str, str]]]) -> list[tuple[int, Any, Any]]:
    """Status, headers and body of each GET on a worker's web app fed ``desk_items()``.

    A header value ``LAST_ETAG`` is replaced by the ``ETag`` of the previous answer.
    """

    async def run() -> list[tuple[int, Any, Any]]:
        app = faust.App("web-routes-test", broker="memory://", store="memory://", web_enabled=True)
        view = FeedView()
        for item in desk_items():
            view.apply(item.id.encode(), item.model_dump_json().encode())
        web.register(app, view, Metrics(), dt.timedelta(days=7))
        out: list[tuple[int, Any, Any]] = []
        async with TestClient(TestServer(app.web.web_app)) as client:
            for path, headers in requests:
                last = out[-1][1].get("ETag", "") if out else ""
                sent = {k: last if v == LAST_ETAG else v for k, v in headers.items()}
                response = await client.get(path, headers=sent)
                out.append((response.status, response.headers, await response.read()))
        return out

    return asyncio.run(run())


def test_worker_routes_negotiate_filter_and_revalidate() -> None:
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    feed, again, other, page, data, gone, bad, live = served(
        [
            ("/feed?type=CONSULT&limit=1", {}),
            ("/feed?type=CONSULT&limit=1", {"If-None-Match": LAST_ETAG}),
            ("/feed?type=AID", {"If-None-Match": LAST_ETAG}),
            ("/feed/1a2b3c4d5e6f7081", browser),
            ("/feed/1a2b3c4d5e6f7081", {"Accept": "application/json"}),
            ("/feed/0000000000000000", {}),
            ("/feed?sort=nonsense", {}),
            ("/live", browser),
        ]
    )
    assert feed[0] == 200 and feed[1]["Content-Type"].startswith("application/feed+json")
    assert b'"total": 2' in feed[2] and feed[2].count(b'"content_text"') == 1
    assert again[0] == 304 and again[2] == b""  # same view, same query: not sent again
    assert other[0] == 200 and b'"total": 1' in other[2]
    assert page[0] == 200 and page[1]["Content-Type"].startswith("text/html") and page[1]["Vary"] == "Accept"
    assert page[1]["Content-Security-Policy"] == page_security_policy() and b'data-view="item"' in page[2]
    assert data[0] == 200 and data[1]["Content-Type"].startswith("application/json")
    assert b'"headline":"Arland and Corvia hold talks in Valletta"' in data[2]
    assert gone[0] == 404 and bad[0] == 400 and b"sort must be one of" in bad[2]
    assert (
        live[0] == 200 and live[1]["X-Content-Type-Options"] == "nosniff" and b'data-view="list"' in live[2]
    )


def test_feed_view_hides_items_past_the_horizon_and_applies_tombstones() -> None:
    view = FeedView()
    items = desk_items()  # one event a day over seven days
    for item in items:
        view.apply(item.id.encode(), item.model_dump_json().encode())
    view.apply(b"garbage", b"{not json")  # skipped, not fatal
    assert view.updates == len(items)
    by_time = sorted(items, key=lambda i: i.event_time)
    two_days = dt.timedelta(days=2)

    def within(newest: dt.datetime) -> set[str]:
        return {i.id for i in items if newest - two_days <= i.event_time <= newest}

    live = {i.id for i in view.current(two_days)}
    assert live == within(by_time[-1].event_time) and len(live) == 3  # days 4, 5 and 6
    view.apply(by_time[-1].id.encode(), None)  # tombstone: gone; the horizon counts from the next newest
    assert by_time[-1].id not in view.items
    assert {i.id for i in view.current(two_days)} == within(by_time[-2].event_time)
