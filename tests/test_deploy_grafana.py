"""deploy/grafana: the dashboard parses, queries only metrics we export, and provisioning lines up."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.metrics import Metrics

try:  # tests/ is on sys.path under pytest's default import mode; tests.* when it is a package
    from prometheus_server import promql_metric_names
except ModuleNotFoundError:  # pragma: no cover
    from tests.prometheus_server import promql_metric_names

REPO = Path(__file__).resolve().parent.parent
GRAFANA = REPO / "deploy" / "grafana"
DASHBOARD = GRAFANA / "dashboards" / "diplofeed.json"
DATASOURCES = GRAFANA / "provisioning" / "datasources" / "prometheus.yml"
PROVIDERS = GRAFANA / "provisioning" / "dashboards" / "diplofeed.yml"


def dashboard() -> dict[str, Any]:
    return json.loads(DASHBOARD.read_text())


def panels() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for panel in dashboard()["panels"]:
        found.append(panel)
        found.extend(panel.get("panels", []))  # collapsed rows keep their panels inside
    return [panel for panel in found if panel.get("type") != "row"]


def exprs() -> list[tuple[str, str]]:
    return [(panel["title"], target["expr"]) for panel in panels() for target in panel.get("targets", [])]


def compose_service(name: str) -> dict[str, Any]:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"][name]


def bind_mounts(service: dict[str, Any]) -> dict[str, str]:
    """Host source (relative, normalised) -> container target for ./ bind mounts."""
    mounts = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, str) and volume.startswith("./"):
            source, target = volume.split(":")[:2]
            mounts[source.removeprefix("./").rstrip("/")] = target.rstrip("/")
    return mounts


def test_dashboard_json_is_valid_and_identified() -> None:
    board = dashboard()
    assert board["uid"] == "diplofeed"
    assert board["title"]
    assert isinstance(board["schemaVersion"], int)
    ids = [panel["id"] for panel in panels()]
    assert len(ids) == len(set(ids)), "panel ids must be unique"


def test_every_panel_uses_the_provisioned_datasource_by_uid() -> None:
    uid = yaml.safe_load(DATASOURCES.read_text())["datasources"][0]["uid"]
    for panel in panels():
        assert panel["datasource"] == {"type": "prometheus", "uid": uid}, panel["title"]
        assert panel["targets"], f"{panel['title']} has no query"
        for target in panel["targets"]:
            assert target.get("datasource", panel["datasource"]) == panel["datasource"], panel["title"]
            assert target["expr"].strip(), panel["title"]


def test_panels_do_not_overlap() -> None:
    cells: dict[tuple[int, int], str] = {}
    for panel in panels():
        pos = panel["gridPos"]
        assert pos["x"] >= 0 and pos["x"] + pos["w"] <= 24, panel["title"]
        for x in range(pos["x"], pos["x"] + pos["w"]):
            for y in range(pos["y"], pos["y"] + pos["h"]):
                assert (x, y) not in cells, f"{panel['title']} overlaps {cells[(x, y)]}"
                cells[(x, y)] = panel["title"]


def test_exprs_reference_only_registered_metrics() -> None:
    known = Metrics.create("test").series_names()
    used: set[str] = set()
    for title, expr in exprs():
        names = promql_metric_names(expr)
        assert names, f"{title}: no metric in {expr!r}"
        assert names <= known, f"{title}: {sorted(names - known)} not registered by pipeline.metrics.Metrics"
        used |= names
    assert all(name.startswith("diplofeed_") for name in used)


def test_required_panels_exist() -> None:
    all_exprs = "\n".join(expr for _, expr in exprs())
    for metric in (
        "diplofeed_articles_received_total",
        "diplofeed_articles_published_total",
        "diplofeed_consumer_lag_messages",
        "diplofeed_end_to_end_latency_seconds_bucket",
        "diplofeed_events_extracted_total",
        "diplofeed_entities_extracted_total",
        "diplofeed_feed_items",
        "diplofeed_dead_letters_total",
    ):
        assert metric in all_exprs, f"no panel shows {metric}"
    latency = [expr for title, expr in exprs() if title == "End-to-end latency"]
    assert {re.search(r"histogram_quantile\((0\.\d+)", e).group(1) for e in latency} == {
        "0.5",
        "0.95",
        "0.99",
    }  # type: ignore[union-attr]
    assert "by (stage, reason)" in " ".join(e for t, e in exprs() if t == "Dead letters by reason")
    assert "by (type)" in " ".join(e for t, e in exprs() if t.startswith("Events extracted"))


def test_exprs_are_valid_promql(tmp_path: Path) -> None:
    """promtool parses every query (Grafana's $__rate_interval replaced by a duration)."""
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.fail(
            "promtool not found on PATH: install the Debian package `prometheus` "
            "(apt-get update && apt-get install -y prometheus)"
        )
    rules = [
        {"record": f"dashboard:panel_{i}", "expr": expr.replace("$__rate_interval", "1m")}
        for i, (_, expr) in enumerate(exprs())
    ]
    path = tmp_path / "dashboard_rules.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    result = subprocess.run(
        [promtool, "check", "rules", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_datasource_points_at_the_compose_prometheus() -> None:
    source = yaml.safe_load(DATASOURCES.read_text())
    assert source["apiVersion"] == 1
    (datasource,) = source["datasources"]
    assert datasource["type"] == "prometheus"
    assert datasource["url"] == "http://prometheus:9090"
    prometheus = compose_service("prometheus")
    assert "9090:9090" in prometheus["ports"]


def test_provisioning_paths_match_the_compose_mounts() -> None:
    grafana = compose_service("grafana")
    mounts = bind_mounts(grafana)
    assert mounts["deploy/grafana/provisioning"] == "/etc/grafana/provisioning"
    dashboards_target = mounts["deploy/grafana/dashboards"]
    provider = yaml.safe_load(PROVIDERS.read_text())
    assert provider["apiVersion"] == 1
    (entry,) = provider["providers"]
    assert entry["type"] == "file"
    assert entry["options"]["path"].rstrip("/") == dashboards_target
    # Grafana reads provisioning/<kind>/*.yml under the mounted directory.
    assert DATASOURCES.relative_to(GRAFANA / "provisioning").parts[0] == "datasources"
    assert PROVIDERS.relative_to(GRAFANA / "provisioning").parts[0] == "dashboards"
    assert list((GRAFANA / "dashboards").glob("*.json")) == [DASHBOARD]
    home = grafana.get("environment", {}).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
    if home:
        assert home == f"{dashboards_target}/{DASHBOARD.name}"
