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

from pydantic import ValidationError

from pipeline.codec import decode_record
from pipeline.ingest.articles import dead_letter
from schemas import SCHEMA_VERSION, Article

if TYPE_CHECKING:
    from pipeline.app import Pipeline


def decode_article(raw: Any, source: str, max_body_chars: int) -> Article | tuple[str, str]:
    """A record from the articles topic as an ``Article``, or (error code, reason)."""
    if raw is None:
        return "invalid_record", "empty record (no value)"
    payload = raw if isinstance(raw, bytes) else str(raw).encode()
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        return "not_utf8", "record value is not UTF-8 JSON"
    try:
        article = decode_record(Article, text)
    except ValidationError as error:
        first = error.errors()[0]
        if first["type"] == "json_invalid":
            return "invalid_json", f"record value is not JSON: {first['msg']}"
        # Reliability fix: a body over the contract's 200,000-character limit failed validation and was
        # dead-lettered as invalid_record; give it the stable code the README and metrics use.
        if all(e["loc"][:1] == ("body",) and e["type"] == "string_too_long" for e in error.errors()):
            return "body_too_large", f"body is over the article contract's limit: {first['msg']}"
        if first["loc"][:1] == ("schema_version",):
            return "unsupported_schema_version", f"schema_version must be {SCHEMA_VERSION}: {first['msg']}"
        fields = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()[:5])
        return "invalid_record", f"not a valid article record: {fields}"
    if len(article.body) > max_body_chars:
        return "body_too_large", f"body has {len(article.body)} characters, over {max_body_chars}"
    return article


def register(pipeline: Pipeline) -> None:
    """Attach the extract agent to the app."""
    app, topics, metrics, settings = pipeline.app, pipeline.topics, pipeline.metrics, pipeline.settings

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
                error, reason = decoded
                raw = event.value if isinstance(event.value, bytes) else b""
                record = dead_letter(raw, error=error, reason=reason, source=source, stage="worker")
                pending.append(await topics.dead_letters.send(key=record.raw_sha256.encode(), value=record))
                metrics.dead_letter("worker", error)
            if not articles:
                await asyncio.gather(*pending)
                continue
            results, timings = await pipeline.extractor.arun(articles)
            metrics.observe_stage("parse", timings.parse_s)
            metrics.observe_stage("extract", timings.extract_s)
            started = time.perf_counter()
            for result in results:
                key = result.article.article_id.encode()
                if result.extraction is None:
                    error = (result.error or "extraction_error").split(":", 1)[0]
                    record = dead_letter(
                        result.article.model_dump_json().encode()[:4096],
                        error=error,
                        reason=result.error or "extraction failed",
                        source=result.article.source,
                        stage="worker",
                        article_id=result.article.article_id,
                    )
                    pending.append(await topics.dead_letters.send(key=key, value=record))
                    metrics.dead_letter("worker", error)
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
