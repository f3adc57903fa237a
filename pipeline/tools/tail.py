"""`diplofeed tail`: print the records of any topic as JSON lines, a minimal downstream consumer."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from typing import Any, TextIO

from kafka import KafkaConsumer, TopicPartition

from pipeline.config import Settings


def iter_topic(
    settings: Settings,
    topic: str,
    *,
    from_beginning: bool = True,
    idle_timeout_s: float | None = None,
    max_records: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Records of ``topic`` (wire name) as dicts, reading every partition without a consumer group.

    Stops after ``max_records`` or when nothing arrives for ``idle_timeout_s``.
    """
    consumer = KafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers,
        client_id="diplofeed-tail",
        group_id=None,
        enable_auto_commit=False,
        **settings.kafka_python_security(),
    )
    try:
        partitions = consumer.partitions_for_topic(topic)
        if not partitions:
            raise SystemExit(f"topic {topic!r} does not exist on {settings.bootstrap_servers}")
        assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(assigned)
        if from_beginning:
            consumer.seek_to_beginning(*assigned)
        else:
            consumer.seek_to_end(*assigned)
        count = 0
        last = time.monotonic()
        while True:
            batch = consumer.poll(timeout_ms=200)
            for records in batch.values():
                for record in records:
                    yield _as_dict(record)
                    count += 1
                    last = time.monotonic()
                    if max_records is not None and count >= max_records:
                        return
            if not batch and idle_timeout_s is not None and time.monotonic() - last > idle_timeout_s:
                return
    finally:
        consumer.close()


def _as_dict(record: Any) -> dict[str, Any]:
    value: Any
    if record.value is None:
        value = None  # a tombstone
    else:
        try:
            value = json.loads(record.value)
        except (ValueError, UnicodeDecodeError):
            value = {"_undecodable": record.value[:200].decode("utf-8", errors="replace")}
    return {
        "topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
        "key": record.key.decode("utf-8", errors="replace") if record.key is not None else None,
        "timestamp_ms": record.timestamp,
        "value": value,
    }


def tail(
    settings: Settings,
    topic: str,
    *,
    from_beginning: bool,
    idle_timeout_s: float | None,
    max_records: int | None,
    values_only: bool,
    out: TextIO | None = None,
) -> int:
    out = out or sys.stdout
    count = 0
    for record in iter_topic(
        settings, topic, from_beginning=from_beginning, idle_timeout_s=idle_timeout_s, max_records=max_records
    ):
        out.write(json.dumps(record["value"] if values_only else record, ensure_ascii=False) + "\n")
        out.flush()
        count += 1
    return count
