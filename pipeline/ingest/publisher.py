"""Publishing articles onto Kafka: validated records in, rejections to the dead-letter topic.

The producer is idempotent with ``acks=all`` so a retried send never writes a
record twice, and every record is keyed by its stable article id so a
re-published article can be dropped downstream by key.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from kafka import KafkaProducer

from pipeline.codec import encode_record
from pipeline.config import Settings
from pipeline.errors import Rejection
from pipeline.ingest.articles import article_from_json_line, articles_from_bytes
from pipeline.ingest.sources import RawInput
from pipeline.topology import ARTICLES, DEAD_LETTERS
from schemas import Article

#: Outcome callback: ("published" | "duplicate" | "rejected", error code or None).
OutcomeHook = Callable[[str, str | None], None]


def make_producer(settings: Settings, **overrides: Any) -> KafkaProducer:
    """An idempotent, acks=all producer for the configured cluster."""
    options: dict[str, Any] = {
        "bootstrap_servers": settings.bootstrap_servers,
        "client_id": "diplofeed-publisher",
        "acks": "all",
        "enable_idempotence": True,
        "retries": 2**31 - 1,
        "max_in_flight_requests_per_connection": 5,
        "linger_ms": 5,
        "max_request_size": 8 * 1024 * 1024,
        "request_timeout_ms": 30_000,
        "reconnect_backoff_max_ms": 5_000,
        **settings.kafka_python_security(),
    }
    options.update(overrides)
    return KafkaProducer(**options)


def to_articles(
    raw: RawInput, settings: Settings, published_at: dt.datetime | None = None
) -> Iterator[Article | Rejection]:
    """Parse and validate one raw input: every article it holds, or the rejections that say why not."""
    if raw.oversize:
        yield Rejection(
            "input_too_large",
            f"input is larger than the limit of {settings.max_input_bytes} bytes (DIPLOFEED_MAX_INPUT_BYTES)",
            raw.source,
            raw.payload,
        )
        return
    if raw.kind == "json":
        yield article_from_json_line(
            raw.payload, raw.source, published_at=published_at, max_body_chars=settings.max_body_chars
        )
        return
    yield from articles_from_bytes(
        raw.payload,
        raw.source,
        published_at=published_at,
        max_body_chars=settings.max_body_chars,
        max_items=settings.max_items_per_input,
    )


def to_article(
    raw: RawInput, settings: Settings, published_at: dt.datetime | None = None
) -> Article | Rejection:
    """The first article (or rejection) of one raw input."""
    return next(iter(to_articles(raw, settings, published_at)))


@dataclass
class PublishSummary:
    """What a batch did."""

    published: int = 0
    duplicates: int = 0
    rejected: int = 0
    failed: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.rejected == 0 and self.failed == 0

    def line(self) -> str:
        text = f"published {self.published}, duplicates {self.duplicates}, rejected {self.rejected}"
        return text + (f", FAILED to deliver {self.failed}" if self.failed else "")


class ArticlePublisher:
    """Publishes raw inputs as articles; rejected inputs go to the dead-letter topic."""

    def __init__(
        self, settings: Settings, producer: KafkaProducer | None = None, on_outcome: OutcomeHook | None = None
    ) -> None:
        self.settings = settings
        self.producer = producer or make_producer(settings)
        self.on_outcome = on_outcome or (lambda outcome, reason: None)
        self.articles_topic = ARTICLES.wire_name(settings)
        self.dead_letter_topic = DEAD_LETTERS.wire_name(settings)

    def publish(
        self,
        inputs: Iterable[RawInput],
        *,
        progress: bool = True,
        console: TextIO | None = None,
        seen: set[str] | None = None,
    ) -> PublishSummary:
        """Publish every input; ``seen`` holds ids already published in this run (duplicates skip)."""
        from tqdm import tqdm

        console = console or sys.stderr
        bar = tqdm(inputs, desc="publishing", unit="article", disable=not progress, file=console, leave=False)
        results = (result for raw in bar for result in to_articles(raw, self.settings))
        summary = self.publish_results(results, seen=seen, write=lambda line: bar.write(line, file=console))
        bar.close()
        return summary

    def publish_results(
        self,
        results: Iterable[Article | Rejection],
        *,
        seen: set[str] | None = None,
        write: Callable[[str], None] | None = None,
    ) -> PublishSummary:
        """Send parsed articles to the articles topic and rejections to dead letters; wait for acks."""
        seen = set() if seen is None else seen
        write = write or (lambda line: print(line, file=sys.stderr))
        summary = PublishSummary()
        pending: list[Any] = []
        for result in results:
            if isinstance(result, Rejection):
                summary.rejected += 1
                summary.rejections.append(result)
                write(f"rejected {result.source}: {result.error}: {result.reason}")
                pending.append(self.send_dead_letter(result))
                self.on_outcome("rejected", result.error)
                continue
            if result.article_id in seen:
                summary.duplicates += 1
                self.on_outcome("duplicate", None)
                continue
            seen.add(result.article_id)
            pending.append(self.send_article(result))
            summary.published += 1
            summary.article_ids.append(result.article_id)
            self.on_outcome("published", None)
            if len(pending) >= 1000:
                summary.failed += self._settle(pending)
        summary.failed += self._settle(pending)
        return summary

    def send_article(self, article: Article) -> Any:
        return self.producer.send(
            self.articles_topic, key=article.article_id.encode(), value=encode_record(article)
        )

    def send_dead_letter(self, rejection: Rejection) -> Any:
        record = rejection.dead_letter(stage="publish")
        return self.producer.send(
            self.dead_letter_topic, key=record.raw_sha256.encode(), value=encode_record(record)
        )

    def _settle(self, pending: list[Any]) -> int:
        """Wait for acks; return how many sends failed."""
        self.producer.flush()
        failed = 0
        for future in pending:
            try:
                future.get(timeout=60)
            except Exception:
                failed += 1
        pending.clear()
        return failed

    def close(self) -> None:
        self.producer.flush()
        self.producer.close()
