"""Running a worker process: topics ensured, pipeline built, Faust worker started."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import faust

from pipeline.app import Pipeline, build_pipeline, worker_state_dir
from pipeline.config import Settings
from pipeline.metrics import Metrics
from pipeline.topology import create_topics, lagged_topics

CLEAN_SHUTDOWN_MARKER = "clean-shutdown"


def prepare_worker(settings: Settings) -> Pipeline:
    """Create missing topics (checking partition counts) and build the pipeline."""
    create_topics(settings)
    initialise_group_offsets(settings)
    discard_state_after_crash(worker_state_dir(settings))
    return build_pipeline(settings, Metrics.create("worker", topic_prefix=settings.topic_prefix))


def discard_state_after_crash(state_dir: Path) -> bool:
    """Delete local table state unless the last run stopped cleanly; True when it was deleted.

    The tables write RocksDB at once and their changelogs (the feed topic among them) through the
    producer.  A killed worker can leave RocksDB ahead of what reached Kafka, and Faust would trust
    it; rebuilding from the changelogs makes the state exactly what consumers of the feed saw.
    """
    marker = state_dir / CLEAN_SHUTDOWN_MARKER
    if marker.exists():
        marker.unlink()
        return False
    if state_dir.exists() and any(state_dir.iterdir()):
        logging.getLogger(__name__).warning(
            "last worker did not stop cleanly: rebuilding tables from changelogs"
        )
        shutil.rmtree(state_dir)
        return True
    return False


def initialise_group_offsets(settings: Settings) -> None:
    """Reliability fix: give every input partition a committed offset (its log start) before Faust joins.

    Faust drops records fetched while a rebalance's recovery runs and then seeks to the committed
    offsets; a partition without one is not rewound, so its first records were skipped for good
    (seen with a second worker joining a new group while articles flowed).  Only possible while the
    group has no live members (a new deployment); otherwise the commit is refused and nothing changes.
    The log start of a new topic is 0, which aiokafka's own seek to the committed offsets ignores:
    ``pipeline.consumer.LosslessConsumerThread`` is what makes the rewind to it happen.
    """
    from kafka import KafkaConsumer, TopicPartition
    from kafka.structs import OffsetAndMetadata

    consumer = KafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers,
        group_id=settings.app_id,
        enable_auto_commit=False,
        client_id="diplofeed-offsets",
        **settings.kafka_python_security(),
    )
    try:
        partitions = [
            TopicPartition(topic, partition)
            for topic in lagged_topics(settings)
            for partition in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        missing = [tp for tp in partitions if consumer.committed(tp) is None]
        if missing:
            starts = consumer.beginning_offsets(missing)
            fields = len(OffsetAndMetadata._fields)  # (offset, metadata[, leader_epoch]) by version
            consumer.commit({tp: OffsetAndMetadata(starts[tp], "", *([-1] * (fields - 2))) for tp in missing})
    except Exception as error:  # an active group refuses a commit from outside it: nothing to do then
        logging.getLogger(__name__).info("group offsets not initialised: %s", error)
    finally:
        consumer.close()


def run_worker(settings: Settings) -> None:
    """Run until SIGINT/SIGTERM; Faust commits offsets and flushes on the way out."""
    pipeline = prepare_worker(settings)
    logging.basicConfig(level=settings.log_level, format="[%(asctime)s] %(levelname)s %(name)s: %(message)s")
    worker = faust.Worker(pipeline.app, loglevel=settings.log_level, quiet=True, redirect_stdouts=False)
    try:
        worker.execute_from_commandline()
    except SystemExit as stop:
        if not stop.code:  # Faust stopped, committed and flushed: the local state matches Kafka
            (worker_state_dir(settings) / CLEAN_SHUTDOWN_MARKER).touch()
        raise
    finally:
        pipeline.extractor.close()
