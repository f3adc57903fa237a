"""Background tasks of the worker: model warm-up, the feed read model, consumer lag."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from pipeline.config import Settings
from pipeline.serving.feed_view import follow_feed_topic
from pipeline.topology import FEED, lagged_topics

if TYPE_CHECKING:
    import faust

    from pipeline.extraction.batch import BatchExtractor
    from pipeline.metrics import Metrics
    from pipeline.serving.feed_view import FeedView

log = logging.getLogger(__name__)
LAG_INTERVAL_S = 5.0


class LagSampler:
    """Lag of the worker's consumer group per watched partition (end offset - committed offset).

    Keeps one kafka-python admin client and consumer for every sample instead of opening two
    connections every few seconds; a failed sample drops them so the next one reconnects.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.watched = frozenset(lagged_topics(settings))
        self._clients: tuple[Any, Any] | None = None
        self.connections_opened = 0

    def _connect(self) -> tuple[Any, Any]:
        from kafka import KafkaConsumer
        from kafka.admin import KafkaAdminClient

        if self._clients is None:
            security = self.settings.kafka_python_security()
            servers = self.settings.bootstrap_servers
            admin = KafkaAdminClient(bootstrap_servers=servers, client_id="diplofeed-lag", **security)
            try:
                consumer = KafkaConsumer(bootstrap_servers=servers, client_id="diplofeed-lag", **security)
            except Exception:
                admin.close()
                raise
            self._clients = (admin, consumer)
            self.connections_opened += 1
        return self._clients

    def sample(self) -> dict[tuple[str, int], int]:
        """One reading; raises (after dropping the clients) when Kafka cannot answer."""
        from kafka import TopicPartition

        admin, consumer = self._connect()
        try:
            # Reliability fix: kafka-python 3 renamed list_consumer_group_offsets to list_group_offsets;
            # with the old name alone the lag gauge was never set (the error is only logged at debug).
            if hasattr(admin, "list_consumer_group_offsets"):
                committed = admin.list_consumer_group_offsets(self.settings.app_id)
            else:
                committed = admin.list_group_offsets({self.settings.app_id: None})[self.settings.app_id]
            watched = [tp for tp in committed if tp.topic in self.watched]
            partitions = [TopicPartition(tp.topic, tp.partition) for tp in watched]
            ends = consumer.end_offsets(partitions) if partitions else {}
        except Exception:
            self.close()
            raise
        return {
            (tp.topic, tp.partition): max(0, ends[tp] - committed[tp].offset)
            for tp in partitions
            if committed[tp].offset >= 0
        }

    def close(self) -> None:
        if self._clients is not None:
            admin, consumer = self._clients
            self._clients = None
            consumer.close()
            admin.close()


def register(
    app: faust.App, settings: Settings, metrics: Metrics, extractor: BatchExtractor, view: FeedView
) -> None:
    """Attach the worker's background tasks."""

    @app.task
    async def warm_model() -> None:
        seconds = await extractor.aload()
        metrics.set_model_load_seconds(seconds)
        log.info("spaCy model %s loaded in %.2fs", settings.spacy_model, seconds)

    @app.task
    async def feed_view() -> None:
        await follow_feed_topic(
            view,
            settings.bootstrap_servers,
            FEED.wire_name(settings),
            settings.aiokafka_security(),
        )

    @app.task
    async def measure_lag() -> None:
        sampler = LagSampler(settings)
        loop = asyncio.get_running_loop()
        counted: dict[str, int] = {}
        try:
            while True:
                await asyncio.sleep(LAG_INTERVAL_S)
                for topic, total in getattr(app.consumer, "rewinds", {}).items():
                    if total > counted.get(topic, 0):
                        metrics.consumer_rewound(topic, total - counted.get(topic, 0))
                        counted[topic] = total
                try:
                    lags = await loop.run_in_executor(None, sampler.sample)
                except Exception as error:
                    log.debug("consumer lag not measured: %s", error)
                    continue
                for (topic, partition), lag in lags.items():
                    metrics.set_consumer_lag(topic, partition, lag)
        finally:  # cancelled when the worker stops
            await loop.run_in_executor(None, sampler.close)
