"""A real Prometheus scrapes a real worker while the seeds flow; counters and histograms move."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import Settings
from tests.conftest import SEEDS, free_port
from tests.prometheus_server import start_prometheus
from tests.test_worker_pipeline import publish
from tests.worker_process import running_worker

pytestmark = pytest.mark.kafka


def value(result: list[dict[str, object]]) -> float:
    return sum(float(sample["value"][1]) for sample in result)  # type: ignore[index]


def test_prometheus_sees_the_pipeline_work(settings: Settings, tmp_path: Path) -> None:
    with running_worker(settings, tmp_path / "worker.log") as worker:
        target = f"127.0.0.1:{settings.web_port}"
        with start_prometheus([target], tmp_path / "prometheus", free_port()) as prometheus:
            prometheus.wait_for_target_up(timeout=60)
            assert value(prometheus.query("diplofeed_articles_received_total")) == 0
            publish(settings, SEEDS)
            worker.wait_for(lambda: (worker.get("/feed") or {}).get("items"), what="feed items")

            def at_least(expr: str, minimum: float) -> float:
                return value(
                    prometheus.wait_until(expr, lambda r: bool(r) and value(r) >= minimum, timeout=60)
                )

            assert at_least("diplofeed_articles_received_total", 2) == 2
            assert at_least('sum(diplofeed_events_extracted_total{type="CONSULT"})', 1) >= 1
            assert at_least("sum(diplofeed_entities_extracted_total)", 10) >= 10
            assert at_least("diplofeed_quotes_extracted_total", 1) >= 1
            assert at_least('diplofeed_stage_duration_seconds_count{stage="parse"}', 1) >= 1
            assert at_least('diplofeed_stage_duration_seconds_count{stage="feed"}', 1) >= 1
            assert at_least("diplofeed_end_to_end_latency_seconds_count", 1) >= 1
            assert at_least("diplofeed_feed_updates_published_total", 1) >= 1
            assert at_least("diplofeed_feed_items", 1) >= 1
            assert at_least("diplofeed_model_load_seconds", 0.01) > 0
            assert at_least("diplofeed_build_info", 1) == 1
            # the lag sampler reports every articles partition once the group has committed (lag back to 0)
            lag = prometheus.wait_until(
                'diplofeed_consumer_lag_messages{topic="articles"}',
                lambda r: len(r) == settings.articles_partitions and value(r) == 0,
                timeout=60,
            )
            assert {sample["metric"]["partition"] for sample in lag} == {  # type: ignore[index]
                str(p) for p in range(settings.articles_partitions)
            }
            p99 = prometheus.query(
                "histogram_quantile(0.99, sum by (le) (diplofeed_end_to_end_latency_seconds_bucket))"
            )
            assert p99 and float(p99[0]["value"][1]) > 0
            assert value(prometheus.query('diplofeed_dead_letters_total{stage="worker"}')) == 0
            rules = prometheus.rules()
            assert any(rule["name"] == "WorkerDown" for group in rules for rule in group["rules"])
