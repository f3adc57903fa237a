"""The settings object: environment names, overrides, derived names."""

from __future__ import annotations

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
