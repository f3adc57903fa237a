"""The merge design's ceiling: the gold events themselves through the feed's merge code.

Extraction errors are taken out: every annotated event becomes an ``Event`` (the article's
stated outlet and publication date, the annotated type, actors, date, status, mode and
location), the feed is built with ``build_feed`` and scored with ``evaluate.score``, so the
figures say what the merge rules and blocking lose on their own.

    python3 -m pipeline.tools.feed_ceiling ../shared/eval/articles/gold.json
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from pathlib import Path
from typing import Any

from pipeline.feed.merge import build_feed
from pipeline.tools.evaluate import Report, format_report, score
from schemas import ArticleRef, Event, Span


def gold_events(gold: dict[str, Any]) -> dict[str, list[Event]]:
    """Article file -> its annotated events as the extraction would emit them."""
    out: dict[str, list[Event]] = {}
    for file, article in sorted((gold.get("articles") or {}).items()):
        article_id = hashlib.sha256(file.encode()).hexdigest()[:16]
        published = article.get("published")
        ref = ArticleRef(
            article_id=article_id,
            outlet=article.get("outlet"),
            published_date=dt.date.fromisoformat(published) if published else None,
        )
        events = []
        for n, event in enumerate(article.get("events") or []):
            evidence = event.get("evidence") or event["type"]
            events.append(
                Event(
                    id=f"{article_id}-g{n:03d}",
                    article_id=article_id,
                    type=event["type"],
                    mode=event.get("mode"),
                    actors=event.get("actors") or ["unknown"],
                    recipient=event.get("recipient"),
                    location=event.get("location"),
                    date=event.get("date"),
                    status=event["status"],
                    evidence=Span(text=evidence, start=0, end=len(evidence)),
                    confidence=1.0,
                    article=ref,
                )
            )
        out[file] = events
    return out


def ceiling(gold: dict[str, Any]) -> Report:
    """Score the feed built from the gold events against the gold."""
    per_file = gold_events(gold)
    predictions = {
        file: {"events": [e.model_dump(mode="json") for e in events], "entities": [], "quotes": []}
        for file, events in per_file.items()
    }
    items = build_feed(e for events in per_file.values() for e in events)
    feed = [items[k].model_dump(mode="json") for k in sorted(items)]
    return score(predictions, gold, feed=feed)


def main(argv: list[str]) -> int:
    import json

    gold = json.loads(Path(argv[0]).read_text())
    report = ceiling(gold)
    lines = [line for line in format_report(report).splitlines() if line.startswith(("feed", "events"))]
    print("\n".join(["merge ceiling (gold events through build_feed):", *lines]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
