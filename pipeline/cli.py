"""The `diplofeed` command: thin subcommands over the pipeline's modules."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from pipeline.config import Settings, load_settings


def cmd_broker(settings: Settings, args: argparse.Namespace) -> int:
    from pipeline.tools.broker import BrokerError, LocalBroker

    broker = LocalBroker(settings)
    try:
        if args.action == "start":
            status = broker.start()
            print(status.describe())
            if not status.external:
                print(f"broker log: {broker.log_file}")
        elif args.action == "stop":
            print("Kafka stopped" if broker.stop() else "Kafka was not running")
        else:
            status = broker.status()
            print(status.describe())
            return 0 if status.running or status.external else 3
    except BrokerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def cmd_topics(settings: Settings, args: argparse.Namespace) -> int:
    from pipeline.topology import create_topics, topic_specs

    created = create_topics(settings)
    for spec in topic_specs(settings):
        state = "created" if spec.name in created else "exists"
        print(f"{spec.name:32} partitions={spec.partitions:<3} {state}")
    return 0


def cmd_publish(settings: Settings, args: argparse.Namespace) -> int:
    from pipeline.ingest.publisher import ArticlePublisher
    from pipeline.ingest.sources import iter_inputs
    from pipeline.topology import create_topics

    create_topics(settings)
    publisher = ArticlePublisher(settings)
    try:
        summary = publisher.publish(
            iter_inputs(args.paths or ["-"], max_bytes=settings.max_input_bytes), progress=not args.quiet
        )
    finally:
        publisher.close()
    print(summary.line(), file=sys.stderr)
    for rejection in summary.rejections:
        print(f"  rejected {rejection.source}: [{rejection.error}] {rejection.reason}", file=sys.stderr)
    return 0 if summary.ok else 1


def cmd_watch(settings: Settings, args: argparse.Namespace) -> int:
    import signal

    from pipeline.ingest.publisher import ArticlePublisher
    from pipeline.ingest.watch import FolderWatcher, WatchState
    from pipeline.metrics import Metrics, start_http_server
    from pipeline.topology import create_topics

    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    create_topics(settings)
    metrics = Metrics.create("publisher", topic_prefix=settings.topic_prefix)
    if args.metrics_port != 0:
        start_http_server(metrics, args.metrics_port or settings.metrics_port)
    publisher = ArticlePublisher(settings, on_outcome=_publisher_metrics(metrics))
    state = WatchState.load(Path(args.state) if args.state else settings.watch_state_file)
    watcher = FolderWatcher(folder, publisher, state, max_bytes=settings.max_input_bytes, poll_s=args.poll)
    stopping = {"flag": False}

    def stop(*_: object) -> None:
        stopping["flag"] = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"watching {folder} (state {state.path}); Ctrl-C to stop", file=sys.stderr, flush=True)
    try:
        watcher.run(lambda: stopping["flag"], lambda s: print(s.line(), file=sys.stderr, flush=True))
    finally:
        publisher.close()
    return 0


def cmd_follow(settings: Settings, args: argparse.Namespace) -> int:
    import signal

    from pipeline.ingest.follow import FeedFollower, FollowMetrics, FollowState
    from pipeline.ingest.publisher import ArticlePublisher
    from pipeline.metrics import Metrics, start_http_server
    from pipeline.topology import create_topics

    create_topics(settings)
    metrics = Metrics.create("publisher", topic_prefix=settings.topic_prefix)
    follow_metrics = FollowMetrics(metrics.registry)
    if args.metrics_port != 0:
        start_http_server(metrics, args.metrics_port or settings.metrics_port)
    publisher = ArticlePublisher(settings, on_outcome=_publisher_metrics(metrics))
    state = FollowState.load(Path(args.state) if args.state else settings.data_dir / "follow-state.json")
    follower = FeedFollower(
        args.feeds,
        publisher,
        state,
        interval_s=args.interval,
        max_backoff_s=args.max_backoff,
        max_bytes=settings.max_input_bytes,
        metrics=follow_metrics,
    )
    stopping = {"flag": False}

    def stop(*_: object) -> None:
        stopping["flag"] = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"following {len(follower.urls)} feed(s) (state {state.path}); Ctrl-C to stop", file=sys.stderr)
    try:
        if args.once:
            print(follower.poll_once(force=True).line(), file=sys.stderr)
        else:
            follower.run(lambda: stopping["flag"], lambda s: print(s.line(), file=sys.stderr, flush=True))
    finally:
        publisher.close()
    return 0


def _publisher_metrics(metrics: object):  # type: ignore[no-untyped-def]
    def on_outcome(outcome: str, reason: str | None) -> None:
        if outcome == "published":
            metrics.article_published()  # type: ignore[attr-defined]
        elif outcome == "duplicate":
            metrics.article_duplicate()  # type: ignore[attr-defined]
        else:
            metrics.article_rejected(reason or "other")  # type: ignore[attr-defined]
            metrics.dead_letter("publish", reason or "other")  # type: ignore[attr-defined]

    return on_outcome


def cmd_tail(settings: Settings, args: argparse.Namespace) -> int:
    from pipeline.tools.tail import tail

    topic = args.topic if args.raw_name else settings.topic(args.topic)
    tail(
        settings,
        topic,
        from_beginning=not args.live,
        idle_timeout_s=args.idle_timeout,
        max_records=args.max,
        values_only=args.values,
    )
    return 0


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    from pipeline.worker import run_worker

    run_worker(settings)
    return 0


def cmd_extract(settings: Settings, args: argparse.Namespace) -> int:
    from pipeline.tools.offline import extract_paths, write_feed

    lines = extract_paths(args.paths, settings)
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout  # noqa: SIM115
    try:
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    finally:
        if args.out:
            out.close()
    if args.feed:
        write_feed(lines, Path(args.feed))
    return 0


def cmd_evaluate(settings: Settings, args: argparse.Namespace) -> int:
    if args.ingest:
        from pipeline.tools.ingest_eval import evaluate_ingest

        score = evaluate_ingest(Path(args.ingest), settings)
        if args.verbose:
            print("\n".join(score.misses), file=sys.stderr)
        print(score.line())
        return 0 if score.crashed == 0 else 1
    from pipeline.tools.offline import evaluate_folder

    if args.all or args.set:
        from pipeline.tools.evaluate_all import run_all

        table, details = run_all(settings, k=args.folds, only=args.set)
        print(table)
        if args.json:
            Path(args.json).write_text(json.dumps(details, indent=2, default=str))
        return 0
    if not (args.articles_dir and args.gold):
        print("error: give ARTICLES_DIR GOLD.json, --all, or --ingest DIR", file=sys.stderr)
        return 2
    from pipeline.tools.sentence_sets import is_sentence_gold

    if is_sentence_gold(json.loads(Path(args.gold).read_text(encoding="utf-8"))):
        from pipeline.tools.evaluate_sentences import format_sentence_report
        from pipeline.tools.sentence_sets import evaluate_sentence_set

        result = evaluate_sentence_set(Path(args.gold).parent, settings, k=args.folds)
        print(format_sentence_report(f"{result.name} (pipeline, {result.how})", result.pipeline))
        if result.classifier is not None:
            print(format_sentence_report(f"{result.name} (typer only, {result.how})", result.classifier))
        report = result.to_dict()
    else:
        report_text, report = evaluate_folder(Path(args.articles_dir), Path(args.gold), settings)
        print(report_text)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str))
    return 0


def cmd_train(settings: Settings, args: argparse.Namespace) -> int:
    from pipeline.extraction.typer import DEFAULT_PATH, TrainConfig
    from pipeline.tools.train import default_data_dir, train

    out = None if args.dry_run else Path(args.out) if args.out else DEFAULT_PATH
    data = Path(args.data) if args.data else default_data_dir(settings)
    card, text = train(data, settings, out, args.folds, TrainConfig(seed=args.seed))
    print(text)
    if out is not None:
        print(f"wrote {out} ({card['artefact_bytes']} bytes, sha256 {card['artefact_sha256'][:12]})")
    return 0


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from pipeline.tools.demo import run_demo, runs_once

    return run_demo(settings, once=runs_once(args.once), inbox=Path(args.inbox), timeout_s=args.timeout)


def cmd_bench(settings: Settings, args: argparse.Namespace) -> int:
    if args.sink:
        from pipeline.tools.bench_sink import run_sink_bench

        figures = run_sink_bench()
        if args.kafka:
            from pipeline.tools.bench_sink import run_kafka_sink

            figures["kafka"] = run_kafka_sink(settings)
            print(f"through Kafka: {json.dumps(figures['kafka'])}", flush=True)
        if args.json:
            Path(args.json).write_text(json.dumps(figures, indent=2))
        return 0 if figures["flatness"] <= 2 and figures["max_changelog_record_bytes"] < 100_000 else 1
    if args.ingest:
        from pipeline.tools.ingest_bench import run_ingest_bench

        return run_ingest_bench(Path(args.ingest), settings)
    from pipeline.tools.bench import run_bench

    return run_bench(settings, articles=args.articles, json_path=args.json, smoke=args.smoke)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="diplofeed", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    broker = sub.add_parser("broker", help="run a local single-node Kafka (KRaft)")
    broker.add_argument("action", choices=["start", "stop", "status"])
    broker.set_defaults(func=cmd_broker)

    topics = sub.add_parser("topics", help="create the project's topics")
    topics.add_argument("action", choices=["create"])
    topics.set_defaults(func=cmd_topics)

    publish = sub.add_parser("publish", help="publish articles from files, folders, JSON Lines or stdin (-)")
    publish.add_argument("paths", nargs="*", help="text files, folders, .jsonl files, or - for stdin")
    publish.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    publish.set_defaults(func=cmd_publish)

    watch = sub.add_parser("watch", help="publish each new file that lands in a folder")
    watch.add_argument("folder")
    watch.add_argument("--state", help="state file (default: DIPLOFEED_DATA_DIR/watch-state.json)")
    watch.add_argument("--poll", type=float, default=1.0, help="seconds between scans")
    watch.add_argument(
        "--metrics-port", type=int, default=None, help="0 disables; default DIPLOFEED_METRICS_PORT"
    )
    watch.set_defaults(func=cmd_watch)

    follow = sub.add_parser("follow", help="poll RSS/Atom feeds and publish their new entries")
    follow.add_argument("feeds", nargs="+", metavar="FEED_URL")
    follow.add_argument("--interval", type=float, default=300.0, help="seconds between polls of a feed")
    follow.add_argument("--max-backoff", type=float, default=3600.0, help="longest wait after errors (s)")
    follow.add_argument("--state", help="state file (default: DIPLOFEED_DATA_DIR/follow-state.json)")
    follow.add_argument("--once", action="store_true", help="poll every feed once and exit")
    follow.add_argument(
        "--metrics-port", type=int, default=None, help="0 disables; default DIPLOFEED_METRICS_PORT"
    )
    follow.set_defaults(func=cmd_follow)

    tail = sub.add_parser("tail", help="print a topic's records as JSON lines")
    tail.add_argument(
        "topic", help="logical topic (articles, entities, quotes, events, diplomatic-feed, dead-letters)"
    )
    tail.add_argument("--live", action="store_true", help="only new records (default: from the beginning)")
    tail.add_argument("--idle-timeout", type=float, default=None, help="stop after this many idle seconds")
    tail.add_argument("--max", type=int, default=None, help="stop after this many records")
    tail.add_argument("--values", action="store_true", help="print only record values")
    tail.add_argument("--raw-name", action="store_true", help="TOPIC is a wire name, no prefix added")
    tail.set_defaults(func=cmd_tail)

    worker = sub.add_parser("worker", help="run a Faust worker (extraction agents, feed sink, web)")
    worker.set_defaults(func=cmd_worker)

    extract = sub.add_parser("extract", help="run the extraction offline, without Kafka")
    extract.add_argument("paths", nargs="+")
    extract.add_argument("--out", help="JSON Lines output (default stdout)")
    extract.add_argument("--feed", help="also merge into a feed and write it as JSON")
    extract.set_defaults(func=cmd_extract)

    evaluate = sub.add_parser("evaluate", help="score extraction against a gold file, or every set (--all)")
    evaluate.add_argument("articles_dir", nargs="?")
    evaluate.add_argument("gold", nargs="?")
    evaluate.add_argument("--all", action="store_true", help="every set: seeds + SHARED_DIR/eval, one table")
    evaluate.add_argument("--set", action="append", help="with --all: only this set (repeatable)")
    evaluate.add_argument("--folds", type=int, default=5, help="k of the held-out folds of sentence sets")
    evaluate.add_argument("--ingest", metavar="DIR", help="score ingestion on DIR (files/ + expected.json)")
    evaluate.add_argument("-v", "--verbose", action="store_true", help="with --ingest: list every miss")
    evaluate.add_argument("--json", help="also write the scores as JSON")
    evaluate.set_defaults(func=cmd_evaluate)

    train = sub.add_parser("train", help="rebuild the PLOVER typer from a labelled sentence set")
    train.add_argument("--data", help="sentence set (default: SHARED_DIR/eval/plover-sentences/plv-train)")
    train.add_argument("--out", help="artefact path (default: the shipped pipeline/extraction/models/...)")
    train.add_argument("--folds", type=int, default=5, help="k of the k-fold cross-validation")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--dry-run", action="store_true", help="only print the cross-validated figures")
    train.set_defaults(func=cmd_train)

    demo = sub.add_parser("demo", help="broker + worker + seeds in, feed out (the main job)")
    demo.add_argument("--once", action="store_true", help="exit after printing the feed")
    demo.add_argument("--inbox", default="inbox", help="folder watched for new articles")
    demo.add_argument("--timeout", type=float, default=300.0, help="longest wait for the feed to settle")
    demo.set_defaults(func=cmd_demo)

    bench = sub.add_parser("bench", help="throughput, latency and scaling benchmark")
    bench.add_argument("--articles", type=int, default=300)
    bench.add_argument("--json", help="write the figures as JSON")
    bench.add_argument("--smoke", action="store_true", help="tiny run that checks the benchmark works")
    bench.add_argument(
        "--sink", action="store_true", help="feed sink alone, 10k/100k/1M events in the window (pure)"
    )
    bench.add_argument("--kafka", action="store_true", help="with --sink: also a shorter run through Kafka")
    bench.add_argument("--ingest", metavar="DIR", help="parsing articles/s per input format of DIR's files")
    bench.set_defaults(func=cmd_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = load_settings()
    return int(args.func(settings, args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
