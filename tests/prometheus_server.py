"""A real Prometheus server for live tests (a helper, not a test module).

It runs the project's own ``deploy/prometheus/prometheus.yml`` (same jobs, same rule files) with the
worker job's DNS discovery replaced by a static target list, so a test can point it at processes on
127.0.0.1 and assert through the query API what an operator would see.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
DEPLOY_PROMETHEUS = REPO / "deploy" / "prometheus"
WORKER_JOB = "diplofeed-worker"
PUBLISHER_JOB = "diplofeed-publisher"
MISSING = (
    "prometheus not found (/usr/bin/prometheus or on PATH): install the Debian package `prometheus` "
    "(apt-get update && apt-get install -y prometheus)"
)


def prometheus_binary() -> str | None:
    """The Debian package's binary, else whatever ``prometheus`` is on PATH."""
    if os.access("/usr/bin/prometheus", os.X_OK):
        return "/usr/bin/prometheus"
    return shutil.which("prometheus")


def derived_config(targets: list[str], publisher_targets: list[str] | None = None) -> dict[str, Any]:
    """The deploy config with static targets, 1 s scrapes and absolute rule-file paths."""
    config = yaml.safe_load((DEPLOY_PROMETHEUS / "prometheus.yml").read_text())
    config.setdefault("global", {}).update({"scrape_interval": "1s", "evaluation_interval": "1s"})
    config["global"]["scrape_timeout"] = "1s"
    config["rule_files"] = [
        str((DEPLOY_PROMETHEUS / name).resolve()) for name in config.get("rule_files", [])
    ]
    jobs = []
    for job in config["scrape_configs"]:
        if job["job_name"] == WORKER_JOB:
            job = {k: v for k, v in job.items() if k != "dns_sd_configs"}
            job["static_configs"] = [{"targets": list(targets)}]
        elif job["job_name"] == PUBLISHER_JOB:
            if not publisher_targets:
                continue  # no publisher in this test: an unreachable target would only add noise
            job = {**job, "static_configs": [{"targets": list(publisher_targets)}]}
        else:
            continue  # the self-scrape of the compose stack points at its own port
        jobs.append(job)
    config["scrape_configs"] = jobs
    return config


@dataclass
class PrometheusServer:
    """A running Prometheus process and its HTTP API."""

    process: subprocess.Popen[bytes]
    port: int
    workdir: Path
    log_path: Path
    _log: Any = field(repr=False, default=None)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _get(self, path: str, params: dict[str, str] | None = None, timeout: float = 5.0) -> Any:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        with urllib.request.urlopen(f"{self.url}{path}{query}", timeout=timeout) as response:
            return json.loads(response.read())

    def query(self, expr: str) -> list[dict[str, Any]]:
        """Instant query; the ``result`` list of ``/api/v1/query`` (vector results)."""
        body = self._get("/api/v1/query", {"query": expr})
        if body.get("status") != "success":
            raise RuntimeError(f"query {expr!r} failed: {body}")
        result = body["data"]["result"]
        return result if isinstance(result, list) else [result]

    def targets(self) -> list[dict[str, Any]]:
        return self._get("/api/v1/targets")["data"]["activeTargets"]

    def rules(self) -> list[dict[str, Any]]:
        return self._get("/api/v1/rules")["data"]["groups"]

    def wait_for_target_up(self, timeout: float = 30.0, job: str = WORKER_JOB) -> None:
        """Wait until every target of ``job`` has been scraped successfully (``up == 1``)."""
        deadline = time.monotonic() + timeout
        last: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            self._check_alive()
            last = [t for t in self.targets() if t.get("labels", {}).get("job") == job]
            if last and all(t.get("health") == "up" for t in last):
                return
            time.sleep(0.25)
        raise TimeoutError(f"targets of {job} not up within {timeout}s: {last}\n{self.log_tail()}")

    def wait_until(self, expr: str, predicate: Any, timeout: float = 30.0) -> list[dict[str, Any]]:
        """Poll ``expr`` until ``predicate(result)`` is true; returns that result."""
        deadline = time.monotonic() + timeout
        result: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            result = self.query(expr)
            if predicate(result):
                return result
            time.sleep(0.25)
        raise TimeoutError(f"{expr!r} never satisfied the condition within {timeout}s; last: {result}")

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def _check_alive(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(f"prometheus exited with {self.process.returncode}:\n{self.log_tail()}")

    def stop(self) -> None:
        """Terminate (then kill) the process this helper started; idempotent."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> PrometheusServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_prometheus(
    targets: list[str],
    workdir: Path,
    port: int,
    *,
    publisher_targets: list[str] | None = None,
    timeout: float = 30.0,
) -> PrometheusServer:
    """Start Prometheus on 127.0.0.1:port scraping ``targets`` as the worker job; wait until ready."""
    binary = prometheus_binary()
    if binary is None:
        raise FileNotFoundError(MISSING)
    workdir.mkdir(parents=True, exist_ok=True)
    config_path = workdir / "prometheus.yml"
    config_path.write_text(yaml.safe_dump(derived_config(targets, publisher_targets), sort_keys=False))
    log_path = workdir / "prometheus.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={config_path}",
            f"--storage.tsdb.path={workdir / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        cwd=workdir,
    )
    server = PrometheusServer(process=process, port=port, workdir=workdir, log_path=log_path, _log=log)
    deadline = time.monotonic() + timeout
    try:
        while True:
            server._check_alive()
            try:
                with urllib.request.urlopen(f"{server.url}/-/ready", timeout=2) as response:
                    if response.status == 200:
                        return server
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"prometheus not ready on port {port} within {timeout}s:\n{server.log_tail()}"
                )
            time.sleep(0.2)
    except BaseException:
        server.stop()
        raise


_PROMQL_KEYWORDS = frozenset(
    {"and", "or", "unless", "bool", "by", "without", "on", "ignoring", "group_left", "group_right", "offset",
     "inf", "nan", "start", "end"}
)  # fmt: skip


def promql_metric_names(expr: str) -> set[str]:
    """Metric names a PromQL expression selects (functions, keywords, labels and durations removed).

    Good enough for the project's own rules and dashboards, which is what it checks; not a full parser.
    """
    text = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)
    text = re.sub(r"\{[^{}]*\}", " ", text)  # label matchers (and Grafana ${vars} inside them)
    text = re.sub(r"\[[^\]]*\]", " ", text)  # ranges and subqueries: [5m], [$__rate_interval], [1h:1m]
    text = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    text = re.sub(r"\boffset\s+-?[\w$]+", " ", text)
    text = re.sub(r"\$\{?\w+\}?", " ", text)  # remaining Grafana variables
    names = set()
    for match in re.finditer(r"(?<![\w.$])[A-Za-z_:][A-Za-z0-9_:]*", text):
        name = match.group(0)
        if name.lower() in _PROMQL_KEYWORDS or text[match.end() :].lstrip().startswith("("):
            continue
        names.add(name)
    return names
