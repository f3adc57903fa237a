"""Feed stage logic (pure, no Kafka): merge events into items, window them, render them."""

from pipeline.feed.merge import (
    ActorIndex,
    FeedDiff,
    Recluster,
    build_feed,
    build_index,
    build_item,
    cluster_events,
    compatible,
    diff_feed,
    event_time,
    index_add,
    index_remove,
    recluster_after,
    update_group,
)
from pipeline.feed.render import filter_items, render_atom, render_json_feed, render_page
from pipeline.feed.window import DEFAULT_HORIZON, Expiry, advance_watermark, expire_group, expired

__all__ = [
    "DEFAULT_HORIZON",
    "ActorIndex",
    "Expiry",
    "FeedDiff",
    "Recluster",
    "advance_watermark",
    "build_feed",
    "build_index",
    "build_item",
    "cluster_events",
    "compatible",
    "diff_feed",
    "event_time",
    "expire_group",
    "expired",
    "filter_items",
    "index_add",
    "index_remove",
    "recluster_after",
    "render_atom",
    "render_json_feed",
    "render_page",
    "update_group",
]
