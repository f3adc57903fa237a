"""`diplofeed bench`: how close the pipeline gets to the cost of the spaCy parse itself.

Everything is measured in one run over the same N distinct real news articles, so ratios are
comparable even on a shared, noisy machine:

1. the floor: ``nlp.pipe`` over the bodies with the worker's own loader
   (``pipeline.extraction.load_nlp``: ``spacy.load`` of the model package plus the project's
   tokenizer rule and newline-sentence component), in articles/s and tokens/s;
2. offline extraction (``extract_articles``) over the same articles, as a ratio to (1);
3. the full pipeline through the real broker with one worker subprocess (publish all N at once
   after the worker is up, warm and assigned; stop the clock when the worker's ``/metrics`` say
   every article was processed or dead-lettered *and* the feed sink applied every extracted
   event), as a ratio to (1); then end-to-end latency at about half that rate, per feed update:
   the ``diplomatic-feed`` record's Kafka timestamp minus the newest ``sources[].published_at``
   it carries (stamped by the bench right before each send);
4. two workers in one consumer group over the same N texts: throughput ratio to one worker;
5. the peak RSS of every worker (``VmHWM``).

Publishing the same text twice yields the same article id, and de-duplication would hide the
work, so every pipeline phase runs on its own topics and consumer group *and* marks each title
with the run and phase: the parse sees the same bodies as the floor, the ids are all new.
Floors and offline runs alternate batch by batch, repeated, and each batch's fastest round kept (the
usual estimator on a machine other people use); all figures go to JSON with the machine and load average.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from pipeline.config import Settings
from pipeline.topology import ARTICLES, FEED, create_topics
from schemas import Article

REPO = Path(__file__).resolve().parents[2]
#: Where the benchmark corpus lives (folders of plain-text articles, first line the title).
CORPUS_ENV = "DIPLOFEED_BENCH_CORPUS"
SMOKE_ARTICLES = 12
LATENCY_SECONDS = 45.0
SMOKE_LATENCY_SECONDS = 8.0
#: Metrics polls: rare while far from the goal (each scrape takes the worker's GIL), frequent near it.
SLOW_POLL_S = 1.0
STAGES = ("parse", "extract", "publish", "feed")
FAST_POLL_S = 0.1
TARGETS: dict[str, tuple[str, float]] = {
    "extract_ratio": (">=", 0.85),
    "pipeline_ratio": (">=", 0.75),
    "latency_p99_s": ("<=", 2.0),
    "worker_peak_rss_mb": ("<=", 600.0),
}


class BenchError(RuntimeError):
    """The benchmark machinery failed (not a missed target)."""


# --- corpus ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CorpusText:
    name: str
    title: str
    body: str  # everything after the title line


@dataclass
class Corpus:
    """Distinct corpus articles, and a source of distinct variants once they run out."""

    root: Path
    texts: list[CorpusText]
    files: int
    duplicates_skipped: int
    variants_generated: int = 0
    _next: int = 0

    def describe(self) -> str:
        folders = sorted({t.name.split("/")[0] for t in self.texts})
        return (
            f"{len(self.texts)} distinct articles from {self.root} ({', '.join(folders)}; "
            f"{self.files} files, {self.duplicates_skipped} duplicates skipped)"
        )

    def take(self, count: int) -> list[tuple[str, str]]:
        """The next ``count`` (name, raw text) never handed out before; variants once the corpus is used up.

        A variant appends a sentence naming its copy number, so its body (and its parse) differs too.
        """
        taken: list[tuple[str, str]] = []
        for _ in range(count):
            index = self._next
            self._next += 1
            base = self.texts[index % len(self.texts)]
            copy = index // len(self.texts)
            if copy == 0:
                taken.append((base.name, f"{base.title}\n\n{base.body}"))
                continue
            self.variants_generated += 1
            extra = f"\n\nThis report was filed again as copy {copy + 1} for the benchmark."
            taken.append(
                (f"{base.name}#v{copy + 1}", f"{base.title} (copy {copy + 1})\n\n{base.body}{extra}")
            )
        return taken


def corpus_root() -> Path:
    """``DIPLOFEED_BENCH_CORPUS``, else the BBC corpus in the shared development data."""
    return Path(os.environ.get(CORPUS_ENV) or Settings().shared_dir / "corpus")


def load_corpus(root: Path) -> Corpus:
    """Every ``*.txt`` under ``root``, folders interleaved (small runs mix topics), repeats dropped."""
    from pipeline.ingest.articles import normalise_for_id

    if not root.is_dir():
        raise BenchError(f"corpus folder {root} does not exist (set {CORPUS_ENV})")
    folders: dict[str, list[Path]] = {}
    for path in sorted(root.rglob("*.txt")):
        folders.setdefault(str(path.parent.relative_to(root)), []).append(path)
    ordered: list[Path] = []
    columns = list(folders.values())
    for row in range(max((len(c) for c in columns), default=0)):
        ordered.extend(column[row] for column in columns if row < len(column))
    texts: list[CorpusText] = []
    seen: set[str] = set()
    for path in ordered:
        raw = path.read_text(encoding="utf-8", errors="replace").strip()
        title, _, body = raw.partition("\n")
        key = normalise_for_id(body)
        if not body.strip() or key in seen:
            continue
        seen.add(key)
        texts.append(CorpusText(str(path.relative_to(root)), title.strip(), body.strip()))
    if not texts:
        raise BenchError(f"no articles (*.txt) under {root}")
    return Corpus(root, texts, files=len(ordered), duplicates_skipped=len(ordered) - len(texts))


def make_articles(texts: Sequence[tuple[str, str]], marker: str | None, settings: Settings) -> list[Article]:
    """Raw texts through the publisher's own parser; ``marker`` is appended to each title."""
    from pipeline.errors import Rejection
    from pipeline.ingest.articles import article_from_text

    articles: list[Article] = []
    for name, text in texts:
        if marker:
            title, _, rest = text.partition("\n")
            text = f"{title} ({marker})\n{rest}"
        result = article_from_text(text, f"bench:{name}", max_body_chars=settings.max_body_chars)
        if isinstance(result, Rejection):
            raise BenchError(f"corpus article {name} rejected: [{result.error}] {result.reason}")
        articles.append(result)
    ids = {a.article_id for a in articles}
    if len(ids) != len(articles):
        raise BenchError(f"{len(articles) - len(ids)} articles share an id; the phase would hide work")
    return articles


# --- in-process floors ------------------------------------------------------------------------------


def measure_offline(
    nlp: Any, articles: Sequence[Article], batch_size: int, rounds: int, extract: bool = True
) -> dict[str, Any]:
    """The spaCy floor and the offline extraction over the same bodies, interleaved batch by batch.

    Each batch is parsed bare and then extracted (the order alternating), so a slow spell of the
    machine falls on both sides of the ratio instead of on whichever run it happened to meet; each
    side's time is the sum over batches of that batch's fastest round.
    """
    from pipeline.extraction import extract_articles

    list(extract_articles(nlp, articles[:8], batch_size=batch_size))  # first-call set-up, not timed
    chunks = [list(articles[i : i + batch_size]) for i in range(0, len(articles), batch_size)]
    fastest = {name: [(math.inf, math.inf)] * len(chunks) for name in ("floor", "extract")}  # (wall, cpu)
    counted = {"tokens": 0, "events": 0}

    def floor(chunk: list[Article]) -> None:
        counted["tokens"] += sum(len(doc) for doc in nlp.pipe([a.body for a in chunk], batch_size=batch_size))

    def offline(chunk: list[Article]) -> None:
        extractions = extract_articles(nlp, chunk, batch_size=batch_size)
        counted["events"] += sum(len(r.extraction.events) for r in extractions if r.extraction)

    runs = [("floor", floor), ("extract", offline)] if extract else [("floor", floor)]
    for index in range(rounds):
        counted.update(tokens=0, events=0)
        for at, chunk in enumerate(chunks):
            for name, run in runs if (index + at) % 2 == 0 else runs[::-1]:  # alternate: no order bias
                started, cpu = time.perf_counter(), time.process_time()
                run(chunk)
                wall, cpu = time.perf_counter() - started, time.process_time() - cpu
                best_wall, best_cpu = fastest[name][at]
                fastest[name][at] = (min(best_wall, wall), min(best_cpu, cpu))
    best = {name: (sum(w for w, _ in times), sum(c for _, c in times)) for name, times in fastest.items()}
    (floor_s, floor_cpu), (extract_s, extract_cpu) = best["floor"], best["extract"]
    tokens, events = counted["tokens"], counted["events"]
    n = len(articles)
    return {
        "spacy_seconds": floor_s,
        "spacy_articles_per_s": n / floor_s,
        "spacy_tokens_per_s": tokens / floor_s,
        "tokens": tokens,
        "extract_seconds": extract_s,
        "extract_articles_per_s": n / extract_s,
        "extract_tokens_per_s": tokens / extract_s,
        "extract_ratio": floor_s / extract_s,
        "offline_events": events,
        "spacy_cpu_per_article_ms": 1000 * floor_cpu / n,
        "extract_cpu_per_article_ms": 1000 * extract_cpu / n,
        "rounds": rounds,
    }


# --- workers ----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def worker_env(settings: Settings) -> dict[str, str]:
    """The environment that makes ``diplofeed worker`` read exactly these settings."""
    env = dict(os.environ)
    env.pop("DIPLOFEED_KAFKA_BOOTSTRAP_SERVERS", None)
    for name, value in settings.model_dump().items():
        key = "KAFKA_BOOTSTRAP_SERVERS" if name == "kafka_bootstrap_servers" else f"DIPLOFEED_{name.upper()}"
        if value is None:
            env.pop(key, None)
            continue
        if isinstance(value, list | tuple):  # feed_types: the space-separated form the setting reads
            value = " ".join(str(getattr(v, "value", v)) for v in value)
        env[key] = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
    env["KAFKA_BOOTSTRAP_SERVERS"] = settings.bootstrap_servers
    return env


def parse_metrics(text: str) -> dict[str, float]:
    """The counters the bench needs, summed over labels, from one ``/metrics`` scrape."""
    from prometheus_client.parser import text_string_to_metric_families

    stage_samples = ("diplofeed_stage_duration_seconds_sum", "diplofeed_stage_duration_seconds_count")
    summed_over_labels = ("diplofeed_dead_letters_total", "diplofeed_events_extracted_total")
    wanted: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            name, labels = sample.name, sample.labels
            if name in stage_samples:
                name = f"{name}:{labels.get('stage')}"  # e.g. "..._count:feed"
            elif name == "diplofeed_events_extracted_total" and labels.get("type"):
                typed = f"{name}:{labels['type']}"  # per type too: only the feed's types reach the sink
                wanted[typed] = wanted.get(typed, 0.0) + float(sample.value)
            elif (name == "diplofeed_dead_letters_total" and labels.get("stage") != "worker") or (
                labels and name not in summed_over_labels
            ):
                continue
            wanted[name] = wanted.get(name, 0.0) + float(sample.value)
    return wanted


@dataclass
class Worker:
    """One ``python -m pipeline.cli worker`` subprocess."""

    name: str
    settings: Settings
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    peak_rss_mb: float | None = None
    cpu_s: float | None = None

    @property
    def url(self) -> str:
        return f"http://{self.settings.web_host}:{self.settings.web_port}"

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "pipeline.cli", "worker"],
                env=worker_env(self.settings), cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def check_alive(self) -> None:
        if self.process is None or self.process.poll() is not None:
            code = None if self.process is None else self.process.returncode
            raise BenchError(f"worker {self.name} exited ({code}):\n{self.log_tail()}")

    def metrics(self) -> dict[str, float] | None:
        try:
            with urllib.request.urlopen(self.url + "/metrics", timeout=5) as response:
                return parse_metrics(response.read().decode())
        except (OSError, ValueError):
            return None

    def proc_status(self) -> tuple[float | None, float | None]:
        """(peak RSS in MiB from VmHWM, CPU seconds used so far) of the worker process."""
        if self.process is None:
            return None, None
        rss = cpu = None
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    rss = int(line.split()[1]) / 1024
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            pass
        return rss, cpu

    def sample(self) -> None:
        """Remember the peak RSS and CPU time while the process still exists."""
        rss, cpu = self.proc_status()
        if rss is not None:
            self.peak_rss_mb = max(rss, self.peak_rss_mb or 0.0)
        if cpu is not None:
            self.cpu_s = cpu

    def terminate(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.sample()
            self.process.send_signal(signal.SIGTERM)

    def wait_stopped(self, timeout_s: float = 60) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"


Check = Callable[[list[dict[str, float]]], bool]


def wait_until(
    workers: Sequence[Worker], check: Check, timeout_s: float, what: str, near: Check | None = None
) -> float:
    """Poll every worker's metrics until ``check`` holds; returns the perf_counter time it first held.

    Polls slowly until ``near`` holds (None: always fast), so the bench barely disturbs the worker.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for worker in workers:
            worker.check_alive()
        scrapes = [worker.metrics() for worker in workers]
        if all(s is not None for s in scrapes) and check([s for s in scrapes if s is not None]):
            return time.perf_counter()
        ready = [s for s in scrapes if s is not None]
        fast = near is None or (len(ready) == len(scrapes) and near(ready))
        time.sleep(FAST_POLL_S if fast else SLOW_POLL_S)
    tails = "\n".join(f"--- {w.name} ---\n{w.log_tail()}" for w in workers)
    raise BenchError(f"timed out after {timeout_s:.0f}s waiting for {what}\n{tails}")


def total(scrapes: Iterable[dict[str, float]], name: str) -> float:
    return sum(s.get(name, 0.0) for s in scrapes)


def done(scrapes: Iterable[dict[str, float]]) -> float:
    """Articles a worker finished: processed downstream or dead-lettered by the worker."""
    scrapes = list(scrapes)
    processed = "diplofeed_articles_processed_total"
    if not any(processed in s for s in scrapes):  # older workers: received is the closest we have
        processed = "diplofeed_articles_received_total"
    return total(scrapes, processed) + total(scrapes, "diplofeed_dead_letters_total")


def feed_backlog(scrapes: Iterable[dict[str, float]], feed_types: Iterable[object] | None = None) -> float:
    """Events of the feed's types (``DIPLOFEED_FEED_TYPES``) extracted that the sink has not applied yet.

    Events of other types stay on the events topic and never reach the sink, so they are not backlog.
    """
    scrapes = list(scrapes)
    types = [
        getattr(t, "value", t) for t in (feed_types if feed_types is not None else Settings().feed_types)
    ]
    extracted = sum(total(scrapes, f"diplofeed_events_extracted_total:{t}") for t in types)
    return extracted - total(scrapes, "diplofeed_stage_duration_seconds_count:feed")


def stage_deltas(before: list[dict[str, float]], after: list[dict[str, float]]) -> dict[str, float]:
    """Seconds the workers spent per stage in between (summed over workers), and parse batches."""

    def delta(name: str) -> float:
        return total(after, name) - total(before, name)

    deltas = {s: round(delta(f"diplofeed_stage_duration_seconds_sum:{s}"), 3) for s in STAGES}
    deltas["parse_batches"] = delta("diplofeed_stage_duration_seconds_count:parse")
    return deltas


@dataclass
class Group:
    """Workers of one consumer group on their own topics, plus the producer feeding them."""

    settings: Settings
    workers: list[Worker]
    producer: Any = None
    warm_rounds: int = 0
    warm_articles: list[Article] = field(default_factory=list)

    @property
    def articles_topic(self) -> str:
        return ARTICLES.wire_name(self.settings)

    def scrape(self) -> list[dict[str, float]]:
        scrapes = [w.metrics() for w in self.workers]
        if any(s is None for s in scrapes):
            raise BenchError("a worker stopped answering on /metrics")
        return [s for s in scrapes if s is not None]

    def send(self, article: Article, partition: int | None = None) -> Any:
        from pipeline.codec import encode_record

        return self.producer.send(
            self.articles_topic,
            key=article.article_id.encode(),
            value=encode_record(article),
            partition=partition,
        )

    def start(self, warm: Callable[[int], list[Article]], timeout_s: float) -> None:
        """Start the workers, wait for their models, warm every partition until every worker took part."""
        from pipeline.ingest.publisher import make_producer

        create_topics(self.settings)
        for worker in self.workers:
            worker.start()
        wait_until(
            self.workers,
            lambda scrapes: all(s.get("diplofeed_model_load_seconds", 0) > 0 for s in scrapes),
            timeout_s,
            "the workers to load the spaCy model",
        )
        self.producer = make_producer(self.settings, client_id="diplofeed-bench", linger_ms=2)
        partitions = self.settings.articles_partitions
        deadline = time.monotonic() + timeout_s
        while True:
            before = done(self.scrape())
            batch = warm(partitions)
            self.warm_articles.extend(batch)
            for index, article in enumerate(batch):
                self.send(article, partition=index % partitions)
            self.producer.flush()
            self.warm_rounds += 1
            target = before + len(batch)
            wait_until(
                self.workers,
                lambda s, target=target: done(s) >= target and feed_backlog(s, self.settings.feed_types) <= 0,
                max(5.0, deadline - time.monotonic()),
                "the warm-up articles",
            )
            if all(done([s]) > 0 for s in self.scrape()):
                return  # every worker owns partitions and has processed through the whole path
            if time.monotonic() > deadline:
                raise BenchError("the consumer group never spread the partitions over all workers")
            time.sleep(2)

    def throughput(self, articles: Sequence[Article], timeout_s: float) -> dict[str, Any]:
        """Publish all articles at once; time until all are processed and the feed sink is drained."""
        before = self.scrape()
        cpu_before = [w.proc_status()[1] or 0.0 for w in self.workers]
        target = done(before) + len(articles)
        load = os.getloadavg()[0]
        machine_before = machine_jiffies()
        started = time.perf_counter()
        for article in articles:
            self.send(article)
        self.producer.flush()
        published = time.perf_counter()
        last_batches = target - 2 * self.settings.batch_size * len(self.workers)
        processed = wait_until(
            self.workers,
            lambda s: done(s) >= target,
            timeout_s,
            "the articles",
            near=lambda s: done(s) >= last_batches,
        )
        settled = wait_until(
            self.workers,
            lambda s: done(s) >= target and feed_backlog(s, self.settings.feed_types) <= 0,
            timeout_s,
            "the feed sink",
        )
        after = self.scrape()
        cpu_after = [w.proc_status()[1] or 0.0 for w in self.workers]
        machine_after = machine_jiffies()
        elapsed = settled - started
        stages = stage_deltas(before, after)
        batches = stages["parse_batches"]
        cpu_s = sum(cpu_after) - sum(cpu_before)
        return {
            "articles": len(articles),
            "seconds": elapsed,
            "articles_per_s": len(articles) / elapsed,
            "publish_seconds": published - started,
            "processed_seconds": processed - started,
            "events": total(after, "diplofeed_events_extracted_total")
            - total(before, "diplofeed_events_extracted_total"),
            "dead_letters": total(after, "diplofeed_dead_letters_total")
            - total(before, "diplofeed_dead_letters_total"),
            "feed_updates": total(after, "diplofeed_feed_updates_published_total")
            - total(before, "diplofeed_feed_updates_published_total"),
            "worker_stage_seconds": stages,
            "parse_batches": batches,
            "mean_batch_size": len(articles) / batches if batches else None,
            "worker_cpu_seconds": [round(a - b, 2) for a, b in zip(cpu_after, cpu_before, strict=True)],
            "worker_cpu_per_article_ms": 1000 * cpu_s / len(articles),
            "loadavg_1m_before": load,
            "worker_cpu_cores": cpu_s / elapsed,
            "machine_busy_cores": busy_cores(machine_before, machine_after),
        }

    def stop(self) -> None:
        for worker in self.workers:
            worker.terminate()
        for worker in self.workers:
            worker.wait_stopped()
        if self.producer is not None:
            self.producer.close(timeout=10)
            self.producer = None


# --- latency ----------------------------------------------------------------------------------------


def feed_consumer(settings: Settings) -> Any:
    """A group-less consumer positioned at the current end of every ``diplomatic-feed`` partition."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers,
        client_id="diplofeed-bench-feed",
        enable_auto_commit=False,
        group_id=None,
        **settings.kafka_python_security(),
    )
    topic = FEED.wire_name(settings)
    partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
    if not partitions:
        raise BenchError(f"topic {topic} has no partitions")
    consumer.assign(partitions)
    consumer.seek_to_end(*partitions)
    for tp in partitions:
        consumer.position(tp)
    return consumer


@dataclass(frozen=True)
class FeedLatencies:
    """Publish-to-feed latencies of one phase's articles, two ways."""

    first_update: list[float]  # per article: its first appearance in any feed record
    slowest: list[tuple[float, str]]  # (seconds, article id) of the slowest first appearances
    newest_source: list[float]  # per record: record time - its newest source's publish time
    reemits: int  # records that brought no new article (reclustering of a neighbour, status changes)


def read_feed(consumer: Any, timeout_s: float = 60) -> list[Any]:
    """Every record up to the current end of the assigned partitions, in timestamp order."""
    ends = consumer.end_offsets(list(consumer.assignment()))
    records: list[Any] = []
    deadline = time.monotonic() + timeout_s
    while any(consumer.position(tp) < end for tp, end in ends.items()):
        if time.monotonic() > deadline:
            raise BenchError("timed out reading the diplomatic-feed topic")
        for batch in consumer.poll(timeout_ms=500).values():
            records.extend(batch)
    return sorted(records, key=lambda r: (r.timestamp, r.partition, r.offset))


def feed_latencies(records: Iterable[Any], article_ids: set[str]) -> FeedLatencies:
    """Latencies of ``article_ids`` from feed records (Kafka timestamp = when the update was written).

    A record's newest source is not always what caused it: one event can recluster its neighbours and
    re-emit older items.  So the headline is per article, from its publish time to the first record that
    carries it; the per-record "newest source" figure is kept for comparison.  Tombstones are skipped.
    """
    seen: set[str] = set()
    first: list[float] = []
    by_article: list[tuple[float, str]] = []
    newest: list[float] = []
    reemits = 0
    for record in records:
        if record.value is None:
            continue
        at = record.timestamp / 1000
        stamped = [
            (dt.datetime.fromisoformat(s["published_at"]).timestamp(), s["article_id"])
            for s in json.loads(record.value).get("sources") or []
            if s.get("published_at") and s.get("article_id") in article_ids
        ]
        if not stamped:
            continue
        newest.append(at - max(stamped)[0])
        fresh = [(at - published, article_id) for published, article_id in stamped if article_id not in seen]
        seen.update(article_id for _, article_id in stamped)
        if fresh:
            first.extend(seconds for seconds, _ in fresh)
            by_article.extend(fresh)
        else:
            reemits += 1
    return FeedLatencies(first, sorted(by_article, reverse=True)[:5], newest, reemits)


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Nearest-rank percentile (no interpolation: with few samples it stays an observed value)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def latency_phase(group: Group, articles: Sequence[Article], rate: float, timeout_s: float) -> dict[str, Any]:
    """Publish at a steady ``rate``, each article stamped right before its send; latency per feed update."""
    consumer = feed_consumer(group.settings)
    try:
        before = group.scrape()
        target = done(before) + len(articles)
        interval = 1.0 / rate
        machine_before = machine_jiffies()
        started = time.perf_counter()
        late = 0.0
        for index, article in enumerate(articles):
            due = started + index * interval
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            else:
                late = max(late, -pause)
            group.send(article.model_copy(update={"published_at": dt.datetime.now(dt.UTC)}))
        group.producer.flush()
        sent_s = time.perf_counter() - started
        machine_busy = busy_cores(machine_before, machine_jiffies())
        wait_until(
            group.workers,
            lambda s: done(s) >= target and feed_backlog(s, group.settings.feed_types) <= 0,
            timeout_s,
            "the latency articles",
        )
        stages = stage_deltas(before, group.scrape())
        time.sleep(1.0)  # let the changelog producer's buffer reach the broker
        measured = feed_latencies(read_feed(consumer), {a.article_id for a in articles})
        latencies = measured.first_update
        titles = {a.article_id: a.title for a in articles}
    finally:
        consumer.close()
    return {
        "rate_per_s": rate,
        "articles": len(articles),
        "publish_seconds": sent_s,
        "max_send_lag_s": late,
        "machine_busy_cores": machine_busy,
        "worker_stage_seconds": stages,
        "feed_updates": len(measured.newest_source),
        "articles_in_feed": len(latencies),
        "p50_s": percentile(latencies, 0.50),
        "p95_s": percentile(latencies, 0.95),
        "p99_s": percentile(latencies, 0.99),
        "max_s": max(latencies, default=None),
        "method": "per article that reached the feed: Kafka timestamp of the first diplomatic-feed record "
        "carrying it in sources[] minus its published_at (stamped by the bench immediately before "
        "producer.send); tombstones skipped",
        "newest_source_records": len(measured.newest_source),
        "newest_source_p50_s": percentile(measured.newest_source, 0.50),
        "newest_source_p99_s": percentile(measured.newest_source, 0.99),
        "newest_source_max_s": max(measured.newest_source, default=None),
        "reemitted_records": measured.reemits,
        "slowest_articles": [
            {"seconds": round(seconds, 3), "article_id": article_id, "title": titles.get(article_id)}
            for seconds, article_id in measured.slowest
        ],
    }


# --- report -----------------------------------------------------------------------------------------


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) CPU jiffies of the whole machine, from /proc/stat."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return 0, 0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def busy_cores(before: tuple[int, int], after: tuple[int, int]) -> float | None:
    """Cores the whole machine kept busy in between: near the core count means everyone was starved."""
    spent = after[1] - before[1]
    return None if spent <= 0 else (after[0] - before[0]) / spent * (os.cpu_count() or 1)


def machine_info() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    try:
        import spacy

        info["spacy"] = spacy.__version__
    except ImportError:
        pass
    return info


def targets_met(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    met: dict[str, dict[str, Any]] = {}
    for key, (op, bound) in TARGETS.items():
        value = report.get(key)
        ok = None if value is None else (value >= bound if op == ">=" else value <= bound)
        met[key] = {"value": value, "target": f"{op} {bound:g}", "met": ok}
    return met


def _fmt(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def markdown_table(report: dict[str, Any]) -> str:
    met = report["targets"]

    def mark(key: str) -> str:
        ok = met[key]["met"]
        return f"{met[key]['target']} {'✅' if ok else ('❌' if ok is False else '?')}"

    one, two, lat = report["pipeline_1_worker"], report["pipeline_2_workers"], report["latency"]
    rows = [
        ("measure", "result", "target"),
        (
            f"1. spaCy floor (`nlp.pipe`, {report['floor_loader_short']})",
            f"{_fmt(report['spacy_articles_per_s'])} articles/s, "
            f"{_fmt(report['spacy_tokens_per_s'], 0)} tokens/s",
            "—",
        ),
        (
            "2. offline `extract_articles`",
            f"{_fmt(report['extract_articles_per_s'])} articles/s = "
            f"**{_fmt(report['extract_ratio'])}** × floor",
            mark("extract_ratio"),
        ),
        (
            "3. pipeline, 1 worker (publish → feed settled)",
            f"{_fmt(one['articles_per_s'])} articles/s ({_fmt(one['seconds'], 1)} s) = "
            f"**{_fmt(report['pipeline_ratio'])}** × floor",
            mark("pipeline_ratio"),
        ),
        (
            f"3. latency publish → feed update @ {_fmt(lat['rate_per_s'])}/s "
            f"({lat['articles']} published, {lat['articles_in_feed']} reached the feed)",
            f"p50 {_fmt(lat['p50_s'], 3)} s, p95 {_fmt(lat['p95_s'], 3)} s, "
            f"**p99 {_fmt(lat['p99_s'], 3)} s**",
            mark("latency_p99_s"),
        ),
        (
            "4. pipeline, 2 workers (1 group, 4 partitions)",
            f"{_fmt(two['articles_per_s'])} articles/s = **{_fmt(report['scaling_2_workers'])}** × 1 worker",
            "—",
        ),
        (
            "5. worker peak RSS (VmHWM)",
            f"**{_fmt(report['worker_peak_rss_mb'], 0)} MiB**",
            mark("worker_peak_rss_mb"),
        ),
    ]
    lines = [f"| {a} | {b} | {c} |" for a, b, c in rows]
    lines.insert(1, "|---|---|---|")
    machine = report["machine"]
    lines.append("")
    lines.append(
        f"{report['articles']} articles ({report['corpus']['description']}); {machine.get('cpus')} CPUs "
        f"{machine.get('cpu', '')}; busy cores (whole machine) during floor / pipeline / latency / "
        f"2 workers: {_fmt(report['machine_busy_cores'])} / {_fmt(one['machine_busy_cores'])} / "
        f"{_fmt(lat['machine_busy_cores'])} / {_fmt(two['machine_busy_cores'])}; floor re-measured at the "
        f"end: {_fmt(report['spacy_articles_per_s_end'])} articles/s "
        f"({_fmt(report['floor_drift'])} × start); "
        f"worker CPU per article {_fmt(one['worker_cpu_per_article_ms'], 1)} ms vs floor "
        f"{_fmt(report['spacy_cpu_per_article_ms'], 1)} ms (CPU ratio {_fmt(report['pipeline_cpu_ratio'])})."
    )
    return "\n".join(lines)


# --- the run ----------------------------------------------------------------------------------------


def phase_settings(settings: Settings, run: str, phase: str, workdir: Path) -> Settings:
    """Own topics and consumer group per phase, so no phase ever sees another's records."""
    return settings.model_copy(
        update={
            "topic_prefix": f"{settings.topic_prefix}bench-{run}-{phase}-",
            "app_id": f"{settings.app_id}-bench-{run}-{phase}",
            "data_dir": workdir / phase,
        }
    )


def make_group(settings: Settings, names: Sequence[str], workdir: Path) -> Group:
    workers = [
        Worker(
            name,
            settings.model_copy(update={"web_port": free_port(), "data_dir": settings.data_dir / name}),
            workdir / f"{name}.log",
        )
        for name in names
    ]
    return Group(settings, workers)


def delete_topics(settings: Settings, prefixes: Sequence[str]) -> None:
    """Best-effort removal of the run's topics (its own prefixes and Faust's app-id topics only)."""
    from kafka.admin import KafkaAdminClient

    try:
        admin = KafkaAdminClient(
            bootstrap_servers=settings.bootstrap_servers,
            client_id="diplofeed-bench",
            **settings.kafka_python_security(),
        )
    except Exception:
        return
    try:
        doomed = [t for t in admin.list_topics() if any(t.startswith(p) for p in prefixes)]
        if doomed:
            admin.delete_topics(doomed)
    except Exception as error:
        print(f"note: could not delete the bench topics: {error}", file=sys.stderr)
    finally:
        admin.close()


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_bench(
    settings: Settings, articles: int = 300, json_path: str | None = None, smoke: bool = False
) -> int:
    """Run every phase; print a markdown table, optionally write JSON. 0 when it completed, 1 when not."""
    from pipeline.tools.broker import LocalBroker

    n = min(articles, SMOKE_ARTICLES) if smoke else articles
    if n < 1:
        print("error: --articles must be positive", file=sys.stderr)
        return 2
    run = uuid.uuid4().hex[:8]
    workdir = settings.data_dir / "bench" / run
    workdir.mkdir(parents=True, exist_ok=True)
    broker = LocalBroker(settings)
    started_broker = not settings.uses_external_kafka and not broker.status().running
    if started_broker:
        say("starting the local Kafka broker")
        broker.start()
    groups: list[Group] = []
    phase_prefixes: list[str] = []
    try:
        report = _run(settings, n, smoke, run, workdir, groups, phase_prefixes)
    except BenchError as error:
        print(f"bench failed: {error}", file=sys.stderr)
        return 1
    finally:
        for group in groups:
            group.stop()
        if phase_prefixes:
            delete_topics(settings, phase_prefixes)
        if started_broker:
            broker.stop()
    table = markdown_table(report)
    print(table, flush=True)
    for warning in report["warnings"]:
        print(f"\nwarning: {warning}")
    if report["corpus"]["variants_generated"]:
        variants = report["corpus"]["variants_generated"]
        print(f"\nnote: the corpus ran out; {variants} distinct variants of its articles were generated")
    if json_path:
        Path(json_path).write_text(json.dumps(report, indent=2, default=str))
        say(f"wrote {json_path}")
    return 0


def _run(
    settings: Settings,
    n: int,
    smoke: bool,
    run: str,
    workdir: Path,
    groups: list[Group],
    phase_prefixes: list[str],
) -> dict[str, Any]:
    from pipeline.extraction import load_nlp

    load_start = os.getloadavg()
    started = time.perf_counter()
    corpus = load_corpus(corpus_root())
    say(corpus.describe())
    base_texts = corpus.take(n)
    base = make_articles(base_texts, None, settings)

    say(f"1-2. spaCy floor and offline extraction over {n} articles ({settings.spacy_model})")
    nlp = load_nlp(settings.spacy_model)
    machine_before = machine_jiffies()
    offline = measure_offline(nlp, base, settings.batch_size, rounds=1 if smoke else 2)
    offline["machine_busy_cores"] = busy_cores(machine_before, machine_jiffies())
    del nlp
    say(
        f"   floor {offline['spacy_articles_per_s']:.2f} articles/s, "
        f"extract {offline['extract_articles_per_s']:.2f} articles/s"
    )

    timeout_s = 300.0 if smoke else 900.0
    warm_pool = corpus.take(4 * 8)  # fresh texts for warm-ups (more rounds if the group is slow to settle)

    def warm_for(marker: str) -> Callable[[int], list[Article]]:
        taken = {"next": 0}

        def warm(count: int) -> list[Article]:
            chunk = warm_pool[taken["next"] : taken["next"] + count] or corpus.take(count)
            taken["next"] += count
            return make_articles(chunk, f"{marker} warm-up", settings)

        return warm

    # 3. one worker: throughput, then latency at half of it
    one_settings = phase_settings(settings, run, "w1", workdir)
    phase_prefixes += [one_settings.topic_prefix, one_settings.app_id]
    one = make_group(one_settings, ["worker-1"], workdir)
    groups.append(one)
    say("3. starting one worker")
    one.start(warm_for(f"bench {run} w1"), timeout_s)
    say(f"   worker ready; publishing {n} articles at once")
    one_result = one.throughput(make_articles(base_texts, f"bench {run} w1", settings), timeout_s)
    say(f"   {one_result['articles_per_s']:.2f} articles/s in {one_result['seconds']:.1f} s")

    rate = max(0.2, one_result["articles_per_s"] / 2)
    seconds = SMOKE_LATENCY_SECONDS if smoke else LATENCY_SECONDS
    count = max(4, math.ceil(rate * seconds))
    latency_articles = make_articles(corpus.take(count), f"bench {run} latency", settings)
    say(f"   latency: {count} fresh articles at {rate:.2f}/s (~{count / rate:.0f} s)")
    latency = latency_phase(one, latency_articles, rate, timeout_s)
    p50, p99, updates = _fmt(latency["p50_s"], 3), _fmt(latency["p99_s"], 3), latency["articles_in_feed"]
    say(f"   p50 {p50} s, p99 {p99} s over {updates} articles that reached the feed")
    one.stop()

    # 4. two workers, one consumer group
    two_settings = phase_settings(settings, run, "w2", workdir)
    phase_prefixes += [two_settings.topic_prefix, two_settings.app_id]
    two = make_group(two_settings, ["worker-2a", "worker-2b"], workdir)
    groups.append(two)
    say("4. starting two workers in one group")
    two.start(warm_for(f"bench {run} w2"), timeout_s)
    say(f"   group ready; publishing the same {n} texts (new ids) at once")
    two_result = two.throughput(make_articles(base_texts, f"bench {run} w2", settings), timeout_s)
    say(f"   {two_result['articles_per_s']:.2f} articles/s in {two_result['seconds']:.1f} s")
    two.stop()

    say("   floor again, to see how much the machine's load drifted during the run")
    nlp = load_nlp(settings.spacy_model)
    floor_end = measure_offline(nlp, base, settings.batch_size, rounds=1, extract=False)
    del nlp

    workers = one.workers + two.workers
    rss = {w.name: w.peak_rss_mb for w in workers}
    report: dict[str, Any] = {
        "articles": n,
        "smoke": smoke,
        "spacy_model": settings.spacy_model,
        "floor_loader": "pipeline.extraction.load_nlp (spacy.load of the model package + the project's "
        "infix rule and newline-sentence component: the worker's exact pipeline)",
        "floor_loader_short": "`load_nlp`",
        "batch_size": settings.batch_size,
        **{k: v for k, v in offline.items() if k != "rounds"},
        "offline_rounds_best_of": offline["rounds"],
        "spacy_articles_per_s_end": floor_end["spacy_articles_per_s"],
        "floor_drift": floor_end["spacy_articles_per_s"] / offline["spacy_articles_per_s"],
        "pipeline_articles_per_s": one_result["articles_per_s"],
        "pipeline_ratio": one_result["articles_per_s"] / offline["spacy_articles_per_s"],
        # CPU per article of the floor over the worker's: insensitive to other people's load
        "pipeline_cpu_ratio": offline["spacy_cpu_per_article_ms"] / one_result["worker_cpu_per_article_ms"],
        "latency_rate_per_s": latency["rate_per_s"],
        "latency_p50_s": latency["p50_s"],
        "latency_p95_s": latency["p95_s"],
        "latency_p99_s": latency["p99_s"],
        "latency_samples": latency["articles_in_feed"],
        "latency_feed_updates": latency["feed_updates"],
        "pipeline_2_workers_articles_per_s": two_result["articles_per_s"],
        "pipeline_2_workers_ratio_to_floor": two_result["articles_per_s"] / offline["spacy_articles_per_s"],
        "scaling_2_workers": two_result["articles_per_s"] / one_result["articles_per_s"],
        "worker_peak_rss_mb": max((v for v in rss.values() if v is not None), default=None),
        "worker_peak_rss_mb_by_worker": rss,
        "pipeline_1_worker": one_result,
        "latency": latency,
        "pipeline_2_workers": two_result,
        "corpus": {
            "path": str(corpus.root),
            "description": corpus.describe(),
            "distinct_articles": len(corpus.texts),
            "used": corpus._next,
            "variants_generated": corpus.variants_generated,
        },
        "distinctness": "each pipeline phase has its own topics and consumer group and marks every title "
        "with the run and phase; warm-up and latency articles are fresh corpus texts",
        "machine": {**machine_info(), "loadavg_start": load_start, "loadavg_end": os.getloadavg()},
        "run_id": run,
        "wall_seconds": round(time.perf_counter() - started, 1),
    }
    report["targets"] = targets_met(report)
    report["warnings"] = run_warnings(report)
    return report


def run_warnings(report: dict[str, Any]) -> list[str]:
    """What makes this run's figures doubtful: dead-lettered work, a busy machine, a drifting floor."""
    warnings = []
    for key in ("pipeline_1_worker", "pipeline_2_workers"):
        phase = report[key]
        if phase["dead_letters"]:
            warnings.append(
                f"{key}: {phase['dead_letters']:.0f} of {phase['articles']} articles were dead-lettered "
                "(extraction failed): that phase did less work than the floor; see the worker logs"
            )
    phases = {
        "floor": report["machine_busy_cores"],
        "pipeline_1_worker": report["pipeline_1_worker"]["machine_busy_cores"],
        "latency": report["latency"]["machine_busy_cores"],
    }
    cpus = os.cpu_count() or 1
    for name, busy in phases.items():
        if busy is not None and cpus > 1 and busy > cpus - 0.4:
            warnings.append(
                f"{name}: the machine was saturated ({busy:.2f} of {cpus} cores busy): noisy figure"
            )
    if not 0.85 <= report["floor_drift"] <= 1.15:
        warnings.append(f"the floor drifted to {report['floor_drift']:.2f} × its start value: other load")
    return warnings
