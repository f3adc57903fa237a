"""The learned PLOVER event typer: sentence -> probability of each PLOVER type.

A linear model over tf-idf views of the parsed sentence (:mod:`typer_features`): words and
character n-grams with names masked, lemmas, and verb/object/negation/modality tokens from the
parse. It is trained by ``diplofeed train`` from labelled real news sentences and shipped as a small
versioned artefact (``models/plover-typer-v1.zip`` and its JSON card), read offline with numpy and
scikit-learn's vectorizers only: no pickle, so an artefact is data, never code.

Probabilities are a softmax of the decision values scaled by a temperature fitted on held-out folds
of the training data, so "0.8" means roughly what it says.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from pipeline.extraction.typer_features import Views, views
from pipeline.extraction.typer_vectors import WordNgramTfidf, counts_per_word

MODELS_DIR = Path(__file__).resolve().parent / "models"
DEFAULT_PATH = MODELS_DIR / "plover-typer-v1.zip"
FORMAT = "diplofeed-plover-typer/1"

#: The vectorizers: name -> (view read, TfidfVectorizer parameters). Changing this is a new version.
VECTORIZERS: dict[str, tuple[str, dict[str, Any]]] = {
    "words": ("masked", {"ngram_range": (1, 2), "sublinear_tf": True}),
    "chars": ("masked", {"analyzer": "char_wb", "ngram_range": (2, 5), "sublinear_tf": True, "min_df": 2}),
    "lemmas": ("lemmas", {"ngram_range": (1, 2), "sublinear_tf": True}),
    "parse": ("parse", {"token_pattern": r"\S+", "lowercase": False, "sublinear_tf": True}),
}


@dataclass(frozen=True)
class TrainConfig:
    """Everything that, with the data, fixes the trained model."""

    seed: int = 0
    C: float = 0.2
    calibration_folds: int = 5

    def as_dict(self) -> dict[str, Any]:
        return {"seed": self.seed, "C": self.C, "calibration_folds": self.calibration_folds}


def _vectorizer(name: str) -> TfidfVectorizer:
    params = dict(VECTORIZERS[name][1])
    params["ngram_range"] = tuple(params.get("ngram_range", (1, 1)))
    return TfidfVectorizer(**params)


def _columns(items: Sequence[Views], view: str) -> list[str]:
    return [getattr(v, view) for v in items]


def _fit_vectorizers(items: Sequence[Views]) -> dict[str, TfidfVectorizer]:
    return {name: _vectorizer(name).fit(_columns(items, view)) for name, (view, _) in VECTORIZERS.items()}


def _matrix(
    vectorizers: dict[str, TfidfVectorizer | WordNgramTfidf], items: Sequence[Views]
) -> sparse.csr_matrix:
    blocks = [vectorizers[name].transform(_columns(items, view)) for name, (view, _) in VECTORIZERS.items()]
    return sparse.hstack(blocks, format="csr")


def _svc(config: TrainConfig) -> LinearSVC:
    return LinearSVC(C=config.C, class_weight="balanced", random_state=config.seed, max_iter=5000)


def _fit_temperature(scores: np.ndarray, targets: np.ndarray) -> float:
    """The scale t minimising the log loss of softmax(t * scores) on held-out decision values."""

    def loss(log_t: float) -> float:
        return float(-log_softmax(np.exp(log_t) * scores, axis=1)[np.arange(len(targets)), targets].mean())

    best = minimize_scalar(loss, bounds=(-3.0, 4.0), method="bounded", options={"xatol": 1e-4})
    return float(np.round(np.exp(best.x), 4))


@dataclass
class EventTyper:
    """A trained typer: vectorizers, one linear model over their features, a softmax temperature."""

    labels: list[str]
    vectorizers: dict[str, TfidfVectorizer]
    coef: np.ndarray  # (labels, features), float32
    intercept: np.ndarray  # (labels,)
    temperature: float
    meta: dict[str, Any] = field(default_factory=dict)
    _parser: Language | None = field(default=None, repr=False)
    _weights: np.ndarray = field(init=False, repr=False)  # coef.T as float64, converted once
    _predictors: dict[str, TfidfVectorizer | WordNgramTfidf] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._weights = np.ascontiguousarray(self.coef.T, dtype=np.float64)
        # the same features as the vectorizers, with char n-grams counted once per distinct word
        self._predictors = {
            name: WordNgramTfidf(vec) if counts_per_word(vec) else vec
            for name, vec in self.vectorizers.items()
        }

    # --- training -------------------------------------------------------------------------------

    @classmethod
    def fit(cls, items: Sequence[Views], targets: Sequence[str], config: TrainConfig) -> EventTyper:
        """Train on ``items`` (one view per sentence) with gold types ``targets``; deterministic."""
        labels = sorted(set(targets))
        y = np.array([labels.index(t) for t in targets])
        vectorizers = _fit_vectorizers(items)
        svc = _svc(config).fit(_matrix(vectorizers, items), y)
        temperature = _fit_temperature(*cls._held_out_scores(items, y, config))
        return cls(
            labels=labels,
            vectorizers=vectorizers,
            coef=svc.coef_.astype(np.float32),
            intercept=svc.intercept_.astype(np.float32),
            temperature=temperature,
            meta={"train": config.as_dict(), "sentences": len(items)},
        )

    @staticmethod
    def _held_out_scores(
        items: Sequence[Views], y: np.ndarray, config: TrainConfig
    ) -> tuple[np.ndarray, np.ndarray]:
        """Decision values of each sentence from a model that did not see it (for the temperature)."""
        n_labels = int(y.max()) + 1
        folds = min(config.calibration_folds, int(np.bincount(y).min()))
        if folds < 2:
            return np.zeros((len(y), n_labels)), y
        scores = np.zeros((len(y), n_labels))
        splitter = StratifiedKFold(folds, shuffle=True, random_state=config.seed)
        for train, test in splitter.split(np.zeros(len(y)), y):
            part = [items[i] for i in train]
            vectorizers = _fit_vectorizers(part)
            svc = _svc(config).fit(_matrix(vectorizers, part), y[train])
            decision = svc.decision_function(_matrix(vectorizers, [items[i] for i in test]))
            scores[np.ix_(test, svc.classes_)] = decision
        return scores, y

    # --- prediction -----------------------------------------------------------------------------

    def decision(self, items: Sequence[Views]) -> np.ndarray:
        if not items:
            return np.zeros((0, len(self.labels)))
        x = _matrix(self._predictors, items)
        return np.asarray(x @ self._weights) + self.intercept

    def proba_matrix(self, items: Sequence[Views]) -> np.ndarray:
        return softmax(self.temperature * self.decision(items), axis=1)

    def predict_proba_views(self, items: Sequence[Views]) -> list[dict[str, float]]:
        return [dict(zip(self.labels, map(float, row), strict=True)) for row in self.proba_matrix(items)]

    def predict_proba_spans(self, spans: Sequence[Span | Doc]) -> list[dict[str, float]]:
        """Type probabilities of already parsed sentences (no second parse in the pipeline)."""
        return self.predict_proba_views([views(s) for s in spans])

    def predict_proba(self, texts: list[str]) -> list[dict[str, float]]:
        """Type probabilities of each text, parsed as one unit with the project's spaCy model."""
        return self.predict_proba_spans(list(self.parser.pipe(texts)))

    def score_trigger(self, trigger: Token) -> dict[str, float]:
        """Type probabilities of the clause a trigger heads (its subtree), for sentences with two events."""
        return self.predict_proba_spans([clause_of(trigger)])[0]

    def predict(self, texts: list[str]) -> list[str]:
        return [top(p)[0] for p in self.predict_proba(texts)]

    @property
    def parser(self) -> Language:
        if self._parser is None:
            from pipeline.extraction.nlp import load_parser

            self._parser = load_parser()
        return self._parser

    # --- artefact -------------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """A zip of JSON and ``.npy`` members with fixed timestamps: same model, same bytes."""
        meta = {
            "format": FORMAT,
            "labels": self.labels,
            "temperature": self.temperature,
            "vectorizers": {n: {"view": v, "params": p} for n, (v, p) in VECTORIZERS.items()},
            "feature_order": list(VECTORIZERS),
            **self.meta,
        }
        members: dict[str, bytes] = {"meta.json": json.dumps(meta, indent=1, sort_keys=True).encode()}
        for name, vec in self.vectorizers.items():
            terms = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
            members[f"{name}.vocab.json"] = json.dumps(terms, ensure_ascii=False).encode()
            members[f"{name}.idf.npy"] = _npy(vec.idf_.astype(np.float64))
        members["coef.npy"] = _npy(self.coef)
        members["intercept.npy"] = _npy(self.intercept)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in members.items():
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data, compresslevel=9)
        return buffer.getvalue()

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.to_bytes())

    @classmethod
    def from_bytes(cls, data: bytes) -> EventTyper:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            meta = json.loads(archive.read("meta.json"))
            if meta.get("format") != FORMAT:
                raise ValueError(f"not a {FORMAT} artefact: {meta.get('format')!r}")
            if meta["feature_order"] != list(VECTORIZERS):
                raise ValueError(f"artefact features {meta['feature_order']} are not {list(VECTORIZERS)}")
            vectorizers = {}
            for name in VECTORIZERS:
                vec = _vectorizer(name)
                terms = json.loads(archive.read(f"{name}.vocab.json"))
                vec.vocabulary_ = {term: i for i, term in enumerate(terms)}
                vec.idf_ = np.load(io.BytesIO(archive.read(f"{name}.idf.npy")))
                vectorizers[name] = vec
            coef = np.load(io.BytesIO(archive.read("coef.npy")))
            intercept = np.load(io.BytesIO(archive.read("intercept.npy")))
        extra = {k: v for k, v in meta.items() if k not in _OWN_KEYS}
        return cls(meta["labels"], vectorizers, coef, intercept, float(meta["temperature"]), extra)

    @classmethod
    def load(cls, path: Path | str | None = None) -> EventTyper:
        """The artefact at ``path``, or the shipped one."""
        return cls.from_bytes(Path(path or DEFAULT_PATH).read_bytes())


_OWN_KEYS = frozenset({"format", "labels", "temperature", "vectorizers", "feature_order"})


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def top(probs: dict[str, float]) -> tuple[str, float]:
    """The most probable type and its probability (ties: alphabetical)."""
    label = max(sorted(probs), key=probs.__getitem__)
    return label, probs[label]


def clause_of(trigger: Token) -> Span:
    """The span covering a trigger's subtree (the clause it heads) within its sentence."""
    tokens = list(trigger.subtree)
    return trigger.doc[min(t.i for t in tokens) : max(t.i for t in tokens) + 1]
