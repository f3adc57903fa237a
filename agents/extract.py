"""Extract agent: articles → entities, quotes, events (one spaCy parse per article).

One agent parses and fans out to the three topics instead of three agents each
parsing: the parse dominates the cost, and one consumer means one offset to
commit per article.  Batches come from ``take_events`` so ``nlp.pipe`` sees
several texts at once; the parse runs in the extractor's thread.
Concurrency stays 1 (faust-streaming #606).
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from pipeline.extraction.decode import decode_article
from schemas import Article

if TYPE_CHECKING:
    import faust

    from pipeline.config import Settings
    from pipeline.extraction.batch import BatchExtractor
    from pipeline.metrics import Metrics
    from pipeline.topology import FaustTopics


def register(
    app: faust.App, topics: FaustTopics, extractor: BatchExtractor, metrics: Metrics, settings: Settings
) -> None:
    """Attach the extract agent to the app."""

    @app.agent(topics.articles, name="extract", concurrency=1)
    async def extract(stream: Any) -> None:
        async for events in stream.take_events(settings.batch_size, within=settings.batch_timeout_s):
            articles: list[Article] = []
            # Delivery futures of everything this batch sends.  take_events acks the batch (making its
            # offsets committable) when the loop comes back for the next one, so the loop waits for
            # the broker's acks first: a crash can then replay a batch, never lose its outputs.
            pending: list[Any] = []
            for event in events:
                message = event.message
                source = f"{message.topic}/{message.partition}/{message.offset}"
                metrics.article_received()
                decoded = decode_article(event.value, source, settings.max_body_chars)
                if isinstance(decoded, Article):
                    articles.append(decoded)
                    continue
                record = decoded.dead_letter(stage="worker")
                pending.append(await topics.dead_letters.send(key=record.raw_sha256.encode(), value=record))
                metrics.dead_letter("worker", decoded.error)
            if not articles:
                await asyncio.gather(*pending)
                continue
            results, timings = await extractor.arun(articles)
            metrics.observe_stage("parse", timings.parse_s)
            metrics.observe_stage("extract", timings.extract_s)
            started = time.perf_counter()
            for result in results:
                key = result.article.article_id.encode()
                if result.extraction is None:
                    assert result.error is not None  # the batch driver sets one or the other
                    record = result.error.dead_letter(stage="worker", article_id=result.article.article_id)
                    pending.append(await topics.dead_letters.send(key=key, value=record))
                    metrics.dead_letter("worker", result.error.error)
                    continue
                extraction = result.extraction
                for entity in extraction.entities:
                    pending.append(await topics.entities.send(key=key, value=entity))
                for quote in extraction.quotes:
                    pending.append(await topics.quotes.send(key=key, value=quote))
                for event_record in extraction.events:
                    pending.append(await topics.events.send(key=key, value=event_record))
                for entity in extraction.entities:
                    metrics.entities_extracted(entity.type)
                metrics.quotes_extracted(len(extraction.quotes))
                metrics.article_processed()
                for event_record in extraction.events:
                    metrics.event_extracted(event_record.type)
            await asyncio.gather(*pending)
            metrics.observe_stage("publish", time.perf_counter() - started)
