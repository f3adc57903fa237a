"""Sink benchmark (``bench --sink``): time per event and changelog bytes with N events in the window.

Pure: the project's ``FeedSink`` over in-memory tables that store records as the worker's
RocksDB tables do (encoded bytes, decoded on every read), with every write counted as the
changelog record it would be.  The window is filled efficiently: synthetic occasions
(1-3 reports naming the same 2-3 of 300 actors, CONSULT-heavy, 30% undated) are written
straight into the tables as the sink would have left them -- an occasion's mode is its own,
and the type is one per (pair, day), so fill occasions never merge and each one's item is
``build_item`` of its reports.  Then a sample of fresh events (half of them further reports
of filled occasions) goes through ``FeedSink.apply`` and is timed.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import random
import time
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from pipeline.config import Settings
from pipeline.feed.merge import blocking, build_item, signature
from pipeline.feed.sink import FeedSink
from schemas import ArticleRef, Event, EventStatus, FeedItem, PloverType, Span

SIZES = (10_000, 100_000, 1_000_000)
ACTORS = 300
SAMPLE = 2_000
NOW = dt.datetime(2026, 1, 8, 12, 0, tzinfo=dt.UTC)
HORIZON = dt.timedelta(days=7)
#: CONSULT-heavy, like real news (about half of all events).
TYPE_WEIGHTS = {
    PloverType.CONSULT: 50,
    PloverType.AGREE: 8,
    PloverType.REQUEST: 8,
    PloverType.ACCUSE: 6,
    PloverType.SUPPORT: 6,
    PloverType.REJECT: 5,
    PloverType.THREATEN: 5,
    PloverType.COOPERATE: 4,
    PloverType.SANCTION: 4,
    PloverType.PROTEST: 4,
}


class RecordingTable(MutableMapping[str, Any]):
    """A table whose values are stored encoded; writes are counted as changelog records."""

    def __init__(self, model: type[Event] | type[FeedItem] | None) -> None:
        self.model = model
        self.data: dict[str, bytes] = {}
        self.recording = False
        self.writes = 0
        self.bytes = 0
        self.largest = 0

    def encode(self, value: Any) -> bytes:
        if self.model is None:
            return json.dumps(value, separators=(",", ":")).encode()
        return value.model_dump_json().encode()  # type: ignore[no-any-return]

    def decode(self, raw: bytes) -> Any:
        return json.loads(raw) if self.model is None else self.model.model_validate_json(raw)

    def put_raw(self, key: str, raw: bytes) -> None:
        self.data[key] = raw
        self.largest = max(self.largest, len(raw) + len(key))

    def __setitem__(self, key: str, value: Any) -> None:
        raw = self.encode(value)
        self.data[key] = raw
        self.largest = max(self.largest, len(raw) + len(key))
        if self.recording:
            self.writes += 1
            self.bytes += len(raw) + len(key)

    def __getitem__(self, key: str) -> Any:
        return self.decode(self.data[key])

    def __delitem__(self, key: str) -> None:
        del self.data[key]
        if self.recording:
            self.writes += 1
            self.bytes += len(key)  # a tombstone

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


@dataclass
class Generator:
    """Synthetic occasions and their reports; deterministic for a seed."""

    seed: int = 7
    rng: random.Random = field(init=False)
    actors: list[str] = field(init=False)
    serial: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.actors = [f"Actor {i:03d}" for i in range(ACTORS)]
        self.types = list(TYPE_WEIGHTS)
        self.weights = list(TYPE_WEIGHTS.values())

    def occasion(self, newest: bool = False) -> dict[str, Any]:
        self.serial += 1
        names = self.rng.sample(self.actors, 3 if self.rng.random() < 0.25 else 2)
        days_back = 0 if newest else self.rng.randrange(0, 6)
        day = (NOW - dt.timedelta(days=days_back)).date()
        pair = "|".join(sorted(names[:2]))
        # one type per (pair, day): fill occasions never merge across types
        type_ = self.rng.choices(self.types, self.weights)[0]
        type_ = random.Random(f"{pair}{day}").choices(self.types, self.weights)[0] if not newest else type_
        return {
            "names": names,
            "day": day,
            "dated": self.rng.random() < 0.7,
            "type": type_,
            "mode": f"mode-{self.serial}",
            "serial": self.serial,
        }

    def report(self, occasion: dict[str, Any], n: int) -> Event:
        article = f"{occasion['serial']:010d}{n:06d}"
        published = dt.datetime.combine(occasion["day"], dt.time(12), tzinfo=dt.UTC) + dt.timedelta(hours=n)
        return Event(
            id=f"{article}-e",
            article_id=article,
            type=occasion["type"],
            mode=occasion["mode"],
            actors=list(occasion["names"]),
            date=occasion["day"] if occasion["dated"] else None,
            status=EventStatus.OCCURRED,
            evidence=Span(text="They met and talked.", start=0, end=20),
            confidence=0.9,
            article=ArticleRef(
                article_id=article,
                outlet=f"Outlet {n}",
                published_date=occasion["day"],
                published_at=min(published, NOW),
            ),
        )


def fill(sink: FeedSink, gen: Generator, size: int) -> list[dict[str, Any]]:
    """Write ``size`` events (as occasions of 1-3 reports) into the tables the way the sink would."""
    events_t, blocks_t, items_t = sink.events_table, sink.blocks_table, sink.items_table
    assert isinstance(events_t, RecordingTable) and isinstance(items_t, RecordingTable)
    occasions: list[dict[str, Any]] = []
    blocks: dict[str, list[list[str]]] = {}
    written = 0
    while written < size:
        occasion = gen.occasion()
        reports = [gen.report(occasion, n) for n in range(min(gen.rng.choice((1, 2, 2, 3)), size - written))]
        written += len(reports)
        occasion["reports"] = len(reports)
        occasions.append(occasion)
        for event in reports:
            events_t.put_raw(event.id, event.model_dump_json().encode())
            entry = list(signature(event))
            for key in blocking(event).keys:
                blocks.setdefault(key, []).append(entry)
        item = build_item(reports)
        items_t.put_raw(item.id, item.model_dump_json().encode())
    from pipeline.feed.sink import PAGE_IDS

    for key, ids in blocks.items():
        pages = [ids[i : i + PAGE_IDS] for i in range(0, len(ids), PAGE_IDS)]
        blocks_t[key] = {"ids": pages[0], "pages": len(pages)}
        for n, page in enumerate(pages[1:], start=1):
            blocks_t[f"{key}#{n}"] = {"ids": page}
    blocks_t["@watermark/0"] = NOW.isoformat()
    return occasions


@dataclass
class Window:
    """One filled window and the fresh events that will be timed against it."""

    size: int
    sink: FeedSink
    tables: tuple[RecordingTable, RecordingTable, RecordingTable]
    fresh: list[Event]
    fill_s: float
    elapsed: float = 0.0
    applied: int = 0
    merged: int = 0


def make_window(size: int, sample: int = SAMPLE, seed: int = 7) -> Window:
    """Fill a window of ``size`` events and draw ``sample`` fresh events (half are further reports)."""
    gen = Generator(seed=seed)
    tables = RecordingTable(Event), RecordingTable(None), RecordingTable(FeedItem)
    sink = FeedSink(*tables, horizon=HORIZON)
    started = time.perf_counter()
    gc.disable()  # the fill allocates millions of objects; a worker keeps its window in RocksDB
    try:
        occasions = fill(sink, gen, size)
    finally:
        gc.enable()
    fill_s = time.perf_counter() - started
    sink.watermark(0)  # loads the expiry index (once after a start; not part of the per-event cost)
    fresh: list[Event] = []
    for i in range(sample):
        if i % 2 and occasions:
            occasion = occasions[gen.rng.randrange(len(occasions))]
            occasion["reports"] += 1
            fresh.append(gen.report(occasion, occasion["reports"]))
        else:
            fresh.append(gen.report({**gen.occasion(newest=True)}, 0))
    for table in tables:
        table.recording = True
    return Window(size=size, sink=sink, tables=tables, fresh=fresh, fill_s=fill_s)


def time_round(window: Window, count: int) -> None:
    """Apply the next ``count`` fresh events to the window's sink, timed."""
    batch = window.fresh[window.applied : window.applied + count]
    started = time.perf_counter()
    for event in batch:
        window.merged += window.sink.apply(event).merged
    window.elapsed += time.perf_counter() - started
    window.applied += len(batch)


def row_of(window: Window) -> dict[str, Any]:
    tables = window.tables
    return {
        "window_events": window.size,
        "fill_s": round(window.fill_s, 1),
        "sample": window.applied,
        "merged": window.merged,
        "ms_per_event": 1000 * window.elapsed / window.applied,
        "events_per_s": window.applied / window.elapsed,
        "changelog_bytes_per_event": sum(t.bytes for t in tables) / window.applied,
        "changelog_records_per_event": sum(t.writes for t in tables) / window.applied,
        "max_record_bytes": max(t.largest for t in tables),
    }


def run_size(size: int, sample: int = SAMPLE, seed: int = 7) -> dict[str, Any]:
    """One window alone (tests)."""
    window = make_window(size, sample, seed)
    time_round(window, sample)
    return row_of(window)


def run_sink_bench(sizes: tuple[int, ...] = SIZES, sample: int = SAMPLE, rounds: int = 10) -> dict[str, Any]:
    """Every size; the JSON keys the issue names plus the per-size rows.

    All windows are filled first, then the samples are timed in interleaved rounds, so a load
    change on a shared machine touches every size alike instead of skewing the comparison.
    """
    windows = []
    for size in sizes:
        windows.append(make_window(size, sample))
        print(f"filled a window of {size:,} events in {windows[-1].fill_s:.0f} s", flush=True)
    gc.collect()
    gc.freeze()  # the filled windows stand for off-heap state: collections must not walk them
    for _ in range(rounds):
        for window in windows:
            time_round(window, -(-sample // rounds))
    gc.unfreeze()
    rows = [row_of(w) for w in windows]
    for row in rows:
        print(
            f"window {row['window_events']:>9,} events: {row['events_per_s']:8.0f} events/s  "
            f"{row['ms_per_event']:.3f} ms/event  "
            f"{row['changelog_bytes_per_event']:8.0f} changelog bytes/event  "
            f"largest record {row['max_record_bytes']:,} B  ({row['merged']} of {row['sample']} merged)",
            flush=True,
        )
    times = [r["ms_per_event"] for r in rows]
    by_size = {str(r["window_events"]): r for r in rows}
    return {
        "sink_ms_per_event": {k: round(r["ms_per_event"], 4) for k, r in by_size.items()},
        "sink_events_per_s": {k: round(r["events_per_s"], 1) for k, r in by_size.items()},
        "changelog_bytes_per_event": {k: round(r["changelog_bytes_per_event"]) for k, r in by_size.items()},
        "max_changelog_record_bytes": max(r["max_record_bytes"] for r in rows),
        "flatness": round(max(times) / min(times), 2),
        "rows": rows,
    }


def run_kafka_sink(settings: Settings, events: int = 3_000, timeout_s: float = 600) -> dict[str, Any]:
    """The shorter run through Kafka: ``events`` synthetic events onto ``events``, one worker.

    Times ``feed-route`` + ``feed`` end to end (first send to the worker's ``feed`` stage count
    reaching ``events``) and reports the worker's mean ``feed`` stage time per event.
    """
    import uuid
    from pathlib import Path
    from tempfile import mkdtemp

    from pipeline.codec import encode_record
    from pipeline.ingest.publisher import make_producer
    from pipeline.tools.bench import delete_topics, make_group, phase_settings
    from pipeline.topology import EVENTS, create_topics

    workdir = Path(mkdtemp(prefix="diplofeed-bench-sink-"))
    run = uuid.uuid4().hex[:6]
    phase = phase_settings(settings, run, "sink", workdir)
    group = make_group(phase, ["sink"], workdir)
    worker = group.workers[0]
    gen = Generator(seed=11)
    batch: list[Event] = []
    while len(batch) < events:
        occasion = gen.occasion(newest=gen.rng.random() < 0.3)
        batch += [gen.report(occasion, n) for n in range(gen.rng.choice((1, 2, 2, 3)))]
    batch = batch[:events]
    create_topics(phase)
    producer = make_producer(phase)
    try:
        worker.start()
        deadline = time.monotonic() + timeout_s
        while (worker.metrics() or {}).get("diplofeed_model_load_seconds", 0) <= 0:
            worker.check_alive()
            if time.monotonic() > deadline:
                raise TimeoutError("the worker did not start")
            time.sleep(1)
        time.sleep(5)  # let the group settle on its partitions
        started = time.monotonic()
        for event in batch:
            producer.send(EVENTS.wire_name(phase), key=event.article_id.encode(), value=encode_record(event))
        producer.flush()
        count = total = 0.0
        while count < events:
            worker.check_alive()
            if time.monotonic() > deadline:
                raise TimeoutError(f"the feed stage applied {count:.0f} of {events} events")
            scrape = worker.metrics() or {}
            count = scrape.get("diplofeed_stage_duration_seconds_count:feed", 0.0)
            total = scrape.get("diplofeed_stage_duration_seconds_sum:feed", 0.0)
            time.sleep(0.5)
        elapsed = time.monotonic() - started
    finally:
        producer.close()
        worker.terminate()
        worker.wait_stopped()
        delete_topics(phase, [phase.topic_prefix, phase.app_id])
    return {
        "events": events,
        "through_kafka_events_per_s": round(events / elapsed, 1),
        "worker_feed_stage_ms_per_event": round(1000 * total / max(count, 1), 3),
        "seconds": round(elapsed, 1),
    }
