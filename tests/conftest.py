"""Shared fixtures: a real Kafka broker for the session, isolated settings per test.

When ``KAFKA_BOOTSTRAP_SERVERS`` is set that cluster is used; otherwise the
session starts its own single-node broker (KRaft) on free ports in a temporary
data directory and stops it at the end.  Each test gets its own topic prefix
and consumer group, so tests never see each other's records.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import Settings

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Bootstrap servers of a real broker for the whole session."""
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if external:
        yield external
        return
    from pipeline.tools.broker import LocalBroker

    data_dir = tmp_path_factory.mktemp("kafka")
    settings = Settings(
        kafka_bootstrap_servers=None,
        kafka_port=free_port(),
        kafka_controller_port=free_port(),
        data_dir=data_dir,
    )
    broker = LocalBroker(settings)
    broker.start()
    try:
        yield settings.bootstrap_servers
    finally:
        broker.stop()


@pytest.fixture
def make_settings(kafka_bootstrap: str, tmp_path: Path) -> Callable[..., Settings]:
    """Settings isolated to one test: own topic prefix, consumer group, data dir and web port."""

    def factory(**overrides: Any) -> Settings:
        run = uuid.uuid4().hex[:8]  # every call is a separate deployment: own topics, group and state
        values: dict[str, Any] = {
            "kafka_bootstrap_servers": kafka_bootstrap,
            "topic_prefix": f"t{run}-",
            "app_id": f"diplofeed-t{run}",
            "data_dir": tmp_path / f"data-{run}",
            "web_port": free_port(),
        }
        values.update(overrides)
        return Settings(**values)

    return factory


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a subprocess read the same settings."""
    env = dict(os.environ)
    env.update(
        {
            "KAFKA_BOOTSTRAP_SERVERS": settings.bootstrap_servers,
            "DIPLOFEED_TOPIC_PREFIX": settings.topic_prefix,
            "DIPLOFEED_APP_ID": settings.app_id,
            "DIPLOFEED_DATA_DIR": str(settings.data_dir),
            "DIPLOFEED_WEB_PORT": str(settings.web_port),
            "DIPLOFEED_PARTITIONS": str(settings.partitions),
            "DIPLOFEED_ARTICLES_PARTITIONS": str(settings.articles_partitions),
            "DIPLOFEED_FEED_HORIZON_DAYS": str(settings.feed_horizon_days),
            "DIPLOFEED_SESSION_TIMEOUT_S": str(settings.session_timeout_s),
            "DIPLOFEED_FEED_TYPES": " ".join(t.value for t in settings.feed_types),
            "DIPLOFEED_FEED_EXPIRY_INTERVAL_S": str(settings.feed_expiry_interval_s),
        }
    )
    return env


def in_article(sentence: str) -> str:
    """The sentence followed by one that reports nothing, so it is read as part of an article.

    A one-sentence text is typed the way the learned typer codes stand-alone sentences; the rules'
    own PLOVER types are what an article gets, and that is what rule tests check.
    """
    return f"{sentence}\nIt rained."
