"""Prometheus metrics of diplofeed, in a registry of their own.

One :class:`Metrics` is made per process and passed down explicitly.  It owns
its own ``CollectorRegistry`` so it never collides with faust's sensor (which
uses the global default registry) and so tests can make as many as they like.

Every label is bounded: values outside a fixed set (error codes, PLOVER types,
entity types, topic names, stages, small partition numbers) are recorded as
``"other"``, so a bug or a hostile input can never explode the series count.
Callers use the methods, which do that mapping, not the raw metric objects.
"""

from __future__ import annotations

import datetime as dt
import platform
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, get_args

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    ProcessCollector,
    generate_latest,
)
from prometheus_client import start_http_server as _start_http_server

from pipeline.errors import ErrorCode
from pipeline.topology import TOPIC_NAMES
from schemas.records import EntityType, PloverType

NAMESPACE = "diplofeed"
OTHER = "other"

#: Stages timed by ``diplofeed_stage_duration_seconds``.
STAGES: tuple[str, ...] = ("parse", "extract", "publish", "feed")
#: Where a dead letter was written (``DeadLetter.stage``).
DEAD_LETTER_STAGES: tuple[str, ...] = ("publish", "worker")
#: Stable machine codes of ``DeadLetter.error`` and of publisher rejections (pipeline.errors).
ERROR_CODES: tuple[str, ...] = tuple(code.value for code in ErrorCode)
EVENT_TYPES: tuple[str, ...] = tuple(t.value for t in PloverType)
ENTITY_TYPES: tuple[str, ...] = tuple(get_args(EntityType))
#: Logical topic names (without ``DIPLOFEED_TOPIC_PREFIX``).
TOPICS: tuple[str, ...] = TOPIC_NAMES
#: Partitions above this are labelled "other": lag per partition is only useful for small counts.
MAX_PARTITION = 255

#: Per-stage buckets: a regex parse is sub-millisecond, a spaCy batch can take seconds.
STAGE_BUCKETS: tuple[float, ...] = (
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
)  # fmt: skip
#: End-to-end buckets from 50 ms (everything warm, tiny article) to 60 s (backlog after a restart).
E2E_BUCKETS: tuple[float, ...] = (0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60)


def _bounded(value: object, allowed: frozenset[str]) -> str:
    """Map a label value onto the allowed set; anything else is "other"."""
    text = getattr(value, "value", value)  # enums (PloverType) carry their name in .value
    return text if isinstance(text, str) and text in allowed else OTHER


def _package_version() -> str:
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # pragma: no cover - stdlib on 3.11
        return "unknown"
    try:
        return version("diplofeed")
    except PackageNotFoundError:
        return "unknown"


class Metrics:
    """All diplofeed metrics of one process, in a private registry."""

    def __init__(
        self, service: str = "diplofeed", registry: CollectorRegistry | None = None, topic_prefix: str = ""
    ) -> None:
        self.service = service
        self.registry = registry if registry is not None else CollectorRegistry(auto_describe=True)
        self.topic_prefix = topic_prefix
        self._reasons = frozenset(ERROR_CODES)
        self._dl_stages = frozenset(DEAD_LETTER_STAGES)
        self._stages = frozenset(STAGES)
        self._event_types = frozenset(EVENT_TYPES)
        self._entity_types = frozenset(ENTITY_TYPES)
        self._topics = frozenset(TOPICS)
        reg = self.registry
        ns = NAMESPACE

        # --- ingestion -----------------------------------------------------------
        self._articles_received = Counter(
            "articles_received",
            "Records consumed from the articles topic by workers (valid or not).",
            namespace=ns,
            registry=reg,
        )
        self._articles_processed = Counter(
            "articles_processed",
            "Articles whose entities, quotes and events workers sent downstream.",
            namespace=ns,
            registry=reg,
        )
        self._articles_published = Counter(
            "articles_published",
            "Articles the publisher wrote to the articles topic.",
            namespace=ns,
            registry=reg,
        )
        self._articles_duplicate = Counter(
            "articles_duplicate",
            "Inputs the publisher skipped because their article id was already published.",
            namespace=ns,
            registry=reg,
        )
        self._articles_rejected = Counter(
            "articles_rejected",
            "Inputs the publisher refused, by error code (unknown codes are 'other').",
            ["reason"],
            namespace=ns,
            registry=reg,
        )
        self._dead_letters = Counter(
            "dead_letters",
            "Records written to the dead-letters topic, by stage and error code.",
            ["stage", "reason"],
            namespace=ns,
            registry=reg,
        )

        # --- extraction ----------------------------------------------------------
        self._entities = Counter(
            "entities_extracted",
            "Named entities extracted, by entity type.",
            ["type"],
            namespace=ns,
            registry=reg,
        )
        self._quotes = Counter("quotes_extracted", "Direct quotations extracted.", namespace=ns, registry=reg)
        self._events = Counter(
            "events_extracted",
            "Diplomatic events extracted, by PLOVER type.",
            ["type"],
            namespace=ns,
            registry=reg,
        )

        # --- feed ------------------------------------------------------------------
        self._feed_items = Gauge(
            "feed_items",
            "Items currently live in the rolling feed (this worker's partitions).",
            namespace=ns,
            registry=reg,
        )
        self._feed_merged = Counter(
            "feed_events_merged",
            "Events merged into an existing feed item instead of creating one.",
            namespace=ns,
            registry=reg,
        )
        self._feed_expired = Counter(
            "feed_items_expired",
            "Feed items that left the rolling window (tombstoned).",
            namespace=ns,
            registry=reg,
        )
        self._feed_updates = Counter(
            "feed_updates_published",
            "Feed item updates and tombstones written to the diplomatic-feed topic.",
            namespace=ns,
            registry=reg,
        )

        # --- latency ----------------------------------------------------------------
        self._stage_seconds = Histogram(
            "stage_duration_seconds",
            "Processing time of one pipeline stage (parse, extract, publish, feed).",
            ["stage"],
            namespace=ns,
            registry=reg,
            buckets=STAGE_BUCKETS,
        )
        self._e2e_seconds = Histogram(
            "end_to_end_latency_seconds",
            "Time from an article's publish onto Kafka to the feed update it caused.",
            namespace=ns,
            registry=reg,
            buckets=E2E_BUCKETS,
        )

        # --- consumer / process -------------------------------------------------------
        self._consumer_lag = Gauge(
            "consumer_lag_messages",
            "Messages between the committed offset and the log end, per owned partition.",
            ["topic", "partition"],
            namespace=ns,
            registry=reg,
        )
        self._consumer_rewinds = Counter(
            "consumer_rewinds",
            "Seeks back after an offset jump on an acked topic: the skipped records are read again.",
            ["topic"],
            namespace=ns,
            registry=reg,
        )
        self._model_load = Gauge(
            "model_load_seconds",
            "Wall time the spaCy model took to load at start-up.",
            namespace=ns,
            registry=reg,
        )
        self._build = Info(
            "build", "Version of diplofeed and Python of this process.", namespace=ns, registry=reg
        )
        self._build.info(
            {"service": service, "version": _package_version(), "python": platform.python_version()}
        )
        # Process CPU/memory/fds under our prefix: spaCy's memory is the first thing to look at.
        ProcessCollector(namespace=ns, registry=reg)

        self._initialise_label_sets()

    @classmethod
    def create(cls, service: str, topic_prefix: str = "") -> Metrics:
        """One instance per process: ``Metrics.create("worker")``."""
        return cls(service=service, topic_prefix=topic_prefix)

    def _initialise_label_sets(self) -> None:
        """Export known label combinations at 0 so rate() and alerts see series before the first event."""
        for reason in (*ERROR_CODES, OTHER):
            self._articles_rejected.labels(reason=reason)
            for stage in DEAD_LETTER_STAGES:
                self._dead_letters.labels(stage=stage, reason=reason)
        for entity_type in ENTITY_TYPES:
            self._entities.labels(type=entity_type)
        for event_type in EVENT_TYPES:
            self._events.labels(type=event_type)
        for stage in STAGES:
            self._stage_seconds.labels(stage=stage)

    # --- ingestion -------------------------------------------------------------------
    def article_received(self, n: int = 1) -> None:
        self._articles_received.inc(n)

    def article_processed(self, n: int = 1) -> None:
        self._articles_processed.inc(n)

    def article_published(self, n: int = 1) -> None:
        self._articles_published.inc(n)

    def article_duplicate(self, n: int = 1) -> None:
        self._articles_duplicate.inc(n)

    def article_rejected(self, reason: str) -> None:
        self._articles_rejected.labels(reason=_bounded(reason, self._reasons)).inc()

    def dead_letter(self, stage: str, reason: str) -> None:
        """Count one dead letter; ``reason`` is ``DeadLetter.error`` (the machine code, never free text)."""
        self._dead_letters.labels(
            stage=_bounded(stage, self._dl_stages), reason=_bounded(reason, self._reasons)
        ).inc()

    # --- extraction ----------------------------------------------------------------------
    def entities_extracted(self, entity_type: str, n: int = 1) -> None:
        self._entities.labels(type=_bounded(entity_type, self._entity_types)).inc(n)

    def quotes_extracted(self, n: int = 1) -> None:
        self._quotes.inc(n)

    def event_extracted(self, event_type: str | PloverType, n: int = 1) -> None:
        self._events.labels(type=_bounded(event_type, self._event_types)).inc(n)

    # --- feed --------------------------------------------------------------------------------
    def set_feed_items(self, count: int) -> None:
        self._feed_items.set(count)

    def feed_merged(self, n: int = 1) -> None:
        self._feed_merged.inc(n)

    def feed_expired(self, n: int = 1) -> None:
        self._feed_expired.inc(n)

    def feed_update_published(self, n: int = 1) -> None:
        self._feed_updates.inc(n)

    # --- latency --------------------------------------------------------------------------
    def observe_stage(self, stage: str, seconds: float) -> None:
        self._stage_seconds.labels(stage=_bounded(stage, self._stages)).observe(max(0.0, seconds))

    @contextmanager
    def time_stage(self, stage: str) -> Iterator[None]:
        """``with metrics.time_stage("parse"): ...`` — measured with a monotonic clock."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.observe_stage(stage, time.perf_counter() - start)

    def observe_end_to_end(
        self, published_at: dt.datetime | None, now: dt.datetime | None = None
    ) -> float | None:
        """Record latency from ``Article.published_at`` to now; clock skew below zero counts as 0.

        Returns the observed seconds, or None when the article carried no publish time.
        """
        if published_at is None:
            return None
        if published_at.tzinfo is None:
            published_at = published_at.replace(tzinfo=dt.UTC)
        current = now if now is not None else dt.datetime.now(dt.UTC)
        seconds = max(0.0, (current - published_at).total_seconds())
        self._e2e_seconds.observe(seconds)
        return seconds

    # --- consumer / process -----------------------------------------------------------------
    def _topic_label(self, topic: str) -> str:
        if self.topic_prefix and topic.startswith(self.topic_prefix):
            topic = topic[len(self.topic_prefix) :]
        return _bounded(topic, self._topics)

    @staticmethod
    def _partition_label(partition: int) -> str:
        return str(partition) if isinstance(partition, int) and 0 <= partition <= MAX_PARTITION else OTHER

    def set_consumer_lag(self, topic: str, partition: int, lag: int) -> None:
        """Lag of one partition this process owns (wire or logical topic name)."""
        self._consumer_lag.labels(
            topic=self._topic_label(topic), partition=self._partition_label(partition)
        ).set(max(0, lag))

    def forget_partition(self, topic: str, partition: int) -> None:
        """Drop a revoked partition's lag so two workers never report the same partition after a rebalance."""
        with suppress(KeyError):
            self._consumer_lag.remove(self._topic_label(topic), self._partition_label(partition))

    def consumer_rewound(self, topic: str, n: int = 1) -> None:
        """Records of ``topic`` Faust dropped and the consumer went back for (``n`` seeks)."""
        self._consumer_rewinds.labels(topic=self._topic_label(topic)).inc(n)

    def set_model_load_seconds(self, seconds: float) -> None:
        self._model_load.set(seconds)

    # --- introspection ---------------------------------------------------------------------------
    def series_names(self) -> set[str]:
        """Every sample name this registry can expose (``_total``, ``_bucket``... included).

        Dashboards and alert rules are checked against this, including metrics with no child yet.
        """
        suffixes: dict[str, tuple[str, ...]] = {
            "counter": ("_total", "_created"),
            "histogram": ("_bucket", "_sum", "_count", "_created"),
            "summary": ("", "_sum", "_count", "_created"),
            "info": ("_info",),
            "stateset": ("",),
            "gaugehistogram": ("_bucket", "_gsum", "_gcount"),
        }
        names: set[str] = set()
        for family in self.registry.collect():
            names.update(family.name + suffix for suffix in suffixes.get(family.type, ("",)))
            names.update(sample.name for sample in family.samples)
        return names


def render_latest(metrics: Metrics) -> tuple[bytes, str]:
    """Body and content type for a ``/metrics`` handler (e.g. a faust web view)."""
    return generate_latest(metrics.registry), CONTENT_TYPE_LATEST


def start_http_server(metrics: Metrics, port: int, addr: str = "0.0.0.0") -> tuple[Any, Any]:
    """Serve ``/metrics`` from a daemon thread (the long-running publisher); returns (server, thread)."""
    return _start_http_server(port, addr=addr, registry=metrics.registry)


def bounded_values() -> dict[str, Iterable[str]]:
    """The allowed value set of every label, for documentation and tests."""
    return {
        "reason": (*ERROR_CODES, OTHER),
        "stage(dead_letters)": (*DEAD_LETTER_STAGES, OTHER),
        "stage": (*STAGES, OTHER),
        "type(events)": (*EVENT_TYPES, OTHER),
        "type(entities)": (*ENTITY_TYPES, OTHER),
        "topic": (*TOPICS, OTHER),
        "partition": (*(str(p) for p in range(MAX_PARTITION + 1)), OTHER),
    }
