"""`diplofeed follow FEED_URL...`: poll RSS/Atom feeds and publish their new entries.

Each feed is fetched with a conditional GET (``If-None-Match`` / ``If-Modified-Since`` from the
previous answer), on its own schedule (the interval, or the feed's ``<ttl>`` when longer); an
error (HTTP 4xx/5xx, network, malformed feed) doubles that feed's wait up to a ceiling.
Entries already published are remembered per feed (url, else article id) in a state file
written atomically after the broker acknowledged them, so a restart publishes nothing twice.
Polls, new entries and failures are Prometheus counters per feed (the label set is the
configured feeds, so it is bounded).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Counter

from pipeline.errors import Rejection
from pipeline.ingest.articles import articles_from_bytes
from pipeline.ingest.publisher import ArticlePublisher, PublishSummary

#: Entries remembered per feed; older ones have long left any real feed.
MAX_REMEMBERED = 5_000
USER_AGENT = "diplofeed-follow/1"
#: RSS 2.0 ``<ttl>``: minutes a feed may be cached, so the least time between two polls of it.
_TTL = re.compile(rb"<ttl>\s*(\d{1,5})\s*</ttl>")


@dataclass
class FeedState:
    """What is known about one feed between polls."""

    etag: str | None = None
    modified: str | None = None
    next_poll: float = 0.0
    failures: int = 0
    seen: list[str] = field(default_factory=list)
    rejected_sha256: str | None = None  # a malformed answer already dead-lettered
    ttl_s: float | None = None  # the feed's own <ttl>: it asks not to be polled more often


@dataclass
class FollowState:
    """Every followed feed's state, in one JSON file replaced atomically."""

    path: Path
    feeds: dict[str, FeedState] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> FollowState:
        try:
            data = json.loads(path.read_text())
            known = {f.name for f in fields(FeedState)}  # a state file of another version still loads
            feeds = {
                url: FeedState(**{k: v for k, v in value.items() if k in known})
                for url, value in data.get("feeds", {}).items()
            }
            return cls(path, feeds)
        except (FileNotFoundError, ValueError, TypeError, AttributeError):
            return cls(path)

    def feed(self, url: str) -> FeedState:
        return self.feeds.setdefault(url, FeedState())

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        payload = {"feeds": {url: asdict(state) for url, state in self.feeds.items()}}
        temporary.write_text(json.dumps(payload, indent=0, sort_keys=True))
        os.replace(temporary, self.path)


class FollowMetrics:
    """``diplofeed_follow_polls_total{feed,result}``, ``_new_entries_total{feed}``, ``_failures_total``."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        registry = registry if registry is not None else CollectorRegistry()
        self.polls = Counter(
            "follow_polls",
            "Feed polls by result.",
            ["feed", "result"],
            namespace="diplofeed",
            registry=registry,
        )
        self.new_entries = Counter(
            "follow_new_entries",
            "New feed entries published.",
            ["feed"],
            namespace="diplofeed",
            registry=registry,
        )
        self.failures = Counter(
            "follow_failures",
            "Failed polls by reason.",
            ["feed", "reason"],
            namespace="diplofeed",
            registry=registry,
        )


@dataclass(frozen=True)
class Fetched:
    status: int  # 200, 304, or the error status (0 for a network error)
    body: bytes = b""
    etag: str | None = None
    modified: str | None = None
    error: str | None = None


def fetch(url: str, state: FeedState, *, timeout_s: float, max_bytes: int) -> Fetched:
    """One conditional GET, bounded to ``max_bytes``."""
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "application/rss+xml, application/atom+xml, */*",
        "Accept-Encoding": "gzip",
    }
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.modified:
        headers["If-Modified-Since"] = state.modified
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            body = response.read(max_bytes + 1)
            if len(body) <= max_bytes and response.headers.get("Content-Encoding", "").lower() == "gzip":
                body = _gunzip(body, max_bytes)
            if len(body) > max_bytes:
                return Fetched(413, error=f"feed larger than {max_bytes} bytes")
            return Fetched(
                response.status, body, response.headers.get("ETag"), response.headers.get("Last-Modified")
            )
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return Fetched(304)
        return Fetched(error.code, error=f"HTTP {error.code}")
    except (urllib.error.URLError, OSError, ValueError) as error:
        return Fetched(0, error=f"network: {error}")


def _gunzip(body: bytes, max_bytes: int) -> bytes:
    """A gzip body inflated to at most ``max_bytes + 1`` bytes (a compression bomb stays bounded)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        return inflater.decompress(body, max_bytes + 1)
    except zlib.error:
        return body


class FeedFollower:
    """Polls feeds and publishes entries not published before."""

    def __init__(
        self,
        urls: list[str],
        publisher: ArticlePublisher,
        state: FollowState,
        *,
        interval_s: float = 300.0,
        max_backoff_s: float = 3600.0,
        timeout_s: float = 20.0,
        max_bytes: int = 4_000_000,
        metrics: FollowMetrics | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.urls = list(dict.fromkeys(urls))
        self.publisher = publisher
        self.state = state
        self.interval_s = interval_s
        self.max_backoff_s = max_backoff_s
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        self.metrics = metrics or FollowMetrics()
        self.clock = clock

    def poll_once(self, *, force: bool = False) -> PublishSummary:
        """Poll every feed that is due (every feed with ``force``); publish what is new."""
        total = PublishSummary()
        for url in self.urls:
            feed = self.state.feed(url)
            if not force and self.clock() < feed.next_poll:
                continue
            summary = self._poll(url, feed)
            total.published += summary.published
            total.rejected += summary.rejected
            total.duplicates += summary.duplicates
            total.failed += summary.failed
            total.rejections.extend(summary.rejections)
            total.article_ids.extend(summary.article_ids)
        return total

    def _poll(self, url: str, feed: FeedState) -> PublishSummary:
        answer = fetch(url, feed, timeout_s=self.timeout_s, max_bytes=self.max_bytes)
        if answer.status == 304:
            self.metrics.polls.labels(url, "not_modified").inc()
            return self._done(feed, ok=True)
        if answer.status != 200:
            self.metrics.polls.labels(url, "error").inc()
            self.metrics.failures.labels(url, "http" if answer.status else "network").inc()
            return self._done(feed, ok=False)
        results = list(
            articles_from_bytes(answer.body, url, max_items=self.publisher.settings.max_items_per_input)
        )
        articles = [r for r in results if not isinstance(r, Rejection)]
        rejections = [r for r in results if isinstance(r, Rejection)]
        if not articles:
            self.metrics.polls.labels(url, "invalid").inc()
            self.metrics.failures.labels(url, rejections[0].error if rejections else "empty").inc()
            digest = hashlib.sha256(answer.body).hexdigest()
            summary = PublishSummary()
            if digest != feed.rejected_sha256:  # dead-letter a bad answer once, not at every poll
                summary = self.publisher.publish_results(rejections)
                feed.rejected_sha256 = digest if summary.failed == 0 else None
            return self._done(feed, ok=False, summary=summary)
        seen = set(feed.seen)
        fresh = [a for a in articles if _entry_key(a) not in seen]
        summary = (
            self.publisher.publish_results(fresh + rejections) if fresh or rejections else PublishSummary()
        )
        self.metrics.polls.labels(url, "ok").inc()
        if summary.failed:
            self.metrics.failures.labels(url, "publish").inc()
            return self._done(feed, ok=False, summary=summary)
        self.metrics.new_entries.labels(url).inc(len(fresh))
        ttl = _TTL.search(answer.body[:8192])
        feed.ttl_s = float(ttl.group(1)) * 60 if ttl else None
        feed.seen = (feed.seen + [_entry_key(a) for a in fresh])[-MAX_REMEMBERED:]
        feed.etag, feed.modified = answer.etag, answer.modified
        return self._done(feed, ok=True, summary=summary)

    def _done(self, feed: FeedState, *, ok: bool, summary: PublishSummary | None = None) -> PublishSummary:
        feed.failures = 0 if ok else feed.failures + 1
        interval = max(self.interval_s, min(feed.ttl_s or 0.0, self.max_backoff_s))
        wait = interval if ok else min(interval * 2**feed.failures, self.max_backoff_s)
        feed.next_poll = self.clock() + wait
        self.state.save()
        return summary or PublishSummary()

    def run(self, should_stop: Callable[[], bool], on_summary: Callable[[PublishSummary], None]) -> None:
        while not should_stop():
            summary = self.poll_once()
            if summary.published or summary.rejected or summary.failed:
                on_summary(summary)
            due = min((self.state.feed(url).next_poll for url in self.urls), default=self.clock() + 1)
            time.sleep(max(0.2, min(due - self.clock(), 5.0)))


def _entry_key(article: Any) -> str:
    """What identifies an entry across polls: its link, else the article id."""
    return str(article.url or article.article_id)
