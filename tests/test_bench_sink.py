"""The sink benchmark runs, fills the window it claims and reports the issue's keys."""

from __future__ import annotations

import pytest

from pipeline.feed.merge import build_feed
from pipeline.feed.sink import FeedSink
from pipeline.tools.bench_sink import (
    HORIZON,
    Generator,
    RecordingTable,
    fill,
    make_window,
    run_sink_bench,
    time_round,
)
from schemas import Event, FeedItem


def test_the_fill_writes_what_the_sink_would_have_written() -> None:
    gen = Generator(seed=3)
    direct = RecordingTable(Event), RecordingTable(None), RecordingTable(FeedItem)
    fill(FeedSink(*direct, horizon=HORIZON), gen, 600)
    events = [direct[0][k] for k in direct[0]]
    assert len(events) == 600
    assert {k: direct[2][k] for k in direct[2]} == build_feed(events)  # fill occasions never merge
    applied = RecordingTable(Event), RecordingTable(None), RecordingTable(FeedItem)
    sink = FeedSink(*applied, horizon=HORIZON)
    for event in sorted(events, key=lambda e: e.id):
        sink.apply(event)
    assert dict(applied[2].data) == dict(direct[2].data)
    blocks = {k: applied[1][k] for k in applied[1] if not k.startswith("@")}
    assert {k: sorted(v["ids"]) for k, v in blocks.items()} == {
        k: sorted(direct[1][k]["ids"]) for k in direct[1] if not k.startswith("@")
    }


def test_the_report_has_the_issue_keys_and_counts_merges() -> None:
    figures = run_sink_bench((1_000, 3_000), sample=100, rounds=2)
    assert set(figures["sink_ms_per_event"]) == {"1000", "3000"}
    assert 0 < figures["max_changelog_record_bytes"] < 100_000
    assert all(row["merged"] >= 40 for row in figures["rows"])  # half the sample reports a filled occasion
    assert all(row["changelog_bytes_per_event"] > 0 for row in figures["rows"])
    window = make_window(500, sample=10)
    time_round(window, 10)
    assert window.applied == 10 and window.elapsed > 0


def test_worker_env_passes_the_feed_types_as_the_setting_reads_them(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.config import Settings
    from pipeline.tools.bench import worker_env
    from schemas import PloverType

    env = worker_env(Settings(feed_types="AGREE CONSULT"))
    assert env["DIPLOFEED_FEED_TYPES"] == "AGREE CONSULT"
    monkeypatch.setenv("DIPLOFEED_FEED_TYPES", env["DIPLOFEED_FEED_TYPES"])
    assert Settings().feed_types == (PloverType.AGREE, PloverType.CONSULT)
