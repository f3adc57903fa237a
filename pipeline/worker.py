"""Running a worker process: topics ensured, pipeline built, Faust worker started."""

from __future__ import annotations

import logging

import faust

from pipeline.app import Pipeline, build_pipeline
from pipeline.config import Settings
from pipeline.metrics import Metrics
from pipeline.topics import create_topics


def prepare_worker(settings: Settings) -> Pipeline:
    """Create missing topics (checking partition counts) and build the pipeline."""
    create_topics(settings)
    return build_pipeline(settings, Metrics.create("worker", topic_prefix=settings.topic_prefix))


def run_worker(settings: Settings) -> None:
    """Run until SIGINT/SIGTERM; Faust commits offsets and flushes on the way out."""
    pipeline = prepare_worker(settings)
    logging.basicConfig(level=settings.log_level, format="[%(asctime)s] %(levelname)s %(name)s: %(message)s")
    worker = faust.Worker(pipeline.app, loglevel=settings.log_level, quiet=True, redirect_stdouts=False)
    try:
        worker.execute_from_commandline()
    finally:
        pipeline.extractor.close()
