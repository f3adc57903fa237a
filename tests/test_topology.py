"""The topology table is the one place topic facts live; everything else is derived from it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import faust
import jsonschema
import pytest
import yaml

from pipeline.config import Settings
from pipeline.feed.tables import make_tables
from pipeline.metrics import TOPICS
from pipeline.monitoring import LagSampler
from pipeline.tools.schema_export import (
    ASYNCAPI_PATH,
    JSON_DIR,
    asyncapi_document,
    render_asyncapi,
    render_topology_table,
)
from pipeline.topology import CONTRACTS, TOPOLOGY, changelog_specs, faust_topics, lagged_topics, topic_specs

REPO = Path(__file__).resolve().parent.parent
SPEC_VERSION = json.loads((REPO / "deploy" / "asyncapi" / "package.json").read_text())["dependencies"]


def settings() -> Settings:
    return Settings(topic_prefix="t-", partitions=3, articles_partitions=5)


def test_topic_creation_follows_the_table() -> None:
    specs = {spec.name: spec for spec in topic_specs(settings())}
    assert list(specs) == [f"t-{t.name}" for t in TOPOLOGY]
    for topic in TOPOLOGY:
        spec = specs[f"t-{topic.name}"]
        assert spec.partitions == topic.partitions(settings())
        assert spec.config["cleanup.policy"] == topic.cleanup
    assert specs["t-articles"].partitions == 5 and specs["t-dead-letters"].partitions == 1
    assert specs["t-diplomatic-feed"].config["cleanup.policy"] == "compact"


def test_the_tables_changelog_topics_are_created_up_front(tmp_path: Path) -> None:
    # two workers starting together raced to declare them; create_topics makes them before either starts
    app = faust.App("topology-test", broker="kafka://127.0.0.1:1", datadir=str(tmp_path))
    tables = make_tables(app, settings(), faust_topics(app, settings()))
    changelogs = {t.changelog_topic.get_topic_name() for t in (tables.events, tables.blocks, tables.items)}
    specs = changelog_specs(settings())
    assert changelogs == {spec.name for spec in specs} | {"t-diplomatic-feed"}
    assert all(spec.partitions == 3 and spec.config == {"cleanup.policy": "compact"} for spec in specs)


def test_faust_topics_codecs_contracts_lag_and_labels_follow_the_table(tmp_path: Path) -> None:
    app = faust.App("topology-test", broker="kafka://127.0.0.1:1", datadir=str(tmp_path))
    topics = faust_topics(app, settings())
    assert list(topics) == [t.attr for t in TOPOLOGY]
    for topic in TOPOLOGY:
        made = topics[topic.attr]
        assert made.get_topic_name() == f"t-{topic.name}"
        codec = made.value_serializer
        assert codec == "raw" if topic.raw_value else codec.model is topic.contract
    assert {t.name: t.contract for t in TOPOLOGY} == CONTRACTS
    assert tuple(t.name for t in TOPOLOGY) == TOPICS
    assert LagSampler(settings()).watched == set(lagged_topics(settings()))
    assert set(lagged_topics(settings())) == {"t-articles", "t-events", "t-feed-events"}


def test_no_topic_name_is_written_outside_the_table() -> None:
    names = [t.name for t in TOPOLOGY if "-" in t.name]  # distinctive wire names
    offenders = []
    for path in [*REPO.glob("pipeline/**/*.py"), *REPO.glob("agents/*.py")]:
        if path.name == "topology.py":
            continue
        text = path.read_text()
        offenders += [f"{path.relative_to(REPO)}: {name}" for name in names if f'"{name}"' in text]
        offenders += [
            f"{path.relative_to(REPO)}: settings.topic({m})"
            for m in re.findall(r"settings\.topic\((\"[^\"]+\")\)", text)
        ]
    assert not offenders


def test_asyncapi_document_is_checked_in_and_follows_the_table() -> None:
    assert ASYNCAPI_PATH.read_text() == render_asyncapi(), "run `python -m pipeline.tools.schema_export`"
    document = yaml.safe_load(ASYNCAPI_PATH.read_text())
    addresses = [channel["address"] for channel in document["channels"].values()]
    assert addresses == [t.name for t in TOPOLOGY]
    for channel in document["channels"].values():
        (message,) = channel["messages"].values()
        ref = message["$ref"].rsplit("/", 1)[1]
        schema_ref = document["components"]["messages"][ref]["payload"]["schema"]["$ref"]
        assert (ASYNCAPI_PATH.parent / schema_ref).resolve().parent == JSON_DIR
        assert (ASYNCAPI_PATH.parent / schema_ref).exists()
    actions = {
        (op["action"], op["channel"]["$ref"].rsplit("/", 1)[1]) for op in document["operations"].values()
    }
    assert ("receive", "articles") in actions and ("send", "diplomaticFeed") in actions
    assert ("send", "articles") in actions  # publish / watch / follow


def _asyncapi_spec() -> dict[str, object]:
    path = (
        Settings().cache_dir / "asyncapi" / "node_modules" / "@asyncapi" / "specs" / "schemas"
        / "3.0.0-without-$id.json"
    )  # fmt: skip
    if not path.exists():
        pytest.fail(
            f"AsyncAPI specification schema {SPEC_VERSION} not installed at {path}: run scripts/setup"
        )
    return json.loads(path.read_text())


def test_asyncapi_document_validates_against_the_specification() -> None:
    validator = jsonschema.Draft7Validator(_asyncapi_spec())
    document = asyncapi_document()
    errors = sorted(validator.iter_errors(document), key=str)
    assert not errors, [e.message for e in errors[:5]]
    broken = json.loads(json.dumps(document))
    next(iter(broken["operations"].values()))["action"] = "publish"  # AsyncAPI 2 vocabulary: invalid in 3
    assert list(validator.iter_errors(broken))


def test_readme_topic_table_is_generated_from_the_table() -> None:
    readme = (REPO / "README.md").read_text()
    start, end = "<!-- topology-table:start -->\n", "<!-- topology-table:end -->"
    table = readme[readme.index(start) + len(start) : readme.index(end)]
    assert table == render_topology_table(), "paste render_topology_table() into the README"


def test_readme_code_map_names_existing_paths() -> None:
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("### Code map") : readme.index("## Commands")]
    for path in re.findall(r"`((?:pipeline|agents|schemas)/[\w/.-]*)`", section):
        assert (REPO / path).exists(), path
