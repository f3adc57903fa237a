"""`diplofeed bench --ingest DIR`: parsing throughput per input format (articles/s), next to the spaCy parse.

Every file under DIR is read once, grouped by the format the registry recognises, and parsed
through :func:`articles_from_bytes` (the publisher's own path) repeatedly for at least
``min_seconds`` per format; the spaCy pipeline's articles/s on the same bodies is the yardstick
that ingestion must stay small next to.
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from pipeline.config import Settings
from pipeline.errors import Rejection
from pipeline.ingest.articles import articles_from_bytes
from pipeline.ingest.formats import detect


def bench_formats(folder: Path, settings: Settings, *, min_seconds: float = 1.0) -> dict[str, dict[str, Any]]:
    """format -> {files, articles, seconds, articles_per_s}."""
    groups: dict[str, list[tuple[str, bytes]]] = defaultdict(list)
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        raw = path.read_bytes()[: settings.max_input_bytes]
        groups[detect(raw, path.name).name].append((path.name, raw))
    figures: dict[str, dict[str, Any]] = {}
    for name, files in sorted(groups.items()):
        produced = rounds = 0
        started = time.perf_counter()
        while rounds < 3 or time.perf_counter() - started < min_seconds:
            for source, raw in files:
                produced += sum(
                    1
                    for r in articles_from_bytes(raw, source, max_body_chars=settings.max_body_chars)
                    if not isinstance(r, Rejection)
                )
            rounds += 1
        seconds = time.perf_counter() - started
        figures[name] = {
            "files": len(files),
            "articles": produced // rounds,
            "seconds": round(seconds, 3),
            "articles_per_s": round(produced / seconds, 1),
        }
    return figures


def spacy_articles_per_s(folder: Path, settings: Settings) -> dict[str, float]:
    """format -> articles/s of the spaCy parse of that format's article bodies (one pass, warmed up)."""
    from pipeline.extraction import load_nlp

    bodies: dict[str, list[str]] = defaultdict(list)
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        raw = path.read_bytes()[: settings.max_input_bytes]
        name = detect(raw, path.name).name
        bodies[name].extend(
            r.body for r in articles_from_bytes(raw, path.name) if not isinstance(r, Rejection)
        )
    nlp = load_nlp(settings.spacy_model)
    list(nlp.pipe(["A warm-up sentence for the parser."] * 4))
    figures: dict[str, float] = {}
    for name, texts in sorted(bodies.items()):
        if not texts:
            continue
        started = time.perf_counter()
        list(nlp.pipe(texts, batch_size=settings.batch_size))
        figures[name] = round(len(texts) / (time.perf_counter() - started), 1)
    return figures


def run_ingest_bench(folder: Path, settings: Settings, *, spacy: bool = True) -> int:
    """Print a table: per format, parsing articles/s and the spaCy parse's articles/s on the same bodies."""
    figures = bench_formats(folder, settings)
    parsed = spacy_articles_per_s(folder, settings) if spacy else {}
    print("| format | files | articles | parse articles/s | spaCy articles/s (same bodies) |")
    print("|---|---:|---:|---:|---:|")
    for name, row in figures.items():
        cells = [name, row["files"], row["articles"], row["articles_per_s"], parsed.get(name, "-")]
        print("| " + " | ".join(str(cell) for cell in cells) + " |")
    return 0
