"""deploy/prometheus: promtool accepts config and rules, rule unit tests pass, a real server scrapes us."""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import start_http_server as client_http_server

from pipeline.metrics import Metrics

try:  # tests/ is on sys.path under pytest's default import mode; tests.* when it is a package
    from prometheus_server import (
        DEPLOY_PROMETHEUS,
        MISSING,
        PUBLISHER_JOB,
        WORKER_JOB,
        derived_config,
        prometheus_binary,
        promql_metric_names,
        start_prometheus,
    )
except ModuleNotFoundError:  # pragma: no cover
    from tests.prometheus_server import (
        DEPLOY_PROMETHEUS,
        MISSING,
        PUBLISHER_JOB,
        WORKER_JOB,
        derived_config,
        prometheus_binary,
        promql_metric_names,
        start_prometheus,
    )

REQUIRED_ALERTS = {
    "WorkerDown",
    "ConsumerLagGrowing",
    "DeadLetterRateHigh",
    "NoArticles",
    "EndToEndLatencyP99High",
}
SEVERITIES = {"critical", "warning", "info"}
PROMTOOL_MISSING = (
    "promtool not found on PATH: install the Debian package `prometheus` "
    "(apt-get update && apt-get install -y prometheus), which ships /usr/bin/promtool"
)


def promtool(*args: str, cwd: Path = DEPLOY_PROMETHEUS) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("promtool")
    if binary is None:
        pytest.fail(PROMTOOL_MISSING)
    return subprocess.run([binary, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def load(name: str) -> Any:
    return yaml.safe_load((DEPLOY_PROMETHEUS / name).read_text())


def alert_rules() -> list[dict[str, Any]]:
    return [rule for group in load("alerts.yml")["groups"] for rule in group["rules"] if "alert" in rule]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- promtool ------------------------------------------------------------------------------------


def test_promtool_check_config() -> None:
    result = promtool("check", "config", "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_check_config_of_the_live_test_variant(tmp_path: Path) -> None:
    """The config tests/prometheus_server.py derives (static targets, absolute rule paths) is valid too."""
    path = tmp_path / "prometheus.yml"
    path.write_text(yaml.safe_dump(derived_config(["127.0.0.1:6066"], ["127.0.0.1:9466"])))
    result = promtool("check", "config", str(path), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_check_rules() -> None:
    result = promtool("check", "rules", "alerts.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_test_rules() -> None:
    result = promtool("test", "rules", "alerts_test.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


# --- structure ------------------------------------------------------------------------------------


def test_scrape_config_discovers_every_worker_replica() -> None:
    config = load("prometheus.yml")
    assert config["rule_files"] == ["alerts.yml"]
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    worker = jobs[WORKER_JOB]
    assert worker.get("metrics_path", "/metrics") == "/metrics"
    assert worker["dns_sd_configs"] == [
        {"names": ["worker"], "type": "A", "port": 6066, "refresh_interval": "15s"}
    ]
    publisher = jobs[PUBLISHER_JOB]
    assert publisher.get("metrics_path", "/metrics") == "/metrics"
    assert publisher["static_configs"][0]["targets"] == ["publisher:9466"]


def test_required_alerts_have_severity_and_annotations() -> None:
    rules = {rule["alert"]: rule for rule in alert_rules()}
    assert set(rules) >= REQUIRED_ALERTS
    for name, rule in rules.items():
        assert rule["labels"]["severity"] in SEVERITIES, name
        assert rule["annotations"]["summary"].strip(), name
        assert len(rule["annotations"]["description"]) > 60, name
    assert "for:" in rules["NoArticles"]["annotations"]["description"]  # says how to change the quiet time
    assert "histogram_quantile(0.99" in rules["EndToEndLatencyP99High"]["expr"]


def test_alert_exprs_use_only_registered_metrics() -> None:
    known = Metrics.create("test").series_names() | {"up"}
    for rule in alert_rules():
        names = promql_metric_names(rule["expr"])
        assert names, rule["alert"]
        assert names <= known, f"{rule['alert']} uses unregistered metrics {names - known}"


def test_every_alert_has_a_firing_and_a_quiet_unit_test() -> None:
    firing: set[str] = set()
    quiet: set[str] = set()
    for case in load("alerts_test.yml")["tests"]:
        for check in case.get("alert_rule_test", []):
            (firing if check.get("exp_alerts") else quiet).add(check["alertname"])
    names = {rule["alert"] for rule in alert_rules()}
    assert names <= firing, f"no firing test for {names - firing}"
    assert names <= quiet, f"no quiet test for {names - quiet}"


def test_promql_metric_names_helper() -> None:
    expr = 'sum by (le) (rate(a_bucket{job=~"$job", x="y(z)"}[$__rate_interval])) / 1e-9 + on(i) group_left b'
    assert promql_metric_names(expr) == {"a_bucket", "b"}
    assert promql_metric_names("histogram_quantile(0.99, sum(rate(c[5m])) by (le)) > bool 2") == {"c"}


# --- live: a real Prometheus scraping a real endpoint --------------------------------------------------


@pytest.fixture
def exporter() -> Any:
    """A prometheus_client HTTP server on 127.0.0.1 exposing a fresh Metrics instance."""
    metrics = Metrics.create("worker")
    server, thread = client_http_server(0, addr="127.0.0.1", registry=metrics.registry)
    try:
        yield metrics, f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_live_prometheus_scrapes_metrics(tmp_path: Path, exporter: Any) -> None:
    if prometheus_binary() is None:
        pytest.fail(MISSING)
    metrics, target = exporter
    metrics.article_received(2)
    with start_prometheus([target], tmp_path, free_port()) as prom:
        prom.wait_for_target_up(timeout=30)
        up = prom.query(f'up{{job="{WORKER_JOB}"}}')
        assert [(r["metric"]["instance"], r["value"][1]) for r in up] == [(target, "1")]
        selector = f'diplofeed_articles_received_total{{job="{WORKER_JOB}"}}'
        prom.wait_until(selector, lambda r: r and float(r[0]["value"][1]) == 2.0, timeout=20)

        metrics.article_received(5)
        metrics.event_extracted("CONSULT")
        result = prom.wait_until(selector, lambda r: r and float(r[0]["value"][1]) == 7.0, timeout=20)
        assert result[0]["metric"]["instance"] == target
        events = prom.wait_until(
            'diplofeed_events_extracted_total{type="CONSULT"}',
            lambda r: r and r[0]["value"][1] == "1",
            timeout=20,
        )
        assert events[0]["metric"]["job"] == WORKER_JOB

        groups = prom.rules()  # the deploy rule file is loaded and evaluated
        loaded = {rule["name"] for group in groups for rule in group["rules"]}
        assert loaded >= REQUIRED_ALERTS
        worker_down = [r for g in groups for r in g["rules"] if r["name"] == "WorkerDown"]
        assert worker_down[0]["state"] == "inactive"
    assert prom.process.poll() is not None  # stopped
