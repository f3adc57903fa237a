"""`diplofeed demo`: the main job end to end on one machine.

Starts the local broker if none runs, starts a worker process, publishes
``seeds/``, waits for the feed to settle, prints it as a table with the page's
address, then keeps publishing whatever lands in the inbox folder until
interrupted (``--once``, or ``CI`` set, exits after printing).  What the demo started, it stops.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline.config import Settings
from pipeline.ingest.publisher import ArticlePublisher
from pipeline.ingest.sources import iter_inputs
from pipeline.ingest.watch import FolderWatcher, WatchState
from pipeline.tools.broker import LocalBroker
from pipeline.topology import create_topics

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def fetch_feed(settings: Settings) -> list[dict[str, Any]] | None:
    """The worker's JSON Feed items, or None when the worker does not answer."""
    url = f"http://{settings.web_host}:{settings.web_port}/feed"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return list(json.loads(response.read())["items"])
    except (OSError, ValueError, KeyError):
        return None


def wait_for_worker(settings: Settings, worker: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise SystemExit(f"the worker exited with code {worker.returncode}; see its log")
        if fetch_feed(settings) is not None:
            return
        time.sleep(1)
    raise SystemExit("the worker did not answer on its web port in time")


def wait_for_settled_feed(settings: Settings, timeout_s: float, quiet_s: float = 8.0) -> list[dict[str, Any]]:
    """Poll the feed until it has items and has not changed for ``quiet_s`` seconds."""
    deadline = time.monotonic() + timeout_s
    last: str | None = None
    stable_since = time.monotonic()
    items: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        items = fetch_feed(settings) or []
        snapshot = json.dumps(items, sort_keys=True)
        if snapshot != last:
            last, stable_since = snapshot, time.monotonic()
        elif items and time.monotonic() - stable_since >= quiet_s:
            return items
        time.sleep(1)
    return items


def format_table(items: list[dict[str, Any]]) -> str:
    """The feed as a fixed-width table for a terminal."""
    rows = [("date", "type", "status", "src", "headline")]
    for item in items:
        data = item.get("_diplofeed", {})
        when = data.get("time_utc") or data.get("date") or "-"
        rows.append(
            (
                str(when)[:16],
                data.get("type", ""),
                data.get("status", ""),
                str(data.get("source_count", "")),
                item.get("title", ""),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4] for row in rows
    ]
    return "\n".join([lines[0], "-" * min(120, max(len(line) for line in lines)), *lines[1:]])


def runs_once(once: bool, environ: Mapping[str, str] = os.environ) -> bool:
    """``--once``, or a CI run (``CI`` set, as CI services do): nobody is there to press Ctrl-C."""
    return once or environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def run_demo(settings: Settings, *, once: bool, inbox: Path, timeout_s: float) -> int:
    broker = LocalBroker(settings)
    started_broker = not settings.uses_external_kafka and not broker.status().running
    if started_broker:
        print("starting the local Kafka broker ...", flush=True)
    print(broker.start().describe(), flush=True)
    create_topics(settings)

    log_path = settings.data_dir / "demo-worker.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, DIPLOFEED_WEB_PORT=str(settings.web_port))
    if settings.kafka_bootstrap_servers is None:
        env["KAFKA_BOOTSTRAP_SERVERS"] = settings.bootstrap_servers
    with log_path.open("ab") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "worker"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    print(f"worker started (pid {worker.pid}, log {log_path})", flush=True)
    publisher = ArticlePublisher(settings)
    try:
        wait_for_worker(settings, worker, timeout_s)
        summary = publisher.publish(
            iter_inputs([str(SEEDS)], max_bytes=settings.max_input_bytes), progress=False
        )
        print(f"seeds: {summary.line()}", flush=True)
        items = wait_for_settled_feed(settings, timeout_s)
        print(f"\ndiplomatic feed ({len(items)} items):\n{format_table(items)}\n", flush=True)
        print(
            f"live page: http://{settings.web_host}:{settings.web_port}/live   "
            f"JSON Feed: /feed   Atom: /feed.atom   metrics: /metrics",
            flush=True,
        )
        if once:
            return 0 if items else 1
        inbox.mkdir(parents=True, exist_ok=True)
        print(f"watching {inbox.resolve()} for new articles; Ctrl-C to stop", flush=True)
        watcher = FolderWatcher(
            inbox,
            publisher,
            WatchState.load(settings.data_dir / "demo-inbox-state.json"),
            max_bytes=settings.max_input_bytes,
        )
        stop = {"flag": False}
        signal.signal(signal.SIGTERM, lambda *_: stop.update(flag=True))
        try:

            def on_summary(batch: Any) -> None:
                print(f"inbox: {batch.line()}", flush=True)
                time.sleep(3)
                print(format_table(fetch_feed(settings) or []), flush=True)

            watcher.run(lambda: stop["flag"], on_summary)
        except KeyboardInterrupt:
            pass
        return 0
    finally:
        publisher.close()
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
        if started_broker:
            broker.stop()
            print("stopped the local Kafka broker", flush=True)
