"""`diplofeed watch DIR`: publish each new file as it lands in a folder.

A file is published once it has stopped changing between two polls (so a file
still being copied is not read half-way), and its path and content hash are
remembered in a state file written atomically after the broker acknowledged
it: a restart republishes nothing, and a file rewritten with new content is
published again.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.ingest.publisher import ArticlePublisher, PublishSummary
from pipeline.ingest.sources import SKIPPED_NAMES, read_file


@dataclass
class WatchState:
    """Files already published: path -> sha256 of their content."""

    path: Path
    published: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> WatchState:
        try:
            data = json.loads(path.read_text())
            return cls(path, {str(k): str(v) for k, v in data.get("published", {}).items()})
        except (FileNotFoundError, ValueError, AttributeError):
            return cls(path)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"published": self.published}, indent=0, sort_keys=True))
        os.replace(temporary, self.path)


class FolderWatcher:
    """Polls a folder and publishes new or changed files."""

    def __init__(
        self,
        folder: Path,
        publisher: ArticlePublisher,
        state: WatchState,
        *,
        max_bytes: int,
        poll_s: float = 1.0,
    ) -> None:
        self.folder = folder
        self.publisher = publisher
        self.state = state
        self.max_bytes = max_bytes
        self.poll_s = poll_s
        self._sizes: dict[str, tuple[int, int]] = {}

    def scan_once(self) -> PublishSummary:
        """Publish the files that are new and stable since the previous scan."""
        total = PublishSummary()
        for file in sorted(p for p in self.folder.rglob("*") if p.is_file()):
            if file.name.startswith(".") or file.name in SKIPPED_NAMES:
                continue
            key = str(file.resolve())
            stat = file.stat()
            signature = (stat.st_size, stat.st_mtime_ns)
            previous = self._sizes.get(key)
            self._sizes[key] = signature
            if previous != signature:
                continue  # new or still changing: look again next poll
            # Reliability fix: hash in pieces; read_bytes() held a file of any size in memory, past
            # the input limit that read_file enforces.
            with file.open("rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
            if self.state.published.get(key) == digest:
                continue
            summary = self.publisher.publish(read_file(file, max_bytes=self.max_bytes), progress=False)
            total.published += summary.published
            total.rejected += summary.rejected
            total.duplicates += summary.duplicates
            total.failed += summary.failed
            total.rejections.extend(summary.rejections)
            if summary.failed == 0:
                self.state.published[key] = digest
                self.state.save()
        return total

    def run(self, should_stop: Callable[[], bool], on_summary: Callable[[PublishSummary], None]) -> None:
        while not should_stop():
            summary = self.scan_once()
            if summary.published or summary.rejected or summary.failed:
                on_summary(summary)
            time.sleep(self.poll_s)
