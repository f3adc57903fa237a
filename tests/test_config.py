"""The settings object: environment names, overrides, derived names."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import Settings


def test_environment_and_keyword_configure_the_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    assert Settings().bootstrap_servers == "127.0.0.1:9092"
    assert not Settings().uses_external_kafka
    assert Settings(kafka_bootstrap_servers="k1:9092,k2:9092").bootstrap_servers == "k1:9092,k2:9092"
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "broker:29092")
    monkeypatch.setenv("DIPLOFEED_TOPIC_PREFIX", "staging-")
    monkeypatch.setenv("DIPLOFEED_ARTICLES_PARTITIONS", "8")
    settings = Settings()
    assert settings.bootstrap_servers == "broker:29092" and settings.uses_external_kafka
    assert settings.topic("articles") == "staging-articles"
    assert settings.articles_partitions == 8


def test_invalid_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIPLOFEED_PARTITIONS", "0")
    with pytest.raises(ValueError, match="partitions"):
        Settings()


def test_session_timeout_reaches_faust(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    from pipeline.app import make_app

    assert Settings().session_timeout_s == 45.0
    monkeypatch.setenv("DIPLOFEED_SESSION_TIMEOUT_S", "12")
    monkeypatch.setenv("DIPLOFEED_DATA_DIR", str(tmp_path))
    settings = Settings()
    app = make_app(settings)
    assert app.conf.broker_session_timeout == 12.0
    assert app.conf.broker_heartbeat_interval == 1.2  # well under a third of the session timeout
    monkeypatch.setenv("DIPLOFEED_SESSION_TIMEOUT_S", "2")  # under the broker's group.min.session.timeout.ms
    with pytest.raises(ValueError, match="session_timeout_s"):
        Settings()


def test_readme_documents_every_setting() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme[readme.index("## Configuration") : readme.index("### Using an existing Kafka")]
    missing = []
    for name in Settings.model_fields:
        env = "KAFKA_BOOTSTRAP_SERVERS" if name == "kafka_bootstrap_servers" else f"DIPLOFEED_{name.upper()}"
        # grouped rows name the shared prefix once: `DIPLOFEED_KAFKA_SSL_CAFILE` / `_CERTFILE` / `_KEYFILE`
        suffix = "_" + env.rsplit("_", 1)[-1]
        if env not in section and f"`{suffix}`" not in section:
            missing.append(env)
    assert not missing, f"add to the README's configuration table: {missing}"
