"""A real single-node Apache Kafka (KRaft, combined broker + controller) as a Java process.

The jars come from Maven Central through ``deploy/kafka/pom.xml``; the resolved
classpath is cached in the settings' cache dir and the jars in the local Maven
repository, both outside git.  The first start formats the data directory;
later starts reuse it, so topics and offsets survive a restart.
"""

from __future__ import annotations

import base64
import os
import shutil
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Settings

POM = Path(__file__).resolve().parents[2] / "deploy" / "kafka" / "pom.xml"
READY_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 45.0


class BrokerError(RuntimeError):
    """The local broker could not be started, reached or stopped."""


@dataclass(frozen=True)
class BrokerStatus:
    running: bool
    pid: int | None
    bootstrap: str
    log_file: Path
    data_dir: Path
    external: bool

    def describe(self) -> str:
        if self.external:
            return f"using external Kafka at {self.bootstrap} (KAFKA_BOOTSTRAP_SERVERS); nothing runs locally"
        if self.running:
            return f"Kafka running: pid {self.pid}, bootstrap {self.bootstrap}, log {self.log_file}"
        return f"Kafka not running (data dir {self.data_dir})"


def new_cluster_id() -> str:
    """A KRaft cluster id: 16 random bytes, URL-safe base64, never starting with "-".

    An id like "-Xc3..." was read by kafka-storage's argument parser as an option (1 format in 64
    failed with "--cluster-id: expected one argument"); Kafka's own Uuid.randomUuid skips those too.
    """
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


class LocalBroker:
    """Start, stop and inspect the local Kafka broker described by the settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.home = settings.broker_dir
        self.pid_file = self.home / "kafka.pid"
        self.log_file = self.home / "kafka.log"
        self.log_dir = self.home / "data"
        self.config_file = self.home / "server.properties"

    # -- classpath -------------------------------------------------------
    def classpath(self) -> str:
        """Resolve (once) the broker's classpath through Maven."""
        cache = self.settings.cache_dir / "kafka-classpath.txt"
        stamp = str(POM.stat().st_mtime_ns)
        stamp_file = cache.with_suffix(".stamp")
        if cache.exists() and stamp_file.exists() and stamp_file.read_text() == stamp:
            classpath = cache.read_text().strip()
            if all(Path(jar).exists() for jar in classpath.split(os.pathsep)):
                return classpath
        mvn = shutil.which("mvn")
        if mvn is None:
            raise BrokerError("Maven (mvn) is needed to fetch Kafka's jars from Maven Central; install it")
        cache.parent.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [mvn, "-q", "-B", "-f", str(POM), "dependency:build-classpath", f"-Dmdep.outputFile={cache}"],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 or not cache.exists():
            raise BrokerError(f"mvn could not resolve Kafka's jars:\n{result.stdout}\n{result.stderr}")
        stamp_file.write_text(stamp)
        return cache.read_text().strip()

    # -- lifecycle -------------------------------------------------------------
    def status(self) -> BrokerStatus:
        pid = self._pid()
        return BrokerStatus(
            running=pid is not None,
            pid=pid,
            bootstrap=self.settings.bootstrap_servers,
            log_file=self.log_file,
            data_dir=self.home,
            external=self.settings.uses_external_kafka,
        )

    def start(self) -> BrokerStatus:
        """Start the broker and return once it answers an admin request."""
        if self.settings.uses_external_kafka:
            return self.status()
        if self._pid() is not None:
            self.wait_ready()
            return self.status()
        classpath = self.classpath()
        self.home.mkdir(parents=True, exist_ok=True)
        self._write_config()
        if not (self.log_dir / "meta.properties").exists():
            self._format(classpath)
        java = shutil.which("java")
        if java is None:
            raise BrokerError("java is needed to run Kafka; install a JDK 17")
        heap = os.environ.get("DIPLOFEED_KAFKA_HEAP", "-Xmx768m -Xms256m").split()
        command = [
            java,
            *heap,
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            f"-Dlog4j.configuration=file:{self.home / 'log4j.properties'}",
            f"-Dkafka.logs.dir={self.home}",
            "-cp",
            classpath,
            "kafka.Kafka",
            str(self.config_file),
        ]
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.pid_file.write_text(str(process.pid))
        try:
            self.wait_ready(process=process)
        except BrokerError:
            self.stop()
            raise
        return self.status()

    def stop(self) -> bool:
        """Stop the broker cleanly (SIGTERM, then SIGKILL after a grace period)."""
        pid = self._pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.2)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
            while _alive(pid):
                time.sleep(0.1)
        self.pid_file.unlink(missing_ok=True)
        return True

    def wait_ready(
        self, timeout: float = READY_TIMEOUT_S, process: subprocess.Popen[bytes] | None = None
    ) -> None:
        """Block until the broker answers an admin request (metadata + topic list)."""
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                raise BrokerError(f"Kafka exited with code {process.returncode}; see {self.log_file}")
            try:
                admin_ping(self.settings)
                return
            except Exception as error:
                last_error = error
                time.sleep(0.5)
        raise BrokerError(f"Kafka did not answer within {timeout:.0f}s ({last_error}); see {self.log_file}")

    # -- internals ---------------------------------------------------------------
    def _pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        return pid if _alive(pid) else None

    def _write_config(self) -> None:
        port, controller = self.settings.kafka_port, self.settings.kafka_controller_port
        properties = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@127.0.0.1:{controller}",
            "listeners": f"PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": str(self.log_dir),
            "num.partitions": "1",
            "auto.create.topics.enable": "false",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "8",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            "log.retention.hours": "168",
            "log.segment.bytes": str(64 * 1024 * 1024),
            "log.cleaner.backoff.ms": "2000",
            "message.max.bytes": str(8 * 1024 * 1024),
            "delete.topic.enable": "true",
        }
        self.config_file.write_text("".join(f"{key}={value}\n" for key, value in properties.items()))
        (self.home / "log4j.properties").write_text(
            "log4j.rootLogger=INFO, stdout\n"
            "log4j.appender.stdout=org.apache.log4j.ConsoleAppender\n"
            "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout\n"
            "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n\n"
            "log4j.logger.kafka=INFO\nlog4j.logger.org.apache.kafka=INFO\n"
            "log4j.logger.kafka.request.logger=WARN\nlog4j.logger.state.change.logger=WARN\n"
        )

    def _format(self, classpath: str) -> None:
        cluster_id = new_cluster_id()
        result = subprocess.run(
            [
                "java",
                "-cp",
                classpath,
                f"-Dlog4j.configuration=file:{self.home / 'log4j.properties'}",
                "kafka.tools.StorageTool",
                "format",
                f"--cluster-id={cluster_id}",
                "-c",
                str(self.config_file),
                "--ignore-formatted",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BrokerError(f"formatting Kafka storage failed:\n{result.stdout}\n{result.stderr}")


def admin_ping(settings: Settings) -> list[str]:
    """One admin round trip: list topics.  Raises when the cluster does not answer."""
    from kafka.admin import KafkaAdminClient

    admin = KafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers,
        client_id="diplofeed-ping",
        request_timeout_ms=5000,
        **settings.kafka_python_security(),
    )
    try:
        return list(admin.list_topics())
    finally:
        admin.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still answers kill(0): check /proc for its state.
    stat = Path(f"/proc/{pid}/stat")
    if stat.exists():
        try:
            return stat.read_text().split(") ", 1)[1][0] != "Z"
        except (OSError, IndexError):
            return True
    return True
