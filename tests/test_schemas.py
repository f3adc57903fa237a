"""Topic contracts: checked-in JSON Schemas match the models; codec round trips; versions enforced."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest
from pydantic import ValidationError

from pipeline.codec import ContractCodec, decode_record, encode_record
from pipeline.tools.schema_export import JSON_DIR, render_schemas
from pipeline.topology import CONTRACTS
from schemas import Article


def test_checked_in_json_schemas_match_the_models() -> None:
    rendered = render_schemas()
    on_disk = {path.name: path.read_text() for path in JSON_DIR.glob("*.schema.json")}
    assert set(on_disk) == set(rendered), "run `python -m pipeline.tools.schema_export`"
    for name, text in rendered.items():
        assert on_disk[name] == text, f"{name} drifted: run `python -m pipeline.tools.schema_export`"


def make_article(**overrides: object) -> Article:
    values: dict[str, object] = {
        "article_id": "abcdef0123456789",
        "title": "Leaders meet",
        "body": "Leaders met in Rome on Sunday.",
        "source": "test",
        "published_at": dt.datetime(2025, 5, 19, 12, tzinfo=dt.UTC),
    }
    values.update(overrides)
    return Article.model_validate(values)


def test_codec_round_trip_and_schema_validation() -> None:
    article = make_article(published_date=dt.date(2025, 5, 19))
    codec = ContractCodec(Article)
    wire = codec.dumps(article)
    assert wire == encode_record(article)
    assert codec.loads(wire) == article
    schema = json.loads((JSON_DIR / "articles.schema.json").read_text())
    jsonschema.validate(json.loads(wire), schema)


@pytest.mark.parametrize(
    "change",
    [{"schema_version": 3}, {"body": ""}, {"unexpected": 1}, {"published_at": "2025-05-19T12:00:00"}],
)
def test_invalid_records_are_refused(change: dict[str, object]) -> None:
    wire = json.loads(encode_record(make_article()))
    wire.update(change)
    with pytest.raises(ValidationError):
        decode_record(Article, json.dumps(wire))


def test_every_record_carries_version_and_article_id() -> None:
    for topic, model in CONTRACTS.items():
        fields = model.model_fields
        assert "schema_version" in fields, topic
        assert {"article_id", "article_ids"} & set(fields), topic
