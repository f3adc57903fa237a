"""`diplofeed follow` against a local HTTP server on 127.0.0.1 serving feed files.

Four feeds: one that gains entries between polls (with ETag / Last-Modified), one that answers
304 to a conditional GET, one that answers 500, one that serves a malformed feed.  The publisher's
Kafka producer is replaced by one that records what would have been sent.
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from pipeline.config import Settings
from pipeline.ingest.follow import FeedFollower, FollowMetrics, FollowState
from pipeline.ingest.publisher import ArticlePublisher

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"


def _rss(count: int) -> bytes:
    items = "".join(
        f"<item><title>Envoy report {i}</title><link>http://wire.example/story/{i}</link>"
        f"<description>Envoys met for round {i} of talks on Monday.</description>"
        f"<pubDate>Mon, 0{1 + i % 8} Mar 2021 10:00:00 +0000</pubDate></item>"
        for i in range(count)
    )
    channel = f"<channel><title>Wire</title>{items}</channel>"
    return f"<?xml version='1.0'?><rss version='2.0'>{channel}</rss>".encode()


class FeedServer:
    """Serves /growing.rss, /static.atom, /error.rss and /broken.rss; records every request."""

    def __init__(self) -> None:
        self.growing_entries = 2
        self.growing_body: bytes | None = None  # served instead of the generated feed when set
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers)))
                if self.path == "/growing.rss":
                    body = server.growing_body or _rss(server.growing_entries)
                    tag = f'"g{server.growing_entries}"'
                    if self.headers.get("If-None-Match") == tag:
                        self.send_response(304)
                        self.end_headers()
                        return
                    self._send(200, body, {"ETag": tag, "Content-Type": "application/rss+xml"})
                elif self.path == "/static.atom":
                    if self.headers.get("If-Modified-Since") == "Tue, 09 Mar 2021 10:00:00 GMT":
                        self.send_response(304)
                        self.end_headers()
                        return
                    body = (FIXTURES / "relative.atom").read_bytes()
                    self._send(200, body, {"Last-Modified": "Tue, 09 Mar 2021 10:00:00 GMT"})
                elif self.path == "/gzip.rss":
                    import gzip

                    self._send(200, gzip.compress(_rss(2)), {"Content-Encoding": "gzip"})
                elif self.path == "/error.rss":
                    self._send(500, b"internal error", {})
                elif self.path == "/broken.rss":
                    self._send(200, b"<rss><channel><title>Broken</title><item><title>never closed", {})
                else:
                    self._send(404, b"not found", {})

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def conditional(self, path: str) -> int:
        return sum(
            1 for p, h in self.requests if p == path and ("If-None-Match" in h or "If-Modified-Since" in h)
        )


class Acked:
    """A send the broker acknowledged (kafka-python's future has ``get``)."""

    def get(self, timeout: float | None = None) -> None:
        return None


class RecordingProducer:
    """Stands in for KafkaProducer: records sends; every send succeeds."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def send(self, topic: str, key: bytes, value: bytes) -> Acked:
        self.sent.append((topic, json.loads(value)))
        return Acked()

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def articles(self) -> list[dict[str, Any]]:
        return [value for topic, value in self.sent if topic.endswith("articles")]

    def dead_letters(self) -> list[dict[str, Any]]:
        return [value for topic, value in self.sent if topic.endswith("dead-letters")]


@pytest.fixture
def server() -> Iterator[FeedServer]:
    feeds = FeedServer()
    feeds.thread.start()
    yield feeds
    feeds.httpd.shutdown()
    feeds.httpd.server_close()


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def make_follower(
    server: FeedServer, tmp_path: Path, producer: RecordingProducer, clock: Clock, registry: CollectorRegistry
) -> FeedFollower:
    settings = Settings(kafka_bootstrap_servers="127.0.0.1:1", data_dir=tmp_path)
    publisher = ArticlePublisher(settings, producer=producer)  # type: ignore[arg-type]
    urls = [server.url(p) for p in ("/growing.rss", "/static.atom", "/error.rss", "/broken.rss")]
    return FeedFollower(
        urls,
        publisher,
        FollowState.load(tmp_path / "follow-state.json"),
        interval_s=60,
        max_backoff_s=600,
        timeout_s=5,
        metrics=FollowMetrics(registry),
        clock=clock,
    )


def sample(registry: CollectorRegistry, name: str, **labels: str) -> float:
    return registry.get_sample_value(name, labels) or 0.0


def test_follow_publishes_new_entries_once_and_survives_bad_feeds(server: FeedServer, tmp_path: Path) -> None:
    producer, clock, registry = RecordingProducer(), Clock(), CollectorRegistry()
    follower = make_follower(server, tmp_path, producer, clock, registry)
    growing, static, error, broken = follower.urls

    first = follower.poll_once()
    assert first.published == 4  # 2 growing + 2 atom entries
    assert {a["url"] for a in producer.articles()} >= {
        "http://wire.example/story/0",
        "http://capitalwire.example/news/senate-confirms-envoy",  # relative link resolved
    }
    # the malformed feed is dead-lettered with a code; the 500 feed only counts a failure
    assert [d["error"] for d in producer.dead_letters()] == ["truncated"]
    assert sample(registry, "diplofeed_follow_failures_total", feed=error, reason="http") == 1
    assert sample(registry, "diplofeed_follow_polls_total", feed=growing, result="ok") == 1

    # nothing is due before the interval; then the growing feed has gained one entry
    assert follower.poll_once().published == 0
    server.growing_entries = 3
    clock.now += 61
    second = follower.poll_once()
    assert second.published == 1
    assert producer.articles()[-1]["url"] == "http://wire.example/story/2"
    assert server.conditional("/growing.rss") == 1 and server.conditional("/static.atom") == 1
    assert sample(registry, "diplofeed_follow_polls_total", feed=static, result="not_modified") == 1
    assert sample(registry, "diplofeed_follow_new_entries_total", feed=growing) == 3
    # failing feeds back off (120 s after one failure), so they were not polled again yet
    assert sample(registry, "diplofeed_follow_failures_total", feed=broken, reason="truncated") == 1
    clock.now += 120
    follower.poll_once()
    assert sample(registry, "diplofeed_follow_failures_total", feed=broken, reason="truncated") == 2
    assert sample(registry, "diplofeed_follow_failures_total", feed=error, reason="http") == 2
    assert len(producer.dead_letters()) == 1  # the same malformed bytes are dead-lettered once


def test_errors_back_off_exponentially_up_to_the_ceiling(server: FeedServer, tmp_path: Path) -> None:
    producer, clock, registry = RecordingProducer(), Clock(), CollectorRegistry()
    follower = make_follower(server, tmp_path, producer, clock, registry)
    error_url = follower.urls[2]
    waits = []
    for _ in range(5):
        follower.poll_once(force=True)
        waits.append(follower.state.feed(error_url).next_poll - clock.now)
    assert waits == [120, 240, 480, 600, 600]
    assert (
        follower.state.feed(follower.urls[0]).next_poll - clock.now == 60
    )  # healthy feeds keep their interval


def test_restart_publishes_nothing_twice(server: FeedServer, tmp_path: Path) -> None:
    producer, clock = RecordingProducer(), Clock()
    make_follower(server, tmp_path, producer, clock, CollectorRegistry()).poll_once()
    published = len(producer.articles())
    assert published == 4

    server.growing_entries = 4  # two new entries while the follower was down
    restarted_producer = RecordingProducer()
    restarted = make_follower(server, tmp_path, restarted_producer, Clock(), CollectorRegistry())
    summary = restarted.poll_once(force=True)
    assert summary.published == 2
    assert [a["url"] for a in restarted_producer.articles()] == [
        "http://wire.example/story/2",
        "http://wire.example/story/3",
    ]
    state = json.loads((tmp_path / "follow-state.json").read_text())
    assert len(state["feeds"][restarted.urls[0]]["seen"]) == 4


def test_watch_takes_every_format(tmp_path: Path) -> None:
    """A watched folder publishes feeds, wire XML, SGML, HTML and Markdown alike, one article per item."""
    import shutil

    from pipeline.ingest.watch import FolderWatcher, WatchState

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("relative.atom", "records.sgm", "nitf.xml", "page.html", "front_matter.md", "bomb.xml"):
        shutil.copy(FIXTURES / name, inbox / name)
    producer = RecordingProducer()
    settings = Settings(kafka_bootstrap_servers="127.0.0.1:1", data_dir=tmp_path)
    publisher = ArticlePublisher(settings, producer=producer)  # type: ignore[arg-type]
    watcher = FolderWatcher(inbox, publisher, WatchState(tmp_path / "watch.json"), max_bytes=10**6)
    watcher.scan_once()  # first sight: files must be stable for one poll
    summary = watcher.scan_once()
    assert summary.published == 2 + 2 + 1 + 1 + 1
    assert sorted({a["format"] for a in producer.articles()}) == ["feed", "html", "markdown", "nitf", "sgml"]
    assert [d["error"] for d in producer.dead_letters()] == ["unsafe_xml"]
    assert watcher.scan_once().published == 0  # published once


def test_a_feeds_ttl_spaces_its_polls(server: FeedServer, tmp_path: Path) -> None:
    producer, clock = RecordingProducer(), Clock()
    follower = make_follower(server, tmp_path, producer, clock, CollectorRegistry())
    body = _rss(1).replace(b"<title>Wire</title>", b"<title>Wire</title><ttl>5</ttl>")
    server.growing_body = body
    follower.poll_once()
    assert follower.state.feed(follower.urls[0]).next_poll - clock.now == 300  # 5 minutes, over the 60 s


def test_follow_command_line() -> None:
    from pipeline.cli import build_parser, cmd_follow

    args = build_parser().parse_args(["follow", "http://a.example/rss", "http://b.example/atom", "--once"])
    assert args.func is cmd_follow and args.feeds == ["http://a.example/rss", "http://b.example/atom"]
    assert args.once and args.interval == 300.0 and args.max_backoff == 3600.0


def test_a_gzip_answer_is_inflated(server: FeedServer, tmp_path: Path) -> None:
    from pipeline.ingest.follow import FeedState, fetch

    answer = fetch(server.url("/gzip.rss"), FeedState(), timeout_s=5, max_bytes=10**6)
    assert answer.status == 200 and answer.body.startswith(b"<?xml")
    bounded = fetch(server.url("/gzip.rss"), FeedState(), timeout_s=5, max_bytes=100)
    assert bounded.status == 413
