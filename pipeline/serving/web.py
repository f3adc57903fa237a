"""HTTP routes on the worker's Faust web server: feed formats, the live page, item pages, metrics.

All routes are read-only (GET).  The feed comes from the worker's read model of
the compacted topic, so every worker serves the whole feed; what each route
answers is in ``routes`` (shared with the page tests' server).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from faust.web import Request, Response, View

from pipeline.metrics import render_latest
from pipeline.serving.routes import Reply, feed_reply, item_reply, live_reply

if TYPE_CHECKING:
    import faust

    from pipeline.metrics import Metrics
    from pipeline.serving.feed_view import FeedView


def register(app: faust.App, view: FeedView, metrics: Metrics, horizon: dt.timedelta) -> None:
    """Attach the routes to the app's web server."""

    def base_url(request: Request) -> str:
        return f"{request.url.scheme}://{request.url.host}:{request.url.port}"

    def send(page: View, reply: Reply) -> Response:
        return page.bytes(
            reply.body, content_type=reply.content_type, status=reply.status, headers=dict(reply.headers)
        )

    def feed(page: View, request: Request, path: str) -> Response:
        reply = feed_reply(
            path,
            lambda: view.current(horizon),
            dict(request.query),
            base_url=base_url(request),
            generation=view.updates,
            if_none_match=request.headers.get("If-None-Match"),
        )
        return send(page, reply)

    @app.page("/feed")
    class JsonFeed(View):
        async def get(self, request: Request) -> Response:
            return feed(self, request, "/feed")

    @app.page("/feed.atom")
    class AtomFeed(View):
        async def get(self, request: Request) -> Response:
            return feed(self, request, "/feed.atom")

    @app.page("/feed/{item_id}")
    class FeedEntry(View):
        async def get(self, request: Request, item_id: str) -> Response:
            return send(self, item_reply(view.items.get(item_id), item_id, request.headers.get("Accept")))

    @app.page("/live")
    class LivePage(View):
        async def get(self, request: Request) -> Response:
            return send(self, live_reply())

    @app.page("/metrics")
    class MetricsPage(View):
        async def get(self, request: Request) -> Response:
            body, content_type = render_latest(metrics)
            return self.bytes(body, content_type=content_type.split(";")[0])

    @app.page("/healthz")
    class Health(View):
        async def get(self, request: Request) -> Response:
            return self.json({"status": "ok", "feed_items": len(view.items), "feed_updates": view.updates})
