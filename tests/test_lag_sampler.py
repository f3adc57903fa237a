"""The worker's consumer-lag sampler against the real broker: committed offsets vs log ends."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.structs import OffsetAndMetadata

from pipeline.config import Settings
from pipeline.monitoring import LagSampler
from pipeline.topology import ARTICLES, create_topics

pytestmark = pytest.mark.kafka


def _commit(settings: Settings, offsets: dict[TopicPartition, int]) -> None:
    consumer = KafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers, group_id=settings.app_id, enable_auto_commit=False
    )
    try:
        fields = len(OffsetAndMetadata._fields)  # (offset, metadata[, leader_epoch]) by kafka-python version
        consumer.commit({tp: OffsetAndMetadata(o, "", *([-1] * (fields - 2))) for tp, o in offsets.items()})
    finally:
        consumer.close()


def test_lag_is_end_minus_committed_and_clients_are_reused(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    create_topics(settings)
    topic = ARTICLES.wire_name(settings)
    producer = KafkaProducer(bootstrap_servers=settings.bootstrap_servers)
    try:
        for n in range(7):
            producer.send(topic, key=b"k", value=str(n).encode(), partition=1)
        for n in range(3):
            producer.send(topic, key=b"k", value=str(n).encode(), partition=2)
        producer.flush()
    finally:
        producer.close()
    _commit(settings, {TopicPartition(topic, 1): 2, TopicPartition(topic, 2): 3, TopicPartition(topic, 0): 0})

    sampler = LagSampler(settings)
    try:
        first = sampler.sample()
        assert first == {(topic, 0): 0, (topic, 1): 5, (topic, 2): 0}
        _commit(settings, {TopicPartition(topic, 1): 6})
        assert sampler.sample()[(topic, 1)] == 1
        assert sampler.connections_opened == 1  # one admin client and consumer for every sample
    finally:
        sampler.close()


def test_a_failed_sample_reconnects_next_time(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    create_topics(settings)
    sampler = LagSampler(settings)
    try:
        assert sampler.sample() == {}  # no committed offsets yet: nothing to report
        admin, _ = sampler._connect()
        admin.close()  # a connection that went away under the sampler
        with pytest.raises(Exception):  # noqa: B017 - whichever error kafka-python raises for it
            sampler.sample()
        assert sampler.sample() == {}
        assert sampler.connections_opened == 2
    finally:
        sampler.close()
