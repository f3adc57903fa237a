"""``diplofeed train``: rebuild the PLOVER typer from a labelled sentence set, reproducibly.

Reads a sentence set laid out like ``../shared/eval/plover-sentences/plv-train`` (``articles/*.txt``,
one sentence each, and ``gold.json``), parses it with the project's parser, reports k-fold
cross-validated figures (each sentence typed by a model that never saw it, scored with the set's own
rules), then trains on all of it and writes the artefact and its JSON card. Same data and seed, same
bytes. The seeds, the style fixtures and the article set are refused as training data: they stay a
check.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import StratifiedKFold

from pipeline.config import REPO, Settings
from pipeline.extraction.typer import DEFAULT_PATH, EventTyper, TrainConfig, top
from pipeline.extraction.typer_features import Views, views
from pipeline.tools.evaluate_sentences import SentenceReport, format_sentence_report, score_sentences

PLV_TRAIN = ("eval", "plover-sentences", "plv-train")


@dataclass(frozen=True)
class SentenceSet:
    """A labelled sentence set: file name -> text and gold entry, in file-name order."""

    root: Path
    files: list[str]
    texts: list[str]
    gold: dict[str, dict[str, Any]]

    @property
    def labels(self) -> list[str]:
        """The training target of each sentence: its first gold type (PLV has exactly one)."""
        return [str(self.gold[f]["plover"][0]).upper() for f in self.files]

    def data_hash(self) -> str:
        """SHA-256 over (file, text, gold types) of every sentence: what the model was trained on."""
        digest = hashlib.sha256()
        for file, text, label in zip(self.files, self.texts, self.labels, strict=True):
            digest.update(json.dumps([file, text, label], ensure_ascii=False).encode() + b"\n")
        return digest.hexdigest()


def forbidden_roots(settings: Settings) -> list[Path]:
    """Text that must never be trained on: the seeds, the style fixtures, the real-article set."""
    return [REPO / "seeds", REPO / "tests" / "fixtures", settings.shared_dir / "eval" / "articles"]


def load_sentence_set(root: Path, settings: Settings) -> SentenceSet:
    """The sentences of ``root`` that have a gold type; refuses the sets kept for checking."""
    resolved = root.resolve()
    for banned in forbidden_roots(settings):
        if resolved.is_relative_to(banned.resolve()):
            raise ValueError(f"refusing to train on {root}: {banned} is kept out of training")
    gold = json.loads((root / "gold.json").read_text(encoding="utf-8"))
    gold = gold.get("articles", gold) if gold.get("format") else gold
    files = sorted(f for f, entry in gold.items() if entry.get("plover"))
    texts = [(root / "articles" / f).read_text(encoding="utf-8").strip() for f in files]
    return SentenceSet(root, files, texts, {f: gold[f] for f in files})


def parse_views(texts: Sequence[str], model_name: str) -> list[Views]:
    """Each text parsed as one unit by the project's parser, as the typer sees a sentence."""
    from pipeline.extraction.nlp import load_parser

    return [views(doc) for doc in load_parser(model_name).pipe(texts, batch_size=64)]


def folds(labels: Sequence[str], k: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified k folds (train indices, held-out indices)."""
    splitter = StratifiedKFold(k, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(labels)), labels))


def cross_validate(
    data: SentenceSet, items: Sequence[Views], k: int, config: TrainConfig
) -> tuple[SentenceReport, dict[str, str]]:
    """Each sentence typed (top type) by a model trained on the other folds, scored by the set's rules."""
    labels = data.labels
    predicted: dict[str, str] = {}
    for train, test in folds(labels, k, config.seed):
        model = EventTyper.fit([items[i] for i in train], [labels[i] for i in train], config)
        for i, probs in zip(test, model.predict_proba_views([items[i] for i in test]), strict=True):
            predicted[data.files[i]] = top(probs)[0]
    events = {f: [{"type": t, "actors": []}] for f, t in predicted.items()}
    return score_sentences(events, data.gold), predicted


def _versions(model_name: str) -> dict[str, str]:
    names = ["numpy", "scipy", "scikit-learn", "spacy", model_name.replace("_", "-")]
    versions = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def cv_figures(report: SentenceReport, predicted: dict[str, str], data: SentenceSet) -> dict[str, Any]:
    accuracy = sum(predicted[f] == label for f, label in zip(data.files, data.labels, strict=True))
    return {**report.to_dict(), "accuracy": accuracy / len(data.files)}


def train(
    data_dir: Path, settings: Settings, out: Path | None, k: int, config: TrainConfig
) -> tuple[dict[str, Any], str]:
    """Cross-validate, train on everything, write the artefact and card (unless ``out`` is None).

    Returns the card and the printable CV report.
    """
    data = load_sentence_set(data_dir, settings)
    items = parse_views(data.texts, settings.spacy_model)
    report, predicted = cross_validate(data, items, k, config)
    model = EventTyper.fit(items, data.labels, config)
    blob = model.to_bytes()
    card = {
        "name": (out or DEFAULT_PATH).stem,
        "format": json.loads(_meta(blob))["format"],
        "artefact_sha256": hashlib.sha256(blob).hexdigest(),
        "artefact_bytes": len(blob),
        "training": {
            "data": _display(data_dir, settings),
            "sentences": len(data.files),
            "data_sha256": data.data_hash(),
            "types": dict(sorted(Counter(data.labels).items())),
            "spacy_model": settings.spacy_model,
        },
        "config": config.as_dict(),
        "temperature": model.temperature,
        "features": {name: len(vec.vocabulary_) for name, vec in model.vectorizers.items()},
        "libraries": _versions(settings.spacy_model),
        "cv": {"folds": k, "seed": config.seed, **cv_figures(report, predicted, data)},
        "command": f"python3 -m pipeline.cli train --folds {k} --seed {config.seed}",
    }
    if out is not None:
        model.save(out)
        card_path(out).write_text(json.dumps(card, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    text = format_sentence_report(f"{k}-fold CV on {data_dir.name}", report)
    return card, f"{text}\n  accuracy {card['cv']['accuracy']:.3f}"


def card_path(artefact: Path) -> Path:
    return artefact.with_suffix(".json")


def _meta(blob: bytes) -> bytes:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        return archive.read("meta.json")


def _display(path: Path, settings: Settings) -> str:
    try:
        return str(path.resolve().relative_to(settings.shared_dir.resolve()))
    except ValueError:
        return str(path)


def default_data_dir(settings: Settings) -> Path:
    return settings.shared_dir.joinpath(*PLV_TRAIN)
