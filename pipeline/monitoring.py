"""Background tasks of the worker: model warm-up, the feed read model, consumer lag."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from pipeline.feed_view import follow_feed_topic
from pipeline.topics import FEED

if TYPE_CHECKING:
    from pipeline.app import Pipeline

log = logging.getLogger(__name__)
LAG_INTERVAL_S = 5.0


def consumer_lag(pipeline: Pipeline) -> dict[tuple[str, int], int]:
    """Lag of the worker's consumer group per topic partition (end offset - committed)."""
    from kafka import KafkaConsumer, TopicPartition
    from kafka.admin import KafkaAdminClient

    settings = pipeline.settings
    security = settings.kafka_python_security()
    admin = KafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers, client_id="diplofeed-lag", **security
    )
    consumer = KafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers, client_id="diplofeed-lag", **security
    )
    try:
        # Reliability fix: kafka-python 3 renamed list_consumer_group_offsets to list_group_offsets; with
        # the old name alone the lag gauge was never set (the error is only logged at debug level).
        if hasattr(admin, "list_consumer_group_offsets"):
            committed = admin.list_consumer_group_offsets(settings.app_id)
        else:
            committed = admin.list_group_offsets({settings.app_id: None})[settings.app_id]
        watched = {
            pipeline.topics.articles.get_topic_name(),
            pipeline.topics.events.get_topic_name(),
            pipeline.topics.feed_events.get_topic_name(),
        }
        partitions = [TopicPartition(tp.topic, tp.partition) for tp in committed if tp.topic in watched]
        ends = consumer.end_offsets(partitions) if partitions else {}
        return {
            (tp.topic, tp.partition): max(0, ends[tp] - committed[tp].offset)
            for tp in partitions
            if committed[tp].offset >= 0
        }
    finally:
        consumer.close()
        admin.close()


def register(pipeline: Pipeline) -> None:
    """Attach the worker's background tasks."""
    app, metrics, settings = pipeline.app, pipeline.metrics, pipeline.settings

    @app.task
    async def warm_model() -> None:
        seconds = await pipeline.extractor.aload()
        metrics.set_model_load_seconds(seconds)
        log.info("spaCy model %s loaded in %.2fs", settings.spacy_model, seconds)

    @app.task
    async def feed_view() -> None:
        await follow_feed_topic(
            pipeline.feed_view,
            settings.bootstrap_servers,
            settings.topic(FEED),
            settings.aiokafka_security(),
        )

    @app.timer(LAG_INTERVAL_S)
    async def measure_lag() -> None:
        try:
            lags = await asyncio.get_running_loop().run_in_executor(None, consumer_lag, pipeline)
        except Exception as error:
            log.debug("consumer lag not measured: %s", error)
            return
        for (topic, partition), lag in lags.items():
            metrics.set_consumer_lag(topic, partition, lag)
