"""Running the spaCy parse and the pure extraction off the event loop.

spaCy is CPU-bound; parsing on the Faust event loop would starve heartbeats,
rebalances and the web server.  A single worker thread owns the model (loaded
once per process) and runs ``nlp.pipe`` over a batch, then the pure
``extract_from_doc`` per article: one parse per article, shared by entities,
quotes and events.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from pipeline.errors import ErrorCode, Rejection
from pipeline.extraction import Extraction, extract_from_doc, load_nlp
from schemas import Article


@dataclass(frozen=True)
class BatchResult:
    """Per-article outcome of one batch: an extraction or the error that stopped it."""

    article: Article
    extraction: Extraction | None
    error: Rejection | None


@dataclass(frozen=True)
class BatchTimings:
    parse_s: float
    extract_s: float


class BatchExtractor:
    """Owns the spaCy model and the thread it runs in."""

    def __init__(self, model_name: str, batch_size: int) -> None:
        self.model_name = model_name
        self.batch_size = batch_size
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spacy")
        self._nlp: Any = None
        self.model_load_s: float | None = None

    def load(self) -> float:
        """Load the model (idempotent); returns the load time in seconds."""
        if self._nlp is None:
            started = time.perf_counter()
            self._nlp = load_nlp(self.model_name)
            self.model_load_s = time.perf_counter() - started
        return self.model_load_s or 0.0

    async def aload(self) -> float:
        return await asyncio.get_running_loop().run_in_executor(self._executor, self.load)

    def run(self, articles: Sequence[Article]) -> tuple[list[BatchResult], BatchTimings]:
        """Parse a batch with one ``nlp.pipe`` call and extract each article (thread side)."""
        self.load()
        started = time.perf_counter()
        try:
            docs = list(self._nlp.pipe([a.body for a in articles], batch_size=self.batch_size))
        except Exception:
            docs = []
            for article in articles:
                try:
                    docs.append(self._nlp(article.body))
                except Exception as error:
                    docs.append(error)
        parsed = time.perf_counter()
        results: list[BatchResult] = []
        for article, doc in zip(articles, docs, strict=True):
            if isinstance(doc, Exception):
                results.append(BatchResult(article, None, _failed(ErrorCode.PARSE_ERROR, article, doc)))
                continue
            try:
                results.append(BatchResult(article, extract_from_doc(article, doc), None))
            except Exception as error:
                failed = _failed(ErrorCode.EXTRACTION_ERROR, article, error)
                results.append(BatchResult(article, None, failed))
        return results, BatchTimings(parse_s=parsed - started, extract_s=time.perf_counter() - parsed)

    async def arun(self, articles: Sequence[Article]) -> tuple[list[BatchResult], BatchTimings]:
        return await asyncio.get_running_loop().run_in_executor(self._executor, self.run, list(articles))

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _failed(code: ErrorCode, article: Article, error: Exception) -> Rejection:
    raw = article.model_dump_json().encode()
    return Rejection(code, f"{type(error).__name__}: {error}", article.source, raw)
