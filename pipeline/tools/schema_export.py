"""Documents for subscribers, derived from the topology: JSON Schemas and an AsyncAPI 3.0 document.

``python -m pipeline.tools.schema_export`` rewrites ``schemas/json/*.schema.json`` (one per topic,
from its contract model) and ``schemas/asyncapi.yaml`` (every topic as a channel with its Kafka
bindings, key and payload; an operation per component that sends or receives it).  Tests fail
when the checked-in files drift from the code, and validate the AsyncAPI document against the
specification's JSON Schema.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from pipeline.config import Settings
from pipeline.topology import TOPOLOGY, TopicDef

SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "schemas"
JSON_DIR = SCHEMAS_DIR / "json"
ASYNCAPI_PATH = SCHEMAS_DIR / "asyncapi.yaml"
ASYNCAPI_VERSION = "3.0.0"
KAFKA_BINDING_VERSION = "0.5.0"
#: Components that are diplofeed's own; anything else named in the table is outside the application.
OWN_COMPONENTS = ("publish", "watch", "follow", "extract agent", "feed agent", "feed sink", "feed view")


def schema_file(topic: TopicDef) -> str:
    return f"{topic.name}.schema.json"


def render_schemas() -> dict[str, str]:
    """File name -> JSON Schema text, one per topic."""
    return {
        schema_file(topic): json.dumps(
            topic.contract.model_json_schema(mode="serialization"), indent=2, sort_keys=True
        )
        + "\n"
        for topic in TOPOLOGY
    }


def _own(components: tuple[str, ...]) -> list[str]:
    return [c for c in components if c.startswith(OWN_COMPONENTS)]


def _camel(text: str) -> str:
    words = [w for w in text.replace("-", " ").replace("_", " ").split() if w.isalnum()]
    return words[0].lower() + "".join(w.capitalize() for w in words[1:])


def asyncapi_document(settings: Settings | None = None) -> dict[str, Any]:
    """The AsyncAPI 3.0 description of every topic, built from the topology table."""
    settings = settings or Settings.model_construct()  # the defaults, not this shell's environment
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for topic in TOPOLOGY:
        channel_id = _camel(topic.name)
        message_id = channel_id  # events and feed-events share a contract, not a message
        messages[message_id] = {
            "name": topic.contract.__name__,
            "title": f"{topic.contract.__name__} record on {topic.name}",
            "summary": topic.description,
            "contentType": "application/json",
            "payload": {
                "schemaFormat": "application/schema+json;version=draft-07",
                "schema": {"$ref": f"./json/{schema_file(topic)}"},
            },
            "bindings": {
                "kafka": {
                    "key": {"type": "string", "description": topic.key},
                    "bindingVersion": KAFKA_BINDING_VERSION,
                }
            },
        }
        config = topic.broker_config()
        topic_configuration: dict[str, Any] = {"cleanup.policy": [topic.cleanup]}
        if "retention.ms" in config:
            topic_configuration["retention.ms"] = int(config["retention.ms"])
        if "max.message.bytes" in config:
            topic_configuration["max.message.bytes"] = int(config["max.message.bytes"])
        channels[channel_id] = {
            "address": topic.name,
            "title": topic.name,
            "description": (
                f"{topic.description} Key: {topic.key}. Produced by {', '.join(topic.producers)}; "
                f"consumed by {', '.join(topic.consumers)}. The wire name adds DIPLOFEED_TOPIC_PREFIX."
            ),
            "messages": {message_id: {"$ref": f"#/components/messages/{message_id}"}},
            "bindings": {
                "kafka": {
                    "topic": topic.name,
                    "partitions": topic.partitions(settings),
                    "replicas": settings.replication_factor,
                    "topicConfiguration": topic_configuration,
                    "bindingVersion": KAFKA_BINDING_VERSION,
                }
            },
        }
        for action, components in (("send", topic.producers), ("receive", topic.consumers)):
            for component in _own(components):
                operations[_camel(f"{component} {action} {topic.name}")] = {
                    "action": action,
                    "channel": {"$ref": f"#/channels/{channel_id}"},
                    "summary": f"{component} {'writes' if action == 'send' else 'reads'} {topic.name}",
                    "messages": [{"$ref": f"#/channels/{channel_id}/messages/{message_id}"}],
                }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "diplofeed topics",
            "version": "1.0.0",
            "description": (
                "The Kafka topics of diplofeed: articles in; entities, quotes, PLOVER events, the rolling "
                "diplomatic-event feed (compacted) and dead letters out. Generated from "
                "pipeline/topology.py by `python -m pipeline.tools.schema_export`; do not edit by hand."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": f"127.0.0.1:{settings.kafka_port}",
                "protocol": "kafka",
                "description": "The single-node broker of `diplofeed broker start` (KAFKA_BOOTSTRAP_SERVERS "
                "selects another cluster).",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def render_topology_table() -> str:
    """The README's topic table (between its ``topology-table`` markers), from the topology."""
    settings = Settings.model_construct()
    rows = [
        "| topic | contract | key | partitions | cleanup | produced by | consumed by |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in TOPOLOGY:
        parts = (
            "1" if t.partitioning.value == "single"
            else f"`DIPLOFEED_{t.partitioning.value.upper()}` ({t.partitions(settings)})"
        )  # fmt: skip
        cleanup = "compact" if t.cleanup == "compact" else f"delete after {t.retention_days} days"
        rows.append(
            f"| `{t.name}` | `{t.contract.__name__}` | {t.key} | {parts} | {cleanup} | "
            f"{', '.join(t.producers)} | {', '.join(t.consumers)} |"
        )
    return "\n".join(rows) + "\n"


def render_asyncapi() -> str:
    return yaml.safe_dump(asyncapi_document(), sort_keys=False, allow_unicode=True, width=100)


def write_schemas(directory: Path = JSON_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_schemas().items():
        path = directory / name
        path.write_text(text)
        written.append(path)
    ASYNCAPI_PATH.write_text(render_asyncapi())
    written.append(ASYNCAPI_PATH)
    return written


if __name__ == "__main__":
    for path in write_schemas():
        print(path)
