"""Evaluate a sentence set through the real pipeline, never on what the typer trained on.

``held_out`` splits the set into k stratified folds; for each fold it trains a typer on the other
folds, loads the pipeline with that artefact (``Settings.event_model``), runs the real ``extract``
path (ingestion, ``extract_articles``) on the fold's files, and keeps their events. The events of all
folds are then scored with the set's rules. Alongside, the classifier-only figures (the top type per
held-out sentence, same folds) say what the typer alone reaches.

A sentence set the shipped typer was not trained on (its card's data hash differs) is scored with the
shipped typer directly (``with_model``).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.config import Settings
from pipeline.extraction.nlp import load_nlp
from pipeline.extraction.typer import DEFAULT_PATH, EventTyper, TrainConfig, top
from pipeline.tools.evaluate_sentences import SentenceReport, score_sentences
from pipeline.tools.offline import extract_loaded, load_articles
from pipeline.tools.train import SentenceSet, card_path, folds, load_sentence_set, parse_views


@dataclass(frozen=True)
class SentenceEvaluation:
    """Pipeline figures (held-out or with a given model) and, for held-out runs, the typer's alone."""

    name: str
    pipeline: SentenceReport
    classifier: SentenceReport | None
    how: str  # "5-fold held-out" or "model <path>"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "how": self.how,
            "pipeline": self.pipeline.to_dict(),
            "classifier": self.classifier.to_dict() if self.classifier else None,
        }


def is_sentence_gold(gold: dict[str, Any]) -> bool:
    """A sentence gold maps file names to entries with ``plover`` types (no ``format`` key)."""
    entries = [v for k, v in gold.items() if k != "format"]
    typed = all(isinstance(v, dict) and "plover" in v for v in entries)
    return "format" not in gold and bool(entries) and typed


def _events_of(lines: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]] | None]:
    return {line["file"]: list(line["events"]) for line in lines}


def _extract_files(data: SentenceSet, files: list[str], settings: Settings) -> dict[str, Any]:
    loaded = load_articles([str(data.root / "articles" / f) for f in files], settings)
    nlp = load_nlp(settings.spacy_model, settings.event_model)
    return _events_of(extract_loaded(nlp, loaded, settings))


def held_out(
    root: Path, settings: Settings, k: int = 5, config: TrainConfig | None = None
) -> SentenceEvaluation:
    """k-fold held-out evaluation of the whole pipeline on a sentence set (see the module doc)."""
    config = config or TrainConfig()
    data = load_sentence_set(root, settings)
    items = parse_views(data.texts, settings.spacy_model)
    labels = data.labels
    events: dict[str, Any] = {}
    typed: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="diplofeed-fold-") as tmp:
        for fold, (train, test) in enumerate(folds(labels, k, config.seed)):
            model = EventTyper.fit([items[i] for i in train], [labels[i] for i in train], config)
            path = Path(tmp) / f"fold-{fold}.zip"
            model.save(path)
            test_files = [data.files[i] for i in test]
            events.update(_extract_files(data, test_files, settings.model_copy(update={"event_model": path})))
            probs = model.predict_proba_views([items[i] for i in test])
            typed.update(
                {f: [{"type": top(p)[0], "actors": []}] for f, p in zip(test_files, probs, strict=True)}
            )
    return SentenceEvaluation(
        name=_name(root, settings),
        pipeline=score_sentences(events, data.gold),
        classifier=score_sentences(typed, data.gold),
        how=f"{k}-fold held-out",
    )


def with_model(root: Path, settings: Settings) -> SentenceEvaluation:
    """The pipeline as configured (shipped or ``Settings.event_model`` typer) on a set it did not train on."""
    data = load_sentence_set(root, settings)
    events = _extract_files(data, data.files, settings)
    how = f"model {settings.event_model or 'shipped'}"
    return SentenceEvaluation(_name(root, settings), score_sentences(events, data.gold), None, how)


def trained_on(root: Path, settings: Settings) -> bool:
    """Whether the configured typer's card says it was trained on exactly this set."""
    card = card_path(Path(settings.event_model or DEFAULT_PATH))
    if not card.exists():
        return True  # unknown provenance: only held-out figures are safe
    trained_hash = json.loads(card.read_text())["training"]["data_sha256"]
    return bool(trained_hash == load_sentence_set(root, settings).data_hash())


def evaluate_sentence_set(root: Path, settings: Settings, k: int = 5) -> SentenceEvaluation:
    """Held-out folds when the typer trained on this set, else the configured typer as it is."""
    return held_out(root, settings, k) if trained_on(root, settings) else with_model(root, settings)


def _name(root: Path, settings: Settings) -> str:
    try:
        return str(root.resolve().relative_to((settings.shared_dir / "eval").resolve()))
    except ValueError:
        return root.name
