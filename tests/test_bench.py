"""`diplofeed bench --smoke`: the benchmark machinery works end to end against the real broker.

Only the machinery is checked (keys present, values positive and plausible), never timing
targets: CI machines are too noisy for thresholds, and the full run is a manual job.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.tools.bench import (
    CORPUS_ENV,
    Corpus,
    CorpusText,
    corpus_root,
    feed_latencies,
    load_corpus,
    make_articles,
    measure_offline,
    parse_metrics,
    percentile,
    run_bench,
)

REQUIRED = (
    "articles",
    "spacy_articles_per_s",
    "extract_ratio",
    "pipeline_ratio",
    "latency_p50_s",
    "latency_p99_s",
    "scaling_2_workers",
    "worker_peak_rss_mb",
)

#: Articles written for this project (license-clean), for runs without the shared BBC corpus.
OWN_CORPUS = Path(__file__).resolve().parent / "fixtures" / "styles"


def test_corpus_hands_out_distinct_texts_and_variants(tmp_path: Path) -> None:
    for folder, names in {"a": ["1", "2", "3"], "b": ["1"]}.items():
        (tmp_path / folder).mkdir()
        for name in names:
            (tmp_path / folder / f"{name}.txt").write_text(
                f"Title {folder}{name}\n\nBody of {folder}{name}.\n"
            )
    (tmp_path / "b" / "dup.txt").write_text("Other title\n\nBody of a1.\n")  # same body: skipped
    corpus = load_corpus(tmp_path)
    assert [t.name for t in corpus.texts] == ["a/1.txt", "b/1.txt", "a/2.txt", "a/3.txt"]
    assert corpus.duplicates_skipped == 1
    taken = corpus.take(10)
    assert len({text for _, text in taken}) == 10
    assert corpus.variants_generated == 6


def test_variant_bodies_differ() -> None:
    corpus = Corpus(Path("."), [CorpusText("x.txt", "Title", "Body.")], files=1, duplicates_skipped=0)
    first, second = corpus.take(2)
    assert first[1].split("\n", 1)[1] != second[1].split("\n", 1)[1]


def test_parse_metrics_sums_what_the_bench_needs() -> None:
    text = "\n".join(
        [
            "# TYPE diplofeed_articles_processed_total counter",
            "diplofeed_articles_processed_total 7.0",
            "# TYPE diplofeed_dead_letters_total counter",
            'diplofeed_dead_letters_total{reason="parse_error",stage="worker"} 2.0',
            'diplofeed_dead_letters_total{reason="binary",stage="publish"} 5.0',
            "# TYPE diplofeed_stage_duration_seconds histogram",
            'diplofeed_stage_duration_seconds_count{stage="feed"} 3.0',
            'diplofeed_stage_duration_seconds_sum{stage="feed"} 0.5',
        ]
    )
    scraped = parse_metrics(text + "\n")
    assert scraped["diplofeed_articles_processed_total"] == 7
    assert scraped["diplofeed_dead_letters_total"] == 2
    assert scraped["diplofeed_stage_duration_seconds_count:feed"] == 3


@dataclass
class FakeRecord:
    timestamp: int  # ms
    value: bytes | None


def _record(at_s: float, *sources: tuple[str, float]) -> FakeRecord:
    when = [
        {"article_id": a, "published_at": dt.datetime.fromtimestamp(t, dt.UTC).isoformat()}
        for a, t in sources
    ]
    return FakeRecord(int(at_s * 1000), json.dumps({"sources": when}).encode())


def test_feed_latency_counts_each_article_at_its_first_appearance() -> None:
    records = [
        _record(100.5, ("a", 100.0)),  # a reaches the feed after 0.5 s
        FakeRecord(100_600, None),  # tombstone
        _record(101.0, ("a", 100.0), ("b", 100.8)),  # b merged into a's item after 0.2 s
        _record(104.0, ("a", 100.0), ("b", 100.8)),  # re-emit: no new article
        _record(104.0, ("old", 50.0)),  # an article of another phase
    ]
    measured = feed_latencies(records, {"a", "b"})
    assert [round(x, 3) for x in measured.first_update] == [0.5, 0.2]
    assert [round(x, 3) for x in measured.newest_source] == [0.5, 0.2, 3.2]
    assert measured.reemits == 1
    assert measured.slowest[0][1] == "a"


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50
    assert percentile(values, 0.99) == 99
    assert percentile([], 0.5) is None


@pytest.mark.kafka
@pytest.mark.timeout(420)
def test_bench_smoke_writes_sane_json(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "bench.json"
    if not corpus_root().is_dir():  # a clone without ../shared: the repository's own articles stand in
        monkeypatch.setenv(CORPUS_ENV, str(OWN_CORPUS))
    assert run_bench(settings, articles=300, json_path=str(out), smoke=True) == 0
    report = json.loads(out.read_text())
    for key in REQUIRED:
        assert key in report, key
    assert report["smoke"] is True
    assert report["articles"] == 12
    for key in ("spacy_articles_per_s", "spacy_tokens_per_s", "extract_ratio", "pipeline_ratio"):
        assert report[key] > 0, key
    assert report["scaling_2_workers"] > 0
    assert 50 < report["worker_peak_rss_mb"] < 4096
    assert report["pipeline_1_worker"]["articles"] == 12
    assert report["pipeline_2_workers"]["articles"] == 12
    # the corpus order is fixed, and the smoke's latency articles include some with diplomatic events
    assert report["latency_samples"] > 0
    assert 0 < report["latency_p50_s"] <= report["latency_p99_s"] < 60
    assert "| measure |" in capsys.readouterr().out


def test_feed_backlog_counts_only_the_types_that_reach_the_feed() -> None:
    from pipeline.tools.bench import feed_backlog, parse_metrics

    scraped = parse_metrics(
        "\n".join(
            [
                "# TYPE diplofeed_events_extracted_total counter",
                'diplofeed_events_extracted_total{type="CONSULT"} 2.0',
                'diplofeed_events_extracted_total{type="ASSAULT"} 5.0',
                "# TYPE diplofeed_stage_duration_seconds histogram",
                'diplofeed_stage_duration_seconds_count{stage="feed"} 2.0',
                'diplofeed_stage_duration_seconds_sum{stage="feed"} 0.1',
            ]
        )
        + "\n"
    )
    assert scraped["diplofeed_events_extracted_total"] == 7
    assert feed_backlog([scraped], ["CONSULT", "AGREE"]) == 0  # ASSAULT stays on the events topic
    assert feed_backlog([scraped], ["CONSULT", "ASSAULT"]) == 5


def test_offline_measure_pairs_every_batch_and_counts_one_round() -> None:
    """Floor and extraction run over every batch in each round; counts are one round's, not a sum."""
    from pipeline.extraction import extract_articles, load_nlp

    texts = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(OWN_CORPUS.glob("*.txt"))[:5]]
    articles = make_articles(texts, None, Settings())
    nlp = load_nlp()
    report = measure_offline(nlp, articles, batch_size=2, rounds=2)
    assert report["tokens"] == sum(len(nlp.make_doc(a.body)) for a in articles)
    expected = sum(len(r.extraction.events) for r in extract_articles(nlp, articles) if r.extraction)
    assert report["offline_events"] == expected > 0
    assert report["extract_ratio"] == pytest.approx(report["spacy_seconds"] / report["extract_seconds"])
    assert report["spacy_seconds"] > 0 and report["extract_seconds"] > 0
    floor_only = measure_offline(nlp, articles, batch_size=2, rounds=1, extract=False)
    assert floor_only["tokens"] == report["tokens"] and floor_only["extract_ratio"] == 0
