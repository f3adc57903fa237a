"""The shipped typer artefact is what ``diplofeed train`` rebuilds from the shared sentence set."""

from __future__ import annotations

import hashlib
import json

from pipeline.config import Settings
from pipeline.extraction.typer import DEFAULT_PATH, EventTyper, TrainConfig
from pipeline.tools.train import PLV_TRAIN, card_path, train
from tests.shared_data import shared_path


def test_shipped_card_matches_what_train_reports() -> None:
    data = shared_path(*PLV_TRAIN)
    card = json.loads(card_path(DEFAULT_PATH).read_text())
    assert hashlib.sha256(DEFAULT_PATH.read_bytes()).hexdigest() == card["artefact_sha256"]
    config = TrainConfig(**card["config"])
    rebuilt, _ = train(data, Settings(), None, card["cv"]["folds"], config)
    assert rebuilt["training"]["data_sha256"] == card["training"]["data_sha256"]
    assert json.loads(json.dumps(rebuilt["cv"])) == card["cv"]
    assert rebuilt["artefact_sha256"] == card["artefact_sha256"]  # same data and seed: same bytes
    # the bar, on held-out folds
    assert card["cv"]["macro_f1"] >= 0.75 and card["cv"]["type_precision"] >= 0.75


def test_shipped_typer_loads_offline_and_is_small() -> None:
    typer = EventTyper.load()
    assert DEFAULT_PATH.stat().st_size < 5_000_000
    assert len(typer.labels) == 15
    texts = [
        "Iran rejected the proposal on Tuesday.",
        "Thousands marched in the capital to protest the vote.",
    ]
    probs = typer.predict_proba(texts)
    assert [max(p, key=p.__getitem__) for p in probs] == ["REJECT", "PROTEST"]
