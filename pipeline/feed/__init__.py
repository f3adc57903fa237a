"""Feed stage: the agent's sink, its tables, and the pure merge and window logic (rendering is in serving)."""

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
    "index_add",
    "index_remove",
    "recluster_after",
    "update_group",
]
