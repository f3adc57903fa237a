"""docker-compose.yml and Dockerfile, checked without a Docker engine (none on the CI machine).

What can be checked statically is: the services exist and are wired to each other by service name,
every file they mount or copy exists in the repo, workers can be scaled, and the environment they
get is what pipeline.config.Settings actually reads.
"""

from __future__ import annotations

import glob
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.config import Settings

REPO = Path(__file__).resolve().parent.parent
COMPOSE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
DIPLOFEED_SERVICES = ("topics", "worker", "publisher")


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())  # PyYAML's SafeLoader resolves the `<<:` merge keys


def services() -> dict[str, Any]:
    return compose()["services"]


def env(service: dict[str, Any]) -> dict[str, str]:
    raw = service.get("environment", {})
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) for item in raw)
    return {key: str(value) for key, value in raw.items()}


def short_volumes(service: dict[str, Any]) -> list[str]:
    return [volume for volume in service.get("volumes", []) if isinstance(volume, str)]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    result = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            instruction, _, args = line.partition(" ")
            result.append((instruction.upper(), args.strip()))
    return result


# --- compose --------------------------------------------------------------------------------------


def test_services_exist() -> None:
    assert {"kafka", "topics", "worker", "publisher", "prometheus", "grafana"} <= set(services())


def test_kafka_is_single_node_kraft_without_auto_create() -> None:
    kafka = services()["kafka"]
    assert kafka["image"] == "apache/kafka:3.9.1"
    variables = env(kafka)
    assert variables["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert variables["KAFKA_NODE_ID"] == "1"
    assert variables["KAFKA_CONTROLLER_QUORUM_VOTERS"] == "1@kafka:9093"
    assert "CONTROLLER" in variables["KAFKA_CONTROLLER_LISTENER_NAMES"]
    assert "PLAINTEXT://kafka:9092" in variables["KAFKA_ADVERTISED_LISTENERS"].split(",")
    assert ":9092" in variables["KAFKA_LISTENERS"] and ":9093" in variables["KAFKA_LISTENERS"]
    assert variables["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert "kafka-broker-api-versions.sh" in " ".join(kafka["healthcheck"]["test"])


def test_topics_one_shot_runs_the_cli_after_kafka_is_healthy() -> None:
    topics = services()["topics"]
    assert topics["command"] == ["topics", "create"]
    assert topics["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert topics.get("restart", "no") == "no"


@pytest.mark.parametrize("name", DIPLOFEED_SERVICES)
def test_diplofeed_services_use_the_project_image_and_reach_kafka_by_name(name: str) -> None:
    service = services()[name]
    assert service["build"] in (".", {"context": "."})
    assert service["image"] == services()["worker"]["image"]
    assert env(service)["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"


def test_every_bootstrap_setting_names_the_kafka_service() -> None:
    for name, service in services().items():
        for key, value in env(service).items():
            if "BOOTSTRAP" in key:
                assert value == "kafka:9092", f"{name}.{key}={value}"


@pytest.mark.parametrize("name", DIPLOFEED_SERVICES)
def test_environment_is_read_by_settings(name: str) -> None:
    """Every DIPLOFEED_* variable the stack sets is a Settings field (a typo would be silently ignored)."""
    fields = set(Settings.model_fields)
    for key in env(services()[name]):
        if key.startswith("DIPLOFEED_"):
            assert key.removeprefix("DIPLOFEED_").lower() in fields, f"{name}: {key} is not a Settings field"


def test_worker_is_scalable() -> None:
    worker = services()["worker"]
    assert worker["command"] == ["worker"]
    variables = env(worker)
    assert variables["DIPLOFEED_WEB_PORT"] == "6066"
    assert "ports" not in worker, "a fixed host port breaks `docker compose up --scale worker=N`"
    assert "container_name" not in worker, "a fixed container name breaks scaling"
    assert "6066" in [str(port) for port in worker["expose"]]
    data_dir = variables["DIPLOFEED_DATA_DIR"]
    assert data_dir == "/var/lib/diplofeed"
    private = [v for v in short_volumes(worker) if v == data_dir] + [
        t["target"] for t in worker.get("tmpfs", []) if isinstance(t, dict)
    ]
    assert private, "the data dir must be an anonymous volume or tmpfs, private to each replica"
    assert all(not v.startswith(("./", "/")) or ":" not in v for v in short_volumes(worker)), (
        "no shared bind mount on workers"
    )


def test_publisher_watches_the_inbox_and_exposes_metrics() -> None:
    publisher = services()["publisher"]
    assert publisher["command"] == ["watch", "/inbox"]
    assert "./inbox:/inbox" in short_volumes(publisher)
    assert env(publisher)["DIPLOFEED_METRICS_PORT"] == "9466"
    assert "9466" in [str(port) for port in publisher["expose"]]


def test_monitoring_services() -> None:
    prometheus, grafana = services()["prometheus"], services()["grafana"]
    assert prometheus["image"].startswith("prom/prometheus:")
    assert "./deploy/prometheus:/etc/prometheus:ro" in short_volumes(prometheus)
    assert "--config.file=/etc/prometheus/prometheus.yml" in prometheus["command"]
    assert "9090:9090" in prometheus["ports"]
    assert grafana["image"].startswith("grafana/grafana:")
    assert "3000:3000" in grafana["ports"]
    assert any(v.startswith("./deploy/grafana/provisioning:") for v in short_volumes(grafana))
    assert any(v.startswith("./deploy/grafana/dashboards:") for v in short_volumes(grafana))


def test_every_deploy_bind_mount_exists() -> None:
    checked = 0
    for name, service in services().items():
        for volume in short_volumes(service):
            source = volume.split(":")[0]
            if source.startswith("./deploy"):
                assert (REPO / source).exists(), f"{name} mounts missing {source}"
                checked += 1
    assert checked >= 3


def test_prometheus_scrapes_the_worker_service_and_publisher_ports() -> None:
    config = yaml.safe_load((REPO / "deploy" / "prometheus" / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    (dns,) = jobs["diplofeed-worker"]["dns_sd_configs"]
    assert dns["names"] == ["worker"] and "worker" in services()
    assert str(dns["port"]) == env(services()["worker"])["DIPLOFEED_WEB_PORT"]
    (target,) = jobs["diplofeed-publisher"]["static_configs"][0]["targets"]
    host, port = target.split(":")
    assert host in services() and port == env(services()["publisher"])["DIPLOFEED_METRICS_PORT"]


# --- Dockerfile -------------------------------------------------------------------------------------


def test_dockerfile_base_install_user_and_entrypoint() -> None:
    instructions = dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    runs = " && ".join(args for instruction, args in instructions if instruction == "RUN")
    assert re.search(r"\bpip install \.(\s|$)", runs), "install the package as the README does: pip install ."
    users = [args for instruction, args in instructions if instruction == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert ("ENTRYPOINT", '["diplofeed"]') in instructions


def test_dockerfile_copy_sources_exist() -> None:
    copied: list[str] = []
    for instruction, args in dockerfile_instructions():
        if instruction != "COPY":
            continue
        parts = [part for part in shlex.split(args) if not part.startswith("--")]
        for source in parts[:-1]:
            copied.append(source.rstrip("/"))
            if glob.has_magic(source):
                continue  # an optional file (README.md*) may match nothing while another source matches
            assert (REPO / source).exists(), f"COPY source {source} is missing from the repo"
    assert {"pyproject.toml", "pipeline", "agents", "schemas", "seeds"} <= set(copied)


def test_dockerfile_copies_what_pip_install_needs() -> None:
    """pyproject's readme and packages are in the build context the Dockerfile assembles."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "diplofeed" in project["project"]["scripts"], "ENTRYPOINT needs the diplofeed console script"
    copied = " ".join(args for instruction, args in dockerfile_instructions() if instruction == "COPY")
    readme = project["project"].get("readme")
    if isinstance(readme, str):
        assert readme in copied, f"pip install . needs {readme}"
    for pattern in project["tool"]["setuptools"]["packages"]["find"]["include"]:
        assert pattern.rstrip("*") in copied, f"package {pattern} is not copied"
