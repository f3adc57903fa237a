"""HTTP routes on the worker's Faust web server: feed formats, the live page, metrics.

All routes are read-only (GET).  The feed comes from the worker's read model of
the compacted topic, so every worker serves the whole feed.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from faust.web import Request, Response, View

from pipeline.metrics import render_latest
from pipeline.serving.render import (
    filter_items,
    page_security_policy,
    render_atom,
    render_json_feed,
    render_page,
)

if TYPE_CHECKING:
    import faust

    from pipeline.metrics import Metrics
    from pipeline.serving.feed_view import FeedView


def _since(raw: str | None) -> dt.datetime | str | None:
    if not raw:
        return None
    try:
        when = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return f"since must be an ISO 8601 date or date-time, got {raw[:40]!r}"
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def register(app: faust.App, view: FeedView, metrics: Metrics, horizon: dt.timedelta) -> None:
    """Attach the routes to the app's web server."""
    page = render_page(feed_path="/feed")
    policy = page_security_policy()

    def base_url(request: Request) -> str:
        return f"{request.url.scheme}://{request.url.host}:{request.url.port}"

    def selected(request: Request) -> tuple[list[Any], str | None]:
        query = request.query
        since = _since(query.get("since"))
        if isinstance(since, str):
            return [], since
        items = filter_items(
            view.current(horizon), actor=query.get("actor"), type=query.get("type"), since=since
        )
        return items, None

    @app.page("/feed")
    class JsonFeed(View):
        async def get(self, request: Request) -> Response:
            items, error = selected(request)
            if error:
                return self.json({"error": error}, status=400)
            body = render_json_feed(items, base_url=base_url(request))
            return self.bytes(
                json.dumps(body, ensure_ascii=False).encode(), content_type="application/feed+json"
            )

    @app.page("/feed.atom")
    class AtomFeed(View):
        async def get(self, request: Request) -> Response:
            items, error = selected(request)
            if error:
                return self.json({"error": error}, status=400)
            return self.bytes(
                render_atom(items, base_url=base_url(request)).encode(), content_type="application/atom+xml"
            )

    @app.page("/feed/{item_id}")
    class FeedEntry(View):
        async def get(self, request: Request, item_id: str) -> Response:
            item = view.items.get(item_id)
            if item is None:
                return self.json({"error": f"no feed item {item_id[:64]!r}"}, status=404)
            return self.bytes(item.model_dump_json().encode(), content_type="application/json")

    @app.page("/live")
    class LivePage(View):
        async def get(self, request: Request) -> Response:
            response = self.bytes(page.encode(), content_type="text/html")
            response.headers["Content-Security-Policy"] = policy
            response.headers["X-Content-Type-Options"] = "nosniff"
            return response

    @app.page("/metrics")
    class MetricsPage(View):
        async def get(self, request: Request) -> Response:
            body, content_type = render_latest(metrics)
            return self.bytes(body, content_type=content_type.split(";")[0])

    @app.page("/healthz")
    class Health(View):
        async def get(self, request: Request) -> Response:
            return self.json({"status": "ok", "feed_items": len(view.items), "feed_updates": view.updates})
