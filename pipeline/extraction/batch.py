"""Running the spaCy parse and the pure extraction off the event loop.

spaCy is CPU-bound; parsing on the Faust event loop would starve heartbeats,
rebalances and the web server.  A single worker thread owns the model (loaded
once per process) and runs the shared batch driver (``extract_batch``: one ``nlp.pipe``
whose extraction components follow the parse), so the worker runs exactly what
``extract``, ``evaluate`` and ``bench`` run.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from pipeline.extraction import BatchResult, extract_batch, load_nlp
from schemas import Article


@dataclass(frozen=True)
class BatchTimings:
    parse_s: float  # the model's pipes
    extract_s: float  # the extraction components (same nlp.pipe call)


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
        """One batch through the shared driver (thread side); the parse and extraction are one pipe."""
        self.load()
        started = time.perf_counter()
        results = extract_batch(self._nlp, list(articles), self.batch_size)
        extract_s = sum(r.extract_s for r in results)
        return results, BatchTimings(parse_s=time.perf_counter() - started - extract_s, extract_s=extract_s)

    async def arun(self, articles: Sequence[Article]) -> tuple[list[BatchResult], BatchTimings]:
        return await asyncio.get_running_loop().run_in_executor(self._executor, self.run, list(articles))

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
