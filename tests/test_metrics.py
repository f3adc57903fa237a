"""pipeline.metrics: names, bounded labels, and an exposition that promtool accepts."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import urllib.request

import pytest
from prometheus_client import CollectorRegistry

from pipeline.metrics import (
    E2E_BUCKETS,
    ERROR_CODES,
    EVENT_TYPES,
    OTHER,
    Metrics,
    bounded_values,
    render_latest,
    start_http_server,
)

PROMTOOL_MISSING = (
    "promtool not found on PATH: install the Debian package `prometheus` "
    "(apt-get update && apt-get install -y prometheus), which ships /usr/bin/promtool"
)


def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        pytest.fail(PROMTOOL_MISSING)
    return path


def value(metrics: Metrics, name: str, **labels: str) -> float:
    sample = metrics.registry.get_sample_value(name, labels)
    assert sample is not None, f"{name}{labels} is not exported"
    return sample


def exercised() -> Metrics:
    """A Metrics instance on which every method has been called at least once."""
    m = Metrics.create("worker")
    m.article_received(3)
    m.article_published()
    m.article_duplicate()
    m.article_rejected("invalid_json")
    m.dead_letter("worker", "missing_body")
    m.entities_extracted("PERSON", 2)
    m.quotes_extracted(4)
    m.event_extracted("CONSULT")
    m.set_feed_items(7)
    m.feed_merged()
    m.feed_expired()
    m.feed_update_published(2)
    m.observe_stage("parse", 0.02)
    with m.time_stage("extract"):
        pass
    m.observe_end_to_end(dt.datetime.now(dt.UTC) - dt.timedelta(seconds=2))
    m.set_consumer_lag("articles", 0, 12)
    m.set_model_load_seconds(1.5)
    m.consumer_rewound("articles", 2)
    return m


def test_instances_are_independent() -> None:
    a, b = Metrics.create("worker"), Metrics.create("publisher")
    a.article_received()
    assert value(a, "diplofeed_articles_received_total") == 1
    assert value(b, "diplofeed_articles_received_total") == 0
    assert a.registry is not b.registry


def test_explicit_registry_is_used() -> None:
    registry = CollectorRegistry()
    m = Metrics(service="worker", registry=registry)
    m.quotes_extracted(2)
    assert registry.get_sample_value("diplofeed_quotes_extracted_total") == 2


def test_counts_move() -> None:
    m = exercised()
    assert value(m, "diplofeed_articles_received_total") == 3
    assert value(m, "diplofeed_articles_published_total") == 1
    assert value(m, "diplofeed_articles_duplicate_total") == 1
    assert value(m, "diplofeed_articles_rejected_total", reason="invalid_json") == 1
    assert value(m, "diplofeed_dead_letters_total", stage="worker", reason="missing_body") == 1
    assert value(m, "diplofeed_entities_extracted_total", type="PERSON") == 2
    assert value(m, "diplofeed_quotes_extracted_total") == 4
    assert value(m, "diplofeed_events_extracted_total", type="CONSULT") == 1
    assert value(m, "diplofeed_feed_items") == 7
    assert value(m, "diplofeed_feed_events_merged_total") == 1
    assert value(m, "diplofeed_feed_items_expired_total") == 1
    assert value(m, "diplofeed_feed_updates_published_total") == 2
    assert value(m, "diplofeed_stage_duration_seconds_count", stage="parse") == 1
    assert value(m, "diplofeed_stage_duration_seconds_count", stage="extract") == 1
    assert value(m, "diplofeed_end_to_end_latency_seconds_count") == 1
    assert value(m, "diplofeed_consumer_lag_messages", topic="articles", partition="0") == 12
    assert value(m, "diplofeed_model_load_seconds") == 1.5
    assert value(m, "diplofeed_consumer_rewinds_total", topic="articles") == 2
    labels = _build_labels(m)
    assert value(m, "diplofeed_build_info", **labels) == 1


def _build_labels(m: Metrics) -> dict[str, str]:
    for family in m.registry.collect():
        if family.name == "diplofeed_build":
            return dict(family.samples[0].labels)
    raise AssertionError("diplofeed_build_info missing")


def test_build_info_labels() -> None:
    labels = _build_labels(Metrics.create("publisher"))
    assert set(labels) == {"service", "version", "python"}
    assert labels["service"] == "publisher"
    assert labels["python"].startswith("3.")


def test_every_metric_is_prefixed_and_named_by_convention() -> None:
    m = exercised()
    for family in m.registry.collect():
        assert family.name.startswith("diplofeed_"), family.name
        assert family.documentation.strip(), f"{family.name} has no help text"
        if family.type == "counter":
            assert all(s.name.endswith(("_total", "_created")) for s in family.samples), family.name
        if family.type == "histogram":
            assert family.name.endswith("_seconds"), family.name


def test_known_label_sets_are_exported_before_first_event() -> None:
    m = Metrics.create("worker")
    for event_type in EVENT_TYPES:
        assert value(m, "diplofeed_events_extracted_total", type=event_type) == 0
    for reason in ERROR_CODES:
        assert value(m, "diplofeed_dead_letters_total", stage="worker", reason=reason) == 0
    assert value(m, "diplofeed_stage_duration_seconds_count", stage="feed") == 0
    assert len(EVENT_TYPES) == 16


def test_invalid_label_values_map_to_other() -> None:
    m = Metrics.create("worker")
    m.article_rejected("Traceback: free text with an article id 0123456789abcdef")
    m.dead_letter("somewhere", "not-a-code")
    m.entities_extracted("DATE")
    m.event_extracted("PARTY")
    m.observe_stage("sleep", 1.0)
    m.set_consumer_lag("some-changelog-topic", 9999, 3)
    m.set_consumer_lag("articles", -1, 4)
    assert value(m, "diplofeed_articles_rejected_total", reason=OTHER) == 1
    assert value(m, "diplofeed_dead_letters_total", stage=OTHER, reason=OTHER) == 1
    assert value(m, "diplofeed_entities_extracted_total", type=OTHER) == 1
    assert value(m, "diplofeed_events_extracted_total", type=OTHER) == 1
    assert value(m, "diplofeed_stage_duration_seconds_count", stage=OTHER) == 1
    assert value(m, "diplofeed_consumer_lag_messages", topic=OTHER, partition=OTHER) == 3
    assert value(m, "diplofeed_consumer_lag_messages", topic="articles", partition=OTHER) == 4


def test_label_values_stay_within_the_bounded_sets() -> None:
    """Hammer every labelled method with junk: each label only ever takes an allowed value."""
    m = Metrics.create("worker")
    junk = ["", "x" * 500, "ACCUSE ", "accuse", "rm -rf /", "a1b2c3d4e5f6", "Vladimir Putin", "🙂"]
    for text in junk:
        m.article_rejected(text)
        m.dead_letter(text, text)
        m.entities_extracted(text)
        m.event_extracted(text)
        m.observe_stage(text, 0.1)
        m.set_consumer_lag(text, len(text) * 1000, 1)
    allowed = bounded_values()
    by_label = {
        "diplofeed_articles_rejected": {"reason": allowed["reason"]},
        "diplofeed_dead_letters": {"reason": allowed["reason"], "stage": allowed["stage(dead_letters)"]},
        "diplofeed_entities_extracted": {"type": allowed["type(entities)"]},
        "diplofeed_events_extracted": {"type": allowed["type(events)"]},
        "diplofeed_stage_duration_seconds": {"stage": allowed["stage"], "le": None},
        "diplofeed_consumer_lag_messages": {"topic": allowed["topic"], "partition": allowed["partition"]},
    }
    for family in m.registry.collect():
        rules = by_label.get(family.name)
        if rules is None:
            continue
        for sample in family.samples:
            for label, label_value in sample.labels.items():
                assert label in rules, f"{family.name} has unexpected label {label}"
                if rules[label] is not None:
                    assert label_value in set(rules[label]), f"{family.name}{{{label}={label_value!r}}}"


def test_enum_event_type_is_accepted() -> None:
    from schemas.records import PloverType

    m = Metrics.create("worker")
    m.event_extracted(PloverType.THREATEN)
    assert value(m, "diplofeed_events_extracted_total", type="THREATEN") == 1


def test_forget_partition_removes_the_series() -> None:
    m = Metrics.create("worker", topic_prefix="test-")
    m.set_consumer_lag("test-articles", 2, 10)
    assert value(m, "diplofeed_consumer_lag_messages", topic="articles", partition="2") == 10
    m.forget_partition("test-articles", 2)
    assert (
        m.registry.get_sample_value(
            "diplofeed_consumer_lag_messages", {"topic": "articles", "partition": "2"}
        )
        is None
    )
    m.forget_partition("test-articles", 2)  # idempotent


def test_end_to_end_latency_buckets_and_clock_skew() -> None:
    assert E2E_BUCKETS[0] == 0.05 and E2E_BUCKETS[-1] == 60
    m = Metrics.create("worker")
    now = dt.datetime(2025, 1, 1, 12, 0, 0, tzinfo=dt.UTC)
    assert m.observe_end_to_end(now - dt.timedelta(seconds=0.2), now=now) == pytest.approx(0.2)
    assert m.observe_end_to_end(now + dt.timedelta(seconds=5), now=now) == 0.0  # skewed clock
    assert m.observe_end_to_end(None) is None
    assert value(m, "diplofeed_end_to_end_latency_seconds_count") == 2
    assert value(m, "diplofeed_end_to_end_latency_seconds_bucket", le="0.25") == 2
    assert value(m, "diplofeed_end_to_end_latency_seconds_bucket", le="0.05") == 1


def test_render_latest_is_text_exposition() -> None:
    body, content_type = render_latest(exercised())
    assert content_type.startswith("text/plain")
    text = body.decode()
    assert "# TYPE diplofeed_articles_received_total counter" in text
    assert 'diplofeed_events_extracted_total{type="CONSULT"} 1.0' in text


def test_promtool_check_metrics_accepts_the_exposition() -> None:
    body, _ = render_latest(exercised())
    result = subprocess.run(
        [promtool(), "check", "metrics"], input=body, capture_output=True, timeout=60, check=False
    )
    output = (result.stdout + result.stderr).decode()
    assert result.returncode == 0, output
    assert output.strip() == "", f"promtool lint findings:\n{output}"


def test_start_http_server_serves_the_registry() -> None:
    m = Metrics.create("publisher")
    m.article_published(5)
    server, thread = start_http_server(m, 0, "127.0.0.1")
    try:
        port = server.server_address[1]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
            text = response.read().decode()
        assert "diplofeed_articles_published_total 5.0" in text
        assert "python_gc_objects_collected_total" not in text  # default registry is not mixed in
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_every_publisher_rejection_code_is_a_known_reason() -> None:
    """The codes pipeline.ingest emits get their own series instead of collapsing into "other"."""
    import re
    from pathlib import Path

    ingest = Path(__file__).resolve().parent.parent / "pipeline" / "ingest"
    codes: set[str] = set()
    for path in ingest.rglob("*.py"):  # the format readers too
        codes |= set(re.findall(r'Rejection\(\s*"([a-z_]+)"', path.read_text()))
    assert codes, "no Rejection codes found in pipeline/ingest"
    assert codes <= set(ERROR_CODES), (
        f"add {sorted(codes - set(ERROR_CODES))} to pipeline.metrics.ERROR_CODES"
    )
